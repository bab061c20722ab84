"""The ingest pipeline on the real seed articles and on small corpora."""

from __future__ import annotations

import json
import re
import shutil

from chat.cli import main
from ingest.passages import LIST_HEADING_MAX_CHARS
from ingest.pipeline import ingest_corpus

FURNITURE = re.compile(r"點擊數|發佈:\s*\d{4}|^\s*\d+\s*/\s*\d+\s*$|\]\(#\)", re.M)


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_seed_passages_are_clean(seed_corpus):
    result = ingest_corpus(seed_corpus)
    assert {a.doc_id for a in result.articles} == {"000_52ed3b7e36387b18", "001_4942e598eceb2bee"}
    assert not result.warnings
    for passage in result.passages:
        assert not FURNITURE.search(passage.text), passage.text
        assert 0 < len(passage.text) <= 240 + LIST_HEADING_MAX_CHARS + 2  # a heading may lead the passage


def test_every_dev_gold_string_lies_inside_one_passage(seed_corpus, dev_questions):
    passages = [_norm(p.text) for p in ingest_corpus(seed_corpus).passages]
    for question in dev_questions:
        for gold in question["gold"]:
            assert any(_norm(gold) in p for p in passages), (question["id"], gold)


def test_first_sentence_of_000_is_in_one_passage(seed_corpus):
    first = "日本為了解決人口減少、地方經濟萎縮以及人口過度集中在東京等問題，於2014年通過了「城鎮・人口・工作創生法」"
    assert any(first in p.text for p in ingest_corpus(seed_corpus).passages)


def test_ids_and_spans_are_stable_across_runs(seed_corpus):
    one, two = ingest_corpus(seed_corpus), ingest_corpus(seed_corpus)
    assert [p.id for p in one.passages] == [p.id for p in two.passages]
    articles = {a.doc_id: a for a in one.articles}
    for p in one.passages:
        assert articles[p.doc_id].text[p.start : p.end] == p.text


def test_metadata_comes_from_sidecar_and_from_removed_headers(seed_corpus):
    articles = {a.doc_id: a for a in ingest_corpus(seed_corpus).articles}
    meta = articles["001_4942e598eceb2bee"].meta
    assert meta.author == "謝子涵" and meta.published == "2021-10-29" and "地域未來構想20" in meta.title


def test_published_date_found_without_sidecar(seed_corpus, tmp_path):
    shutil.copy(seed_corpus / "001_4942e598eceb2bee.txt", tmp_path / "a.txt")
    (article,) = ingest_corpus(tmp_path).articles
    assert article.meta.published == "2021-10-29"


def test_author_read_from_the_byline_without_sidecar(seed_corpus, tmp_path):
    shutil.copy(seed_corpus / "000_52ed3b7e36387b18.txt", tmp_path / "a.txt")  # ends "作者 謝子涵 為政治工作者"
    (tmp_path / "b.md").write_text("台灣地方創生的起步\n\n作者：林小明\n\n國發會在2019年啟動地方創生元年。\n", "utf-8")
    (tmp_path / "c.md").write_text("韓國的政策\n\n作者認為：補助太少。\n\n記者會上說明了預算。\n", "utf-8")
    authors = {a.meta.source: a.meta.author for a in ingest_corpus(tmp_path).articles}
    assert authors == {"a.txt": "謝子涵", "b.md": "林小明", "c.md": None}


def test_the_sidecar_author_wins_over_the_byline(tmp_path):
    (tmp_path / "b.md").write_text("台灣地方創生的起步\n\n作者：林小明\n\n國發會在2019年啟動地方創生元年。\n", "utf-8")
    (tmp_path / "b.md.meta.json").write_text(json.dumps({"author": "陳大華"}), "utf-8")
    (article,) = ingest_corpus(tmp_path).articles
    assert article.meta.author == "陳大華"


def test_the_date_read_from_a_dateline_under_the_title(tmp_path):
    (tmp_path / "b.md").write_text(
        "台灣地方創生的起步\n\n文／林小明\n\n2024年3月\n\n國發會在2019年啟動元年。\n", "utf-8"
    )
    (tmp_path / "c.md").write_text("韓國的政策\n\n2024年3月，韓國修正了法律。\n", "utf-8")  # a sentence, not a dateline
    (tmp_path / "d.md").write_text("日本的政策\n\n2023-10-01\n\n本文介紹故鄉納稅。\n", "utf-8")
    (tmp_path / "d.md.meta.json").write_text(json.dumps({"published": "2023-10-02"}), "utf-8")  # the sidecar wins
    dates = {a.meta.source: a.meta.published for a in ingest_corpus(tmp_path).articles}
    assert dates == {"b.md": "2024年3月", "c.md": None, "d.md": "2023-10-02"}


HTML_PAGE = (
    '<html><head><meta charset="utf-8"><title>台灣地方創生</title>{meta}</head>'
    "<body><article><h1>台灣地方創生</h1>{by}{body}</article></body></html>"
)
HTML_BODY = (
    "<p>國家發展委員會在{year}年啟動地方創生元年，提出五支箭的推動策略，讓人口回流地方。</p>"
    "<p>青年培力工作站是其中一項措施，每年最多補助200萬元，協助青年返鄉創業。</p>"
    "<p>各地方政府也提出地方創生計畫，與企業合作培育人才，讓在地產業重新發展。</p>"
)


def test_an_html_page_names_its_author_by_its_byline_or_meta_tag(tmp_path):
    byline, meta = '<p class="byline">記者陳美玲／台北報導</p>', '<meta name="author" content="王大同">'
    (tmp_path / "a.html").write_text(HTML_PAGE.format(meta="", by=byline, body=HTML_BODY.format(year=2019)), "utf-8")
    (tmp_path / "b.html").write_text(HTML_PAGE.format(meta=meta, by="", body=HTML_BODY.format(year=2020)), "utf-8")
    articles = ingest_corpus(tmp_path).articles
    assert {a.meta.source: a.meta.author for a in articles} == {"a.html": "陳美玲", "b.html": "王大同"}
    assert all("五支箭" in a.text for a in articles)
    # trafilatura takes the byline out of the text; it is put back under the title, to be quoted
    by_source = {a.meta.source: [p.text for p in a.paragraphs] for a in articles}
    assert by_source["a.html"][:2] == ["台灣地方創生", "記者陳美玲／台北報導"]
    assert "王大同" not in "".join(by_source["b.html"])  # a <meta> author is not the article's text


def test_bad_and_duplicate_files_are_reported_and_the_rest_ingested(seed_corpus, tmp_path):
    shutil.copy(seed_corpus / "000_52ed3b7e36387b18.txt", tmp_path / "a.txt")
    shutil.copy(seed_corpus / "000_52ed3b7e36387b18.txt", tmp_path / "copy.txt")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "notes.xyz").write_text("x")
    result = ingest_corpus(tmp_path)
    assert [a.doc_id for a in result.articles] == ["a"]
    assert result.duplicates == (("copy.txt", "a.txt"),)
    assert any("empty.txt" in w for w in result.warnings)
    assert any("notes.xyz" in w for w in result.warnings)


def test_cli_ingest_json_prints_one_passage_per_line(seed_corpus, capsys):
    assert main(["ingest", "--corpus", str(seed_corpus), "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == len(ingest_corpus(seed_corpus).passages)
    assert {"id", "doc_id", "title", "paragraph", "page", "text"} <= set(rows[0])


def test_cli_ingest_summary(seed_corpus, capsys):
    assert main(["ingest", "--corpus", str(seed_corpus)]) == 0
    assert "articles: 2" in capsys.readouterr().out


def test_pipeline_tokens_carry_the_heading_path(seed_corpus):
    """The keyword side searches a passage's heading path too (``Passage.search_text``), not only its text."""
    from ingest.segment import tokenize

    under = [p for p in ingest_corpus(seed_corpus).passages if p.context]
    assert under, "the seed articles have passages under headings"
    for passage in under:
        assert set(tokenize(passage.context)) <= set(passage.tokens), passage.id
    assert any(set(tokenize(p.context)) - set(tokenize(p.text)) for p in under)  # the heading adds terms


def test_a_txt_title_line_the_body_restates_is_the_title_and_its_own_paragraph(tmp_path):
    # the first line "熊本縣的熊本熊" was glued onto "熊本熊在…" (熊熊 read across the break): the title fell
    # back to the file name and the quote began "熊本縣的熊本熊熊本熊在…"
    (tmp_path / "trad_utf8.txt").write_text(
        "熊本縣的熊本熊\n\n熊本熊在2010年誕生，是熊本縣的吉祥物。它幫助熊本縣的觀光與農產品行銷。\n", "utf-8"
    )
    (tmp_path / "gb_test.txt").write_bytes(
        "熊本县的熊本熊\n\n熊本熊在2010年诞生，是熊本县的吉祥物。它帮助熊本县的观光与农产品行销。\n".encode("gb18030")
    )
    articles = {a.doc_id: a for a in ingest_corpus(tmp_path).articles}
    assert {doc_id: a.meta.title for doc_id, a in articles.items()} == {
        "trad_utf8": "熊本縣的熊本熊",
        "gb_test": "熊本县的熊本熊",
    }
    assert [p.text for p in articles["trad_utf8"].paragraphs] == [
        "熊本縣的熊本熊",
        "熊本熊在2010年誕生，是熊本縣的吉祥物。它幫助熊本縣的觀光與農產品行銷。",
    ]
    assert articles["gb_test"].paragraphs[1].text.startswith("熊本熊在2010年诞生")
