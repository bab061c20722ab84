"""A tiny deterministic fake encoder for unit tests (character n-gram hashing)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np


class FakeEncoder:
    """Bag of character uni/bi-grams hashed into ``dim`` buckets, L2-normalised.

    Texts that share characters get similar vectors, so retrieval tests are
    meaningful without loading a real model.
    """

    def __init__(self, dim: int = 64, model_id: str = "fake-encoder", fingerprint: str = "fake-v1"):
        self.dim = dim
        self.model_id = model_id
        self.fingerprint = fingerprint
        self.calls = 0  # number of texts encoded, for "only new passages are embedded" tests

    def _vector(self, text: str) -> np.ndarray:
        vec = np.zeros(self.dim, dtype=np.float32)
        grams = list(text) + [text[i : i + 2] for i in range(len(text) - 1)]
        for gram in grams:
            if gram.isspace():
                continue
            bucket = int.from_bytes(hashlib.blake2b(gram.encode(), digest_size=4).digest(), "little")
            vec[bucket % self.dim] += 1.0
        norm = np.linalg.norm(vec)
        return vec / norm if norm else vec

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += len(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._vector(t) for t in texts])

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)
