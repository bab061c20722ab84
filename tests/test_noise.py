"""Text garbled past reading (chat.noise): mojibake, keyboard mashing, bopomofo runs, filler, styled
letters, a word typed three times. Questions that look a little like them (a URL, one bopomofo
particle, an English sentence with "the" four times, pinyin, a term said twice) are read."""

from __future__ import annotations

from dataclasses import replace

import pytest

from chat.abstain import DecisionModel
from chat.latin import english_word
from chat.noise import garbled, mojibake
from chat.premise import premises
from index.stats import CorpusStats
from tests.chat_fakes import ANSWERED

KNOWN = {"resas", "maas", "giga", "jpqr", "mynapoint"}


def _garbled(question: str) -> str:
    return garbled(question, english_word, KNOWN.__contains__)


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("åœ°æ–¹å‰µç”Ÿ", "œ°"),  # 地方創生 as UTF-8 read as cp1252
        ("MaaS 的全名是 Mobility as a ���", "��"),
        ("Ã©tÃ© RESAS", "Ã©t"),
    ],
)
def test_mojibake_is_recognised(question, said):
    assert mojibake(question) == said


@pytest.mark.parametrize(
    "question",
    [
        "地方創生是什麼？",
        "RESASのデータは何を示しますか",
        "Café culture in Japan?",
        "總務省 — ICT 政策",
        "人口減少「50%」",
    ],  # noqa: E501
)
def test_text_in_its_own_characters_is_no_mojibake(question):
    assert mojibake(question) == ""


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("人口減少與東京一極集中的問題使得ㄅㄆㄇㄈㄅㄆ", "ㄅㄆㄇㄈㄅㄆ"),
        ("本文探討日本地方創生政策中ICT的角色，作者認為jfjfjfjfjf", "jfjfjfjfjf"),
        ("asdfghjkl;asdfjkl;", "asdfghjkl"),
        ("日本的數位轉型與地方創生之間的關聯性在於 lorem ipsum dolor", "lorem"),
        ("這是一段假文，用來填充版面。", "假文"),
        ("𝓡𝓔𝓢𝓐𝓢 𝕀ℂ𝕋", "𝓡𝓔𝓢𝓐𝓢"),
        ("ICT ICT ICT ICT 地方創生 地方創生", "ICT"),
        ("總務省 總務省 總務省", "總務省"),
    ],
)
def test_garbled_text_is_recognised(question, said):
    assert _garbled(question) == said


@pytest.mark.parametrize(
    "question",
    [
        "RESAS是什麼ㄚ",  # one bopomofo letter: a colloquial particle
        "RESAS網站 https://resas.go.jp 可以查什麼？",  # https has no vowel, but is an address
        "What is the role of the ministry in the plan of the government?",  # "the" four times: English
        "difang chuangsheng shi shenme",  # pinyin has its vowels
        "地方創生 地方創生 是什麼",  # a term twice
        "JPQR 和 MyNaPoint 有什麼不同？",
        "What are the rhythms of rural life?",
        "ＲＥＳＡＳ是什麼？",  # full-width letters are how CJK keyboards type Latin
    ],
)
def test_questions_that_look_a_little_garbled_are_read(question):
    assert _garbled(question) == "" and mojibake(question) == ""


def test_premises_find_garbled_text_and_mojibake_and_the_decision_asks_again():
    stats = CorpusStats.from_token_lists([["resas"]])
    found = premises("RESAS ㄅㄆㄇㄈ", ["RESAS以地圖呈現資料。"], stats)
    assert found["garbled"] == "ㄅㄆㄇㄈ" and found["mojibake"] == ""
    assert premises("åœ°æ–¹", ["RESAS以地圖呈現資料。"], stats)["mojibake"] == "œ°"
    assert premises("RESAS是什麼？", ["RESAS以地圖呈現資料。"], stats)["garbled"] == ""
    decision = DecisionModel.load()
    verdict = decision.decide(replace(ANSWERED, garbled="ㄅㄆㄇㄈ"))
    assert not verdict.found and verdict.reason == "not found: the question is garbled (ㄅㄆㄇㄈ)"
    assert verdict.note == "問題中有無意義的字（ㄅㄆㄇㄈ）；請用一句話問，例如「RESAS是什麼？」。"
    verdict = decision.decide(replace(ANSWERED, mojibake="œ°"))
    assert not verdict.found and "可能是編碼出錯了" in verdict.note


def test_the_checks_can_be_switched_off(monkeypatch):
    monkeypatch.setattr("chat.noise.NOISE_CHECKS", False)
    assert _garbled("ㄅㄆㄇㄈ RESAS") == "" and mojibake("åœ°æ–¹") == ""


def test_garbled_text_and_mojibake_are_never_the_context_of_a_follow_up():
    from chat.followup import sets_context
    from chat.ui import previous_turn

    assert sets_context("RESAS是什麼？") and sets_context("What is the role of the the the ministry?")
    assert not sets_context("人口減少的問題使得ㄅㄆㄇㄈㄅㄆ") and not sets_context("åœ°æ–¹å‰µç”Ÿ")
    history = [
        {"role": "user", "content": "RESAS是什麼？"},
        {"role": "assistant", "content": '<div class="sousei-answer" data-question="RESAS是什麼？">…</div>'},
        {"role": "user", "content": "ㄅㄆㄇㄈㄅㄆ"},
        {"role": "assistant", "content": '<div class="sousei-answer" data-question="ㄅㄆㄇㄈㄅㄆ">…</div>'},
    ]
    previous = previous_turn(history)
    assert previous is not None and previous.question == "RESAS是什麼？"
