"""Hybrid search over a stored index: dense (FAISS) + keyword (BM25), fused."""

from __future__ import annotations

import functools
import json
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from index import asked as asked_terms
from index.asked import AskedMemory, AskedTerms, load_asked, numbers
from index.fusion import (
    FusionParams,
    bigram_overlap,
    chinese_numeral,
    exact_terms,
    fuse,
    labelled_line_match,
    line_labels,
    mentions_table,
    named_row_labels,
    numbered_item_match,
    numbers_by_numeral,
    ordinal_items,
    quoted_labels,
    rare_term_boost,
    sentence_rerank,
    squash,
    table_row_match,
)
from index.model.encoder import Encoder
from index.prose import prose_series, prose_series_asked
from index.records import Hit, SentenceVectors
from index.series import ARTICLES, Outline, SeriesAsked, outline_of, series_asked
from index.stats import CorpusStats, char_bigrams
from index.store import MANIFEST_FILE, Manifest, StoredIndex, check_compatible, index_paths, load_store
from ingest.errors import SouseiError
from ingest.furniture import asks_about_author, asks_author, asks_credit, byline_author, is_byline, is_furniture
from ingest.glossary import GlossaryEntry
from ingest.records import Article, Passage
from ingest.segment import fold  # OpenCC loads on first use, not at import

Tokenizer = Callable[[str], Sequence[str]]
Expander = Callable[[str], Sequence[str]]  # question -> extra texts for the keyword side only
EXPANSION_WEIGHT = 1.0
MODES = ("hybrid", "dense", "bm25")
SEARCH_MAX_CHARS = 2000
# captions, reference lines and bylines rank after the other passages unless the question asks for one
FURNITURE_GIVES_WAY = True
# a passage with a line labelled as the question names it (區域別：…) is boosted like a quoted table row
LABEL_BOOST = True
BYLINES_FIRST = True
# a question's word in no passage and no dictionary gets the articles' words that sound the same
HOMOPHONES = True
NUMERALS = True  # 三密 ↔ 3密 (_numeral_expander)
# A question counting a noun the article counts (第二個目標, 哪三大目標 when it says 三大目標) has the
# passages of the numbered headings it asks for first (index.series).
SERIES_FIRST = True
# A question asking for a list, or its N-th item, that the article writes as paragraphs opening 首先 /
# 第二個是 / 第三則是 under a lead naming the asked noun (index.prose), when one of the series' passages
# is among the first PROSE_DEPTH hits.
PROSE_SERIES = True
PROSE_DEPTH = 5
_KANA = re.compile(r"[\u3041-\u309f\u30a1-\u30fa\u30fc-\u30ff\uff66-\uff9f]")  # as ingest.japanese.has_kana
# A question worded like a train question of the bank moves that question's passage up (index.asked).
ASKED = True
SQUASHED_CACHE = 4096  # passages whose squashed text is kept (~10 MB at most)
PAIRS_CACHE = 256  # passages whose character pairs are kept (~17 KB each: ~4 MB at most)
EXPANSION_CACHE = 1024  # question texts whose expansion tokens are kept
OUTLINE_CACHE = 256  # articles whose folded text and heading series (index.series) are kept
# Chosen with multilingual-e5-small on the seed corpus, primarily on the 42 questions of
# tests/data/retrieval_questions.jsonl (dev.jsonl only as a check, to avoid fitting it):
# a weighted min-max sum is flat for alpha 0.65-0.75 (own set MRR@10 0.897 vs 0.852 dense-only,
# 0.749 BM25-only); RRF (k 5-60) and z-score scored 0.87-0.89. The exact-term boost changes
# one rank on these sets (a year in an English question); it is there for numbers and Latin
# names that an embedding blurs. Re-checked on the 269 answerable train questions of
# tests/data/qbank.jsonl (blind-written): alpha 0.5/0.6/0.7/0.8 gave hit@1 0.758/0.766/0.777/0.770,
# RRF 0.718. Re-ranking the top 20 by the best stored sentence's cosine (weight 0.0/0.2/0.3/0.5/1.0)
# gave hit@1 0.792/0.814/0.825/0.818/0.810, so 0.3. Adding the shared character pairs
# (bigram_weight 0/0.3/0.6/1.0/1.5/2.0) on the 359 answerable train questions of the bank gave
# hit@1 0.875/0.883/0.889/0.886/0.886/0.880, so 0.6 (a pairwise logistic ranker over eleven
# candidate features did no better in 5-fold CV: 0.886).
DEFAULT_FUSION = FusionParams(
    method="weighted",
    alpha=0.7,
    norm="minmax",
    boost=0.5,
    candidates=50,
    sentence_weight=0.3,
    sentence_depth=20,
    bigram_weight=0.6,
)


class UnknownArticleError(SouseiError, KeyError):
    """No article with this doc_id in the index."""

    def __str__(self) -> str:  # KeyError would add quotes
        return str(self.args[0]) if self.args else ""


@dataclass
class _Candidates:
    ids: np.ndarray  # row numbers of passages
    dense: np.ndarray  # cosine similarity to the query (zeros in bm25 mode)
    bm25: np.ndarray  # BM25 score (zeros in dense mode)
    dense_rank: np.ndarray  # 1-based rank in the dense top list, 0 = not in it
    bm25_rank: np.ndarray  # 1-based rank in the BM25 top list, 0 = not in it
    query_vector: np.ndarray | None = None
    # the passages' own BM25 and rank, without the earlier questions' words (index.asked.AskedTerms)
    # that ``bm25`` and ``bm25_rank`` then hold: what hits report and the found / not-found decision reads
    own_bm25: np.ndarray | None = None
    own_bm25_rank: np.ndarray | None = None


class Searcher:
    """Answers queries from one loaded index; open it once with ``Searcher.open``."""

    def __init__(
        self,
        index_dir: Path,
        stored: StoredIndex,
        encoder: Encoder,
        tokenizer: Tokenizer,
        fusion: FusionParams = DEFAULT_FUSION,
        expand: Expander | None = None,
        asked: AskedMemory | None = None,
    ) -> None:
        self.index_dir = Path(index_dir)
        self._asked = asked  # questions asked before (index.asked), or None
        # evaluation: a question worded as one in the memory is searched without that entry
        self.leave_out_asked = False
        self._stored = stored
        self.encoder = encoder  # the query encoder (with the query cache when served)
        self._tokenize = tokenizer
        self.fusion = fusion
        self.timings: dict[str, float] = {}
        self._articles = {a.doc_id: a for a in stored.articles}
        self._stats: CorpusStats | None = None
        self._doc_rows: dict[str, list[int]] | None = None
        self._outline = functools.lru_cache(maxsize=OUTLINE_CACHE)(self._read_outline)
        self._rows = {p.id: row for row, p in enumerate(stored.passages)}
        # the squashed text of a passage (exact-term boost), kept for the passages seen recently
        self._squashed = functools.lru_cache(maxsize=SQUASHED_CACHE)(lambda row: squash(stored.passages[row].text))
        self._pairs = functools.lru_cache(maxsize=PAIRS_CACHE)(lambda row: char_bigrams(stored.passages[row].tokens))
        self._line_labels = functools.lru_cache(maxsize=SQUASHED_CACHE)(  # folded, as questions are
            lambda row: tuple(fold(label) for label in line_labels(stored.passages[row].text))
        )
        self._furniture = functools.lru_cache(maxsize=SQUASHED_CACHE)(  # a title over its byline too
            lambda row: is_furniture(stored.passages[row].text) or is_byline(stored.passages[row].text)
        )
        if expand is None:
            known: Callable[[str], bool] = lambda t: self.stats().known(t)  # noqa: E731
            expand = _chain(
                _glossary_expander(stored, known),
                _synonym_expander(known),
                _homophone_expander(stored, known),
                _numeral_expander(known) if NUMERALS else None,
            )
        self._expand = expand
        self._expansions = functools.lru_cache(maxsize=EXPANSION_CACHE)(self._expansion_groups)
        self._translated = _translated_words(stored)
        self._topic_center: bytes = b""  # the center the cached topic matrix was made with
        self._topic_matrix = np.zeros((0, 0), np.float32)

    @classmethod
    def open(
        cls,
        index_dir: Path,
        encoder: Encoder,
        *,
        tokenizer: Tokenizer | None = None,
        segmenter: dict[str, Any] | None = None,
        fusion: FusionParams = DEFAULT_FUSION,
    ) -> Searcher:
        """Load the index and check it was built with ``encoder``'s model and the current segmenter.

        ``tokenizer`` / ``segmenter`` default to ``ingest.segment.tokenize`` / ``segmenter_fingerprint()``.
        Raises ``IndexMissingError`` or ``IndexMismatchError`` (messages say to run ``sousei build``).
        """
        if tokenizer is None or segmenter is None:
            from ingest.segment import segmenter_fingerprint, tokenize

            tokenizer = tokenizer or tokenize
            segmenter = segmenter if segmenter is not None else segmenter_fingerprint()
        stored = load_store(Path(index_dir))
        check_compatible(
            stored.manifest,
            model_id=encoder.model_id,
            model_dim=int(encoder.dim),
            model_fingerprint=encoder.fingerprint,
            segmenter=segmenter,
        )
        asked = load_asked(str(encoder.fingerprint)) if ASKED else None
        return cls(index_dir, stored, encoder, tokenizer, fusion, asked=asked)

    # ------------------------------------------------------------------ accessors

    @property
    def manifest(self) -> Manifest:
        return self._stored.manifest

    @property
    def fingerprint(self) -> str:
        """The embedding model's fingerprint (what a fitted answer decision is tied to)."""
        return str(self.encoder.fingerprint)

    def stats(self) -> CorpusStats:
        """Document frequencies of the passages' search tokens, computed once per opened index."""
        if self._stats is None:
            self._stats = CorpusStats.from_token_lists(p.tokens for p in self._stored.passages)
        return self._stats

    def series_asked(self, text: str, doc_ids: Iterable[str]) -> SeriesAsked:
        """The numbered heading series of the articles ``doc_ids`` that ``text`` asks for whole
        (哪三大目標), or the item of them it asks for (第二個目標); none when it counts no noun
        those articles count (index.series). An article's outline is read on the first such
        question about it."""
        docs = [doc for doc in dict.fromkeys(doc_ids) if doc in self._articles]
        words = lambda word: [t for group in self.expansion_tokens(word) for t in group]  # noqa: E731
        outlines = lambda: [self._outline(doc) for doc in docs]  # noqa: E731
        asked = series_asked(text, outlines, fold, words)
        return asked if asked.series or not PROSE_SERIES else prose_series_asked(fold(text), outlines)

    def _read_outline(self, doc_id: str) -> Outline:
        if self._doc_rows is None:
            self._doc_rows = {}
            for row, p in enumerate(self._stored.passages):
                self._doc_rows.setdefault(p.doc_id, []).append(row)
        passages = sorted((self._stored.passages[row] for row in self._doc_rows.get(doc_id, [])), key=lambda p: p.start)
        return replace(outline_of(doc_id, passages, fold), prose=prose_series(passages, doc_id, fold))

    @property
    def glossary(self) -> tuple[GlossaryEntry, ...]:
        """The articles' own bilingual pairs stored with the index (ingest.glossary)."""
        return self._stored.glossary

    @property
    def passages(self) -> list[Passage]:
        return self._stored.passages

    def passage(self, passage_id: str) -> Passage | None:
        """The passage with this id, or None when the index has none."""
        row = self._rows.get(passage_id)
        return None if row is None else self._stored.passages[row]

    def sentence_vectors(self, passage_id: str) -> SentenceVectors:
        """The stored vectors of a passage's sentences (embedded at build time, never at question
        time). Raises ``KeyError`` for an id not in the index."""
        return self._stored.sentences.of(self._rows[passage_id])

    def query_vector(self, query: str) -> np.ndarray:
        """The question's vector as :meth:`search` computes it (float32, ``(dim,)``); with the query
        cache of a served encoder, asking again after ``search`` costs a dictionary look-up."""
        text = " ".join((query or "").split())[:SEARCH_MAX_CHARS]
        vector: np.ndarray = np.asarray(self.encoder.encode_queries([text]), dtype=np.float32)[0]
        return vector

    def topic_similarity(self, query_vector: np.ndarray, center: np.ndarray) -> float | None:
        """How close a question is to the articles' subject: the best cosine between the question's
        vector and the passages encoded as questions, both with ``center`` (the mean vector of
        everyday questions, fitted with the answer decision) taken away. Questions share a
        question-like direction that hides their subject; without it, a question on an unrelated
        subject stands apart. None with no passages."""
        if not len(self._stored.topics):
            return None
        key = np.asarray(center, dtype=np.float32).tobytes()
        if self._topic_center != key:
            self._topic_matrix = _unit_rows(np.asarray(self._stored.topics[:], dtype=np.float32) - center)
            self._topic_center = key
        question = _unit_rows((np.asarray(query_vector, dtype=np.float32) - center)[None, :])[0]
        return float(np.max(self._topic_matrix @ question))

    def articles(self) -> list[Article]:
        return sorted(self._articles.values(), key=lambda a: a.doc_id)

    def article(self, doc_id: str) -> Article:
        try:
            return self._articles[doc_id]
        except KeyError:
            raise UnknownArticleError(
                f"索引中沒有代號為 {doc_id!r} 的文章（可能已被移除；請重新整理文章列表）"
            ) from None

    def is_stale(self) -> bool:
        """True when the index on disk is no longer the one loaded (a rebuild swapped in)."""
        path = index_paths(self.index_dir).live / MANIFEST_FILE
        try:
            build_id = json.loads(path.read_text(encoding="utf-8")).get("build_id")
        except (OSError, ValueError):
            return True
        return bool(build_id != self.manifest.build_id)

    # ------------------------------------------------------------------ search

    def search(self, query: str, top_k: int = 5, mode: str = "hybrid") -> list[Hit]:
        """The ``top_k`` best passages for ``query``; ``mode`` is "hybrid", "dense" or "bm25"."""
        if mode not in MODES:
            raise ValueError(f"unknown search mode {mode!r}; expected one of {MODES}")
        began = time.perf_counter()
        self.timings = {"encode_ms": 0.0, "dense_ms": 0.0, "bm25_ms": 0.0, "fusion_ms": 0.0, "search_ms": 0.0}
        text = " ".join((query or "").split())[:SEARCH_MAX_CHARS]
        if not text or top_k <= 0 or not self.passages:
            return []
        pool = max(self.fusion.candidates, top_k)
        candidates = self._candidates(text, pool, mode)
        start = time.perf_counter()
        hits = self._rank(text, candidates, top_k, mode)
        self.timings["fusion_ms"] = _ms(start)
        self.timings["search_ms"] = _ms(began)  # the whole call, stages and what lies between them
        return hits

    def _candidates(self, text: str, pool: int, mode: str) -> _Candidates:
        dense_ids = np.zeros(0, np.int64)
        query_vector = None
        if mode != "bm25":
            start = time.perf_counter()
            query_vector = self.query_vector(text)
            self.timings["encode_ms"] = _ms(start)
            start = time.perf_counter()
            _, dense_ids = self._stored.dense.search(query_vector, pool)
            self.timings["dense_ms"] = _ms(start)
        all_bm25 = np.zeros(len(self.passages), np.float32)
        bm25_ids = np.zeros(0, np.int64)
        if mode != "dense":
            start = time.perf_counter()
            all_bm25 = self.keyword_scores(text)
            bm25_ids = _top_positive_ids(all_bm25, pool)
            self.timings["bm25_ms"] = _ms(start)
        candidates = self._align(dense_ids, bm25_ids, query_vector, all_bm25)
        if mode == "hybrid" and asked_terms.TERMS_WEIGHT and self._asked is not None and len(candidates.ids):
            extra = self._asked_term_scores(text, candidates)
            if extra is not None:
                with_terms = all_bm25 + extra
                expanded = self._align(dense_ids, _top_positive_ids(with_terms, pool), query_vector, with_terms)
                own_rank = _positions(expanded.ids, bm25_ids)
                candidates = replace(expanded, own_bm25=all_bm25[expanded.ids], own_bm25_rank=own_rank)
        return candidates

    def _asked_term_scores(self, text: str, cand: _Candidates) -> np.ndarray | None:
        """``TERMS_WEIGHT`` × the BM25 of the question over the earlier questions' words
        (index.asked.AskedTerms), when each of the ``TERMS_NEAR`` best candidates without them is in
        an article some earlier question is about and the question names no article's author; None
        otherwise, or when that adds nothing. A question that brings an article no earlier question
        is about (an added one) near the top is left as it is: with the words added for every
        question, the blind questions about the Taiwan article came first 0.810 -> 0.740, and with
        them decided by the best candidate alone, What are the five arrows of Taiwan's regional
        revitalization? lost the added article it asks about (its passage was third). An entry
        worded as the question is left out when ``leave_out_asked`` is set."""
        assert self._asked is not None
        fused = fuse(cand.dense, cand.bm25, cand.dense_rank, cand.bm25_rank, self.fusion)
        leaders = cand.ids[np.lexsort((cand.ids, -cand.dense, -fused))[: asked_terms.TERMS_NEAR]]
        if any(self.passages[int(i)].doc_id not in self._asked_docs for i in leaders):
            return None
        if self._names_author(text) or ordinal_items(text):
            return None  # an item asked by position (第三個…) is the series' to place (index.prose)
        leave_out = self._asked.worded_as(text) if self.leave_out_asked else []
        scores = self._asked_terms.scores(self._tokenize(text), leave_out)
        return asked_terms.TERMS_WEIGHT * scores.astype(np.float32) if scores.any() else None

    def _names_author(self, text: str) -> bool:
        """The question names an article's author (謝子涵): it asks of the byline, which other
        readers' words would put behind the text they asked about (作者謝子涵還寫過哪些文章 was then
        quoted a paragraph as 可能相關 instead of being told the articles have only the byline)."""
        folded = fold(text)
        return any(fold(name) in folded for name in self.authors)

    def asked_closeness(self, query: str, doc_ids: Iterable[str]) -> tuple[float, float] | None:
        """How close the question is to an earlier unanswerable question and to an earlier answered
        one (index.asked.AskedMemory.closest), for the found decision. None without a memory, or
        when one of ``doc_ids`` (the best passages' articles) is one no earlier question is about:
        the memory knows what the articles it was made on leave unanswered, not what an added one
        answers. With ``leave_out_asked``, the question's wording and its batch are left out."""
        if self._asked is None or any(doc_id not in self._asked_docs for doc_id in doc_ids):
            return None
        leave_out = query if self.leave_out_asked else ""
        return self._asked.closest(self.query_vector(query), self._asked_usable, leave_out)

    @functools.cached_property
    def _asked_usable(self) -> np.ndarray:
        """The entries that count: the unanswerable ones, and answered ones whose passage is indexed."""
        assert self._asked is not None
        return np.array([bool(rows) or not e.answered for e, rows in zip(self._asked.entries, self._asked_rows)], bool)

    @functools.cached_property
    def _asked_docs(self) -> frozenset[str]:
        """The articles some earlier question of the memory is about (as indexed now)."""
        return frozenset(self.passages[row].doc_id for rows in self._asked_rows for row in rows)

    def expansion_tokens(self, text: str) -> list[list[str]]:
        """The tokens of each text the expansion hook (by default the index's glossary) adds for
        ``text``, without the question's own tokens; empty groups dropped. Kept for the texts seen
        recently: a question's keyword search and its sentence ranking both ask for them."""
        return [list(group) for group in self._expansions(text)]

    def _expansion_groups(self, text: str) -> tuple[tuple[str, ...], ...]:
        if self._expand is None:
            return ()
        own = set(self._tokenize(text))
        groups = [
            tuple(t for t in dict.fromkeys(self._tokenize(extra)) if t not in own) for extra in self._expand(text)
        ]
        return tuple(group for group in groups if group)

    def keyword_scores(self, text: str) -> np.ndarray:
        """BM25 of every passage for ``text``, plus, for each expansion, the BM25 of its tokens in
        the passages that hold all of them (a name is matched whole, not word by word), scaled so
        that one expanded term weighs about one question word (``EXPANSION_WEIGHT`` / token count).
        English words an article's pair translates (``_translated_words``) count through their
        Chinese term only."""
        keyword = self._stored.keyword
        translated = self._translated(text) if self._translated is not None else frozenset()
        scores = keyword.scores([token for token in self._tokenize(text) if token not in translated])
        for group in self.expansion_tokens(text):
            has_all = np.logical_and.reduce([keyword.scores([token]) > 0 for token in group])
            scores = scores + np.where(has_all, keyword.scores(group) * (EXPANSION_WEIGHT / len(group)), 0.0)
        return np.asarray(scores, dtype=np.float32)

    def _align(
        self, dense_ids: np.ndarray, bm25_ids: np.ndarray, query_vector: np.ndarray | None, all_bm25: np.ndarray
    ) -> _Candidates:
        ids = np.array(list(dict.fromkeys(dense_ids.tolist() + bm25_ids.tolist())), dtype=np.int64)
        dense = (
            self._stored.vectors[ids] @ query_vector
            if query_vector is not None and len(ids)
            else np.zeros(len(ids), np.float32)
        )
        return _Candidates(
            ids,
            np.asarray(dense, np.float32),
            all_bm25[ids],
            _positions(ids, dense_ids),
            _positions(ids, bm25_ids),
            query_vector,
        )

    def _rank(self, text: str, cand: _Candidates, top_k: int, mode: str) -> list[Hit]:
        params = self.fusion if mode == "hybrid" else replace(self.fusion, method=mode, boost=0.0)
        boost = self._boost(text, cand.ids) if params.boost else None
        fused = fuse(cand.dense, cand.bm25, cand.dense_rank, cand.bm25_rank, params, boost)
        if mode == "hybrid" and params.sentence_weight and cand.query_vector is not None and len(fused):
            top = np.lexsort((cand.ids, -cand.dense, -fused))[: params.sentence_depth]
            overlap = self._overlap(text, cand.ids[top]) if params.bigram_weight else None
            best = self._best_sentences(cand.ids[top], cand.query_vector)
            fused = sentence_rerank(fused, best, top, params.sentence_weight, overlap, params.bigram_weight)
        if mode == "hybrid" and self._asked is not None and cand.query_vector is not None and len(fused):
            leader = int(cand.ids[np.lexsort((cand.ids, -cand.dense, -fused))[0]])
            leave_out = text if self.leave_out_asked else ""
            doc_id = self.passages[leader].doc_id
            fused = fused + self._asked_boost(cand.ids, cand.query_vector, doc_id, leave_out, numbers(text))
        order = np.lexsort((cand.ids, -cand.dense, -fused))
        if mode == "hybrid" and BYLINES_FIRST and self.asks_for_byline(text):
            order = self._bylines_first(text, cand.ids, order)
        elif mode == "hybrid" and FURNITURE_GIVES_WAY and not asks_credit(text):
            order = self._furniture_gives_way(cand.ids, order)
        if mode == "hybrid" and SERIES_FIRST:
            order = self._series_first(text, cand.ids, order)
        return [self._hit(cand, int(i), rank, float(fused[i]), mode) for rank, i in enumerate(order[:top_k], 1)]

    @property
    def asked(self) -> AskedMemory | None:
        """The questions asked before that this searcher uses (index.asked), or None."""
        return self._asked

    def use_asked(self, memory: AskedMemory | None) -> None:
        """Search with ``memory`` as the questions asked before from now on (None: without any)."""
        self._asked = memory
        self.__dict__.pop("_asked_rows", None)
        self.__dict__.pop("_asked_terms", None)
        self.__dict__.pop("_asked_docs", None)
        self.__dict__.pop("_asked_usable", None)

    @functools.cached_property
    def _asked_rows(self) -> list[tuple[int, ...]]:
        return self._asked.rows(self.passages, self.articles()) if self._asked is not None else []

    @functools.cached_property
    def _asked_terms(self) -> AskedTerms:
        entries = self._asked.entries if self._asked is not None else ()
        tokens = [
            [t for t in self._tokenize(e.question) if asked_terms.term_word(t)] if e.answered else [] for e in entries
        ]
        return AskedTerms.build(tokens, self._asked_rows, len(self.passages))

    def _asked_boost(
        self, ids: np.ndarray, query_vector: np.ndarray, doc_id: str, leave_out: str, asked_numbers: frozenset[str]
    ) -> np.ndarray:
        """What the questions asked before (index.asked) add to each candidate's fused score: only
        to passages of ``doc_id``, the article of the best candidate without them. An earlier
        question reorders that article's passages but never moves a question to another article:
        a question about an article added later, worded like a seed question, stays with it (with
        the other article's questions only, the right passage came first 0.846 -> 0.783 of the train
        split's questions about one seed; with this rule 0.846)."""
        assert self._asked is not None
        boosts = self._asked.boosts(query_vector, self._asked_rows, leave_out, asked_numbers)
        passages = self.passages
        return np.array(
            [boosts.get(int(row), 0.0) if passages[int(row)].doc_id == doc_id else 0.0 for row in ids],
            dtype=np.float64,
        )

    def _furniture_gives_way(self, ids: np.ndarray, order: np.ndarray) -> np.ndarray:
        """``order`` with the passages made only of captions, reference lines or bylines
        (ingest.furniture) moved after all the others, each group keeping its order."""
        furniture = np.array([self._furniture(int(ids[i])) for i in order], dtype=bool)
        return np.concatenate([order[~furniture], order[furniture]]) if furniture.any() else order

    def _series_first(self, text: str, ids: np.ndarray, order: np.ndarray) -> np.ndarray:
        """``order`` with the passages of the series (or series item) the question asks for moved
        first, the best-ranked series first, its passages in article order. Only a series of an
        article of the best passages (``index.series.ARTICLES``) counts, and only when all its
        passages are candidates."""
        docs = [self.passages[int(ids[i])].doc_id for i in order[:ARTICLES]]
        position = {int(ids[i]): n for n, i in enumerate(order)}
        series = [s for s in self.series_asked(text, docs).series if not s.members or self._near(s.members, position)]
        wanted = [[self._rows[item.passage_id] for item in s.items] for s in series]
        if not wanted or any(row not in position for rows in wanted for row in rows):
            return order
        wanted.sort(key=lambda rows: min(position[row] for row in rows))
        first = list(dict.fromkeys(position[row] for rows in wanted for row in rows))
        return np.concatenate([order[first], np.delete(order, first)])

    def _near(self, passage_ids: Sequence[str], position: dict[int, int]) -> bool:
        """One of the passages is among the first PROSE_DEPTH of the ranked candidates."""
        return any(position.get(self._rows.get(i, -1), PROSE_DEPTH) < PROSE_DEPTH for i in passage_ids)

    @functools.cached_property
    def authors(self) -> tuple[str, ...]:
        """The names the articles' bylines give ("作者 謝子涵 …" → 謝子涵), read once."""
        bylines = (p.text for p in self._stored.passages if is_byline(p.text))
        return tuple(dict.fromkeys(name for text in bylines if (name := byline_author(text.splitlines()[-1:]))))

    def asks_for_byline(self, text: str) -> bool:
        """The question asks who wrote an article (作者是誰) or who a byline's author is (謝子涵是誰)."""
        return asks_author(text) or any(asks_about_author(text, name) for name in self.authors)

    def _bylines_first(self, text: str, ids: np.ndarray, order: np.ndarray) -> np.ndarray:
        """``order`` with the articles' bylines ("作者 謝子涵 …") moved before all the others: a
        question asking who wrote the article (作者是誰) is answered by them, whatever else it names.
        Among them, the bylines of the articles whose titles share the most character pairs with the
        question come first (神山町那篇文章的作者是誰: the byline of 神山町的衛星辦公室, not a
        better-scored byline of another article), else they keep their order."""
        byline = np.array([is_byline(self.passages[int(ids[i])].text) for i in order], dtype=bool)
        if not byline.any():
            return order
        asked = char_bigrams([fold(text)])
        shared = np.array([len(asked & self._title_pairs(int(ids[i]))) for i in order[byline]])
        bylines = order[byline][np.argsort(-shared, kind="stable")]
        return np.concatenate([bylines, order[~byline]])

    def _title_pairs(self, row: int) -> frozenset[str]:
        return char_bigrams([fold(self.passages[row].title)])

    def _boost(self, text: str, ids: np.ndarray) -> np.ndarray | None:
        """Per candidate: the share of the question's rare exact terms (numbers, Latin names) it
        holds, plus 1 when it is the list item the question points at ("第6項"), plus 1 when it
        holds the table row the question quotes a label of ("「人」這一列"), plus 1 when a line of
        it opens with a label the question names ("區域別：…" for "区域别包括哪些地区")."""
        rows = ids.tolist()
        labelled = labelled_line_match(fold(text), [self._line_labels(i) for i in rows]) if LABEL_BOOST else None
        terms, items, quoted = exact_terms(text), ordinal_items(text), quoted_labels(text)
        if not terms and not items and not quoted and not mentions_table(text):
            return labelled if labelled is not None and labelled.any() else None
        texts = [self.passages[i].text for i in rows]
        labels = list(dict.fromkeys([*quoted, *named_row_labels(text, texts, fold)]))
        boost = rare_term_boost(terms, texts, squashed=[self._squashed(i) for i in rows])
        if items:
            boost = boost + numbered_item_match(items, [self.passages[i].search_text for i in rows])
        if labels:
            boost = boost + table_row_match(labels, texts, fold)
        return boost if labelled is None else boost + labelled

    def _overlap(self, text: str, rows: np.ndarray) -> np.ndarray:
        """The share of the question's character pairs each passage row holds (fusion.bigram_overlap)."""
        stats = self.stats()
        pairs = char_bigrams(self._tokenize(text))
        return bigram_overlap(pairs, [self._pairs(row) for row in rows.tolist()], stats.bigram_idf)

    def _best_sentences(self, rows: np.ndarray, query_vector: np.ndarray) -> np.ndarray:
        """The best stored sentence cosine of each passage row (its own cosine if it has none)."""
        table = self._stored.sentences
        best = np.empty(len(rows), np.float32)
        for n, row in enumerate(rows.tolist()):
            begin, end = int(table.offsets[row]), int(table.offsets[row + 1])
            best[n] = (
                float((table.vectors[begin:end] @ query_vector).max())
                if end > begin
                else float(self._stored.vectors[row] @ query_vector)
            )
        return best

    def _hit(self, cand: _Candidates, i: int, rank: int, score: float, mode: str) -> Hit:
        bm25 = cand.bm25 if cand.own_bm25 is None else cand.own_bm25
        ranks = cand.bm25_rank if cand.own_bm25_rank is None else cand.own_bm25_rank
        dense_rank, bm25_rank = int(cand.dense_rank[i]), int(ranks[i])
        return Hit(
            passage=self.passages[int(cand.ids[i])],
            score=score,
            rank=rank,
            dense_score=None if mode == "bm25" else float(cand.dense[i]),
            dense_rank=dense_rank or None,
            bm25_score=None if mode == "dense" or bm25[i] <= 0 else float(bm25[i]),
            bm25_rank=bm25_rank or None,
        )


def _glossary_expander(stored: StoredIndex, known: Callable[[str], bool]) -> Expander | None:
    """English / Latin names in a question → the articles' own terms for them (ingest.glossary);
    a question with kana also gets them for its Japanese words (katakana, and kanji words the
    corpus lacks: ``known``), through their English glosses (ingest.japanese, whose dictionary is
    opened on the first such question)."""
    if not stored.glossary:
        return None
    from ingest.glossary import GlossaryMatcher

    english = GlossaryMatcher(stored.glossary).expansions
    japanese: list[Expander] = []

    def expand(question: str) -> list[str]:
        found = english(question)
        if _KANA.search(question):
            if not japanese:
                from ingest.japanese import JapaneseExpander

                japanese.append(JapaneseExpander(english, known=known))
            found = list(dict.fromkeys([*found, *japanese[0](question)]))
        return found

    return expand


def _translated_words(stored: StoredIndex) -> Callable[[str], frozenset[str]] | None:
    """A question's English words that the articles' own pairs translate whole (not the
    dictionary's glosses): :meth:`ingest.glossary.GlossaryMatcher.translated_words`."""
    articles = {article.doc_id for article in stored.articles}
    pairs = [entry for entry in stored.glossary if entry.doc_id in articles]
    if not pairs:
        return None
    from ingest.glossary import GlossaryMatcher

    return functools.lru_cache(maxsize=EXPANSION_CACHE)(GlossaryMatcher(pairs).translated_words)


def _synonym_expander(known: Callable[[str], bool]) -> Expander:
    """Chinese content terms of a question (ingest.terms: frame words left out) that the articles never
    use → their synonyms that they do use (ingest.thesaurus: 同義詞詞林, read on the first question
    that has such a term). A Japanese question is left to ingest.japanese."""
    from ingest.terms import question_terms  # the one definition of a question's content terms
    from ingest.thesaurus import SynonymExpander

    synonyms = SynonymExpander(known, question_terms)
    return lambda question: [] if _KANA.search(question) else synonyms(question)


def _homophone_expander(stored: StoredIndex, known: Callable[[str], bool]) -> Expander | None:
    """Chinese words of a question that are a homophone typo of the articles' words (總物省 →
    總務省; ingest.homophones). A Japanese question is left to ingest.japanese."""
    if not HOMOPHONES:
        return None
    from ingest.homophones import HomophoneExpander
    from ingest.segment import in_dictionary, stopwords
    from ingest.terms import question_terms

    vocabulary = lambda: (t for p in stored.passages for t in p.tokens)  # noqa: E731
    homophones = HomophoneExpander(vocabulary, known, question_terms, in_dictionary, stopwords)
    return lambda question: [] if _KANA.search(question) else homophones(question)


_NUMERAL_TERM = re.compile(r"^(?P<n>[一二三四五六七八九十]{1,3}|\d{1,2})(?P<rest>[\u4e00-\u9fff]+)$")


def numeral_variant(term: str, known: Callable[[str], bool]) -> str | None:
    """``term`` as the articles write it when they count in the other kind of numeral: 三密 → 3密
    (the articles' 注意3密), 3支箭 → 三支箭; None when ``term`` itself is known or no variant is."""
    match = None if known(term) else _NUMERAL_TERM.match(term)
    if match is None:
        return None
    n, rest = match.group("n"), match.group("rest")
    value = int(n) if n.isdigit() else numbers_by_numeral().get(n)
    if not value:
        return None
    other = chinese_numeral(value) + rest if n.isdigit() else f"{value}{rest}"
    return other if known(other) else None


def _numeral_expander(known: Callable[[str], bool]) -> Expander:
    """A question's term counting in Chinese numerals that the articles write in digits, or the other
    way round (:func:`numeral_variant`; a tester's 三密是什么 was refused)."""
    from ingest.terms import question_terms

    def expand(question: str) -> list[str]:
        variants = (numeral_variant(term, known) for term in question_terms(question))
        return [variant for variant in variants if variant is not None]

    return expand


def _chain(*expanders: Expander | None) -> Expander | None:
    """One expander giving what each of ``expanders`` gives, each text once (None when there are none)."""
    present = [e for e in expanders if e is not None]
    if not present:
        return None
    return lambda question: list(dict.fromkeys(text for e in present for text in e(question)))


def _unit_rows(rows: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return np.asarray(rows / np.where(norms > 0, norms, 1.0), dtype=np.float32)


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 3)


def _top_positive_ids(scores: np.ndarray, k: int) -> np.ndarray:
    from index.bm25 import top_positive

    return top_positive(scores, k)[1]


def _positions(ids: np.ndarray, ranked: np.ndarray) -> np.ndarray:
    """1-based position of each id in ``ranked``, 0 where absent."""
    where = {int(r): pos for pos, r in enumerate(ranked.tolist(), 1)}
    return np.array([where.get(int(i), 0) for i in ids], dtype=np.int64)
