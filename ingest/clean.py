"""Cleaning of extracted article text: generic rules, no string literals for particular files.

1. Lines that repeat across the document (page headers, footers) and page counters
   are removed; a publication date they carry goes to the article's metadata.
2. Lines broken inside a sentence are re-joined (no space between CJK characters,
   one space between Latin words); real paragraph breaks and headings are kept.
3. Footnote marks are normalised to ``[n]``; tab-separated table rows become one
   paragraph each, cells joined by `` ｜ `` so the table stays searchable.

The output is a fixed point: cleaning a cleaned text changes nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from ingest.furniture import byline_head
from ingest.records import RawDocument

CELL_SEP = " ｜ "
TERMINAL = "。！？!?：:"  # semicolons end sentences (passages) but not paragraphs
CLOSERS = "」』）)》〉】”’\"'"
OPENERS = {"「": "」", "『": "』", "（": "）", "(": ")", "《": "》", "〈": "〉", "【": "】"}
# characters that (almost) never start a paragraph: a line starting with one continues the previous line
CONTINUATION_START = set("、，,。．.；;：:！？!?）)」』》〉】%％的了過著之與及等者們性化率")
HEADING_MAX = 40
# Formats whose blank lines are paragraph breaks the writer made (a Markdown block, an HTML or DOCX
# paragraph): lines are re-joined only within one. A .txt or PDF blank line may be a page break
# inside a sentence, so there the line-joining heuristics decide. Without this, a Markdown
# "## 二、做法" ran into its paragraph ("二、做法國發會…": 法國 reads as a word across the break).
BLANK_LINE_ENDS = ("md", "html", "docx")
# A .txt whose blank lines stand between some lines and not others (text copied from a web page:
# a blank line after each paragraph, none between a title and its byline or between table rows)
# is read the same way. Text extracted from a PDF has a blank line after every line (the seeds:
# 96% and 100%) or hardly any, and there the heuristics decide. Without this, a heading with a
# comma ran into its paragraph ("一、前言：人口減少時代，地方爭取的不只是住民台灣在2020年…").
TXT_BLANK_SHARE = (0.2, 0.9)  # share of lines followed by a blank line, for blank lines to end paragraphs
TXT_BLANK_MIN_LINES = 8
REPEAT_MIN = 3  # a short line seen this many times (or on half the pages) is a header/footer
REPEAT_MAX_LEN = 60

_PAGE_COUNTER = re.compile(
    r"^(?:[-–—\s]*\d{1,4}\s*(?:/|of|／)\s*\d{1,4}[-–—\s]*|[-–—]\s*\d{1,4}\s*[-–—]|第\s*\d{1,4}\s*頁(?:\s*[/／,，]?\s*共\s*\d{1,4}\s*頁)?|page\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$",
    re.IGNORECASE,
)
_RULE_LINE = re.compile(r"^[-=_|+:\s]{3,}$")
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_DATE_LABEL = re.compile(r"發佈|發布|发布|發表|发表|日期|published|date", re.IGNORECASE)
_FOOTNOTE_LINK = re.compile(r"\[\\?\[(\d{1,3})\\?\]\]\([^)]*\)")
_FOOTNOTE_CARET = re.compile(r"\[\^(\d{1,3})\]")
_SPACE_BEFORE_NOTE = re.compile(r"(?<=[。！？，、」』）)；：.!?])[ \t]+(?=\[\d{1,3}\])")
_CJK = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RUN = re.compile(rf"[{_CJK}]+")
_LETTER_SPACED = re.compile(rf"(?<![{_CJK}])[{_CJK}](?: +[{_CJK}])+(?![{_CJK}])")
_CJK_SPACE_CJK = re.compile(rf"(?<=[{_CJK}，、。）」]) +(?=[{_CJK}（「])")
_LIST_ITEM = re.compile(
    r"^(?:\d{1,2}[.、．](?!\d)|[（(]\d{1,2}[)）]|[一二三四五六七八九十]+、"
    r"|第[一二三四五六七八九十\d]+[、，,:：])"
)
_LATIN_END = re.compile(r"[A-Za-z0-9]$")
_LETTER_END = re.compile(r"[A-Za-z]$")
_NUMBER_MARKER = re.compile(r"^\d{1,2}[.、．]$")
_MARKER_ONLY = re.compile(r"^(?:\d{1,2}[.、．]|[（(]\d{1,2}[)）]|[一二三四五六七八九十]+、)$")
_NOTE_START = re.compile(r"^\[\d{1,3}\]")
_CAPTION = re.compile(
    r"^(?:資料|圖片|图片|圖表|图表|表格|照片)?來源[:：]|^(?:source|image|photo)s?[:：]", re.IGNORECASE
)
_LATIN_START = re.compile(r"^[A-Za-z0-9(]")
_WORD_TAIL = re.compile(r"^(?:[b-df-hj-np-tv-xz]{1,2}|[B-DF-HJ-NP-TV-XZ]{1,2})(?=[^\sA-Za-z0-9])")


@dataclass
class CleanResult:
    paragraphs: list[tuple[str, int | None]]  # (text, page) in reading order
    published: str | None = None
    removed: list[str] = field(default_factory=list)  # distinct removed lines, for reports


def clean_document(raw: RawDocument) -> CleanResult:
    """Clean a loaded document into paragraphs (with the page each starts on, for paged formats)."""
    pages = [_normalise_text(p) for p in raw.pages]
    if raw.paged:
        pages = [_drop_bare_page_number(p) for p in pages]
    lines = [(line, (i + 1) if raw.paged else None) for i, page in enumerate(pages) for line in page.split("\n")]
    repeated = _repeated_lines([line for line, _ in lines], len(pages))
    blocks: list[list[tuple[str, int | None]]] = [[]]
    removed: list[str] = []
    blank_ends = raw.fmt in BLANK_LINE_ENDS or (raw.fmt == "txt" and _blank_lines_separate(lines))
    for line, page in lines:
        stripped = line.strip()
        if not stripped:
            if blank_ends and blocks[-1]:
                blocks.append([])
            continue
        if stripped in repeated or _PAGE_COUNTER.match(stripped) or _RULE_LINE.match(stripped):
            removed.append(stripped)
            continue
        blocks[-1].append((stripped, page))
    paragraphs = [paragraph for block in blocks for paragraph in _join_lines(block)]
    return CleanResult(paragraphs, _published_date(removed), sorted(set(removed)))


def _blank_lines_separate(lines: list[tuple[str, int | None]]) -> bool:
    """Whether a text's blank lines are paragraph breaks its writer made: some of its lines are
    followed by one and others not (``TXT_BLANK_SHARE``)."""
    texts = [line.strip() for line, _ in lines]
    filled = [i for i, text in enumerate(texts) if text][:-1]  # the last line has nothing after it
    if len(filled) < TXT_BLANK_MIN_LINES:
        return False  # too few lines to tell
    followed = sum(1 for i in filled if not texts[i + 1])
    low, high = TXT_BLANK_SHARE
    return low <= followed / len(filled) < high


def clean_text(text: str) -> str:
    """Clean a plain text; paragraphs joined by blank lines (used for idempotence checks)."""
    raw = RawDocument(source="-", pages=(text,), paged=False, content_hash="", fmt="txt")
    return "\n\n".join(p for p, _ in clean_document(raw).paragraphs)


# Some PDF producers (Chromium's, Word's) write a character with a radical's code point when the
# glyphs match: ⼣張市⻑ for 夕張市長, 353 億⽇圓 for 353 億日圓. The Kangxi radicals have the character
# as their compatibility form (NFKC); the radicals supplement has none, so its look-alikes are listed.
_RADICAL_LOOKALIKES = {
    "⺠": "民", "⻑": "長", "⻘": "青", "⻝": "食", "⻣": "骨", "⻤": "鬼", "⻄": "西", "⻩": "黃",
    "⻫": "斉", "⻭": "歯", "⻯": "竜", "⻲": "亀", "⻆": "角", "⻨": "麦",
}  # fmt: skip


@lru_cache(maxsize=1)
def _radicals() -> dict[int, str]:
    """The translation table from radicals to the characters they stand in for."""
    kangxi = {code: unicodedata.normalize("NFKC", chr(code)) for code in range(0x2F00, 0x2FD6)}
    supplement = {code: unicodedata.normalize("NFKC", chr(code)) for code in range(0x2E80, 0x2EF4)}
    table = {code: ch for code, ch in {**kangxi, **supplement}.items() if ch != chr(code)}
    return {**table, **{ord(radical): ch for radical, ch in _RADICAL_LOOKALIKES.items()}}


def _normalise_text(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u3000", " ").replace("\xa0", " ")
    text = text.translate(_radicals())
    text = "".join(ch for ch in text if ch in "\n\t" or ch.isprintable())
    text = _FOOTNOTE_LINK.sub(r"[\1]", text)
    return _FOOTNOTE_CARET.sub(r"[\1]", text)


def _drop_bare_page_number(page: str) -> str:
    """On a PDF page, a line holding only a number at the very top or bottom is the page number."""
    lines = page.split("\n")
    filled = [i for i, line in enumerate(lines) if line.strip()]
    for i in {filled[0], filled[-1]} if filled else ():
        if re.fullmatch(r"\s*\d{1,4}\s*", lines[i]):
            lines[i] = ""
    return "\n".join(lines)


def _repeated_lines(lines: list[str], n_pages: int) -> set[str]:
    """Short lines that occur often enough to be page furniture rather than content."""
    counts = Counter(line.strip() for line in lines if line.strip())
    threshold = max(REPEAT_MIN, (n_pages + 1) // 2) if n_pages > 1 else REPEAT_MIN
    return {line for line, n in counts.items() if n >= threshold and len(line) <= REPEAT_MAX_LEN and not _is_row(line)}


def _published_date(removed: list[str]) -> str | None:
    for line in removed:
        match = _DATE.search(line)
        if match and _DATE_LABEL.search(line):
            year, month, day = (int(g) for g in match.groups())
            if 1 <= month <= 12 and 1 <= day <= 31:
                return f"{year:04d}-{month:02d}-{day:02d}"
    return None


# cells set apart by runs of spaces (a plain-text table: "2008　　約81.4億　　約5.4萬件"), three or more
_SPACED_CELLS = re.compile(r"^\S(?:.*?\S)? {2,}\S(?:.*?\S)? {2,}\S")


def _is_row(line: str) -> bool:
    return "\t" in line.strip() or CELL_SEP.strip() in line or _SPACED_CELLS.match(line.strip()) is not None


def _format_row(line: str) -> str:
    cells = re.split(r"\t+| ｜ | {2,}", line.strip())
    cells = [_CJK_SPACE_CJK.sub("", _unspace(c.strip())) for c in cells]
    return CELL_SEP.join(c for c in cells if c)


def _unspace(text: str) -> str:
    """``具 體`` → ``具體``: letter-spaced CJK runs are an extraction artefact."""
    return _LETTER_SPACED.sub(lambda m: m.group(0).replace(" ", ""), text)


def _join_lines(lines: list[tuple[str, int | None]]) -> list[tuple[str, int | None]]:
    """Re-join lines broken inside sentences; keep real paragraph breaks and headings."""
    paragraphs: list[tuple[str, int | None]] = []
    current, page, at_start = "", None, True
    for i, (line, line_page) in enumerate(lines):
        if _is_row(line):
            if current:
                paragraphs.append((current, page))
            paragraphs.append((_format_row(line), line_page))
            current, page, at_start = "", None, True
            continue
        line = _unspace(line)
        current = _glue(current, line) if current else line
        page = page if page is not None else line_page
        following = lines[i + 1][0] if i + 1 < len(lines) else None
        if following is None or _ends_paragraph(current, line, following, at_start):
            paragraphs.append((_tidy(current), page))
            current, page, at_start = "", None, True
        else:
            at_start = False
    return [(text, pg) for text, pg in paragraphs if text]


def _glue(left: str, right: str) -> str:
    if right.startswith("http") or (_NUMBER_MARKER.match(left) and right[:1].isdigit()):
        return f"{left} {right}"  # "1." + "2014年…" joined would read as the decimal 1.2014
    if _LATIN_END.search(left) and _LATIN_START.search(right):
        return left + right if _word_tail(left, right) else f"{left} {right}"
    return left + right


def _word_tail(left: str, right: str) -> bool:
    """``right`` opens with the end of the word ``left`` ends with, split by the PDF's line break:
    one or two letters with no vowel, in the case of the letter before, then no Latin letter or space
    ("MyNaPoi" + "nt、無現金" → MyNaPoint, "活用AP" + "P數據" → APP). A word of its own has a vowel
    ("Cloud" + "First"), and "Plan" + "B" changes case."""
    tail = _WORD_TAIL.match(right)
    return bool(tail) and left[-1].isalpha() and left[-1].islower() == right[0].islower()


def _tidy(paragraph: str) -> str:
    return _SPACE_BEFORE_NOTE.sub("", re.sub(r"[ \t]{2,}", " ", paragraph)).strip()


BYLINE_LINE_MAX = 30  # characters: a longer byline may go on on the next line of a PDF page


def _ends_paragraph(current: str, line: str, following: str, at_start: bool) -> bool:
    """Does the paragraph end after ``line`` (the last line of ``current``)?"""
    nxt = following.strip()
    if _MARKER_ONLY.match(current):
        return False
    if len(current) <= BYLINE_LINE_MAX and byline_head(current) is not None:
        return True  # a byline line ends there (作者：周品妤，…研究員 over 摘要…), unless it runs the page wide
    if _is_row(nxt) or _LIST_ITEM.match(nxt) or _NOTE_START.match(nxt) or byline_head(nxt) is not None:
        return True  # a byline under the title is its own paragraph (作者：林佳穎　發布日期：…)
    if nxt[0] in CONTINUATION_START or nxt.startswith("http") or _unbalanced(current):
        return False
    if _ends_sentence(current) or _CAPTION.match(current):
        return True
    if current.endswith(("，", ",", "、", "「", "（", "(")) or _LETTER_END.search(current):
        return False
    return at_start and _is_heading(line, nxt)


def _ends_sentence(text: str) -> bool:
    text = re.sub(r"(\[\d{1,3}\])+$", "", text.rstrip()).rstrip().rstrip(CLOSERS)
    return bool(text) and text[-1] in TERMINAL


def _unbalanced(text: str) -> bool:
    return any(text.count(o) > text.count(c) for o, c in OPENERS.items())


def _is_heading(line: str, following: str) -> bool:
    """A short, comma-free line standing alone whose last word does not run into the next line."""
    if len(line) > HEADING_MAX or "，" in line or "。" in line:
        return False
    return not _word_crosses(line, following)


def _word_crosses(left: str, right: str) -> bool:
    """True when a dictionary word spans the line break (``人口減`` + ``少`` → ``減少``)."""
    if left[-1].isdigit() and right[0] in "年月日號号%％萬万億亿兆元":
        return True
    if _restates(left, right):
        return False
    from ingest.segment import fold

    tail, head = fold(left[-3:]), fold(right[:3])
    position = 0
    for word in _cutter().cut(tail + head, HMM=False):
        if position < len(tail) < position + len(word):
            return True
        position += len(word)
    return False


def _restates(left: str, right: str) -> bool:
    """``right`` opens with the last two or more (CJK) characters of ``left`` again: a title and
    the body that names its subject first ("熊本縣的熊本熊" + "熊本熊在2010年誕生…"). A break inside
    a word never doubles text, so a word read across it ("熊熊") is only the repetition's."""
    limit = min(len(left), len(right))
    return any(_CJK_RUN.fullmatch(right[:k]) and left.endswith(right[:k]) for k in range(2, limit + 1))


@lru_cache(maxsize=1)
def _cutter():
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba.Tokenizer()
