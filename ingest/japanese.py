"""Japanese words of a question → English (JMdict) → the articles' Chinese terms (keyword side).

Kanji are already folded to the articles' forms (``ingest.segment``: OpenCC jp2t), but katakana
loanwords (キャッシュレス, テレワーク, マイナンバーカード) have no Chinese spelling to fold to. JMdict (the
``jamdict`` + ``jamdict-data`` packages, EDRDG licence) gives their English glosses; the English
glossary matcher the index already has (the articles' bilingual pairs and CC-CEDICT glosses,
``ingest.glossary`` / ``ingest.dictionary``) turns those into the Chinese words the articles use.

Nothing here runs for a question without kana, and nothing is loaded at import: the dictionary
is an SQLite file opened on the first Japanese question; lookups read it (no table is held in
memory) and only the glosses of recently asked words are kept.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from ingest.errors import SouseiError
from ingest.terms import HAN_WORD

Lookup = Callable[[str], Sequence[str]]  # a Japanese word -> its English glosses, most common first
English = Callable[[str], Sequence[str]]  # an English text -> the articles' terms it names
Known = Callable[[str], bool]  # whether a folded search token occurs in the articles

_KANA = re.compile(r"[\u3041-\u309f\u30a1-\u30fa\u30fc-\u30ff\uff66-\uff9f]")
# A katakana word: katakana letters and the long-vowel mark; the middle dot (・) separates words.
KATAKANA_RUN = re.compile(r"[\u30a1-\u30fa\u30fc-\u30ff]+")
MIN_WORD_CHARS = 2  # one katakana letter is a sound, not a word
MAX_ENTRIES = 1  # dictionary entries used per word (JMdict lists the common one first; 1-3 alike on train)
MAX_SENSES = 1  # senses used per entry (1-3 alike on train: the fewest, least noise)
MAX_GLOSS_WORDS = 3  # longer glosses are explanations, not names
GLOSS_CACHE = 1024  # words whose glosses are kept (a few hundred bytes each)
MAX_WORDS = 16  # words looked up per question (a pasted page of katakana costs no more)
_ASIDE = re.compile(r"\([^)]*\)")
# What may be looked up: kana and kanji only (jamdict reads "%", "_", "@" and "id#" as patterns).
_LOOKUP_WORD = re.compile(r"^[\u3041-\u309f\u30a1-\u30fa\u30fc-\u30ff\u3400-\u9fff\uf900-\ufaff々]{1,32}$")


def has_kana(text: str) -> bool:
    """Whether ``text`` has hiragana or katakana (full- or half-width)."""
    return _KANA.search(text) is not None


def katakana_words(text: str) -> list[str]:
    """The katakana words of ``text`` (NFKC, so half-width kana count), each once, in order."""
    runs = KATAKANA_RUN.findall(unicodedata.normalize("NFKC", text))
    return list(dict.fromkeys(run for run in runs if len(run.strip("ー")) >= MIN_WORD_CHARS))


def unknown_kanji_words(text: str, known: Known) -> list[str]:
    """The kanji words of ``text`` (jieba's search-mode words of its folded form, two characters
    or more) that the articles do not use, written as in the question (輸出, not the folded 输出)."""
    from ingest.segment import fold, jieba_tokenizer

    written = unicodedata.normalize("NFKC", text)
    folded = fold(written)
    if len(folded) != len(written):  # the folding changed the length: positions would not line up
        return []
    words = (
        written[start:end]
        for token, start, end in jieba_tokenizer().tokenize(folded, mode="search")
        if HAN_WORD.match(token) and not known(token)
    )
    return list(dict.fromkeys(words))


def clean_gloss(gloss: str) -> str | None:
    """A gloss without its asides ("card (information, filing, etc.)" → "card"), or None when it
    is an explanation rather than a word or a name."""
    text = " ".join(_ASIDE.sub(" ", gloss).split())
    return text if text and len(text.split()) <= MAX_GLOSS_WORDS else None


class JapaneseExpander:
    """Question → the articles' terms for its Japanese words: the English glosses (``lookup``) of
    its katakana words and of its kanji words the articles do not use (``known``), passed through
    the English glossary matcher (``english``)."""

    def __init__(self, english: English, lookup: Lookup | None = None, known: Known | None = None) -> None:
        self._english = english
        self._lookup = lookup if lookup is not None else jmdict_glosses
        self._known = known

    def words(self, question: str) -> list[str]:
        """The question's Japanese words to look up: its katakana words and (given ``known``) its
        kanji words the articles do not use; none without kana."""
        if not has_kana(question):
            return []
        kanji = unknown_kanji_words(question, self._known) if self._known is not None else []
        return (katakana_words(question) + kanji)[:MAX_WORDS]

    def glosses(self, question: str) -> list[str]:
        """The English glosses of the question's Japanese words, each once."""
        found: dict[str, None] = {}
        for word in self.words(question):
            for gloss in self._lookup(word):
                cleaned = clean_gloss(gloss)
                if cleaned:
                    found.setdefault(cleaned, None)
        return list(found)

    def __call__(self, question: str) -> list[str]:
        terms: dict[str, None] = {}
        for gloss in self.glosses(question):
            for term in self._english(gloss):
                terms.setdefault(term, None)
        return list(terms)


_LOCK = threading.Lock()
MISSING_DICTIONARY = "日文詞典 JMdict 沒有安裝：請執行 ./dev（或 pip install jamdict jamdict-data）後再問日文問題"


@lru_cache(maxsize=1)
def _jamdict() -> Any:  # a jamdict.Jamdict over jamdict-data's SQLite file (jamdict has no types)
    try:
        from jamdict import Jamdict
    except ImportError as exc:
        raise SouseiError(MISSING_DICTIONARY) from exc
    jam = Jamdict(reuse_ctx=False)  # one connection per lookup: a served UI asks from many threads
    if not jam.ready:
        raise SouseiError(MISSING_DICTIONARY)
    return jam


@lru_cache(maxsize=GLOSS_CACHE)
def jmdict_glosses(word: str) -> tuple[str, ...]:
    """English glosses of ``word`` in JMdict (exact match of a kana or kanji form): the first
    ``MAX_SENSES`` senses of its first ``MAX_ENTRIES`` entries, in dictionary order; nothing for
    a word that is not all kana and kanji (never passed to the dictionary)."""
    if not _LOOKUP_WORD.match(word):
        return ()
    jam = _jamdict()
    with _LOCK, jam.jmdict.ctx() as ctx:
        entries = jam.lookup(word, strict_lookup=True, lookup_chars=False, lookup_ne=False, ctx=ctx).entries
    return tuple(
        gloss.text
        for entry in entries[:MAX_ENTRIES]
        for sense in entry.senses[:MAX_SENSES]
        for gloss in sense.gloss
        if gloss.text
    )
