"""The peer baseline: the plain hybrid pipeline a user would write instead of sousei, timed in the
same run, alternating question by question with ``Engine.ask`` on the same index.

Peer = sentence-transformers query encoding (``SentenceTransformer.encode`` on one torch thread,
its fastest setting for one question on a busy 2-core machine) + FAISS ``IndexFlatIP`` over the
index's stored passage vectors (same model, same passages) + bm25s over the same jieba tokens +
reciprocal-rank fusion (k = 60) of the top 50 of each; it returns the top 5 passages and composes no
answer. sousei's figure is a whole ``Engine.ask`` (search + quoted answer). Each row records the load
average when it was taken.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from bench.measure import elapsed_ms, load_average, summarize

RRF_K = 60
POOL = 50


class PeerPipeline:
    """sentence-transformers + FAISS + bm25s + RRF over an index's passages."""

    def __init__(self, index_dir: Path, encode_query: Callable[[str], np.ndarray]) -> None:
        import bm25s
        import faiss

        from index.store import load_store
        from ingest.segment import tokenize

        stored = load_store(Path(index_dir))
        self.passages = stored.passages
        self.encode_query = encode_query
        self.tokenize = tokenize
        self.dense = faiss.IndexFlatIP(int(stored.vectors.shape[1]))
        self.dense.add(np.ascontiguousarray(stored.vectors, dtype=np.float32))
        self.bm25 = bm25s.BM25()
        self.bm25.index([list(p.tokens) or [""] for p in self.passages], show_progress=False)

    def search(self, question: str, top_k: int = 5) -> list[str]:
        vector = np.asarray(self.encode_query(question), dtype=np.float32).reshape(1, -1)
        _, dense_ids = self.dense.search(vector, min(POOL, len(self.passages)))
        tokens = list(self.tokenize(question))
        scores = self.bm25.get_scores(tokens) if tokens else np.zeros(len(self.passages))  # bm25s fails on []
        bm25_ids = np.argsort(-scores)[:POOL]
        fused: dict[int, float] = {}
        for ranking in (dense_ids[0].tolist(), [int(i) for i in bm25_ids if scores[i] > 0]):
            for rank, row in enumerate(ranking, 1):
                fused[row] = fused.get(row, 0.0) + 1.0 / (RRF_K + rank)
        best = sorted(fused, key=lambda row: -fused[row])[:top_k]
        return [self.passages[row].id for row in best]


def st_query_encoder(model_cache: Path) -> Callable[[str], np.ndarray]:
    """Plain sentence-transformers encoding of a question (the model's "query: " prompt)."""
    import torch
    from sentence_transformers import SentenceTransformer

    from index.model.prepare import prepare_model

    torch.set_num_threads(1)
    model = SentenceTransformer(str(prepare_model(Path(model_cache)).path), device="cpu")
    return lambda q: model.encode([q], prompt_name="query", normalize_embeddings=True, show_progress_bar=False)[0]


def peer_vs_sousei(
    index_dir: Path, corpus_dir: Path, encoder, questions: list[str], kind: str, model_cache: Path | None = None
) -> dict:
    """Per question, ``Engine.ask`` then the peer pipeline, alternating; p50/p95 of each and the ratios."""
    from bench.encoders import fake_encoder
    from bench.warm import WARMUP, make_engine
    from chat.config import Config

    if kind == "fake":
        fake = fake_encoder()
        encode = lambda q: fake.encode_queries([q])[0]  # noqa: E731
    else:
        encode = st_query_encoder(model_cache or Config.load().model_cache)
    peer = PeerPipeline(index_dir, encode)
    engine = make_engine(index_dir, corpus_dir, encoder)  # with an empty query cache
    for text in WARMUP:
        engine.answer(text)
        peer.search(text)
    ours, theirs, loads = [], [], []
    for question in questions:
        start = time.perf_counter()
        engine.answer(question)
        ours.append(elapsed_ms(start))
        start = time.perf_counter()
        peer.search(question)
        theirs.append(elapsed_ms(start))
        load = load_average()
        loads.append(load[0] if load else None)
    a, b = summarize(ours), summarize(theirs)
    return {
        "questions": len(questions),
        "passages": len(peer.passages),
        "sousei_ms": a,
        "peer_ms": b,
        "ratio_p50": round(a["p50"] / b["p50"], 3) if b["p50"] else None,
        "ratio_p95": round(a["p95"] / b["p95"], 3) if b["p95"] else None,
        "load_1min": summarize([x for x in loads if x is not None]) if any(loads) else None,
        "peer": "sentence-transformers query + FAISS IndexFlatIP + bm25s (jieba tokens) + RRF k=60, top 5, "
        "no answer composition",
    }
