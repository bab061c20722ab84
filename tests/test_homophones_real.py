"""Homophone typos on the real index of the seed articles (real model, FAISS, BM25, pypinyin; slow)."""

from __future__ import annotations

import pytest

from index.evaluate import first_hit_rank
from index.search import Searcher
from index.store import load_store
from ingest.segment import tokenize

pytestmark = pytest.mark.slow

# Questions typed with a wrong character of the same sound (避南 for 避難, 產關學 for 產官學):
# without the articles' homophone the answer ranks 3rd and 2nd (hybrid).
CASES = [
    ("疫情期間避南所不夠，可以借用哪些設施？", "飯店、旅館等民間設施", "避难"),
    ("產關學合作要找哪些人", "產官學", "产官学"),
]


@pytest.fixture(scope="module")
def searcher(real_seed_searcher) -> Searcher:
    return real_seed_searcher  # conftest.py: the seed articles, indexed once per session


@pytest.mark.parametrize(("question", "gold", "meant"), CASES)
def test_a_typed_homophone_reaches_the_answer(searcher, question, gold, meant, monkeypatch):
    assert [meant] in searcher.expansion_tokens(question)
    monkeypatch.setattr("index.search.HOMOPHONES", False)  # the same searcher, glossary and synonyms kept
    plain = Searcher(searcher.index_dir, load_store(searcher.index_dir), searcher.encoder, tokenize)
    assert [meant] not in plain.expansion_tokens(question)
    repaired = first_hit_rank([h.passage.text for h in searcher.search(question, 5)], [gold])
    without = first_hit_rank([h.passage.text for h in plain.search(question, 5)], [gold])
    assert repaired == 1 and without != 1
