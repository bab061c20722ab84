"""The topic signal on the real index of the seed articles (real model, FAISS, the shipped
decision; slow). ``tests/data/everyday_test.jsonl``: 400 everyday questions (phones, food, sport,
small talk…) written by a helper from a list of subjects only, after the decision was designed, and
never fitted on (the fit reads ``chat/data/everyday.jsonl``, another writer's 480, and leaves out
the 26 of them worded as one of these: 你好, tell me a joke, 1斤等于多少克…). First read on the
commit that added the signal: 374 of 400 told 找不到 (356 before it); 381 once the non-questions
joined the fit; 368 once the fit left out every question worded as a held-out one (its operating
point moved from 0.177 to 0.134, the train questions left being harder)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from chat.abstain import DecisionModel
from chat.evaluate import evaluate_answers, read_questions, select_split

pytestmark = pytest.mark.slow

DATA = Path(__file__).parent / "data"
EVERYDAY = DATA / "everyday_test.jsonl"


def test_the_everyday_test_set_is_frozen_and_unanswerable():
    text = EVERYDAY.read_text(encoding="utf-8")
    assert hashlib.sha256(text.encode("utf-8")).hexdigest() == (DATA / "everyday_test.sha256").read_text().split()[0]
    questions = read_questions(EVERYDAY)
    assert len(questions) == 400 and all(q["gold"] == [] for q in questions)


def test_everyday_questions_are_told_not_found(real_seed_searcher):
    report = evaluate_answers(real_seed_searcher, read_questions(EVERYDAY), decision=DecisionModel.load())
    assert report["abstain_rate"] >= 0.9  # 0.920 measured (0.890 before the topic signal)


def test_the_topic_signal_tells_the_articles_questions_from_everyday_ones(real_seed_searcher):
    from sklearn.metrics import roc_auc_score

    center = DecisionModel.load().center()
    assert center is not None

    def topic(question: str) -> float:
        value = real_seed_searcher.topic_similarity(real_seed_searcher.query_vector(question), center)
        assert value is not None
        return value

    answerable = [q["q"] for q in select_split(read_questions(DATA / "qbank.jsonl"), "test") if q["gold"]]
    everyday = [q["q"] for q in read_questions(EVERYDAY)]
    scores = [topic(q) for q in answerable] + [topic(q) for q in everyday]
    labels = [1] * len(answerable) + [0] * len(everyday)
    assert roc_auc_score(labels, scores) >= 0.95
    assert np.median(scores[: len(answerable)]) > np.median(scores[len(answerable) :])
