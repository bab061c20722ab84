"""``IndexSettings``: how an index is built, one record passed to ``index.build.build_index`` and
stored in the index's manifest (so ``sousei build`` can say what an index was built with)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from index.bm25 import BM25Params
from index.dense import EXACT_MAX_VECTORS, HNSWParams
from ingest.passages import DEFAULT_MAX_CHARS


@dataclass(frozen=True)
class IndexSettings:
    max_chars: int = DEFAULT_MAX_CHARS  # longest passage cut from a paragraph
    exact_max: int = EXACT_MAX_VECTORS  # up to this many passages FAISS searches exactly, beyond: HNSW
    bm25: BM25Params = field(default_factory=BM25Params)
    hnsw: HNSWParams = field(default_factory=HNSWParams)
    batch_size: int = 32  # texts per encoder call (no effect on the vectors)
    lock_timeout: float = 600.0  # seconds a build waits for another build's lock

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IndexSettings:
        """The settings recorded in a manifest; unknown keys (from a newer sousei) are ignored."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        if isinstance(values.get("bm25"), dict):
            values["bm25"] = BM25Params(**values["bm25"])
        if isinstance(values.get("hnsw"), dict):
            values["hnsw"] = HNSWParams(**values["hnsw"])
        return cls(**values)
