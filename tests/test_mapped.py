"""index.mapped: rows of a .npy file read on demand equal the file's array, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

from index.mapped import NpyRows, load_rows


@pytest.fixture()
def saved(tmp_path):
    rng = np.random.default_rng(3)
    array = rng.normal(size=(50, 7)).astype(np.float32)
    path = tmp_path / "a.npy"
    np.save(path, array)
    return path, array


def test_rows_equal_the_array(saved):
    path, array = saved
    rows = NpyRows(path)
    assert rows.shape == array.shape and rows.dtype == array.dtype and rows.ndim == 2 and len(rows) == 50
    assert np.array_equal(rows[3], array[3]) and np.array_equal(rows[-1], array[-1])
    assert np.array_equal(rows[10:20], array[10:20]) and rows[5:5].shape == (0, 7)
    ids = np.array([[4, 5, 6], [49, 4, 0]])
    assert np.array_equal(rows[ids], array[ids])  # any shape, repeats, runs
    assert np.array_equal(rows[np.array([], dtype=np.int64)], array[np.array([], dtype=np.int64)])
    assert np.array_equal(np.asarray(rows), array)


def test_out_of_range_and_bad_slices_are_refused(saved):
    rows = NpyRows(saved[0])
    with pytest.raises(IndexError):
        rows[50]
    with pytest.raises(IndexError):
        rows[np.array([1, 50])]
    with pytest.raises(IndexError):
        rows[::2]


def test_a_truncated_file_is_refused(saved):
    path, _ = saved
    path.write_bytes(path.read_bytes()[:-10])
    with pytest.raises(ValueError, match="truncated"):
        NpyRows(path)


def test_small_files_are_read_into_memory_large_ones_by_row(saved):
    path, array = saved
    assert isinstance(load_rows(path), np.ndarray)
    on_demand = load_rows(path, in_memory_max=100)
    assert isinstance(on_demand, NpyRows) and np.array_equal(on_demand[7], array[7])


def test_reading_rows_leaves_no_mapping_resident(tmp_path):
    """The point of NpyRows: reading scattered rows adds no file-backed resident memory."""
    array = np.ones((20_000, 384), dtype=np.float32)  # 30 MB
    path = tmp_path / "big.npy"
    np.save(path, array)
    rows = NpyRows(path)
    for i in range(0, 20_000, 37):
        rows[i]
    mapped = [line for line in open("/proc/self/maps", encoding="utf-8") if str(path) in line]
    assert mapped == []


def test_the_row_cache_returns_the_same_rows_and_stays_bounded(saved):
    path, array = saved
    rows = NpyRows(path, cache_rows=8)
    for ids in ([1, 2, 3, 9], [2, 3, 4, 5, 30, 31], [9, 9, 1], list(range(40, 50)), [1, 2, 3]):
        assert np.array_equal(rows[np.array(ids)], array[ids])
    assert len(rows._cache) == 8
    rows._cache[45] = np.zeros(7, dtype=np.float32)  # a cached row is served from the cache, not re-read
    assert not np.array_equal(rows[np.array([45])], array[[45]])
