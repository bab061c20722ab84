"""The abstention signals and the decision, on hand-made hits."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from chat.abstain import (
    DecisionModel,
    LinearModel,
    dense_gap,
    dense_top,
    passage_coverage,
    ranks_agree,
    unknown_share,
)
from index.records import Hit
from index.stats import CorpusStats
from ingest.records import Passage
from tests.chat_fakes import ANSWERED


def passage(pid: str, text: str) -> Passage:
    return Passage(id=pid, doc_id="d", title="t", paragraph=1, page=None, start=0, end=len(text), text=text)


def hit(pid: str, text: str, rank: int, dense: float | None, dense_rank: int | None, bm25_rank: int | None) -> Hit:
    return Hit(
        passage=passage(pid, text),
        score=1.0 / rank,
        rank=rank,
        dense_score=dense,
        dense_rank=dense_rank,
        bm25_score=None if bm25_rank is None else 10.0 / bm25_rank,
        bm25_rank=bm25_rank,
    )


STATS = CorpusStats.from_token_lists(
    [["日本", "地方", "创生"], ["地方", "预算"], ["疫情", "补助金", "预算"], ["日本", "疫情"]]
)


def test_unknown_share_weighs_unseen_terms():
    assert unknown_share(["地方", "预算"], STATS) == 0.0
    assert unknown_share(["食谱", "牛肉面"], STATS) == 1.0
    mixed = unknown_share(["地方", "韩国"], STATS)
    assert 0.5 < mixed < 1.0  # the unseen term weighs more than the common one


def test_unknown_share_of_no_terms_is_zero():
    assert unknown_share([], STATS) == 0.0


def test_passage_coverage_uses_the_best_of_the_top_passages():
    hits = [hit("a", "疫情的補助金", 1, 0.8, 1, 1), hit("b", "地方的預算", 2, 0.7, 2, 2)]
    assert passage_coverage(["地方", "预算"], hits, STATS) == pytest.approx(1.0)  # Traditional text, folded terms
    assert passage_coverage(["地方", "预算"], hits[:1], STATS) == 0.0
    assert passage_coverage([], hits, STATS) == 0.0


def test_dense_top_and_gap():
    hits = [hit("a", "x", 1, 0.81, 2, 1), hit("b", "y", 2, 0.86, 1, None), hit("c", "z", 3, None, None, 2)]
    assert dense_top(hits) == pytest.approx(0.86)
    assert dense_gap(hits) == pytest.approx(0.05)
    assert dense_top([hit("c", "z", 1, None, None, 1)]) is None
    assert dense_gap(hits[:1]) is None


def test_ranks_agree_when_each_top_is_near_the_top_of_the_other():
    agree = [hit("a", "x", 1, 0.9, 1, 2), hit("b", "y", 2, 0.8, 2, 1)]
    disagree = [hit("a", "x", 1, 0.9, 1, None), hit("b", "y", 2, 0.5, 9, 1)]
    assert ranks_agree(agree)
    assert not ranks_agree(disagree)
    assert not ranks_agree([hit("a", "x", 1, 0.9, 1, None)])  # no keyword hit at all


# --------------------------------------------------------------------------- the fitted decision


def tiny_model(found_at: float = 0.7, maybe_at: float = 0.3) -> DecisionModel:
    found = LinearModel(("coverage", "unknown"), (0.5, 0.5), (0.25, 0.25), (2.0, -1.0), 0.0)
    sentence = LinearModel(("lexical",), (0.0,), (1.0,), (1.0,), 0.0)
    return DecisionModel(found=found, found_at=found_at, maybe_at=maybe_at, sentence=sentence, model_fingerprint="fp")


def test_confidence_is_the_logistic_of_the_standardised_sum():
    # z = 2 * (0.9 - 0.5) / 0.25 - 1 * (0.0 - 0.5) / 0.25 = 3.2 + 2.0 = 5.2
    assert tiny_model().confidence(ANSWERED) == pytest.approx(1 / (1 + math.exp(-5.2)))


def test_three_bands_found_uncertain_not_found():
    model = tiny_model()
    sure = model.decide(ANSWERED)
    assert sure.found and not sure.uncertain and sure.reason.startswith("found:")
    middle = model.decide(replace(ANSWERED, coverage=0.5, unknown=0.5))  # z = 0 -> 0.5
    assert middle.found and middle.uncertain and middle.confidence == pytest.approx(0.5)
    none = model.decide(replace(ANSWERED, coverage=0.0, unknown=1.0))
    assert not none.found and not none.uncertain and none.reason.startswith("not found:")


def test_reason_names_the_signal_that_decided():
    none = tiny_model().decide(replace(ANSWERED, coverage=0.45, unknown=1.0))
    assert "not in the articles" in none.reason  # unknown pushed hardest towards "not found"


def test_another_models_fingerprint_is_flagged():
    assert "another embedding model" in tiny_model().decide(ANSWERED, fingerprint="other").reason
    assert "another" not in tiny_model().decide(ANSWERED, fingerprint="fp").reason


def test_decision_file_round_trips(tmp_path):
    model = tiny_model()
    model.save(tmp_path / "d.json")
    assert DecisionModel.load(tmp_path / "d.json") == model


@pytest.mark.parametrize("content", ["", "[]", '{"version": 99}', '{"version": 1}'])
def test_a_bad_decision_file_says_how_to_refit(tmp_path, content):
    from chat.abstain import DecisionFileError

    path = tmp_path / "d.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DecisionFileError, match="chat.fit_decision"):
        DecisionModel.load(path)


def test_shipped_decision_file_loads_and_separates_the_obvious_cases():
    model = DecisionModel.load()
    assert 0.0 < model.maybe_at <= model.found_at < 1.0
    nothing = replace(
        ANSWERED,
        coverage=0.0,
        unknown=1.0,
        unknown_terms=3,
        sentence=0.0,
        dense_top=0.80,
        sentence_dense=0.80,
        dense_spread=0.0,
        ranks_agree=False,
    )
    assert model.confidence(ANSWERED) > model.found_at
    assert model.confidence(nothing) < model.found_at  # never a confident answer


def test_numbers_missing_and_unknown_count():
    from chat.abstain import numbers_missing, unknown_count

    hits = [hit("a", "2021年為1.5兆日圓", 1, 0.9, 1, 1)]
    assert numbers_missing("2021年的補助金是多少", hits) == 0.0
    assert numbers_missing("2023年的補助金是多少", hits) == 1.0
    assert numbers_missing("補助金是多少", hits) == 0.0
    shares = [hit("a", "約有七成的地方政府認為地方財政嚴峻", 1, 0.9, 1, 1)]
    assert numbers_missing("約7割の地方自治体が挙げた理由は？", shares) == 0.0  # 七成 is 7割
    assert numbers_missing("約8割の地方自治体が挙げた理由は？", shares) == 1.0
    assert unknown_count(["食谱", "地方"], STATS) == 1


def test_operating_points_meet_the_asked_rates():
    import numpy as np

    from chat.fit_decision import operating_points

    p = np.array([0.9, 0.8, 0.7, 0.6, 0.2, 0.1, 0.3, 0.05, 0.5, 0.65])
    y = np.array([1, 1, 1, 1, 1, 0, 0, 0, 0, 0])
    maybe_at, found_at = operating_points(p, y, max_missed=0.0, max_confident_wrong=0.2)
    assert maybe_at == pytest.approx(0.2)  # every answerable at or above it
    assert np.mean(p[y == 0] >= found_at) <= 0.2
    assert found_at >= maybe_at


def test_fit_learns_a_separable_toy_set():
    import numpy as np

    from chat.abstain import sigmoid
    from chat.fit_decision import fit_linear

    rng = np.random.default_rng(0)
    x = np.vstack([rng.normal(1.0, 0.3, (40, 2)), rng.normal(-1.0, 0.3, (40, 2))])
    y = np.array([1] * 40 + [0] * 40)
    model = fit_linear(x, y, ["coverage", "unknown"])
    assert all(sigmoid(model.logit(row)) > 0.5 for row in x[:40])
    assert all(sigmoid(model.logit(row)) < 0.5 for row in x[40:])


@pytest.mark.parametrize(
    ("field", "value", "reason", "note"),
    [
        (
            "count_conflict",
            "6阶段 / 4",
            "the articles state another count (6阶段 / 4)",
            "文章所說的數目與問題中的不同。",
        ),
        ("absent_actor", "韓國", "the best passages do not mention 韓國", "最接近的段落都沒有提到「韓國」。"),
        (
            "foreign_article",
            "日本",
            "the best passage is from an article about another country and does not mention 日本",
            "排在第一的段落出自談另一個國家的文章，沒有提到「日本」。",
        ),
        ("absent_year", "2022", "no article mentions the year 2022", "文章中沒有提到2022年。"),
        ("absent_amount", "1兆", "the best passages do not state 1兆", "最接近的段落都沒有提到「1兆」這個數字。"),
        ("absent_unit", "家", "the best passages state no number of 家", "最接近的段落都沒有以「家」計的數目。"),
        (
            "absent_money",
            "多少錢",
            "the question asks for money (多少錢) and the best passage states no amount",
            "最接近的段落沒有提到任何金額。",
        ),
        (
            "absent_share",
            "比例是多少",
            "the question asks for a share (比例是多少) and the best passage states none",
            "最接近的段落沒有提到任何比例。",
        ),
        (
            "absent_person",
            "大臣",
            "the question asks for a person (大臣) and the best passages name none",
            "最接近的段落都沒有提到任何人的名字。",
        ),
        (
            "absent_place",
            "哪個縣",
            "the question asks for a place (哪個縣) and the best passages name none",
            "最接近的段落都沒有提到任何地名。",
        ),
        (
            "absent_company",
            "哪家公司",
            "the question asks for a company (哪家公司) and the best passages name none",
            "最接近的段落都沒有提到任何公司的名字。",
        ),
        (
            "absent_date",
            "when",
            "the question asks when and the best passages state no date",
            "最接近的段落都沒有提到任何年份或日期。",
        ),
        ("absent_row", "技術", "no table row is labelled 技術", "表格中沒有「技術」這一列。"),
        (
            "absent_kana",
            "ふるさと",
            "the best passages do not have the Japanese name ふるさと",
            "最接近的段落都沒有「ふるさと」這個名稱。",
        ),
        (
            "contradicted_figure",
            "2017年",
            "the best passages state another figure where the question states 2017年",
            "文章所說的數字與問題中的「2017年」不同。",
        ),
    ],
)
def test_a_failed_premise_is_not_found_whatever_the_confidence(field, value, reason, note):
    model = tiny_model()
    assert model.confidence(ANSWERED) > 0.99 and model.decide(ANSWERED).found
    decision = model.decide(replace(ANSWERED, **{field: value}))
    assert not decision.found and not decision.uncertain
    assert (decision.reason, decision.note) == ("not found: " + reason, note)


def test_the_shown_confidence_lies_in_the_band_of_what_is_shown():
    from chat.abstain import BAND_EDGE, Decision

    model = tiny_model(found_at=0.7, maybe_at=0.3)
    refused = model.decide(replace(ANSWERED, absent_actor="韓國"))  # the model says 0.99, a premise check refuses
    assert refused.confidence > 0.99 and model.shown(refused) == pytest.approx(0.3 - BAND_EDGE)
    answered_by_rule = Decision(True, False, 0.03, "found: the question asks who wrote the article; a byline says")
    assert model.shown(answered_by_rule) == 0.7
    assert model.shown(Decision(True, True, 0.1, "uncertain: …")) == 0.3
    assert model.shown(Decision(True, True, 0.95, "uncertain: …")) == pytest.approx(0.7 - BAND_EDGE)
    for agreed in (model.decide(ANSWERED), model.decide(replace(ANSWERED, coverage=0.5, unknown=0.5))):
        assert model.shown(agreed) == agreed.confidence  # the model's own outcome: its probability


def test_every_premise_check_has_a_signal_field_and_is_measured():
    from dataclasses import fields

    from chat.abstain import PREMISE_CHECKS, Signals
    from chat.premise import premises
    from index.stats import CorpusStats

    checked = [name for name, _, _ in PREMISE_CHECKS]
    assert set(checked) <= {f.name for f in fields(Signals)}
    assert set(premises("第五階段是什麼？", ["有四個階段。"], CorpusStats.from_token_lists([["階段"]]))) == set(checked)


def test_a_japanese_question_quoting_its_own_words_is_not_a_missing_name():
    from chat.abstain import quoted_missing
    from index.records import Hit
    from ingest.records import Passage

    text = "新旅遊型態與觀光廳"
    passage = Passage(id="a:1", doc_id="a", title="t", paragraph=1, page=None, start=0, end=len(text), text=text)
    hits = [Hit(passage=passage, score=1.0, rank=1)]
    # asked in Japanese, the quote is the reader's translation: not looked for verbatim
    assert quoted_missing("「新しい旅行形態」に向けて、観光庁は何を提供しますか？", hits) == 0.0
    # a kana name in a Chinese question, or a Chinese name in a Japanese one, still is
    assert quoted_missing("日本「地方創生テレワーク交付金」的上限是多少？", hits) == 1.0
    assert quoted_missing("「地域未來構想50」について教えてください", hits) == 1.0
    assert quoted_missing("「新旅遊型態」について教えてください", hits) == 0.0


def test_a_question_without_a_searchable_term_is_not_found_whatever_the_confidence():
    """あいうえおかきくけこ, 謝啦, 🙂🙂: no term is left to search (all 48 such questions of the banks are junk)."""
    model = tiny_model()
    assert ANSWERED.n_terms > 0 and model.decide(ANSWERED).found
    decision = model.decide(replace(ANSWERED, n_terms=0))
    assert not decision.found and not decision.uncertain and decision.confidence > 0.99
    assert decision.reason == "not found: the question has no searchable terms"
    assert decision.note == "問題裡沒有可以搜尋的詞語。"
