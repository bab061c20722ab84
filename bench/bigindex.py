"""A large index on disk (e.g. 100k passages) without embedding every passage.

Passages are real seed text re-cut and re-combined (:func:`bench.corpus.synthetic_store_parts`)
with real search tokens (``ingest.segment.tokenize``); their *vectors are synthetic*
(``bench.ann_bench.clustered_vectors``): embedding 100k passages with the real model
would take hours on 2 cores. The manifest carries the benchmark encoder's model id,
dimension and fingerprint and the current segmenter, so ``Searcher.open`` (and the CLI and
UI) open it like any index; questions are encoded by the real model. Latency and memory
are realistic; dense relevance is not.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from bench.corpus import SeedText, synthetic_store_parts
from bench.rebuild import fresh_dir
from index.settings import IndexSettings

VECTORS_NOTE = (
    "passage text: seed sentences re-combined; passage vectors: synthetic "
    "(bench.ann_bench.clustered_vectors); sentence vectors: the passage's vector plus noise; "
    "query vectors: the real encoder"
)


def _sentence_vectors(passage_vectors: np.ndarray, spans: list, random_seed: int) -> np.ndarray:
    """Synthetic sentence vectors near their passage's vector (unit length, float32)."""
    rows = np.repeat(np.arange(len(spans)), [len(s) for s in spans])
    rng = np.random.default_rng(random_seed + 1)
    noisy = passage_vectors[rows] + rng.normal(0, 0.02, (len(rows), passage_vectors.shape[1])).astype(np.float32)
    return (noisy / np.linalg.norm(noisy, axis=1, keepdims=True)).astype(np.float32)


def add_one_dense(directory: Path, vectors: np.ndarray, dim: int, random_seed: int, new: int = 13) -> dict:
    """Adding one article (``new`` passages) to the stored dense index: ``DenseIndex.update`` on the
    graph read back from disk (what an incremental build does), vs the full build timed above."""
    from bench.ann_bench import clustered_vectors
    from index.dense import DenseIndex

    fresh = clustered_vectors(new, np.random.default_rng(random_seed + 7), dim=dim)
    begin = time.perf_counter()
    previous = DenseIndex.load(directory)
    load_s = time.perf_counter() - begin
    begin = time.perf_counter()
    updated = DenseIndex.update(
        previous, np.concatenate([np.arange(len(vectors)), -np.ones(new, np.int64)]), np.concatenate([vectors, fresh])
    )
    return {
        "add_one_dense_s": round(time.perf_counter() - begin, 3),
        "add_one_dense_load_s": round(load_s, 3),
        "add_one_kept_graph": updated.total == len(vectors) + new and updated.kind == "hnsw",
    }


def write_big_index(index_dir: Path, seed: SeedText, encoder, passages: int, random_seed: int = 0) -> dict:
    """Write an index of about ``passages`` passages to ``index_dir``; returns sizes and timings."""
    from bench.ann_bench import clustered_vectors
    from index.bm25 import BM25Params, KeywordIndex
    from index.build import make_manifest, passage_sentence_spans
    from index.dense import DenseIndex
    from index.store import SentenceTable, StoredIndex, write_store
    from ingest.segment import segmenter_fingerprint

    start = time.perf_counter()
    articles, cut = synthetic_store_parts(seed, passages, random_seed)
    text_s = time.perf_counter() - start
    vectors = clustered_vectors(len(cut), np.random.default_rng(random_seed), dim=int(encoder.dim))
    spans = passage_sentence_spans(cut)
    sentences = SentenceTable.from_lists(spans, _sentence_vectors(vectors, spans, random_seed))
    begin = time.perf_counter()
    dense = DenseIndex.build(vectors)
    dense_s = time.perf_counter() - begin
    begin = time.perf_counter()
    keyword = KeywordIndex.build([p.tokens for p in cut], BM25Params())
    bm25_s = time.perf_counter() - begin
    manifest = make_manifest(articles, cut, encoder, segmenter_fingerprint(), IndexSettings(), dense.kind, ())
    directory = fresh_dir(index_dir)
    directory.mkdir(parents=True)
    begin = time.perf_counter()
    # the passage vectors stand in for their encodings as questions (synthetic vectors either way)
    write_store(directory, StoredIndex(manifest, cut, articles, vectors, dense, keyword, sentences, vectors))
    write_s = time.perf_counter() - begin
    add = add_one_dense(directory, vectors, int(encoder.dim), random_seed)
    return {
        **add,
        "add_one_dense_ratio": round(add["add_one_dense_s"] / dense_s, 4) if dense_s else None,
        "passages": len(cut),
        "articles": len(articles),
        "dense_kind": dense.kind,
        "text_s": round(text_s, 1),
        "dense_build_s": round(dense_s, 1),
        "bm25_build_s": round(bm25_s, 1),
        "write_s": round(write_s, 1),
        "seconds": round(time.perf_counter() - start, 1),
        "disk_mb": round(sum(p.stat().st_size for p in directory.rglob("*") if p.is_file()) / 2**20, 1),
        "vectors": VECTORS_NOTE,
        "synthetic": True,
    }
