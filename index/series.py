"""Numbered heading series of an article, and the counts an article declares.

An article that says it has 三大目標 and then heads three sections 地域未來構想一: … 二: … 三: has a
series of three numbered headings. "第二個目標是什麼？" points at the second heading of *that*
series, not at "2.整備發燒篩檢站…" of the twenty numbered concepts, and "有哪三大目標？" is
answered by the three headings. A series is matched to the question's noun only through a count
the article itself states (三大目標, 20項…概念): without one, nothing here applies.

Headings of such a titled series can group a list: 地域未來構想一: heads items 1.–8. of the twenty,
構想二: 9.–14., 構想三: 15.–20. A question naming one group and a place in it ("地域未來構想三的第一項
是什麼？", or a follow-up "第二項呢？" after 地域未來構想三) asks for the item at that place under that
group, in article order (15., 16.), not item 1 or 2 of the whole list (:func:`group_asked`).

Questions and article texts are compared folded (``ingest.segment.fold``: Simplified, lower
case); the heading lines kept for quoting are the articles' own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from index.fusion import numbers_by_numeral
from ingest.records import Passage

HEADING_MAX_CHARS = 60  # a numbered line longer than this is prose, not a heading…
LABEL_MAX_CHARS = 16  # …unless it opens with a label this short ending with a colon: a labelled list item
LIST_MAX_ITEMS = 8  # a series listed as an answer has at most this many headings
ARTICLES = 3  # the articles of this many best passages are the ones whose series a question may ask for
NOUN_GAP = 12  # characters a count may stand before its noun (20項未來區域治理上重要的概念)

_NUMERAL = r"[一二三四五六七八九十]{1,3}"
_COUNT = rf"(?<![\d.])\d{{1,2}}(?![\d.])|{_NUMERAL}|两"
_CLASSIFIER = r"大|个|项|种|类|点|条|支|阶段|部分"
_TITLED = re.compile(rf"^\s*([\u4e00-\u9fff]{{2,12}}?)({_NUMERAL})\s*[:：]")  # 地域未来构想二:
_DOTTED = re.compile(r"^\s*(\d{1,2})\s*[.．](?!\d)")  # 2.整备发烧筛检站…:
_LISTED = re.compile(rf"^\s*({_NUMERAL})\s*、")  # 二、…
_BRACKETED = re.compile(rf"^\s*[（(]\s*({_NUMERAL})\s*[)）]")  # （二）…
_ITEM_MARK = rf"(?:\d{{1,2}}\s*[.．](?!\d)|{_NUMERAL}\s*、|[（(]\s*{_NUMERAL}\s*[)）])"  # 1. / 一、 / （一）
_LABELLED = re.compile(rf"^\s*{_ITEM_MARK}\s*[^:：\s][^:：]{{1,{LABEL_MAX_CHARS - 1}}}[:：]")
# A bulleted list item (● 行政直營型：…, • …, - … in Markdown): numbered by its place in a run of
# such lines that no other line breaks (blank lines do not)
_BULLET = re.compile(r"^\s*(?:[●•○■◆▪◦‧]|[-*+]\s)\s*\S")
# A list whose marks the loader did not keep (Word, Markdown, web pages): lines each opening with a
# short label and a colon (基金型：每年一兆韓元。) right under a lead-in ending with a colon
_LABEL_LINE = re.compile(rf"^\s*[^:：\s，。,；;][^:：，。,；;]{{0,{LABEL_MAX_CHARS - 1}}}[:：]\s*\S")
_LEAD_IN_END = re.compile(r"[:：]\s*$")
_NOUN_END = re.compile(r"(?:[呢是的有在要吗为指包各都和与及或]|分别).*")  # 第二个目标是什么 → 目标; 部分 stays
_AFTER_NOUN = r"(?=$|[\s，。、,.;；:：!?！？)）」』”和与及或中有是])"  # 三大目标、 / 的概念。: the noun ends there
_ASKED_ITEM = re.compile(rf"第\s*({_COUNT})(?:\s*({_CLASSIFIER}))?([\u4e00-\u9fff]{{0,4}})")
ITEM_CLASSIFIERS = ("项",)  # 第6项 with no noun: the item of the series the article counts in 项 (20项…概念)
_ASKED_LIST = re.compile(rf"(?<![第\d])({_COUNT})\s*(?:{_CLASSIFIER})([\u4e00-\u9fff]{{1,4}})")
_ASKED_SOME = re.compile(rf"哪\s*几\s*(?:{_CLASSIFIER})([\u4e00-\u9fff]{{1,4}})")  # 分成哪几种类型: the count unsaid
_ENGLISH_NUMBERS = {w: n for n, w in enumerate("one two three four five six seven eight".split(), 1)}
_ENGLISH_ORDINALS = {w: n for n, w in enumerate("first second third fourth fifth sixth seventh eighth".split(), 1)}
# Only a question asking what the item is (第二个目标是什么, 那第二个呢) or what the members are
# (哪三大目标, 三大目标分别是什么, what are the three goals): one asking something about an item
# ("第10项…中，除了…还可以搭配哪些…") is left to the search.
_WHAT_ITEM_REST = re.compile(
    r"^\s*(?:是|为|指)?\s*(?:什么|哪一?个|哪一?项|哪些|啥|何)?\s*(?:呢|吗|啊)?\s*[?？。.!！]?\s*$"
)
_WHAT_LIST_REST = re.compile(
    rf"^\s*(?:分别|各自|各|又)?\s*(?:是|为|有|包括|包含)\s*(?:什么|哪些|哪几|甚么|哪\s*(?!一)(?:{_COUNT})\s*(?:{_CLASSIFIER})\s*(?:呢|啊)?\s*[?？。.!！]?\s*$)"
)  # 三大目标分别是什么, 三大目标是哪三个 (not 是哪一个最重要)
# Japanese: 三つの目標は何ですか (the three goals), 二つ目の目標は何 (the second goal); folded, so 目标
_JAPANESE_NOUN = r"([\u4e00-\u9fff]{1,4}?)"
_JAPANESE_LIST = re.compile(
    rf"(?<![第\d])({_COUNT})\s*つの\s*{_JAPANESE_NOUN}\s*(?:は|を|って)\s*(?:何|なん|どれ|教え)"
)
_JAPANESE_ITEM = re.compile(rf"(?<![\d])({_COUNT})\s*つ目の\s*{_JAPANESE_NOUN}\s*(?:は|って)\s*(?:何|なん|どれ)")
_ENGLISH_ITEM = re.compile(rf"^\s*what(?:'s|\s+is|\s+was)\s+the\s+({'|'.join(_ENGLISH_ORDINALS)})\s+([a-z]+)")
_ENGLISH_LIST = re.compile(
    rf"^\s*(?:(?:what|which)\s+(?:are|were)|name|list)\s+(?:the\s+)?({'|'.join(_ENGLISH_NUMBERS)}|\d)\s+"
    r"(?:main\s+|major\s+|big\s+)?([a-z]+s)\b"
)


def number_of(text: str) -> int | None:
    """1..99 from digits or Chinese numerals (二, 十二, 二十, 两), else None."""
    if text.isdigit():
        return int(text)
    return numbers_by_numeral().get(text.replace("两", "二"))


@dataclass(frozen=True)
class SeriesItem:
    number: int
    passage_id: str
    line: str  # the heading line, as the passage's text writes it
    place: int = 0  # the line's place among its article's lines (what lies under which heading)


@dataclass(frozen=True)
class Series:
    """Headings of one article numbered 1..N in article order, in one form ("titled 地域未来构想",
    "dotted", "listed", "bracketed"), or a run of bulleted items ("bulleted", numbered by place)."""

    doc_id: str
    form: str
    items: tuple[SeriesItem, ...]
    lead: str = ""  # a bulleted run's lead-in: the line before it (folded), which must count what is asked
    members: tuple[str, ...] = ()  # a prose series (index.prose): its items' passages, kept when cut to one item


@dataclass(frozen=True)
class Group:
    """One heading of a titled series (地域未来构想三:) and the numbered items under it, up to the
    next heading of that series (15. … 20.): what "构想三的第一项" counts in."""

    doc_id: str
    title: str  # folded, the heading's name before its number (地域未来构想)
    number: int  # its number in the titled series (3)
    of: int  # how many headings that series has
    heading: SeriesItem
    items: tuple[SeriesItem, ...]  # in article order
    form: str  # the form of the items' series (dotted)


@dataclass(frozen=True)
class Outline:
    """An article's folded text (where its counts are read), its heading series and the groups
    of numbered items its titled headings head."""

    doc_id: str
    folded_text: str
    series: tuple[Series, ...]
    groups: tuple[Group, ...] = ()
    prose: tuple[Series, ...] = ()  # runs of paragraphs opening 首先 / 第二個是 … (index.prose)


@dataclass(frozen=True)
class SeriesAsked:
    """The series a question asks for whole (``listed``), or the one item of each it asks for;
    ``group``: the name of the group that item was counted in (构想三的第一项), else ""."""

    listed: bool
    series: tuple[Series, ...]
    group: str = ""


@dataclass(frozen=True)
class Asked:
    """A question pointing at a series: item ``number`` of it ("第二個目標"), or all of it when
    ``listed`` ("哪三大目標": ``number`` is then the count; 0 for "哪幾種類型", which leaves it to
    the article)."""

    number: int
    nouns: tuple[str, ...]  # folded; an English noun's glossary words
    listed: bool
    classifier: str = ""  # with no noun: the classifier the article must count in (第6项)


def labelled(line: str) -> bool:
    """Whether ``line`` is a list item numbered 1. / 一、 / （一） whose short label ends with a colon
    ("1. 企業投資故鄉：鼓勵企業…"): an item the label names, however long its text."""
    return _LABELLED.match(line) is not None


def heading_number(folded_line: str) -> tuple[str, int] | None:
    """The form and number of a numbered heading line or labelled list item, else None."""
    if len(folded_line.strip()) > HEADING_MAX_CHARS and not labelled(folded_line):
        return None
    titled = _TITLED.match(folded_line)
    if titled:
        value = number_of(titled.group(2))
        return (f"titled {titled.group(1)}", value) if value else None
    for form, pattern in (("dotted", _DOTTED), ("listed", _LISTED), ("bracketed", _BRACKETED)):
        found = pattern.match(folded_line)
        if found:
            value = number_of(found.group(1))
            return (form, value) if value else None
    return None


def list_item(line: str, folded: str, lead: str, marked: bool | None) -> bool:
    """Whether ``line`` (``folded``: as read through the outline's fold) is an item of a bulleted or
    labelled list: bulleted (● …), or opening with a short label and a colon under a lead-in ending
    with a colon and not numbered (1. X： is a numbered series). ``marked``: whether the run going
    on is bulleted (None: no run); a run goes on only with items of its own kind."""
    if _BULLET.match(line):
        return marked is not False
    if not _LABEL_LINE.match(line) or marked or heading_number(folded) is not None:
        return False
    return marked is not None or bool(_LEAD_IN_END.search(lead))


def article_series(
    rows: Sequence[tuple[str, str]], doc_id: str, fold: Callable[[str], str] = str
) -> tuple[Series, ...]:
    """The series among ``rows`` ((passage id, text) of one article, in article order; each line
    read through ``fold``): for each form, runs of headings numbered 1, 2, … N (N ≥ 2) with
    nothing skipped; a run broken by a wrong number is dropped, a new 1 starts another."""
    runs: dict[str, list[SeriesItem]] = {}
    broken: set[str] = set()
    done: list[Series] = []

    def close(form: str) -> None:
        run = runs.pop(form, [])
        if form not in broken and len(run) >= 2:
            done.append(Series(doc_id, form, tuple(run)))
        broken.discard(form)

    bullets: list[SeriesItem] = []
    lead = ""  # the last line that is neither blank nor a list item
    marked = False  # whether the run's items are bulleted (● …) or only labelled (基金型：…)

    def close_bullets() -> None:
        if len(bullets) >= 2:
            done.append(Series(doc_id, "bulleted", tuple(bullets), lead))
        bullets.clear()

    lines = ((passage_id, line) for passage_id, text in rows for line in text.split("\n"))
    for place, (passage_id, line) in enumerate(lines):
        folded = fold(line)
        if list_item(line, folded, lead, marked if bullets else None):
            marked = bool(_BULLET.match(line))
            bullets.append(SeriesItem(len(bullets) + 1, passage_id, line.strip(), place))
            continue
        if line.strip():
            close_bullets()
            lead = folded
        numbered = heading_number(folded)
        if numbered is None:
            continue
        form, value = numbered
        run = runs.get(form, [])
        item = SeriesItem(value, passage_id, line.strip(), place)
        if value == 1:
            close(form)
            runs[form] = [item]
        elif run and run[-1].number == value - 1:
            run.append(item)
        elif not (run and run[-1].number == value):
            broken.add(form)
    for form in list(runs):
        close(form)
    close_bullets()
    return tuple(done)


def declared_counts(noun: str, folded_text: str) -> set[int]:
    """The counts ``folded_text`` gives ``noun`` with a classifier, the noun ending its phrase: {3}
    for 三大目标, {20} for 20项未来区域治理上重要的概念 (noun 概念; 区域 there is no counted noun), and
    {20} for a name that numbers its noun, 地域未来构想20 (第9项构想 is one of the twenty)."""
    pattern = re.compile(
        rf"({_COUNT})\s*(?:{_CLASSIFIER})[^，。、,.;；:：!?！？\n]{{0,{NOUN_GAP}}}?{re.escape(noun)}{_AFTER_NOUN}"
    )
    named = re.compile(rf"{re.escape(noun)}(\d{{1,2}})(?!\d|[.,年月日%])")  # 地域未来构想20: twenty 构想
    found = pattern.finditer(folded_text), named.finditer(folded_text)
    return {value for matches in found for match in matches if (value := number_of(match.group(1)))}


def classifier_counts(classifier: str, folded_text: str) -> set[int]:
    """The counts ``folded_text`` states in ``classifier`` whatever they count: {20, 8, 6} for
    20项…概念, 8项:…, 6项重点 (not 第6项, a position)."""
    pattern = re.compile(rf"(?<!第)({_COUNT})\s*{re.escape(classifier)}")
    return {value for found in pattern.finditer(folded_text) if (value := number_of(found.group(1)))}


def _noun(raw: str) -> str:
    return _NOUN_END.sub("", raw)


def asked(folded_question: str, english_words: Callable[[str], Sequence[str]] = lambda word: ()) -> Asked | None:
    """What series item (第二个目标, the second goal) or whole series (哪三大目标, the three goals)
    a folded question asks for, with the noun it counts; None when it counts no noun.
    ``english_words``: an English noun's Chinese words (the index's glossary)."""
    item = _ASKED_ITEM.search(folded_question)
    listed = _ASKED_LIST.search(folded_question)
    counted = _noun(listed.group(2)) if listed else ""
    if item and (number := number_of(item.group(1))):
        noun = _noun(item.group(3))
        if not _WHAT_ITEM_REST.match(folded_question[item.start(3) + len(noun) :]):
            return None
        if noun or counted:  # 第二个呢 after 三大目标 (a follow-up searched with the previous question's words)
            return Asked(number, (noun or counted,), listed=False)
        classifier = item.group(2) or ""
        return Asked(number, (), listed=False, classifier=classifier) if classifier in ITEM_CLASSIFIERS else None
    if listed and (number := number_of(listed.group(1))) and counted:
        which = folded_question[listed.start() - 1 : listed.start()] == "哪"
        if which or _WHAT_LIST_REST.match(folded_question[listed.start(2) + len(counted) :]):
            return Asked(number, (counted,), listed=True)
    some = _ASKED_SOME.search(folded_question)
    if some and (noun := _noun(some.group(1))):
        return Asked(0, (noun,), listed=True)  # 0: as many as the article counts
    japanese = _JAPANESE_ITEM.search(folded_question) or _JAPANESE_LIST.search(folded_question)
    if japanese and (number := number_of(japanese.group(1))):
        return Asked(number, (japanese.group(2),), listed=japanese.re is _JAPANESE_LIST)
    english = _ENGLISH_ITEM.search(folded_question)
    if english and (nouns := tuple(english_words(english.group(2)))):
        return Asked(_ENGLISH_ORDINALS[english.group(1)], nouns, listed=False)
    english = _ENGLISH_LIST.search(folded_question)
    if english and (nouns := tuple(english_words(english.group(2)))):
        count = english.group(1)
        return Asked(int(count) if count.isdigit() else _ENGLISH_NUMBERS[count], nouns, listed=True)
    return None


def matching_series(question: Asked, outlines: Sequence[Outline]) -> list[Series]:
    """The series the question points at: in an article that gives the question's noun a count,
    the series of exactly that many headings (for a listed question, that count must be the
    question's; an item's number must be within it)."""
    found, titled = [], []
    for outline in outlines:
        counts = set().union(*(declared_counts(noun, outline.folded_text) for noun in question.nouns))
        if question.classifier:
            counts |= classifier_counts(question.classifier, outline.folded_text)
        if question.listed:
            wanted = {question.number} if question.number else set(range(2, LIST_MAX_ITEMS + 1))
            counts &= wanted if question.number <= LIST_MAX_ITEMS else set()
        for series in outline.series:
            size = len(series.items)
            if _titled_by(series, question.nouns):  # 地域未来构想一/二/三: the three 构想 the headings name
                if question.number <= size and (not question.listed or question.number in (0, size)):
                    titled.append(series)
                continue
            if series.form == "bulleted":  # counted by its own lead-in (可分為四種類型：), not elsewhere
                said = set().union(*(declared_counts(noun, series.lead) for noun in question.nouns))
                if not (size in said and size in counts):
                    continue
            if size in counts and (question.listed or question.number <= size):
                found.append(series)
    return titled + found


def _titled_by(series: Series, nouns: Sequence[str]) -> bool:
    """A series of headings that each name one of ``nouns`` before their number (地域未来构想二)."""
    title = series.form.removeprefix("titled ") if series.form.startswith("titled ") else ""
    return bool(title) and any(noun and noun in title for noun in nouns)


def outline_of(doc_id: str, passages: Sequence[Passage], fold: Callable[[str], str]) -> Outline:
    """One article's folded text, numbered heading series and groups (``passages``: its passages)."""
    rows = [(p.id, p.text) for p in sorted(passages, key=lambda p: p.start)]
    series = article_series(rows, doc_id, fold)
    return Outline(doc_id, fold("\n".join(text for _, text in rows)), series, article_groups(series))


def article_groups(series: Sequence[Series]) -> tuple[Group, ...]:
    """The groups of numbered items that the headings of a titled series head: under each heading
    (地域未来构想三:), up to the next one, the items of the numbered series met first there (15. …
    20.; one numbered on from the group before, or numbered anew from 1 under each heading). A
    titled series groups a list only when at least two of its headings have items under them."""
    inner = [s for s in series if not s.form.startswith("titled ") and s.form != "bulleted"]
    groups: list[Group] = []
    for heads in series:
        if not heads.form.startswith("titled ") or not inner:
            continue
        title = heads.form.removeprefix("titled ")  # read from the folded line
        ends = [head.place for head in heads.items[1:]] + [max(i.place for s in inner for i in s.items) + 1]
        found = []
        for head, end in zip(heads.items, ends):
            runs = [(s.form, [i for i in s.items if head.place < i.place < end]) for s in inner]
            runs = [(form, items) for form, items in runs if items]
            if runs:
                form, items = min(runs, key=lambda run: run[1][0].place)
                found.append(Group(heads.doc_id, title, head.number, len(heads.items), head, tuple(items), form))
        if len(found) >= 2:
            groups += found
    return tuple(groups)


# An item asked by its place (第一项, 第3个, 最后一个, 最后呢) and what follows it: the last such in a
# text (a follow-up searched after the previous question's words asks with its own, at the end)
_PLACE_ASKED = re.compile(
    rf"(?:第\s*({_COUNT})\s*(?:{_CLASSIFIER})?|(最后)\s*(?:一|那)?\s*(?:{_CLASSIFIER}))([\u4e00-\u9fff]{{0,4}})|(最后)呢"
)
LAST_ITEM = -1


def place_asked(folded_question: str) -> tuple[int, str] | None:
    """The place a folded question asks what the item at is (N, or ``LAST_ITEM`` for 最后一个) and
    the noun it counts ("" for 第一项 / 第二个), when the question ends asking what it is (第二项呢,
    第一项是什么); None otherwise (第三项提到…还会导致什么 asks something about it)."""
    found = list(_PLACE_ASKED.finditer(folded_question))
    if not found:
        return None
    last = found[-1]
    if last.group(4):
        return LAST_ITEM, ""
    noun = _noun(last.group(3))
    if not _WHAT_ITEM_REST.match(folded_question[last.start(3) + len(noun) :]):
        return None
    number = LAST_ITEM if last.group(2) else number_of(last.group(1))
    return (number, noun) if number else None


def named_group(folded_question: str, groups: Sequence[Group]) -> Group | None:
    """The group a folded question names last, by its heading's name and number (地域未来构想三, or
    the name's end: 构想三, 构想3); None when it names none."""
    best: tuple[int, Group] | None = None
    for group in groups:
        ends = "|".join(re.escape(group.title[start:]) for start in range(len(group.title) - 1))
        for found in re.finditer(rf"(?:{ends})\s*({_COUNT})(?![\d一二三四五六七八九十])", folded_question):
            if number_of(found.group(1)) == group.number and (best is None or found.start() > best[0]):
                best = (found.start(), group)
    return best[1] if best else None


def group_asked(folded_question: str, outlines: Sequence[Outline]) -> SeriesAsked | None:
    """The item a question asks by its place in a group it names ("地域未来构想三的第一项": the first
    item under 构想三, 15. …), one per article naming it; None when the question names no group with
    a place, or counts the headings themselves (第二个目标 when the article counts 三大目标)."""
    place = place_asked(folded_question)
    if place is None:
        return None
    number, noun = place
    found: list[Series] = []
    name = ""
    for outline in outlines:
        group = named_group(folded_question, outline.groups)
        if group is None:
            continue
        if noun and (noun in group.title or group.of in declared_counts(noun, outline.folded_text)):
            return None  # the ordinal counts the groups, not their items
        name = f"{group.title}{group.number}"
        if number == LAST_ITEM or number <= len(group.items):
            found.append(Series(group.doc_id, group.form, (group.items[-1 if number == LAST_ITEM else number - 1],)))
    return SeriesAsked(False, tuple(found), name) if name else None


def series_asked(
    text: str,
    outlines: Callable[[], Sequence[Outline]],
    fold: Callable[[str], str],
    english_words: Callable[[str], Sequence[str]] = lambda word: (),
) -> SeriesAsked:
    """The series a question asks for, whole for a listed question (哪三大目標), else cut to the
    asked item (第二個目標), or to the item at the asked place under the group it names (地域未來構想三
    的第一項: item 15 of the twenty, not item 1); none when it counts no noun an article counts.
    ``outlines`` is called only for a question that counts a noun or asks for a place."""
    folded_text = fold(text)
    if _PLACE_ASKED.search(folded_text):
        grouped = group_asked(folded_text, outlines())
        if grouped is not None:
            return grouped
    question = asked(folded_text, english_words)
    if question is None:
        return SeriesAsked(False, ())
    found = matching_series(question, outlines())
    if question.listed:
        return SeriesAsked(True, tuple(found))
    return SeriesAsked(False, tuple(Series(s.doc_id, s.form, (s.items[question.number - 1],)) for s in found))
