"""Issue 14: hostile article files. Each is built here (small, in tmp_path) and must be refused by
name with the limit or the reason, by a loader process whose peak memory stays bounded; one bad
file never stops a build (the other articles are indexed); a refused ``add`` changes nothing."""

from __future__ import annotations

import json
import os
import random
import shutil
import time
import unicodedata
from pathlib import Path

import pytest

from index.build import build_index
from ingest import metadata
from ingest.errors import NAME_SEPARATOR
from ingest.fileio import read_jsonl
from ingest.library import NOTHING_ADDED
from ingest.load import LoadLimits
from ingest.pipeline import ingest_corpus
from ingest.sandbox import Reader
from tests import hostile_files as hf
from tests import make_fixtures as mf
from tests.fakes import FakeEncoder
from tests.reliability_support import (
    TRACEBACK,
    assert_clean_failure,
    built_setup,
    clone_setup,
    index_snapshot,
    run_cli,
    tiny_model,
    tree_snapshot,
)

SEEDS = Path(__file__).resolve().parent.parent / "corpus"
SEED_IDS = {"000_52ed3b7e36387b18", "001_4942e598eceb2bee"}
CHILD_RSS_MB = 300  # every refusal below happens in a loader process smaller than this

REMEMBERED = "內容與先前拒絕的檔案相同"  # a refusal from the reads cache (ingest.sandbox)

# (writer, text every refusal must contain) - the limit's settings name, or the reason
HOSTILE = {
    "docx_zero_image": (lambda d: hf.write_docx_zero_image(d, 200), "docx_unzipped_mb=100"),
    "docx_huge_document_xml": (lambda d: hf.write_docx_huge_document(d, 50), "docx_zip_ratio=200"),
    "docx_grid_span_huge": (lambda d: hf.write_docx_grid_span(d), "docx_grid_span=1000"),
    "docx_grid_span_text": (lambda d: hf.write_docx_grid_span(d, "abc", "span-abc.docx"), "ValueError"),
    "docx_vmerge_first_row": (hf.write_docx_vmerge_first_row, "no tr above topmost tr"),
    "docx_deflate64": (hf.write_docx_member_method, "不支援的 zip 壓縮方式"),
    "docx_encrypted_member": (hf.write_docx_encrypted_member, "密碼保護"),
    "html_40k_paragraphs": (lambda d: hf.write_html_paragraphs(d, 40_000), "html_elements=30000"),
    "pdf_99000_repeated_pages": (hf.write_pdf_repeated_page, "pdf_pages=2000"),
    "txt_one_line_2mb": (lambda d: hf.write_text_one_line(d, 2), "text_chars=1500000"),
    "txt_150k_lines": (lambda d: hf.write_text_many_lines(d, 150_000), "text_lines=100000"),
    "txt_private_use": (hf.write_private_use_text, "二進位資料"),
    "txt_symbols_only": (hf.write_symbol_text, "看起來不是文字"),
}


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("hostile")
    for writer, _needle in HOSTILE.values():
        writer(directory)
    return directory


def _path_of(directory: Path, case: str) -> Path:
    """The file a case's writer made (writers are deterministic about their names)."""
    made = {p.name for p in directory.iterdir() if p.is_file()}
    scratch = directory / ".find" / case
    path = HOSTILE[case][0](scratch)
    shutil.rmtree(directory / ".find")
    assert path.name in made, (case, path.name)
    return directory / path.name


# --------------------------------------------------------------------------- the loader process


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_file_is_refused_by_name_with_its_limit_in_a_small_child(hostile_dir, case):
    path = _path_of(hostile_dir, case)
    with Reader() as reader:
        outcome = reader.read(path, path.name)
    assert outcome.raw is None and outcome.refusal is not None
    assert outcome.refusal.startswith(path.name + NAME_SEPARATOR), outcome.refusal
    assert HOSTILE[case][1] in outcome.refusal, outcome.refusal
    assert TRACEBACK not in outcome.refusal
    assert 0 < outcome.peak_rss_mb < CHILD_RSS_MB, outcome.peak_rss_mb
    assert outcome.seconds < 20


def test_a_loader_over_its_time_limit_is_killed_and_the_next_file_is_read(tmp_path):
    slow = hf.write_docx_grid_span(tmp_path, "100000000")  # python-docx: minutes, linear in the span
    good = mf.write_docx(tmp_path)
    limits = LoadLimits(load_seconds=3.0, docx_grid_span=10**9)  # pre-check off: the time limit must act
    with Reader(limits) as reader:
        start = time.monotonic()
        refused = reader.read(slow, slow.name)
        took = time.monotonic() - start
        accepted = reader.read(good, good.name)
    assert refused.refusal is not None and "load_seconds=3" in refused.refusal and slow.name in refused.refusal
    assert 3 <= took < 15, took
    assert accepted.refusal is None and mf.DOCX_PARAGRAPHS[0] in accepted.raw.pages[0]


def test_a_loader_over_its_memory_limit_is_refused_and_stays_under_it(tmp_path):
    bomb = hf.write_docx_zero_image(tmp_path, 600)  # python-docx reads the whole 600 MB part
    limits = LoadLimits(load_memory_mb=400, docx_unzipped_mb=10**6, docx_zip_ratio=10**9)
    with Reader(limits) as reader:
        outcome = reader.read(bomb, bomb.name)
        after = reader.read(mf.write_big5(tmp_path), "big5.txt")
    assert outcome.refusal is not None and "load_memory_mb=400" in outcome.refusal, outcome.refusal
    assert outcome.peak_rss_mb < 420, outcome.peak_rss_mb
    assert after.refusal is None


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType='
    '"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
_CHARS = "地方創生日本政府推動區域振興政策旨在解決人口減少與東京一極集中問題補助金"


def _raw_docx(path: Path, body: str = "", raw: str | None = None) -> Path:
    """A minimal .docx around ``body`` (or with ``raw`` as its whole word/document.xml)."""
    import zipfile

    document = raw or f'<?xml version="1.0" encoding="UTF-8"?><w:document {_W}><w:body>{body}</w:body></w:document>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("word/document.xml", document)
    return path


def _para(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def _cell(text: str) -> str:
    return f"<w:tc>{_para(text)}</w:tc>"


def _table(cells: int, columns: int = 10) -> str:
    pick = random.Random(2).choice
    row = "".join(
        f"<w:tr>{''.join(_cell(pick(_CHARS) + pick(_CHARS)) for _ in range(columns))}</w:tr>" for _ in range(200)
    )
    return "<w:tbl>" + row * (cells // columns // 200) + "</w:tbl>"


def test_a_small_docx_of_a_million_tiny_cells_is_refused_before_parsing(tmp_path):
    """A 0.5 MB .docx with 100 MB of tiny table cells passed the zip checks and cost 1.4 GB and the 60 s limit;
    one paragraph of millions of runs was refused as 「unknown error (<string>, line 0)」. Both are refused by
    counting elements while unzipping, in a few seconds and a small child, saying what is wrong."""
    table = _raw_docx(tmp_path / "cells.docx", _para("大型表格") + _table(1_500_000))
    pick = random.Random(3).choice
    runs = _raw_docx(
        tmp_path / "runs.docx",
        "<w:p>" + "".join(f"<w:r><w:t>{pick(_CHARS)}</w:t></w:r>" for _ in range(1_200_000)) + "</w:p>",
    )
    assert table.stat().st_size < 6 << 20 and runs.stat().st_size < 6 << 20  # well under max_file_mb=20
    with Reader() as reader:
        for path, what in ((table, "個表格儲存格"), (runs, "個文字片段")):
            start = time.monotonic()
            outcome = reader.read(path, path.name)
            took = time.monotonic() - start
            assert outcome.refusal is not None and outcome.refusal.startswith(path.name + NAME_SEPARATOR)
            assert "docx_elements=1000000" in outcome.refusal and "XML 元素" in outcome.refusal, outcome.refusal
            assert what in outcome.refusal and "unknown error" not in outcome.refusal
            assert took < 5 and outcome.peak_rss_mb < CHILD_RSS_MB, (took, outcome.peak_rss_mb)


def test_legitimate_docx_with_many_paragraphs_and_a_large_table_is_read(tmp_path):
    paragraphs = "".join(_para(f"第{i}段：地方創生是日本政府推動的區域振興政策。") for i in range(1000))
    document = _raw_docx(tmp_path / "long.docx", _para("長文章") + paragraphs + _table(5000))
    with Reader() as reader:
        outcome = reader.read(document, document.name)
    assert outcome.refusal is None, outcome.refusal
    assert "第999段" in outcome.raw.pages[0] and outcome.raw.pages[0].count("\t") >= 3000


@pytest.mark.parametrize(
    ("raw", "needle"),
    [
        (
            '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "lol">'
            + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
            + f"]><w:document {_W}><w:body><w:p><w:r><w:t>&j;</w:t></w:r></w:p></w:body></w:document>",
            "XML 實體層層展開",
        ),
        (
            f"<w:document {_W}><w:body>"
            + "<w:tbl><w:tr><w:tc>" * 5000
            + _para("深")
            + "</w:tc></w:tr></w:tbl>" * 5000
            + "</w:body></w:document>",
            "巢狀層次過深",
        ),
    ],
    ids=["billion-laughs", "deep-nesting"],
)
def test_xml_bombs_in_a_docx_are_refused_in_chinese(tmp_path, raw, needle):
    path = _raw_docx(tmp_path / "bomb.docx", raw=raw)
    with Reader() as reader:
        outcome = reader.read(path, path.name)
    assert outcome.refusal is not None and needle in outcome.refusal, outcome.refusal
    for english in ("amplification", "XML_PARSE_HUGE", "xmlCtxt", "Excessive depth"):
        assert english not in outcome.refusal


def test_a_pdf_whose_page_tree_loops_is_called_broken_not_too_long(tmp_path):
    """A /Pages node listing itself among its kids was refused as 「超過 2,000 頁」; a page shared by many
    parents (the 99,000-page case) is still counted against pdf_pages."""
    stream = b"BT /F1 12 Tf 72 720 Td (Regional revitalisation policy page) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    cycle = tmp_path / "cycle.pdf"
    cycle.write_bytes(hf._pdf_file(objects))
    repeated = hf.write_pdf_repeated_page(tmp_path)
    with Reader() as reader:
        looped = reader.read(cycle, cycle.name)
        many = reader.read(repeated, repeated.name)
    assert looped.refusal is not None and "頁面結構已損壞" in looped.refusal and "循環" in looped.refusal
    assert "2,000" not in looped.refusal and "pdf_pages" not in looped.refusal
    assert many.refusal is not None and "pdf_pages=2000" in many.refusal


def test_an_oversized_sidecar_is_reported_in_chinese(tmp_path):
    article = hf.write_article(tmp_path, "a.txt")
    metadata.sidecar_path(article).write_text('{"title": "' + "長" * 40000 + '"}', encoding="utf-8")
    fields, problems = metadata.read_sidecar(article)
    assert fields == {} and len(problems) == 1
    assert "a.txt.meta.json" in problems[0] and "超過資料檔的上限" in problems[0] and "請修正或刪除" in problems[0]


def test_outcomes_are_cached_by_content_so_a_rebuild_pays_nothing_again(tmp_path):
    bomb = hf.write_pdf_repeated_page(tmp_path)
    good = mf.write_big5(tmp_path)
    cache = tmp_path / "reads"
    with Reader(cache_dir=cache) as reader:
        first = [reader.read(p, p.name) for p in (bomb, good)]
    with Reader(cache_dir=cache) as reader:
        second = [reader.read(p, p.name) for p in (bomb, good)]
        assert reader._proc is None  # no loader process was needed
    assert first[0].refusal and second[0].cached and REMEMBERED in second[0].refusal
    assert second[0].refusal.startswith(bomb.name) and "pdf_pages" in second[0].refusal
    assert second[1].cached and second[1].raw.pages == first[1].raw.pages
    good.write_bytes(mf.BIG5_TEXT.encode("cp950") * 2)  # changed bytes: read again
    with Reader(cache_dir=cache) as reader:
        third = reader.read(good, good.name)
    assert not third.cached and third.refusal is None


def test_the_seed_articles_pass_the_language_check_and_limits():
    with Reader() as reader:
        for path in sorted(SEEDS.glob("*.txt")):
            outcome = reader.read(path, path.name)
            assert outcome.refusal is None, outcome.refusal


# --------------------------------------------------------------------------- titles (issue 11)


@pytest.mark.parametrize("placeholder", ["anonymous", "(anonymous)", "Untitled", "Microsoft Word - 報告.docx", "  "])
def test_placeholder_titles_fall_back_to_the_first_heading(placeholder):
    meta = metadata.resolve_meta(Path("a.pdf"), {}, placeholder, "地方創生白皮書", None)
    assert meta.title == "地方創生白皮書"
    assert metadata.resolve_meta(Path("a.pdf"), {}, placeholder, None, None).title == "a"


HEADING = "日本地域振興協力隊制度"


@pytest.mark.parametrize(
    "junk",
    [
        "kyoryokutai.html",  # a tester's Chromium-printed page: its file name was listed as the title
        "C:\\Users\\lin\\Desktop\\協力隊 報告.docx",
        "/home/lin/協力隊.pdf",
        "https://www.soumu.go.jp/main_sosiki/jichi_gyousei/c-gyousei/02gyosei08_03000066.html",
        "www.soumu.go.jp",
        "Microsoft PowerPoint - 簡報.pptx",
        "Document1",
        "Untitled document",
    ],
)
def test_a_pdf_whose_metadata_title_is_a_file_name_or_address_is_named_by_its_heading(tmp_path, junk):
    lines = (HEADING, "地域振興協力隊是總務省在2009年創設的制度，讓都市居民移居到人口減少的地區。")
    hf.write_pdf_with_title(tmp_path, junk, "kyoryokutai.pdf", lines)
    (article,) = ingest_corpus(tmp_path).articles
    assert article.meta.title == HEADING


@pytest.mark.parametrize("title", ["協力隊制度的十五年", "Node.js 與地方創生", "地方創生 2.0"])
def test_a_real_metadata_title_is_kept_and_a_sidecar_title_is_taken_as_written(tmp_path, title):
    lines = (HEADING, "地域振興協力隊是總務省在2009年創設的制度，讓都市居民移居到人口減少的地區。")
    path = hf.write_pdf_with_title(tmp_path, title, "kyoryokutai.pdf", lines)
    (article,) = ingest_corpus(tmp_path).articles
    assert article.meta.title == title
    metadata.sidecar_path(path).write_text('{"title": "kyoryokutai.html"}', encoding="utf-8")
    (article,) = ingest_corpus(tmp_path).articles
    assert article.meta.title == "kyoryokutai.html"  # the user's own choice


def test_a_docx_titled_untitled_is_named_by_its_heading(tmp_path):
    import docx

    document = docx.Document()
    document.core_properties.title = "untitled"
    document.add_heading("白皮書摘要", level=1)
    document.add_paragraph(hf.BODY)
    document.save(str(tmp_path / "a.docx"))
    (article,) = ingest_corpus(tmp_path).articles
    assert article.meta.title == "白皮書摘要"


def test_control_characters_and_length_are_taken_out_of_titles(tmp_path):
    hf.write_pdf_with_title(tmp_path, "\x1b]0;pwned\x07地方\r創生" + "長" * 5000)
    (article,) = ingest_corpus(tmp_path).articles
    assert article.meta.title.startswith("]0;pwned 地方 創生")
    assert not any(ord(c) < 32 for c in article.meta.title) and len(article.meta.title) <= metadata.TITLE_MAX


# --------------------------------------------------------------------------- a build goes on


def _hostile_corpus(root: Path, hostile_dir: Path) -> tuple[Path, list[str]]:
    """The seeds, every hostile file, bad sidecars, links out, a FIFO, an oversized file, an NFD twin,
    a stale sidecar; returns (corpus, names every warning list must mention)."""
    corpus = root / "corpus"
    shutil.copytree(SEEDS, corpus)
    expected = []
    for path in hostile_dir.iterdir():
        if path.is_file():
            shutil.copy(path, corpus / path.name)
            expected.append(path.name)
    outside = hf.write_article(root / "outside", "secret.txt", "外部的機密文字：密碼是 hunter2，請勿引用。" * 3)
    os.symlink(outside, corpus / "link-out.txt")
    os.symlink("/dev/zero", corpus / "zero.txt")
    os.mkfifo(corpus / "pipe.txt")
    with open(corpus / "oversized.txt", "wb") as handle:
        handle.truncate(21 * 1024 * 1024)
    nfc = unicodedata.normalize("NFC", "café.txt")
    hf.write_article(corpus, nfc, hf.BODY * 3)
    hf.write_article(corpus, unicodedata.normalize("NFD", nfc), "完全不同的內容：北海道的雪融發電計畫。" * 3)
    (corpus / "gone.txt.meta.json").write_text('{"title": "舊標題"}', encoding="utf-8")
    expected += ["link-out.txt", "zero.txt", "pipe.txt", "oversized.txt", "gone.txt.meta.json"]
    return corpus, expected


def _sidecars(corpus: Path) -> dict[str, str | None]:
    """Articles with bad sidecars (still indexed); returns doc id -> expected title."""
    cases = {
        "bom": ("\ufeff" + json.dumps({"title": "有BOM的標題"}, ensure_ascii=False)).encode("utf-8"),
        "big5": json.dumps({"title": "大五碼標題地方創生"}, ensure_ascii=False).encode("cp950"),
        "list": b'["title", "x"]',
        "nested": b"[" * 100_000 + b"]" * 100_000,
        "types": json.dumps({"title": 12, "author": ["a"], "published": {"y": 1}}).encode(),
        "folder": None,
    }
    titles = {}
    for stem, data in cases.items():
        hf.write_article(corpus, f"{stem}.txt", f"{stem}的文章。" + hf.BODY * 3)
        sidecar = corpus / f"{stem}.txt.meta.json"
        if data is None:
            sidecar.mkdir()
        else:
            sidecar.write_bytes(data)
        titles[stem] = {"bom": "有BOM的標題", "big5": "大五碼標題地方創生"}.get(stem)
    return titles


def test_a_build_over_a_hostile_corpus_indexes_the_rest_and_names_every_bad_file(tmp_path, hostile_dir):
    corpus, expected = _hostile_corpus(tmp_path, hostile_dir)
    titles = _sidecars(corpus)
    index = tmp_path / "state" / "index"
    start = time.monotonic()
    report = build_index(corpus, index, FakeEncoder())
    first = time.monotonic() - start
    text = "\n".join(report.warnings)
    for name in expected:
        assert name in text, (name, text)
    for stem, title in titles.items():
        if title is None:  # a bad sidecar: named in a warning, the article indexed
            assert f"{stem}.txt.meta.json" in text, (stem, text)
    assert "café" in text and "Unicode 正規化" in text
    articles = {row["doc_id"]: row for row in read_jsonl(index / "articles.jsonl")}
    assert SEED_IDS | set(titles) <= set(articles)
    assert {"bom": "有BOM的標題", "big5": "大五碼標題地方創生"} == {
        stem: articles[stem]["meta"]["title"] for stem, title in titles.items() if title
    }
    assert sum(1 for doc_id in articles if unicodedata.normalize("NFC", doc_id) == "café") == 1
    assert not set(articles) & {Path(name).stem for name in expected}
    assert "hunter2" not in (index / "passages.jsonl").read_text(encoding="utf-8")
    start = time.monotonic()
    again = build_index(corpus, index, FakeEncoder())  # refusals remembered, nothing re-parsed
    assert time.monotonic() - start < max(5.0, first)
    assert again.documents == report.documents and REMEMBERED in "\n".join(again.warnings)
    assert first < 60


def test_ingest_keeps_one_of_two_names_that_differ_only_in_normalisation(tmp_path):
    nfc = unicodedata.normalize("NFC", "café.txt")
    hf.write_article(tmp_path, nfc)
    hf.write_article(tmp_path, unicodedata.normalize("NFD", nfc), "另一篇：北海道的雪融發電計畫。" * 4)
    result = ingest_corpus(tmp_path)
    assert len(result.articles) == 1 and any("Unicode 正規化" in w for w in result.warnings)


# --------------------------------------------------------------------------- add changes nothing


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    return built_setup(tmp_path_factory.mktemp("hostile-base"), tiny_model(tmp_path_factory))


@pytest.fixture
def world(base, tmp_path):
    """A fresh copy of the built corpus and index, plus an uploads folder, all under tmp_path."""
    return clone_setup(base, tmp_path, uploads=True)


def _refused_add(world, path: Path, *needles: str):
    corpus, index = tree_snapshot(world.corpus), tree_snapshot(world.index)
    before = index_snapshot(world.index)
    result = run_cli(world.argv("add", str(path), "--json"))
    assert_clean_failure(result, *needles)
    assert tree_snapshot(world.corpus) == corpus and tree_snapshot(world.index) == index
    assert index_snapshot(world.index) == before
    return result


@pytest.mark.parametrize(
    "case",
    [
        "docx_zero_image",
        "docx_vmerge_first_row",
        "pdf_99000_repeated_pages",
        "html_40k_paragraphs",
        "txt_150k_lines",
        "docx_deflate64",
    ],
)
def test_add_of_a_hostile_file_is_refused_and_changes_nothing(world, hostile_dir, case):
    path = _path_of(hostile_dir, case)
    _refused_add(world, path, path.name, HOSTILE[case][1], NOTHING_ADDED)


def test_add_of_html_declaring_an_undefined_charset_is_accepted(world, tmp_path):
    path = hf.write_html_undefined_charset(tmp_path / "uploads")
    result = run_cli(world.argv("add", str(path), "--json"))
    assert result.code == 0 and TRACEBACK not in result.err, result.err
    assert "undefined-charset" in {row["doc_id"] for row in read_jsonl(world.index / "articles.jsonl")}


def test_add_of_a_file_with_no_text_left_after_cleaning_is_refused(world, tmp_path):
    path = hf.write_article(tmp_path / "uploads", "furniture.txt", "點擊數：123\n" * 40)
    _refused_add(world, path, "furniture.txt", "清理後沒有剩下任何文字")


def test_add_of_a_link_to_a_device_or_a_fifo_is_refused(world, tmp_path):
    link = tmp_path / "uploads" / "zero.txt"
    os.symlink("/dev/zero", link)
    _refused_add(world, link, "zero.txt", "是符號連結（指向 /dev/zero）", "請直接加入檔案本身")
    fifo = tmp_path / "uploads" / "pipe.txt"
    os.mkfifo(fifo)
    _refused_add(world, fifo, "pipe.txt", "不是一般檔案")


def test_add_of_a_name_differing_only_in_normalisation_is_refused(world, tmp_path):
    nfd = unicodedata.normalize("NFD", "café.txt")
    hf.write_article(world.corpus, nfd)
    new = hf.write_article(tmp_path / "uploads", unicodedata.normalize("NFC", "café.txt"), "另一篇文章。" + hf.BODY)
    _refused_add(world, new, "Unicode 正規化")


def test_add_under_a_stale_sidecar_is_refused(world, tmp_path):
    (world.corpus / "notes.txt.meta.json").write_text('{"title": "舊文章的標題"}', encoding="utf-8")
    new = hf.write_article(tmp_path / "uploads", "notes.txt")
    _refused_add(world, new, "notes.txt.meta.json", "先前同名文章的資料檔")
