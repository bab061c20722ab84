"""DenseIndex: exact below the threshold, HNSW above, same answers, save/load."""

from __future__ import annotations

import numpy as np
import pytest

from index.dense import DENSE_FILE, DenseIndex, HNSWParams, as_unit_float32


def _vectors(n: int, dim: int = 16, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return as_unit_float32(rng.standard_normal((n, dim)))


def test_flat_search_returns_exact_inner_product_order():
    vectors = _vectors(200)
    index = DenseIndex.build(vectors)
    scores, ids = index.search(vectors[7], 5)
    expected = np.argsort(-(vectors @ vectors[7]))[:5]
    assert index.kind == "flat"
    assert ids.tolist() == expected.tolist()
    assert scores[0] == pytest.approx(1.0, abs=1e-5)
    assert list(scores) == sorted(scores, reverse=True)


def test_vectors_are_normalised_so_inner_product_is_cosine():
    vectors = _vectors(20) * 7.5
    index = DenseIndex.build(vectors)
    scores, _ = index.search(vectors[0] * 0.1, 1)
    assert scores[0] == pytest.approx(1.0, abs=1e-5)


def test_hnsw_above_threshold_finds_the_same_neighbours():
    vectors = _vectors(2000, dim=32)
    exact = DenseIndex.build(vectors)
    approx = DenseIndex.build(vectors, exact_max=1000, hnsw=HNSWParams(m=16, ef_construction=80, ef_search=64))
    assert approx.kind == "hnsw" and exact.kind == "flat"
    overlap = []
    for q in vectors[:50]:
        overlap.append(len(set(exact.search(q, 10)[1]) & set(approx.search(q, 10)[1])) / 10)
    assert np.mean(overlap) >= 0.95


def test_k_larger_than_index_and_empty_index():
    index = DenseIndex.build(_vectors(3))
    assert len(index.search(_vectors(1)[0], 10)[1]) == 3
    empty = DenseIndex.build(np.zeros((0, 16), np.float32))
    scores, ids = empty.search(_vectors(1)[0], 5)
    assert empty.size == 0 and len(ids) == 0 and len(scores) == 0


def test_dimension_mismatch_is_an_error():
    index = DenseIndex.build(_vectors(5, dim=16))
    with pytest.raises(ValueError, match="dimension"):
        index.search(np.ones(8, np.float32), 1)


@pytest.mark.parametrize("exact_max", [10_000, 10])
def test_save_and_load_round_trip(tmp_path, exact_max):
    vectors = _vectors(100)
    index = DenseIndex.build(vectors, exact_max=exact_max)
    assert index.save(tmp_path).name == DENSE_FILE
    loaded = DenseIndex.load(tmp_path)
    assert loaded.kind == index.kind and loaded.size == 100 and loaded.dim == 16
    assert loaded.search(vectors[3], 3)[1].tolist() == index.search(vectors[3], 3)[1].tolist()


def test_single_query_search_runs_faiss_on_one_thread_and_restores_it():
    import faiss

    from index.dense import single_thread

    faiss.omp_set_num_threads(2)
    seen = []
    with single_thread():
        seen.append(faiss.omp_get_max_threads())
    assert seen == [1] and faiss.omp_get_max_threads() == 2
    index = DenseIndex.build(np.eye(4, dtype=np.float32))
    assert index.search(np.array([0, 1, 0, 0], np.float32), 1)[1].tolist() == [1]
    assert faiss.omp_get_max_threads() == 2


def _unit(n: int, dim: int = 16, seed: int = 0) -> np.ndarray:
    vectors = np.random.default_rng(seed).normal(size=(n, dim)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_hnsw_update_adds_only_new_vectors_and_never_returns_removed_ones():
    old = _unit(300)
    index = DenseIndex.build(old, exact_max=100)
    assert index.kind == "hnsw" and index.total == 300
    new = np.concatenate([old[20:], _unit(10, seed=1)])  # rows 0-19 removed, 10 added
    reuse = np.concatenate([np.arange(20, 300), -np.ones(10, np.int64)])
    updated = DenseIndex.update(index, reuse, new, exact_max=100)
    assert (updated.size, updated.total) == (290, 310)  # 20 tombstones, nothing rebuilt
    for row in (0, 150, 285):  # old and new rows find themselves by row number
        assert updated.search(new[row], 1)[1].tolist() == [row]
    _, rows = updated.search(old[5], 290)  # a removed vector: never returned
    assert len(rows) == 290 and sorted(rows.tolist()) == list(range(290))


def test_hnsw_update_rebuilds_past_the_tombstone_share_and_round_trips(tmp_path):
    old = _unit(300)
    index = DenseIndex.build(old, exact_max=100)
    reuse = np.arange(100, 300)  # a third removed: over the share
    rebuilt = DenseIndex.update(index, reuse, old[100:], exact_max=100)
    assert (rebuilt.size, rebuilt.total) == (200, 200)
    kept = DenseIndex.update(DenseIndex.build(old, exact_max=100), np.arange(10, 300), old[10:], exact_max=100)
    kept.save(tmp_path)
    loaded = DenseIndex.load(tmp_path)
    assert (loaded.size, loaded.total) == (290, 300) and loaded.search(old[50], 1)[1].tolist() == [40]
