"""Dense search at scale: latency, build time and peak memory per index type, recall@10.

Each (size, index type) runs in its own child (:mod:`bench.scale_child`) so the peak RSS
is that index's alone (Python + numpy + FAISS + the vectors + the index). Recall@10 of
HNSW is measured against the exact ``IndexFlatIP`` results on the same synthetic
vectors (``bench.ann_bench.clustered_vectors``); the HNSW parameters are the ones
``index.dense`` uses.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bench.encoders import ROOT
from bench.measure import child_env, python_cmd, run_child

SPREAD = 1.0
VECTORS_NOTE = (
    "synthetic 384-d vectors from bench.ann_bench.clustered_vectors (clusters of 50, "
    f"spread {SPREAD}); queries are noisy copies of corpus vectors"
)


class ScaleChildError(RuntimeError):
    """A scale child failed; the message has its stderr tail."""


def run_one(n: int, kind: str, queries: int, out: Path) -> dict:
    cmd = python_cmd(
        "-m",
        "bench.scale_child",
        "--n",
        str(n),
        "--kind",
        kind,
        "--queries",
        str(queries),
        "--spread",
        str(SPREAD),
        "--out",
        str(out),
    )
    result = run_child(cmd, cwd=ROOT, env=child_env())
    if result.returncode != 0 or not result.lines:
        raise ScaleChildError(f"scale child n={n} kind={kind} failed: {result.stderr[-1500:]}")
    row = json.loads(result.lines[-1])
    row["peak_rss_mb"] = result.peak_rss_mb
    row["process_s"] = round(result.seconds, 1)
    return row


def recall_at_10(out: Path, n: int, kind: str) -> float:
    approx = np.load(out / f"ids-{n}-{kind}.npy")
    exact = np.load(out / f"ids-{n}-flat.npy")
    hits = [
        len(set(a[a >= 0].tolist()) & set(e[e >= 0].tolist())) / max(1, int((e >= 0).sum()))
        for a, e in zip(approx, exact)
    ]
    return round(float(np.mean(hits)), 4)


def dense_scale(sizes: Sequence[int], queries: int, work_dir: Path) -> dict:
    """Flat and HNSW at each size; recall@10 of HNSW vs flat."""
    from index.dense import EXACT_MAX_VECTORS, HNSWParams

    rows = []
    for n in sizes:
        out = Path(work_dir) / f"scale{n}"
        out.mkdir(parents=True, exist_ok=True)
        for kind in ("flat", "hnsw"):
            row = run_one(n, kind, queries, out)
            row["recall_at_10"] = 1.0 if kind == "flat" else recall_at_10(out, n, kind)
            rows.append(row)
    params = HNSWParams()
    return {
        "rows": rows,
        "queries": queries,
        "vectors": VECTORS_NOTE,
        "synthetic": True,
        "hnsw": {"m": params.m, "ef_construction": params.ef_construction, "ef_search": params.ef_search},
        "exact_max_vectors": EXACT_MAX_VECTORS,
    }
