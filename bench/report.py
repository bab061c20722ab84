"""The benchmark's results as targets, a printed table and a JSON file."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ingest.fileio import atomic_write_text


@dataclass(frozen=True)
class Target:
    name: str
    limit: float
    unit: str
    higher_is_better: bool = False

    def check(self, measured: float | None) -> dict:
        met = (
            None if measured is None else (measured >= self.limit if self.higher_is_better else measured <= self.limit)
        )
        sign = "≥" if self.higher_is_better else "≤"
        return {"name": self.name, "target": f"{sign} {self.limit:g} {self.unit}", "measured": measured, "met": met}


TARGETS = {
    "warm_ask_p50_seed_ms": Target("warm ask p50, seed corpus", 15, "ms"),
    "warm_ask_p95_seed_ms": Target("warm ask p95, seed corpus", 25, "ms"),
    "peer_ratio_p50": Target("warm ask p50 / peer baseline p50 (same run)", 0.5, "x"),
    "batch_per_question_ms": Target("ask --batch: warm ms per question", 20, "ms"),
    "warm_ask_p50_large_ms": Target("warm ask p50, large index", 35, "ms"),
    "recall_at_10_largest": Target("HNSW recall@10 vs exact, largest size", 0.95, "", higher_is_better=True),
    "add_one_ratio": Target("add one article / full rebuild", 0.05, "(1/20)"),
    "cold_ask_s": Target("cold start of sousei ask (p50)", 2.5, "s"),
    "seed_build_s": Target("full seed build", 15, "s"),
    "server_rss_large_mb": Target("server peak RSS, large index", 1229, "MB"),
}


def _get(data: dict, *path: str):
    for key in path:
        if not isinstance(data, dict) or data.get(key) is None:
            return None
        data = data[key]
    return data


def _largest_recall(results: dict) -> float | None:
    rows = [r for r in _get(results, "dense_scale", "rows") or [] if r.get("kind") == "hnsw"]
    return max(rows, key=lambda r: r["n"])["recall_at_10"] if rows else None


def _cold_seconds(results: dict) -> float | None:
    p50 = _get(results, "cold_ask", "first_answer_s", "p50")
    return None if p50 is None else round(p50 / 1000, 3)


def measured_for_targets(results: dict) -> dict:
    return {
        "warm_ask_p50_seed_ms": _get(results, "warm_seed", "stages_ms", "total", "p50"),
        "warm_ask_p95_seed_ms": _get(results, "warm_seed", "stages_ms", "total", "p95"),
        "peer_ratio_p50": _get(results, "peer_seed", "ratio_p50"),
        "batch_per_question_ms": _get(results, "batch_seed", "per_question_ms"),
        "seed_build_s": _get(results, "seed_build", "full", "seconds"),
        "warm_ask_p50_large_ms": _get(results, "warm_large", "stages_ms", "total", "p50"),
        "recall_at_10_largest": _largest_recall(results),
        "add_one_ratio": _get(results, "add_one", "ratio"),
        "cold_ask_s": _cold_seconds(results),
        "server_rss_large_mb": _get(results, "server_large", "peak_rss_mb"),
    }


def evaluate_targets(results: dict) -> list[dict]:
    measured = measured_for_targets(results)
    return [dict(TARGETS[key].check(value), key=key) for key, value in measured.items()]


# --------------------------------------------------------------------------- table


def _fmt(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip(".") if abs(value) < 100 else f"{value:,.1f}"
    return str(value)


def stage_rows(label: str, warm: dict | None) -> list[tuple[str, str]]:
    if not warm:
        return []
    rows = [
        (f"{label}: questions / passages / dense", f"{warm['questions']} / {warm['passages']} / {warm['dense_kind']}")
    ]
    for stage, stats in warm["stages_ms"].items():
        rows.append((f"{label}: {stage} ms p50 / p95", f"{_fmt(stats['p50'])} / {_fmt(stats['p95'])}"))
    return rows


def peer_rows(results: dict) -> list[tuple[str, str]]:
    rows = []
    peer = results.get("peer_seed")
    if peer:
        rows.append(
            (
                "same run: sousei ask ms p50 / p95",
                f"{_fmt(peer['sousei_ms']['p50'])} / {_fmt(peer['sousei_ms']['p95'])}",
            )
        )
        rows.append(
            ("same run: peer baseline ms p50 / p95", f"{_fmt(peer['peer_ms']['p50'])} / {_fmt(peer['peer_ms']['p95'])}")
        )
        rows.append(("sousei / peer: p50 / p95", f"{_fmt(peer['ratio_p50'])} / {_fmt(peer['ratio_p95'])}"))
    batch = results.get("batch_seed")
    if batch:
        rows.append(
            ("ask --batch: ms per question (questions)", f"{_fmt(batch['per_question_ms'])} ({batch['questions']})")
        )
    return rows


def build_rows(results: dict) -> list[tuple[str, str]]:
    rows = []
    seed = results.get("seed_build")
    if seed:
        full = seed["full"]
        rows.append(("seed full build s (passages)", f"{_fmt(full['seconds'])} ({full['passages']})"))
        rows.append(("seed unchanged rebuild s", _fmt(seed["unchanged_rebuild"]["seconds"])))
    add = results.get("add_one")
    if add:
        rows.append(
            (
                f"{add['articles']} articles: full build s (passages)",
                f"{_fmt(add['full']['seconds'])} ({add['full']['passages']})",
            )
        )
        rows.append(("add one article s (median)", _fmt(add["add_seconds"])))
        rows.append(("add one / full rebuild", _fmt(add["ratio"])))
    return rows


def scale_rows(results: dict) -> list[tuple[str, str]]:
    scale = results.get("dense_scale")
    if not scale:
        return []
    return [
        (
            f"dense {r['n']:,} {r['kind']}: p50/p95 ms, build s, peak MB, recall@10",
            f"{_fmt(r['p50_ms'])}/{_fmt(r['p95_ms'])}, {_fmt(r['build_s'])}, {_fmt(r['peak_rss_mb'])}, "
            f"{_fmt(r['recall_at_10'])}",
        )
        for r in scale["rows"]
    ]


def process_rows(results: dict) -> list[tuple[str, str]]:
    rows = []
    if results.get("model_load_s") is not None:
        rows.append(("model load in process s", _fmt(results["model_load_s"])))
    cold = results.get("cold_ask")
    if cold:
        rows.append(
            (
                "cold ask: first answer s p50 (runs)",
                f"{_fmt(cold['first_answer_s']['p50'] / 1000)} ({cold['first_answer_s']['n']})",
            )
        )
        rows.append(("cold ask: CPU s (user+sys, median run)", _fmt(cold.get("cpu_s_p50"))))
        rows.append(("cold ask: peak RSS MB", _fmt(cold["peak_rss_mb"])))
    for key, label in (("server_seed", "UI seed"), ("server_large", "UI large")):
        server = results.get(key)
        if server:
            rows.append(
                (f"{label}: ready s / first answer s", f"{_fmt(server['ready_s'])} / {_fmt(server['first_answer_s'])}")
            )
            rows.append(
                (f"{label}: peak RSS MB / after MB", f"{_fmt(server['peak_rss_mb'])} / {_fmt(server['rss_after_mb'])}")
            )
            rows.append((f"{label}: warm UI answer ms p50", _fmt(server["warm_ui_ms"]["p50"])))
    for step in (results.get("memory_large") or {}).get("steps", []):
        rows.append((f"memory large: {step['step']} (RSS MB, delta)", f"{_fmt(step['VmRSS'])} ({step['delta_mb']:+})"))
    return rows


def table_lines(results: dict) -> list[str]:
    rows = (
        process_rows(results)
        + stage_rows("warm seed", results.get("warm_seed"))
        + peer_rows(results)
        + build_rows(results)
        + scale_rows(results)
        + stage_rows("warm large", results.get("warm_large"))
    )
    width = max((len(name) for name, _ in rows), default=10)
    lines = [f"{name:<{width}}  {value}" for name, value in rows]
    lines.append("")
    for target in results.get("targets", []):
        status = {True: "met", False: "NOT MET", None: "not measured"}[target["met"]]
        lines.append(
            f"target {target['name']:<40} {target['target']:<14} measured {_fmt(target['measured']):<10} {status}"
        )
    for note in results.get("meta", {}).get("notes", []):
        lines.append(f"note: {note}")
    return lines


def write_json(results: dict, out: Path) -> Path:
    """Write ``results`` to ``out`` (via a temporary file, then a rename)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out, json.dumps(results, ensure_ascii=False, indent=1) + "\n")
    return out
