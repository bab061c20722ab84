"""Runs the benchmark sections in order and collects their results in one dict."""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from bench.measure import load_average, machine_info

if TYPE_CHECKING:
    from bench.corpus import SeedText

SECTIONS = (
    "seed_build",
    "warm_seed",
    "peer_seed",
    "batch_seed",
    "cold_ask",
    "server_seed",
    "add_one",
    "dense_scale",
    "large_index",
    "warm_large",
    "memory_large",
    "server_large",
)


@dataclass(frozen=True)
class Sizes:
    questions: int | None  # warm questions on the seed index (None = all, ≥ 100)
    cold_runs: int
    import_profile: bool
    add_articles: int
    adds: int
    scale_sizes: tuple[int, ...]
    scale_queries: int
    large_passages: int
    large_questions: int | None
    server_questions: int


FULL = Sizes(
    questions=None,
    cold_runs=3,
    import_profile=True,
    add_articles=100,
    adds=2,
    scale_sizes=(10_000, 100_000),
    scale_queries=200,
    large_passages=100_000,
    large_questions=None,
    server_questions=6,
)
QUICK = Sizes(
    questions=12,
    cold_runs=1,
    import_profile=False,
    add_articles=4,
    adds=1,
    scale_sizes=(1_500,),
    scale_queries=20,
    large_passages=1_500,
    large_questions=8,
    server_questions=2,
)


@dataclass
class Options:
    sizes: Sizes
    encoder: str  # "real" or "fake"
    seed_corpus: Path
    work_dir: Path | None = None  # None = a temporary directory, removed at the end
    skip: tuple[str, ...] = ()
    say: Callable[[str], None] = print
    checkpoint: Callable[[dict], object] | None = None  # called with the results after each section


@dataclass
class Context:
    options: Options
    work: Path
    encoder: object = None
    seed: SeedText | None = None

    @property
    def seed_index(self) -> Path:
        return self.work / "seed-index"

    @property
    def large_index(self) -> Path:
        return self.work / "large-index"


def _questions(limit: int | None) -> list[str]:
    from bench.warm import load_questions

    questions = load_questions()
    return questions[:limit] if limit else questions


def section_seed_build(ctx: Context) -> dict:
    from bench.rebuild import seed_build

    return seed_build(ctx.options.seed_corpus, ctx.seed_index, ctx.encoder)


def section_warm_seed(ctx: Context) -> dict:
    from bench.warm import warm_ask

    return warm_ask(ctx.seed_index, ctx.options.seed_corpus, ctx.encoder, _questions(ctx.options.sizes.questions))


def section_peer_seed(ctx: Context) -> dict:
    from bench.peer import peer_vs_sousei

    return peer_vs_sousei(
        ctx.seed_index,
        ctx.options.seed_corpus,
        ctx.encoder,
        _questions(ctx.options.sizes.questions),
        ctx.options.encoder,
    )


def section_batch_seed(ctx: Context) -> dict:
    from bench.batch import batch_cost

    return batch_cost(
        ctx.options.encoder, ctx.seed_index, ctx.options.seed_corpus, _questions(ctx.options.sizes.questions), ctx.work
    )


def section_cold_ask(ctx: Context) -> dict:
    from bench.cold import cold_ask, import_profile

    result = cold_ask(ctx.options.encoder, ctx.seed_index, ctx.options.seed_corpus, ctx.options.sizes.cold_runs)
    if ctx.options.sizes.import_profile:
        result["slowest_imports_ms"] = import_profile(ctx.options.encoder, ctx.seed_index, ctx.options.seed_corpus)
    return result


def _server(ctx: Context, index_dir: Path) -> dict:
    from bench.server import serve_and_ask

    questions = _questions(ctx.options.sizes.server_questions)
    return serve_and_ask(ctx.options.encoder, index_dir, ctx.options.seed_corpus, questions, ctx.work)


def section_server_seed(ctx: Context) -> dict:
    return _server(ctx, ctx.seed_index)


def section_add_one(ctx: Context) -> dict:
    from bench.rebuild import add_one_vs_rebuild

    sizes = ctx.options.sizes
    assert ctx.seed is not None  # loaded with the encoder before any section runs
    return add_one_vs_rebuild(ctx.work, ctx.seed, ctx.encoder, sizes.add_articles, sizes.adds)


def section_dense_scale(ctx: Context) -> dict:
    from bench.scale import dense_scale

    return dense_scale(ctx.options.sizes.scale_sizes, ctx.options.sizes.scale_queries, ctx.work)


def section_large_index(ctx: Context) -> dict:
    from bench.bigindex import write_big_index

    assert ctx.seed is not None  # loaded with the encoder before any section runs
    return write_big_index(ctx.large_index, ctx.seed, ctx.encoder, ctx.options.sizes.large_passages)


def section_warm_large(ctx: Context) -> dict:
    from bench.warm import warm_ask

    questions = _questions(ctx.options.sizes.large_questions)
    return warm_ask(ctx.large_index, ctx.options.seed_corpus, ctx.encoder, questions)


def section_memory_large(ctx: Context) -> dict:
    from bench.memory import memory_breakdown

    return memory_breakdown(ctx.options.encoder, ctx.large_index, ctx.options.sizes.large_questions or 100)


def section_server_large(ctx: Context) -> dict:
    return _server(ctx, ctx.large_index)


RUNNERS = {name: globals()[f"section_{name}"] for name in SECTIONS}
NEEDS = {
    "warm_seed": "seed_build",
    "peer_seed": "seed_build",
    "batch_seed": "seed_build",
    "cold_ask": "seed_build",
    "server_seed": "seed_build",
    "warm_large": "large_index",
    "memory_large": "large_index",
    "server_large": "large_index",
}


def notes(options: Options) -> list[str]:
    out = [
        "dense_scale: vectors are synthetic (bench.ann_bench.clustered_vectors), not model embeddings",
        "large index: passage texts are seed sentences re-combined, passage vectors synthetic, "
        "question vectors from the encoder (latency and memory realistic, dense relevance not)",
        "add_one: the corpus is the seed articles' cleaned paragraphs re-cut and re-combined (bench/corpus.py)",
    ]
    if options.encoder == "fake":
        out.insert(0, "FAKE ENCODER (tests.fakes.FakeEncoder): model costs are absent; not comparable to targets")
    if options.sizes != FULL:
        out.insert(0, "QUICK RUN: tiny sizes; not comparable to targets")
    return out


def prepare(ctx: Context, results: dict) -> None:
    from bench.corpus import load_seed
    from bench.encoders import load_bench_encoder

    start = time.perf_counter()
    ctx.encoder = load_bench_encoder(ctx.options.encoder)
    results["model_load_s"] = round(time.perf_counter() - start, 2)
    ctx.seed = load_seed(ctx.options.seed_corpus)


def run_sections(ctx: Context, results: dict) -> None:
    for name in SECTIONS:
        skipped = name in ctx.options.skip or (NEEDS.get(name) and NEEDS[name] not in results)
        if skipped:
            ctx.options.say(f"[bench] {name}: skipped")
            continue
        ctx.options.say(f"[bench] {name} ... (load {load_average()})")
        start = time.perf_counter()
        load_start = load_average()
        results[name] = RUNNERS[name](ctx)
        if isinstance(results[name], dict):  # the machine load with every figure
            results[name].setdefault("load", {"start": load_start, "end": load_average()})
        results["meta"]["section_seconds"][name] = round(time.perf_counter() - start, 1)
        ctx.options.say(f"[bench] {name}: {results['meta']['section_seconds'][name]} s")
        if ctx.options.checkpoint is not None:
            ctx.options.checkpoint(results)


def run_benchmark(options: Options) -> dict:
    """Every section not skipped; the results dict (see docs/benchmarks.md for its keys)."""
    from bench.report import evaluate_targets

    work = Path(options.work_dir or tempfile.mkdtemp(prefix="sousei-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    results: dict = {
        "meta": {
            "started": datetime.now(UTC).isoformat(timespec="seconds"),
            "quick": options.sizes != FULL,
            "encoder": options.encoder,
            "sizes": asdict(options.sizes),
            "machine": machine_info(),
            "notes": notes(options),
            "section_seconds": {},
        }
    }
    try:
        ctx = Context(options, work)
        prepare(ctx, results)
        run_sections(ctx, results)
    finally:
        if options.work_dir is None:
            shutil.rmtree(work, ignore_errors=True)
    results["meta"]["seconds"] = round(time.perf_counter() - started, 1)
    results["meta"]["load_average_end"] = load_average()
    results["targets"] = evaluate_targets(results)
    return results
