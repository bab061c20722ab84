"""Question terms and their weights, shared by answer composition, abstention and rendering.

Terms are the tokens of :func:`ingest.segment.tokenize` (folded to Simplified, lowercase,
stopwords and punctuation dropped), so a question meets the articles on the same tokens
the keyword index uses. Weights are inverse document frequencies over the indexed passages.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

_LATIN_WORD = re.compile(r"^[0-9a-z][0-9a-z.\-_']*$")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class CorpusStats:
    """Document frequencies of tokens over the indexed passages."""

    df: dict[str, int]
    n_docs: int

    @classmethod
    def from_token_lists(cls, token_lists: Iterable[Sequence[str]]) -> "CorpusStats":
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


def tokenize(text: str) -> list[str]:
    """The search tokenizer (imported lazily: jieba loads its dictionary on first use)."""
    from ingest.segment import tokenize as _tokenize

    return _tokenize(text)


def fold(text: str) -> str:
    from ingest.segment import fold as _fold

    return _fold(text)


def question_terms(question: str) -> tuple[str, ...]:
    """Distinct search tokens of the question, in order of first appearance.

    Single digits and single Latin letters are dropped (they match almost anything).
    """
    seen: dict[str, None] = {}
    for token in tokenize(question):
        if len(token) == 1 and token.isascii():
            continue
        seen.setdefault(token, None)
    return tuple(seen)


def maximal_terms(terms: Sequence[str]) -> tuple[str, ...]:
    """Terms not contained in a longer term (jieba search mode yields both 地方创生 and 地方)."""
    return tuple(t for t in terms if not any(t != u and t in u for u in terms))


@lru_cache(maxsize=4096)
def folded(text: str) -> str:
    return fold(text)


def term_in(term: str, folded_text: str) -> bool:
    """Whether a folded term occurs in folded text (Latin terms must match whole words)."""
    if _LATIN_WORD.match(term):
        return re.search(rf"(?<![0-9a-z]){re.escape(term)}(?![0-9a-z])", folded_text) is not None
    return term in folded_text


def weighted_coverage(terms: Sequence[str], folded_text: str, stats: CorpusStats) -> float:
    """IDF-weighted share of ``terms`` that occur in ``folded_text`` (0 when no terms)."""
    total = sum(stats.idf(t) for t in terms)
    if total <= 0:
        return 0.0
    return sum(stats.idf(t) for t in terms if term_in(t, folded_text)) / total


def latin_share(text: str) -> float:
    """Share of the question's letters that are Latin rather than CJK (0..1)."""
    latin = len(_LATIN_LETTER.findall(text))
    cjk = len(_CJK.findall(text))
    return latin / (latin + cjk) if latin + cjk else 0.0


def has_searchable_text(text: str) -> bool:
    """At least one letter or digit (any script)."""
    return any(unicodedata.category(ch)[0] in ("L", "N") for ch in text)
