"""Questions that lean on a passage's structure, on the real index of the seed articles (real
model, FAISS, BM25, the shipped decision; slow): one restating a heading to ask something more
(both of the train split), one asking for an item by its position, one the article itself asks
under a heading."""

from __future__ import annotations

import re

import pytest

from chat.abstain import DecisionModel
from chat.answer import answer_question

pytestmark = pytest.mark.slow

CASES = [
    ("為單親家庭、單身高齡者創造新的連結，可以運用什麼經費？", "能運用地方創生臨時補助金"),
    ("發行引導型商品券和旅遊券要結合政府的哪個旅遊振興活動？", "Go To Campaign"),
]


@pytest.mark.parametrize(("question", "gold"), CASES)
def test_the_sentence_under_the_heading_is_quoted_first(real_seed_searcher, question, gold, monkeypatch):
    decision = DecisionModel.load()
    answer = answer_question(question, real_seed_searcher, decision=decision)
    assert answer.found and gold in answer.quotes[0].text
    monkeypatch.setattr("chat.answer.BODY_AT", None)  # without the rule the heading comes first
    plain = answer_question(question, real_seed_searcher, decision=decision)
    assert gold not in plain.quotes[0].text and re.match(r"\d+\.", plain.quotes[0].text)  # "14.為單親…:"


def test_the_item_asked_by_position_is_quoted_first(real_seed_searcher, monkeypatch):
    decision = DecisionModel.load()
    question, gold = "抗疫四階段的第二個階段是什麼？", "接著是維持雇用和事業"
    answer = answer_question(question, real_seed_searcher, decision=decision)
    assert answer.found and answer.quotes[0].text.startswith(gold)
    monkeypatch.setattr("chat.answer.ITEM_FIRST", False)  # without the rule: the passage's intro, 第一個是…
    plain = answer_question(question, real_seed_searcher, decision=decision)
    assert "第一個是" in plain.quotes[0].text


def test_a_question_the_article_asks_under_a_heading_gives_way(real_seed_searcher, monkeypatch):
    decision = DecisionModel.load()
    question, gold = "疫情期間避難的人要住哪裡？", "運用飯店、旅館等民間設施"
    answer = answer_question(question, real_seed_searcher, decision=decision)
    assert answer.found and gold in answer.quotes[0].text
    monkeypatch.setattr("chat.answer.QUESTION_GIVES_WAY", False)  # without the rule: heading + the article's question
    plain = answer_question(question, real_seed_searcher, decision=decision)
    assert plain.quotes[0].text.endswith("災民要到哪避難?")
