"""Passage cutting: sentence-end cuts, bounded length, spans, stable ids."""

from __future__ import annotations

from ingest.passages import passage_id, sentence_spans, split_passages
from ingest.records import Article, ArticleMeta, Paragraph


def _article(*paragraphs: str) -> Article:
    paras, offset = [], 0
    for n, text in enumerate(paragraphs, start=1):
        paras.append(Paragraph(number=n, text=text, start=offset, end=offset + len(text), page=None))
        offset += len(text) + 2
    return Article(
        doc_id="doc",
        meta=ArticleMeta(title="標題"),
        text="\n\n".join(paragraphs),
        paragraphs=tuple(paras),
        content_hash="h",
    )


def test_sentence_spans_cut_after_end_marks_and_closing_quotes():
    text = "第一句。「第二句！」第三句？[2]第四句；最後"
    expected = ["第一句。", "「第二句！」", "第三句？[2]", "第四句；", "最後"]
    assert [text[a:b] for a, b in sentence_spans(text)] == expected


def test_the_number_opening_a_list_item_is_no_sentence():
    text = "政策建議\n\n1. 研議專法。 明定分工。\n12. 跨域合作。\nIn 2019. It rained."
    expected = ["政策建議", "1. 研議專法。", "明定分工。", "12. 跨域合作。", "In 2019.", "It rained."]
    assert [text[a:b] for a, b in sentence_spans(text)] == expected


def test_passages_respect_max_chars_and_cut_at_sentence_ends():
    sentence = "這是一個十個字的句子。"  # 11 characters
    article = _article(sentence * 10)
    passages = split_passages(article, max_chars=40)
    assert all(len(p.text) <= 40 for p in passages)
    assert all(p.text.endswith("。") for p in passages)
    assert "".join(p.text for p in passages) == sentence * 10


def test_overlong_sentence_is_cut_at_a_comma():
    article = _article("甲" * 30 + "，" + "乙" * 30 + "。")
    passages = split_passages(article, max_chars=40)
    assert [p.text for p in passages] == ["甲" * 30 + "，", "乙" * 30 + "。"]


def test_spans_point_into_the_article_text():
    article = _article("第一段。", "第二段的第一句。第二句。")
    for p in split_passages(article, max_chars=8):
        assert article.text[p.start : p.end] == p.text
    assert [p.paragraph for p in split_passages(article, max_chars=8)] == [1, 2, 2]


def test_ids_are_stable_and_depend_on_text_only():
    a = split_passages(_article("同一句話。"), 240)[0]
    b = split_passages(_article("同一句話。"), 240)[0]
    assert a.id == b.id == passage_id("doc", "同一句話。")
    assert split_passages(_article("另一句話。"), 240)[0].id != a.id


def test_repeated_text_in_one_article_gets_distinct_ids():
    passages = split_passages(_article("重複。", "重複。"), 240)
    assert len({p.id for p in passages}) == 2


def test_tokens_come_from_the_given_tokenizer():
    passage = split_passages(_article("地方創生。"), 240, tokenize=lambda t: ["x", t])[0]
    assert passage.tokens == ("x", passage.search_text)  # headings and text are both searchable
    assert passage.search_text == "地方創生。" == passage.text  # no heading above it: no context


def test_a_heading_leads_the_first_passage_under_it_and_is_context_for_the_rest():
    from ingest.passages import is_heading

    article = _article("地域未來構想二:確立新的生活型態", "教育很重要。", "醫療也很重要。")
    first, second = split_passages(article, 240)
    assert first.text == "地域未來構想二:確立新的生活型態\n\n教育很重要。"
    assert first.text == article.text[first.start : first.end]
    assert second.text == "醫療也很重要。" and "確立新的生活型態" in second.context
    assert "確立新的生活型態" in second.search_text
    assert is_heading("9.加速與強化GIGA School,實現符合新世代的教育:")
    assert is_heading("區域ICT活用推廣支援課題")
    assert not is_heading("導入團體別：地方政府、非營利組織、民間企業")  # a labelled list is content
    assert not is_heading("資料來源：地域IoT実装推進タスクフォースについて")
    assert not is_heading("這是一個完整的句子。")


def test_a_byline_under_the_title_heads_nothing():
    # "作者：林小明" is short like a heading; read as one it replaced the title as the context of
    # every passage below it
    article = _article("台灣地方創生的起步", "作者：林小明", "計畫提出五支箭。", "國發會是主責機關。")
    byline, first, second = split_passages(article, 240)
    assert byline.text == "台灣地方創生的起步\n\n作者：林小明" and byline.context == ""
    assert first.context == second.context == "台灣地方創生的起步"
    assert "作者" not in first.search_text + second.search_text


def test_a_dateline_under_the_byline_heads_nothing():
    # "2024年3月" alone is short like a heading; read as one it led the first paragraph and was its context
    article = _article(
        "台灣地方創生的起步", "文／林小明", "2024年3月", "2019年，國發會宣布地方創生元年。", "計畫提出五支箭。"
    )
    byline, date, first, second = split_passages(article, 240)
    assert date.text == "2024年3月" and date.context == ""
    assert first.text == "2019年，國發會宣布地方創生元年。" and first.context == second.context == "台灣地方創生的起步"
    # a paragraph opening with a date is content, and a year alone may be a label: both stay as they were
    dated = _article("台灣地方創生的起步", "2024年3月，國發會檢討成果。", "2024年", "計畫提出五支箭。")
    assert [p.text for p in split_passages(dated, 240)][-1] == "2024年\n\n計畫提出五支箭。"


def test_a_paragraph_with_a_byline_line_inside_is_content_under_its_heading():
    long = "受訪者名單如下\n作者：林小明。" + "計畫提出五支箭，國發會是主責機關，並與鄉鎮公所合作推動。" * 8
    article = _article("台灣地方創生的起步", "前言。", "一、背景", long)
    (passage,) = [p for p in split_passages(article, 600) if "受訪者" in p.text]
    assert passage.context == "台灣地方創生的起步" and passage.text.startswith("一、背景")


def test_the_title_and_the_headings_above_are_the_context_of_every_passage():
    paragraphs = ["韓國地方消滅應對政策概覽", "一、背景", "生育率下降。", "二、主要政策"]
    article = _article(*paragraphs, "（一）基金", "每年一兆韓元。", "（二）指定", "指定89個地區。")
    background, fund, designated = split_passages(article, 240)
    assert background.text == "韓國地方消滅應對政策概覽\n\n一、背景\n\n生育率下降。" and background.context == ""
    assert fund.text.startswith("二、主要政策\n\n（一）基金") and fund.context == "韓國地方消滅應對政策概覽"
    # （二）is an item under 二、, not a section of its own: the section stays in the path
    assert designated.context == "韓國地方消滅應對政策概覽 › 二、主要政策"


def test_a_paragraph_that_only_asks_heads_the_paragraphs_that_answer_it():
    from ingest.passages import is_question_heading

    article = _article(
        "一、國家的角色",
        "國家能提供什麼支援方針呢？",
        "首先是導入資源。",
        "第二是支援永續。",
        "二、地方的角色",
        "地方要理解課題。",
    )
    lead, second, other = split_passages(article, 240)[:3]
    assert lead.text == "一、國家的角色\n\n國家能提供什麼支援方針呢？\n\n首先是導入資源。"  # not a passage of its own
    assert second.context == "一、國家的角色 › 國家能提供什麼支援方針呢？"  # nested under the section
    assert "國家能提供什麼支援方針呢" not in other.context and other.text.startswith("二、地方的角色")
    assert is_question_heading("何謂區域數位化呢?")
    assert not is_question_heading("原因是為什麼呢？約有七成的地方政府認為不易投資。")  # asks and answers
    assert not is_question_heading("[2]誰來負責？")  # a footnote line
    assert not is_question_heading("這是一個完整的句子。")
    last = split_passages(_article("正文。", "結尾還有問題嗎？"), 240)[-1]
    assert last.text == "結尾還有問題嗎？"  # nothing under it: stays a passage


def test_a_short_table_row_is_embedded_under_its_caption_and_header_row():
    from index.build import SHORT_ROW_CHARS, embedding_text, table_header

    rows = ["年度 ｜ 隊員人數 ｜ 團體數", "2009 ｜ 89 ｜ 31", "2015 ｜ 2,625 ｜ 673", "長" * SHORT_ROW_CHARS + " ｜ 1"]
    article = _article("標題", "下表整理協力隊的隊員人數：", *rows, "表格之後的段落。")
    passages = {p.text: p for p in split_passages(article, 240)}
    row = passages["2015 ｜ 2,625 ｜ 673"]
    assert row.headings == "下表整理協力隊的隊員人數： › 年度 ｜ 隊員人數 ｜ 團體數"  # the title left out
    assert table_header(row) == "下表整理協力隊的隊員人數：\n年度 ｜ 隊員人數 ｜ 團體數"
    assert embedding_text(row) == table_header(row) + "\n2015 ｜ 2,625 ｜ 673"
    long_row = passages[rows[-1]]
    assert table_header(long_row) == "" and embedding_text(long_row) == long_row.text  # says enough itself
    # an article whose first paragraph is no title: the caption is the first heading, and kept
    untitled = _article("前言。", "下表整理人數：", "年度 ｜ 人數", "2015 ｜ 2,625", "2016 ｜ 3,978")
    (second,) = [p for p in split_passages(untitled, 240) if p.text == "2016 ｜ 3,978"]
    assert table_header(second) == "下表整理人數：\n年度 ｜ 人數"
    prose = passages["表格之後的段落。"]
    assert embedding_text(prose) == prose.text and prose.headings == ""


def test_a_lead_in_ending_with_a_colon_nests_under_its_section_and_heads_its_items():
    rows = ["年度 ｜ 隊員人數", "2015 ｜ 2,625", "2016 ｜ 3,978"]
    article = _article(
        "標題",
        "四、地域振興協力隊",
        "協力隊成長驚人。下表整理歷年的隊員人數：",
        *rows,
        "五、政策建議",
        "本文提出以下兩項建議：",
        "1. 研議專法。",
        "2. 跨域合作。",
        "六、結語",
        "結語的段落。",
    )
    passages = {p.text.split("\n\n")[-1]: p for p in split_passages(article, 240)}
    # the section stays in the path of the table's rows (as a section heading itself, the lead-in took its place)
    assert (
        passages["2016 ｜ 3,978"].headings
        == "四、地域振興協力隊 › 協力隊成長驚人。下表整理歷年的隊員人數： › 年度 ｜ 隊員人數"
    )
    assert passages["2. 跨域合作。"].headings == "五、政策建議 › 本文提出以下兩項建議："  # items under the lead-in
    last = passages["結語的段落。"]  # the next section ends both: it leads the passage, with no path above
    assert last.text.startswith("六、結語") and last.headings == ""


def test_a_paragraph_ending_with_a_lead_in_is_the_context_of_the_next_one():
    intro = (
        "為了回應人的問題，國發會自2021年起推動青年培力工作站，以補助民間團隊設立據點的方式，"
        "讓已經在地方扎根的青年團隊承擔陪伴、媒合與育成的角色。工作站的任務大致包括："
    )
    assert len(intro) > 60  # a paragraph, not a heading
    article = _article("標題", "一、工作站", intro, "提供青年諮詢；舉辦地方學講座。", "工作站之後的段落。")
    tasks, after = split_passages(article, 240)[1:]
    assert tasks.context == "標題 › 一、工作站 › 工作站的任務大致包括："  # its last sentence only
    assert tasks.search_text.startswith("標題 › 一、工作站 › 工作站的任務大致包括：\n提供青年諮詢")  # found by 任務
    assert after.context == "標題 › 一、工作站"  # the next paragraph only


def test_a_table_right_after_prose_has_its_first_row_of_short_names_as_its_header():
    from index.build import table_header

    # an HTML <table> under a paragraph, no caption: 2008 ｜ 89 alone did not say it counts students
    table = ("年度 ｜ 學生數", "2008 ｜ 89", "2020 ｜ 180")
    article = _article("標題", "海士町在2008年推出島留學制度。", *table, "之後的段落。")
    rows = {p.text: p for p in split_passages(article, 240)}
    assert "年度 ｜ 學生數" not in rows and "年度 ｜ 學生數\n\n2008 ｜ 89" in rows  # it leads the first row
    assert table_header(rows["2020 ｜ 180"]) == "年度 ｜ 學生數"
    assert rows["之後的段落。"].headings == ""  # the header speaks for the table only
    # a first row that says something (a sentence in a cell) is a row, not column names
    prose = _article("標題", "說明。", "2008年推出，吸引學生 ｜ 89", "2020 ｜ 180")
    assert "2008年推出，吸引學生 ｜ 89" in {p.text for p in split_passages(prose, 240)}
