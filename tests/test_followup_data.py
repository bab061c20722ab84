"""The two-turn dialogues: well-formed, gold inside the cleaned passages, hash-assigned splits,
test split frozen; and the tool that adds new dialogues (bench.followup_eval --add)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.followup_eval import DIALOGUES, add_dialogues, frozen_digest, hash_split, main, validate_dialogues
from ingest.fileio import read_jsonl
from ingest.pipeline import ingest_corpus

DATA = Path(__file__).parent / "data"
CORPUS = Path(__file__).parent.parent / "corpus"


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return [p.text for p in ingest_corpus(CORPUS).passages]


@pytest.fixture(scope="module")
def dialogues() -> list[dict]:
    return read_jsonl(DIALOGUES)


def test_dialogues_are_valid_and_their_gold_is_in_the_passages(dialogues, texts):
    assert len(dialogues) >= 120
    assert validate_dialogues(dialogues, texts) == []


def test_splits_follow_the_hash_of_the_id_as_the_question_bank_does(dialogues):
    bank = read_jsonl(DATA / "qbank.jsonl")
    assert all(hash_split(q["id"]) == q["split"] for q in bank if not q.get("train_only"))
    assert all(q["split"] == "train" for q in bank if q.get("train_only"))
    # the first 36 were split by position before the rule was written down (1-18 train)
    first = {f"w3d-{i}": "train" if i <= 18 else "test" for i in range(1, 37)}
    # a batch kept whole for tuning goes to train (--add --train-only): one written by the
    # tuner, or a blind one whose first read is reported before it is tuned on (w7)
    blind = [d for d in dialogues if not d.get("train_only")]
    assert all(d["split"] == first.get(d["id"], hash_split(d["id"])) for d in blind)
    assert all(d["split"] == "train" for d in dialogues if d.get("train_only"))
    test = sum(d["split"] == "test" for d in blind)
    assert 0.4 < test / len(blind) < 0.6


def test_test_split_is_frozen():
    """The held-out dialogues are never tuned on; their exact lines are pinned by this hash."""
    text = DIALOGUES.read_text(encoding="utf-8")
    assert frozen_digest(text) == (DATA / "dialogues.test.sha256").read_text(encoding="utf-8").split()[0]
    assert sum('"split": "test"' in line for line in text.splitlines()) >= 60


def test_the_validator_finds_what_is_wrong():
    bad = [
        {"id": "a", "split": "train", "turns": [{"q": "問", "gold": ["補助金"]}, {"q": "呢？", "gold": ["不存在"]}]},
        {"id": "a", "split": "dev", "turns": [{"q": "", "gold": ["補助金"]}, {"q": "呢？", "gold": []}]},
        {"id": "b", "split": "test", "turns": [{"q": "問", "gold": ["補助金"]}]},
    ]
    problems = validate_dialogues(bad, ["地方創生的補助金"])
    assert any("turn 2 gold '不存在' is in no passage" in p for p in problems)
    assert any("repeated" in p for p in problems) and any("split 'dev'" in p for p in problems)
    assert any("turn 1 has no question text" in p for p in problems)
    assert any("turn 2 has no gold" in p for p in problems) and any("b: not two turns" in p for p in problems)


def _write(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def test_adding_assigns_hash_splits_and_refuses_bad_batches_whole(tmp_path):
    dest, new = tmp_path / "d.jsonl", tmp_path / "new.jsonl"
    turns = [{"q": "補助金是什麼？", "gold": ["補助金"]}, {"q": "那呢？", "gold": ["地方創生"]}]
    _write(dest, [{"id": "old", "turns": turns, "split": "train"}])
    _write(new, [{"id": f"n{i}", "turns": turns, "split": "train"} for i in range(8)])  # a given split is ignored
    assert add_dialogues(new, dest, ["地方創生的補助金"]) == []
    rows = read_jsonl(dest)
    assert [r["split"] for r in rows[1:]] == [hash_split(f"n{i}") for i in range(8)]
    assert {r["split"] for r in rows[1:]} == {"train", "test"}
    before = dest.read_text(encoding="utf-8")
    _write(new, [{"id": "n0", "turns": turns}, {"id": "x", "turns": [turns[0], {"q": "呢？", "gold": ["沒有"]}]}])
    problems = add_dialogues(new, dest, ["地方創生的補助金"])
    assert any("n0: id repeated" in p for p in problems) and any("x: turn 2 gold" in p for p in problems)
    assert dest.read_text(encoding="utf-8") == before  # nothing written


def test_a_train_only_batch_goes_to_train_whole_and_leaves_the_test_split_alone(tmp_path):
    dest, new = tmp_path / "d.jsonl", tmp_path / "new.jsonl"
    turns = [{"q": "補助金是什麼？", "gold": ["補助金"]}, {"q": "那呢？", "gold": ["地方創生"]}]
    _write(dest, [{"id": "old", "turns": turns, "split": "test"}])
    digest = frozen_digest(dest.read_text(encoding="utf-8"))
    _write(new, [{"id": f"n{i}", "turns": turns, "split": "test"} for i in range(8)])
    assert any(hash_split(f"n{i}") == "test" for i in range(8))  # the hash alone would send some to test
    assert add_dialogues(new, dest, ["地方創生的補助金"], train_only=True) == []
    rows = read_jsonl(dest)[1:]
    assert [(r["split"], r["train_only"]) for r in rows] == [("train", True)] * 8
    assert frozen_digest(dest.read_text(encoding="utf-8")) == digest


def test_add_command_reports_problems_and_exits_1(tmp_path, capsys):
    dest, new = tmp_path / "d.jsonl", tmp_path / "new.jsonl"
    _write(dest, [])
    _write(new, [{"id": "x", "turns": [{"q": "問", "gold": ["這句不在文章裡"]}, {"q": "呢？", "gold": ["也不在"]}]}])
    assert main([str(dest), "--add", str(new)]) == 1
    assert "is in no passage" in capsys.readouterr().out and dest.read_text(encoding="utf-8") == ""


@pytest.mark.parametrize(
    "name",
    [
        "dialogues_fresh",
        "dialogues_fresh2",
        "dialogues_fresh3",
        "dialogues_fresh4",
        "dialogues_fresh6",
        "dialogues_fresh7",
        "dialogues_fresh8",
        "dialogues_fresh9",
        "dialogues_fresh10",
        "dialogues_fresh11",
        "dialogues_fresh12",
        "dialogues_fresh13",
        "dialogues_fresh14",
        "dialogues_fresh15",
    ],
)
def test_the_fresh_dialogues_are_valid_held_out_and_frozen(dialogues, texts, name):
    """Later blind batches (w6d, w8d, w9d, w10d, w12d, w13d, w14d, w15d, w17d, w18d, w20d, w22d, w24d,
    w28d), each in its own file: all held out, pinned by its hash."""
    path = DATA / f"{name}.jsonl"
    fresh = read_jsonl(path)
    assert (
        frozen_digest(path.read_text(encoding="utf-8"))
        == ((DATA / f"{name}.sha256").read_text(encoding="utf-8").split()[0])
    )
    assert len(fresh) >= 50 and {d["split"] for d in fresh} == {"test"}
    assert validate_dialogues(fresh, texts) == []
    assert not {d["id"] for d in fresh} & {d["id"] for d in dialogues}
