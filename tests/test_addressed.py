"""Questions about the chatbot itself (chat.addressed): told 找不到 with a fixed line, whatever the
passages; questions to the chatbot about the articles are searched as usual."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path

import pytest

from chat.abstain import DecisionModel
from chat.addressed import about_me
from chat.followup import is_follow_up
from tests.chat_fakes import ANSWERED

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize(
    "question, said",
    [
        ("你是機器人嗎", "你是"),
        ("你是不是機器人？", "你是不是"),
        ("那你是誰", "你是"),
        ("您好，請問您是官方客服嗎？", "您是"),
        ("妳叫什麼名字", "妳叫"),
        ("你的開發者是誰啊??", "你的开发者"),
        ("誰訓練你的？", "谁训练你"),
        ("你會不會說謊", "你会不会说谎"),
        ("Who are you?", "who are you"),
        ("hey, are you a robot", "are you"),
        ("r u human lol", "r u"),
        ("What's your name?", "what's your name"),
        ("Do you have feelings?", "do you have feelings"),
        ("あなたは誰ですか", "あなたは"),
        ("誰があなたを作ったんですか？", "谁があなたを"),
    ],
)
def test_questions_about_the_chatbot_are_recognised(question, said):
    assert about_me(question) == said


@pytest.mark.parametrize(
    "question",
    [
        "你好",
        "你知道RESAS是什麼嗎",
        "你是否知道地方創生的三支箭",
        "你能告訴我GIGA School是什麼嗎",
        "你覺得地方創生有用嗎",
        "你有沒有關於RESAS的資料",
        "文中的機器人是做什麼的？",
        "Are you able to explain what RESAS is?",
        "Are you aware of the Super City plan?",
        "Do you have any info on DMO?",
        "Can you tell me who wrote the article?",
        "あなたは地域未来構想20について説明できますか？",
        "RESASとは何ですか",
    ],
)
def test_questions_to_the_chatbot_about_the_articles_are_not(question):
    assert about_me(question) == ""


def test_a_question_about_the_chatbot_is_not_found_with_its_line_however_sure_the_model_is():
    decision = DecisionModel.load()
    sure = replace(ANSWERED, about_me="你是")
    assert decision.confidence(sure) == decision.confidence(ANSWERED) >= decision.found_at
    verdict = decision.decide(sure)
    assert not verdict.found and verdict.reason.startswith("not found: the question asks about me (你是)")
    assert "問的是我" in verdict.note and "出處" in verdict.note
    # it comes before "no searchable terms": 那你是誰 has none, and the line says why it is not found
    assert "問的是我" in decision.decide(replace(sure, n_terms=0)).note
    assert decision.decide(ANSWERED).found


def test_a_question_about_the_chatbot_is_never_a_follow_up():
    assert is_follow_up("那它呢？")  # points back
    assert not is_follow_up("那你是誰？") and not is_follow_up("你是機器人嗎")


def test_the_blind_set_is_pinned_and_split():
    lines = (DATA / "aboutme.jsonl").read_text(encoding="utf-8").splitlines()
    items = [json.loads(line) for line in lines]
    test = "\n".join(line for line, item in zip(lines, items) if item["split"] == "test") + "\n"
    assert hashlib.sha256(test.encode("utf-8")).hexdigest() == (DATA / "aboutme.test.sha256").read_text().split()[0]
    assert len(items) == 200 and {i["kind"] for i in items} == {"about_bot", "to_bot_about_articles"}
    assert sum(i["split"] == "test" for i in items) == 100


def test_the_pattern_on_the_blind_set():
    """The written patterns against a helper's 200 questions (written from the articles and a list of
    kinds only): the train half was read to widen them, the test half only counted."""
    items = [json.loads(line) for line in (DATA / "aboutme.jsonl").read_text(encoding="utf-8").splitlines()]
    for split, floor in (("train", 0.95), ("test", 0.7)):
        about = [i for i in items if i["split"] == split and i["kind"] == "about_bot"]
        to_bot = [i for i in items if i["split"] == split and i["kind"] == "to_bot_about_articles"]
        assert sum(bool(about_me(i["q"])) for i in about) >= floor * len(about)  # 59 and 45 of 60
        assert not [i["q"] for i in to_bot if about_me(i["q"])]  # none of 40 each


@pytest.mark.slow
def test_on_the_real_index_questions_about_the_chatbot_are_not_found_and_the_others_answered(real_seed_searcher):
    from chat.answer import answer_question

    decision = DecisionModel.load()
    answer = answer_question("你是機器人嗎", real_seed_searcher, decision=decision)
    assert not answer.found and "問的是我" in (answer.message or "")
    items = [json.loads(line) for line in (DATA / "aboutme.jsonl").read_text(encoding="utf-8").splitlines()]
    test = [i for i in items if i["split"] == "test"]
    found = {i["id"]: answer_question(i["q"], real_seed_searcher, decision=decision).found for i in test}
    about = [i["id"] for i in test if i["kind"] == "about_bot"]
    to_bot = [i["id"] for i in test if i["kind"] == "to_bot_about_articles"]
    # measured: 57 of 60 told 找不到 (38 without chat.addressed, 8 of them confident answers)
    assert sum(not found[i] for i in about) >= 0.9 * len(about)
    assert sum(not found[i] for i in to_bot) <= 2  # 1 of 40, with or without it
