"""Hand-made passages and a small in-memory searcher for the chat unit tests.

The searcher mimics ``index.search.Searcher``: dense scores from the fake encoder,
keyword scores from token overlap, reciprocal-rank fusion, ``Hit`` records with both ranks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from chat.abstain import Signals
from index.records import Hit, SentenceVectors
from index.series import SeriesAsked, outline_of, series_asked
from ingest.passages import sentence_spans
from ingest.records import Article, ArticleMeta, Paragraph, Passage
from ingest.segment import fold, tokenize
from tests.fakes import FakeEncoder

DOC_A = "000_a"
DOC_B = "001_b"

PARAGRAPHS_A = [
    "日本於2014年通過了「城鎮・人口・工作創生法」，希望打造一億人活躍的強韌社會。",
    "總務省每年補助地方政府與相關組織企業合作。2012年只有2.3%的地方政府正著手推動相關政策。",
    "約有七成的地方政府認為地方財政嚴峻不易投資；再來是缺乏相關人才。",
]
PARAGRAPHS_B = [
    "由於COVID-19疫情肆虐，補助的預算在2020年達3兆日圓、2021年為1.5兆日圓。",
    "在疫情下，日本一直宣導要注意3密，也就是避免密閉空間、密集人群與密切接觸。",
    "地方可以透過補助金，加速GIGA School，讓學生都能有一人一台電腦裝置！",
]


def make_article(doc_id: str, title: str, paragraphs: Sequence[str], page: int | None = None) -> Article:
    paras, pos = [], 0
    for i, text in enumerate(paragraphs, start=1):
        paras.append(Paragraph(number=i, text=text, start=pos, end=pos + len(text), page=page))
        pos += len(text) + 2
    return Article(
        doc_id=doc_id,
        meta=ArticleMeta(title=title, published="2021-10-29", source=f"{doc_id}.txt"),
        text="\n\n".join(paragraphs),
        paragraphs=tuple(paras),
        content_hash="0" * 64,
    )


def article_passages(article: Article) -> list[Passage]:
    return [
        Passage(
            id=f"{article.doc_id}-{p.number}",
            doc_id=article.doc_id,
            title=article.meta.title,
            paragraph=p.number,
            page=p.page,
            start=p.start,
            end=p.end,
            text=p.text,
            tokens=tuple(tokenize(p.text)),
        )
        for p in article.paragraphs
    ]


def seed_articles() -> list[Article]:
    return [
        make_article(DOC_A, "日本地方創生與ICT", PARAGRAPHS_A),
        make_article(DOC_B, "地域未來構想20", PARAGRAPHS_B, page=2),
    ]


def _sentence_vectors(passage: Passage, encoder: FakeEncoder) -> SentenceVectors:
    spans = tuple(sentence_spans(passage.text))
    return SentenceVectors(spans, encoder.encode_passages([passage.text[a:b] for a, b in spans]))


class FakeSearcher:
    def __init__(self, articles: Sequence[Article], encoder: FakeEncoder | None = None):
        self.encoder = encoder or FakeEncoder()
        self._articles = {a.doc_id: a for a in articles}
        self.passages = [p for a in articles for p in article_passages(a)]
        self._vectors = self.encoder.encode_passages([p.text for p in self.passages])
        self._sentences = {p.id: _sentence_vectors(p, self.encoder) for p in self.passages}  # as a build stores them
        self._queries: dict[str, np.ndarray] = {}
        self.expansions: dict[str, list[list[str]]] = {}

    def query_vector(self, query: str) -> np.ndarray:
        if query not in self._queries:  # the served encoder's query cache
            self._queries[query] = self.encoder.encode_queries([query])[0]
        return self._queries[query]

    def sentence_vectors(self, passage_id: str) -> SentenceVectors:
        return self._sentences[passage_id]

    def topic_similarity(self, query_vector: np.ndarray, center: np.ndarray) -> float | None:
        """As ``index.search.Searcher.topic_similarity``: the passages encoded as questions."""
        if not self.passages:
            return None
        topics = self.encoder.encode_queries([p.text for p in self.passages]) - center
        question = query_vector - center
        norms = np.linalg.norm(topics, axis=1) * max(float(np.linalg.norm(question)), 1e-12)
        return float(np.max(topics @ question / np.where(norms > 0, norms, 1.0)))

    def asked_closeness(self, query: str, doc_ids) -> tuple[float, float] | None:
        """No questions asked before (``index.search.Searcher.asked_closeness`` without a memory)."""
        return None

    @property
    def fingerprint(self) -> str:
        return self.encoder.fingerprint

    def stats(self):
        from index.stats import CorpusStats

        return CorpusStats.from_token_lists(p.tokens for p in self.passages)

    def expansion_tokens(self, text: str) -> list[list[str]]:
        """The articles' words an expansion adds for ``text`` (``self.expansions``: question → groups)."""
        return [list(group) for group in self.expansions.get(text, [])]

    def series_asked(self, text: str, doc_ids: Iterable[str]) -> SeriesAsked:
        """As ``index.search.Searcher.series_asked``, over these passages."""
        docs = list(dict.fromkeys(doc_ids))
        return series_asked(
            text, lambda: [outline_of(d, [p for p in self.passages if p.doc_id == d], fold) for d in docs], fold
        )

    def articles(self) -> list[Article]:
        return list(self._articles.values())

    def article(self, doc_id: str) -> Article:
        return self._articles[doc_id]

    def _keyword_scores(self, query: str) -> np.ndarray:
        q = set(tokenize(query))
        return np.array([len(q & set(p.tokens)) for p in self.passages], dtype=np.float32)

    def search(self, query: str, top_k: int = 5) -> list[Hit]:
        if not self.passages:
            return []
        dense = self._vectors @ self.query_vector(query)
        kw = self._keyword_scores(query)
        d_order = list(np.argsort(-dense, kind="stable"))
        k_order = [i for i in np.argsort(-kw, kind="stable") if kw[i] > 0]
        fused: dict[int, float] = {}
        for rank, i in enumerate(d_order, start=1):
            fused[i] = fused.get(i, 0.0) + 1.0 / (60 + rank)
        for rank, i in enumerate(k_order, start=1):
            fused[i] = fused.get(i, 0.0) + 1.0 / (60 + rank)
        best = sorted(fused, key=lambda i: -fused[i])[:top_k]
        return [
            Hit(
                passage=self.passages[i],
                score=fused[i],
                rank=r,
                dense_score=float(dense[i]),
                dense_rank=d_order.index(i) + 1,
                bm25_score=float(kw[i]) if i in k_order else None,
                bm25_rank=k_order.index(i) + 1 if i in k_order else None,
            )
            for r, i in enumerate(best, start=1)
        ]


def _fake_decision():
    """A hand-set decision for the fake encoder (whose cosines are on another scale than the
    real model's): found when the best passages carry the question's terms; quotes ranked by
    term overlap, dense similarity and passage rank."""
    from chat.abstain import DecisionModel, LinearModel

    found = LinearModel(("coverage", "unknown"), (0.0, 0.0), (1.0, 1.0), (8.0, -4.0), -3.0)
    sentence = LinearModel(
        ("lexical", "dense_rel", "rank_inv", "lead_in", "follows_question"),
        (0.0,) * 5,
        (1.0,) * 5,
        (3.0, 4.0, 0.3, -0.3, 0.2),
        0.0,
    )
    return DecisionModel(found=found, found_at=0.5, maybe_at=0.5, sentence=sentence)


FAKE_DECISION = _fake_decision()


# The signals of a question the articles answer well (a shared starting point for decision tests).
ANSWERED = Signals(
    n_terms=3,
    coverage=0.9,
    unknown=0.0,
    unknown_terms=0,
    numbers_missing=0.0,
    dense_top=0.88,
    dense_gap=0.02,
    dense_spread=0.05,
    ranks_agree=True,
    sentence=0.8,
    sentence_dense=0.88,
    latin=0.0,
    letters=1.0,
    chars=12,
)
