"""Where a served index's memory goes: resident-set deltas per loaded component, in a fresh process.

``python -m bench.memory INDEX_DIR [--questions N] [--fake]`` loads what ``sousei serve`` loads, one
component at a time, and prints the RSS after each (VmRSS, split into anonymous and file-backed
pages, from ``/proc/self/status``): the server's imports (Gradio, FAISS, bm25s), the query
encoder (tokenizer and onnxruntime session), then each part of the index loaded on its own
(passages, articles, passage and sentence vectors, the FAISS index, BM25), released, and the
index opened as it is served, with its corpus statistics, then ``N`` questions answered
(jieba's dictionary loads on the first). The last row's VmRSS is the serving figure; allocator
reuse makes each delta depend on what was freed before it, so the order is fixed.
:func:`memory_breakdown` runs it as a subprocess for the benchmark.
"""

from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
import time
from pathlib import Path

from bench.measure import child_env, python_cmd

FIELDS = ("VmRSS", "RssAnon", "RssFile", "VmHWM")


def status_mb() -> dict[str, float]:
    values = {}
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            key = line.split(":")[0]
            if key in FIELDS:
                values[key] = round(int(line.split()[1]) / 1024, 1)
    return values


class Steps:
    def __init__(self) -> None:
        self.rows: list[dict] = []
        self._last = status_mb()["VmRSS"]

    def __call__(self, name: str) -> None:
        gc.collect()
        now = status_mb()
        self.rows.append({"step": name, "delta_mb": round(now["VmRSS"] - self._last, 1), **now})
        self._last = now["VmRSS"]


def _encoder(fake: bool):
    if fake:
        from bench.encoders import fake_encoder

        return fake_encoder()
    from chat.config import DEFAULT_MODEL, Config
    from index.model.factory import load_query_encoder, unwrap

    encoder = load_query_encoder(DEFAULT_MODEL, Config.load().model_cache)
    unwrap(encoder).runtime.result()  # type: ignore[attr-defined]  # the ONNX encoder's tokenizer and session
    return encoder


def _parts(index_dir: Path, step: Steps) -> list:
    """Each part of the index as ``index.store`` reads it, one at a time (kept until all are measured)."""
    from index import store
    from index.bm25 import KeywordIndex
    from index.dense import DenseIndex
    from index.mapped import load_rows
    from ingest.fileio import iter_jsonl

    parts: list = [[store.passage_from_dict(r) for r in iter_jsonl(index_dir / store.PASSAGES_FILE)]]
    step("passages (passages.jsonl, tokens interned)")
    parts.append([store.article_from_dict(r) for r in iter_jsonl(index_dir / store.ARTICLES_FILE)])
    step("articles (articles.jsonl)")
    parts += [load_rows(index_dir / store.VECTORS_FILE), store.SentenceTable.load(index_dir)]
    step("passage + sentence vectors (rows read on demand above 16 MB)")
    parts.append(DenseIndex.load(index_dir))
    step("FAISS index")
    parts.append(KeywordIndex.load(index_dir))
    step("BM25 (bm25s)")
    return parts


def measure(index_dir: Path, questions: int, fake: bool) -> dict:
    step = Steps()
    step("python + numpy")
    import bm25s  # noqa: F401
    import faiss  # noqa: F401
    import gradio  # noqa: F401

    import chat.ui  # noqa: F401

    step("imports: gradio, faiss, bm25s, chat.ui")
    encoder = _encoder(fake)
    step("query encoder (tokenizer + onnxruntime session)")
    from bench.warm import load_questions
    from chat.config import Config
    from chat.engine import Engine

    parts = _parts(Path(index_dir), step)
    del parts
    step("the parts above released")
    engine = Engine.with_encoder(Config.load(index_dir=str(index_dir)), encoder, say=lambda _m: None)
    searcher = engine.index()
    searcher.stats()
    step("the index opened as served (Searcher.open) + corpus statistics")
    begin = time.perf_counter()
    for question in load_questions()[:questions]:
        engine.answer(question)
    step(f"{questions} questions answered (jieba's dictionary on the first)")
    return {"passages": len(searcher.passages), "steps": step.rows, "ask_s": round(time.perf_counter() - begin, 1)}


def memory_breakdown(kind: str, index_dir: Path, questions: int = 100) -> dict:
    """:func:`measure` in a fresh interpreter (``kind`` "real" or "fake")."""
    command = python_cmd("-m", "bench.memory", str(index_dir), "--questions", str(questions))
    command += ["--fake"] if kind == "fake" else []
    from bench.encoders import ROOT

    out = subprocess.run(
        command, capture_output=True, text=True, env=child_env({}), cwd=str(ROOT), check=False, timeout=900
    )
    if out.returncode != 0:
        raise RuntimeError(f"bench.memory failed: {out.stderr[-1500:]}")
    result: dict = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.memory", description=__doc__.splitlines()[0])
    parser.add_argument("index_dir", type=Path)
    parser.add_argument("--questions", type=int, default=100)
    parser.add_argument("--fake", action="store_true", help="the tests' fake encoder (no model)")
    args = parser.parse_args(argv)
    result = measure(args.index_dir, args.questions, args.fake)
    for row in result["steps"]:
        print(f"{row['step']:64s} {row['VmRSS']:8.1f} MB  {row['delta_mb']:+8.1f}", file=sys.stderr)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
