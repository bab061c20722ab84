"""Typed answer records: every word shown is a quotation or a fixed UI phrase."""

from __future__ import annotations

from dataclasses import dataclass

from index.records import Hit


@dataclass(frozen=True)
class Citation:
    n: int  # the marker number shown as [n]
    passage_id: str
    doc_id: str
    title: str
    paragraph: int
    page: int | None


@dataclass(frozen=True)
class Quote:
    text: str  # a verbatim sentence from the cited passage
    citation: Citation
    header: str = ""  # a quoted table row's header row (verbatim from its table), shown above it; else ""


@dataclass(frozen=True)
class Answer:
    question: str
    found: bool
    quotes: tuple[Quote, ...]
    hits: tuple[Hit, ...]  # the passages shown under the answer, numbered from 1
    message: str | None = None  # a fixed UI phrase (e.g. not-found line or input problem)
    terms: tuple[str, ...] = ()  # the question's search terms (folded), for highlighting matches
    # the probability that the articles answer (0..1): the fitted model's, within the band of what is
    # shown (found ≥ found_at, 可能相關 in between, not found < maybe_at; chat.abstain.DecisionModel.shown);
    # None when nothing was decided (bad input, no articles)
    confidence: float | None = None
    uncertain: bool = False  # 可能相關: quoted, but below the confident operating point
    reason: str = ""  # why found / not found (the signal that decided), for logs and --json
