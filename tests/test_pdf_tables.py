"""A PDF table read back into rows (ingest.pdf_tables): known answers on page texts as pypdf gives
them, and a real PDF (reportlab's Table) through the loader."""

from __future__ import annotations

from ingest.pdf_tables import has_cell_run, layout_rows, with_table_rows

PLAIN = "表1 歷年隊員人數\n 年度\n 隊員人數\n 團體數\n 2009\n 89\n 31\n 2015\n 2,625\n 673\n資料來源：總務省。"
LAYOUT = """
                 表1 歷年隊員人數

        年度           隊員人數           團體數

        2009             89              31

        2015           2,625             673
資料來源：總務省。
"""
ROWS = "表1 歷年隊員人數\n年度\t隊員人數\t團體數\n2009\t89\t31\n2015\t2,625\t673\n資料來源：總務省。"


def test_the_layout_text_gives_the_rows_and_the_plain_text_their_place():
    assert layout_rows(LAYOUT) == [[["年度", "隊員人數", "團體數"], ["2009", "89", "31"], ["2015", "2,625", "673"]]]
    assert with_table_rows(PLAIN, lambda: LAYOUT) == ROWS


def test_rows_that_do_not_match_the_cell_lines_are_left_alone():
    run_together = LAYOUT.replace("2009             89", "200989  ")  # cells too close: layout runs them into one
    assert with_table_rows(PLAIN, lambda: run_together) == PLAIN  # no two rows of one width follow
    misread = LAYOUT.replace("2,625", "2,626")  # the rows match up to the one that differs
    assert with_table_rows(PLAIN, lambda: misread).splitlines() == [
        "表1 歷年隊員人數",
        "年度\t隊員人數\t團體數",
        "2009\t89\t31",
        " 2015",
        " 2,625",
        " 673",
        "資料來源：總務省。",
    ]
    header_only = "\n".join(LAYOUT.splitlines()[:4])  # one row is no table
    assert with_table_rows(PLAIN, lambda: header_only) == PLAIN


def test_a_page_without_a_run_of_short_lines_is_not_laid_out():
    prose = "日本為了解決人口減少的問題，通過了城鎮人口工作創生法，並在內閣設立專責本部。\n第二段。"
    assert not has_cell_run(prose)

    def fail() -> str:
        raise AssertionError("layout asked for")

    assert with_table_rows(prose, fail) == prose
    assert has_cell_run(PLAIN)


def test_a_running_header_beside_a_page_title_is_no_table():
    layout = "地方創生研究通訊　第12期　2025年3月                政策分析\n\n一、前言\n正文。"
    assert layout_rows(layout) == []


def test_a_pdf_table_is_read_as_rows(tmp_path):
    from ingest.pipeline import ingest_path
    from tests import make_fixtures as mf

    article, passages = ingest_path(mf.write_table_pdf(tmp_path))
    rows = [p.text for p in article.paragraphs if "｜" in p.text]
    assert rows == [" ｜ ".join(row) for row in mf.PDF_TABLE]
    (row,) = [p for p in passages if p.text == "2015 ｜ 2,625 ｜ 673"]
    assert row.headings == "表1 歷年隊員人數 › 年度 ｜ 隊員人數 ｜ 實施團體數"  # under its caption and header row
