"""Retrieval metrics: hits ignore whitespace, hit@k / MRR@10, per-mode comparison."""

from __future__ import annotations

import pytest

from index.evaluate import (
    compare_modes,
    evaluate_retrieval,
    first_hit_rank,
    format_table,
    is_hit,
    load_questions,
    summarise,
)
from index.records import Hit
from ingest.records import Passage


def _hit(text: str, rank: int) -> Hit:
    passage = Passage(id=f"p{rank}", doc_id="d", title="t", paragraph=1, page=None, start=0, end=len(text), text=text)
    return Hit(passage=passage, score=1.0 / rank, rank=rank)


class StubSearcher:
    """Returns fixed texts per question, whatever the mode."""

    def __init__(self, answers: dict[str, list[str]]) -> None:
        self.answers = answers
        self.modes: list[str] = []

    def search(self, query: str, top_k: int = 5, mode: str = "hybrid") -> list[Hit]:
        self.modes.append(mode)
        return [_hit(text, rank) for rank, text in enumerate(self.answers.get(query, [])[:top_k], 1)]


def test_is_hit_ignores_whitespace_both_sides():
    assert is_hit("導入IT、MyNaPoi\nnt、無現金", ["MyNaPoint"])
    assert is_hit("只有2.3%", ["只有 2.3%"])
    assert not is_hit("只有2.3%", ["5.9%"])
    assert not is_hit("anything", [])
    assert not is_hit("anything", ["  "])


def test_first_hit_rank():
    assert first_hit_rank(["a", "bb", "gold here"], ["gold"]) == 3
    assert first_hit_rank(["a"], ["gold"]) is None


def test_summarise():
    result = summarise([1, 2, None, 4])
    assert result == {
        "hit@1": 0.25,
        "hit@3": 0.5,
        "hit@5": 0.75,
        "mrr@10": round((1 + 0.5 + 0.25) / 4, 4),
        "questions": 4,
    }
    assert summarise([])["questions"] == 0
    assert summarise([11])["mrr@10"] == 0.0


def test_evaluate_retrieval_scores_and_negatives():
    questions = [
        {"id": "q1", "q": "one", "gold": ["A"], "kind": "keyword"},
        {"id": "q2", "q": "two", "gold": ["B", "C"], "kind": "number"},
        {"id": "q3", "q": "three", "gold": ["Z"], "kind": "keyword"},
        {"id": "n1", "q": "none", "gold": []},
    ]
    searcher = StubSearcher({"one": ["A x", "y"], "two": ["x", "y", "has C"], "three": ["x"], "none": ["x"]})
    result = evaluate_retrieval(searcher, questions)
    assert (result["hit@1"], result["hit@3"], result["questions"]) == (round(1 / 3, 4), round(2 / 3, 4), 3)
    assert [r["rank"] for r in result["per_question"]] == [1, 3, None]
    assert result["by_kind"]["keyword"]["hit@1"] == 0.5
    assert result["negatives"] == {"questions": 1, "top_scores": {"n1": 1.0}}


def test_compare_modes_runs_each_mode_and_formats():
    searcher = StubSearcher({"q": ["gold"]})
    results = compare_modes(searcher, [{"q": "q", "gold": ["gold"]}])
    assert list(results) == ["hybrid", "bm25", "dense"]
    assert set(searcher.modes) == {"hybrid", "bm25", "dense"}
    table = format_table(results)
    assert "hybrid" in table and "1.000" in table


def test_load_questions(tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_text('{"id": "a", "q": "x", "gold": []}\n\n{"id": "b", "q": "y", "gold": ["z"]}\n', encoding="utf-8")
    assert [q["id"] for q in load_questions(path)] == ["a", "b"]
    path.write_text('{"id": "a"}\nnot json\n', encoding="utf-8")
    with pytest.raises(ValueError, match=":2:"):
        load_questions(path)


# --------------------------------------------------------------------------- sousei eval: the frozen split's misses

EVAL_ARTICLE = "補助金\n\n地方創生臨時補助金的預算在2020年達3兆日圓。\n\n處方箋可以用無人機配送到偏遠地區。\n"


@pytest.fixture
def eval_cli(tmp_path, monkeypatch):
    """``sousei eval`` in-process on a one-article corpus with the fake encoder, and a question file
    whose two splits each hold a question the fake model misses (its gold is in no passage)."""
    import json

    from chat.config import Config
    from chat.engine import Engine
    from tests.fakes import FakeEncoder

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(EVAL_ARTICLE, encoding="utf-8")
    config = Config.load(corpus_dir=corpus, index_dir=tmp_path / "index")
    Engine.with_encoder(config, FakeEncoder(), say=lambda _m: None).rebuild()
    monkeypatch.setattr(
        "chat.cli._engine", lambda args: Engine.with_encoder(config, FakeEncoder(), say=lambda _m: None)
    )
    questions = tmp_path / "q.jsonl"
    rows = [
        {"id": "t1", "q": "補助金的預算是多少？", "gold": ["北海道"], "kind": "number", "split": "test"},
        {"id": "r1", "q": "處方箋怎麼配送？", "gold": ["北海道"], "kind": "keyword", "split": "train"},
    ]
    questions.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return questions


def test_eval_lists_no_question_of_the_frozen_test_split_unless_asked(eval_cli, capsys):
    import json

    from chat.cli import main

    assert main(["eval", str(eval_cli), "--split", "test"]) == 0
    out = capsys.readouterr().out
    assert "misses: 1 (not listed" in out and "補助金的預算" not in out
    assert main(["eval", str(eval_cli), "--split", "test", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["answers"]["misses"] == [{"id": "t1"}]
    assert main(["eval", str(eval_cli), "--split", "test", "--show-misses"]) == 0
    assert "miss t1 [number] 補助金的預算是多少？" in capsys.readouterr().out
    assert main(["eval", str(eval_cli), "--split", "train"]) == 0  # a train split lists its misses
    out = capsys.readouterr().out
    assert "miss r1 [keyword] 處方箋怎麼配送？" in out and "not listed" not in out
