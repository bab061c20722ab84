"""A short question naming its own subject, read as a follow-up by its length, is answered alone when
that is surer (chat.followup.surer_alone); a greeting sets no context (chat.followup.sets_context)."""

from __future__ import annotations

import pytest

from chat.records import Answer


@pytest.mark.parametrize(
    ("question", "back"),
    [
        ("三大目標是什麼？", False),
        ("海士町的口號是什麼？", False),
        ("它是哪個單位建置的？", True),
        ("那2020年呢？", True),
        ("預算呢？", True),
        ("第四個階段是什麼？", True),  # a position in a list said before
        ("最後一項是什麼？", True),
        ("Who built it?", True),
        ("這個數據是哪一年的？", True),
        ("哪些部會也有搭配？", True),  # also: adds to what was said
        ("What else is listed?", True),
    ],
)
def test_what_points_back(question, back):
    from chat.followup import points_back

    assert points_back(question) is back


class _Stats:
    def known(self, term: str) -> bool:
        return term in {"三大", "目标", "目標"}


class _Searcher:
    def stats(self):
        return _Stats()


def _answer(text: str, found: bool, uncertain: bool = False) -> Answer:
    return Answer(text, found, (), (), None, confidence=0.5, uncertain=uncertain)


@pytest.mark.parametrize(
    ("followed", "alone", "question", "chosen"),
    [
        ((True, True), (True, False), "三大目標是什麼？", "alone"),  # hedged after, sure alone
        ((False, False), (True, False), "三大目標是什麼？", "alone"),  # refused after, sure alone
        ((True, False), (True, False), "三大目標是什麼？", "followed"),  # sure after: kept
        ((True, True), (True, True), "三大目標是什麼？", "followed"),  # alone no surer
        ((True, True), (False, False), "三大目標是什麼？", "followed"),
        ((True, True), (True, False), "那三大目標呢？", "followed"),  # points back
        ((True, True), (True, False), "海士町的口號是什麼？", "followed"),  # no word the articles use
    ],
)
def test_a_question_naming_its_subject_is_answered_alone_when_that_is_surer(
    monkeypatch, followed, alone, question, chosen
):
    import chat.answer
    from chat.followup import surer_alone

    answers = {"followed": _answer("followed", *followed), "alone": _answer("alone", *alone)}
    monkeypatch.setattr(chat.answer, "answer_question", lambda *args, **kwargs: answers["alone"])
    got = surer_alone(question, answers["followed"], _Searcher(), 5, None)  # type: ignore[arg-type]
    assert got.question == chosen


@pytest.mark.parametrize("greeting", ["謝謝", "hello", "你好！"])
def test_a_greeting_is_no_turn_to_follow(greeting):
    from chat.followup import sets_context

    assert not sets_context(greeting)
    assert sets_context("RESAS是什麼？")
