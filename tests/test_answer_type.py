"""Answer-type signals: what a question asks for (an amount, a share, a date, a name, a person)
against what the candidate sentences carry, and the two decision features built on them."""

from __future__ import annotations

from dataclasses import replace

import pytest

from chat.abstain import FEATURES, FOUND_FEATURES, AnswerType, Signals, answer_type, coverage_beside_type
from chat.terms import (
    answer_type_spans,
    carries_answer_type,
    names_person,
    person_asked,
    question_asks,
    question_terms,
)
from index.stats import CorpusStats
from tests.chat_fakes import ANSWERED, FakeSearcher, make_article

# --------------------------------------------------------------------------- what the question asks


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("日本全國的兒童食堂有多少間？", "quantity"),
        ("「地域未來構想50」政策資料集總共有幾頁？", "quantity"),
        ("How many people joined the program?", "quantity"),
        ("移住支援金はいくらですか", "quantity"),
        ("台灣的社區總體營造政策是從哪一年開始的？", "when"),
        ("When was Taiwan's strategy launched?", "when"),
        ("Do you know when the strategy started?", "when"),
        ("What was Japan's cashless payment ratio in 2020?", "quantity"),
        ("What was the My Number Card issuance rate in 2021?", "quantity"),
        ("過疎関係市町村は全国にいくつありますか。", "quantity"),  # Japanese counts: いくつ, 何団体
        ("オプトインした自治体は全部で何団体ありましたか。", "quantity"),
        ("緊急事態宣言が発出されたのは何月何日ですか？", "when"),
        ("数字田园都市国家构想是什么时候提出的？", "when"),
        ("台湾の地方創生はいつ始まりましたか？", "when"),
        ("いつから始まりましたか", "when"),
        ("誰が運営していますか", "who"),
        ("RESAS系统是由哪家公司开发的", "who"),
        ("「地域未來構想20」是哪個單位公布的？", "who"),
        ("Which ministry runs the program?", "who"),
    ],
)
def test_question_asks_reads_the_kind_of_answer(question, kind):
    asks = question_asks(question)
    assert getattr(asks, kind) and asks.typed
    others = {"quantity", "when", "who"} - {kind}
    assert not any(getattr(asks, k) for k in others)


@pytest.mark.parametrize(
    "question",
    [
        "案例依導入團體分成哪幾類？",  # a list, not a count
        "加速與強化GIGA School是第幾項？",  # an ordinal
        "RESAS的全名是什麼？",
        "地域未來構想20包含哪些領域？",
        "事例を分類する人口規模の区分を教えてください",
        "幾乎所有地方都有嗎",
        "新しいつながりづくりのための支援の例を挙げてください。",  # 新しい|つながり holds いつ, not "when"
        "構想14では、誰のための新しいつながりを作りますか？",  # for whom: people, not a name
        "いつもどんな支援を使っていますか？",  # いつも: always
        "When paying out rent support, what did the government depend on?",  # when + -ing: a clause
        "Describe how towns should help victims when a disaster strikes.",  # a question word before it
    ],
)
def test_lists_ordinals_and_definitions_ask_for_no_typed_answer(question):
    assert not question_asks(question).typed


def test_shares_and_persons_are_the_narrower_kinds():
    assert question_asks("東京圈人口占日本全國人口的比例是多少？").share
    assert question_asks("約幾成的地方政府認為財政嚴峻？").share
    assert not question_asks("GIGA School 計畫的總預算是多少？").share
    assert question_asks("日本企业远程办公的导入率在2021年是多少？").share  # 導入率: a share
    assert question_asks("What was the My Number Card issuance rate in 2021?").share
    assert not question_asks("行政效率提高了多少？").share  # 效率: efficiency, not a share
    assert question_asks("日本內閣府地方創生推進事務局的局長是誰？").person
    assert question_asks("地方創生IT活用推進会議の議長は誰？").person
    assert question_asks("推進会議で座長を務めたのは誰？").person
    assert question_asks("カーボンニュートラルを宣言したのはどの首相ですか").person
    assert question_asks("自治体の割合はどれくらいですか。").share  # 割合: a share
    assert not question_asks("移動に何時間かかりますか").when  # 何時間: a duration
    assert not question_asks("RESAS系统是由哪家公司开发的").person


# --------------------------------------------------------------------------- what a sentence carries


def test_an_amount_needs_a_number_with_a_unit_and_a_year_is_not_one():
    asks = question_asks("補助金是多少？")
    assert carries_answer_type(asks, "2021年為1.5兆日圓")
    assert carries_answer_type(asks, "全國有３７００間")  # full-width digits
    assert carries_answer_type(asks, "九成農業從業人口")
    assert carries_answer_type(asks, "整理成三大目標、20項概念")
    assert not carries_answer_type(asks, "於2014年通過了創生法")  # a year is a date
    assert not carries_answer_type(asks, "提出一個新的方案")  # 一個 is an article, not a count
    assert not carries_answer_type(asks, "兒童食堂提供孩子餐點")


def test_a_ratio_in_chinese_numerals_is_a_count():
    asks = question_asks("GIGA School每個學生要有幾台電腦？")
    assert carries_answer_type(asks, "學生都能有一人一台電腦裝置")  # 一台 after 一人: a ratio, not an article
    assert carries_answer_type(asks, "每人兩台")
    assert not carries_answer_type(asks, "一個人在家工作")  # 一個人: one person, no count after it
    assert not carries_answer_type(asks, "有一位專家")


def test_a_share_needs_a_percentage_or_a_tenth():
    asks = question_asks("比例是多少？")
    assert carries_answer_type(asks, "2012年時有將近28.4%的地方政府")
    assert carries_answer_type(asks, "約有七成的地方政府")
    assert carries_answer_type(asks, "三分之一的人口")
    assert not carries_answer_type(asks, "超過3兆日圓的補助金")  # an amount, not a share
    assert not carries_answer_type(asks, "分割成兩部分")


def test_a_date_is_a_year_a_month_or_an_era():
    asks = question_asks("是哪一年開始的？")
    assert carries_answer_type(asks, "日本總務省從2013年開始召開")
    assert carries_answer_type(asks, "令和2年度的預算")
    assert carries_answer_type(asks, "在4月公布")
    assert not carries_answer_type(asks, "補助金有1.5兆日圓")


def test_a_name_is_a_body_and_a_person_is_a_titled_name():
    body = question_asks("是哪個單位公布的？")
    assert carries_answer_type(body, "內閣府地方創生推動辦公室也公布了")
    assert carries_answer_type(body, "運輸業者可以協助")
    assert not carries_answer_type(body, "希望大家能用創造力對抗疫情")
    person = question_asks("局長是誰？")
    assert carries_answer_type(person, "作者 謝子涵 為政治工作者")
    assert carries_answer_type(person, "由王小明先生主持")
    assert not carries_answer_type(person, "內閣府地方創生推動辦公室也公布了")  # a body is no person


def test_an_untyped_question_has_nothing_to_miss():
    asks = question_asks("RESAS的全名是什麼？")
    assert carries_answer_type(asks, "沒有任何數字")
    assert answer_type_spans(asks, "2021年為1.5兆日圓") == []


def test_spans_point_at_the_answer():
    text = "兒童食堂在2021年增加到6,000間"
    asks = question_asks("兒童食堂有多少間？")
    assert [text[a:b] for a, b in answer_type_spans(asks, text)] == ["6,000間"]
    when = question_asks("哪一年增加的？")
    assert [text[a:b] for a, b in answer_type_spans(when, text)] == ["2021"]


# --------------------------------------------------------------------------- the terms beside the answer

STATS = CorpusStats.from_token_lists([["儿童", "食堂", "日本"], ["日本", "预算"], ["补助", "金", "日本"], ["地方"]])


def test_coverage_counts_only_the_terms_beside_the_answer():
    asks = question_asks("兒童食堂有多少間？")
    terms = ["儿童", "食堂"]
    near = "日本的兒童食堂有6,000間"
    far = "日本的兒童食堂是由地方上的志工、居民、商店與寺廟一起經營的，政府另外撥了1.5兆日圓給地方"
    assert coverage_beside_type(asks, terms, near, STATS) == pytest.approx(1.0)
    assert coverage_beside_type(asks, terms, far, STATS) == 0.0  # the number is 30 characters away
    assert coverage_beside_type(asks, terms, "日本的兒童食堂很多", STATS) == 0.0  # no number at all


@pytest.mark.parametrize(
    ("text", "beside"),
    [
        # a date that opens a clause and is set off by a comma dates the rest of its sentence
        ("希望戰略能落實，因此在2015年，日本在內閣官房的推動本部之下設立了兒童食堂會議，並發佈了計畫", 1.0),
        ("2015年，日本在內閣官房的推動本部與各部會之下設立了兒童食堂會議", 1.0),
        ("在2015年4月，日本在內閣官房的推動本部與各部會之下設立了兒童食堂會議", 1.0),
        # not when the date sits inside its clause, has no comma after it, or the terms are in the next sentence
        ("政府希望各地的地方戰略能落實並且在2015年，日本在內閣官房的推動本部之下設立了兒童食堂會議", 0.0),
        ("政府希望各地的地方戰略能落實，因此在2015年日本在內閣官房的推動本部之下設立了兒童食堂會議", 0.0),
        ("因此在2015年，日本在內閣官房的推動本部與各部會之下設立了某個會議。後來又有了兒童食堂", 0.0),
    ],
)
def test_a_date_that_opens_a_clause_dates_its_sentence(text, beside):
    asks = question_asks("兒童食堂會議是哪一年設立的？")
    assert coverage_beside_type(asks, ["儿童", "食堂"], text, STATS) == pytest.approx(beside)
    count = question_asks("兒童食堂有多少間？")  # only an asked date reaches further
    assert coverage_beside_type(count, ["儿童", "食堂"], text.replace("2015年", "100間"), STATS) == 0.0


def test_answer_type_gap_and_best():
    asks = question_asks("兒童食堂有多少間？")
    terms = ["儿童", "食堂"]
    without = [("日本各地都有兒童食堂", 1.0), ("補助金有1.5兆日圓", 0.0)]
    kind = answer_type(asks, terms, without, [t for t, _ in without], STATS)
    assert kind.asked and kind.in_best and kind.gap == pytest.approx(1.0)  # the number is not beside the terms
    kind = answer_type(asks, terms, without, [without[0][0]], STATS)
    assert not kind.in_best  # the best sentence gives no number at all
    beside = [("日本的兒童食堂有6,000間", 1.0)]
    assert answer_type(asks, terms, beside, [beside[0][0]], STATS) == AnswerType(True, True, 0.0)


def test_a_japanese_question_reads_the_whole_sentence_beside_the_answer(monkeypatch):
    far = [("日本的兒童食堂是由地方上的志工、居民、商店與寺廟一起經營的，在2021年已經增加了許多", 1.0)]
    terms = ["儿童", "食堂"]
    japanese = question_asks("子ども食堂はいつ増えましたか？")
    assert answer_type(japanese, terms, far, [far[0][0]], STATS).gap == 0.0  # 2021 is in the sentence
    chinese = question_asks("兒童食堂是哪一年增加的？")
    assert answer_type(chinese, terms, far, [far[0][0]], STATS).gap == pytest.approx(1.0)  # 30 characters away
    monkeypatch.setattr("chat.abstain.JAPANESE_TYPE_WINDOW", 15)
    assert answer_type(japanese, terms, far, [far[0][0]], STATS).gap == pytest.approx(1.0)


def test_an_untyped_question_gets_neutral_signals():
    asks = question_asks("兒童食堂是什麼？")
    kind = answer_type(asks, ["儿童", "食堂"], [("日本各地都有兒童食堂", 1.0)], ["日本各地都有兒童食堂"], STATS)
    assert kind == AnswerType(asked=False, in_best=True, gap=0.0)


# --------------------------------------------------------------------------- measured at question time


def measured_signals(question: str, paragraphs: list[str]) -> Signals:
    from chat.answer import measure, prepare_question

    searcher = FakeSearcher([make_article("a", "兒童食堂", paragraphs)])
    prepared = prepare_question(question)
    assert not isinstance(prepared, str)
    measured = measure(prepared, searcher, top_k=5)
    assert measured is not None
    return measured.signals


def test_measure_sees_a_passage_that_names_the_thing_but_gives_no_count():
    signals = measured_signals(
        "日本全國的兒童食堂有多少間？",
        ["日本各地的兒童食堂由志工經營，提供孩子溫暖的餐點。", "疫情期間地方政府的預算吃緊。"],
    )
    assert signals.asks_type and not signals.type_in_best
    assert signals.type_gap > 0.3


def test_measure_sees_the_count_beside_the_thing_asked():
    signals = measured_signals(
        "日本全國的兒童食堂有多少間？",
        ["日本全國的兒童食堂有6,000間，由志工經營。", "疫情期間地方政府的預算吃緊。"],
    )
    assert signals.asks_type and signals.type_in_best
    assert signals.type_gap == pytest.approx(0.0)


def test_measure_of_an_untyped_question_is_neutral():
    signals = measured_signals("兒童食堂由誰經營", ["日本各地的兒童食堂由志工經營。"])
    assert signals.asks_type  # 誰 asks for a name
    signals = measured_signals("兒童食堂提供什麼", ["日本各地的兒童食堂提供孩子溫暖的餐點。"])
    assert not signals.asks_type and signals.type_in_best and signals.type_gap == 0.0


# --------------------------------------------------------------------------- the features and reasons


ASKED = replace(ANSWERED, asks_type=True, type_in_best=False, type_gap=0.7)


def test_the_type_features_are_fitted_and_read_the_signals():
    assert {"type_gap", "type_absent"} <= set(FOUND_FEATURES)
    assert FEATURES["type_gap"](ASKED) == pytest.approx(0.7)
    assert FEATURES["type_absent"](ASKED) == 1.0
    assert FEATURES["type_absent"](replace(ASKED, type_in_best=True)) == 0.0
    assert FEATURES["type_absent"](replace(ASKED, asks_type=False)) == 0.0


def type_model():
    from chat.abstain import DecisionModel, LinearModel

    found = LinearModel(("coverage", "type_gap"), (0.5, 0.1), (0.25, 0.2), (0.5, -2.0), 0.0)
    sentence = LinearModel(("lexical",), (0.0,), (1.0,), (1.0,), 0.0)
    return DecisionModel(found=found, found_at=0.7, maybe_at=0.3, sentence=sentence)


def test_reason_says_the_asked_kind_of_answer_is_missing():
    verdict = type_model().decide(ASKED)
    assert not verdict.found
    assert "no sentence gives the kind of answer asked" in verdict.reason


def test_reason_never_cites_the_answer_type_for_a_question_that_asks_none():
    # type_gap 0 is above its mean, so it pushes towards "found"; with no kind asked it says nothing
    untyped = replace(ASKED, asks_type=False, type_in_best=True, type_gap=0.0, coverage=0.6)
    verdict = type_model().decide(untyped)
    assert verdict.found
    assert "kind of answer" not in verdict.reason


def test_shipped_decision_weighs_a_missing_answer_type_against_found():
    from chat.abstain import DecisionModel

    model = DecisionModel.load()
    assert {"type_gap", "type_absent"} <= set(model.found.features)
    typed_ok = replace(ASKED, type_in_best=True, type_gap=0.0, coverage=0.7, sentence=0.6)
    typed_missing = replace(typed_ok, type_in_best=False, type_gap=0.6)
    assert model.confidence(typed_missing) < model.confidence(typed_ok)


def test_question_terms_of_a_typed_question_still_name_its_subject():
    assert {"儿童", "食堂"} <= set(question_terms("日本全國的兒童食堂有多少間？"))


# --------------------------------------------------------------------------- fitting on a tiny set

TINY_BANK = [
    ("創生法是哪一年通過的？", ["2014年"]),
    ("2012年有多少比例的地方政府推動相關政策？", ["2.3%"]),
    ("幾成的地方政府認為財政嚴峻？", ["七成"]),
    ("2021年的補助預算是多少？", ["1.5兆日圓"]),
    ("3密是指什麼？", ["避免密閉空間"]),
    ("GIGA School讓學生有什麼？", ["一人一台電腦"]),
    ("總務省每年補助誰？", ["地方政府與相關組織企業"]),
    ("日本全國的兒童食堂有多少間？", []),
    ("台灣的地方創生元年是哪一年？", []),
    ("大谷翔平今年打了幾支全壘打？", []),
    ("英超今年谁是冠军？", []),
    ("數位廳的局長是誰？", []),
    ("韓國的地方消滅基金每年多少錢？", []),
    ("GIGA School 計畫的總預算是多少？", []),
]


def test_the_fitting_script_fits_the_type_features_on_a_tiny_bank(tmp_path):
    from chat.abstain import DecisionModel
    from chat.fit_decision import fit, format_report, measure_all
    from tests.chat_fakes import seed_articles

    questions = [{"id": str(i), "q": q, "gold": gold, "kind": "k"} for i, (q, gold) in enumerate(TINY_BANK)]
    samples = measure_all(questions, FakeSearcher(seed_articles()))
    typed = [s.measured.signals for s in samples if s.measured and s.measured.signals.asks_type]
    assert len(typed) >= 10 and any(s.type_gap > 0 for s in typed)
    model, report = fit(samples, max_missed=0.2, max_confident_wrong=0.2)
    assert model.found.features == FOUND_FEATURES
    assert 0.0 < model.maybe_at <= model.found_at <= 1.0
    # and the decision for questions whose closeness to earlier ones is unmeasured, fitted without it
    assert model.unmeasured is not None and "asked_unanswered" not in model.unmeasured.found.features
    assert set(model.unmeasured.found.features) == set(FOUND_FEATURES) - {"asked_unanswered", "asked_answered"}
    assert len(report["reshuffled_abstain"]) == 5 and all(0.0 <= r <= 1.0 for r in report["reshuffled_abstain"])
    text = format_report(model, report)
    assert "| type_gap |" in text and "no sentence gives the kind of answer asked" in text
    assert "fitted on the same questions without them (`unmeasured` in the decision file)" in text
    model.save(tmp_path / "decision.json")
    assert DecisionModel.load(tmp_path / "decision.json") == model


# --------------------------------------------------------------------------- a quoted name the passages lack


def quoted_hits(*texts: str):
    from index.records import Hit
    from ingest.records import Passage

    return [
        Hit(
            passage=Passage(id=str(i), doc_id="d", title="t", paragraph=i, page=None, start=0, end=len(t), text=t),
            score=1.0,
            rank=i + 1,
            dense_score=0.8,
            dense_rank=i + 1,
            bm25_score=1.0,
            bm25_rank=i + 1,
        )
        for i, t in enumerate(texts)
    ]


def test_a_quoted_name_is_looked_for_verbatim():
    from chat.abstain import quoted_missing

    hits = quoted_hits("內閣府也公布了「地域未來構想20」政策資料集", "總務省的地域IoT實裝推進任務")
    assert quoted_missing("「地域未來構想50」政策資料集總共有幾頁？", hits) == 1.0  # 50, not 20
    assert quoted_missing("「地域未來構想20」是哪個單位公布的？", hits) == 0.0
    assert quoted_missing("“地域未来构想20”是哪个单位公布的？", hits) == 0.0  # Simplified, other quotes
    assert quoted_missing("「地域IoT 實裝推進任務」和「沙漠地區」", hits) == 0.5  # spaces ignored; one of two
    assert quoted_missing("地域未來構想50有幾頁", hits) == 0.0  # nothing quoted: nothing to miss


def test_a_japanese_question_quotes_its_own_kanji_words_but_not_its_own_numbers():
    """「脱炭素化」 is Japanese for the articles' 脫碳化, not a name they lack; 「地域未来構想50」 is still one."""
    from chat.abstain import quoted_missing

    hits = quoted_hits("內閣府也公布了「地域未來構想20」政策資料集", "建構強韌且脫碳化的分散型電源")
    assert quoted_missing("本文でいう「脱炭素化」社会とは何を実現することですか？", hits) == 0.0
    assert quoted_missing("「地域未来構想50」はどこが公表しましたか？", hits) == 1.0
    assert quoted_missing("「地域未来構想20」はどこが公表しましたか？", hits) == 0.0
    assert quoted_missing("「脫炭素化」是什麼意思？", hits) == 1.0  # asked in Chinese: a name the articles lack


def test_measure_reads_the_quoted_name_and_the_decision_weighs_it():
    from chat.abstain import DecisionModel

    signals = measured_signals("「兒童餐廳」有幾間？", ["日本各地的兒童食堂由志工經營。"])
    assert signals.quoted_missing == 1.0
    model = DecisionModel.load()
    assert "quoted_missing" in model.found.features
    present = replace(ASKED, type_in_best=True, type_gap=0.0, coverage=0.7, sentence=0.6)
    assert model.confidence(replace(present, quoted_missing=1.0)) < model.confidence(present)


def test_reason_never_cites_a_quoted_name_when_nothing_is_quoted():
    from chat.abstain import DecisionModel, LinearModel

    found = LinearModel(("coverage", "quoted_missing"), (0.5, 0.1), (0.25, 0.3), (0.5, -2.0), 0.0)
    sentence = LinearModel(("lexical",), (0.0,), (1.0,), (1.0,), 0.0)
    model = DecisionModel(found=found, found_at=0.7, maybe_at=0.3, sentence=sentence)
    # quoted_missing 0 is below its mean, so it pushes towards "found", but nothing was quoted
    verdict = model.decide(replace(ASKED, coverage=0.6, quoted_missing=0.0))
    assert verdict.found and "quotes" not in verdict.reason
    verdict = model.decide(replace(ASKED, coverage=0.6, quoted_missing=1.0))
    assert not verdict.found and "a name the question quotes occurs in no passage" in verdict.reason


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("日本內閣府地方創生推進事務局的局長是誰？", "局長"),
        ("日本地方创生担当大臣现在是谁？", "大臣"),
        ("設在總務省之下的推進會議，召集人是哪位大臣？", "大臣"),
        ("哪位學者提出的？", "哪位"),
        ("Who was Japan's Minister for Regional Revitalization in 2020?", "Minister"),
        ("Which governor launched the plan?", "governor"),
        ("Who was the minister in charge of the vision?", "minister"),
        ("RESAS是什麼？", ""),
        ("地域未來構想20是哪個單位公布的？", ""),  # a body, not a person
        ("Who runs the ICT programme?", ""),  # a body may answer
        ("Who headed the Cabinet Office's revitalization office?", "headed"),
        ("智慧白金社會推進會議的成員有哪些人？", "哪位"),  # its members, persons
        ("推進會議的成員名單是誰？", "哪位"),
        ("推進會議的成員有哪些部會？", ""),  # bodies
    ],
)
def test_the_person_a_question_asks_for_by_title(question, title):
    assert person_asked(question) == title


def test_a_person_is_named_by_a_title_next_to_a_name():
    assert names_person("作者 謝子涵 為政治工作者") and names_person("總務大臣高市早苗表示")
    assert not names_person("地方創生IT活用推進會議由內閣官房設置。")
    # a name taking a title: a tester's 綠谷的理事長是誰？ was refused as naming no person
    assert names_person("非營利組織「綠谷」，由大南信也擔任理事長。")
    assert not names_person("地方政府擔任重要的角色。")  # no title taken
