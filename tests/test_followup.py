"""Follow-up questions (chat.followup), `sousei ask --previous`, feedback and trash/restore in the CLI."""

from __future__ import annotations

import json

import pytest

from chat.cli import main
from chat.config import Config
from chat.followup import carried_terms, is_follow_up, resolve
from chat.service import Service
from ingest.fileio import read_jsonl
from tests.fakes import FakeEncoder

PREVIOUS = "2020年地方創生臨時補助金的預算有多少？"


@pytest.mark.parametrize(
    "question",
    ["那2021年呢？", "它的全名是什麼？", "還有哪些？", "為什麼？", "分別是哪些？", "區域別呢？", "What about 2021?"],
)
def test_short_questions_without_a_subject_are_follow_ups(question):
    assert is_follow_up(question)


@pytest.mark.parametrize(
    "question",
    ["日本的地方創生臨時補助金在2021年的預算是多少？", "處方箋和藥劑可以運用哪些方式配送到偏遠地區？", "", "？？"],
)
def test_questions_with_their_own_subject_are_not(question):
    assert not is_follow_up(question)


def test_follow_up_carries_previous_terms_as_written_and_replaces_the_year():
    query = resolve("那2021年呢？", PREVIOUS)
    assert query.follow_up and query.searched.endswith("那2021年呢？")
    assert "臨時補助金" in query.searched  # Traditional, as the user wrote it
    assert "2020" not in query.searched  # the follow-up's year replaces the previous one


def test_carried_terms_are_few_and_skip_what_the_follow_up_names():
    carried = carried_terms("日本總務省的ICT成長戰略從哪一年開始召開？", "總務省想打造什麼樣的社會？")
    assert len(carried) <= 2 and not any("總務省" == c for c in carried)


def test_first_question_or_full_question_is_searched_as_is():
    assert resolve("那2021年呢？", None).searched == "那2021年呢？"
    full = "處方箋和藥劑可以運用哪些方式配送到偏遠地區？"
    assert resolve(full, PREVIOUS) == resolve(full, None)


def test_hostile_previous_question_is_bounded():
    query = resolve("那呢？", "地方創生" * 100_000)
    assert len(query.searched) < 400


ARTICLE = """地域未來構想20

由於疫情肆虐，地方創生臨時補助金的預算在2020年達3兆日圓、2021年為1.5兆日圓。

處方箋和藥劑可以運用藥局物流、無人機等方式配送到偏遠地區。
"""


@pytest.fixture
def setup(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "b.txt").write_text(ARTICLE, encoding="utf-8")
    (corpus / "c.txt").write_text("夕張市\n\n北海道夕張市的雪融發電計畫預計每年發電4200萬度。\n", encoding="utf-8")
    config = Config.load(corpus_dir=corpus, index_dir=tmp_path / "index")
    service = Service.with_encoder(config, FakeEncoder(), say=lambda _m: None)
    service.build()
    return service


def cli(service, *args):
    return main([*args, "--corpus", str(service.config.corpus_dir), "--index", str(service.config.index_dir)])


@pytest.fixture
def fake_cli(monkeypatch, setup):
    """The CLI with the fake encoder (no model load)."""
    monkeypatch.setattr(
        "chat.cli._service",
        lambda args: Service.with_encoder(
            Config.load(
                corpus_dir=getattr(args, "corpus", None),
                index_dir=getattr(args, "index", None),
                feedback=getattr(args, "feedback", None),
            ),
            FakeEncoder(),
            say=lambda _m: None,
        ),
    )
    return setup


def test_service_ask_with_previous_searches_the_combined_text(setup):
    answer = setup.ask("2021年的呢？", previous="地方創生臨時補助金的預算在2020年有多少？")
    assert answer.question.startswith("地方創生臨時補助金") and answer.found


def test_cli_ask_previous_prints_what_was_searched(fake_cli, capsys):
    assert cli(fake_cli, "ask", "2021年的呢？", "--previous", "地方創生臨時補助金的預算在2020年有多少？", "--json") == 0
    out = json.loads(capsys.readouterr().out)
    assert out["question"] == "2021年的呢？" and out["searched"].startswith("地方創生臨時補助金")
    assert cli(fake_cli, "ask", "2021年的呢？", "--previous", "地方創生臨時補助金的預算在2020年有多少？") == 0
    assert capsys.readouterr().out.startswith("搜尋：地方創生臨時補助金")


def test_feedback_is_recorded_and_listed_as_json(fake_cli, capsys):
    fake_cli.record_feedback("問題一", ["b:1", "b:2"], "down")
    fake_cli.record_feedback("問題二", [], "up")
    assert cli(fake_cli, "feedback", "--json") == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(e["question"], e["vote"], e["passages"]) for e in lines] == [
        ("問題一", "down", ["b:1", "b:2"]),
        ("問題二", "up", []),
    ]
    assert all("T" in e["time"] for e in lines)
    assert fake_cli.config.feedback_file == fake_cli.config.index_dir.parent / "feedback.jsonl"


def test_bad_vote_is_refused_and_not_written(setup):
    from ingest.errors import SouseiError

    with pytest.raises(SouseiError):
        setup.record_feedback("q", [], "maybe")
    assert setup.feedback() == []


def test_remove_moves_to_trash_and_restore_brings_it_back(fake_cli, capsys):
    corpus = fake_cli.config.corpus_dir
    (corpus / "c.txt.meta.json").write_text('{"title": "夕張"}', encoding="utf-8")
    assert cli(fake_cli, "remove", "c") == 0
    assert not (corpus / "c.txt").exists() and (corpus / ".trash" / "c.txt").exists()
    assert (corpus / ".trash" / "c.txt.meta.json").exists()
    assert cli(fake_cli, "articles", "--json") == 0
    assert "夕張" not in capsys.readouterr().out
    assert cli(fake_cli, "restore", "c") == 0
    assert (corpus / "c.txt").exists() and (corpus / "c.txt.meta.json").exists()
    assert not (corpus / ".trash" / "c.txt").exists()
    capsys.readouterr()
    assert cli(fake_cli, "articles", "--json") == 0
    assert "夕張" in capsys.readouterr().out


def test_restore_refuses_unknown_ids_and_existing_articles(fake_cli, capsys):
    corpus = fake_cli.config.corpus_dir
    assert cli(fake_cli, "restore", "nope") == 1
    assert "沒有代號為 'nope' 的已移除文章" in capsys.readouterr().err
    assert cli(fake_cli, "remove", "c") == 0
    (corpus / "c.txt").write_text("新的夕張\n\n內容。\n", encoding="utf-8")
    assert cli(fake_cli, "restore", "c") == 1
    assert "已有代號為 'c' 的文章" in capsys.readouterr().err
    assert (corpus / "c.txt").read_text(encoding="utf-8").startswith("新的夕張")
    assert (corpus / ".trash" / "c.txt").exists()


def test_followup_eval_script_scores_dialogues(setup, tmp_path):
    """bench.followup_eval on two dialogues (fake encoder): the split filter and the counting."""
    from bench.followup_eval import run

    dialogues = tmp_path / "d.jsonl"
    rows = [
        {
            "id": "t1",
            "split": "test",
            "turns": [
                {"q": "地方創生臨時補助金的預算在2020年有多少？", "gold": ["3兆日圓"]},
                {"q": "2021年的呢？", "gold": ["3兆日圓"]},
            ],
        },
        {
            "id": "t2",
            "split": "train",
            "turns": [{"q": "夕張市發電多少？", "gold": ["不存在的句子"]}, {"q": "那呢？", "gold": ["不存在的句子"]}],
        },
    ]
    dialogues.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    result = run(dialogues, "test", setup)
    assert result["dialogues"] == 1 and result["follow_up_first_quote"] == 1.0
    assert run(dialogues, "train", setup)["follow_up_first_quote"] == 0.0


def test_dialogue_data_has_train_and_test_splits():
    from chat.config import PROJECT_ROOT

    rows = read_jsonl(PROJECT_ROOT / "tests" / "data" / "dialogues.jsonl")
    assert len(rows) >= 30 and all(len(r["turns"]) == 2 and r["turns"][1]["gold"] for r in rows)
    train = {r["id"] for r in rows if r["split"] == "train"}
    assert train == {f"w3d-{i}" for i in range(1, 19)} and len(rows) - len(train) >= 18
