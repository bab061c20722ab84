"""Exact vs approximate dense search on synthetic vectors (not a test).

Measures, on this machine, single-query latency of ``IndexFlatIP`` at several sizes
and, for ``IndexHNSWFlat`` (inner product), build time, latency and recall@10
against exact search for several ``efSearch`` values. The vectors are synthetic:
embedding 100k real passages would take hours on 2 CPU cores. Two generators:

* ``--sample real.npy``: a Gaussian with the mean and covariance of real passage
  embeddings (the realistic case); queries are fresh draws from the same Gaussian;
* default: random cluster centres plus noise (``--spread``; 3+ is close to uniform
  on the sphere, the worst case for graph indexes); queries are noisy corpus vectors.

    python bench/ann_bench.py [--sample real.npy] [--sizes 2000,10000,100000] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from index.dense import DenseIndex, HNSWParams  # noqa: E402

DIM = 384
K = 10


@dataclass
class FlatRow:
    n: int
    p50_ms: float
    p95_ms: float


@dataclass
class HnswRow:
    n: int
    m: int
    ef_construction: int
    ef_search: int
    build_s: float
    p50_ms: float
    p95_ms: float
    recall_at_10: float


def clustered_vectors(
    n: int, rng: np.random.Generator, dim: int = DIM, per_cluster: int = 50, spread: float = 0.6
) -> np.ndarray:
    centres = rng.standard_normal((max(1, n // per_cluster), dim)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    noise = rng.standard_normal((n, dim)).astype(np.float32) * (spread / np.sqrt(dim))
    vectors = centres[rng.integers(0, len(centres), n)] + noise
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def fitted_gaussian(sample: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """Draws from a Gaussian with the mean and covariance of real embeddings ``sample`` (m, dim)."""
    mean = sample.mean(axis=0)
    _, singular, basis = np.linalg.svd(sample - mean, full_matrices=False)
    scale = (singular / np.sqrt(max(1, len(sample) - 1)))[:, None] * basis
    draws = mean + rng.standard_normal((n, len(singular))).astype(np.float32) @ scale
    draws = draws.astype(np.float32)
    return draws / np.linalg.norm(draws, axis=1, keepdims=True)


def noisy_queries(vectors: np.ndarray, count: int, rng: np.random.Generator, noise: float = 0.5) -> np.ndarray:
    picks = vectors[rng.integers(0, len(vectors), count)]
    queries = picks + rng.standard_normal(picks.shape).astype(np.float32) * (noise / np.sqrt(picks.shape[1]))
    return queries / np.linalg.norm(queries, axis=1, keepdims=True)


def timed_search(index: DenseIndex, queries: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    results, times = [], []
    for query in queries:
        start = time.perf_counter()
        _, ids = index.search(query, K)
        times.append((time.perf_counter() - start) * 1000)
        results.append(ids)
    return results, np.array(times)


def recall_at_k(approx: list[np.ndarray], exact: list[np.ndarray]) -> float:
    hits = [len(set(a.tolist()) & set(e.tolist())) / max(1, len(e)) for a, e in zip(approx, exact)]
    return float(np.mean(hits))


def bench_flat(vectors: np.ndarray, queries: np.ndarray) -> tuple[FlatRow, list[np.ndarray]]:
    index = DenseIndex.build(vectors, exact_max=len(vectors))
    results, times = timed_search(index, queries)
    row = FlatRow(len(vectors), round(float(np.median(times)), 3), round(float(np.percentile(times, 95)), 3))
    return row, results


def bench_hnsw(
    vectors: np.ndarray, queries: np.ndarray, exact: list[np.ndarray], params: HNSWParams, ef_values: list[int]
) -> list[HnswRow]:
    start = time.perf_counter()
    index = DenseIndex.build(vectors, exact_max=0, hnsw=params)
    build_s = time.perf_counter() - start
    rows = []
    for ef in ef_values:
        index.set_ef_search(ef)
        results, times = timed_search(index, queries)
        rows.append(
            HnswRow(
                len(vectors),
                params.m,
                params.ef_construction,
                ef,
                round(build_s, 2),
                round(float(np.median(times)), 3),
                round(float(np.percentile(times, 95)), 3),
                round(recall_at_k(results, exact), 4),
            )
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,5000,10000,20000,50000,100000")
    parser.add_argument("--hnsw-sizes", default="10000,100000")
    parser.add_argument("--ef", default="32,64,96,128,256")
    parser.add_argument("--m", type=int, default=HNSWParams.m)
    parser.add_argument("--ef-construction", type=int, default=HNSWParams.ef_construction)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument(
        "--spread",
        type=float,
        default=1.0,
        help="noise around cluster centres (larger = harder, 3+ is close to uniform)",
    )
    parser.add_argument(
        "--sample",
        type=Path,
        default=None,
        help="real embeddings (.npy, m x dim): corpus and queries are drawn from a Gaussian "
        "fitted to them instead of synthetic clusters",
    )
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)

    rng = np.random.default_rng(0)
    sizes = [int(s) for s in args.sizes.split(",")]
    hnsw_sizes = {int(s) for s in args.hnsw_sizes.split(",")}
    ef_values = [int(e) for e in args.ef.split(",")]
    params = HNSWParams(m=args.m, ef_construction=args.ef_construction)
    flat_rows, hnsw_rows = [], []
    sample = np.load(args.sample).astype(np.float32) if args.sample else None
    for n in sizes:
        if sample is not None:
            vectors = fitted_gaussian(sample, n, rng)
            queries = fitted_gaussian(sample, args.queries, rng)
        else:
            vectors = clustered_vectors(n, rng, spread=args.spread)
            queries = noisy_queries(vectors, args.queries, rng)
        flat, exact = bench_flat(vectors, queries)
        flat_rows.append(flat)
        print(f"flat  n={n:>7}  p50={flat.p50_ms:7.3f} ms  p95={flat.p95_ms:7.3f} ms", flush=True)
        if n in hnsw_sizes:
            for row in bench_hnsw(vectors, queries, exact, params, ef_values):
                hnsw_rows.append(row)
                print(
                    f"hnsw  n={n:>7}  M={row.m} efC={row.ef_construction} ef={row.ef_search:>4}  "
                    f"build={row.build_s:6.1f} s  p50={row.p50_ms:7.3f} ms  p95={row.p95_ms:7.3f} ms  "
                    f"recall@10={row.recall_at_10:.4f}",
                    flush=True,
                )
    source = (
        f"Gaussian fitted to {len(sample)} real embeddings ({args.sample.name})"
        if sample is not None
        else f"synthetic, clustered (spread {args.spread})"
    )
    report = {
        "dim": DIM,
        "k": K,
        "queries": args.queries,
        "vectors": source,
        "flat": [asdict(r) for r in flat_rows],
        "hnsw": [asdict(r) for r in hnsw_rows],
    }
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
