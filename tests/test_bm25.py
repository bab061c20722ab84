"""KeywordIndex: BM25 over given tokens, no tokenizer inside, save/load."""

from __future__ import annotations

import numpy as np
import pytest

from index.bm25 import BM25_DIR, KeywordIndex, top_positive

DOCS = [["日本", "地方", "創生"], ["revic", "資金"], ["地方", "政府", "2.3%"], []]


def test_search_ranks_matching_documents_and_skips_non_matching():
    index = KeywordIndex.build(DOCS)
    scores, ids = index.search(["地方", "2.3%"], 10)
    assert ids.tolist()[0] == 2
    assert set(ids.tolist()) == {0, 2}
    assert all(s > 0 for s in scores)


def test_unknown_and_empty_queries_score_zero():
    index = KeywordIndex.build(DOCS)
    assert index.search(["火星"], 5)[1].size == 0
    assert index.search([], 5)[1].size == 0
    assert index.scores(["", "火星"]).tolist() == [0.0] * len(DOCS)


def test_document_frequency():
    index = KeywordIndex.build(DOCS)
    assert index.document_frequency("地方") == 2
    assert index.document_frequency("revic") == 1
    assert index.document_frequency("nothing") == 0


def test_empty_corpus():
    index = KeywordIndex.build([])
    assert index.size == 0
    assert index.search(["地方"], 3)[1].size == 0


@pytest.mark.parametrize("docs", [DOCS, []])
def test_save_load_round_trip(tmp_path, docs):
    index = KeywordIndex.build(docs)
    assert index.save(tmp_path).name == BM25_DIR
    loaded = KeywordIndex.load(tmp_path)
    assert loaded.size == len(docs)
    np.testing.assert_allclose(loaded.scores(["地方", "資金"]), index.scores(["地方", "資金"]))


def test_top_positive_orders_by_score_then_index():
    scores, ids = top_positive(np.array([0.0, 2.0, 1.0, 2.0, -1.0]), 3)
    assert ids.tolist() == [1, 3, 2]
    assert scores.tolist() == [2.0, 2.0, 1.0]
