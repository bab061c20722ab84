"""Searcher: open checks, hybrid/dense/bm25 modes, hits, articles, odd queries."""

from __future__ import annotations

import numpy as np
import pytest

from index.build import build_index
from index.fusion import FusionParams
from index.records import Hit
from index.search import Searcher, UnknownArticleError
from index.store import IndexMismatchError, IndexMissingError
from ingest.errors import SouseiError
from ingest.furniture import is_byline
from tests.fakes import FakeEncoder
from tests.index_fakes import (
    ARTICLE_A,
    ARTICLE_B,
    ARTICLE_C,
    FAKE_SEGMENTER,
    build_kwargs,
    fake_tokenize,
    open_kwargs,
    write_corpus,
)


@pytest.fixture
def index_dir(tmp_path, fake_encoder):
    corpus = write_corpus(tmp_path / "corpus", a=ARTICLE_A, b=ARTICLE_B, c=ARTICLE_C)
    build_index(corpus, tmp_path / "index", fake_encoder, **build_kwargs())
    return tmp_path / "index"


@pytest.fixture
def searcher(index_dir, fake_encoder):
    return Searcher.open(index_dir, fake_encoder, **open_kwargs())


def test_hits_are_ranked_records_with_both_scores(searcher):
    hits = searcher.search("REVIC提供什麼？", top_k=3)
    assert [h.rank for h in hits] == [1, 2, 3]
    assert all(isinstance(h, Hit) for h in hits)
    assert "REVIC" in hits[0].passage.text
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert hits[0].dense_score is not None and hits[0].bm25_score > 0 and hits[0].bm25_rank == 1


def test_exact_number_is_found(searcher):
    assert "2.3%" in searcher.search("只有2.3%的地方政府", top_k=1)[0].passage.text


def test_modes(searcher, fake_encoder):
    dense = searcher.search("物流資訊", top_k=2, mode="dense")
    assert dense and all(h.bm25_score is None and h.dense_score is not None for h in dense)
    calls = fake_encoder.calls
    keyword = searcher.search("物流資訊", top_k=2, mode="bm25")
    assert fake_encoder.calls == calls  # BM25 mode does not encode the query
    assert keyword and all(h.dense_score is None and h.bm25_score > 0 for h in keyword)
    with pytest.raises(ValueError, match="mode"):
        searcher.search("x", mode="fancy")


def test_top_k_beyond_corpus_and_zero(searcher):
    assert len(searcher.search("地方", top_k=100)) == 8
    assert searcher.search("地方", top_k=0) == []


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   \n\t",
        "？？！！。。",
        "😀🎉",
        "\x00\x07控制",
        "SELECT * FROM x; --",
        "<script>alert(1)</script>",
        "地方" * 5000,
        "Mixed 地方 ｒｅｖｉｃ 2.3％",
    ],
)
def test_odd_queries_do_not_crash(searcher, query):
    hits = searcher.search(query, top_k=3)
    assert isinstance(hits, list) and len(hits) <= 3
    if not query.strip():
        assert hits == []


def test_timings_of_last_query(searcher):
    searcher.search("地方政府", top_k=2)
    assert set(searcher.timings) == {"encode_ms", "dense_ms", "bm25_ms", "fusion_ms", "search_ms"}
    assert searcher.timings["search_ms"] >= searcher.timings["fusion_ms"]
    assert all(v >= 0 for v in searcher.timings.values())


def test_articles_and_article(searcher):
    assert [a.doc_id for a in searcher.articles()] == ["a", "b", "c"]
    article = searcher.article("b")
    assert article.paragraphs[0].text.startswith("地域經濟活性化機構")
    with pytest.raises(UnknownArticleError, match="nope") as info:
        searcher.article("nope")
    assert isinstance(info.value, SouseiError) and isinstance(info.value, KeyError)


def test_open_rejects_another_model(index_dir):
    with pytest.raises(IndexMismatchError, match="other-model.*sousei build"):
        Searcher.open(index_dir, FakeEncoder(model_id="other-model", fingerprint="other"), **open_kwargs())
    with pytest.raises(IndexMismatchError, match="dim 32"):
        Searcher.open(index_dir, FakeEncoder(dim=32), **open_kwargs())


def test_open_rejects_another_segmenter(index_dir, fake_encoder):
    with pytest.raises(IndexMismatchError, match="segmenter"):
        Searcher.open(index_dir, fake_encoder, tokenizer=fake_tokenize, segmenter={**FAKE_SEGMENTER, "version": 2})


def test_open_without_index(tmp_path, fake_encoder):
    with pytest.raises(IndexMissingError, match="sousei build"):
        Searcher.open(tmp_path / "none", fake_encoder, **open_kwargs())


def test_is_stale_after_a_rebuild(index_dir, searcher, fake_encoder, tmp_path):
    assert not searcher.is_stale()
    build_index(tmp_path / "corpus", index_dir, fake_encoder, **build_kwargs())
    assert searcher.is_stale()


def test_rrf_and_zscore_fusion_work_end_to_end(index_dir, fake_encoder):
    for params in (FusionParams(method="rrf"), FusionParams(norm="zscore", boost=0.0)):
        searcher = Searcher.open(index_dir, fake_encoder, fusion=params, **open_kwargs())
        assert "REVIC" in searcher.search("REVIC", top_k=1)[0].passage.text


def test_the_list_item_a_question_points_at_is_ranked_first(tmp_path, fake_encoder):
    items = "\n\n".join(
        f"{n}.第{n}個構想:\n\n地方可以推動數位轉型與觀光，並且支援在地產業與交通。" for n in range(1, 9)
    )
    corpus = write_corpus(tmp_path / "corpus", plan="清單\n\n" + items)
    build_index(corpus, tmp_path / "index", fake_encoder, **build_kwargs())
    searcher = Searcher.open(tmp_path / "index", fake_encoder, **open_kwargs())
    for asked, wording in [(6, "第6項的構想是什麼"), (3, "第三項的構想"), (7, "the 7th item of the list")]:
        assert searcher.search(wording, top_k=1)[0].passage.text.startswith(f"{asked}.")


def test_a_quoted_label_boosts_only_the_table_row_it_labels(tmp_path, fake_encoder):
    rows = ["人 ｜ 財政困難時的人才 ｜ 支援", "財政 ｜ 事業持續營運 ｜ 降低成本", "物品 ｜ 系統與財政預算 ｜ 交流"]
    corpus = write_corpus(tmp_path / "corpus", table="\n\n".join(["支援課題", *rows]))
    build_index(corpus, tmp_path / "index", fake_encoder, **build_kwargs())
    searcher = Searcher.open(tmp_path / "index", fake_encoder, **open_kwargs())
    ids = np.arange(len(searcher.passages))
    boost = searcher._boost("表裡「財政」這一列寫了什麼", ids)  # the boost added to the fused scores
    assert [searcher.passages[i].text[:2] for i in ids if boost[i] > 0] == ["財政"]
    unquoted = searcher._boost("表裡財政這一列寫了什麼", ids)  # a row label named without quotes
    assert unquoted is not None and [searcher.passages[i].text[:2] for i in ids if unquoted[i] > 0] == ["財政"]
    assert searcher._boost("財政困難的地方怎麼辦", ids) is None  # no table, row or label spoken of


def test_a_line_labelled_as_the_question_names_it_is_ranked_first(tmp_path, fake_encoder, monkeypatch):
    import index.search

    lines = ["條件不利區域別：過疏、偏遠地區、離島、半島", "區域別：北海道、東北、關東、信越", "團體別：地方政府、企業"]
    corpus = write_corpus(tmp_path / "corpus", cases="\n\n".join(lines))
    build_index(corpus, tmp_path / "index", fake_encoder, **build_kwargs())
    searcher = Searcher.open(tmp_path / "index", fake_encoder, **open_kwargs())
    question = "區域別包括哪些地區"
    monkeypatch.setattr(index.search, "LABEL_BOOST", False)
    assert searcher.search(question, top_k=1)[0].passage.text.startswith("條件不利")  # it holds 區域 and 地區 too
    monkeypatch.setattr(index.search, "LABEL_BOOST", True)
    assert searcher.search(question, top_k=1)[0].passage.text.startswith("區域別")


def test_the_weighted_share_of_the_questions_character_pairs_is_added_to_the_reranked_scores(index_dir, fake_encoder):
    from dataclasses import replace

    from index.fusion import bigram_overlap
    from index.search import DEFAULT_FUSION
    from index.stats import char_bigrams

    plain, paired = (
        Searcher.open(index_dir, fake_encoder, fusion=replace(DEFAULT_FUSION, bigram_weight=w), **open_kwargs())
        for w in (0.0, 1.0)
    )
    question = "物流資訊的共享"
    before = {h.passage.id: h.score for h in plain.search(question, top_k=20)}
    after = {h.passage.id: h.score for h in paired.search(question, top_k=20)}
    assert before.keys() == after.keys() and len(after) >= 3
    pairs, idf = char_bigrams(fake_tokenize(question)), paired.stats().bigram_idf
    for passage_id, score in after.items():
        held = char_bigrams(paired.passage(passage_id).tokens)
        assert score - before[passage_id] == pytest.approx(bigram_overlap(pairs, [held], idf)[0])
    assert any(score != before[passage_id] for passage_id, score in after.items())


def test_the_byline_of_the_article_a_question_names_comes_first(tmp_path, fake_encoder):
    articles = {  # the fake ingest titles an article by its file name
        "雲林虎尾青年返鄉計畫紀要": "作者：林小明\n\n虎尾鎮的青年返鄉計畫每年補助十人。",
        "神山町的衛星辦公室": "作者：王大同\n\n神山町在2019年開設了共同工作空間。",
    }
    corpus = write_corpus(tmp_path / "corpus", **articles)
    build_index(corpus, tmp_path / "index", fake_encoder, **build_kwargs())
    searcher = Searcher.open(tmp_path / "index", fake_encoder, **open_kwargs())
    for question, author in [("神山町那篇文章的作者是誰？", "王大同"), ("虎尾青年返鄉那篇是誰寫的", "林小明")]:
        top = searcher.search(question, top_k=2)
        assert author in top[0].passage.text, question
        assert all(is_byline(hit.passage.text) for hit in top)  # the other byline still follows


def test_a_count_in_chinese_numerals_reaches_the_articles_digits_and_back():
    from index.search import _numeral_expander

    expand = _numeral_expander({"3密", "密集"}.__contains__)
    assert expand("三密是什麼？") == ["3密"]  # a tester's: the articles write 注意3密
    assert expand("四密是什麼？") == []  # 4密 is not written: nothing added
    assert expand("密集是什麼") == []  # no numeral
    assert _numeral_expander({"三密"}.__contains__)("3密是什麼？") == ["三密"]  # the other way round
    assert _numeral_expander({"3密", "三密"}.__contains__)("三密是什麼？") == []  # written as asked


def test_numeral_variant_is_the_articles_writing_of_a_count_or_none():
    from index.search import numeral_variant

    known = {"3密", "三支箭", "密集"}.__contains__
    assert numeral_variant("三密", known) == "3密"
    assert numeral_variant("3支箭", known) == "三支箭"
    assert numeral_variant("3密", known) is None  # known as asked
    assert numeral_variant("四密", known) is None  # 4密 is not written either
    assert numeral_variant("密集", known) is None  # no numeral


def test_a_title_over_its_byline_comes_after_the_text_unless_the_author_is_asked(tmp_path, fake_encoder):
    # a tester's: 台灣地方創生的五支箭是什麼？ had 「台灣地方創生國家戰略：五支箭與2019元年 / 作者：林小明」 first
    from ingest.furniture import is_byline

    title = "台灣地方創生國家戰略五支箭"
    corpus = write_corpus(tmp_path / "corpus", **{title: f"{title}\n作者：林小明\n\n國發會以五支箭推動創生事業。"})
    build_index(corpus, tmp_path / "index", fake_encoder, **build_kwargs())
    searcher = Searcher.open(tmp_path / "index", fake_encoder, **open_kwargs())
    hits = searcher.search("台灣地方創生國家戰略的五支箭", top_k=5)
    assert len(hits) >= 2 and is_byline(hits[-1].passage.text) and not is_byline(hits[0].passage.text)
    assert is_byline(searcher.search("台灣地方創生國家戰略那篇的作者是誰？", top_k=5)[0].passage.text)
