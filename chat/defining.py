"""What a "what is X" question names, and whether a sentence defines it.

A question such as ``空屋銀行是什麼？``, ``什麼是關係人口``, ``RESAS是指什麼`` or ``What is a DMO?``
asks for the sentence that says what its name is: ``空屋銀行是由地方政府……協助雙方媒合的制度。``
The best-scored sentence is often another one carrying the name as often or more (a list's lead-in
``依營運主體與介入程度，空屋銀行大致可分為四種類型：``), so :func:`chat.answer.defining_first` puts the
defining sentence first. Both sides are compared folded (``ingest.segment.fold``: simplified,
shinjitai and full-width forms meet the articles' own).
"""

from __future__ import annotations

import re

from ingest.segment import fold

_ENDS = r"[\s？?。.!！~～]*$"
# The name is asked for alone: nothing but a polite opening, the name and the asking words.
_ASKED = (
    re.compile(
        r"^(?:請問|请问|想問|想问)?[，,\s]*(?P<x>.{2,24}?)(?:到底|究竟)?(?:是什麼|是甚麼|是什么|是啥|指的是什麼|指的是什么|是指什麼|是指什么)(?:意思|東西|东西)?(?:呢|啊|阿)?"
        + _ENDS
    ),
    re.compile(r"^(?:請問|请问)?[，,\s]*(?:什麼是|什么是|甚麼是|何謂|何谓)(?P<x>.{2,24}?)(?:呢|啊)?" + _ENDS),
    re.compile(r"^(?P<x>.{2,24}?)(?:って|とは)(?:何|なに|なん)(?:ですか|でしょうか)?" + _ENDS),
    re.compile(r"^what(?:'s| is| are)\s+(?:an?\s+|the\s+)?(?P<x>[\w .\-]{2,40}?)" + _ENDS, re.IGNORECASE),
)
_QUOTES = "「」『』\"“”'‘’《》〈〉"
# A name defined: the sentence opens with it (after a connective or 所謂), maybe its bracketed
# gloss, then a copula: 空屋銀行是…, 所謂關係人口，是指…, RESAS（…）是…
_OPENERS = ("所谓", "而", "其中", "这里的", "此处的", "这个", "这项", "此")
_GLOSS = re.compile(r"^\s*[（(][^（()）]{1,80}[)）]")
_COPULA = re.compile(r"^\s*[，,]?\s*(?:是指|意指|泛指|指的是|就是|即是|係指|是|指|係|乃|即|為|为)(?!否)")
OPENING_SLACK = 2  # characters allowed before the name besides a connective


def defined_name(question: str) -> str | None:
    """The name a question asks to have defined (folded), or None if it asks something else."""
    text = question.strip()
    for pattern in _ASKED:
        match = pattern.match(text)
        if match:
            name = fold(match.group("x")).strip(_QUOTES + " ，,")
            for lead in ("文章中的", "文中的", "文章裡的", "所谓的", "所谓"):
                name = name.removeprefix(fold(lead))
            return name if len(name) >= 2 else None
    return None


def defines(sentence: str, name: str) -> bool:
    """Whether ``sentence`` opens by saying what ``name`` (folded) is."""
    text = fold(sentence).lstrip(" 　●•・-*")
    for opener in _OPENERS:
        if text.startswith(opener):
            text = text[len(opener) :].lstrip("，, ")
            break
    at = text.find(name)
    if at < 0 or at > OPENING_SLACK:
        return False
    rest = text[at + len(name) :].lstrip(_QUOTES)
    rest = _GLOSS.sub("", rest, count=1).lstrip(_QUOTES)
    return bool(_COPULA.match(rest))
