"""KeywordIndex: BM25 over given tokens, no tokenizer inside, save/load."""

from __future__ import annotations

import numpy as np
import pytest

from index.bm25 import BM25_DIR, KeywordIndex, _new_retriever, top_positive

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


MANY = [[f"詞{n % 17}", f"term{n % 13}", f"{n}"] for n in range(40)]  # 70 tokens: a set's order is not sorted


def test_tokens_are_numbered_in_sorted_order_and_score_as_before():
    """bm25s numbers tokens in its set's order, which changes with each process's string hashing, so a
    rebuild of the same passages wrote other BM25 files; the tokens are numbered in sorted order."""
    index = KeywordIndex.build(MANY)
    vocabulary = index._retriever.vocab_dict
    assert list(vocabulary) == sorted(t for t in vocabulary if t) + [""]
    assert list(vocabulary.values()) == list(range(len(vocabulary)))
    own = _new_retriever(index.params)
    own.index(MANY, show_progress=False)  # bm25s numbering its own tokens: the same scores
    for query in (["詞3", "term5"], ["7", "詞16", "火星"]):
        expected = own.get_scores_from_ids(own.get_tokens_ids([t for t in query if t in own.vocab_dict]))
        np.testing.assert_allclose(index.scores(query), expected, rtol=1e-6)


@pytest.mark.slow
def test_the_same_passages_are_saved_as_the_same_bytes_in_any_process(tmp_path):
    """Built in three processes with other string hashing, the saved files are identical."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    script = (
        "import json, sys; from pathlib import Path; from index.bm25 import KeywordIndex; "
        "KeywordIndex.build(json.loads(sys.argv[1])).save(Path(sys.argv[2]))"
    )
    root = Path(__file__).resolve().parent.parent
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [sys.executable, "-c", script, json.dumps(MANY), str(tmp_path / seed)], env=env, cwd=root, check=True
        )
    saved = [{p.name: p.read_bytes() for p in (tmp_path / seed / BM25_DIR).iterdir()} for seed in ("1", "2", "3")]
    assert saved[0] == saved[1] == saved[2] and len(saved[0]) > 1
