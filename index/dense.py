"""Dense vector index: FAISS inner product over L2-normalised float32 vectors.

Exact search (``IndexFlatIP``) up to ``EXACT_MAX_VECTORS`` vectors, an HNSW graph
(``IndexHNSWFlat``, inner-product metric) above. Measured with ``bench/ann_bench.py`` on
this 2-core machine (384-d vectors drawn from a Gaussian fitted to real
multilingual-e5-small passage embeddings of the seed corpus):

* exact search (its cost does not depend on the data), one query, idle machine: ~1 ms at 10k,
  ~3.5 ms at 20k, ~8.5 ms at 50k, ~16 ms at 100k vectors (and 3-4x worse when the CPUs are busy);
* HNSW (M=32, efConstruction=80) at 100k: recall@10 against exact 0.937 / 0.984 / 0.994 at
  efSearch 128 / 256 / 384, ~2-4 ms per query at efSearch 256; building it takes ~2-3 min
  at 100k from scratch; an incremental build adds only the new passages to the previous graph
  (:meth:`DenseIndex.update`).

So exact search up to 50k vectors (<= ~10 ms, no graph build on incremental rebuilds),
HNSW with efSearch 256 above.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

DENSE_FILE = "dense.faiss"
SLOTS_FILE = "dense_slots.npy"  # FAISS id of each passage row
MAX_TOMBSTONE_SHARE = 0.2  # removed passages left in an HNSW graph before it is rebuilt
EXACT_MAX_VECTORS = 50_000


@dataclass(frozen=True)
class HNSWParams:
    m: int = 32  # graph degree
    ef_construction: int = 80  # build-time beam width
    ef_search: int = 256  # query-time beam width: recall@10 0.984 at 100k (see above)


def as_unit_float32(vectors: np.ndarray) -> np.ndarray:
    """A C-contiguous float32 copy of ``vectors`` (n, dim) with L2-normalised rows."""
    import faiss

    array = np.array(vectors, dtype=np.float32, copy=True, order="C")
    if array.ndim != 2:
        raise ValueError(f"expected a 2-D array of vectors, got shape {array.shape}")
    if len(array):
        faiss.normalize_L2(array)
    return array


def _new_faiss_index(dim: int, count: int, exact_max: int, hnsw: HNSWParams) -> Any:  # a faiss.Index
    import faiss

    if count <= exact_max:
        return faiss.IndexFlatIP(dim)
    index = faiss.IndexHNSWFlat(dim, hnsw.m, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = hnsw.ef_construction
    index.hnsw.efSearch = hnsw.ef_search
    return index


@contextmanager
def single_thread() -> Iterator[None]:
    """FAISS's OpenMP on one thread inside the block, restored after.

    One query gains nothing from a thread pool, and idle OpenMP threads spin-wait: on a busy
    2-core machine they lose their core and exact search at 10k took 21 ms instead of ~1 ms.
    The setting is per calling thread (OpenMP's nthreads ICV), so a build running in another
    thread keeps its threads."""
    import faiss

    before = faiss.omp_get_max_threads()
    if before == 1:
        yield
        return
    faiss.omp_set_num_threads(1)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(before)


class DenseIndex:
    """A FAISS index over the stored passages' vectors.

    ``slots[row]`` is the FAISS id of passage row ``row``. A fresh build adds rows in order
    (slot = row). An incremental update of an HNSW graph (:meth:`update`) keeps the slots of
    unchanged passages, adds only new vectors, and leaves removed passages in the graph as
    tombstones that a search never returns (an ID selector); past ``MAX_TOMBSTONE_SHARE`` of the
    graph the update rebuilds it instead.
    """

    def __init__(self, faiss_index: Any, slots: np.ndarray | None = None) -> None:
        self._index = faiss_index
        total = int(faiss_index.ntotal)
        self.slots = np.arange(total, dtype=np.int64) if slots is None else np.asarray(slots, dtype=np.int64)
        self._row_of = np.full(total, -1, dtype=np.int64)
        self._row_of[self.slots] = np.arange(len(self.slots), dtype=np.int64)
        self._params = None
        if len(self.slots) < total:  # tombstones: search only the live slots
            import faiss

            self._selector = faiss.IDSelectorBatch(np.sort(self.slots))
            self._params = faiss.SearchParametersHNSW(sel=self._selector)  # type: ignore[attr-defined]  # SWIG class, not in faiss's stubs

    @classmethod
    def build(
        cls, vectors: np.ndarray, *, exact_max: int = EXACT_MAX_VECTORS, hnsw: HNSWParams = HNSWParams()
    ) -> DenseIndex:
        array = as_unit_float32(vectors)
        index = _new_faiss_index(array.shape[1], len(array), exact_max, hnsw)
        if len(array):
            index.add(array)
        return cls(index)

    @classmethod
    def update(
        cls,
        previous: DenseIndex | None,
        reuse: np.ndarray,
        vectors: np.ndarray,
        *,
        exact_max: int = EXACT_MAX_VECTORS,
        hnsw: HNSWParams = HNSWParams(),
        max_tombstones: float = MAX_TOMBSTONE_SHARE,
    ) -> DenseIndex:
        """The index for ``vectors``, reusing ``previous`` when it is an HNSW graph and stays one.

        ``reuse[row]`` is the previous row whose vector equals ``vectors[row]`` (-1: new). Reused
        rows keep their graph nodes; new rows are added; previous rows not reused become
        tombstones. Built from scratch when there is no usable previous graph or the tombstones
        would exceed ``max_tombstones`` of the graph."""
        reuse = np.asarray(reuse, dtype=np.int64)
        usable = (
            previous is not None
            and previous.kind == "hnsw"
            and len(vectors) > exact_max
            and previous.dim == np.asarray(vectors).shape[1]
        )
        if usable and previous is not None:
            fresh = np.flatnonzero(reuse < 0)
            total = previous.total + len(fresh)
            if (total - len(vectors)) / total <= max_tombstones:
                return previous._extended(reuse, fresh, vectors)
        return cls.build(vectors, exact_max=exact_max, hnsw=hnsw)

    def _extended(self, reuse: np.ndarray, fresh: np.ndarray, vectors: np.ndarray) -> DenseIndex:
        slots = np.empty(len(reuse), dtype=np.int64)
        kept = reuse >= 0
        slots[kept] = self.slots[reuse[kept]]
        slots[fresh] = self.total + np.arange(len(fresh), dtype=np.int64)
        if len(fresh):
            self._index.add(as_unit_float32(np.asarray(vectors)[fresh]))
        return DenseIndex(self._index, slots)

    @property
    def kind(self) -> str:
        """``"flat"`` (exact) or ``"hnsw"`` (approximate)."""
        return "hnsw" if hasattr(self._index, "hnsw") else "flat"

    @property
    def size(self) -> int:
        """Passages indexed (live vectors)."""
        return int(len(self.slots))

    @property
    def total(self) -> int:
        """Vectors in the FAISS index, tombstones included."""
        return int(self._index.ntotal)

    @property
    def dim(self) -> int:
        return int(self._index.d)

    def set_ef_search(self, ef_search: int) -> None:
        if self.kind == "hnsw":
            self._index.hnsw.efSearch = int(ef_search)

    def search(self, query_vector: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top ``k`` rows for one query vector: ``(scores, rows)``, best first, no padding."""
        query = as_unit_float32(np.asarray(query_vector, dtype=np.float32).reshape(1, -1))
        if query.shape[1] != self.dim:
            raise ValueError(f"query has dimension {query.shape[1]}, the index {self.dim}")
        k = min(int(k), self.size)
        if k <= 0:
            return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
        with single_thread():
            if self._params is not None:
                self._params.efSearch = self._index.hnsw.efSearch
                scores, ids = self._index.search(query, k, params=self._params)
            else:
                scores, ids = self._index.search(query, k)
        keep = ids[0] >= 0
        return scores[0][keep], self._row_of[ids[0][keep]]

    def save(self, directory: Path) -> Path:
        import faiss

        path = Path(directory) / DENSE_FILE
        faiss.write_index(self._index, str(path))
        np.save(Path(directory) / SLOTS_FILE, self.slots, allow_pickle=False)
        return path

    @classmethod
    def load(cls, directory: Path) -> DenseIndex:
        import faiss

        path = Path(directory) / DENSE_FILE
        index = faiss.read_index(str(path))
        if index.metric_type != faiss.METRIC_INNER_PRODUCT:
            raise ValueError(f"{path} is not an inner-product index")
        slots = np.load(Path(directory) / SLOTS_FILE, allow_pickle=False)
        if (
            slots.ndim != 1
            or (len(slots) and (slots.min() < 0 or slots.max() >= index.ntotal))
            or len(np.unique(slots)) != len(slots)
        ):
            raise ValueError(f"{SLOTS_FILE} does not match {path}")
        return cls(index, slots)
