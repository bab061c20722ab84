"""Warm per-question cost of ``sousei ask --batch``: a batch of N questions minus a batch of one,
divided by N - 1 (both in fresh processes, so start-up cancels out)."""

from __future__ import annotations

import json
from pathlib import Path

from bench.encoders import ROOT, cli_cmd
from bench.measure import child_env, load_average, run_child


def _batch_seconds(kind: str, index_dir: Path, corpus_dir: Path, questions: list[str], path: Path) -> float:
    path.write_text(
        "".join(json.dumps({"id": str(i), "q": q}, ensure_ascii=False) + "\n" for i, q in enumerate(questions)),
        encoding="utf-8",
    )
    cmd = cli_cmd(kind, "ask", "--index", str(index_dir), "--corpus", str(corpus_dir), "--json", "--batch", str(path))
    result = run_child(cmd, cwd=ROOT, env=child_env())
    if result.returncode != 0 or len(result.lines) != len(questions):
        raise RuntimeError(f"ask --batch exited with {result.returncode}: {result.stderr[-1500:]}")
    return result.seconds


def batch_cost(kind: str, index_dir: Path, corpus_dir: Path, questions: list[str], work: Path) -> dict:
    """Marginal ms per question of one ``ask --batch`` process over ``questions``."""
    load_start = load_average()
    one = _batch_seconds(kind, index_dir, corpus_dir, questions[:1], Path(work) / "batch1.jsonl")
    many = _batch_seconds(kind, index_dir, corpus_dir, questions, Path(work) / "batchN.jsonl")
    per = (many - one) * 1000 / max(1, len(questions) - 1)
    return {
        "questions": len(questions),
        "one_s": round(one, 3),
        "all_s": round(many, 3),
        "per_question_ms": round(per, 2),
        "load": {"start": load_start, "end": load_average()},
    }
