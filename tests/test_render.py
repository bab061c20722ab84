"""HTML rendering: escaping, citations, highlighting, the source viewer, the JSON shape."""

from __future__ import annotations

import html
import json
import re
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from chat.abstain import NOT_FOUND_LINE
from chat.records import Answer, Citation, Quote
from chat.render import (
    MAX_SHOWN_QUESTION,
    PARAGRAPH_BREAK,
    SEARCHED_LABEL,
    answer_to_json,
    answer_to_text,
    highlight,
    location_label,
    match_spans,
    passage_label,
    render_answer,
    render_chat_answer,
    render_not_found,
    render_passages,
    render_source,
    render_viewer,
)
from index.records import Hit
from ingest.records import Passage
from tests.chat_fakes import article_passages, make_article

EVIL = '地方創生<script>alert("x")</script>與<img src=x onerror="alert(1)">預算'


def passage(pid: str, text: str, paragraph: int = 2, page: int | None = 3, title: str = "日本地方創生") -> Passage:
    return Passage(
        id=pid, doc_id="000_a", title=title, paragraph=paragraph, page=page, start=0, end=len(text), text=text
    )


def hits_of(*passages: Passage) -> tuple[Hit, ...]:
    return tuple(Hit(passage=p, score=1.0 / i, rank=i) for i, p in enumerate(passages, start=1))


def found_answer() -> Answer:
    p1 = passage("p-1", "補助的預算在2020年達3兆日圓。讓地方提案。")
    p2 = passage("p-2", EVIL, paragraph=5, page=None, title="<b>標題</b>")
    hits = hits_of(p1, p2)
    cite = Citation(n=1, passage_id="p-1", doc_id="000_a", title=p1.title, paragraph=2, page=3)
    return Answer(
        question="2020年的预算是多少？",
        found=True,
        quotes=(Quote(text="補助的預算在2020年達3兆日圓。", citation=cite),),
        hits=hits,
        terms=("2020", "预算"),
    )


def test_article_markup_is_shown_as_text():
    out = render_answer(found_answer())
    assert "<script>" not in out and "<img" not in out and "<b>標題" not in out
    assert "&lt;script&gt;" in out and "&lt;img src=x onerror=" in out


def test_quote_has_a_citation_link_with_the_passage_id():
    out = render_answer(found_answer())
    assert re.search(r'<a class="sousei-cite" href="#sousei-p-1" data-n="1" data-passage-id="p-1"[^>]*>\[1\]</a>', out)
    assert "補助的預算在2020年達3兆日圓。" in out


def test_passages_show_title_paragraph_and_page_with_highlights():
    out = render_passages(found_answer().hits, ("2020", "预算"))
    assert 'id="sousei-p-1"' in out and 'id="sousei-p-2"' in out
    assert "第2段・第3頁" in out and "第5段" in out
    assert "<mark>預算</mark>" in out and "<mark>2020</mark>" in out  # Simplified term, Traditional text
    assert "&lt;b&gt;標題&lt;/b&gt;" in out


def test_not_found_answer_shows_the_line_and_marks_nearest_passages():
    answer = Answer(question="火星", found=False, quotes=(), hits=found_answer().hits, message=NOT_FOUND_LINE)
    out = render_answer(answer)
    assert NOT_FOUND_LINE in out and render_not_found() in out
    assert "sousei-nearest" in out and 'data-found="false"' in out
    assert "sousei-quote" not in out


def test_a_premise_note_is_shown_in_the_not_found_line_and_escaped():
    message = NOT_FOUND_LINE + " 最接近的段落都沒有提到「<韓國>」。"
    answer = Answer(question="韓國", found=False, quotes=(), hits=found_answer().hits, message=message)
    out = render_answer(answer)
    assert '<p class="sousei-not-found">' + NOT_FOUND_LINE + " 最接近的段落都沒有提到「&lt;韓國&gt;」。</p>" in out
    assert "sousei-message" not in out


def test_input_message_is_escaped():
    out = render_answer(Answer(question="", found=False, quotes=(), hits=(), message="<請輸入問題>"))
    assert "&lt;請輸入問題&gt;" in out


def test_highlight_escapes_inside_and_outside_marks():
    out = highlight("<預算>&預算", ("预算",))
    assert out == "&lt;<mark>預算</mark>&gt;&amp;<mark>預算</mark>"


def test_highlight_latin_terms_match_whole_words_only():
    assert match_spans("the ICT plan and ictx", ("ict",)) == [(4, 7)]


def test_overlapping_terms_merge_into_one_mark():
    assert highlight("地方創生", ("地方", "地方创生", "创生")) == "<mark>地方創生</mark>"


@given(st.text(max_size=40), st.lists(st.sampled_from(["地方", "预算", "<", "a", "創", "&"]), max_size=3))
@settings(max_examples=200, deadline=None)
def test_highlight_only_adds_marks(text, terms):
    out = highlight(text, terms)
    assert html.unescape(out.replace("<mark>", "").replace("</mark>", "")) == text
    assert "<" not in out.replace("<mark>", "").replace("</mark>", "")


def test_source_viewer_marks_the_cited_paragraph():
    article = make_article("000_a", "標題<script>", ["第一段。", EVIL, "第三段。"])
    cited = passage("p-2", EVIL, paragraph=2, page=None)
    out = render_source(article, cited, terms=("预算",))
    assert out.count('id="sousei-cited"') == 1
    assert re.search(r'<p id="sousei-cited" class="sousei-para sousei-cited" data-paragraph="2">', out)
    assert 'id="sousei-para-1"' in out and 'id="sousei-para-3"' in out
    assert "<script>" not in out and "<img" not in out
    assert "<mark>預算</mark>" in out


def test_source_viewer_without_citation_marks_nothing():
    article = make_article("000_a", "標題", ["第一段。", "第二段。"])
    assert "sousei-cited" not in render_source(article)


def test_answer_to_json_shape():
    data = answer_to_json(found_answer())
    assert set(data) == {"question", "found", "confidence", "uncertain", "reason", "answer", "passages", "message"}
    assert data["answer"] == [{"text": "補助的預算在2020年達3兆日圓。", "citation": 1}]
    assert set(data["passages"][0]) == {"rank", "id", "doc_id", "title", "paragraph", "page", "text", "score"}
    assert [p["rank"] for p in data["passages"]] == [1, 2]
    assert data["passages"][1]["text"] == EVIL  # JSON carries the raw text; escaping is the renderer's job
    json.dumps(data, ensure_ascii=False)


def test_answer_to_text_lists_quotes_and_passages():
    text = answer_to_text(found_answer())
    assert "補助的預算在2020年達3兆日圓。 [1]" in text
    assert "[2] <b>標題</b>（第5段）" in text
    # only the quoted passage is listed as cited; the other retrieved one under its own heading
    sources, others = text.index("引用段落："), text.index("其他相關段落：")
    assert sources < text.index("[1] ") < others < text.index("[2] ")
    not_found = answer_to_text(replace(found_answer(), found=False, quotes=()))
    assert "最接近的段落" in not_found and "其他相關段落" not in not_found and "引用段落" not in not_found


def test_a_long_searched_text_is_shown_shortened():
    searched = "疫情期間 臨時補助金 " + "地方創生" * 150
    out = render_chat_answer(found_answer(), "那2020年呢？", searched)
    line = html.unescape(re.search(r'<p class="sousei-searched">(.*?)</p>', out).group(1))
    assert line.startswith(SEARCHED_LABEL + "疫情期間 臨時補助金") and line.endswith("…")
    assert len(line) == len(SEARCHED_LABEL) + MAX_SHOWN_QUESTION


def test_viewer_keeps_the_title_outside_the_scrolling_paragraphs():
    article = make_article("000_a", "日本地方創生", ["第一段。", "第二段：補助的預算在2020年達3兆日圓。"])
    out = render_viewer(article, article_passages(article)[1], ["補助的預算在2020年達3兆日圓。"])
    head, body = out.index('class="sousei-source-head"'), out.index('class="sousei-source-body"')
    assert head < body and out.index("日本地方創生") < body  # the title is not inside the scrolling box
    assert body < out.index('<mark class="sousei-quoted" id="sousei-quoted">補助的預算在2020年達3兆日圓。</mark>')


def test_a_passage_led_by_its_heading_is_labelled_with_both_paragraphs():
    article = make_article(
        "000_a", "日本地方創生", ["前言。", "借鏡日本的科技創新", "日本總務省從2013年開始召開會議。"]
    )
    led = passage("p-9", "借鏡日本的科技創新\n\n日本總務省開會。", paragraph=2, page=None)
    plain = passage("p-8", "前言。", paragraph=1, page=None)
    assert passage_label(led) == "第2–3段" and passage_label(plain) == "第1段"
    assert location_label(4, 7, 5) == "第4–5段・第7頁" and location_label(4, None, 4) == "第4段"
    assert article.paragraphs[2].number == 3 and article.text.count(PARAGRAPH_BREAK) == 2


def test_the_articles_footnote_marks_are_not_shown_as_citation_markers():
    from dataclasses import replace

    from chat.render import answer_plain_text, footnotes_html, render_chat_answer

    assert footnotes_html("總務省[2]推動。") == '總務省<sup class="sousei-footnote" title="原文註腳">註2</sup>推動。'
    assert footnotes_html("第[ab]段") == "第[ab]段"  # only numbered marks
    answer = found_answer()
    quote = replace(answer.quotes[0], text=answer.quotes[0].text + "[2]")
    answer = replace(answer, quotes=(quote,))
    html = render_chat_answer(answer, "問題")
    text = html.split('class="sousei-quote-text">', 1)[1].split("</span>", 1)[0]
    assert text.endswith(">註2</sup>") and "[2]" not in text  # the quote's own mark, small and labelled
    assert answer_plain_text(answer).splitlines()[0].endswith("[註2] [1]")  # copied text: the mark, then ours


def table_row_answer(header: str = "調查年 ｜ 空屋總數（萬戶） ｜ <b>空屋率</b>") -> Answer:
    row = "2018 ｜ 849 ｜ 13.6"
    p1 = passage("p-1", row)
    cite = Citation(n=1, passage_id="p-1", doc_id="000_a", title=p1.title, paragraph=2, page=3)
    return Answer(
        question="2018年的空屋總數？",
        found=True,
        quotes=(Quote(text=row, citation=cite, header=header),),
        hits=hits_of(p1),
    )


def test_a_quoted_table_rows_header_is_shown_above_it_everywhere():
    from chat.render import answer_plain_text

    header = "調查年 ｜ 空屋總數（萬戶） ｜ <b>空屋率</b>"
    answer = table_row_answer(header)
    assert answer_to_json(answer)["answer"] == [{"text": "2018 ｜ 849 ｜ 13.6", "citation": 1, "header": header}]
    assert f"{header}\n2018 ｜ 849 ｜ 13.6 [1]" in answer_to_text(answer)
    assert answer_plain_text(answer).startswith(f"{header}\n2018 ｜ 849 ｜ 13.6 [1]")
    for html_text in (render_chat_answer(answer, answer.question), render_answer(answer)):
        shown = re.search(r'<span class="sousei-quote-header">(.*?)</span><span class="sousei-quote-text">', html_text)
        assert shown is not None and shown.group(1) == html.escape(header, quote=True)  # escaped, before the row
    # a quote with no header: no header line, no key
    plain = table_row_answer("")
    assert "sousei-quote-header" not in render_chat_answer(plain, plain.question)
    assert answer_to_json(plain)["answer"] == [{"text": "2018 ｜ 849 ｜ 13.6", "citation": 1}]
    assert answer_to_text(plain).startswith("2018 ｜ 849 ｜ 13.6 [1]")


def test_every_citation_link_is_named_by_what_it_opens():
    """A screen reader read each citation link as "[1]"; its name is the citation's number, the article's
    title and the paragraph it opens (escaped): in render_answer its aria-label; in the chat's quotes and
    cited passages its title (Gradio's sanitiser drops aria-*; the page's script makes the title its name)."""
    from chat.render import citation_name

    answer = found_answer()
    hostile = replace(answer, hits=hits_of(passage("p-1", answer.hits[0].passage.text, title=EVIL)))
    for out, attribute in (
        (render_chat_answer(answer, "問題"), "title"),
        (render_chat_answer(hostile, "問題"), "title"),
        (render_answer(answer), "aria-label"),
    ):
        links = re.findall(r"<a [^>]*>\[\d+\]</a>", out)
        assert links, out
        for link in links:
            n = re.search(r">\[(\d+)\]</a>", link).group(1)
            label = re.search(rf'{attribute}="([^"]*)"', link)
            assert label is not None, link
            named = html.unescape(label.group(1))
            assert re.fullmatch(rf"引用{n}：〈.+〉第\d+(–\d+)?段(・第\d+頁)?", named), named
    (first,) = [p for p in answer.hits if p.passage.id == "p-1"]
    assert citation_name(1, first.passage) == "引用1：〈日本地方創生〉第2段・第3頁"
    assert "<script>" not in render_chat_answer(hostile, "問題")


def test_server_paths_are_shown_by_their_last_part_and_nothing_else_changes():
    from chat.render import hide_paths

    assert hide_paths("/srv/sousei/corpus 裡沒有代號為 'b' 的文章") == "corpus 裡沒有代號為 'b' 的文章"
    assert hide_paths("找不到索引：/home/甲/.sousei/index。請執行") == "找不到索引：index。請執行"
    assert hide_paths(r"無法移到 C:\Users\甲\corpus\.trash（權限不足）") == "無法移到 .trash（權限不足）"
    kept = "日期 2021/10/29、TCP/IP、http://127.0.0.1:7860/ 與（.txt .md）不是路徑；標題／作者"
    assert hide_paths(kept) == kept


def test_a_question_is_one_html_block_shown_as_typed():
    """The question's message was Markdown: 1. **GIGA School** 是什麼？ became a numbered list with bold text."""
    from chat.render import literal_question, render_question

    shown = render_question("1. **GIGA School**\n是什麼？<img src=x>")
    assert shown == '<div class="sousei-question">1. **GIGA School** 是什麼？&lt;img src=x&gt;</div>'
    assert literal_question(shown) == shown
    assert literal_question("&lt;b&gt;問") == '<div class="sousei-question">&lt;b&gt;問</div>'


def test_a_closing_tag_in_a_message_is_no_server_path():
    """「…（修訂版）<b>x</b>」 lost its slash: /b> was taken for a path and cut to its last part."""
    from chat.render import hide_paths

    assert hide_paths("已更新：「雪國（修訂版）<b>x</b>」") == "已更新：「雪國（修訂版）<b>x</b>」"
    assert hide_paths("/srv/sousei/corpus 裡沒有文章") == "corpus 裡沒有文章"


def test_a_refused_question_is_a_refusal_without_a_copy_button():
    """問題只是同樣的字詞一再重複 (no passage, not the not-found line) was rendered as an answer, with 複製回答."""
    refused = Answer("補助金 補助金", False, (), (), "問題只是同樣的字詞一再重複，請用文字描述您想問的事。")
    shown = render_chat_answer(refused, "補助金 補助金")
    assert shown.startswith('<div class="sousei-answer sousei-error" data-found="false" data-question="補助金 補助金"')
    assert "一再重複" in shown and "sousei-copy" not in shown
    not_found = render_chat_answer(Answer("火星？", False, (), (), None), "火星？")
    assert "sousei-error" not in not_found and NOT_FOUND_LINE in not_found
