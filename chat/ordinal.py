"""Ordinals: which item of a sequence a question asks for, and which item a sentence opens.

A follow-up such as "第二個呢？", "那第三個階段呢", "下一個是什麼？" or "What is the second one?"
asks for one item of the list the previous answer was part of. Articles list items as
sentences that open with an ordinal ("第二個是…", "其次…", "接著是…", "最後…", "二是…") or
with a number ("10.…"). :func:`asked_ordinal` reads the first, :func:`sentence_ordinals` the
second; :mod:`chat.followup` favours the sentence whose opening matches.

All text is folded (Simplified Chinese, lower case) before it gets here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

LAST = -1  # "最後一個", "the last one"

_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_ENGLISH = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "last": LAST}
_CN_NUMBER = r"[一二两三四五六七八九十]{1,3}|\d{1,2}"

# 第二個 / 第2項 / 第三階段 / 第十個構想 … in a question
_ASKED = re.compile(rf"第({_CN_NUMBER})")
_ASKED_LAST = re.compile(r"最后(?:一|那)?(?:个|项|点|阶段|步|条)|最后呢")
_ASKED_NEXT = re.compile(r"下一(?:个|项|点|阶段|步|条)|然后呢|接下来呢|\bnext\b")
_ASKED_ENGLISH = re.compile(r"\b(first|second|third|fourth|fifth|sixth|last)\b")
# 第二支箭 / 第三個階段: the classifier after the ordinal and the noun it counts
_ASKED_COUNTED = re.compile(rf"第(?:{_CN_NUMBER})([个项支条点种类大])([\u4e00-\u9fff]{{1,3}})")
_NOT_COUNTED = re.compile(r"[呢是的有在要吗为指包].*")  # where the counted noun ends (第二支箭呢)

# Sentence openings (after an optional list number or bullet) that mark the item's position.
_OPENERS: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(rf"^(?:第({_CN_NUMBER})|({_CN_NUMBER})是|其({_CN_NUMBER}))"), 0),  # 0: the number read
    (re.compile(r"^(?:首先|一开始|一方面)"), 1),
    (re.compile(r"^(?:其次|接着|接著|再者|另一方面)"), 2),
    (re.compile(r"^(?:再来|然后|此外)"), 3),
    (re.compile(r"^(?:最后|最终|末了)"), LAST),
)
_LIST_NUMBER = re.compile(r"^\s*(\d{1,2})\s*[.、．]")
_HEADING_NUMBER = re.compile(r"^\s*[^\d\s:：,，。]{1,10}?([一二三四五六七八九十]{1,3})\s*[:：]")  # 地域未来构想二:
_LEAD = re.compile(r"^[\s,，、;；:：(（]*")
_CLAUSE = re.compile(r"[\n,，;；。:：]")  # an item can open a clause as well as a sentence
_ASKING = re.compile(r"[?？]\s*$")  # ... but not a question ("首先…該如何…呢？" asks, it is no item)


def chinese_number(text: str) -> int | None:
    """1..99 written in digits or Chinese numerals (二, 十, 十二, 二十, 二十三), else None."""
    if text.isdigit():
        return int(text)
    if not text or any(ch not in _DIGITS and ch != "十" for ch in text):
        return None
    if "十" not in text:
        return _DIGITS[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    value = (_DIGITS.get(tens, 0) if tens else 1) * 10 + (_DIGITS.get(ones, 0) if ones else 0)
    return value if (not tens or tens in _DIGITS) and (not ones or ones in _DIGITS) else None


def asked_ordinal(question: str, previous: str = "") -> int | None:
    """The position a question asks for: N for 第N…, ``LAST`` for 最後一個, the previous
    question's position + 1 for 下一個 / next (None when that is unknown), else None."""
    found = _ASKED.search(question)
    if found:
        return chinese_number(found.group(1))
    english = _ASKED_ENGLISH.search(question)
    if english:
        return _ENGLISH[english.group(1)]
    if _ASKED_LAST.search(question):
        return LAST
    if _ASKED_NEXT.search(question):
        before = asked_ordinal(previous) if previous else None
        return before + 1 if before is not None and before > 0 else None
    return None


def asked_counted(question: str) -> str:
    """What a question's ordinal counts, classifier and noun: "支箭" for "那第二支箭呢？", "个阶段"
    for "第三個階段是什麼"; "" when no noun follows the classifier ("第二個呢？")."""
    found = _ASKED_COUNTED.search(question)
    if found is None:
        return ""
    noun = _NOT_COUNTED.sub("", found.group(2))
    return found.group(1) + noun if noun else ""


def sentence_ordinals(sentence: str) -> set[int]:
    """The positions a sentence's clauses open with: {2} for "第二個是…", "其次…", "二是…",
    "2.…", "構想二:…"; {2, 3} for "再來…"; {LAST} for "最後…". Empty when none opens with one.
    A quoted unit can hold a heading and a sentence, and an item can start after a comma ("…有四個
    階段,第一個是…"), so every clause is read, in sequence (:func:`sequence_ordinals`)."""
    return sequence_ordinals([sentence])[0]


_RELATIVE = (2, 3)  # 其次 / 接著 (2) and 再來 / 然後 / 此外 (3): "the next one" after a known item


def sequence_ordinals(units: Sequence[str]) -> list[set[int]]:
    """The positions each of ``units`` (a passage's sentences, in order) opens, read in sequence:
    an item opening with 其次 / 接著 / 再來 / 然後 after item N is item N + 1 ("第一個是…; 接著是…;
    再來才是…; 最後…": 1, 2, 3, last), where one clause alone can only say 2 or 3. A unit before
    any numbered or first item keeps what it says alone. A clause that asks ("首先…該如何…呢？")
    opens no item."""
    positions: list[set[int]] = []
    current: int | None = None
    for unit in units:
        marks = _numbered(unit)  # a numbered section, not a step: 接著 inside it is not item 3
        for clause in _CLAUSE.split(unit):
            text = _LEAD.sub("", clause)
            opened = set() if _ASKING.search(text) else _opening(text)
            if not opened:
                continue
            relative = any(p.match(text) for p, position in _OPENERS if position in _RELATIVE)
            if relative and current is not None and current > 0:
                opened = {current + 1}
            marks |= opened
            current = next(iter(opened)) if len(opened) == 1 else None  # 此外 alone: 2 or 3, unknown
        positions.append(marks)
    return positions


def _numbered(unit: str) -> set[int]:
    """The number a unit opens with as a list item ("10.…") or a numbered heading ("構想二:…")."""
    listed = _LIST_NUMBER.match(unit)
    if listed:
        return {int(listed.group(1))}
    heading = _HEADING_NUMBER.match(unit)
    value = chinese_number(heading.group(1)) if heading else None
    return {value} if value is not None else set()


def _opening(text: str) -> set[int]:
    for pattern, position in _OPENERS:
        found = pattern.match(text)
        if not found:
            continue
        if position == 3:  # 再來 / 然後 also follow a first item directly
            return {2, 3}
        if position:
            return {position}
        value = chinese_number(next(g for g in found.groups() if g))
        return {value} if value is not None else set()
    return set()


# A question that asks what the item at a position *is*: it ends on the ordinal phrase and "what is"
# ("抗疫四階段的第二個階段是什麼？", "最後一個階段呢"; Chinese only), not one asking something
# about the item ("第三項提到…還會導致什麼", "第二個階段為何…").
_WHAT_ITEM = re.compile(
    rf"(?:第(?:{_CN_NUMBER})|最后(?:一|那)?)\s*[个项支条点种类大步阶段]*[\u4e00-\u9fff]{{0,6}}?"
    r"(?:(?:是|指)(?:什么|啥|哪些|哪个|哪一个)?|呢)(?:呢|吗)?\s*[?？。.]?\s*$"
)


# … in Japanese (第二の段階は何ですか, 最後の段階は何) and English (what is the second stage …).
_WHAT_ITEM_JA = re.compile(
    rf"(?:第({_CN_NUMBER})|(最后))[\u3040-\u30ff\u4e00-\u9fff]{{0,8}}?(?:は|って)(?:何|なん|どれ)"
)
_WHAT_ITEM_EN = re.compile(r"^\s*what(?: is|'s| are| was| were) the (?:first|second|third|fourth|fifth|sixth|last)\b")


# A question asking which position an item holds ("…是地域未來構想20中的第幾項？", "何番目", "which
# number"): folded text.
_ASKS_POSITION = re.compile(r"第几|何番目|\b(?:which|what) (?:number|item number|position)\b")


def asks_position(question: str) -> bool:
    """Whether a (folded) question asks which position an item holds (第几项)."""
    return _ASKS_POSITION.search(question) is not None


def asks_item(question: str) -> int | None:
    """The position a single question asks the item of, when it asks what that item is (folded
    text: 第N / 最后 … 是什么 at its end; 第N / 最后 … は何; what is the second …), else None."""
    japanese = _WHAT_ITEM_JA.search(question)
    if japanese:
        return LAST if japanese.group(2) else chinese_number(japanese.group(1))
    if not _WHAT_ITEM.search(question) and not _WHAT_ITEM_EN.search(question):
        return None
    position = asked_ordinal(question)
    return position if position is not None and position != 0 else None
