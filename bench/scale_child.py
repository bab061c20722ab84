"""One dense index at one size, in its own process (so its peak RSS is its own).

    python -m bench.scale_child --n 100000 --kind hnsw --queries 200 --out DIR

Vectors and queries are synthetic, from ``bench.ann_bench`` (clustered, like real
sentence embeddings); the same ``--seed`` gives the same vectors in every child. Prints
one JSON line; writes the result ids to ``DIR/ids-N-KIND.npy`` for recall in the parent.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np


def child_rss_mb() -> float:
    import psutil

    return round(psutil.Process().memory_info().rss / (1024 * 1024), 1)


def run(n: int, kind: str, queries: int, seed: int, spread: float, out: Path) -> dict:
    from bench.ann_bench import clustered_vectors, noisy_queries, timed_search
    from index.dense import DenseIndex

    rng = np.random.default_rng(seed)
    vectors = clustered_vectors(n, rng, spread=spread)
    query_vectors = noisy_queries(vectors, queries, rng)
    before = child_rss_mb()
    start = time.perf_counter()
    index = DenseIndex.build(vectors, exact_max=n if kind == "flat" else 0)
    build_s = time.perf_counter() - start
    del vectors
    after = child_rss_mb()
    ids, times = timed_search(index, query_vectors)
    np.save(out / f"ids-{n}-{kind}.npy", np.stack([np.pad(i, (0, 10 - len(i)), constant_values=-1) for i in ids]))
    size = index.save(out).stat().st_size
    return {
        "n": n,
        "kind": index.kind,
        "build_s": round(build_s, 2),
        "p50_ms": round(float(np.median(times)), 3),
        "p95_ms": round(float(np.percentile(times, 95)), 3),
        "rss_before_build_mb": before,
        "rss_after_build_mb": after,
        "index_file_mb": round(size / (1024 * 1024), 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, required=True)
    parser.add_argument("--kind", choices=("flat", "hnsw"), required=True)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--spread", type=float, default=1.0)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    print(json.dumps(run(args.n, args.kind, args.queries, args.seed, args.spread, args.out)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
