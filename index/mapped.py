"""Large ``.npy`` arrays read by row on demand (sentence vectors, passage vectors, word embeddings).

A question reads a few scattered rows of these files: ~70 candidate passage vectors, the
sentence vectors of 20 passages, the embedding rows of its ~20 tokens. Memory-mapping them
cost resident memory out of proportion: every page fault also maps the cached pages around it
(the kernel's fault-around, 64 KB, which ``MADV_RANDOM`` does not turn off), so a served
100k-passage index had ~440 MB of these files resident after 900 questions for the few MB they
used. :class:`NpyRows` reads the rows with ``os.pread`` instead (the page cache is shared and
not the process's memory); files up to ``IN_MEMORY_MAX_BYTES`` are simply read into memory.
The values are the file's, bit for bit, either way.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

IN_MEMORY_MAX_BYTES = 16 * 2**20  # the seed index's arrays are ~0.5 MB: plain arrays, no reads per question


class NpyRows:
    """A read-only C-ordered ``.npy`` array whose rows are read from the file when indexed.

    Supports what the index does with its arrays: ``len``, ``shape``, ``dtype``, ``ndim``,
    indexing by an int, a slice (step 1) or an integer array of any shape (gathering rows),
    and ``np.asarray`` (the whole array)."""

    def __init__(self, path: Path, cache_rows: int = 0) -> None:
        self.path = Path(path)
        self._cache: dict[int, np.ndarray] = {}  # row -> its values, at most cache_rows (oldest dropped first)
        self._cache_rows = int(cache_rows)
        with open(self.path, "rb") as handle:
            version = np.lib.format.read_magic(handle)
            read_header = (
                np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
            )
            shape, fortran, dtype = read_header(handle)
            self._offset = handle.tell()
        if fortran or not shape or dtype.hasobject:
            raise ValueError(f"{self.path} is not a C-ordered numeric array with rows")
        self.shape: tuple[int, ...] = tuple(int(n) for n in shape)
        self.dtype = np.dtype(dtype)
        self._row_shape = self.shape[1:]
        self._row_bytes = int(np.prod(self._row_shape, dtype=np.int64)) * self.dtype.itemsize
        expected = self._offset + self.shape[0] * self._row_bytes
        if os.path.getsize(self.path) < expected:
            raise ValueError(f"{self.path} is truncated: {os.path.getsize(self.path)} bytes, expected {expected}")
        self._fd = os.open(self.path, os.O_RDONLY)

    def __del__(self) -> None:
        fd = getattr(self, "_fd", None)
        if fd is not None:
            os.close(fd)

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __len__(self) -> int:
        return self.shape[0]

    def _read(self, begin: int, end: int) -> np.ndarray:
        count = max(0, end - begin)
        data = os.pread(self._fd, count * self._row_bytes, self._offset + begin * self._row_bytes)
        if len(data) != count * self._row_bytes:
            raise OSError(f"short read from {self.path} (rows {begin}:{end})")
        return np.frombuffer(data, dtype=self.dtype).reshape((count, *self._row_shape))

    def _row(self, i: int) -> int:
        n = self.shape[0]
        if not -n <= i < n:
            raise IndexError(f"row {i} out of range for {n} rows")
        return i + n if i < 0 else i

    def take(self, ids: Any) -> np.ndarray:
        """The rows ``ids`` (an integer array of any shape): shape ``ids.shape + row shape``.
        Each distinct row is read once, or found in the row cache."""
        ids = np.asarray(ids, dtype=np.int64)
        flat = ids.ravel().tolist()
        found: dict[int, np.ndarray] = {}
        for i in flat:
            if i not in found:
                found[i] = self._cached_row(i)
        out = np.empty((len(flat), *self._row_shape), dtype=self.dtype)
        for k, i in enumerate(flat):
            out[k] = found[i]
        return out.reshape((*ids.shape, *self._row_shape))

    def _cached_row(self, i: int) -> np.ndarray:
        row = self._row(i)
        value = self._cache.get(row)
        if value is None:
            value = self._read(row, row + 1)[0]
            if self._cache_rows:
                if len(self._cache) >= self._cache_rows:
                    del self._cache[next(iter(self._cache))]
                self._cache[row] = value
        return value

    def __getitem__(self, key: Any) -> np.ndarray:
        if isinstance(key, (int, np.integer)):
            row: np.ndarray = self._read(self._row(int(key)), self._row(int(key)) + 1)[0]
            return row
        if isinstance(key, slice):
            begin, end, step = key.indices(self.shape[0])
            if step != 1:
                raise IndexError("NpyRows slices must have step 1")
            return self._read(begin, end)
        return self.take(key)

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        whole = self._read(0, self.shape[0])
        return whole if dtype is None else whole.astype(dtype)


Rows = np.ndarray | NpyRows


def load_rows(path: Path, in_memory_max: int = IN_MEMORY_MAX_BYTES, cache_rows: int = 0) -> Rows:
    """The array in ``path``: read into memory when the file is at most ``in_memory_max`` bytes,
    an :class:`NpyRows` reading rows on demand otherwise (keeping up to ``cache_rows`` rows read)."""
    if os.path.getsize(path) <= in_memory_max:
        array: np.ndarray = np.load(path, allow_pickle=False)
        return array
    return NpyRows(Path(path), cache_rows=cache_rows)
