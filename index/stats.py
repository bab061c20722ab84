"""Document frequencies of search tokens over the indexed passages (term weights for answers)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field


def char_bigrams(tokens: Sequence[str]) -> frozenset[str]:
    """The pairs of adjacent letters or digits of the tokens written together: what a question and a
    passage share whatever way jieba cut them (偏遠地區 / 偏遠 地區, 振興鄉村 / 振興 鄉村)."""
    text = "".join(ch for ch in "".join(tokens) if ch.isalnum())
    return frozenset(text[i : i + 2] for i in range(len(text) - 1))


@dataclass(frozen=True)
class CorpusStats:
    """Document frequencies of tokens (and of their character pairs) over the indexed passages."""

    df: dict[str, int]
    n_docs: int
    bigram_df: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_token_lists(cls, token_lists: Iterable[Sequence[str]]) -> CorpusStats:
        df: Counter[str] = Counter()
        pairs: Counter[str] = Counter()
        n = 0
        for tokens in token_lists:
            n += 1
            df.update(set(tokens))
            pairs.update(char_bigrams(tokens))
        return cls(df=dict(df), n_docs=n, bigram_df=dict(pairs))

    def bigram_idf(self, pair: str) -> float:
        """``log((N + 1) / (df + 0.5))`` of a character pair: positive, highest for an unseen pair."""
        return math.log((self.n_docs + 1) / (self.bigram_df.get(pair, 0) + 0.5))

    def idf(self, term: str) -> float:
        """BM25-style IDF, always positive; an unseen term gets the highest weight."""
        d = self.df.get(term, 0)
        return math.log(1.0 + (self.n_docs - d + 0.5) / (d + 0.5))

    def known(self, term: str) -> bool:
        return self.df.get(term, 0) > 0
