"""The benchmark's quick run works and writes sane JSON (a smoke test, not a timed test).

``python -m bench --quick --encoder fake`` runs every section on tiny sizes with the fake
encoder (subprocesses use ``bench.fakecli``); one UI server start is skipped to keep the
test short. It starts subprocesses and a local Gradio server, so it is marked ``slow``.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bench.corpus import load_seed, write_corpus
from bench.measure import summarize
from bench.report import TARGETS, evaluate_targets
from chat.config import PROJECT_ROOT

STAGES = {"encode", "dense", "bm25", "fusion", "compose", "search_other", "total", "total_cpu"}


def test_summarize_median_and_p95():
    stats = summarize([float(x) for x in range(1, 101)])
    assert stats["n"] == 100 and stats["p50"] == 50.5 and 95 <= stats["p95"] <= 96
    assert summarize([])["p50"] is None


def test_corpus_is_deterministic_real_text(tmp_path, seed_corpus):
    seed = load_seed(seed_corpus)
    first = write_corpus(tmp_path / "a", seed, 3, random_seed=7)
    again = write_corpus(tmp_path / "b", seed, 3, random_seed=7)
    texts = [p.read_text(encoding="utf-8") for p in first]
    assert texts == [p.read_text(encoding="utf-8") for p in again]
    assert len(set(texts)) == 3
    seed_sentences = set(seed.sentences)
    for text in texts:
        for paragraph in text.strip().split("\n\n"):
            assert any(paragraph.startswith(sentence) for sentence in seed_sentences)


def test_targets_are_checked():
    results = {"warm_seed": {"stages_ms": {"total": {"p50": 12.0}}}, "add_one": {"ratio": 0.5}}
    checked = {t["key"]: t for t in evaluate_targets(results)}
    assert set(checked) == set(TARGETS)
    assert checked["warm_ask_p50_seed_ms"]["met"] is True
    assert checked["add_one_ratio"]["met"] is False
    assert checked["cold_ask_s"]["met"] is None


@pytest.mark.slow
def test_quick_benchmark_run_writes_sane_json(tmp_path):
    out = tmp_path / "quick.json"
    proc = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--encoder", "fake", "--out", str(out), "--skip", "server_large"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "target warm ask p50" in proc.stdout
    data = json.loads(out.read_text(encoding="utf-8"))

    assert data["meta"]["quick"] is True and data["meta"]["encoder"] == "fake"
    assert data["meta"]["machine"]["cores"] >= 1
    assert any("synthetic" in note for note in data["meta"]["notes"])

    seed = data["seed_build"]["full"]
    assert seed["passages"] > 50 and seed["embedded"] == seed["passages"] and seed["seconds"] > 0
    assert data["seed_build"]["unchanged_rebuild"]["embedded"] == 0

    warm = data["warm_seed"]
    assert warm["questions"] >= 10 and set(warm["stages_ms"]) == STAGES
    total = warm["stages_ms"]["total"]
    assert 0 < total["p50"] <= total["p95"] < 60_000

    peer = data["peer_seed"]  # the peer baseline, same run, same questions
    assert peer["questions"] == warm["questions"] and peer["passages"] == seed["passages"]
    assert 0 < peer["peer_ms"]["p50"]
    assert peer["ratio_p50"] == round(peer["sousei_ms"]["p50"] / peer["peer_ms"]["p50"], 3)
    assert 0 < data["batch_seed"]["one_s"] and data["batch_seed"]["questions"] == warm["questions"]
    assert all(len(data[name]["load"]["start"]) == 3 for name in ("warm_seed", "peer_seed", "batch_seed"))

    cold = data["cold_ask"]
    assert 0 < cold["first_answer_s"]["p50"] < 600_000 and cold["peak_rss_mb"] > 20

    add = data["add_one"]
    first_add = add["adds"][0]
    assert first_add["embedded"] > 0 and first_add["reused"] >= add["full"]["passages"]  # only new text embedded
    assert first_add["embedded"] + first_add["reused"] == first_add["passages"]
    assert 0 < add["ratio"] < 100

    rows = {(r["n"], r["kind"]): r for r in data["dense_scale"]["rows"]}
    assert {kind for _, kind in rows} == {"flat", "hnsw"}
    for row in rows.values():
        assert 0 < row["p50_ms"] <= row["p95_ms"] and row["peak_rss_mb"] > 20
        assert 0.0 <= row["recall_at_10"] <= 1.0

    assert data["large_index"]["synthetic"] is True and data["large_index"]["passages"] >= 1000
    assert data["warm_large"]["passages"] == data["large_index"]["passages"]

    server = data["server_seed"]
    assert 0 < server["ready_s"] <= server["first_answer_s"] and server["peak_rss_mb"] > 50
    assert "server_large" not in data

    targets = {t["key"]: t for t in data["targets"]}
    assert set(targets) == set(TARGETS)
    assert targets["server_rss_large_mb"]["met"] is None  # skipped section: not measured
    assert targets["warm_ask_p50_seed_ms"]["measured"] == total["p50"]
