"""Keyword index: BM25 (bm25s) over pre-tokenised passages.

The index never tokenises: passages arrive with their ``tokens`` (from the ingest
segmenter) and queries are tokenised by the caller with the same function, so no
segmenter is hard-wired here. Saved as plain files in a directory (bm25s' own
``.npy`` + ``.json`` files plus ``meta.json``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

BM25_DIR = "bm25"
META_FILE = "meta.json"


@dataclass(frozen=True)
class BM25Params:
    k1: float = 1.2
    b: float = 0.75
    method: str = "lucene"


def _new_retriever(params: BM25Params) -> Any:  # a bm25s.BM25 (bm25s has no type information)
    import bm25s

    return bm25s.BM25(k1=params.k1, b=params.b, method=params.method)


class KeywordIndex:
    """BM25 over token lists; document ids are row numbers of the stored passages."""

    def __init__(self, retriever: Any, documents: int, params: BM25Params) -> None:
        self._retriever = retriever  # None when there are no documents
        self._documents = documents
        self.params = params

    @classmethod
    def build(cls, token_lists: Sequence[Sequence[str]], params: BM25Params = BM25Params()) -> KeywordIndex:
        corpus = [[t for t in tokens if t] for tokens in token_lists]
        if not corpus:
            return cls(None, 0, params)
        retriever = _new_retriever(params)
        retriever.index(_token_ids(corpus), show_progress=False)
        return cls(retriever, len(corpus), params)

    @property
    def size(self) -> int:
        return self._documents

    def scores(self, tokens: Sequence[str]) -> np.ndarray:
        """BM25 score of every document for the query tokens (zeros where nothing matches)."""
        known = [t for t in tokens if t] if self._retriever is not None else []
        if not known:
            return np.zeros(self._documents, dtype=np.float32)
        ids = self._retriever.get_tokens_ids(known)
        if not ids:
            return np.zeros(self._documents, dtype=np.float32)
        return np.asarray(self._retriever.get_scores_from_ids(ids), dtype=np.float32)

    def search(self, tokens: Sequence[str], k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top ``k`` documents with a positive score: ``(scores, ids)``, best first."""
        return top_positive(self.scores(tokens), k)

    def document_frequency(self, token: str) -> int:
        """How many documents contain ``token`` (0 for unknown tokens)."""
        if self._retriever is None or token not in self._retriever.vocab_dict:
            return 0
        column = self._retriever.vocab_dict[token]
        indptr = self._retriever.scores["indptr"]
        return int(indptr[column + 1] - indptr[column])

    def save(self, directory: Path) -> Path:
        path = Path(directory) / BM25_DIR
        path.mkdir(parents=True, exist_ok=True)
        if self._retriever is not None:
            self._retriever.save(str(path), show_progress=False)
        meta = {"documents": self._documents, **asdict(self.params)}
        (path / META_FILE).write_text(json.dumps(meta), encoding="utf-8")
        return path

    @classmethod
    def load(cls, directory: Path) -> KeywordIndex:
        import bm25s

        path = Path(directory) / BM25_DIR
        meta = json.loads((path / META_FILE).read_text(encoding="utf-8"))
        params = BM25Params(k1=meta["k1"], b=meta["b"], method=meta["method"])
        documents = int(meta["documents"])
        if documents == 0:
            return cls(None, 0, params)
        retriever = bm25s.BM25.load(str(path), show_progress=False, verbosity=0)
        loaded = int(retriever.scores["num_docs"])
        if loaded != documents:
            raise ValueError(f"{path} holds {loaded} documents, its meta.json says {documents}")
        return cls(retriever, documents, params)


def _token_ids(corpus: list[list[str]]) -> tuple[list[list[int]], dict[str, int]] | list[list[str]]:
    """The corpus as (token ids, vocabulary) with the tokens numbered in sorted order, so the same
    passages give the same files byte for byte (bm25s numbers them in its set's order, which changes
    with each process's string hashing). A corpus without a token is left to bm25s as it is."""
    vocabulary = {token: number for number, token in enumerate(sorted({t for tokens in corpus for t in tokens}))}
    if not vocabulary:
        return corpus
    return [[vocabulary[t] for t in tokens] for tokens in corpus], vocabulary


def top_positive(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the ``k`` largest positive scores, best first (ties by lower index)."""
    positive = np.flatnonzero(scores > 0)
    if k <= 0 or not len(positive):
        return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
    order = np.lexsort((positive, -scores[positive]))[:k]
    ids = positive[order].astype(np.int64)
    return scores[ids].astype(np.float32), ids
