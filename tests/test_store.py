"""The on-disk store: manifest, validation on load, clear errors, swap recovery, embedding cache."""

from __future__ import annotations

import json
import os
import shutil

import numpy as np
import pytest

from index.bm25 import BM25Params
from index.build import build_index
from index.dense import HNSWParams
from index.settings import IndexSettings
from index.store import (
    INDEX_SCHEMA,
    MANIFEST_FILE,
    EmbeddingCache,
    IndexCorruptError,
    IndexMismatchError,
    IndexMissingError,
    article_from_dict,
    article_to_dict,
    check_compatible,
    index_paths,
    load_store,
    passage_from_dict,
    passage_to_dict,
    read_manifest,
    recover,
)
from ingest.errors import SouseiError
from tests.index_fakes import ARTICLE_A, ARTICLE_B, FAKE_SEGMENTER, build_kwargs, fake_ingest, write_corpus


@pytest.fixture
def built(tmp_path, fake_encoder):
    corpus = write_corpus(tmp_path / "corpus", a=ARTICLE_A, b=ARTICLE_B)
    index_dir = tmp_path / "state" / "index"
    build_index(corpus, index_dir, fake_encoder, **build_kwargs())
    return index_dir


def test_manifest_describes_the_index(built, fake_encoder):
    data = json.loads((built / MANIFEST_FILE).read_text(encoding="utf-8"))
    assert data["schema"] == INDEX_SCHEMA
    assert (data["model_id"], data["model_dim"], data["model_fingerprint"]) == ("fake-encoder", 64, "fake-v1")
    assert data["segmenter"] == FAKE_SEGMENTER
    assert data["counts"] == {"documents": 2, "passages": 6}
    assert [a["doc_id"] for a in data["articles"]] == ["a", "b"]
    assert all(len(a["content_hash"]) == 64 for a in data["articles"])
    assert len(data["passage_ids"]) == 6 and data["created"] and data["build_id"]


def test_manifest_records_the_build_settings(tmp_path, fake_encoder):
    corpus = write_corpus(tmp_path / "corpus", a=ARTICLE_A, b=ARTICLE_B)
    settings = IndexSettings(max_chars=120, exact_max=7, bm25=BM25Params(k1=1.5), hnsw=HNSWParams(m=8))
    build_index(corpus, tmp_path / "index", fake_encoder, settings, **build_kwargs())
    data = json.loads((tmp_path / "index" / MANIFEST_FILE).read_text(encoding="utf-8"))
    assert data["settings"]["max_chars"] == 120 and data["settings"]["bm25"]["k1"] == 1.5
    assert read_manifest(tmp_path / "index").settings == settings  # round trip, nested records included
    assert {"passages.jsonl", "articles.jsonl", "vectors.npy", "dense.faiss", "bm25/meta.json"} <= set(data["files"])


def test_load_round_trips_records(built):
    stored = load_store(built)
    result = fake_ingest(built.parent.parent / "corpus")
    assert stored.passages == list(result.passages)
    assert [p.tokens for p in stored.passages] == [p.tokens for p in result.passages]
    assert stored.articles == list(result.articles)
    assert stored.vectors.shape == (6, 64) and stored.vectors.dtype == np.float32


def test_missing_index_says_to_build(tmp_path):
    with pytest.raises(IndexMissingError, match="sousei build"):
        load_store(tmp_path / "nothing")
    assert issubclass(IndexMissingError, SouseiError) and issubclass(IndexMismatchError, SouseiError)


FILES = [
    "passages.jsonl",
    "articles.jsonl",
    "vectors.npy",
    "topic_vectors.npy",
    "dense.faiss",
    "bm25/meta.json",
    "bm25/data.csc.index.npy",
    "bm25/vocab.index.json",
    MANIFEST_FILE,
]


@pytest.mark.parametrize("name", FILES)
def test_deleted_file_gives_clear_error(built, name):
    (built / name).unlink()
    with pytest.raises(IndexMismatchError, match="sousei build") as info:
        load_store(built)
    assert isinstance(info.value, IndexCorruptError)


@pytest.mark.parametrize("name", FILES)
def test_truncated_file_gives_clear_error(built, name):
    path = built / name
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(IndexMismatchError, match="sousei build"):
        load_store(built)


def test_same_size_garbage_is_caught_by_readers(built):
    path = built / "passages.jsonl"
    path.write_bytes(b"x" * path.stat().st_size)
    with pytest.raises(IndexCorruptError, match="passages.jsonl"):
        load_store(built)


def test_other_schema_is_a_mismatch(built):
    path = built / MANIFEST_FILE
    data = json.loads(path.read_text(encoding="utf-8"))
    data["schema"] = INDEX_SCHEMA + 1
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(IndexMismatchError, match="格式版本.*sousei build"):
        read_manifest(built)


def test_check_compatible_names_model_and_segmenter(built):
    manifest = read_manifest(built)
    check_compatible(
        manifest, model_id="fake-encoder", model_dim=64, model_fingerprint="fake-v1", segmenter=FAKE_SEGMENTER
    )
    with pytest.raises(IndexMismatchError, match="other-model.*sousei build"):
        check_compatible(
            manifest, model_id="other-model", model_dim=64, model_fingerprint="x", segmenter=FAKE_SEGMENTER
        )
    with pytest.raises(IndexMismatchError, match="斷詞設定"):
        check_compatible(
            manifest,
            model_id="fake-encoder",
            model_dim=64,
            model_fingerprint="fake-v1",
            segmenter={**FAKE_SEGMENTER, "userdict": "changed"},
        )


def test_recover_when_only_the_backup_exists(built):
    paths = index_paths(built)
    os.rename(paths.live, paths.backup)  # a build killed between its two renames
    assert len(load_store(built).passages) == 6
    assert paths.live.is_dir() and not paths.backup.exists()


def test_recover_removes_a_leftover_backup(built):
    paths = index_paths(built)
    shutil.copytree(paths.live, paths.backup)  # killed after the second rename
    recover(built)
    assert not paths.backup.exists() and paths.live.is_dir()


def test_record_dict_round_trips(tmp_path):
    result = fake_ingest(write_corpus(tmp_path, a=ARTICLE_A))
    passage, article = result.passages[0], result.articles[0]
    assert passage_from_dict(json.loads(json.dumps(passage_to_dict(passage)))) == passage
    assert passage_from_dict(passage_to_dict(passage)).tokens == passage.tokens
    assert article_from_dict(json.loads(json.dumps(article_to_dict(article)))) == article


def test_embedding_cache_round_trip_and_model_separation(tmp_path):
    cache = EmbeddingCache.open(tmp_path, "model-1", 4)
    cache.put(["k1", "k2"], np.eye(4, dtype=np.float32)[:2])
    cache.save("model-1", keep=["k1", "k2"])
    again = EmbeddingCache.open(tmp_path, "model-1", 4)
    assert len(again) == 2 and again.get("k2").tolist() == [0, 1, 0, 0]
    assert len(EmbeddingCache.open(tmp_path, "model-2", 4)) == 0


def test_embedding_cache_keeps_current_keys_and_bounded_extras(tmp_path):
    cache = EmbeddingCache.open(tmp_path, "m", 2)
    cache.put([f"k{i}" for i in range(10)], np.ones((10, 2), np.float32))
    cache.save("m", keep=["k0"], extra=3)
    again = EmbeddingCache.open(tmp_path, "m", 2)
    assert len(again) == 4 and again.get("k0") is not None and again.get("k9") is not None


def test_damaged_embedding_cache_is_ignored_with_a_warning(tmp_path):
    cache = EmbeddingCache.open(tmp_path, "m", 2)
    cache.put(["a"], np.ones((1, 2), np.float32))
    cache.save("m", keep=["a"])
    cache.path.write_bytes(b"not a zip")
    with pytest.warns(UserWarning, match="嵌入快取"):
        assert len(EmbeddingCache.open(tmp_path, "m", 2)) == 0


def test_sentence_files_are_listed_and_checked(built):
    data = json.loads((built / MANIFEST_FILE).read_text(encoding="utf-8"))
    assert {"sentence_vectors.npy", "sentence_spans.npy", "sentence_offsets.npy"} <= set(data["files"])
    assert data["sentences"] == len(load_store(built).sentences.vectors) == 6
    offsets = np.load(built / "sentence_offsets.npy")
    offsets[1], offsets[2] = offsets[2], offsets[1]  # same size, inconsistent order
    np.save(built / "sentence_offsets.npy", offsets)
    with pytest.raises(IndexCorruptError, match="句子向量.*sousei build"):
        load_store(built)


def test_an_index_of_the_previous_schema_asks_for_a_rebuild(built):
    path = built / MANIFEST_FILE
    data = json.loads(path.read_text(encoding="utf-8"))
    data["schema"] = 1
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(IndexMismatchError, match="格式版本是 1.*sousei build"):
        load_store(built)
