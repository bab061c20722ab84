"""Cutting articles into passages: paragraph-based, split at sentence ends, bounded length."""
from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from typing import Callable

from ingest.records import Article, Paragraph, Passage

DEFAULT_MAX_CHARS = 240
# a sentence ends after a run of end marks (and any closing quotes/brackets and footnote marks
# that follow), after a Latin full stop followed by space or the end, or at a line end
_SENTENCE_END = re.compile(r"[。！？!?；;]+[」』）)】〕》”’\"']*(?:\[\d{1,3}\])*|\.(?=\s)|\.$|\n")
_SOFT_BREAK = re.compile(r"[，,、：:]")


def passage_id(doc_id: str, text: str) -> str:
    """Stable id: the same text in the same article gets the same id on every build."""
    digest = hashlib.sha256(f"{doc_id}\x00{text}".encode("utf-8")).hexdigest()
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
        window = text[start:start + max_chars]
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


def split_passages(
    article: Article,
    max_chars: int = DEFAULT_MAX_CHARS,
    tokenize: Callable[[str], list[str]] | None = None,
) -> list[Passage]:
    """Passages of ``article``: each within one paragraph, cut at sentence ends."""
    passages, seen = [], set()
    for para in article.paragraphs:
        for start, end in _chunks(para.text, max_chars):
            passage = _passage(article, para, start, end, tokenize)
            if passage.id in seen:  # the same text twice in one article: keep ids unique, still stable
                passage = replace(passage, id=f"{passage.id}-{para.number}-{start}")
            seen.add(passage.id)
            passages.append(passage)
    return passages


def _passage(article: Article, para: Paragraph, start: int, end: int, tokenize) -> Passage:
    text = para.text[start:end]
    return Passage(
        id=passage_id(article.doc_id, text),
        doc_id=article.doc_id,
        title=article.meta.title,
        paragraph=para.number,
        page=para.page,
        start=para.start + start,
        end=para.start + end,
        text=text,
        tokens=tuple(tokenize(text)) if tokenize else (),
    )
