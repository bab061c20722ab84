"""Segmentation for search: OpenCC script folding + jieba with a domain dictionary.

One function, :func:`tokenize`, serves both indexing and queries, so a Simplified
query and a Traditional article meet on the same tokens.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources

from ingest.fileio import sha256_hex

# Fold everything to Simplified (many Traditional forms map to one Simplified form), after
# Japanese shinjitai to Traditional (総務省 → 總務省), so Japanese questions meet the articles.
OPENCC_CONFIGS = ("jp2t", "t2s")
OPENCC_CONFIG = "+".join(OPENCC_CONFIGS)

_PUNCT_OR_SPACE = re.compile(r"^[\W_]+$", re.UNICODE)
_KANA_PARTICLE = re.compile(r"^[\u3040-\u309f]{1,3}$")  # Japanese hiragana particles and endings
# A katakana word (letters and the long-vowel mark; ・ separates words). jieba would cut it into
# single letters, so it is kept whole: a loanword (キャッシュレス) is one token.
_KATAKANA_SPLIT = re.compile(r"([\u30a1-\u30fa\u30fc-\u30ff]+)")
_NUMERALS = "一二三四五六七八九十"
# 2: katakana words whole; 3: no numeral+是 words (構想二是 → 構想 二); 4: "1. " opens a sentence;
# 5: a short table row is embedded under its caption and header row (index.build.embedding_text)
# 6: a caption or a lead-in ending with a colon nests under its section; a paragraph ending with a lead-in
#    is the next one's context (ingest.passages.introduction)
# 7: a dateline (2024年3月 alone) heads nothing, as a byline does (ingest.furniture.is_dateline)
# 8: characters Chinese writes as Japanese shinjitai do (CHINESE_AS_WRITTEN) are not turned into old forms
SEGMENTER_VERSION = 8
# Characters that are Japanese shinjitai *and* the standard Traditional Chinese form: jp2t would turn
# them into old variants that t2s keeps (概 → 槪, 研 → 硏, 並 → 竝, 衛 → 衞, 予 → 豫, 欠 → 缺), and
# jieba no longer finds 概念, 研究, 並且, 衛生 or 給予 in the folded text. They are kept as written: of
# the 222 CJK characters jp2t + t2s folds otherwise than t2s alone, these are the ones common in
# jieba's dictionary (weight > 1000), less 浜 (Japanese 横浜 → 橫濱) and 沪.
CHINESE_AS_WRITTEN = "並併研衛概翻予郎緒瓶叙慎餅欠萌晃"
_SHIELD = {ch: chr(0xE000 + n) for n, ch in enumerate(CHINESE_AS_WRITTEN)}  # private use: OpenCC leaves them
_SHIELD_IN = str.maketrans(_SHIELD)
_SHIELD_OUT = str.maketrans({v: k for k, v in _SHIELD.items()})


def _data_text(name: str) -> str:
    return resources.files("ingest").joinpath("data", name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _converters() -> tuple:
    import opencc

    return tuple(opencc.OpenCC(name) for name in OPENCC_CONFIGS)


def fold(text: str) -> str:
    """NFKC (full-width → half-width), Japanese shinjitai → Traditional → Simplified, lowercase."""
    text = unicodedata.normalize("NFKC", text)
    japanese_to_traditional, *rest = _converters()
    text = japanese_to_traditional.convert(text.translate(_SHIELD_IN)).translate(_SHIELD_OUT)
    for converter in rest:
        text = converter.convert(text)
    return text.lower()


@lru_cache(maxsize=1)
def jieba_tokenizer():
    """A private jieba tokenizer with the folded user dictionary (built once, on first use)."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    for line in _data_text("userdict.txt").splitlines():
        parts = line.strip().rsplit(" ", 2)
        if len(parts) == 3 and parts[0]:
            tok.add_word(fold(parts[0]), int(parts[1]), parts[2])
    for numeral in _NUMERALS:  # jieba's 二是 ("secondly") would swallow the 二 of 構想二是什麼
        tok.del_word(numeral + "是")
    return tok


def in_dictionary(word: str) -> bool:
    """Whether ``word`` (folded) is a word of the tokenizer's dictionary (jieba's and the user's)."""
    tok = jieba_tokenizer()
    tok.check_initialized()
    return bool(tok.FREQ.get(word, 0) > 0)


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    return frozenset(fold(w) for w in _data_text("stopwords.txt").split())


def tokenize(text: str) -> list[str]:
    """Search tokens of ``text``: folded, jieba search-mode words, no punctuation or stopwords."""
    stop = stopwords()
    tokens = []
    for word in _words(fold(text)):
        word = word.strip()
        if word and not _PUNCT_OR_SPACE.match(word) and word not in stop and not _KANA_PARTICLE.match(word):
            tokens.append(word)
    return tokens


def _words(folded: str) -> Iterator[str]:
    """jieba search-mode words of the folded text, with each katakana run as one word."""
    cut = jieba_tokenizer().cut_for_search
    for n, piece in enumerate(_KATAKANA_SPLIT.split(folded)):
        if n % 2:
            yield piece
        elif piece:
            yield from cut(piece)


def segmenter_fingerprint() -> dict:
    """What the index manifest records so a change of segmenter forces a rebuild."""
    import jieba

    dictionary = _data_text("userdict.txt") + "\n--stop--\n" + _data_text("stopwords.txt")
    return {
        "jieba": jieba.__version__,
        "userdict_sha256": sha256_hex(dictionary),
        "opencc": OPENCC_CONFIG,
        "version": SEGMENTER_VERSION,
    }
