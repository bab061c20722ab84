"""Loader tests: every format and encoding, and the bad files, on fixtures built here."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.clean import clean_document
from ingest.errors import LoadError, SouseiError
from ingest.load import (
    SUPPORTED_EXTENSIONS,
    corpus_files,
    decode_text,
    load_file,
    strip_markdown,
    table_row,
    unsupported_files,
)
from tests import make_fixtures as mf

SEEDS = Path(__file__).resolve().parent.parent / "corpus"


def assert_load_error(path: Path, *fragments: str) -> LoadError:
    with pytest.raises(LoadError) as info:
        load_file(path)
    message = str(info.value)
    assert path.name in message
    for fragment in fragments:
        assert fragment in message, message
    return info.value


# ---------------------------------------------------------------- listing


def test_supported_extensions_match_the_design():
    assert SUPPORTED_EXTENSIONS == (".txt", ".md", ".html", ".htm", ".pdf", ".docx")


def test_corpus_files_sorted_supported_only(tmp_path):
    for name in ("b.txt", "a.PDF", "c.md", "d.htm", "e.docx", "f.html", "g.doc", "h.json", "noext"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "b.txt.meta.json").write_text("{}")
    (tmp_path / ".hidden.txt").write_text("x")
    (tmp_path / "~$lock.docx").write_text("x")
    (tmp_path / "sub.txt").mkdir()
    assert [p.name for p in corpus_files(tmp_path)] == ["a.PDF", "b.txt", "c.md", "d.htm", "e.docx", "f.html"]
    assert [p.name for p in unsupported_files(tmp_path)] == ["g.doc", "h.json", "noext"]


def test_corpus_files_on_the_seed_corpus():
    names = [p.name for p in corpus_files(SEEDS)]
    assert names == ["000_52ed3b7e36387b18.txt", "001_4942e598eceb2bee.txt"]


def test_missing_corpus_directory_says_what_to_do(tmp_path):
    with pytest.raises(SouseiError, match="--corpus"):
        corpus_files(tmp_path / "nope")


# ---------------------------------------------------------------- PDF


def test_pdf_two_pages_keep_page_texts_apart(tmp_path):
    path = mf.write_chinese_pdf(tmp_path)
    doc = load_file(path, tmp_path)
    assert doc.paged and doc.fmt == "pdf" and len(doc.pages) == 2
    assert mf.PDF_PAGE1 in doc.pages[0] and mf.PDF_PAGE2 not in doc.pages[0]
    assert mf.PDF_PAGE2 in doc.pages[1] and mf.PDF_PAGE1 not in doc.pages[1]
    assert all(mf.PDF_HEADER in page for page in doc.pages)  # the cleaner removes it, not the loader
    assert doc.source == "two_pages.pdf"
    assert doc.content_hash == hashlib.sha256(path.read_bytes()).hexdigest()
    assert "\r" not in "".join(doc.pages)


def test_truncated_pdf(tmp_path):
    assert_load_error(mf.write_truncated_pdf(tmp_path), "不完整")


def test_encrypted_pdf(tmp_path):
    assert_load_error(mf.write_encrypted_pdf(tmp_path), "密碼保護")


def test_pdf_without_text_layer_says_no_ocr(tmp_path):
    assert_load_error(mf.write_image_only_pdf(tmp_path), "沒有文字層", "OCR")


def test_pdf_with_damaged_body(tmp_path):
    data = mf.pdf_bytes([[mf.PDF_PAGE1], [mf.PDF_PAGE2]])
    middle = len(data) // 2
    path = mf.write_bytes(tmp_path, "damaged.pdf", data[:middle] + b"\x13garbage" * 50 + data[middle + 400 :])
    assert_load_error(path, "PDF")


def test_not_a_pdf_with_pdf_extension(tmp_path):
    path = mf.write_bytes(tmp_path, "fake.pdf", "這是文字，不是 PDF。".encode())
    assert_load_error(path, "不是 PDF")


# ---------------------------------------------------------------- encodings


def test_big5_decodes_to_the_exact_text(tmp_path):
    doc = load_file(mf.write_big5(tmp_path))
    assert doc.pages == (mf.BIG5_TEXT,) and doc.encoding == "cp950" and doc.fmt == "txt"


def test_gb18030_decodes_to_the_exact_text(tmp_path):
    doc = load_file(mf.write_gb18030(tmp_path))
    assert doc.pages == (mf.GB_TEXT,) and doc.encoding == "gb18030"


@pytest.mark.parametrize("word", ["地方創生", "關係人口", "總務省", "內閣官房", "城鎮人口", "數位田園", "人口減少"])
def test_short_big5_text(word):
    assert decode_text(word.encode("cp950"), "short.txt") == (word, "cp950")


@pytest.mark.parametrize("word", ["地方创生", "关系人口", "总务省", "内阁官房", "城镇人口", "人口", "政策", "经济"])
def test_short_gb18030_text(word):
    # charset-normalizer alone reads "人口" as cp949 and most of these as Big5
    assert decode_text(word.encode("gb18030"), "short.txt") == (word, "gb18030")


def _seed_windows(width: int, limit: int) -> list[str]:
    text = "".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))
    runs = re.findall(rf"[\u4e00-\u9fff，。、「」]{{{width},}}", text)
    windows = [run[i : i + width] for run in runs for i in range(0, len(run) - width + 1, width)]
    return windows[:limit]


def test_big5_vs_gb18030_on_four_character_windows_of_the_seeds():
    """Measured accuracy on 4-character snippets of real text, both encodings (>= 98%)."""
    opencc = pytest.importorskip("opencc")
    to_simplified = opencc.OpenCC("t2s")
    trials = correct = 0
    for window in _seed_windows(4, 600):
        for text, codec in ((window, "cp950"), (to_simplified.convert(window), "gb18030")):
            try:
                data = text.encode(codec)
            except UnicodeEncodeError:
                continue
            trials += 1
            correct += decode_text(data, "w.txt") == (text, codec)
    assert trials > 800 and correct / trials >= 0.98, (correct, trials)


def test_utf16_le_and_be_with_bom(tmp_path):
    expected = mf.UTF16_TEXT.replace("\r\n", "\n")
    little = load_file(mf.write_utf16(tmp_path, "le.txt"))
    big = load_file(mf.write_utf16(tmp_path, "be.txt", big_endian=True))
    assert little.pages == (expected,) and little.encoding == "utf-16-le"
    assert big.pages == (expected,) and big.encoding == "utf-16-be"


def test_utf8_bom_is_removed(tmp_path):
    doc = load_file(mf.write_utf8_bom(tmp_path))
    assert doc.pages == (mf.UTF8_BOM_TEXT,) and doc.encoding == "utf-8-sig"


def test_newlines_are_normalised(tmp_path):
    path = mf.write_bytes(tmp_path, "nl.txt", "第一行\r\n第二行\r第三行\n".encode())
    assert load_file(path).pages == ("第一行\n第二行\n第三行\n",)


def test_long_latin_text_uses_the_detector():
    text = "Le développement régional à la française, où l'été est doux. " * 10
    assert decode_text(text.encode("cp1252"), "fr.txt")[0] == text


def test_large_latin_text_is_detected_on_a_sample_and_decoded_whole():
    text = "Le développement régional à la française, où l'été est doux.\n" * 3000  # ~190 kB
    assert decode_text(text.encode("cp1252"), "fr.txt")[0] == text


def test_large_big5_file_loads(tmp_path):
    text = mf.BIG5_TEXT * 40_000  # about 2.5 MB
    path = mf.write_big5(tmp_path, "large.txt", text)
    assert load_file(path).pages == (text,)


def test_seed_articles_load_as_utf8():
    for path in corpus_files(SEEDS):
        doc = load_file(path, SEEDS)
        assert doc.encoding == "utf-8" and doc.source == path.name
        assert "日本" in doc.pages[0]


# ---------------------------------------------------------------- Markdown


def test_markdown_syntax_is_stripped(tmp_path):
    doc = load_file(mf.write_markdown(tmp_path))
    lines = [line for line in doc.pages[0].split("\n") if line.strip()]
    assert lines == [
        "地方創生的三支箭",
        "日本以資訊、人才及財政三支箭推動地方創生。",
        "第一點：RESAS 地域經濟分析系統",
        "第二點：關係人口",
        "code_line = 1  # 保留",
    ]
    assert doc.fmt == "md"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("見[\\[1\\]](#)註", "見[1]註"),
        ("**重點**與~~刪除~~", "重點與刪除"),
        ("snake_case_name 不變", "snake_case_name 不變"),
        ("`a*b*c` 程式", "a*b*c 程式"),
        ("> 引用文字", "引用文字"),
        ("看<https://example.org>", "看https://example.org"),
        ("[參考][ref]", "參考"),
        ("[ref]: https://example.org", ""),
        ("![圖](a.png)圖後", "圖後"),
        ("### 標題 ###", "標題"),
        ("---", ""),
        ("1 * 2 * 3 = 6", "1 * 2 * 3 = 6"),
    ],
)
def test_strip_markdown_cases(source, expected):
    assert strip_markdown(source) == expected


def test_a_markdown_table_becomes_rows_of_cells():
    source = "| 戰略 | 協力機關 |\n|---|:---:|\n| **品牌建立** | 文化部、交通部 |\n| 科技導入 | 數位發展部 |"
    assert strip_markdown(source) == "戰略\t協力機關\n\n品牌建立\t文化部、交通部\n科技導入\t數位發展部"


def test_a_markdown_table_is_read_as_the_articles_rows(tmp_path):
    path = tmp_path / "a.md"
    table = "| 戰略 | 協力機關 |\n| --- | --- |\n| 品牌建立 | 文化部 |\n"
    path.write_text("下表整理各項戰略：\n\n" + table, encoding="utf-8")
    paragraphs = clean_document(load_file(path)).paragraphs
    assert [text for text, _ in paragraphs] == [
        "下表整理各項戰略：",
        "戰略 ｜ 協力機關",
        "品牌建立 ｜ 文化部",
    ]


@pytest.mark.parametrize(
    ("line", "row"),
    [
        ("| 項目 | 日本 | 臺灣 |", "項目\t日本\t臺灣"),
        ("| 表1 比較 |  |  |", "表1 比較"),  # a caption in a row of its own: its text
        ("|---|:--:|", ""),
        ("一般的句子 | 不是表格", None),
        ("| 只有開頭", None),
    ],
)
def test_a_line_of_a_table_written_with_pipes(line, row):
    assert table_row(line) == row


def test_code_fence_content_is_kept_verbatim():
    assert strip_markdown("```python\nx = **y**\n```") == "x = **y**"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(exclude_characters="\\`*_~[]()!#<>-+=|:\r\x00", exclude_categories=["Cs"])))
def test_plain_text_passes_markdown_stripping_unchanged(text):
    stripped = "\n".join(line.lstrip() for line in text.split("\n"))
    assert strip_markdown(stripped) == stripped


# ---------------------------------------------------------------- HTML


def test_html_main_text_without_navigation(tmp_path):
    doc = load_file(mf.write_html_article(tmp_path))
    text = doc.pages[0]
    blocks = text.split("\n\n")
    for paragraph in mf.HTML_PARAGRAPHS:
        assert paragraph in blocks
    for boilerplate in (*mf.HTML_NAV, mf.HTML_FOOTER, "熱門文章", "其他文章一"):
        assert boilerplate not in text
    assert doc.title == mf.HTML_TITLE and doc.fmt == "html" and not doc.paged


def test_htm_extension_and_declared_big5_charset(tmp_path):
    page = mf.html_page(mf.HTML_TITLE, mf.HTML_PARAGRAPHS)
    page = page.replace('charset="utf-8"', 'charset="big5"').replace("©", "(c)")
    doc = load_file(mf.write_bytes(tmp_path, "page.htm", page.encode("cp950")))
    assert mf.HTML_PARAGRAPHS[0] in doc.pages[0]
    assert doc.fmt == "html" and doc.encoding == "cp950"


def test_html_without_article_body(tmp_path):
    assert_load_error(mf.write_html_no_body(tmp_path), "找不到文章內容")


def test_hostile_html_keeps_text_drops_active_content(tmp_path):
    text = load_file(mf.write_hostile_html(tmp_path)).pages[0]
    assert mf.HTML_PARAGRAPHS[-1] in text
    assert "alert('xss')" not in text and "onerror" not in text and "javascript:" not in text
    assert "<script>alert(2)</script>" in text  # literal text in the article: the renderer escapes it
    assert "點這裡" in text


def test_hostile_markdown_link_target_dropped(tmp_path):
    text = load_file(mf.write_hostile_md(tmp_path)).pages[0]
    assert "javascript:" not in text
    assert "第三段落包含連結 x 只留下連結文字。" in text
    assert mf.HOSTILE_SCRIPT in text  # raw markup stays text; chat.render must escape it


def test_an_html_table_is_read_as_the_articles_rows(tmp_path):
    rows = "".join(f"<tr><td>{a}</td><td>{b}</td></tr>" for a, b in (("項目", "日本"), ("預算", "約134億日圓")))
    body = "<p>" + "智慧農業的推動需要長期預算與人才培育。" * 4 + "</p>"
    html = f"<html><body><article><h1>智慧農業</h1>{body}<table>{rows}</table>{body}</article></body></html>"
    path = tmp_path / "a.html"
    path.write_text(html, encoding="utf-8")
    paragraphs = [text for text, _ in clean_document(load_file(path)).paragraphs]
    assert "項目 ｜ 日本" in paragraphs and "預算 ｜ 約134億日圓" in paragraphs
    assert not any("|" in p for p in paragraphs)


# ---------------------------------------------------------------- a text file that is another format


TESTER_PAGE = "<html><body><p>只是測試</p></body></html>"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("html_as.txt", TESTER_PAGE.encode()),
        ("bom.md", b"\xef\xbb\xbf \r\n\t<!DOCTYPE HTML>\n" + TESTER_PAGE.encode()),
        ("xml.txt", ('<?xml version="1.0"?>\n<!-- saved -->\n' + TESTER_PAGE).encode()),
        ("utf16.txt", b"\xff\xfe" + TESTER_PAGE.encode("utf-16-le")),
        ("big5.txt", TESTER_PAGE.replace("<html>", '<html><meta charset="big5">').encode("cp950")),
    ],
)
def test_an_html_page_saved_as_text_is_read_as_html(tmp_path, name, data):
    """An HTML page saved as .txt / .md had its markup indexed and shown as its title; it is read by the
    HTML loader, whatever BOM, blanks, XML declaration or comment come first."""
    from ingest.pipeline import ingest_corpus

    doc = load_file(mf.write_bytes(tmp_path, name, data))
    assert (doc.fmt, doc.pages) == ("html", ("只是測試",))
    (article,) = ingest_corpus(tmp_path).articles
    assert article.meta.title == "只是測試" and "<" not in article.text


@pytest.mark.parametrize(
    "text",
    [
        '<p align="center"><img src="logo.png"></p>\n\n# 地方創生\n\n日本的地方創生政策。',
        "地方創生的網頁以 <html> 開頭。\n\n<html><body>這段是示範</body></html>",
        "<htmlish>不是網頁標記</htmlish>\n\n地方創生。",
    ],
)
def test_text_that_merely_holds_markup_stays_text(tmp_path, text):
    doc = load_file(mf.write_bytes(tmp_path, "note.md", text.encode()))
    assert doc.fmt == "md"


def test_a_pdf_saved_as_text_is_read_as_a_pdf(tmp_path):
    """A PDF named .txt whose bytes have no NUL (ReportLab's) was taken as text: its PDF syntax was
    indexed. It is read by the PDF loader, page by page."""
    doc = load_file(mf.write_bytes(tmp_path, "report.txt", mf.pdf_bytes([[mf.PDF_PAGE1], [mf.PDF_PAGE2]])))
    assert doc.fmt == "pdf" and doc.paged and [page.strip() for page in doc.pages] == [mf.PDF_PAGE1, mf.PDF_PAGE2]


def test_a_zip_saved_as_text_is_refused_saying_what_it_is(tmp_path):
    path = mf.write_renamed_zip(tmp_path, "notes.txt")
    assert_load_error(path, "副檔名是 .txt，內容卻是 ZIP 壓縮檔", "請把副檔名改成 .docx")


# ---------------------------------------------------------------- DOCX


def test_docx_paragraphs_and_table_rows_in_order(tmp_path):
    doc = load_file(mf.write_docx(tmp_path))
    blocks = doc.pages[0].split("\n\n")
    assert blocks == [
        "白皮書摘要",
        *mf.DOCX_PARAGRAPHS,
        *("\t".join(row) for row in mf.DOCX_TABLE),
        "表格之後的結語段落。",
    ]
    assert doc.title == mf.DOCX_TITLE and doc.fmt == "docx"
    # the cleaner reads each row as a row of the article: cells joined by ｜, one paragraph each
    paragraphs = [text for text, _ in clean_document(doc).paragraphs]
    assert [" ｜ ".join(row) for row in mf.DOCX_TABLE] == [p for p in paragraphs if "｜" in p]


def test_renamed_zip_is_not_a_docx(tmp_path):
    assert_load_error(mf.write_renamed_zip(tmp_path), "不是有效的 Word .docx")


def test_text_renamed_docx(tmp_path):
    assert_load_error(mf.write_bytes(tmp_path, "plain.docx", "純文字".encode()), ".docx")


# ---------------------------------------------------------------- bad files


def test_empty_file(tmp_path):
    assert_load_error(mf.write_empty(tmp_path), "空的")


def test_whitespace_only_file(tmp_path):
    assert_load_error(mf.write_bytes(tmp_path, "blank.md", b" \n\n\t\n"), "找不到文字")


def test_binary_renamed_txt(tmp_path):
    assert_load_error(mf.write_binary_as_txt(tmp_path), "二進位資料")


def test_random_bytes_without_nul(tmp_path):
    import random

    rng = random.Random(7)
    data = bytes(rng.randrange(1, 256) for _ in range(4000))
    assert_load_error(mf.write_bytes(tmp_path, "noise.txt", data), "UTF-8")


def test_control_characters_are_binary(tmp_path):
    data = ("正文" + "\x01\x02\x03\x04" * 20).encode()
    assert_load_error(mf.write_bytes(tmp_path, "ctrl.txt", data), "二進位資料")


@pytest.mark.parametrize("name", ["old.doc", "data.json", "README"])
def test_unsupported_extension(tmp_path, name):
    assert_load_error(mf.write_bytes(tmp_path, name, b"text"), "不支援的檔案類型", ".txt")


def test_missing_file(tmp_path):
    assert_load_error(tmp_path / "gone.txt", "找不到檔案")


def test_source_outside_corpus_is_the_file_name(tmp_path):
    path = mf.write_big5(tmp_path / "elsewhere")
    assert load_file(path, tmp_path / "corpus").source == "big5.txt"
