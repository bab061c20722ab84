"""Document frequencies of search tokens over the indexed passages (term weights for answers)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property


def char_bigrams(tokens: Sequence[str]) -> frozenset[str]:
    """The pairs of adjacent letters or digits of the tokens written together: what a question and a
    passage share whatever way jieba cut them (偏遠地區 / 偏遠 地區, 振興鄉村 / 振興 鄉村)."""
    text = "".join(ch for ch in "".join(tokens) if ch.isalnum())
    return frozenset(text[i : i + 2] for i in range(len(text) - 1))


PAIR_SAMPLE = 5000  # passages whose character pairs are counted (every k-th of a larger index)


@dataclass(frozen=True)
class CorpusStats:
    """Document frequencies of tokens over the indexed passages, and of their character pairs
    over at most ``PAIR_SAMPLE`` of them (evenly spread): a pair's weight only needs to tell a
    common pair from a rare one, and counting every pair of a 100k-passage index took 4 s."""

    df: dict[str, int]
    n_docs: int
    bigram_df: dict[str, int] = field(default_factory=dict)
    bigram_docs: int = 0  # the passages whose pairs were counted

    @classmethod
    def from_token_lists(cls, token_lists: Iterable[Sequence[str]], pair_sample: int = PAIR_SAMPLE) -> CorpusStats:
        lists = list(token_lists)
        df: Counter[str] = Counter()
        for tokens in lists:
            df.update(set(tokens))
        sampled = lists[:: max(1, -(-len(lists) // max(1, pair_sample)))]
        pairs: Counter[str] = Counter()
        for tokens in sampled:
            pairs.update(char_bigrams(tokens))
        return cls(df=dict(df), n_docs=len(lists), bigram_df=dict(pairs), bigram_docs=len(sampled))

    def bigram_idf(self, pair: str) -> float:
        """``log((N + 1) / (df + 0.5))`` of a character pair over the passages counted: positive,
        highest for an unseen pair."""
        return math.log((self.bigram_docs + 1) / (self.bigram_df.get(pair, 0) + 0.5))

    def idf(self, term: str) -> float:
        """BM25-style IDF, always positive; an unseen term gets the highest weight."""
        d = self.df.get(term, 0)
        return math.log(1.0 + (self.n_docs - d + 0.5) / (d + 0.5))

    def known(self, term: str) -> bool:
        return self.df.get(term, 0) > 0

    @cached_property
    def vocabulary(self) -> str:
        """Every indexed token, one per line: ``part in stats.vocabulary`` says whether a token
        holds ``part`` (QR in JPQR) in one substring search instead of a loop over the tokens."""
        return "\n".join(self.df)
