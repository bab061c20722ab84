"""No question worded as a held-out one is fitted on (chat.fit_decision.question_key): writers who
never saw each other's questions still write the same obvious ones, and a test split that shares
them with the fit measures less than it claims."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chat.fit_decision import held_out_keys, question_key, unanswerable_questions, without_held_out


def test_question_key_folds_width_case_spaces_and_punctuation():
    assert question_key("RESAS 的全名是什麼？") == question_key("resas的全名是什麼") == "resas的全名是什麼"
    assert question_key("ＲＥＳＡＳ?") == "resas"
    assert question_key("asdfghjkl;'") == question_key("asdfghjkl") == "asdfghjkl"
    assert question_key("明天台北會下雨嗎～") == "明天台北會下雨嗎"
    assert question_key("。") == "。" and question_key("？") == "?"  # punctuation only: itself (width folded)
    assert question_key("RESAS的全名") != question_key("RESAS的全名是什麼")  # only wording-alike, not similar


def test_held_out_keys_read_the_test_questions_and_the_files_the_patterns_match(tmp_path):
    (tmp_path / "fresh1.jsonl").write_text(json.dumps({"id": "a", "q": "DMO是什麼？", "gold": []}) + "\n", "utf-8")
    (tmp_path / "other.jsonl").write_text(json.dumps({"id": "b", "q": "你好", "gold": []}) + "\n", "utf-8")
    keys = held_out_keys([{"id": "t", "q": "RESAS", "gold": ["RESAS"]}], [str(tmp_path / "fresh*.jsonl")])
    assert keys == {"resas", "dmo是什麼"}


def test_a_held_out_pattern_that_matches_nothing_is_an_error_not_an_empty_set(tmp_path):
    with pytest.raises(FileNotFoundError, match="--held-out"):
        held_out_keys([], [str(tmp_path / "fresh*.jsonl")])


def test_the_default_held_out_files_are_found_from_any_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert len(held_out_keys([])) > 1000  # the everyday test set and the blind batches


def test_questions_worded_as_held_out_ones_are_left_out_and_the_others_kept():
    held = {question_key("RESAS的全名是什麼？"), question_key("hello")}
    train = [
        {"id": "1", "q": "RESAS 的全名是什麼", "gold": ["RESAS"]},
        {"id": "2", "q": "RESAS的全名是什麼？為什麼", "gold": ["RESAS"]},
        {"id": "3", "q": "Hello!", "gold": []},
    ]
    assert [q["id"] for q in without_held_out(train, held)] == ["2"]


def test_the_shipped_fit_data_shares_wording_with_the_held_out_sets_and_the_fit_leaves_it_out():
    from chat.evaluate import read_questions
    from chat.fit_decision import JUNK_FILE

    bank = read_questions(Path(__file__).parent / "data" / "qbank.jsonl")
    held = held_out_keys([q for q in bank if q.get("split") == "test"])
    offered = [q for q in bank if q.get("split") == "train"] + unanswerable_questions()
    offered += unanswerable_questions(JUNK_FILE, "junk")
    kept = without_held_out(offered, held)
    assert len(held) > 1500  # the test split, the everyday test set and the blind batches
    assert 150 < len(offered) - len(kept) < 300  # 218 when this was written: RESAS, 你好, asdfghjkl…
    assert not {question_key(q["q"]) for q in kept} & held
