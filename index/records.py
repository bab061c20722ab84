"""Typed search results."""
from __future__ import annotations

from dataclasses import dataclass

from ingest.records import Passage


@dataclass(frozen=True)
class Hit:
    passage: Passage
    score: float                   # fused score, higher is better
    rank: int                      # 1-based rank in the fused list
    dense_score: float | None = None
    dense_rank: int | None = None  # 1-based, None when not in the dense candidates
    bm25_score: float | None = None
    bm25_rank: int | None = None
