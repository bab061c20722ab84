"""Answers made of quoted sentences: every word is the articles' own, each with a citation.

``answer_question`` searches, splits the top passages into sentences, scores every
sentence against the question (IDF-weighted term overlap, dense similarity, the rank of
its passage), asks :mod:`chat.abstain` whether the articles answer the question at all,
and quotes the best one to three sentences verbatim with ``[n]`` citations.
"""
from __future__ import annotations

import re
import unicodedata
import weakref
from dataclasses import dataclass
from typing import Protocol, Sequence

import numpy as np

from chat.abstain import NOT_FOUND_LINE, DEFAULT_THRESHOLDS, Signals, Thresholds, decide
from chat.abstain import dense_gap, dense_top, passage_coverage, ranks_agree, unknown_share
from chat.records import Answer, Citation, Quote
from chat.terms import CorpusStats, folded, latin_share, has_searchable_text, question_terms
from chat.terms import weighted_coverage
from index.records import Hit, SentenceVectors
from ingest.passages import sentence_spans

MAX_QUERY_CHARS = 500
MESSAGE_EMPTY = "請輸入問題。"
MESSAGE_NO_TEXT = "問題裡沒有可以搜尋的文字，請用文字描述問題。"
MESSAGE_TRUNCATED = f"問題太長，只用前 {MAX_QUERY_CHARS} 個字搜尋。"
MESSAGE_NO_ARTICLES = "目前沒有可以搜尋的文章，請先加入文章。"



class SearcherLike(Protocol):
    def search(self, query: str, top_k: int = 5) -> list[Hit]: ...
    def query_vector(self, query: str) -> np.ndarray: ...
    def sentence_vectors(self, passage_id: str) -> SentenceVectors: ...


# --------------------------------------------------------------------------- input


@dataclass(frozen=True)
class PreparedQuestion:
    text: str               # cleaned question (control characters removed, spaces collapsed)
    query: str              # what is searched (truncated to MAX_QUERY_CHARS)
    message: str | None     # a fixed phrase when the question was truncated


def clean_question(question: object) -> str:
    """Control/format characters become spaces; runs of whitespace collapse to one space."""
    if not isinstance(question, str):
        return ""
    chars = (" " if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") else ch for ch in question)
    return " ".join("".join(chars).split())


def prepare_question(question: object) -> PreparedQuestion | str:
    """The cleaned question ready to search, or the fixed message explaining why not."""
    text = clean_question(question)
    if not text:
        return MESSAGE_EMPTY
    if not has_searchable_text(text):
        return MESSAGE_NO_TEXT
    if len(text) > MAX_QUERY_CHARS:
        return PreparedQuestion(text, text[:MAX_QUERY_CHARS], MESSAGE_TRUNCATED)
    return PreparedQuestion(text, text, None)


# --------------------------------------------------------------------------- sentences


@dataclass(frozen=True)
class Sentence:
    text: str          # verbatim slice of the passage text, surrounding whitespace stripped
    hit: int           # 0-based index of its passage in the hits
    order: int         # position within the passage


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text`` ending at 。！？；!?; (with closing quotes) or at a line end.

    Each sentence is an exact slice of ``text`` with only surrounding whitespace removed;
    pieces without any letter or digit are dropped.
    """
    pieces = (text[start:end] for start, end in sentence_spans(text))
    return [piece for piece in pieces if has_searchable_text(piece)]


def hit_sentences(hits: Sequence[Hit]) -> list[Sentence]:
    return [
        Sentence(text, i, j)
        for i, hit in enumerate(hits)
        for j, text in enumerate(split_sentences(hit.passage.text))
    ]


# --------------------------------------------------------------------------- dense vectors


def sentence_similarities(query: str, sentences: Sequence[Sentence], hits: Sequence[Hit],
                          searcher: SearcherLike) -> np.ndarray:
    """Cosine of each sentence with the query: the sentence vectors stored at build time
    (``searcher.sentence_vectors``) against the one query encoding (``searcher.query_vector``,
    the search's own through the query cache). Nothing is embedded here; a sentence without a
    stored vector scores 0."""
    sims = np.zeros(len(sentences), dtype=np.float32)
    if not sentences:
        return sims
    stored: dict[int, dict[str, np.ndarray]] = {}
    for i in sorted({s.hit for s in sentences}):
        passage = hits[i].passage
        vectors = searcher.sentence_vectors(passage.id)
        stored[i] = dict(zip(vectors.texts(passage.text), vectors.vectors))
    query_vector = searcher.query_vector(query)
    for n, sentence in enumerate(sentences):
        vector = stored[sentence.hit].get(sentence.text)
        if vector is not None:
            sims[n] = float(vector @ query_vector)
    return sims


# --------------------------------------------------------------------------- scoring


@dataclass(frozen=True)
class SentenceWeights:
    lexical: float = 1.0          # IDF-weighted share of question terms in the sentence
    passage_lexical: float = 0.3  # … in the sentence's whole passage
    dense: float = 4.0            # per unit of cosine above the best sentence's cosine
    rank: float = 0.3             # 1/rank of the passage in the fused list
    lead_in: float = 0.3          # penalty for a sentence that asks or introduces (ends in ？ or ：)
    follows_question: float = 0.2 # bonus for the sentence right after a question (the article's answer)
    extra_margin: float = 0.15    # further quotes must score within this of the best


DEFAULT_WEIGHTS = SentenceWeights()
_LEAD_IN_END = re.compile(r"[？?:：][」』）)】〕》”’\"']*$")
_QUESTION_END = re.compile(r"[？?][」』）)】〕》”’\"']*$")


@dataclass(frozen=True)
class SentenceFeatures:
    lexical: float
    passage_lexical: float
    dense: float              # cosine with the question
    rank: int                 # fused rank of the passage
    lead_in: bool
    follows_question: bool


@dataclass(frozen=True)
class ScoredSentence:
    sentence: Sentence
    score: float
    lexical: float
    dense: float


def is_lead_in(text: str) -> bool:
    """A sentence that asks a question or introduces a list/heading rather than stating."""
    return _LEAD_IN_END.search(text) is not None


def previous_sentence(sentence: Sentence, sentences: Sequence[Sentence], hits: Sequence[Hit]) -> Sentence | None:
    """The sentence just before ``sentence`` in its article, when it is among the hits' sentences."""
    if sentence.order > 0:
        return next((s for s in sentences if s.hit == sentence.hit and s.order == sentence.order - 1), None)
    here = hits[sentence.hit].passage
    before = [
        (h.passage.end, i) for i, h in enumerate(hits)
        if h.passage.doc_id == here.doc_id and h.passage.end <= here.start and here.start - h.passage.end <= 4
    ]
    if not before:
        return None
    last = [s for s in sentences if s.hit == max(before)[1]]
    return last[-1] if last else None


def sentence_features(
    terms: Sequence[str], sentences: Sequence[Sentence], hits: Sequence[Hit], similarities: np.ndarray, stats: CorpusStats
) -> list[SentenceFeatures]:
    passage_cov = [weighted_coverage(terms, folded(h.passage.text), stats) for h in hits]
    features = []
    for sentence, sim in zip(sentences, similarities):
        prev = previous_sentence(sentence, sentences, hits)
        features.append(SentenceFeatures(
            lexical=weighted_coverage(terms, folded(sentence.text), stats),
            passage_lexical=passage_cov[sentence.hit],
            dense=float(sim),
            rank=hits[sentence.hit].rank,
            lead_in=is_lead_in(sentence.text),
            follows_question=prev is not None and _QUESTION_END.search(prev.text) is not None,
        ))
    return features


def combine(f: SentenceFeatures, best_dense: float, weights: SentenceWeights, lexical_trust: float) -> float:
    """One sentence's score: a weighted sum of its features."""
    return (
        lexical_trust * (weights.lexical * f.lexical + weights.passage_lexical * f.passage_lexical)
        + weights.dense * (f.dense - best_dense)
        + weights.rank / max(f.rank, 1)
        - (weights.lead_in if f.lead_in else 0.0)
        + (weights.follows_question if f.follows_question else 0.0)
    )


def rank_sentences(
    sentences: Sequence[Sentence],
    features: Sequence[SentenceFeatures],
    weights: SentenceWeights = DEFAULT_WEIGHTS,
    lexical_trust: float = 1.0,
) -> list[ScoredSentence]:
    """Sentences scored, best first (ties keep passage order).

    ``lexical_trust`` (0..1) scales the term-overlap parts down when most of the question's
    terms are unknown to the articles (e.g. an English question over Chinese articles).
    """
    best_dense = max((f.dense for f in features), default=0.0)
    scored = [
        ScoredSentence(s, combine(f, best_dense, weights, lexical_trust), f.lexical, f.dense)
        for s, f in zip(sentences, features)
    ]
    return sorted(scored, key=lambda x: -x.score)


def select_quotes(
    scored: Sequence[ScoredSentence], max_quotes: int = 3, margin: float = DEFAULT_WEIGHTS.extra_margin
) -> list[ScoredSentence]:
    """The best sentence, then up to ``max_quotes - 1`` more scoring within ``margin`` of it."""
    if not scored:
        return []
    chosen = [scored[0]]
    for candidate in scored[1:]:
        if len(chosen) >= max_quotes or candidate.score < scored[0].score - margin:
            break
        if all(candidate.sentence.text != c.sentence.text for c in chosen):
            chosen.append(candidate)
    return chosen


# --------------------------------------------------------------------------- corpus statistics


_STATS: "weakref.WeakKeyDictionary[object, tuple[int, CorpusStats]]" = weakref.WeakKeyDictionary()


def searcher_passages(searcher: object) -> Sequence:
    """All indexed passages, from the searcher (attribute ``passages`` or method ``all_passages``)."""
    passages = getattr(searcher, "passages", None)
    if callable(passages):
        passages = passages()
    return passages if passages is not None else ()


def corpus_stats(searcher: object) -> CorpusStats:
    """Document frequencies over the searcher's passages, cached per searcher object
    (a rebuild opens a new searcher) and recomputed if its passage count changes."""
    from chat.terms import tokenize

    passages = searcher_passages(searcher)
    cached = _STATS.get(searcher)
    if cached is not None and cached[0] == len(passages):
        return cached[1]
    stats = CorpusStats.from_token_lists(p.tokens or tokenize(p.text) for p in passages)
    _STATS[searcher] = (len(passages), stats)
    return stats


# --------------------------------------------------------------------------- composition


def citation_for(hit: Hit, n: int) -> Citation:
    p = hit.passage
    return Citation(n=n, passage_id=p.id, doc_id=p.doc_id, title=p.title, paragraph=p.paragraph, page=p.page)


def build_quotes(chosen: Sequence[ScoredSentence], hits: Sequence[Hit]) -> tuple[Quote, ...]:
    return tuple(
        Quote(text=s.sentence.text, citation=citation_for(hits[s.sentence.hit], s.sentence.hit + 1))
        for s in chosen
    )


def measure_signals(
    question: str, terms: Sequence[str], hits: Sequence[Hit], stats: CorpusStats, best: ScoredSentence | None
) -> Signals:
    return Signals(
        n_terms=len(terms),
        coverage=passage_coverage(terms, hits, stats),
        unknown=unknown_share(terms, stats),
        dense_top=dense_top(hits),
        dense_gap=dense_gap(hits),
        ranks_agree=ranks_agree(hits),
        sentence=best.lexical if best else 0.0,
        sentence_dense=best.dense if best and best.dense else None,
        latin=latin_share(question),
    )


@dataclass(frozen=True)
class Analysis:
    """Everything answer_question looked at, for evaluation and tuning."""

    answer: Answer
    signals: Signals | None
    reason: str
    scored: tuple[ScoredSentence, ...]


def analyse_question(
    question: str,
    searcher: SearcherLike,
    top_k: int = 5,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    weights: SentenceWeights = DEFAULT_WEIGHTS,
) -> Analysis:
    prepared = prepare_question(question)
    if isinstance(prepared, str):
        return Analysis(Answer(clean_question(question), False, (), (), prepared), None, "bad input", ())
    hits = tuple(searcher.search(prepared.query, top_k=top_k))
    if not hits:
        answer = Answer(prepared.text, False, (), (), prepared.message or MESSAGE_NO_ARTICLES)
        return Analysis(answer, None, "no hits", ())
    terms = question_terms(prepared.query)
    stats = corpus_stats(searcher)
    sentences = hit_sentences(hits)
    sims = sentence_similarities(prepared.query, sentences, hits, searcher)
    trust = 1.0 - unknown_share(terms, stats)
    scored = rank_sentences(sentences, sentence_features(terms, sentences, hits, sims, stats), weights, trust)
    signals = measure_signals(prepared.query, terms, hits, stats, scored[0] if scored else None)
    decision = decide(signals, thresholds)
    if decision.found and scored:
        quotes = build_quotes(select_quotes(scored, margin=weights.extra_margin), hits)
        answer = Answer(prepared.text, True, quotes, hits, prepared.message, terms=terms)
    else:
        answer = Answer(prepared.text, False, (), hits, NOT_FOUND_LINE, terms=terms)
    return Analysis(answer, signals, decision.reason, tuple(scored))


def answer_question(
    question: str, searcher: SearcherLike, top_k: int = 5, *, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> Answer:
    """Quote the one to three sentences that best answer ``question``, or say it is not found.

    Never raises for bad input: empty, whitespace-only, punctuation-only questions get a
    fixed message in ``Answer.message``; very long ones are truncated for the search.
    ``thresholds`` are tuned for the default model; another encoder may need its own.
    """
    return analyse_question(question, searcher, top_k, thresholds).answer
