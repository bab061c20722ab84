"""Cold start of ``sousei ask``: a fresh process from its start to the printed answer.

Measured as a subprocess (``python -m chat.cli ask --json``): the time to the first line
on stdout (the answer) and to exit, with the process's peak RSS. The UI's cold start is
in :mod:`bench.server`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.encoders import ROOT, cli_cmd
from bench.measure import child_env, run_child, summarize

COLD_QUESTION = "2021年的地方創生臨時補助金是多少？"


class ColdStartError(RuntimeError):
    """A cold-start child failed; the message has its stderr tail."""


def one_cold_ask(kind: str, index_dir: Path, corpus_dir: Path, question: str) -> dict:
    cmd = cli_cmd(kind, "ask", "--index", str(index_dir), "--corpus", str(corpus_dir), "--json", question)
    result = run_child(cmd, cwd=ROOT, env=child_env())
    if result.returncode != 0 or result.first_line_seconds is None:
        raise ColdStartError(f"cold ask exited with {result.returncode}: {result.stderr[-1500:]}")
    answer = json.loads(result.lines[0])
    return {
        "first_answer_s": round(result.first_line_seconds, 3),
        "exit_s": round(result.seconds, 3),
        "peak_rss_mb": result.peak_rss_mb,
        "cpu_s": result.cpu_s,
        "found": bool(answer.get("found")),
    }


def cold_ask(kind: str, index_dir: Path, corpus_dir: Path, runs: int, question: str = COLD_QUESTION) -> dict:
    """``runs`` cold asks in fresh processes (the first one also warms the OS file cache)."""
    rows = [one_cold_ask(kind, index_dir, corpus_dir, question) for _ in range(runs)]
    return {
        "runs": rows,
        "question": question,
        "first_answer_s": summarize([r["first_answer_s"] * 1000 for r in rows]),
        "peak_rss_mb": max(r["peak_rss_mb"] for r in rows),
        "cpu_s_p50": sorted(r["cpu_s"] for r in rows)[len(rows) // 2],
        "note": "first_answer_s is in milliseconds in the summary (p50/p95 over runs)",
    }


def import_profile(kind: str, index_dir: Path, corpus_dir: Path, top: int = 12) -> list[dict]:
    """The slowest top-level imports of a cold ``ask`` (``python -X importtime``), cumulative ms."""
    cmd = cli_cmd(kind, "ask", "--index", str(index_dir), "--corpus", str(corpus_dir), "--json", COLD_QUESTION)
    cmd.insert(1, "-X")
    cmd.insert(2, "importtime")
    result = run_child(cmd, cwd=ROOT, env=child_env())
    return slowest_imports(result.stderr, top)


def slowest_imports(stderr: str, top: int) -> list[dict]:
    """Parse ``-X importtime`` output: top-level imports (one leading space) by cumulative time."""
    rows: list[dict[str, Any]] = []
    for line in stderr.splitlines():
        parts = line[len("import time:") :].split("|") if line.startswith("import time:") else []
        if len(parts) != 3 or not parts[1].strip().isdigit():
            continue
        name = parts[2].rstrip()
        if len(name) - len(name.lstrip()) == 1:
            rows.append({"module": name.strip(), "ms": round(int(parts[1]) / 1000, 1)})
    return sorted(rows, key=lambda r: -r["ms"])[:top]
