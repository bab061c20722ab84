"""Series written as prose (index.prose): paragraphs opening 首先 / 第二個是 / 第三則是 under one lead.
Known-answer tests of the runs, the questions and the matching, then a tiny real index (fake
encoder, real FAISS and BM25) where "國家提供的支援方針有哪幾個？" is answered by the three items
in article order and "第三個國家支援方針是什麼？" by the third, not by a short sentence repeating
the question's words."""

from __future__ import annotations

from dataclasses import replace

import pytest

from chat.answer import answer_question
from index.build import build_index
from index.prose import ProseAsked, content_pairs, matching_prose, prose_asked, prose_series
from index.search import Searcher
from index.series import Series, SeriesItem
from ingest.records import Passage
from ingest.segment import fold
from tests.chat_fakes import FAKE_DECISION
from tests.index_fakes import build_kwargs, open_kwargs, write_corpus


def _passages(*paragraphs: str | tuple[int, str], context: str = "") -> list[Passage]:
    """Passages in article order; a (number, text) pair continues paragraph ``number``."""
    out, start = [], 0
    for n, item in enumerate(paragraphs):
        number, text = item if isinstance(item, tuple) else (n + 1000, item)
        out.append(Passage(f"d:{n}", "d", "title", number, None, start, start + len(text), text, (), context))
        start += len(text) + 2
    return out


FIRST = "首先是對於有意願改變的地方，特別去導入相關資源。若沒有意願，也還需要時間。"
SECOND = "第二個是支援讓案子永續發展下去的支持系統。"
THIRD = "第三則是國家與地方公部門應自發性地橫向展開。"
LEAD = "另一部分國家能提供什麼支援方針呢？"


def test_a_run_of_ordinal_paragraphs_under_a_question_heading_is_a_series():
    later_half = (1001, "舉例來說，這是第二段的後半。")
    passages = _passages(f"{LEAD}\n\n{FIRST}", SECOND, later_half, THIRD, "圖片來源：某單位")
    (series,) = prose_series(passages, "d", fold)
    assert [item.line for item in series.items] == [FIRST.split("。")[0] + "。", SECOND, THIRD]
    assert [item.number for item in series.items] == [1, 2, 3]
    assert series.lead == fold(LEAD)
    assert series.members == ("d:0", "d:1", "d:3")  # the paragraph's second passage is no item and breaks nothing


def test_a_paragraph_that_opens_with_no_ordinal_ends_the_run():
    passages = _passages(FIRST, "另外，這一段與清單無關。", SECOND, THIRD)
    assert prose_series(passages, "d", fold) == ()  # 首先 alone; 第二個 with no 首先 before it starts nothing


def test_a_heading_that_opens_with_first_is_the_lead_not_an_item():
    heading = "首先地方的公部門該如何檢視需不需要利用IT資源呢？"
    passages = _passages(heading, "首先必須理解在地的課題。", "接著是盤點在地的特產。", "再來是要透過IT來分享情報。")
    (series,) = prose_series(passages, "d", fold)
    assert series.lead == fold(heading)
    assert [item.line[:2] for item in series.items] == ["首先", "接著", "再來"]


def test_the_lead_is_the_heading_above_when_the_line_before_is_prose():
    passages = _passages("有三項方針分別是：戰略性、鄉土性以及廣域性。", FIRST, SECOND, context="標題 › 國家的支援")
    (series,) = prose_series(passages, "d", fold)
    assert series.lead == fold("國家的支援")  # not the paragraph before, which lists other things


@pytest.mark.parametrize(
    ("question", "number", "count", "noun"),
    [
        ("國家對地方創生提供的IT支援方針有哪幾個？", 0, 0, "方针"),
        ("國家的IT支援方針分別是什麼", 0, 0, "方针"),
        ("國家提供哪些IT支援方針？", 0, 0, "方针"),
        ("國家支援方針是哪三個？", 0, 3, "方针"),
        ("第三個國家支援方針是什麼？", 3, 0, "方针"),
        ("國家第三個IT支援方針在說什麼", 3, 0, "方针"),
        ("國家支援方針的第二個是什麼", 2, 0, "方针"),
    ],
)
def test_the_question_asks_for_the_list_or_an_item_of_a_noun(question, number, count, noun):
    asked = prose_asked(fold(question))
    assert asked is not None and (asked.number, asked.count, asked.noun) == (number, count, noun)


@pytest.mark.parametrize("question", ["國家的支援方針為什麼重要？", "第三項提到的系統會導致什麼", "RESAS是什麼"])
def test_a_question_asking_neither_a_list_nor_an_item_asks_for_no_prose_series(question):
    assert prose_asked(fold(question)) is None


def test_content_pairs_leave_out_the_asking_words():
    assert content_pairs(fold("國家支援方針有哪些？")) == {"国家", "家支", "支援", "援方", "方针"}


SERIES = Series(
    "d",
    "prose",
    tuple(SeriesItem(n, f"d:{n}", line) for n, line in enumerate((FIRST, SECOND, THIRD), 1)),
    fold(LEAD),
    ("d:1", "d:2", "d:3"),
)


def test_a_series_matches_the_noun_its_lead_writes_and_the_size_asked():
    asked = prose_asked(fold("國家提供的支援方針有哪些？"))
    assert asked is not None and matching_prose(asked, [SERIES]) == [SERIES]
    three, two = prose_asked(fold("國家的支援方針是哪三個？")), prose_asked(fold("國家的支援方針是哪兩個？"))
    assert three is not None and two is not None
    assert matching_prose(three, [SERIES]) == [SERIES] and matching_prose(two, [SERIES]) == []
    other = prose_asked(fold("國家提供的支援措施有哪些？"))  # 措施: the lead names 方針
    assert other is not None and matching_prose(other, [SERIES]) == []


def test_an_item_keeps_the_passages_of_its_whole_series():
    asked = prose_asked(fold("第三個國家支援方針是什麼？"))
    assert asked is not None
    (item,) = matching_prose(asked, [SERIES])
    assert [i.line for i in item.items] == [THIRD] and item.members == SERIES.members
    past = prose_asked(fold("第四個國家支援方針是什麼？"))
    assert past is not None and matching_prose(past, [SERIES]) == []


def test_a_question_that_shares_too_little_with_the_lead_matches_nothing():
    # 地方公部門…的三項方針: the noun is in the lead, the rest of the question is not
    local = prose_asked(fold("地方公部門檢視需不需要利用IT資源有哪三項方針"))
    assert local is not None and local.noun == "方针" and matching_prose(local, [SERIES]) == []
    few = ProseAsked(0, 0, "国家", frozenset({"国家"}))  # 哪些國家: too few words to tell
    assert matching_prose(few, [SERIES]) == []


ARTICLE = f"""政策整理

國家支援

{LEAD}

{FIRST}

{SECOND}

{THIRD}

對國家支援方針有益的計劃，除了方針之外，還有國家的支援。
"""


# found whatever the fake encoder's scores: these tests are about what is quoted
FOUND = replace(FAKE_DECISION, found_at=0.0, maybe_at=0.0)


@pytest.fixture
def prose_index(tmp_path, fake_encoder):
    other = "溫室氣體排放在2050年降為零。\n\n溫室氣體排放要靠再生能源。"
    corpus = write_corpus(tmp_path / "corpus", a=ARTICLE, c=other)
    build_index(corpus, tmp_path / "index", fake_encoder, **build_kwargs())
    return Searcher.open(tmp_path / "index", fake_encoder, **open_kwargs())


def test_the_items_are_the_answer_to_the_list_question(prose_index, monkeypatch):
    question = "國家提供的支援方針有哪幾個？"
    answer = answer_question(question, prose_index, decision=FOUND)
    assert [q.text for q in answer.quotes] == [FIRST.split("。")[0] + "。", SECOND, THIRD]
    assert [q.citation.n for q in answer.quotes] == [1, 2, 3]
    monkeypatch.setattr("index.search.PROSE_SERIES", False)
    plain = answer_question(question, prose_index, decision=FOUND)
    assert [q.text for q in plain.quotes] != [q.text for q in answer.quotes]


def test_the_item_asked_for_is_quoted_first(prose_index, monkeypatch):
    question = "第三個國家支援方針是什麼？"
    answer = answer_question(question, prose_index, decision=FOUND)
    assert answer.quotes[0].text == THIRD
    monkeypatch.setattr("index.search.PROSE_SERIES", False)
    assert answer_question(question, prose_index, decision=FOUND).quotes[0].text != THIRD
