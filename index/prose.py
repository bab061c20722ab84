"""Series written as prose: paragraphs that open 首先…, 第二個是…, 第三則是… under one lead.

An article often lists its points as paragraphs rather than numbered headings:

    另一部分國家能提供什麼對地方創生有利的IT支援方針呢？
    首先是對於有意識、有意願作改變…的地方，特別去導入相關資源…。
    第二個是支援讓案子永續發展下去的支持系統…。
    第三則是除了積極媒合活用至今地方沒有嘗試過的IT解方之外…。

"國家提供的IT支援方針有哪幾個？" is answered by the first sentence of each, in article order, and
"第三個國家支援方針是什麼？" by the third; without this, a short sentence that repeats the
question's words (對地方創生有益的IT活用促進計劃，除了3+3方針之外…) was quoted instead. A
question is matched to such a series only through the noun it asks about, which the series' lead
(the line before its first item, or the heading the items sit under) must write, and through the
count it states, which must be the series' size. Questions and lines are compared folded
(``ingest.segment.fold``: Simplified, lower case); the quoted lines are the article's own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from index.series import Outline, Series, SeriesAsked, SeriesItem, number_of
from ingest.passages import is_heading, is_question_heading, sentence_spans
from ingest.records import Passage

FORM = "prose"
MIN_ITEMS = 2  # a run of at least this many items (首先… 最後…) is a series
MAX_ITEMS = 8
NOUN_CHARS = 2  # the asked noun is the last this many characters of the phrase before the asking words
MIN_PAIRS = 3  # a question naming fewer character pairs than this (哪些地方) says too little to match a lead
LEAD_SHARE = 0.6  # …and the lead must write at least this share of the question's other character pairs
# characters of asking and counting, not of what is asked about: pairs holding one are not compared
_ASKING = frozenset("哪几什么啥甚是第个项点则有呢吗啊的在说讲指为分别些各又请问中里和与及或了要")

_NUMERAL = r"[一二三四五六七八九十]"
_FIRST = re.compile(r"^\s*(?:首先|第一(?:个|项|点|则|部分)?(?:是|则是|[，,：:]))")
_NEXT = re.compile(
    rf"^\s*(?:其次|接着|接著|再来|再者|然后|最后|第{_NUMERAL}{{1,2}}(?:个|项|点|则|部分)?(?:是|则是|[，,：:]|则))"
)
# "…有哪几个？", "…有哪些", "…分别是什么", "…是哪三个" with the noun before; "哪些X" with it after
_COUNT = rf"\d{{1,2}}|{_NUMERAL}{{1,3}}|两"
_LIST_AFTER = re.compile(
    rf"([\u4e00-\u9fffa-z]{{2,}})\s*(?:的)?\s*(?:有|是|包括|包含|分为|分成|可分为)?\s*"
    rf"(?:哪些|哪\s*({_COUNT})?\s*几?\s*(?:个|项|点|种|部分)|分别是|分别为|各是)"
)
_LIST_BEFORE = re.compile(rf"(?:哪些|哪\s*(?:{_COUNT}|几)\s*(?:个|项|点|种))\s*([\u4e00-\u9fffa-z]{{2,}})")
_ITEM = re.compile(
    rf"(?:第\s*({_COUNT})\s*(?:个|项|点|则)?)\s*([\u4e00-\u9fffa-z]{{2,12}}?)\s*"
    r"(?:是|在说|讲|指|为)\s*(?:什么|啥|甚么|何|哪)"
)
_ITEM_AFTER = re.compile(
    rf"([\u4e00-\u9fffa-z]{{2,}}?)\s*(?:的|中的|里的)?\s*第\s*({_COUNT})\s*(?:个|项|点|则)\s*(?:是|在说|讲|指|为)?\s*"
    r"(?:什么|啥|甚么|何|呢|哪)"
)


@dataclass(frozen=True)
class ProseAsked:
    """A question asking for a prose series whole (``number`` 0) or its item ``number``; ``count``:
    the size it states (哪三個), 0 when unsaid; ``noun``: folded, what it asks about (方针)."""

    number: int
    count: int
    noun: str
    pairs: frozenset[str] = frozenset()  # the question's character pairs that name what it is about


def _opening(line: str) -> str:
    """The first sentence of ``line``, as written."""
    spans = sentence_spans(line)
    return line[spans[0][0] : spans[0][1]] if spans else line.strip()


def prose_series(passages: Sequence[Passage], doc_id: str, fold: Callable[[str], str]) -> tuple[Series, ...]:
    """The runs of paragraphs of one article (``passages`` in article order) opening with 首先 / 第一
    and then 第二 / 其次 / 接著 / 再來 / 最後 …: each item is its paragraph's first sentence; a line that
    is neither (another paragraph, a heading) ends the run, a paragraph's later passages do not.
    The lead is the line before the first item when that is a heading or a question heading, else
    the nearest heading its passage sits under (the paragraph before may list other things)."""
    done: list[Series] = []
    run: list[SeriesItem] = []
    lead, previous, paragraph = "", "", -1

    def close() -> None:
        if MIN_ITEMS <= len(run) <= MAX_ITEMS:
            done.append(Series(doc_id, FORM, tuple(run), lead, tuple(item.passage_id for item in run)))
        run.clear()

    for passage in passages:
        continued = passage.paragraph == paragraph
        paragraph = passage.paragraph
        for n, line in enumerate(text for text in passage.text.split("\n") if text.strip()):
            folded = fold(line)
            if n == 0 and continued:
                continue  # a paragraph cut in two passages: its second half opens nothing
            heading = is_heading(line) or is_question_heading(line)
            if not heading and _FIRST.match(folded):
                close()
                headed = is_heading(previous) or is_question_heading(previous)
                lead = fold(previous if headed else passage.context.split(" › ")[-1])
                run.append(SeriesItem(1, passage.id, _opening(line)))
            elif not heading and run and _NEXT.match(folded):
                run.append(SeriesItem(len(run) + 1, passage.id, _opening(line)))
            else:
                close()
            previous = line
    close()
    return tuple(done)


_TRAILING = re.compile(r"(?:有|是|包括|包含|分为|分成|可分为|的|都|共|总共|一共|又|各)+$")
_STOPS_AFTER = re.compile(r"(?:可以|能|有|是|来|在|给|的|会|要|让).*$")


def _noun_before(phrase: str) -> str:
    """The noun ending ``phrase`` (国家提供的it支援方针有 → 方针)."""
    return _TRAILING.sub("", phrase)[-NOUN_CHARS:]


def _noun_after(phrase: str) -> str:
    """The noun a phrase after 哪些 names (it支援方针可以… → 方针)."""
    return _STOPS_AFTER.sub("", phrase)[-NOUN_CHARS:]


def content_pairs(folded: str) -> frozenset[str]:
    """The character pairs of ``folded`` (Han, Latin, digits) holding no asking character."""
    runs = re.findall(r"[\u4e00-\u9fffa-z0-9]+", folded)
    return frozenset(r[i : i + 2] for r in runs for i in range(len(r) - 1) if not _ASKING & set(r[i : i + 2]))


def prose_asked(folded_question: str) -> ProseAsked | None:
    """What prose series or item a folded question asks for, with its noun; None when it asks for
    neither (an item asked about, 第三項提到…還會導致什麼, is left to the search)."""
    found = _prose_asked(folded_question)
    return None if found is None else replace(found, pairs=content_pairs(folded_question))


def _prose_asked(folded_question: str) -> ProseAsked | None:
    item = _ITEM.search(folded_question)
    if item and (number := number_of(item.group(1))):
        return ProseAsked(number, 0, _noun_before(item.group(2)))
    item = _ITEM_AFTER.search(folded_question)
    if item and (number := number_of(item.group(2))):
        return ProseAsked(number, 0, _noun_before(item.group(1)))
    before = _LIST_BEFORE.search(folded_question)
    if before and len(noun := _noun_after(before.group(1))) == NOUN_CHARS:
        return ProseAsked(0, 0, noun)
    listed = _LIST_AFTER.search(folded_question)
    if listed:
        count = number_of(listed.group(2)) if listed.group(2) else 0
        return ProseAsked(0, count or 0, _noun_before(listed.group(1)))
    return None


def matching_prose(asked: ProseAsked, series: Sequence[Series]) -> list[Series]:
    """The prose series whose lead writes the asked noun, of the asked size when one is stated,
    cut to the asked item for an item question."""
    found = []
    for one in series:
        size = len(one.items)
        if asked.noun not in one.lead or (asked.count and asked.count != size) or asked.number > size:
            continue
        shared = sum(pair in one.lead for pair in asked.pairs)
        if len(asked.pairs) < MIN_PAIRS or shared < LEAD_SHARE * len(asked.pairs):
            continue  # 地方公部門…有哪三項方針 is not asking for the 方針 國家 provides
        if asked.number:
            one = Series(one.doc_id, one.form, (one.items[asked.number - 1],), one.lead, one.members)
        found.append(one)
    return found


def prose_series_asked(folded_question: str, outlines: Callable[[], Sequence[Outline]]) -> SeriesAsked:
    """The prose series a folded question asks for whole, or its item (``outlines``: the articles'
    outlines with their prose series, called only for a question asking for a list or an item)."""
    question = prose_asked(folded_question)
    if question is None:
        return SeriesAsked(False, ())
    found = [one for outline in outlines() for one in matching_prose(question, outline.prose)]
    return SeriesAsked(not question.number, tuple(found))
