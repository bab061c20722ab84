"""Fusion: small named functions turning dense and BM25 scores into one ranking.

All functions work on *aligned candidate arrays*: position ``i`` of every array is
the same candidate passage (the union of the dense and BM25 top lists, each scored
by both retrievers). ``fuse`` picks the method named in ``FusionParams``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

METHODS = ("weighted", "rrf", "dense", "bm25")


@dataclass(frozen=True)
class FusionParams:
    method: str = "weighted"  # one of METHODS
    alpha: float = 0.5  # weight of the dense side in "weighted" (1 - alpha for BM25)
    norm: str = "minmax"  # "minmax" or "zscore" normalisation for "weighted"
    rrf_k: float = 60.0  # rank offset for reciprocal-rank fusion
    boost: float = 0.0  # added per exact rare term (number, Latin name) found in a passage
    candidates: int = 50  # how many passages each retriever contributes
    sentence_weight: float = 0.0  # weight of the best stored sentence's cosine when re-ranking the top
    sentence_depth: int = 20  # how many fused candidates the sentence re-ranking looks at
    bigram_weight: float = 0.0  # weight of the shared character pairs (bigram_overlap) in that re-ranking


def minmax(scores: np.ndarray) -> np.ndarray:
    """Scale to [0, 1]; a constant array becomes all ones (all equally good), empty stays empty."""
    scores = np.asarray(scores, dtype=np.float64)
    if not len(scores):
        return scores
    low, high = scores.min(), scores.max()
    if high - low <= 1e-12:
        return np.ones_like(scores) if high > 0 else np.zeros_like(scores)
    scaled: np.ndarray = (scores - low) / (high - low)
    return scaled


def zscore(scores: np.ndarray) -> np.ndarray:
    """Standardise to mean 0, standard deviation 1 (a constant array becomes zeros)."""
    scores = np.asarray(scores, dtype=np.float64)
    if not len(scores):
        return scores
    std = scores.std()
    return np.zeros_like(scores) if std <= 1e-12 else (scores - scores.mean()) / std


def ranks(scores: np.ndarray, present: np.ndarray | None = None) -> np.ndarray:
    """1-based rank of each score (higher is better, ties by position); 0 where not ``present``."""
    scores = np.asarray(scores, dtype=np.float64)
    mask = np.ones(len(scores), dtype=bool) if present is None else np.asarray(present, dtype=bool)
    result = np.zeros(len(scores), dtype=np.int64)
    idx = np.flatnonzero(mask)
    order = idx[np.lexsort((idx, -scores[idx]))]
    result[order] = np.arange(1, len(order) + 1)
    return result


def reciprocal_rank(
    rank_lists: Sequence[np.ndarray], k: float = 60.0, weights: Sequence[float] | None = None
) -> np.ndarray:
    """Reciprocal-rank fusion: sum of ``w / (k + rank)`` over the lists where a candidate is ranked."""
    weights = weights or [1.0] * len(rank_lists)
    total = np.zeros(len(rank_lists[0]) if rank_lists else 0, dtype=np.float64)
    for rank, weight in zip(rank_lists, weights):
        rank = np.asarray(rank)
        total += np.where(rank > 0, weight / (k + np.maximum(rank, 1)), 0.0)
    return total


def weighted_sum(dense: np.ndarray, bm25: np.ndarray, alpha: float, norm: str = "minmax") -> np.ndarray:
    """``alpha * norm(dense) + (1 - alpha) * norm(bm25)``."""
    normalise = {"minmax": minmax, "zscore": zscore}[norm]
    return alpha * normalise(dense) + (1.0 - alpha) * normalise(bm25)


# Exact terms a user may copy from an article: numbers with units/decimals/percent and
# Latin-script names (REVIC, MyNaPoint, GIGA), which embeddings tend to blur.
_EXACT_TERM = re.compile(r"\d+(?:[.,]\d+)*%?|[A-Za-z][A-Za-z0-9\-]*[A-Za-z0-9]")
_STOP_LATIN = frozenset(
    {
        "the",
        "and",
        "for",
        "with",
        "what",
        "how",
        "many",
        "much",
        "are",
        "is",
        "was",
        "were",
        "which",
        "who",
        "when",
        "where",
        "why",
        "does",
        "did",
        "can",
        "this",
        "that",
        "from",
        "into",
        "about",
        "there",
        "their",
        "have",
        "has",
    }
)


def squash(text: str) -> str:
    """NFKC, lower case, no whitespace: the form in which exact terms are compared."""
    return "".join(unicodedata.normalize("NFKC", text).lower().split())


def exact_terms(query: str) -> list[str]:
    """Numbers (with ``.``/``%``) and Latin words of 3+ letters from the query, squashed, de-duplicated."""
    found = []
    for match in _EXACT_TERM.finditer(unicodedata.normalize("NFKC", query)):
        term = match.group().lower()
        is_number = term[0].isdigit()
        if (is_number and len(term) >= 2) or (not is_number and len(term) >= 3 and term not in _STOP_LATIN):
            found.append(term)
    return list(dict.fromkeys(found))


def _contains_term(text: str, term: str) -> bool:
    """``term`` occurs in squashed ``text``; numbers must not be part of a longer number."""
    if term[0].isdigit():
        return re.search(rf"(?<![\d.]){re.escape(term)}(?![\d]|\.\d)", text) is not None
    return term in text


def term_matches(terms: Sequence[str], texts: Sequence[str]) -> np.ndarray:
    """For each text, the fraction of ``terms`` it contains (0 when there are no terms)."""
    if not terms:
        return np.zeros(len(texts), dtype=np.float64)
    counts = [sum(_contains_term(squash(t), term) for term in terms) for t in texts]
    return np.asarray(counts, dtype=np.float64) / len(terms)


def rare_term_boost(
    terms: Sequence[str], texts: Sequence[str], max_share: float = 0.2, squashed: Sequence[str] | None = None
) -> np.ndarray:
    """``term_matches`` counting only terms found in at most ``max_share`` of the candidates
    (``squashed``: the texts' :func:`squash` forms when the caller keeps them)."""
    if not terms or not len(texts):
        return np.zeros(len(texts), dtype=np.float64)
    squashed = list(squashed) if squashed is not None else [squash(t) for t in texts]
    found = {term: np.array([_contains_term(s, term) for s in squashed], dtype=bool) for term in terms}
    rare = [term for term in terms if 0 < found[term].sum() <= max(1, max_share * len(texts))]
    if not rare:
        return np.zeros(len(texts), dtype=np.float64)
    counts = np.sum([found[term] for term in rare], axis=0)
    return np.asarray(counts, dtype=np.float64) / len(terms)


# "第6項", "第十四個", "item 6", "No. 6", "6番目": the question points at one item of a numbered list.
_ORDINAL = re.compile(
    r"第\s*([0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*(?:項|个|個|點|点|條|条|号|號|步|階段)"
    r"|\b(?:item|no\.?|number|point|measure)\s*#?\s*([0-9]{1,2})\b"
    r"|\b([0-9]{1,2})(?:st|nd|rd|th)\s+(?:item|point|measure|idea|one|of)\b"
    r"|([0-9]{1,2})\s*(?:番目|つ目)",
    re.IGNORECASE,
)
_CHINESE_NUMERALS = "零一二三四五六七八九"


@lru_cache(maxsize=1)
def numbers_by_numeral() -> dict[str, int]:
    """一 … 九十九 → 1 … 99, the inverse of :func:`chinese_numeral`."""
    return {chinese_numeral(n): n for n in range(1, 100)}


def ordinal_items(query: str) -> list[int]:
    """The list item numbers a question points at ("第6項是什麼" → [6])."""
    found = []
    for match in _ORDINAL.finditer(unicodedata.normalize("NFKC", query)):
        raw = next(g for g in match.groups() if g)
        value = int(raw) if raw.isdigit() else numbers_by_numeral().get(raw)
        if value:
            found.append(value)
    return list(dict.fromkeys(found))


def chinese_numeral(n: int) -> str:
    """1..99 in Chinese numerals (14 → 十四, 20 → 二十)."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _CHINESE_NUMERALS[tens] + "十")
    return head + (_CHINESE_NUMERALS[ones] if ones else "")


def _item_pattern(n: int) -> str:
    """An item n heading: "6.建構…", "六、…", "(六)…" at a line / heading start, or a title
    numbered at its end ("地域未來構想二:"). Prose that counts ("第二個是…") is not a heading."""
    cn = chinese_numeral(n)
    at_start = rf"(?:^|\n|›)\s*(?:{n}\s*[.．、](?!\d)|[（(]?\s*{cn}\s*[)）、])"
    titled = rf"[\u4e00-\u9fff]{cn}\s*[:：]"
    return f"{at_start}|{titled}"


def numbered_item_match(items: Sequence[int], texts: Sequence[str]) -> np.ndarray:
    """1.0 for each text (a passage's heading path and text) with a heading numbered as one of
    the items ("6.建構脫碳化的分散型電源:", "地域未來構想二:確立新的生活型態"), else 0.0."""
    if not items:
        return np.zeros(len(texts), dtype=np.float64)
    pattern = re.compile("|".join(_item_pattern(n) for n in items))
    return np.array([pattern.search(unicodedata.normalize("NFKC", t)) is not None for t in texts], dtype=np.float64)


# A label the question quotes: 「人」, “物品”, '財政', "people".
QUOTED = re.compile(r"[「『“‘\"']([^「」『』“”‘’\"'\n]{1,12})[」』”’\"']")


def quoted_labels(query: str) -> list[str]:
    """The short strings a question puts in quotes (a table's row or column label, a name)."""
    return list(dict.fromkeys(m.group(1).strip() for m in QUOTED.finditer(query) if m.group(1).strip()))


ROW_LABEL_MAX_CHARS = 4  # a table cell this short, in a row with longer cells, names the row (財政, 物品, 人)
HEADER_MAX_CHARS = 8  # a table's first line, its cells all this short and a row under it, names columns
_MENTIONS_TABLE = re.compile(r"[列行欄栏表]|\brows?\b|\btable\b", re.IGNORECASE)
ROW_WORD = r"(?:這一|那一|这一|一|這|那|这)?(?:列|行)"  # 這一列, 那行, 一列: after a row's label


def mentions_table(query: str) -> bool:
    """Whether a question speaks of a table, a row or a column (表, 列, 行, 欄, row, table)."""
    return _MENTIONS_TABLE.search(query) is not None


def table_rows(text: str, separator: str = "｜") -> list[list[str]]:
    """The cells of each table row in ``text`` (a line of ``separator``-joined cells), leaving out a
    header: a table's first line whose cells are all short, with a row under it (column names:
    具體 ｜ 確保持續性 ｜ 推廣優良模式)."""
    lines = [line for line in text.splitlines() if line.strip()]
    rows = []
    for i, line in enumerate(lines):
        if separator not in line:
            continue
        cells = [c.strip() for c in line.split(separator)]
        first = i == 0 or separator not in lines[i - 1]
        followed = i + 1 < len(lines) and separator in lines[i + 1]
        if not (first and followed and all(len(c) <= HEADER_MAX_CHARS for c in cells)):
            rows.append(cells)
    return rows


def row_labels(texts: Sequence[str], separator: str = "｜") -> list[str]:
    """The row labels of the table rows in ``texts``: their short cells (財政, 物品, 人)."""
    return list(
        dict.fromkeys(
            c for t in texts for cells in table_rows(t, separator) for c in cells if 0 < len(c) <= ROW_LABEL_MAX_CHARS
        )
    )


def named_row_labels(
    query: str, texts: Sequence[str], fold: Callable[[str], str] = str.lower, separator: str = "｜"
) -> list[str]:
    """The row labels of ``texts``' tables that a question names without quotes: "財政一列的…",
    "物品這列", "人這一列" (a one-character label only right before 列 / 行). Only read when the
    question speaks of a table, a row or a column."""
    if not mentions_table(query):
        return []
    asked = fold(query)
    named = []
    for label in row_labels(texts, separator):
        folded_label = fold(label)
        if len(folded_label) >= 2 and folded_label in asked:
            named.append(label)
        elif len(folded_label) == 1 and re.search(re.escape(folded_label) + fold(ROW_WORD), asked):
            named.append(label)
    return named


def table_row_match(
    labels: Sequence[str], texts: Sequence[str], fold: Callable[[str], str] = str.lower, separator: str = "｜"
) -> np.ndarray:
    """1.0 for each text holding a table row (a line of ``separator``-joined cells, not a header of
    column names) with a cell that is one of the labels (compared after ``fold``), else 0.0:
    "「人」這一列寫什麼" → the 人 row; "財政一列的「推廣優良模式」欄" → the 財政 row, not the header."""
    wanted = {fold(label) for label in labels}
    if not wanted:
        return np.zeros(len(texts), dtype=np.float64)
    return np.array(
        [any(fold(cell) in wanted for cells in table_rows(t, separator) for cell in cells) for t in texts],
        dtype=np.float64,
    )


# A line opening with a short label and a colon: "區域別：北海道、…", "[5]案例分類依據：", "財政:"
LINE_LABEL = re.compile(r"^\s*(?:\[\d{1,2}\])?([^\s：:，,。、｜|]{2,10})[：:]", re.MULTILINE)


def line_labels(text: str) -> tuple[str, ...]:
    """The labels that open lines of ``text`` (區域別 in "區域別：北海道、東北…")."""
    return tuple(dict.fromkeys(m.group(1) for m in LINE_LABEL.finditer(text)))


# A label "X別" (by X) is also named by a question holding X, when X is this long and the question asks
# how things are classed: 條件不利區域分成哪些類別 names 條件不利區域別 (區域 alone is too common)
LABEL_STEM_CHARS = 4
_CLASSED = re.compile(r"类别|分类|分成|分为|种类|类型|哪几类|哪些类")


def labelled_line_match(asked: str, labels: Sequence[Sequence[str]]) -> np.ndarray:
    """1.0 for each text (given by its line labels) with a label the question names whole, else
    0.0; ``asked`` and the labels are folded alike: "区域别包括哪些地区" names 區域別, so
    "區域別：北海道、…" and not "條件不利區域別：過疏、…", whose label the question does not hold.
    A question asking how things are classed names "X別" by X (:data:`LABEL_STEM_CHARS`)."""
    classed = _CLASSED.search(asked) is not None
    return np.array([any(names_line_label(asked, label, classed) for label in own) for own in labels], dtype=np.float64)


def names_line_label(asked: str, label: str, classed: bool | None = None) -> bool:
    """Whether a folded question names a folded line label: whole, or by its stem X of "X別" when it
    asks how things are classed (``classed``; read from ``asked`` when None)."""
    if label in asked:
        return True
    stem = label.removesuffix("别")
    if stem == label or len(stem) < LABEL_STEM_CHARS or stem not in asked:
        return False
    return _CLASSED.search(asked) is not None if classed is None else classed


def fuse(
    dense: np.ndarray,
    bm25: np.ndarray,
    dense_rank: np.ndarray,
    bm25_rank: np.ndarray,
    params: FusionParams,
    boost: np.ndarray | None = None,
) -> np.ndarray:
    """One fused score per candidate, higher is better."""
    if params.method == "weighted":
        fused = weighted_sum(dense, bm25, params.alpha, params.norm)
    elif params.method == "rrf":
        fused = reciprocal_rank([dense_rank, bm25_rank], params.rrf_k, [params.alpha, 1.0 - params.alpha])
    elif params.method == "dense":
        fused = np.asarray(dense, dtype=np.float64)
    elif params.method == "bm25":
        fused = np.asarray(bm25, dtype=np.float64)
    else:
        raise ValueError(f"unknown fusion method {params.method!r}; expected one of {METHODS}")
    if boost is not None and params.boost:
        fused = fused + params.boost * np.asarray(boost, dtype=np.float64)
    return fused


def sentence_rerank(
    fused: np.ndarray,
    best_sentence: np.ndarray,
    top: np.ndarray,
    weight: float,
    overlap: np.ndarray | None = None,
    overlap_weight: float = 0.0,
) -> np.ndarray:
    """Scores where the ``top`` candidates (indices into ``fused``) are re-ordered by their min-max
    fused score plus ``weight`` × the min-max cosine of their best sentence (plus ``overlap_weight``
    × their ``overlap``, aligned with ``top``), and stay above the rest.

    A passage whose one sentence says what the question asks can sit below a passage that is
    closer on average; the stored sentence vectors make this a dot product, no model call."""
    out = minmax(fused) - 2.0
    out[top] = minmax(fused[top]) + weight * minmax(best_sentence)
    if overlap is not None and overlap_weight:
        out[top] += overlap_weight * np.asarray(overlap, dtype=np.float64)
    return out


def bigram_overlap(
    query: frozenset[str], passages: Sequence[frozenset[str]], idf: Callable[[str], float]
) -> np.ndarray:
    """Per passage, the IDF-weighted share of the question's character pairs (index.stats.char_bigrams)
    it holds, in [0, 1]: a word the question and the passage share is found even where the
    segmenter cut them differently, and a colloquial question's rare words still count."""
    weights = {pair: idf(pair) for pair in query}
    total = sum(weights.values())
    if not passages or total <= 0:
        return np.zeros(len(passages), dtype=np.float64)
    return np.array([sum(w for pair, w in weights.items() if pair in held) / total for held in passages])
