"""Typed search results and stored sentence vectors."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ingest.records import Passage


@dataclass(frozen=True)
class Hit:
    passage: Passage
    score: float  # fused score, higher is better
    rank: int  # 1-based rank in the fused list
    dense_score: float | None = None
    dense_rank: int | None = None  # 1-based, None when not in the dense candidates
    bm25_score: float | None = None
    bm25_rank: int | None = None


@dataclass(frozen=True)
class SentenceVectors:
    """The stored vectors of one passage's sentences (``ingest.passages.sentence_spans`` of its text).

    ``spans[i]`` is the (start, end) slice of ``passage.text`` whose vector is ``vectors[i]``
    (float32, L2-normalised, embedded like passages at build time)."""

    spans: tuple[tuple[int, int], ...]
    vectors: np.ndarray

    def texts(self, passage_text: str) -> list[str]:
        return [passage_text[start:end] for start, end in self.spans]
