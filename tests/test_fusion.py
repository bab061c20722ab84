"""Fusion functions: normalisation, rank fusion, weighted sums, exact-term boost."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from index.fusion import (
    FusionParams,
    exact_terms,
    fuse,
    minmax,
    ranks,
    rare_term_boost,
    reciprocal_rank,
    term_matches,
    weighted_sum,
    zscore,
)

floats = st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=30)


@given(floats)
def test_minmax_is_within_unit_interval_and_keeps_order(values):
    scaled = minmax(np.array(values))
    assert ((scaled >= 0) & (scaled <= 1)).all()
    order = np.argsort(values, kind="stable")
    assert (np.diff(scaled[order]) >= -1e-9).all()


def test_minmax_constant_and_empty():
    assert minmax(np.array([3.0, 3.0])).tolist() == [1.0, 1.0]
    assert minmax(np.array([0.0, 0.0])).tolist() == [0.0, 0.0]
    assert minmax(np.array([])).size == 0


def test_zscore():
    z = zscore(np.array([1.0, 2.0, 3.0]))
    assert z.mean() == pytest.approx(0) and z.std() == pytest.approx(1)
    assert zscore(np.array([5.0, 5.0])).tolist() == [0.0, 0.0]


def test_ranks_with_absent_entries():
    assert ranks(np.array([0.1, 0.9, 0.5])).tolist() == [3, 1, 2]
    assert ranks(np.array([0.1, 0.9, 0.5]), np.array([True, False, True])).tolist() == [2, 0, 1]


def test_reciprocal_rank_prefers_items_ranked_by_both():
    fused = reciprocal_rank([np.array([1, 2, 0]), np.array([2, 0, 1])], k=60)
    assert fused.argmax() == 0
    assert fused[1] == pytest.approx(1 / 62)


def test_weighted_sum_alpha_extremes():
    dense, bm25 = np.array([0.9, 0.1]), np.array([0.0, 5.0])
    assert weighted_sum(dense, bm25, 1.0).argmax() == 0
    assert weighted_sum(dense, bm25, 0.0).argmax() == 1


@pytest.mark.parametrize(
    "query,expected",
    [
        ("2012年只有多少%？2.3%", ["2012", "2.3%"]),
        ("REVIC是什麼機構？", ["revic"]),
        ("ＲＥＶＩＣ", ["revic"]),
        ("How many concepts are in the 20 policy?", ["concepts", "20", "policy"]),
        ("地方創生", []),
        ("MyNaPoint", ["mynapoint"]),
    ],
)
def test_exact_terms(query, expected):
    assert exact_terms(query) == expected


def test_numbers_must_not_match_inside_longer_numbers():
    texts = ["2020年", "20項", "12.3%", "2.3%"]
    assert term_matches(["20"], texts).tolist() == [0.0, 1.0, 0.0, 0.0]
    assert term_matches(["2.3%"], texts).tolist() == [0.0, 0.0, 0.0, 1.0]


def test_terms_match_across_line_breaks():
    assert term_matches(["mynapoint"], ["導入IT、MyNaPoi\nnt、無現金"]).tolist() == [1.0]


def test_rare_term_boost_ignores_common_terms():
    texts = ["REVIC 20項"] + ["20項 其他"] * 9
    boost = rare_term_boost(["revic", "20"], texts, max_share=0.2)
    assert boost[0] == pytest.approx(0.5)
    assert (boost[1:] == 0).all()


def test_fuse_methods_and_boost():
    dense, bm25 = np.array([0.8, 0.7, 0.1]), np.array([0.0, 9.0, 3.0])
    d_rank, b_rank = np.array([1, 2, 3]), np.array([0, 1, 2])
    assert fuse(dense, bm25, d_rank, b_rank, FusionParams(method="dense")).argmax() == 0
    assert fuse(dense, bm25, d_rank, b_rank, FusionParams(method="bm25")).argmax() == 1
    assert fuse(dense, bm25, d_rank, b_rank, FusionParams(method="weighted", alpha=0.5)).argmax() == 1
    assert fuse(dense, bm25, d_rank, b_rank, FusionParams(method="rrf")).argmax() == 1
    boosted = fuse(dense, bm25, d_rank, b_rank, FusionParams(method="dense", boost=1.0), np.array([0, 0, 1.0]))
    assert boosted.argmax() == 2
    with pytest.raises(ValueError, match="unknown fusion"):
        fuse(dense, bm25, d_rank, b_rank, FusionParams(method="nope"))


def test_sentence_rerank_reorders_the_top_by_the_best_sentence_and_keeps_it_above_the_rest():
    import numpy as np

    from index.fusion import sentence_rerank

    fused = np.array([1.0, 0.9, 0.5, 0.0])
    top = np.array([0, 1])
    best = np.array([0.80, 0.95])  # passage 1 has the sentence that matches
    out = sentence_rerank(fused, best, top, weight=0.3)
    assert out[0] == 1.0 and out[1] == 0.3  # minmax(fused[top]) + 0.3 * minmax(best)
    assert sorted(range(4), key=lambda i: -out[i])[:2] == [0, 1]
    out = sentence_rerank(fused, best, top, weight=2.0)
    assert sorted(range(4), key=lambda i: -out[i]) == [1, 0, 2, 3]  # the rest stays below the top


@pytest.mark.parametrize(
    ("question", "items"),
    [
        ("地域未來構想20清單中第6項是什麼？", [6]),
        ("第十四項針對哪些族群", [14]),
        ("第二十個構想", [20]),
        ("What is the 6th item of the list?", [6]),
        ("item 19 of the plan", [19]),
        ("6番目の構想は何ですか", [6]),
        ("20項構想是什麼", []),  # a count, not an item
        ("2020年的補助", []),
    ],
)
def test_ordinal_items_reads_which_list_item_is_asked(question, items):
    from index.fusion import ordinal_items

    assert ordinal_items(question) == items


def test_numbered_item_match_finds_the_item_heading_in_text_or_heading_path():
    from index.fusion import numbered_item_match

    texts = [
        "地域未來構想一 › 6.建構脫碳化的分散型電源:\n\n建構分散型能源系統。",  # in the heading path
        "6.建構脫碳化的分散型電源:\n\n建構分散型能源系統。",  # leads the passage
        "16.活用地域資源:\n\n觀光。",  # 16 is not 6
        "成長了6.5%。",  # a decimal, not an item
    ]
    assert numbered_item_match([6], texts).tolist() == [1.0, 1.0, 0.0, 0.0]
    titled = ["地域未來構想二:確立新的生活型態", "二、導入資源", "(二)導入資源", "第二個是支援永續。", "12.x"]
    assert numbered_item_match([2], titled).tolist() == [1.0, 1.0, 1.0, 0.0, 0.0]  # prose that counts is no heading
    assert numbered_item_match([], texts).tolist() == [0.0] * 4


def test_quoted_labels_and_the_table_row_they_name():
    from index.fusion import quoted_labels, table_row_match
    from ingest.segment import fold

    assert quoted_labels("表格裡「人」這一列在“確保持續性”那一欄寫什麼？") == ["人", "確保持續性"]
    assert quoted_labels("In the 'people' row") == ["people"] and quoted_labels("沒有引號的問題") == []
    rows = [
        "具體 ｜ 確保持續性 ｜ 推廣優良模式\n\n財政 ｜ 事業能在停止領補助金後持續營運 ｜ 降低成本",
        "的課題案例 ｜ 人 ｜ 成功的案例中存在著關鍵人物 ｜ 在地人士",  # the label need not be the first cell
        "人才是關鍵。",  # prose, not a table row
    ]
    assert table_row_match(["人"], rows, fold).tolist() == [0.0, 1.0, 0.0]
    assert table_row_match(["财政"], rows, fold).tolist() == [1.0, 0.0, 0.0]  # Simplified meets Traditional
    assert table_row_match([], rows, fold).tolist() == [0.0, 0.0, 0.0]
    assert table_row_match(["確保持續性"], rows, fold).tolist() == [0.0, 0.0, 0.0]  # a column name, in the header
    short = ["年度 ｜ 預算\n2020 ｜ 3兆日圓\n2021 ｜ 1.5兆日圓", "2021 ｜ 1.5兆日圓"]  # short cells are rows too
    assert table_row_match(["2021"], short, fold).tolist() == [1.0, 1.0]
    assert table_row_match(["預算"], short, fold).tolist() == [0.0, 0.0]  # only the first line, with rows under it


def test_row_labels_named_without_quotes():
    from index.fusion import named_row_labels, row_labels
    from ingest.segment import fold

    rows = [
        "具體 ｜ 確保持續性 ｜ 推廣優良模式\n\n的課題案例 ｜ 人 ｜ 成功的案例中存在著充滿熱誠的關鍵人物",
        "財政 ｜ 事業能在停止領補助金後持續營運 ｜ 有必要讓財政困難的地方政府也能",
        "物品 ｜ 居民能夠很輕鬆地使用系統，且系統能持續優化",
    ]
    assert row_labels(rows) == ["人", "財政", "物品"]  # the header's column names are not row labels
    assert named_row_labels("財政一列的推廣優良模式欄位寫了什麼", rows, fold) == ["財政"]
    assert named_row_labels("表格中物品這列寫什麼", rows, fold) == ["物品"]
    assert named_row_labels("人這一列在確保持續性寫什麼", rows, fold) == ["人"]
    assert named_row_labels("表格裡人口的部分", rows, fold) == []  # 人 alone only right before 列 / 行
    assert named_row_labels("財政困難的地方怎麼辦", rows, fold) == []  # no table, row or column spoken of


def test_line_labels_are_the_short_labels_opening_lines():
    from index.fusion import line_labels

    text = "[5]案例分類依據：\n\n事業主題別：教育、醫療\n區域別:北海道、東北\n條件不利區域別：過疏、離島"
    assert line_labels(text) == ("案例分類依據", "事業主題別", "區域別", "條件不利區域別")
    assert line_labels("日本總務省在會議中表示：科技導入並不豐碩。") == ()  # longer than a label (10 characters)
    assert line_labels("人：\n財政 ｜ 持續營運") == ()  # one character is not a label
    assert line_labels("資料顯示，來源：總務省") == ()  # not at the start of a line


def test_a_line_label_the_question_names_whole_is_matched():
    from index.fusion import labelled_line_match
    from ingest.segment import fold

    named = [("區域別",), ("條件不利區域別",), ("事業主題別", "區域別"), ()]
    labels = [tuple(fold(label) for label in own) for own in named]
    assert labelled_line_match(fold("区域别包括哪些地区"), labels).tolist() == [1.0, 0.0, 1.0, 0.0]
    assert labelled_line_match(fold("條件不利區域別有哪些"), labels).tolist() == [1.0, 1.0, 1.0, 0.0]
    assert labelled_line_match(fold("案例分成哪些地區？"), labels).tolist() == [0.0, 0.0, 0.0, 0.0]


def test_a_question_asking_how_things_are_classed_names_a_label_by_its_stem():
    from index.fusion import labelled_line_match, names_line_label
    from ingest.segment import fold

    named = [("區域別",), ("條件不利區域別",), ("事業主題別", "區域別"), ("導入團體別",)]
    labels = [tuple(fold(label) for label in own) for own in named]
    assert labelled_line_match(fold("條件不利區域分成哪些類別？"), labels).tolist() == [0.0, 1.0, 0.0, 0.0]
    assert labelled_line_match(fold("案例資料庫依導入團體可分成哪幾類？"), labels).tolist() == [0.0, 0.0, 0.0, 1.0]
    assert labelled_line_match(fold("案例按區域分成哪些類別？"), labels).tolist() == [0.0] * 4  # 區域: too short a stem
    assert labelled_line_match(fold("條件不利區域有什麼困難？"), labels).tolist() == [0.0] * 4  # no classing asked
    assert not names_line_label(fold("事業主題分成哪些類別"), fold("事業主題類"))  # no 別: named whole only


def test_bigram_overlap_is_the_idf_weighted_share_of_the_questions_pairs():
    from index.fusion import bigram_overlap
    from index.stats import char_bigrams

    question = char_bigrams(["偏遠地區", "價值"])  # 偏遠 遠地 地區 區價 價值
    passages = [char_bigrams(["偏遠", "地區"]), char_bigrams(["價值"]), frozenset()]
    idf = {"偏遠": 2.0, "遠地": 1.0, "地區": 1.0, "區價": 1.0, "價值": 1.0}.__getitem__
    out = bigram_overlap(question, passages, idf)
    assert out.tolist() == pytest.approx([4 / 6, 1 / 6, 0.0])  # segmented apart, still found
    assert bigram_overlap(frozenset(), passages, idf).tolist() == [0.0, 0.0, 0.0]


def test_sentence_rerank_adds_the_weighted_overlap_to_the_top_only():
    import numpy as np

    from index.fusion import sentence_rerank

    fused = np.array([1.0, 0.9, 0.5])
    top = np.array([0, 1])
    best = np.array([0.9, 0.9])
    out = sentence_rerank(fused, best, top, 0.3, overlap=np.array([0.0, 1.0]), overlap_weight=0.6)
    # minmax(fused[top]) + 0.3 * minmax(best) (equal sentences: both 1) + 0.6 * overlap
    assert out[0] == pytest.approx(1.3) and out[1] == pytest.approx(0.9)
    assert out[2] < 0  # the rest stays below the top


def test_corpus_stats_count_each_passages_character_pairs_once():
    from index.stats import CorpusStats

    stats = CorpusStats.from_token_lists([["地方", "創生", "地方"], ["地方"]])
    assert stats.bigram_df == {"地方": 2, "方創": 1, "創生": 1, "生地": 1}
    assert stats.bigram_idf("創生") > stats.bigram_idf("地方") > 0
    assert stats.bigram_idf("未見") > stats.bigram_idf("創生")


def test_corpus_stats_count_pairs_over_an_even_sample_of_a_large_index():
    from index.stats import CorpusStats

    stats = CorpusStats.from_token_lists([["地方"], ["創生"], ["地方"], ["創生"], ["地方"]], pair_sample=3)
    assert stats.n_docs == 5 and stats.df == {"地方": 3, "創生": 2}  # tokens: every passage
    assert stats.bigram_docs == 3 and stats.bigram_df == {"地方": 3}  # pairs: passages 0, 2, 4
