"""Cleaning: known-answer cases, the real seeds, and idempotence as a property."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.clean import clean_document, clean_text
from ingest.records import RawDocument


def _clean(text: str, *, pages: tuple[str, ...] | None = None):
    raw = RawDocument(source="t.txt", pages=pages or (text,), paged=pages is not None, content_hash="", fmt="txt")
    return clean_document(raw)


def test_broken_lines_rejoin_without_space_between_cjk():
    assert clean_text("日本為了解決人口減\n\n少、地方經濟萎縮。") == "日本為了解決人口減少、地方經濟萎縮。"


def test_number_broken_from_its_unit_is_rejoined():
    assert clean_text("於2014\n\n年通過了法律。") == "於2014年通過了法律。"


def test_latin_words_rejoin_with_one_space():
    cleaned = clean_text("以「雲端優先（Cloud\n\nFirst\n\nPolicy）」為基礎。")
    assert cleaned == "以「雲端優先（Cloud First Policy）」為基礎。"


@pytest.mark.parametrize(
    "text, joined",
    [
        ("搭配「導入IT、MyNaPoi\n\nnt、無現金支付裝置補助」", "搭配「導入IT、MyNaPoint、無現金支付裝置補助」"),
        ("像是活用AP\n\nP數據收集避難資料", "像是活用APP數據收集避難資料"),
        ("稱為Plan\n\nB的方案", "稱為Plan B的方案"),  # a capital after lowercase is a word of its own
        ("以Cloud\n\nFirst為基礎", "以Cloud First為基礎"),  # a vowel: a word of its own
        ("2014\n\nCD版", "2014 CD版"),  # after a digit
        ("the data of\n\nby 2021", "the data of by 2021"),  # followed by a space: a word of its own
    ],
)
def test_a_latin_word_split_by_a_line_break_is_rejoined_without_space(text, joined):
    assert clean_text(text) == joined


def test_a_list_mark_alone_on_its_line_and_a_year_after_it_do_not_make_a_decimal():
    # found by the idempotence property below: "1.2014" would not read as a list item the second time
    once = clean_text("，\n1.\n2014年通過")
    assert once == "，\n\n1. 2014年通過"
    assert clean_text(once) == once


def test_radicals_a_pdf_writes_for_characters_are_the_characters():
    assert clean_text("⼣張市⻑鈴⽊直道表示，負債353億⽇圓。") == "夕張市長鈴木直道表示，負債353億日圓。"


def test_paragraph_breaks_and_headings_are_kept():
    text = "第一段結束了。\n\n地域未來構想一:整備社會環境\n\n在整備社會環境目標中有8項。"
    expected = ["第一段結束了。", "地域未來構想一:整備社會環境", "在整備社會環境目標中有8項。"]
    assert clean_text(text).split("\n\n") == expected


def test_repeated_headers_and_page_counters_are_removed_and_date_kept():
    page = "發佈: 2021-10-29, 週五 16:28\n\n點擊數:14491\n\n正文第{n}頁的句子。\n\n{n} / 14"
    result = _clean("\n\n".join(page.format(n=n) for n in range(1, 5)))
    texts = [p for p, _ in result.paragraphs]
    assert texts == [f"正文第{n}頁的句子。" for n in range(1, 5)]
    assert result.published == "2021-10-29"
    assert "點擊數:14491" in result.removed


def test_pdf_pages_keep_the_page_of_each_paragraph():
    pages = tuple(f"報告標題\n第一句在第{n}頁。\n{n}" for n in range(1, 4))
    result = _clean("", pages=pages)
    assert result.paragraphs == [(f"第一句在第{n}頁。", n) for n in range(1, 4)]


def test_a_short_byline_line_of_a_pdf_ends_its_paragraph():
    page = (
        "空屋銀行的檢視：\n制度演進與啟示\n作者：周品妤，臺灣城鄉永續研究院研究員\n"
        "摘要 日本總務省公布的調查顯示，\n全國空屋數達900萬戶。"
    )
    texts = [p for p, _ in _clean("", pages=(page,)).paragraphs]
    assert texts[-2:] == [
        "作者：周品妤，臺灣城鄉永續研究院研究員",
        "摘要 日本總務省公布的調查顯示，全國空屋數達900萬戶。",
    ]
    wide = "作者：周品妤，臺灣城鄉永續研究院與國立某某大學公共行政學系合聘研究員暨兼任\n助理教授\n正文開始。"
    assert [p for p, _ in _clean("", pages=(wide,)).paragraphs][0].startswith(wide.replace("\n", "")[:44])  # runs on


def test_footnote_marks_are_normalised():
    assert clean_text("成長戰略。[\\[1\\]](#)同時也有政策。 [3]") == "成長戰略。[1]同時也有政策。[3]"


def test_table_rows_stay_searchable_as_cells():
    text = "區域課題\n\n具 體\t\t確保持續性\t推廣優良模式\n--------\t--\t-------\n\t財政\t事業能持續營運。"
    paragraphs = clean_text(text).split("\n\n")
    assert paragraphs == ["區域課題", "具體 ｜ 確保持續性 ｜ 推廣優良模式", "財政 ｜ 事業能持續營運。"]


def test_seed_articles_have_no_page_furniture(seed_corpus):
    for path in sorted(seed_corpus.glob("*.txt")):
        cleaned = clean_text(path.read_text(encoding="utf-8"))
        assert "點擊數" not in cleaned and "發佈: 2021" not in cleaned
        assert not re.search(r"^\s*\d+ / \d+\s*$", cleaned, re.M)
        assert "[\\[" not in cleaned and "](#)" not in cleaned


def test_first_sentence_of_article_000_is_one_string(seed_corpus):
    cleaned = clean_text((seed_corpus / "000_52ed3b7e36387b18.txt").read_text(encoding="utf-8"))
    first = cleaned.split("\n\n")[0]
    assert first.startswith(
        "日本為了解決人口減少、地方經濟萎縮以及人口過度集中在東京等問題，於2014年通過了「城鎮・人口・工作創生法」"
    )
    assert first.endswith("打造一億人活躍的強韌社會。")


def test_cleaning_the_seeds_is_idempotent(seed_corpus):
    for path in sorted(seed_corpus.glob("*.txt")):
        once = clean_text(path.read_text(encoding="utf-8"))
        assert clean_text(once) == once


_pieces = st.sampled_from(
    [
        "日本",
        "地方創生",
        "人口減",
        "少",
        "。",
        "，",
        "、",
        "「",
        "」",
        "（",
        "）",
        "2014",
        "年",
        "ICT",
        "IT",
        "Cloud",
        " ",
        "\n",
        "\n\n",
        "\t",
        "？",
        "：",
        "[1]",
        "3 / 14",
        "的",
        "政策",
        "1.",
        "https://x.jp/a",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_pieces, max_size=60).map("".join))
def test_cleaning_is_idempotent_on_generated_text(text):
    once = clean_text(text)
    assert clean_text(once) == once


@pytest.mark.parametrize(("fmt", "joined"), [("md", False), ("html", False), ("docx", False), ("txt", True)])
def test_a_blank_line_ends_a_paragraph_where_the_writer_made_it(fmt, joined):
    # "做法" + "國發會" reads as a word across the break (法國): in a .txt (PDF text, where a blank line
    # may be a page break inside a sentence) the short line joins; in Markdown, HTML and DOCX it is a heading
    raw = RawDocument(
        source="a", pages=("二、做法\n\n國發會推動地方創生事業提案。",), paged=False, content_hash="", fmt=fmt
    )
    paragraphs = [text for text, _ in clean_document(raw).paragraphs]
    assert paragraphs == (
        ["二、做法國發會推動地方創生事業提案。"] if joined else ["二、做法", "國發會推動地方創生事業提案。"]
    )


def _txt(text: str) -> list[str]:
    raw = RawDocument(source="a", pages=(text,), paged=False, content_hash="", fmt="txt")
    return [paragraph for paragraph, _ in clean_document(raw).paragraphs]


WEB_COPY = "\n".join(
    [
        "不只要人搬回來，也要人「常回來」：日本關係人口的經驗",
        "作者：林佳穎　發布日期：2024/05/20",
        "",
        "一、前言：人口減少時代，地方爭取的不只是住民",
        "",
        "台灣在2020年首度出現人口負成長。人口減少集中在偏鄉。",
        "",
        "下表整理歷年的受捐總額：",
        "年度　　受捐總額　　受捐件數",
        "2008　　約81.4億　　約5.4萬件",
        "2010　　約102.2億　　約8.0萬件",
        "",
        "二、結語",
        "",
        "制度仍有爭議。",
    ]
)


def test_a_text_copied_from_a_web_page_keeps_its_paragraphs_headings_byline_and_table():
    # blank lines after some lines and not others: the writer's paragraph breaks (a heading with a
    # comma no longer runs into its paragraph); a byline is its own paragraph; cells set apart by
    # runs of spaces are a table's row
    assert _txt(WEB_COPY) == [
        "不只要人搬回來，也要人「常回來」：日本關係人口的經驗",
        "作者：林佳穎 發布日期：2024/05/20",
        "一、前言：人口減少時代，地方爭取的不只是住民",
        "台灣在2020年首度出現人口負成長。人口減少集中在偏鄉。",
        "下表整理歷年的受捐總額：",
        "年度 ｜ 受捐總額 ｜ 受捐件數",
        "2008 ｜ 約81.4億 ｜ 約5.4萬件",
        "2010 ｜ 約102.2億 ｜ 約8.0萬件",
        "二、結語",
        "制度仍有爭議。",
    ]


def test_a_text_with_a_blank_line_after_every_line_is_joined_by_the_heuristics():
    # text extracted from a PDF (the seeds): every line is followed by a blank one
    lines = ["日本為了解決人口減", "少、地方經濟萎縮，", "於2014", "年通過了法律。", "國發會在2019", "年宣布元年，"]
    pdf_like = "\n\n".join([*lines, "並推動五大戰略。", "各鄉鎮提出計畫。"])
    assert _txt(pdf_like) == [
        "日本為了解決人口減少、地方經濟萎縮，於2014年通過了法律。",
        "國發會在2019年宣布元年，並推動五大戰略。",
        "各鄉鎮提出計畫。",
    ]


KUMAMON = "熊本縣的熊本熊\n\n熊本熊在2010年誕生，是熊本縣的吉祥物。它幫助熊本縣的觀光與農產品行銷。\n"
KUMAMON_BODY = "熊本熊在2010年誕生，是熊本縣的吉祥物。它幫助熊本縣的觀光與農產品行銷。"


@pytest.mark.parametrize(
    "text",
    [KUMAMON, KUMAMON.replace("\n\n", "\n"), KUMAMON.replace("\n", "\r\n"), KUMAMON + "\n熊本熊也去過台灣。\n"],
    ids=["blank-line", "no-blank-line", "crlf", "more-paragraphs"],
)
def test_a_title_the_body_restates_is_not_joined_to_it(text):
    # "熊本熊" + "熊本熊在…" reads 熊熊 across the break: the repetition's, not a word split by the break
    assert _txt(text)[:2] == ["熊本縣的熊本熊", KUMAMON_BODY]


def test_a_simplified_title_the_body_restates_is_not_joined_to_it():
    text = "熊本县的熊本熊\n\n熊本熊在2010年诞生，是熊本县的吉祥物。\n"
    assert _txt(text) == ["熊本县的熊本熊", "熊本熊在2010年诞生，是熊本县的吉祥物。"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("日本為了解決人口減\n\n少、地方經濟萎縮。\n", ["日本為了解決人口減少、地方經濟萎縮。"]),  # 減少 split
        ("各地紛\n\n紛推出計畫。\n", ["各地紛紛推出計畫。"]),  # one doubled character is a word (紛紛)
        ("熊本縣的熊本熊\n", ["熊本縣的熊本熊"]),
    ],
    ids=["word-split", "doubled-character", "title-only"],
)
def test_a_short_txt_whose_first_line_breaks_inside_a_sentence_still_joins(text, expected):
    assert _txt(text) == expected


def test_digits_repeated_across_a_break_are_not_a_restated_title():
    assert len(_txt("國發會在20\n\n20年宣布元年。\n")) == 1  # 20 + 20年 is a number split by the break
