"""Deciding whether the articles answer a question at all (``found``).

One score threshold cannot do it: on these articles the top cosine score of an
off-topic question overlaps that of answerable ones. So the decision combines
several small signals, each a named function below, with named thresholds:

* ``coverage``      – IDF-weighted share of the question's terms found in the best of the
                      top passages (how much of what was asked the passage talks about);
* ``unknown``       – IDF-weighted share of the question's terms that occur nowhere in the
                      corpus (食譜, 股價, 韓國 …);
* ``ranks_agree``   – whether keyword and dense retrieval put the same passage on top; when
                      they agree, a little less coverage and a few more unseen terms are allowed;
* ``dense_top``     – cosine of the best passage for the question (the embedding model);
* ``sentence``      – lexical coverage of the best single sentence.

Questions written mostly in another script than the articles (English) have no lexical
overlap by construction; for those only the dense cosine of the best passage or sentence
speaks. ``dense_gap`` (top-1 minus top-2 cosine) is measured and reported but not used:
on the seed articles it did not separate answerable from off-corpus questions.

The thresholds were tuned on the seed articles with the default model
(multilingual-e5-small), on tests/data/dev.jsonl, answer_questions.jsonl and offcorpus.jsonl;
dense thresholds are model-specific (another model needs its own ``Thresholds``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from chat.terms import CorpusStats, folded, group_credit, group_weight, term_groups, weighted_coverage
from index.records import Hit

NOT_FOUND_LINE = "資料中找不到直接回答這個問題。"


@dataclass(frozen=True)
class Signals:
    n_terms: int               # content terms in the question
    coverage: float            # best IDF-weighted term coverage among the top passages
    unknown: float             # IDF-weighted share of terms unseen in the corpus
    dense_top: float | None    # best dense cosine among the hits
    dense_gap: float | None    # dense top-1 minus top-2
    ranks_agree: bool          # keyword top-1 is also dense top-1..3 (or vice versa)
    sentence: float            # lexical coverage of the best sentence
    sentence_dense: float | None  # cosine of the best sentence with the question
    latin: float               # share of Latin letters in the question


@dataclass(frozen=True)
class Thresholds:
    max_unknown: float = 0.34          # share of terms unseen in the articles above which: not found
    max_unknown_agree: float = 0.45    # … when keyword and dense retrieval agree on the top passage
    min_coverage: float = 0.5          # share of the question's terms the best passage must carry
    min_coverage_agree: float = 0.4    # … when keyword and dense retrieval agree
    min_sentence: float = 0.3          # the quoted sentence must carry some of the terms
    min_dense: float = 0.80            # dense floor for questions with lexical support
    weak_coverage: float = 0.7         # below this coverage and without agreement …
    min_dense_weak: float = 0.88       # … the dense score must be at least this
    crosslingual_latin: float = 0.6    # Latin share above which the question may be cross-lingual
    crosslingual_unknown: float = 0.5  # … when this much of it is unseen in the articles
    min_dense_crosslingual: float = 0.805  # best passage or sentence cosine for a cross-lingual question


DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class Decision:
    found: bool
    reason: str


def passage_coverage(terms: Sequence[str], hits: Sequence[Hit], stats: CorpusStats, depth: int = 3) -> float:
    """Best IDF-weighted share of the question's terms present in one of the top ``depth`` passages."""
    if not terms:
        return 0.0
    return max((weighted_coverage(terms, folded(h.passage.text), stats) for h in hits[:depth]), default=0.0)


def unknown_share(terms: Sequence[str], stats: CorpusStats) -> float:
    """IDF-weighted share of the question's terms that no indexed passage contains
    (a compound counts as partly known when a part of it is known)."""
    groups = term_groups(terms)
    total = sum(group_weight(g, stats) for g in groups)
    if total <= 0:
        return 0.0
    unknown = sum(group_weight(g, stats) * (1.0 - group_credit(g, stats.known)) for g in groups)
    return unknown / total


def dense_top(hits: Sequence[Hit]) -> float | None:
    scores = [h.dense_score for h in hits if h.dense_score is not None]
    return max(scores) if scores else None


def dense_gap(hits: Sequence[Hit]) -> float | None:
    scores = sorted((h.dense_score for h in hits if h.dense_score is not None), reverse=True)
    return scores[0] - scores[1] if len(scores) >= 2 else None


def ranks_agree(hits: Sequence[Hit], within: int = 3) -> bool:
    """Keyword and dense retrieval agree: each one's top passage is in the other's top ``within``."""
    kw_top = next((h for h in hits if h.bm25_rank == 1), None)
    dn_top = next((h for h in hits if h.dense_rank == 1), None)
    if kw_top is None or dn_top is None:
        return False
    return (kw_top.dense_rank or within + 1) <= within and (dn_top.bm25_rank or within + 1) <= within


def is_crosslingual(s: Signals, th: Thresholds) -> bool:
    return s.latin >= th.crosslingual_latin and (s.unknown >= th.crosslingual_unknown or s.n_terms == 0)


def decide_crosslingual(s: Signals, th: Thresholds) -> Decision:
    best = max((x for x in (s.dense_top, s.sentence_dense) if x is not None), default=None)
    if best is None or best < th.min_dense_crosslingual:
        return Decision(False, "cross-lingual: dense score too low")
    return Decision(True, "cross-lingual: dense match")


def decide(s: Signals, th: Thresholds = DEFAULT_THRESHOLDS) -> Decision:
    """Whether the articles answer the question, with the reason (for logs and tuning)."""
    if is_crosslingual(s, th):
        return decide_crosslingual(s, th)
    if s.n_terms == 0:
        return Decision(False, "no content terms")
    if s.unknown > (th.max_unknown_agree if s.ranks_agree else th.max_unknown):
        return Decision(False, "question terms not in the articles")
    if s.coverage < (th.min_coverage_agree if s.ranks_agree else th.min_coverage):
        return Decision(False, "best passages cover too little of the question")
    if s.sentence < th.min_sentence:
        return Decision(False, "no sentence carries the question's terms")
    if s.dense_top is not None and s.dense_top < th.min_dense:
        return Decision(False, "dense score too low")
    if not s.ranks_agree and s.coverage < th.weak_coverage and (s.dense_top or 0.0) < th.min_dense_weak:
        return Decision(False, "partial coverage without agreement or a strong dense match")
    return Decision(True, "covered")
