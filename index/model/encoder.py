"""The one ``Encoder`` protocol, the one query cache, and model fingerprints.

Which encoder encodes questions and which embeds passages is decided in
:mod:`index.model.factory` only. Nothing heavy is imported here.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from ingest.errors import SouseiError

BATCH_SIZE = 32
FINGERPRINT_FILES = (
    "config.json",
    "modules.json",
    "config_sentence_transformers.json",
    "sentence_bert_config.json",
    "1_Pooling/config.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "model.safetensors",
    "pytorch_model.bin",
)

# Where one-line status messages go (print, a logger); counted build progress is index.build.Progress.
Say = Callable[[str], None]


class ModelUnavailableError(SouseiError):
    """The configured embedding model cannot be loaded; the message names the setting."""


class Encoder(Protocol):
    """Turns texts into L2-normalised float32 rows of ``dim`` columns.

    Two encoders with the same ``fingerprint`` give the same vectors (to float32 rounding), so an
    index built by one opens with the other (the ONNX query encoder and the sentence-transformers
    passage encoder of one model share it)."""

    model_id: str
    dim: int
    fingerprint: str

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray: ...


class QueryCachingEncoder:
    """An encoder that encodes the same single query text once (the one query cache).

    Search and answer composition both need the question's vector; with this wrapper the
    second request is a dictionary look-up. Passages pass straight through.
    """

    def __init__(self, inner: Encoder, capacity: int = 256):
        self.inner = inner
        self.model_id, self.dim, self.fingerprint = inner.model_id, inner.dim, inner.fingerprint
        self._capacity = capacity
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        if len(texts) != 1:
            return self.inner.encode_queries(texts)
        with self._lock:
            cached = self._cache.get(texts[0])
            if cached is not None:
                self._cache.move_to_end(texts[0])
                return cached[None, :].copy()
        vector = np.asarray(self.inner.encode_queries(texts), dtype=np.float32)
        with self._lock:
            self._cache[texts[0]] = vector[0].copy()
            while len(self._cache) > self._capacity:
                self._cache.popitem(last=False)
        return vector

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.encode_passages(texts)


def directory_fingerprint(path: Path) -> str:
    """sha256 over a model directory's config, tokenizer and weight files.

    Cheap for directories made by :mod:`index.model.prepare`: their manifest already records the
    sha256 of the source file and the conversion schema, so that is hashed instead of ~250 MB.
    """
    from index.model.prepare import read_manifest

    manifest = read_manifest(path)
    digest = hashlib.sha256()
    if manifest and manifest.get("source_sha256"):
        keys = ("model", "schema_version", "source_package", "source_version", "source_sha256", "dtype")
        digest.update(json.dumps({k: manifest.get(k) for k in keys}, sort_keys=True).encode())
        return digest.hexdigest()
    for name in FINGERPRINT_FILES:
        file = path / name
        if file.is_file():
            digest.update(name.encode() + b"\0")
            with file.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
    return digest.hexdigest()
