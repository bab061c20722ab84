"""Real model, real index of the seed articles: answer and abstention targets (slow).

Targets (issue 5): the first quoted sentence contains a gold string for >= 75% of the
answerable dev questions; abstain on >= 80% of the off-corpus questions while answering
>= 95% of the answerable ones (dev + answer_questions.jsonl).
"""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from chat.answer import answer_question
from chat.evaluate import evaluate_answers, format_report, read_questions
from index.build import build_index
from index.search import Searcher

pytestmark = pytest.mark.slow

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def searcher(real_encoder, seed_corpus, tmp_path_factory) -> Searcher:
    index_dir = tmp_path_factory.mktemp("answers") / "index"
    build_index(seed_corpus, index_dir, real_encoder)
    return Searcher.open(index_dir, real_encoder)


@pytest.fixture(scope="module")
def answerable(dev_questions) -> list[dict]:
    return [q for q in dev_questions if q["gold"]] + read_questions(DATA / "answer_questions.jsonl")


def test_question_sets_are_large_enough():
    offcorpus = read_questions(DATA / "offcorpus.jsonl")
    extra = read_questions(DATA / "answer_questions.jsonl")
    assert len(offcorpus) >= 40 and all(q["gold"] == [] for q in offcorpus)
    assert len(extra) >= 30 and all(q["gold"] for q in extra)


def test_first_sentence_contains_gold_on_dev(searcher, dev_questions):
    report = evaluate_answers(searcher, [q for q in dev_questions if q["gold"]])
    print("\ndev (answerable)\n" + format_report(report))
    assert report["first_sentence_gold_rate"] >= 0.75, report["misses"]


def test_answers_nearly_all_answerable_questions(searcher, answerable):
    report = evaluate_answers(searcher, answerable)
    print("\ndev + answer_questions\n" + format_report(report))
    assert report["answered_rate"] >= 0.95, report["misses"]


def test_abstains_on_off_corpus_questions(searcher, dev_questions):
    questions = read_questions(DATA / "offcorpus.jsonl") + [q for q in dev_questions if not q["gold"]]
    report = evaluate_answers(searcher, questions)
    print("\noff-corpus\n" + format_report(report))
    assert report["abstain_rate"] >= 0.80, report["misses"]


def test_quotes_are_verbatim_sentences_of_cited_passages(searcher, answerable):
    for item in answerable:
        answer = answer_question(item["q"], searcher)
        assert 1 <= len(answer.quotes) <= 3 if answer.found else not answer.quotes
        for quote in answer.quotes:
            assert quote.text in answer.hits[quote.citation.n - 1].passage.text


def test_warm_answer_latency(searcher, dev_questions):
    questions = [q["q"] for q in dev_questions]
    for q in questions:                       # warm: model, sentence vectors, statistics
        answer_question(q, searcher)
    timings = []
    for q in questions:
        start = time.perf_counter()
        answer_question(q, searcher)
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    median = timings[len(timings) // 2]
    print(f"\nwarm answer_question: median {median:.1f} ms, max {timings[-1]:.1f} ms")
    assert median < 500  # generous: shared CI machines; the target on an idle machine is <= 30 ms
