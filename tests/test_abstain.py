"""The abstention signals and the decision, on hand-made hits."""
from __future__ import annotations

from dataclasses import replace

import pytest

from chat.abstain import (
    DEFAULT_THRESHOLDS,
    Signals,
    decide,
    dense_gap,
    dense_top,
    passage_coverage,
    ranks_agree,
    unknown_share,
)
from chat.terms import CorpusStats
from index.records import Hit
from ingest.records import Passage


def passage(pid: str, text: str) -> Passage:
    return Passage(id=pid, doc_id="d", title="t", paragraph=1, page=None, start=0, end=len(text), text=text)


def hit(pid: str, text: str, rank: int, dense: float | None, dense_rank: int | None, bm25_rank: int | None) -> Hit:
    return Hit(
        passage=passage(pid, text),
        score=1.0 / rank,
        rank=rank,
        dense_score=dense,
        dense_rank=dense_rank,
        bm25_score=None if bm25_rank is None else 10.0 / bm25_rank,
        bm25_rank=bm25_rank,
    )


STATS = CorpusStats.from_token_lists(
    [["日本", "地方", "创生"], ["地方", "预算"], ["疫情", "补助金", "预算"], ["日本", "疫情"]]
)

ANSWERED = Signals(
    n_terms=3, coverage=0.9, unknown=0.0, dense_top=0.88, dense_gap=0.02, ranks_agree=True, sentence=0.8, sentence_dense=0.88, latin=0.0
)


def test_unknown_share_weighs_unseen_terms():
    assert unknown_share(["地方", "预算"], STATS) == 0.0
    assert unknown_share(["食谱", "牛肉面"], STATS) == 1.0
    mixed = unknown_share(["地方", "韩国"], STATS)
    assert 0.5 < mixed < 1.0  # the unseen term weighs more than the common one


def test_unknown_share_of_no_terms_is_zero():
    assert unknown_share([], STATS) == 0.0


def test_passage_coverage_uses_the_best_of_the_top_passages():
    hits = [hit("a", "疫情的補助金", 1, 0.8, 1, 1), hit("b", "地方的預算", 2, 0.7, 2, 2)]
    assert passage_coverage(["地方", "预算"], hits, STATS) == pytest.approx(1.0)  # Traditional text, folded terms
    assert passage_coverage(["地方", "预算"], hits[:1], STATS) == 0.0
    assert passage_coverage([], hits, STATS) == 0.0


def test_dense_top_and_gap():
    hits = [hit("a", "x", 1, 0.81, 2, 1), hit("b", "y", 2, 0.86, 1, None), hit("c", "z", 3, None, None, 2)]
    assert dense_top(hits) == pytest.approx(0.86)
    assert dense_gap(hits) == pytest.approx(0.05)
    assert dense_top([hit("c", "z", 1, None, None, 1)]) is None
    assert dense_gap(hits[:1]) is None


def test_ranks_agree_when_each_top_is_near_the_top_of_the_other():
    agree = [hit("a", "x", 1, 0.9, 1, 2), hit("b", "y", 2, 0.8, 2, 1)]
    disagree = [hit("a", "x", 1, 0.9, 1, None), hit("b", "y", 2, 0.5, 9, 1)]
    assert ranks_agree(agree)
    assert not ranks_agree(disagree)
    assert not ranks_agree([hit("a", "x", 1, 0.9, 1, None)])  # no keyword hit at all


def test_covered_question_is_found():
    assert decide(ANSWERED).found


@pytest.mark.parametrize(
    "change",
    [
        {"unknown": 0.6},                                      # 食譜, 股價 … unseen in the articles
        {"coverage": 0.2},                                     # the best passages say little of it
        {"sentence": 0.0},                                     # no sentence carries the terms
        {"dense_top": 0.5},                                    # the model finds it far away
        {"n_terms": 0, "latin": 0.0},                          # nothing to look for
        {"coverage": 0.55, "ranks_agree": False, "dense_top": 0.85},  # partial, disputed, weak
        {"unknown": 0.4, "ranks_agree": False},                # some unseen terms and no agreement
    ],
)
def test_each_signal_can_refuse(change):
    decision = decide(replace(ANSWERED, **change))
    assert not decision.found
    assert decision.reason


def test_partial_coverage_is_enough_when_retrievers_agree():
    assert decide(replace(ANSWERED, coverage=0.55, ranks_agree=True, dense_top=0.85)).found
    assert decide(replace(ANSWERED, unknown=0.4, ranks_agree=True)).found


def test_crosslingual_questions_rely_on_the_dense_score():
    bar = DEFAULT_THRESHOLDS.min_dense_crosslingual
    english = replace(ANSWERED, latin=1.0, unknown=1.0, coverage=0.0, sentence=0.0, ranks_agree=False)
    assert decide(replace(english, dense_top=bar + 0.01, sentence_dense=bar - 0.02)).found
    assert decide(replace(english, dense_top=bar - 0.02, sentence_dense=bar + 0.01)).found  # a sentence stands out
    assert not decide(replace(english, dense_top=bar - 0.01, sentence_dense=bar - 0.01)).found
    assert not decide(replace(english, dense_top=None, sentence_dense=None)).found


def test_latin_terms_present_in_the_articles_are_not_crosslingual():
    # "Think big, start small" is in the articles: judged on its words like any question
    latin_known = replace(ANSWERED, latin=0.9, unknown=0.0, dense_top=0.5)
    assert not decide(latin_known).found  # the dense floor still applies
    assert decide(replace(latin_known, dense_top=0.9)).found
