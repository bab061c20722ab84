"""Known answers of chat.defining: which name a "what is X" question asks about, and which sentence defines it."""

import pytest

from chat.defining import defined_name, defines
from ingest.segment import fold


@pytest.mark.parametrize(
    ("question", "name"),
    [
        ("空屋銀行是什麼？", "空屋銀行"),
        ("什麼是關係人口", "關係人口"),
        ("請問「關係人口」是什麼意思？", "關係人口"),
        ("RESAS是指什麼", "resas"),
        ("GIGA School到底是什麼東西啊", "giga school"),
        ("什么是地方创生", "地方創生"),  # simplified: folded like the articles' text
        ("何謂地域商社？", "地域商社"),
        ("地方創生とは何ですか", "地方創生"),
        ("What is a DMO?", "dmo"),
        ("what's RESAS", "resas"),
    ],
)
def test_the_name_a_definition_question_asks_about(question, name):
    assert defined_name(question) == fold(name)


@pytest.mark.parametrize(
    "question",
    ["空屋銀行的類型有哪些？", "空屋銀行在哪一年設立？", "是什麼？", "RESAS"],
)
def test_questions_that_ask_something_else_name_nothing(question):
    assert defined_name(question) is None


@pytest.mark.parametrize(
    "sentence",
    [
        "空屋銀行是由地方政府蒐集轄內空屋資訊，協助雙方媒合的制度。",
        "所謂空屋銀行，是指地方政府經營的空屋媒合制度。",
        "空屋銀行（akiya bank）是一種媒合制度。",
        "而「空屋銀行」指的是地方政府的媒合網站。",
        "空屋银行为地方政府设立的制度。",  # simplified text meets the traditional name
    ],
)
def test_sentences_that_say_what_the_name_is(sentence):
    assert defines(sentence, fold("空屋銀行"))


@pytest.mark.parametrize(
    "sentence",
    [
        "依營運主體與介入程度，空屋銀行大致可分為四種類型：",  # names it late, says what kinds there are
        "空屋銀行是否有效仍有爭議。",  # 是否 asks, it does not define
        "空屋銀行大致可分為四種類型。",  # no copula after the name
        "地方政府設立空屋銀行是為了媒合。",  # the name not at the opening
        "空屋數量是空屋銀行的三倍。",  # another name
    ],
)
def test_sentences_that_do_not_define_it(sentence):
    assert not defines(sentence, fold("空屋銀行"))
