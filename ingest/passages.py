"""Cutting articles into passages: paragraph-based, split at sentence ends, bounded length."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from ingest.furniture import byline_head, is_dateline
from ingest.records import Article, Paragraph, Passage

DEFAULT_MAX_CHARS = 240
# a sentence ends after a run of end marks (and any closing quotes/brackets and footnote marks
# that follow), after a Latin full stop followed by space or the end, or at a line end; not after
# the number that opens a list item ("1. 研議專法。" is one sentence, not "1." and the rest)
_SENTENCE_END = re.compile(
    r"[。！？!?；;]+[」』）)】〕》”’\"']*(?:\[\d{1,3}\])*|(?<!^\d)(?<!^\d\d)\.(?=\s)|\.$|\n", re.MULTILINE
)
_SOFT_BREAK = re.compile(r"[，,、：:]")


def passage_id(doc_id: str, text: str) -> str:
    """Stable id: the same text in the same article gets the same id on every build."""
    digest = hashlib.sha256(f"{doc_id}\x00{text}".encode()).hexdigest()
    return f"{doc_id}:{digest[:12]}"


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text`` (whitespace between them excluded)."""
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        spans.append((start, match.end()))
        start = match.end()
    if start < len(text):
        spans.append((start, len(text)))
    return [_strip_span(text, a, b) for a, b in spans if text[a:b].strip()]


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _hard_pieces(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """Split an over-long sentence at the last soft break (comma…) before ``max_chars``, else hard."""
    pieces = []
    while end - start > max_chars:
        window = text[start : start + max_chars]
        breaks = [m.end() for m in _SOFT_BREAK.finditer(window) if m.end() > max_chars // 3]
        cut = start + (breaks[-1] if breaks else max_chars)
        pieces.append((start, cut))
        start = cut
    pieces.append((start, end))
    return pieces


def _chunks(paragraph: str, max_chars: int) -> list[tuple[int, int]]:
    """Group consecutive sentences into chunks of at most ``max_chars`` characters."""
    units = [p for a, b in sentence_spans(paragraph) for p in _hard_pieces(paragraph, a, b, max_chars)]
    chunks: list[tuple[int, int]] = []
    for start, end in units:
        if chunks and end - chunks[-1][0] <= max_chars:
            chunks[-1] = (chunks[-1][0], end)
        else:
            chunks.append((start, end))
    return _balance_tail(chunks, paragraph, max_chars)


def _balance_tail(chunks: list[tuple[int, int]], text: str, max_chars: int) -> list[tuple[int, int]]:
    """Merge a very short last chunk into its predecessor when the result stays within 1.25×max."""
    if len(chunks) >= 2 and chunks[-1][1] - chunks[-1][0] < max_chars // 5:
        merged = (chunks[-2][0], chunks[-1][1])
        if merged[1] - merged[0] <= int(max_chars * 1.25):
            return chunks[:-2] + [merged]
    return chunks


# A heading: a short line that does not end a sentence (a section title, a numbered list
# title, a table caption, a lead-in ending with a colon). Source lines and footnotes are not.
HEADING_MAX_CHARS = 40
LIST_HEADING_MAX_CHARS = 60  # numbered item titles and lead-ins ending with a colon run longer
_NUMBERED = re.compile(r"^\s*\d{1,2}\s*[.．、]\s*\S")
_SUB_NUMBERED = re.compile(r"^\s*[（(][一二三四五六七八九十]{1,3}[）)]\s*\S")  # （一）under 一、
_ENDS_SENTENCE = re.compile(r"[。！？!?；;.][」』）)】〕》”’\"']*$")
_ENDS_COLON = re.compile(r"[：:]$")
_ENDS_QUESTION = re.compile(r"[？?][」』）)】〕》”’\"']*$")
_STOPS = re.compile(r"[。！？!?；;]")
_NOT_HEADING = re.compile(r"^\s*(?:\[\d{1,3}\]|(?:資料|圖片|图片|资料)?[來来]源|source\b|https?://)", re.IGNORECASE)
_LABELLED_LIST = re.compile(r"[：:].*[、，,]")  # "導入團體別：地方政府、非營利組織" is content
TABLE_CELL_SEPARATOR = " ｜ "


def is_heading(text: str) -> bool:
    """Whether a paragraph (or sentence) reads as a heading rather than as content."""
    text = text.strip()
    if not text or len(text) > LIST_HEADING_MAX_CHARS or TABLE_CELL_SEPARATOR in text:
        return False
    if _ENDS_COLON.search(text):
        return True
    if len(text) > (LIST_HEADING_MAX_CHARS if _NUMBERED.match(text) else HEADING_MAX_CHARS):
        return False
    if _NOT_HEADING.match(text) or _ENDS_SENTENCE.search(text):
        return False
    return _LABELLED_LIST.search(text) is None


def is_question_heading(text: str) -> bool:
    """A short paragraph that only asks a question ("國家能提供什麼支援方針呢？"): the article
    answers it in the paragraphs below, so it heads them like a section title."""
    text = text.strip()
    return (
        0 < len(text) <= HEADING_MAX_CHARS
        and _ENDS_QUESTION.search(text) is not None
        and _NOT_HEADING.match(text) is None
        and len(_STOPS.findall(text)) == 1
    )


# A table or figure caption (表1 …) and a lead-in ending with a colon that is no numbered item
# ("下表整理歷年的隊員人數：", "本文提出以下五項建議：") introduce what follows inside their section:
# they nest under the section heading, and the numbered items they introduce nest under them. As
# section headings of their own, they took the section's place in the path of the rows and items
# below them ("四、地域振興協力隊" was lost from its table's rows).
LEAD_IN_LEVEL = 1.5
_CAPTION = re.compile(
    r"^\s*(?:表|圖|图|Table|Figure)\s*[0-9０-９一二三四五六七八九十]{1,3}(?:[\s　:：.．、]|$)"
)  # 表1 …, 圖2：…


def heading_level(text: str) -> float:
    """1 for a section heading, 2 for a numbered item heading (1. or （一）, nested under the
    section), 3 for a question heading (nested under both), :data:`LEAD_IN_LEVEL` for a lead-in
    ending with a colon. The article's title is 0 (outline)."""
    if is_question_heading(text):
        return 3
    if _NUMBERED.match(text) or _SUB_NUMBERED.match(text):
        return 2
    return LEAD_IN_LEVEL if _ENDS_COLON.search(text.strip()) or _CAPTION.match(text) else 1


@dataclass(frozen=True)
class OutlinedParagraph:
    paragraph: Paragraph
    context: tuple[str, ...]  # the headings above it that are not part of its text
    lead: tuple[Paragraph, ...] = ()  # heading paragraphs right before it, merged into its first passage


def introduction(text: str) -> str:
    """The last sentence of a paragraph when it introduces the next one ("…的角色。工作站的任務大致
    包括：" over the list of tasks), else "". It is the next paragraph's context: the list is found
    by the words of its lead-in (任務), which it does not repeat."""
    text = text.strip()
    if not _ENDS_COLON.search(text) or is_heading(text):
        return ""
    start = sentence_spans(text)[-1][0]
    return text[start:].strip()


def is_table_row(text: str) -> bool:
    return TABLE_CELL_SEPARATOR in text


HEADER_CELL_MAX_CHARS = 12  # a first table row whose cells are all this short names the columns


def _opens_table(paragraphs: Sequence[Paragraph], i: int) -> bool:
    """Paragraph ``i`` is a table's first row (after prose, not a caption) whose cells are short
    names, no sentence: it names the columns (年度 ｜ 學生數 above 2008 ｜ 89)."""
    if i and is_table_row(paragraphs[i - 1].text):
        return False
    cells = [cell.strip() for cell in paragraphs[i].text.split(TABLE_CELL_SEPARATOR.strip())]
    return all(0 < len(cell) <= HEADER_CELL_MAX_CHARS and not re.search(r"[。！？；，,]", cell) for cell in cells)


def outline(paragraphs: Sequence[Paragraph]) -> list[OutlinedParagraph]:
    """Content paragraphs with the heading path above each; a heading followed by content is
    not a unit of its own but leads the first passage under it (a trailing heading stays alone).
    A heading opening the article is its title: the context of every passage (title › heading ›
    paragraph). A byline ("作者：林小明" under the title) or a dateline (2024年3月) is short like a
    heading but heads nothing.
    A table's header row (the first row under a caption, with more rows after it) is part of
    the heading path of the rows below it, so each row says what its cells are."""
    path: list[tuple[float, str]] = []
    before_lead: list[tuple[float, str]] = []  # the path before the current run of headings
    resume: list[tuple[float, str]] | None = None  # the path to return to when a table ends
    pending: list[Paragraph] = []
    out: list[OutlinedParagraph] = []
    for i, para in enumerate(paragraphs):
        following = paragraphs[i + 1] if i + 1 < len(paragraphs) else None
        header_row = (
            is_table_row(para.text)
            and (bool(pending) and not is_table_row(pending[-1].text) or _opens_table(paragraphs, i))
            and following is not None
            and is_table_row(following.text)
        )
        if resume is not None and not is_table_row(para.text):
            path, resume = resume, None  # the caption and header speak for the table only
        question = following is not None and is_question_heading(para.text) and not is_table_row(following.text)
        if byline_head(para.text) is not None or is_dateline(para.text):  # a byline or date: heads nothing
            out.append(OutlinedParagraph(para, (), tuple(pending)))
            pending = []
            continue
        if is_heading(para.text) or header_row or question:
            if not pending:
                before_lead = list(path)
            if header_row:
                resume = before_lead
            level = path[-1][0] + 1 if header_row and path else 0 if i == 0 else heading_level(para.text)
            path = [h for h in path if h[0] < level] + [(level, para.text.strip())]
            pending.append(para)
            continue
        lead = tuple(pending)
        own = {p.text.strip() for p in lead}
        context = tuple(h for _, h in path if h not in own)
        introduced = introduction(paragraphs[i - 1].text) if i and not pending else ""
        out.append(OutlinedParagraph(para, (*context, introduced) if introduced else context, lead))
        pending = []
    out.extend(OutlinedParagraph(p, ()) for p in pending)  # headings with nothing under them
    return out


def split_passages(
    article: Article,
    max_chars: int = DEFAULT_MAX_CHARS,
    tokenize: Callable[[str], list[str]] | None = None,
) -> list[Passage]:
    """Passages of ``article``: each within one paragraph (led by the heading just above it,
    if any), cut at sentence ends, and carrying the article title and heading path as context."""
    passages, seen = [], set()
    for item in outline(article.paragraphs):
        para = item.paragraph
        for n, (start, end) in enumerate(_chunks(para.text, max_chars)):
            first = item.lead[0] if (n == 0 and item.lead) else None
            context = " › ".join((*item.context, *((p.text for p in item.lead) if n else ())))
            passage = _passage(article, para, start, end, tokenize, context, first)
            if passage.id in seen:  # the same text twice in one article: keep ids unique, still stable
                passage = replace(passage, id=f"{passage.id}-{para.number}-{start}")
            seen.add(passage.id)
            passages.append(passage)
    return passages


def _passage(
    article: Article, para: Paragraph, start: int, end: int, tokenize, context: str, lead: Paragraph | None
) -> Passage:
    begin = lead.start if lead is not None else para.start + start
    text = article.text[begin : para.start + end]
    context = context.strip(" ›")
    search = f"{context}\n{text}" if context else text
    return Passage(
        id=passage_id(article.doc_id, text),
        doc_id=article.doc_id,
        title=article.meta.title,
        paragraph=lead.number if lead is not None else para.number,
        page=lead.page if lead is not None else para.page,
        start=begin,
        end=para.start + end,
        text=text,
        tokens=tuple(tokenize(search)) if tokenize else (),
        context=context,
    )
