"""A question restating a heading to ask something more, on the real index of the seed articles
(real model, FAISS, BM25, the shipped decision; slow). Both questions are of the train split."""

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
