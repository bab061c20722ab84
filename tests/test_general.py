"""Checks of what is quoted, after the decision.

chat.answer.general_verdict: a question made only of words that most passages hold (地方, 日本)
names no subject, so it is 可能相關 at most, with a note saying what to add; a question with one
rarer term, a small index, a "what is" question a quote defines, or a question already not found is
left as the decision had it. chat.answer.quoted_byline_verdict: a byline about to be quoted for a
question asking more of its author than it says is not found."""

from __future__ import annotations

import pytest

from chat.abstain import MAYBE_LINE, Decision, DecisionModel
from chat.answer import (
    GENERAL_MIN_PASSAGES,
    GENERAL_NOTE,
    ScoredSentence,
    Sentence,
    answer_question,
    general_terms,
    general_verdict,
    quoted_byline_verdict,
)
from index.stats import CorpusStats

STATS = CorpusStats(df={"地方": 10, "日本": 12, "总务省": 3}, n_docs=GENERAL_MIN_PASSAGES)
FOUND = Decision(True, False, 0.93, "found: the best sentence carries the question's terms")


def test_general_terms_are_the_terms_when_every_one_is_in_half_the_passages():
    assert general_terms(["地方"], STATS) == ("地方",)  # 10 of 20: half counts
    assert general_terms(["日本", "地方"], STATS) == ("日本", "地方")
    assert general_terms(["地方", "总务省"], STATS) == ()  # one rarer term names a subject
    assert general_terms(["地方", "火星"], STATS) == ()  # an unseen term is the rarest of all
    assert general_terms([], STATS) == ()


def test_a_small_index_has_no_general_terms():
    small = CorpusStats(df={"地方": 3}, n_docs=GENERAL_MIN_PASSAGES - 1)
    assert general_terms(["地方"], small) == ()


def test_a_found_general_question_becomes_uncertain_with_the_note():
    verdict = general_verdict(["日本", "地方"], STATS, FOUND)
    assert (verdict.found, verdict.uncertain, verdict.confidence) == (True, True, 0.93)
    assert verdict.reason == "uncertain: every term of the question is in most passages (日本、地方)"
    assert verdict.note == GENERAL_NOTE.format("日本、地方")


def test_other_verdicts_are_unchanged():
    refused = Decision(False, False, 0.1, "not found: no signals", "note")
    assert general_verdict(["地方"], STATS, refused) is refused
    assert general_verdict(["地方", "总务省"], STATS, FOUND) is FOUND


@pytest.mark.slow
def test_a_bare_common_word_is_quoted_as_maybe_related_and_a_name_is_answered(real_seed_searcher, monkeypatch):
    decision = DecisionModel.load()
    answer = answer_question("地方", real_seed_searcher, decision=decision)
    assert answer.found and answer.uncertain and answer.quotes
    assert answer.message == f"{MAYBE_LINE} {GENERAL_NOTE.format('地方')}"
    assert decision.maybe_at <= answer.confidence < decision.found_at
    named = answer_question("總務省", real_seed_searcher, decision=decision)
    assert named.found and not named.uncertain and GENERAL_NOTE[:8] not in named.message
    monkeypatch.setattr("chat.answer.GENERAL_SHARE", 1.01)  # without the rule the common word was answered
    assert not answer_question("地方", real_seed_searcher, decision=decision).uncertain


def _scored(text: str) -> ScoredSentence:
    return ScoredSentence(Sentence(text, 0, 0), 1.0, 1.0, 0.9)


def test_a_what_is_question_a_quote_defines_stays_found():
    stats = CorpusStats(df={"地方创生": 12}, n_docs=GENERAL_MIN_PASSAGES)  # a library of 地方創生 articles
    defining = [_scored("地方創生是日本為了解決人口減少而推動的國家戰略。")]
    assert general_verdict(["地方创生"], stats, FOUND, "地方創生是什麼？", defining) is FOUND
    mentions = [_scored("日本推動地方創生已有多年。")]
    assert general_verdict(["地方创生"], stats, FOUND, "地方創生是什麼？", mentions).uncertain
    assert general_verdict(["地方创生"], stats, FOUND, "地方創生", defining).uncertain  # not asked what it is


BYLINE = "作者 謝子涵 為政治工作者"


def test_a_quoted_byline_asked_about_beyond_what_it_says_is_not_found():
    verdict = quoted_byline_verdict("作者謝子涵還寫過哪些文章？", [_scored(BYLINE)], FOUND)
    assert (verdict.found, verdict.uncertain) == (False, False)
    assert verdict.reason == "not found: of their author (謝子涵) the articles have only the byline"
    assert verdict.note == "文章中關於作者（謝子涵）的只有署名一行，沒有其他內容。"


def test_a_quoted_byline_answering_who_or_another_quote_is_left_alone():
    assert quoted_byline_verdict("謝子涵是做什麼的？", [_scored(BYLINE)], FOUND) is FOUND  # the byline says
    assert quoted_byline_verdict("作者是誰？", [_scored(BYLINE)], FOUND) is FOUND
    text = [_scored("作者認為台灣較無細緻的立論基礎。")]
    assert quoted_byline_verdict("作者謝子涵還寫過哪些文章？", text, FOUND) is FOUND  # not a byline
    refused = Decision(False, False, 0.1, "not found: no signals")
    assert quoted_byline_verdict("作者謝子涵還寫過哪些文章？", [_scored(BYLINE)], refused) is refused


def test_a_quoted_byline_saying_something_of_what_is_asked_is_left_alone():
    byline = "文／王大同（東京大學教授）"
    assert quoted_byline_verdict("作者王大同在哪所大學任教？", [_scored(byline)], FOUND) is FOUND  # 大學
    assert not quoted_byline_verdict("作者王大同還寫過哪些書？", [_scored(byline)], FOUND).found
