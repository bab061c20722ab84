"""Warm ``ask`` latency in one process: the model and index loaded, then ≥ 100 questions.

Each question goes through ``Engine.answer`` (what the CLI and UI call). The split comes from
``Engine.timings`` (query encoding, dense search, BM25, fusion, the whole search); answer
composition is the rest of ``answer`` (sentence
splitting and scoring, sentence vectors, abstention, citations). ``total_cpu`` is the
process's CPU time per ask (all threads): on a shared machine it separates cost from waiting.
"""

from __future__ import annotations

import time
from pathlib import Path

from bench.measure import elapsed_ms, summarize
from ingest.fileio import read_jsonl

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
WARMUP = ("暖身問題：地方創生是什麼？", "warm-up question about regional revitalisation", "補助金")
STAGES = ("encode", "dense", "bm25", "fusion", "compose", "search_other", "total", "total_cpu")


def load_questions(data_dir: Path = DATA) -> list[str]:
    """Every distinct ``q`` of the JSON-lines question sets in ``tests/data`` (file order)."""
    questions: dict[str, None] = {}
    for path in sorted(Path(data_dir).glob("*.jsonl")):
        for row in read_jsonl(path):
            text = row.get("q")
            if isinstance(text, str) and text.strip():
                questions.setdefault(text.strip(), None)
    return list(questions)


def make_engine(index_dir: Path, corpus_dir: Path, encoder):
    from chat.config import Config
    from chat.engine import Engine
    from index.model.encoder import QueryCachingEncoder
    from index.model.factory import unwrap

    config = Config.load(index_dir=str(index_dir), corpus_dir=str(corpus_dir))
    # an empty query cache per run: questions asked by an earlier section must be encoded again
    return Engine.with_encoder(config, QueryCachingEncoder(unwrap(encoder)), say=lambda _m: None)


def split_one(engine, question: str) -> dict:
    """Milliseconds of one ``answer`` by stage (the search's own from ``Engine.timings``)."""
    cpu = time.process_time()
    start = time.perf_counter()
    engine.answer(question)
    total = elapsed_ms(start)
    cpu_ms = (time.process_time() - cpu) * 1000
    t = engine.timings()
    parts = {
        "encode": t.get("encode_ms", 0.0),
        "dense": t.get("dense_ms", 0.0),
        "bm25": t.get("bm25_ms", 0.0),
        "fusion": t.get("fusion_ms", 0.0),
    }
    search = t.get("search_ms", 0.0)
    parts["search_other"] = max(0.0, search - sum(parts.values()))
    parts["compose"] = max(0.0, total - search)
    parts["total"] = total
    parts["total_cpu"] = cpu_ms
    return parts


def warm_ask(index_dir: Path, corpus_dir: Path, encoder, questions: list[str]) -> dict:
    """p50/p95 per stage over ``questions`` (after opening the index and three warm-up asks)."""
    engine = make_engine(index_dir, corpus_dir, encoder)
    start = time.perf_counter()
    manifest = engine.manifest()  # opens the index
    open_ms = elapsed_ms(start)
    for text in WARMUP:
        engine.answer(text)
    rows = [split_one(engine, q) for q in questions]
    return {
        "questions": len(rows),
        "passages": manifest.passages,
        "dense_kind": manifest.dense_kind,
        "open_index_ms": round(open_ms, 1),
        "stages_ms": {stage: summarize([r[stage] for r in rows]) for stage in STAGES},
    }
