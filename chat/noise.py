"""Text garbled past reading: mojibake, keyboard mashing, filler, styled letters, a term repeated.

None of these is a question in any language, yet each carries enough of the articles' words (RESAS,
地方創生 typed before the garbage) for the fitted decision to quote something as 可能相關. Written from
160 non-questions a helper wrote blind for this (of them 23 were answered), then measured on a second
blind set of 150 that no rule was written from. No question of the bank, the blind batches or dev, and
no dialogue turn, is refused by any of them.

- **mojibake**: UTF-8 read as Latin-1 or cp1252 ("åœ°æ–¹å‰µç”Ÿ") or replacement characters (�), as
  ``ftfy`` finds them: the text was damaged on its way to the box and any match would be by chance.
- **garbled**: a run of three or more bopomofo letters (ㄅㄆㄇㄈ: one or two are a colloquial
  particle, ㄉ, ㄇ), a lowercase Latin word of five or more letters that is neither English nor a term of
  the articles and has almost no vowels or letters (asdfghjkl, jfjfjfjfjf), placeholder text (lorem
  ipsum, 假文), letters in the mathematical styles of social-media posts (𝓡𝓔𝓢𝓐𝓢), or one word typed three
  times (ICT ICT ICT ICT).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable

from ftfy.badness import BADNESS_RE

from chat.terms import folded

NOISE_CHECKS = True
_BOPOMOFO = re.compile(r"[\u3105-\u312f\u31a0-\u31bf]{3,}")
_LOWER_WORD = re.compile(r"(?<![A-Za-z])[a-z]{5,}(?![A-Za-z])")
_URL = re.compile(r"\S*(?:://|www\.)\S*")  # https, www: no word typed
_STYLED = re.compile(r"[\U0001d400-\U0001d7ff]{2,}")  # Mathematical Alphanumeric Symbols
_FILLER = re.compile(r"\blorem\b|\bipsum\b|假文|ダミーテキスト")
MIN_VOWELS = 0.2  # a share of vowels below this is no word of a language written in Latin letters
MAX_DISTINCT = 0.4  # letters so few for the word's length are typed over and over
REPEATS = 3  # a word typed this many times is not asked about


def mojibake(question: str) -> str:
    """The first characters of ``question`` that are mojibake or replacement characters, or ""."""
    match = BADNESS_RE.search(question) if NOISE_CHECKS else None
    return match.group(0) if match else ""


def _mashed(word: str) -> bool:
    vowels = sum(ch in "aeiouy" for ch in word) / len(word)
    return vowels < MIN_VOWELS or (len(word) >= 6 and len(set(word)) / len(word) <= MAX_DISTINCT)


def mashed_word(question: str, english: Callable[[str], bool], known: Callable[[str], bool]) -> str:
    """A lowercase Latin word of ``question`` typed by mashing keys, or ""."""
    for word in _LOWER_WORD.findall(_URL.sub(" ", question)):
        if _mashed(word) and not english(word) and not known(word):
            return word
    return ""


def repeated_word(question: str, english: Callable[[str], bool]) -> str:
    """A word of two or more characters that ``question`` types :data:`REPEATS` times or more
    (English words excepted: "the" three times is an English sentence), or ""."""
    counts = Counter(word for word in question.split() if len(word) >= 2)
    return next((w for w, n in counts.most_common() if n >= REPEATS and not english(w.lower())), "")


def garbled(question: str, english: Callable[[str], bool], known: Callable[[str], bool]) -> str:
    """What shows that ``question`` is garbled (see the module's docstring), or ""."""
    if not NOISE_CHECKS:
        return ""
    text = unicodedata.normalize("NFC", question)
    for match in (_BOPOMOFO.search(text), _STYLED.search(text), _FILLER.search(folded(text))):
        if match:
            return match.group(0)[:20]
    return mashed_word(text, english, known) or repeated_word(text, english)
