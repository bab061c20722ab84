"""Question words typed with a wrong character of the same sound → the articles' words (keyword side).

Readers type Chinese by sound, and a colloquial question often has a homophone typo: 總物省 for
總務省, 交富金 for 交付金, 避南 for 避難, 林時 for 臨時. Such a word is in no passage and in no
dictionary, so neither BM25 nor the thesaurus (:mod:`ingest.thesaurus`) can use it. A question's
Han word of two characters or more that the articles do not use (``known``) and that is no word of
jieba's dictionary (``is_word``: 他們, 縣市, 鼓勵 are real words, not typos, though the articles
use 它們, 先是, 孤立) gets the articles' words of the same length and the same toneless pinyin
(``pypinyin``), unless those are stopwords (像是 for the 項是 of "第三項是", 還是 for 海士); when the
whole word has none, its shorter windows are tried, longest first (避南所 → 避南 → 避難).

Over the bank and blind batches w9–w21 (3,800 questions), 47 have such a word once the dictionary
and stopword filters apply (before them, 163: 他們 → 它們, 縣市 → 先是…); most are colloquial
typos. First quote on the held-out sets 1105 → 1106 of 1326, train unchanged, retrieval hit@1
unchanged (504 / 1156); with the ranker refitted, one held-out follow-up fewer (w18d). The
articles' vocabulary is read into a pinyin index on the first question that has such a word;
pypinyin's dictionary is imported then, not at import time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence

from ingest.terms import HAN_WORD

Known = Callable[[str], bool]  # whether a folded search token occurs in the articles
Terms = Callable[[str], Sequence[str]]  # a question -> its content terms (folded search tokens)
MAX_TERMS = 12  # question terms looked up (a pasted page costs no more)
MAX_PER_TERM = 2  # homophones kept per question word (more means the sound is too common to tell)


def sound(word: str) -> tuple[str, ...]:
    """The toneless pinyin of each character of ``word`` (交付金 → jiao, fu, jin)."""
    from pypinyin import lazy_pinyin

    return tuple(lazy_pinyin(word))


class HomophoneExpander:
    """Question → the articles' words that sound like its unknown, non-dictionary words."""

    def __init__(
        self,
        vocabulary: Callable[[], Iterable[str]],
        known: Known,
        terms: Terms,
        is_word: Callable[[str], bool],
        stopwords: Callable[[], frozenset[str]],
    ) -> None:
        self._vocabulary = vocabulary  # the articles' search tokens, read on the first look-up
        self._known = known
        self._terms = terms
        self._is_word = is_word
        self._stopwords = stopwords
        self._by_sound: dict[tuple[str, ...], tuple[str, ...]] | None = None
        self._lock = threading.Lock()

    def looked_up(self, question: str) -> list[str]:
        """The question's Han words of two characters or more that are neither in the articles
        nor in the dictionary: the candidates for a typo."""
        return [t for t in self._terms(question) if HAN_WORD.match(t) and not self._known(t) and not self._is_word(t)][
            :MAX_TERMS
        ]

    def by_sound(self) -> dict[tuple[str, ...], tuple[str, ...]]:
        """The articles' Han words (no stopwords) by their toneless pinyin, built once."""
        with self._lock:
            if self._by_sound is None:
                stop = self._stopwords()
                index: dict[tuple[str, ...], list[str]] = {}
                for word in sorted(set(self._vocabulary())):
                    if HAN_WORD.match(word) and word not in stop:
                        index.setdefault(sound(word), []).append(word)
                self._by_sound = {key: tuple(words) for key, words in index.items()}
            return self._by_sound

    def __call__(self, question: str) -> list[str]:
        words = self.looked_up(question)
        if not words:
            return []
        index = self.by_sound()
        found: dict[str, None] = {}
        for word in words:
            for piece in pieces(word):
                same = [w for w in index.get(sound(piece), ()) if w != piece]
                if 0 < len(same) <= MAX_PER_TERM:
                    found.update(dict.fromkeys(same))
                    break
        return list(found)


def pieces(word: str) -> list[str]:
    """``word`` whole, then its shorter windows, longest first (two characters at the least):
    a typo inside a longer word (避南所) is matched by the window that holds it (避南 → 避難)
    when the whole has no homophone in the articles (避難所 is none of their words)."""
    return [word[i : i + n] for n in range(len(word), 1, -1) for i in range(len(word) - n + 1)]
