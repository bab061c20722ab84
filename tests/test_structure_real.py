"""Questions that lean on a passage's structure, on the real index of the seed articles (real
model, FAISS, BM25, the shipped decision; slow): one restating a heading to ask something more
(both of the train split), one asking for an item by its position, one the article itself asks
under a heading, ones counting a noun the article counts (三大目標: its three headings), and one
naming a table row by its label."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from chat.abstain import DecisionModel
from chat.answer import answer_question

pytestmark = pytest.mark.slow

# The decision shipped before the sentence ranker read only the features that carry over between
# articles: its ranker reads every SENTENCE_FEATURES, where a unit sits in its passage among them, as a
# ranker fitted on an article whose passages open with their answers does. The shipped ranker quotes
# some of the questions below right without the rule they test; this one still needs the rule.
ALL_FEATURES = Path(__file__).parent / "data" / "decision_all_sentence_features.json"

CASES = [
    ("為單親家庭、單身高齡者創造新的連結，可以運用什麼經費？", "能運用地方創生臨時補助金"),
    ("發行引導型商品券和旅遊券要結合政府的哪個旅遊振興活動？", "Go To Campaign"),
]


@pytest.mark.parametrize(("question", "gold"), CASES)
def test_the_sentence_under_the_heading_is_quoted_first(real_seed_searcher, question, gold, monkeypatch):
    all_features = DecisionModel.load(ALL_FEATURES)
    for decision in (DecisionModel.load(), all_features):
        answer = answer_question(question, real_seed_searcher, decision=decision)
        assert answer.found and gold in answer.quotes[0].text
    monkeypatch.setattr("chat.answer.BODY_AT", None)  # without the rule the heading comes first
    plain = answer_question(question, real_seed_searcher, decision=all_features)
    assert gold not in plain.quotes[0].text and re.match(r"\d+\.", plain.quotes[0].text)  # "14.為單親…:"


def test_the_item_asked_by_position_is_quoted_first(real_seed_searcher, monkeypatch):
    decision = DecisionModel.load()
    question, gold = "抗疫四階段的第二個階段是什麼？", "接著是維持雇用和事業"
    answer = answer_question(question, real_seed_searcher, decision=decision)
    assert answer.found and answer.quotes[0].text.startswith(gold)
    # the best unit is another passage's (至三、四階段…): the passages naming 階段 below it are looked at
    with monkeypatch.context() as patched:
        patched.setattr("chat.answer.ITEM_DEPTH", 1)
        assert not answer_question(question, real_seed_searcher, decision=decision).quotes[0].text.startswith(gold)
    all_features = DecisionModel.load(ALL_FEATURES)
    assert answer_question(question, real_seed_searcher, decision=all_features).quotes[0].text.startswith(gold)
    monkeypatch.setattr("chat.answer.ITEM_FIRST", False)  # without the rule: the passage's intro, 第一個是…
    plain = answer_question(question, real_seed_searcher, decision=all_features)
    assert "第一個是" in plain.quotes[0].text


def test_a_question_the_article_asks_under_a_heading_gives_way(real_seed_searcher, monkeypatch):
    decision = DecisionModel.load()
    question, gold = "疫情期間避難的人要住哪裡？", "運用飯店、旅館等民間設施"
    answer = answer_question(question, real_seed_searcher, decision=decision)
    assert answer.found and gold in answer.quotes[0].text
    monkeypatch.setattr("chat.answer.QUESTION_GIVES_WAY", False)  # without the rule: heading + the article's question
    plain = answer_question(question, real_seed_searcher, decision=decision)
    assert plain.quotes[0].text.endswith("災民要到哪避難?")


GOALS = [
    "地域未來構想一:整備社會環境",
    "地域未來構想二:確立新的生活型態",
    "地域未來構想三:促進產生新的消費或投資附加價值",
]


@pytest.mark.parametrize(
    "question",
    [
        "地域未來構想20有哪三大目標？",
        "What are the three goals of the Regional Future Vision 20?",
        "地域未来構想20の三つの目標は何ですか？",
    ],
)
def test_the_three_goals_the_article_counts_are_its_three_headings(real_seed_searcher, question, monkeypatch):
    decision = DecisionModel.load()
    answer = answer_question(question, real_seed_searcher, decision=decision)
    assert answer.found and not answer.uncertain
    assert [q.text for q in answer.quotes] == GOALS and [q.citation.paragraph for q in answer.quotes] == [7, 29, 47]
    monkeypatch.setattr("index.search.SERIES_FIRST", False)  # without it: the sentence that counts them, or less
    assert [q.text for q in answer_question(question, real_seed_searcher, decision=decision).quotes] != GOALS


def test_the_second_goal_is_the_second_heading_not_item_two_of_the_twenty(real_seed_searcher, monkeypatch):
    from chat.followup import answer_after

    decision = DecisionModel.load()
    answer = answer_question("地域未來構想20的第二個目標是什麼？", real_seed_searcher, decision=decision)
    assert answer.found and answer.quotes[0].text.startswith(GOALS[1])
    after = answer_after("那第二個目標是什麼？", "地域未來構想20有哪三大目標？", real_seed_searcher, 5, decision)
    assert after.found and not after.uncertain and after.quotes[0].text.startswith(GOALS[1])
    four = answer_question("地域未來構想20有哪四大目標？", real_seed_searcher, decision=decision)
    assert not four.found and "數目" in four.message  # the article counts three (chat.premise.count_conflict)
    monkeypatch.setattr("index.search.SERIES_FIRST", False)
    plain = answer_question("地域未來構想20的第二個目標是什麼？", real_seed_searcher, decision=decision)
    assert not plain.quotes[0].text.startswith(GOALS[1])


@pytest.mark.parametrize(
    ("question", "heading"),
    [
        ("第9項構想是什麼？", "9.加速與強化GIGA School"),  # 地域未來構想20 counts twenty (a tester's: refused)
        ("第二個構想是什麼？", "地域未來構想二:確立新的生活型態"),  # the headings that name 構想
    ],
)
def test_an_item_of_the_visions_is_the_heading_that_counts_it(real_seed_searcher, question, heading):
    answer = answer_question(question, real_seed_searcher, decision=DecisionModel.load())
    assert answer.found and answer.quotes[0].text.startswith(heading)


@pytest.mark.parametrize(
    ("question", "gold"),
    [
        ("What is the full name of SIP?", "Cross-ministerial Strategic"),
        ("What does DBJ stand for?", "日本政策投資銀行(DBJ)"),
    ],
)
def test_an_english_full_name_question_is_answered_by_the_bracketed_gloss(real_seed_searcher, question, gold):
    # a tester's: both refused as on another subject, while SIP的全名 was answered
    answer = answer_question(question, real_seed_searcher, decision=DecisionModel.load())
    assert answer.found and not answer.uncertain and gold in answer.quotes[0].text


def test_the_table_row_the_question_names_is_quoted_not_the_first_row(real_seed_searcher, monkeypatch):
    """推廣優良模式在財政方面的課題是什麼？ quoted the header row with the 人 row under it (a CLI tester's)."""
    decision = DecisionModel.load()
    question = "推廣優良模式在財政方面的課題是什麼？"
    answer = answer_question(question, real_seed_searcher, decision=decision)
    assert answer.found and answer.quotes[0].text.startswith("財政 ｜")
    monkeypatch.setattr("chat.answer.ROW_NAMED_FIRST", False)
    assert not answer_question(question, real_seed_searcher, decision=decision).quotes[0].text.startswith("財政")


def test_a_list_the_article_writes_as_first_second_third_is_quoted_whole(real_seed_searcher, monkeypatch):
    """國家…IT支援方針 are three paragraphs opening 首先 / 第二個是 / 第三則是 under the question
    heading 另一部分國家能提供什麼…IT支援方針呢？ (index.prose); a short sentence after them repeating
    the question's words (…除了3+3方針之外，還有國家的活用重點部署支援。) was quoted instead."""
    decision = DecisionModel.load()
    question = "國家對地方創生提供的IT支援方針有哪幾個？"
    answer = answer_question(question, real_seed_searcher, decision=decision)
    assert answer.found and [q.text[:3] for q in answer.quotes] == ["首先是", "第二個", "第三則"]
    item = answer_question("第三個國家支援方針是什麼？", real_seed_searcher, decision=decision)
    assert item.quotes and item.quotes[0].text.startswith("第三則是")
    monkeypatch.setattr("index.search.PROSE_SERIES", False)
    # without the series another sentence leads (對地方創生…, or with the questions asked before,
    # index.asked, the overview 在這樣的「地方創生IT活用」計畫中…)
    assert not answer_question(question, real_seed_searcher, decision=decision).quotes[0].text.startswith("首先是")


@pytest.mark.parametrize(
    ("question", "label"),
    [
        ("地域情報化大賞的條件不利區域分成哪些類別？", "條件不利區域別："),
        ("案例資料庫依導入團體可分成哪幾類？", "導入團體別："),
    ],
)
def test_a_classing_question_names_the_label_by_its_stem(real_seed_searcher, question, label, monkeypatch):
    """條件不利區域別：過疏、… was passed over for the sentence listing the labels (…條件不利區域別、區域別…)."""
    assert answer_question(question, real_seed_searcher, decision=DecisionModel.load()).quotes[0].text.startswith(label)
    decision = DecisionModel.load(ALL_FEATURES)  # the shipped ranker quotes the label without the stem rule
    assert answer_question(question, real_seed_searcher, decision=decision).quotes[0].text.startswith(label)
    monkeypatch.setattr("index.fusion.LABEL_STEM_CHARS", 99)
    assert not answer_question(question, real_seed_searcher, decision=decision).quotes[0].text.startswith(label)


def test_the_sentence_restating_what_is_asked_comes_before_the_overview(real_seed_searcher, monkeypatch):
    """醫療面向分為哪兩部分: the passage's overview (…著重的面向包括醫療、交通…) was quoted first (a tester's)."""
    decision = DecisionModel.load()
    question = "應對疫情的智慧城市，醫療面向分為哪兩部分"
    assert answer_question(question, real_seed_searcher, decision=decision).quotes[0].text.startswith("醫療面向分為")
    monkeypatch.setattr("chat.answer.RESTATED_FIRST", False)
    assert not answer_question(question, real_seed_searcher, decision=decision).quotes[0].text.startswith("醫療面向")
