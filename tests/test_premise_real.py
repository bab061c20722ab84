"""Premise checks on the real index of the seed articles (real model, FAISS, BM25, the shipped
decision; slow): a grant or programme the articles never name is not found, and the answer names
it; one they name is still answered."""

from __future__ import annotations

import pytest

from chat.abstain import NOT_FOUND_LINE, DecisionModel
from chat.answer import answer_question

pytestmark = pytest.mark.slow

ABSENT = [
    ("地方創生推進交付金一年編列多少預算？", "地方創生推進交付金"),
    ("移住支援金要怎麼申請？", "移住支援金"),
]


@pytest.mark.parametrize(("question", "name"), ABSENT)
def test_a_grant_the_articles_never_name_is_not_found(real_seed_searcher, question, name, monkeypatch):
    decision = DecisionModel.load()
    answer = answer_question(question, real_seed_searcher, decision=decision)
    assert not answer.found and answer.quotes == () and answer.hits
    assert answer.message == f"{NOT_FOUND_LINE} 最接近的段落都沒有提到「{name}」。"
    monkeypatch.setattr("chat.premise.SCHEMES", False)  # without the check the nearest passages answer
    assert answer_question(question, real_seed_searcher, decision=decision).found


def test_a_grant_the_articles_name_is_answered(real_seed_searcher):
    answer = answer_question("2021年的地方創生臨時交付金是多少？", real_seed_searcher, decision=DecisionModel.load())
    assert answer.found and "1.5兆" in answer.quotes[0].text
