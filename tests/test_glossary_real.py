"""The glossary on the real index of the seed articles (real model, real FAISS and BM25; slow)."""

from __future__ import annotations

import pytest

from index.search import Searcher

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def searcher(real_seed_searcher) -> Searcher:
    return real_seed_searcher  # conftest.py: the seed articles, indexed once per session


def test_seed_glossary_holds_the_articles_own_pairs(searcher):
    pairs = {(e.native, e.latin) for e in searcher.glossary}
    assert ("地方經濟分析系統", ("Regional Economy Society Analyzing System", "RESAS")) in pairs
    assert ("GIGA School", ("Global Innovation Gateway for All",)) in pairs
    assert ("交通行動服務", ("Mobility as a Service", "MaaS")) in pairs


def test_english_question_about_resas_finds_the_resas_passage_first(searcher):
    question = "Which tool called RESAS can local governments use when planning?"
    assert ["地方", "经济", "分析", "系统"] == searcher.expansion_tokens(question)[0][:4]
    for mode in ("hybrid", "bm25"):
        first = searcher.search(question, top_k=3, mode=mode)[0].passage.text
        assert "地方經濟分析系統（Regional Economy Society Analyzing System, RESAS）" in first, mode


def test_japanese_katakana_question_reaches_the_drone_passage_through_jmdict(searcher):
    # ドローン → JMdict "drone" → CC-CEDICT 無人機: the real dictionary, glossary and index.
    question = "ドローン配送の実証を進めるのは？"
    assert ["无人", "人机", "无人机"] in searcher.expansion_tokens(question)
    for mode in ("hybrid", "bm25"):
        first = searcher.search(question, top_k=3, mode=mode)[0].passage.text
        assert "無人機" in first, mode


def test_an_english_question_names_a_line_label_through_its_expansions(searcher):
    """The expansion of "regions" (区域) names the label 區域別: its line is quoted first, not the passage's first line
    (事業主題別：…) nor 條件不利區域別, whose label only holds the word; "population-size" is
    expanded by its parts (人口)."""
    from chat.answer import answer_question

    answer = answer_question("Which regions of Japan are used to classify the cases?", searcher)
    assert answer.found and answer.quotes[0].text.startswith("區域別：北海道")
    assert ["人口"] in searcher.expansion_tokens("What population-size brackets classify the cases?")


def test_a_katakana_name_the_articles_write_in_chinese_is_answered(searcher):
    """キャッシュレス in a Chinese question: the articles write 無現金 (JMdict cashless → the project's own
    CC-CEDICT entry), so the name is not an absent one; ふるさと納税, which they never discuss, still is."""
    from chat.answer import answer_question

    answer = answer_question("キャッシュレス支付有什麼補助？", searcher)
    assert answer.found and any("無現金" in quote.text for quote in answer.quotes[:2])
    assert not answer_question("故鄉納稅（ふるさと納税）2020年度的捐款總額是多少？", searcher).found
