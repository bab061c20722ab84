"""Questions asked before: the train material's answerable questions, each with the passage that
answers it, as evidence for a new question worded like one of them.

A new question whose vector is close to an earlier question's (cosine above ``THRESHOLD``) moves
that question's passage up the ranking: ``WEIGHT × (cosine − THRESHOLD)`` is added to the passage's
fused score (``Searcher._rank``). It is how a question bank written by people becomes part of the
retriever without a generative model (document expansion by real queries): the embedding model alone
ranks the right passage second too often when the question shares no words with it.

The shipped memory (``index/data/asked.json`` + ``asked.npy``) is made by ``python -m
chat.make_asked`` from the train material (the ``train`` split of ``tests/data/qbank.jsonl``, the
train dialogues' first turns, two early sets) and the blind batches w9–w51, once they had been
measured; the frozen ``test`` split and the batches written after them are never in it. Its
unanswerable questions are in it too, without gold: they move no passage, but how much closer a new
question is to one of them than to an answered one is a signal of the found decision
(:meth:`AskedMemory.closest`; chat.abstain). Each entry names its article by the content hash of the
article's file and its passage by gold strings, so it applies only while that article is indexed as
it was, to the passages that hold a gold string; the vectors are tied to the model's fingerprint
(another model: no memory). Chosen on the train split, each question left out of the memory it is
scored against: threshold 0.78–0.85 and weight 10 gave hit@1 0.869 → 0.899 (weight 5: 0.887, 20:
0.886); with the batches in it (3766 questions), threshold 0.82, 0.85 and 0.88 gave train hit@1 972,
973 and 973 of 1057.
"""

from __future__ import annotations

import functools
import json
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from index.evaluate import squash_spaces
from ingest.records import Article, Passage

DATA_DIR = Path(__file__).parent / "data"
ENTRIES_FILE = "asked.json"
VECTORS_FILE = "asked.npy"
VERSION = 2  # 2: entries carry their batch, and unanswerable questions (no gold) join them
READABLE_VERSIONS = (1, 2)
THRESHOLD = 0.85  # an earlier question counts from this cosine on
WEIGHT = 10.0  # added to the fused score per unit of cosine above THRESHOLD
SAME_NUMBERS = True  # an earlier question counts only when it writes the same numbers (index.asked.numbers)
# the earlier questions' words as keyword text of their passages (AskedTerms): BM25 parameters and
# the weight of that score beside the passages' own BM25 (0: off)
TERMS_WEIGHT = 1.0
TERMS_K1, TERMS_B = 1.5, 0.75
# the words apply only when each of this many best candidates without them is in an article the
# memory is about: a question that brings an added article near the top is that article's to answer
TERMS_NEAR = 5


_NUMBER = re.compile(r"\d+(?:\.\d+)?|第[一二三四五六七八九十百兩]+")


def numbers(text: str) -> frozenset[str]:
    """The numbers a question writes (digits, and ordinals in Chinese numerals: 第五): an
    embedding blurs them, so 第5項 and 第6項 look alike."""
    return frozenset(_NUMBER.findall(unicodedata.normalize("NFKC", text)))


def wording(text: str) -> str:
    """A question's words without spacing, punctuation or case (for the leave-out)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if not ch.isspace() and not unicodedata.category(ch).startswith("P"))


@dataclass(frozen=True)
class AskedEntry:
    question: str
    gold: tuple[str, ...]  # substrings of the passage that answers it; none: the articles do not answer it
    article: str  # content hash of the article's file ("" for an unanswerable question)
    batch: str = ""  # the set it was written in (one writer's batch: w36, fresh12…)

    @property
    def answered(self) -> bool:
        return bool(self.gold)


@dataclass(frozen=True)
class AskedMemory:
    entries: tuple[AskedEntry, ...]
    vectors: np.ndarray  # (entries, dim) float32, L2-normalised, encoded as questions
    model_fingerprint: str

    @functools.cached_property
    def _wordings(self) -> np.ndarray:
        return np.array([wording(e.question) for e in self.entries], dtype=object)

    @functools.cached_property
    def _numbers(self) -> list[frozenset[str]]:
        return [numbers(e.question) for e in self.entries]

    @functools.cached_property
    def _answered(self) -> np.ndarray:
        return np.array([e.answered for e in self.entries], dtype=bool)

    def worded_as(self, text: str) -> list[int]:
        """The entries worded as ``text`` (up to spacing, punctuation and case)."""
        return [int(i) for i in np.flatnonzero(self._wordings == wording(text))] if text else []

    def restricted(self, content_hashes: Collection[str]) -> AskedMemory:
        """The entries about the articles of ``content_hashes`` only, and the unanswerable ones (the
        per-article transfer check: a fit on one article must not learn from the other article's
        questions)."""
        keep = [i for i, e in enumerate(self.entries) if e.article in content_hashes or not e.answered]
        entries = tuple(self.entries[i] for i in keep)
        return AskedMemory(entries, self.vectors[keep], self.model_fingerprint)

    def left_out(self, text: str) -> np.ndarray:
        """Which entries a question worded as ``text`` is measured without: those worded as it and
        every entry of their batches (the same writer's other questions, often the same question in
        another language), as a question by a writer the memory has never read would be."""
        worded = self.worded_as(text)
        batches = {self.entries[i].batch for i in worded} - {""}
        mask = np.array([e.batch in batches for e in self.entries], dtype=bool)
        mask[worded] = True
        return mask

    def closest(self, query_vector: np.ndarray, usable: np.ndarray, leave_out: str = "") -> tuple[float, float] | None:
        """The best cosine of the question with an earlier unanswerable question and with an
        earlier answered one (among ``usable`` entries: those whose passage is indexed), without
        the entries :meth:`left_out` of ``leave_out``; None when the memory has no entry of either."""
        sims = self.vectors @ np.asarray(query_vector, dtype=np.float32)
        keep = np.asarray(usable, dtype=bool) & ~self.left_out(leave_out) if leave_out else np.asarray(usable, bool)
        answered = self._answered
        unanswered, known = sims[keep & ~answered], sims[keep & answered]
        if not len(unanswered) or not len(known):
            return None
        return float(unanswered.max()), float(known.max())

    def rows(self, passages: Sequence[Passage], articles: Sequence[Article]) -> list[tuple[int, ...]]:
        """For each entry, the passage rows (positions in ``passages``) of its article that hold
        one of its gold strings; none when its article is not indexed as it was."""
        doc_of = {a.content_hash: a.doc_id for a in articles}
        by_doc: dict[str, list[int]] = {}
        for row, passage in enumerate(passages):
            by_doc.setdefault(passage.doc_id, []).append(row)
        squashed: dict[int, str] = {}
        result = []
        for entry in self.entries:
            golds = [g for g in map(squash_spaces, entry.gold) if g]
            candidates = by_doc.get(doc_of.get(entry.article, ""), [])
            hold = []
            for row in candidates:
                text = squashed.setdefault(row, squash_spaces(passages[row].text))
                if any(g in text for g in golds):
                    hold.append(row)
            result.append(tuple(hold))
        return result

    def boosts(
        self,
        query_vector: np.ndarray,
        rows: Sequence[tuple[int, ...]],
        leave_out: str = "",
        asked_numbers: frozenset[str] | None = None,
    ) -> dict[int, float]:
        """Passage row → ``WEIGHT × (cosine − THRESHOLD)`` of the closest earlier question it
        answers, for the rows some earlier question above ``THRESHOLD`` names. An entry worded as
        ``leave_out`` (up to spacing, punctuation and case) does not count: a question measured
        against the memory is never its own evidence."""
        if not len(self.entries):
            return {}
        sims = self.vectors @ np.asarray(query_vector, dtype=np.float32)
        sims[self.worded_as(leave_out)] = -1.0
        result: dict[int, float] = {}
        for i in np.flatnonzero(sims > THRESHOLD):
            if SAME_NUMBERS and asked_numbers is not None and self._numbers[int(i)] != asked_numbers:
                continue
            boost = WEIGHT * float(sims[i] - THRESHOLD)
            for row in rows[int(i)]:
                result[row] = max(result.get(row, 0.0), boost)
        return result


TERMS_NUMBERS = False  # an earlier question's numbers count among its words


def term_word(token: str) -> bool:
    """A token of an earlier question that joins its passage's words: not a number (2021, 12項)
    unless ``TERMS_NUMBERS``."""
    return TERMS_NUMBERS or not any(ch.isdigit() for ch in token)


@dataclass(frozen=True)
class AskedTerms:
    """The earlier questions' words as keyword text of the passages they name: document expansion
    by real questions (doc2query without a generative model). Each passage row gets, as a second
    document, the search tokens of every earlier question it answers; a new question's BM25 over
    those documents is added to its keyword scores (``index.search.Searcher.keyword_scores``), so a
    question worded as readers word it meets a passage other readers asked about in those words.

    :meth:`scores` can leave entries out (the question being measured is not its own evidence):
    their tokens are taken from their rows' documents before those rows are scored."""

    postings: dict[str, tuple[np.ndarray, np.ndarray]]  # token -> (rows, counts)
    lengths: np.ndarray  # tokens per row's document
    entry_tokens: tuple[Counter[str], ...]
    entry_rows: tuple[tuple[int, ...], ...]

    @classmethod
    def build(cls, tokens: Sequence[Sequence[str]], rows: Sequence[tuple[int, ...]], passages: int) -> AskedTerms:
        """``tokens[i]``: entry i's question tokens; ``rows[i]``: the passage rows it answers."""
        documents: list[Counter[str]] = [Counter() for _ in range(passages)]
        entry_tokens = tuple(Counter(t) for t in tokens)
        for counts, entry_rows in zip(entry_tokens, rows, strict=True):
            for row in entry_rows:
                documents[row].update(counts)
        by_token: dict[str, list[tuple[int, int]]] = {}
        for row, document in enumerate(documents):
            for token, count in document.items():
                by_token.setdefault(token, []).append((row, count))
        postings = {
            token: (np.array([r for r, _ in pairs], np.int64), np.array([c for _, c in pairs], np.float64))
            for token, pairs in by_token.items()
        }
        lengths = np.array([sum(d.values()) for d in documents], np.float64)
        return cls(postings, lengths, entry_tokens, tuple(tuple(r) for r in rows))

    @functools.cached_property
    def _average_length(self) -> float:
        filled = self.lengths[self.lengths > 0]
        return float(filled.mean()) if len(filled) else 1.0

    def _idf(self, token: str) -> float:
        df = len(self.postings[token][0])
        return math.log(1.0 + (len(self.lengths) - df + 0.5) / (df + 0.5))

    def _term(self, count: np.ndarray | float, length: np.ndarray | float) -> np.ndarray:
        norm = TERMS_K1 * (1.0 - TERMS_B + TERMS_B * np.asarray(length) / self._average_length)
        return np.asarray(count) * (TERMS_K1 + 1.0) / (np.asarray(count) + norm)

    def scores(self, tokens: Sequence[str], leave_out: Sequence[int] = ()) -> np.ndarray:
        """BM25 of every passage row's document for the distinct ``tokens``; the entries of
        ``leave_out`` taken out of their rows' documents first."""
        scores = np.zeros(len(self.lengths), np.float64)
        asked = [t for t in dict.fromkeys(tokens) if t in self.postings]
        for token in asked:
            rows, counts = self.postings[token]
            scores[rows] += self._idf(token) * self._term(counts, self.lengths[rows])
        removed: dict[int, Counter[str]] = {}
        for entry in leave_out:
            for row in self.entry_rows[entry]:
                removed.setdefault(row, Counter()).update(self.entry_tokens[entry])
        for row, gone in removed.items():
            scores[row] = self._row_score(row, asked, gone)
        return scores

    def _row_score(self, row: int, tokens: Sequence[str], gone: Counter[str]) -> float:
        length = self.lengths[row] - sum(gone.values())
        total = 0.0
        for token in tokens:
            rows, counts = self.postings[token]
            at = np.flatnonzero(rows == row)
            count = (float(counts[at[0]]) if len(at) else 0.0) - gone.get(token, 0)
            if count > 0:
                total += self._idf(token) * float(self._term(count, length))
        return total


def load_asked(fingerprint: str, directory: Path = DATA_DIR) -> AskedMemory | None:
    """The memory shipped in ``directory`` when it was made with the model ``fingerprint``; None
    when it is missing or made with another model."""
    entries_path, vectors_path = directory / ENTRIES_FILE, directory / VECTORS_FILE
    if not entries_path.exists() or not vectors_path.exists():
        return None
    data = json.loads(entries_path.read_text(encoding="utf-8"))
    if data.get("version") not in READABLE_VERSIONS or data.get("model_fingerprint") != fingerprint:
        return None
    entries = tuple(AskedEntry(e["q"], tuple(e["gold"]), e["article"], e.get("batch", "")) for e in data["entries"])
    vectors = np.load(vectors_path, allow_pickle=False).astype(np.float32)
    if vectors.shape[0] != len(entries):
        return None
    return AskedMemory(entries, vectors, fingerprint)


def make_entries(questions: Sequence[dict[str, Any]], articles: Sequence[Article]) -> list[AskedEntry]:
    """The answerable questions whose gold strings occur in exactly one of ``articles``."""
    entries = []
    for q in questions:
        golds = [g for g in map(squash_spaces, q.get("gold") or []) if g]
        holders = [a for a in articles if any(g in squash_spaces(a.text) for g in golds)]
        if golds and len(holders) == 1:
            entries.append(AskedEntry(q["q"], tuple(q["gold"]), holders[0].content_hash, q.get("batch", "")))
    return entries


def unanswered_entries(questions: Sequence[dict[str, Any]], answered: Sequence[AskedEntry]) -> list[AskedEntry]:
    """The unanswerable questions (no gold), each wording once and none worded as an ``answered`` one."""
    taken = {wording(e.question) for e in answered}
    entries = []
    for q in questions:
        if not q.get("gold") and wording(q["q"]) not in taken:
            taken.add(wording(q["q"]))
            entries.append(AskedEntry(q["q"], (), "", q.get("batch", "")))
    return entries


def save_asked(
    entries: Sequence[AskedEntry],
    encode: Callable[[list[str]], np.ndarray],
    model_id: str,
    fingerprint: str,
    directory: Path = DATA_DIR,
    made_from: str = "",
) -> None:
    """Encode the entries' questions and write the two files (vectors as float16)."""
    vectors = np.asarray(encode([e.question for e in entries]), dtype=np.float32) if entries else np.zeros((0, 0))
    directory.mkdir(parents=True, exist_ok=True)
    data = {
        "version": VERSION,
        "model_id": model_id,
        "model_fingerprint": fingerprint,
        "made_from": made_from,
        "entries": [
            {"q": e.question, "gold": list(e.gold), "article": e.article, **({"batch": e.batch} if e.batch else {})}
            for e in entries
        ],
    }
    (directory / ENTRIES_FILE).write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    np.save(directory / VECTORS_FILE, vectors.astype(np.float16), allow_pickle=False)
