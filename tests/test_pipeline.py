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
