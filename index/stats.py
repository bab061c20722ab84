"""Document frequencies of search tokens over the indexed passages (term weights for answers)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class CorpusStats:
    """Document frequencies of tokens over the indexed passages."""

    df: dict[str, int]
    n_docs: int

    @classmethod
    def from_token_lists(cls, token_lists: Iterable[Sequence[str]]) -> CorpusStats:
        df: Counter[str] = Counter()
        n = 0
        for tokens in token_lists:
            n += 1
            df.update(set(tokens))
        return cls(df=dict(df), n_docs=n)

    def idf(self, term: str) -> float:
        """BM25-style IDF, always positive; an unseen term gets the highest weight."""
        d = self.df.get(term, 0)
        return math.log(1.0 + (self.n_docs - d + 0.5) / (d + 0.5))

    def known(self, term: str) -> bool:
        return self.df.get(term, 0) > 0
