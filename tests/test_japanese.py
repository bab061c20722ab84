"""Japanese questions: katakana words as whole tokens, and their expansion through English
(ingest.japanese) on small data with a fake dictionary; the real JMdict is in test_glossary_real."""

from __future__ import annotations

import pytest

import ingest.japanese as japanese
from chat.terms import question_terms
from index.build import build_index
from index.search import Searcher
from index.store import load_store
from ingest.errors import SouseiError
from ingest.japanese import JapaneseExpander, clean_gloss, has_kana, jmdict_glosses, katakana_words
from ingest.segment import tokenize
from tests.index_fakes import write_corpus

FAKE_JMDICT = {
    "キャッシュレス": ("cashless payment",),
    "データベース": ("database",),
    "カード": ("card (information, filing, etc.)", "a card used as a key for the front door of a house"),
    "輸出": ("export",),
}
FAKE_ENGLISH = {"cashless payment": ["無現金支付"], "database": ["資料庫"], "card": ["卡片"], "export": ["出口"]}


def fake_lookup(calls: list[str]):
    def lookup(word: str) -> tuple[str, ...]:
        calls.append(word)
        return FAKE_JMDICT.get(word, ())

    return lookup


def fake_english(gloss: str) -> list[str]:
    return FAKE_ENGLISH.get(gloss, [])


def test_katakana_runs_are_whole_tokens_not_letters():
    assert tokenize("キャッシュレス化を進める施策は")[:1] == ["キャッシュレス"]
    assert "キ" not in tokenize("キャッシュレス化を進める施策は")
    assert tokenize("ﾃﾚﾜｰｸ")[0] == "テレワーク"  # half-width kana are folded first
    assert tokenize("スマート・シティ") == ["スマート", "シティ"]  # the middle dot separates words
    assert tokenize("地方創生的データベース") == ["地方", "创生", "地方创生", "データベース"]
    assert question_terms("マイナンバーカードの普及率は？")[0] == "マイナンバーカード"


def test_katakana_words_and_kana_detection():
    assert katakana_words("データベースとデータベース、ﾃﾚﾜｰｸ・ア") == ["データベース", "テレワーク"]
    assert has_kana("データ") and has_kana("施策は")
    assert not has_kana("城鎮・人口・工作創生戰略")  # a middle dot in Chinese is not Japanese
    assert not has_kana("What is RESAS?")


def test_a_gloss_keeps_its_words_and_drops_explanations():
    assert clean_gloss("card (information, filing, etc.)") == "card"
    assert clean_gloss("a card used as a key for the front door of a house") is None
    assert clean_gloss("(sense only)") is None


def test_katakana_and_unknown_kanji_words_reach_the_articles_terms():
    calls: list[str] = []
    expand = JapaneseExpander(fake_english, fake_lookup(calls), known=lambda token: token != "输出")
    assert expand("キャッシュレス化とデータベース、カード") == ["無現金支付", "資料庫", "卡片"]
    assert expand("データベースカード") == []  # one katakana run: one word, not in the dictionary
    assert expand("農林水産業では輸出を") == ["出口"]
    assert "輸出" in calls  # looked up as written in the question (not the folded 输出)
    assert "水产业" not in calls and "産業" not in calls  # words the articles use are not looked up


def test_questions_without_kana_never_touch_the_dictionary():
    calls: list[str] = []
    expand = JapaneseExpander(fake_english, fake_lookup(calls), known=lambda token: False)
    assert expand("What is a database?") == []
    assert expand("資料庫的輸出是什麼？") == []
    assert calls == []


def test_only_kana_and_kanji_words_are_passed_to_the_dictionary():
    for word in ("%", "デ%", "デ_タ", "id#1358280", "@", "", "a", "テ" * 40):
        assert jmdict_glosses(word) == ()


def test_a_missing_dictionary_is_reported_with_what_to_do(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "jamdict", None)  # as if the package were not installed
    japanese._jamdict.cache_clear()
    japanese.jmdict_glosses.cache_clear()
    try:
        with pytest.raises(SouseiError, match="pip install jamdict jamdict-data"):
            jmdict_glosses("キャッシュレス")
    finally:
        japanese._jamdict.cache_clear()
        japanese.jmdict_glosses.cache_clear()


def test_a_hostile_question_costs_a_bounded_number_of_lookups():
    calls: list[str] = []
    expand = JapaneseExpander(fake_english, fake_lookup(calls), known=lambda token: False)
    question = "・".join(f"テスト{chr(0x30A2 + n)}" for n in range(80)) + "輸出" * 100
    assert expand(question) == []
    assert 0 < len(calls) <= japanese.MAX_WORDS


ARTICLE = "地方政府推動無現金支付，並把案例整理成資料庫。\n\n農產品出口導向的產業也有投資。\n\n觀光人口減少。"


@pytest.fixture
def searcher(tmp_path, fake_encoder, monkeypatch) -> Searcher:
    corpus, index_dir = write_corpus(tmp_path / "corpus", j=ARTICLE), tmp_path / "index"
    build_index(corpus, index_dir, fake_encoder)  # the real ingest and segmenter: the real CC-CEDICT glossary
    lookup = fake_lookup([])
    monkeypatch.setattr(japanese, "jmdict_glosses", lookup)
    return Searcher.open(index_dir, fake_encoder)


def test_the_index_expander_adds_japanese_words_on_the_keyword_side(searcher):
    # the real segmenter and the index's own glossary (CC-CEDICT: database → 資料庫, export → 出口)
    question = "データベースはありますか？"
    assert [group for group in searcher.expansion_tokens(question) if "资料库" in group]
    assert "資料庫" in searcher.search(question, top_k=1, mode="bm25")[0].passage.text
    stored = load_store(searcher.index_dir)
    plain = Searcher(searcher.index_dir, stored, searcher.encoder, tokenize, expand=lambda q: [])
    assert plain.search(question, top_k=1, mode="bm25") == []  # no Chinese word in common without it
    assert ["出口"] in searcher.expansion_tokens("輸出について")  # a kanji word the articles lack


def test_the_index_expander_skips_japanese_work_for_other_questions(searcher, monkeypatch):
    def refuse(word: str) -> tuple[str, ...]:
        raise AssertionError(f"looked up {word!r} for a question without kana")

    monkeypatch.setattr(japanese, "jmdict_glosses", refuse)
    fresh = Searcher(searcher.index_dir, load_store(searcher.index_dir), searcher.encoder, tokenize)
    assert fresh.search("What database of cases?", top_k=1, mode="bm25")
    assert fresh.search("資料庫", top_k=1, mode="bm25")
    with pytest.raises(AssertionError, match="looked up"):
        fresh.search("データベース", top_k=1, mode="bm25")
