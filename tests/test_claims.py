"""Known-answer tests of chat.claims: an action, a ratio, a list's size or the author asked about
beyond the byline, that the best passages do not bear out (and what they do bear out, left alone)."""

from __future__ import annotations

import pytest

from chat.abstain import PREMISE_CHECKS, Signals
from chat.claims import (
    absent_action,
    beyond_byline,
    contradicted_ratio,
    contradicted_share,
    list_size_conflict,
    unstated_only,
)
from chat.premise import premises
from index.stats import CorpusStats

GIGA = "GIGA School也就是讓義務教育階段的兒童、學生都能有一人一台電腦裝置，同時也要整備高速網路。"
SCALE = "人口尺度別：超過50萬人、50萬人以下、15萬人以下、5萬人以下"
REGIONS = "區域別：北海道、東北、關東、信越、東海、近畿、中國、四國、九州、沖繩"
GOAL = (
    "地域未來構想一:整備社會環境\n"
    "在整備社會環境目標中有8項:3密對策、發燒篩檢、無現金支付、行政IT化、防災IT化、邁向脫碳社會、超級城市、分散型電源"
)
BYLINE = "作者 謝子涵 為政治工作者"
CASHLESS = "為了減少接觸，推動無現金支付，並且停止以現金收取規費。"


@pytest.mark.parametrize(
    ("question", "verb"),
    [
        ("日本政府為什麼決定在疫情期間廢除無現金支付？", "廢除"),
        ("日本政府为什么废止无现金支付？", "廢止"),  # Simplified: matched folded, shown as written in the list
        ("地域未來構想為什麼要禁止地方使用無人機？", "禁止"),
        ("不配合無現金支付的商店有什麼罰則？", "罰則"),
        ("Why did the government scrap cashless payments in 2021?", "scrap"),  # English, shown as written
        ("Why was the act repealed in 2020?", "repealed"),
        ("Why did Japan ban drones during the pandemic?", "ban"),
        ("日本农业从业人员的平均年龄是多少岁？", "平均"),  # a statistic: the passages would name it
        ("What was the average age of Japan's farmers?", "average"),
        ("臨時交付金是用什麼公式分配到各縣的？", "公式"),  # a formula: the passages would name it
        ("What allocation formula divided the grant?", "formula"),
        ("補助上限是多少？", "上限"),  # a cap
        ("What was the maximum daily payment?", "maximum"),
        ("為什麼經產省反對無現金支付？", "反對"),  # a tester's 為什麼經產省反對3密對策？ was answered at 0.92
        ("Why did METI oppose cashless payment?", "oppose"),
    ],
)
def test_an_action_the_passages_do_not_state_is_reported(question, verb):
    assert absent_action(question, [CASHLESS, GIGA]) == verb


@pytest.mark.parametrize(
    "question",
    [
        "為什麼要停止以現金收取規費？",  # the passage says 停止
        "為什麼要中止現金收費？",  # 中止 is in 停止's group
        "無現金支付推動了哪些措施？",  # no action stated
        "Why were cash fees suspended?",  # suspend is in 停止's group, which the passage says
        "Is there a one-stop service, and when do the fees stop?",  # stop is not read (one-stop)
        "Which bank handles the banner payments?",  # ban only as a word
    ],
)
def test_an_action_the_passages_state_or_no_action_is_not_reported(question):
    assert absent_action(question, [CASHLESS]) == ""


@pytest.mark.parametrize(
    ("question", "passages", "edition"),
    [
        ("第二期城鎮・人口・工作創生綜合戰略的KPI有哪些？", [GIGA], "第二期"),
        ("令和2年度第1次補正予算の総額はいくらでしたか。", [GIGA], "第1次"),
        ("2010年第一屆地域情報化大賞的得獎者是誰？", [GIGA], "第一屆"),  # shown as written
    ],
)
def test_an_edition_or_phase_the_passages_do_not_name_is_reported(question, passages, edition):
    assert absent_action(question, passages) == edition


def test_an_edition_a_passage_names_in_any_numerals_is_not_reported():
    assert absent_action("第2期まち・ひと・しごと創生総合戦略とは？", ["第二期綜合戰略於2020年開始"]) == ""
    assert absent_action("第三個階段要做什麼？", [GIGA]) == ""  # a stage's position, not an edition


def test_a_cap_the_passages_state_as_a_bound_is_not_reported():
    # a tester's: 返禮品價值上限是多少？ was refused though the passage says 控制在捐款金額的30%以下
    assert absent_action("返禮品價值上限是多少？", ["返禮品價值必須控制在捐款金額的30%以下"]) == ""
    assert absent_action("補助上限是多少？", ["每人最多補助10萬日圓，以內為限"]) == ""
    assert absent_action("以下哪些是無現金支付的做法？", [GIGA]) == ""  # 以下 read in a question is no cap


def test_an_average_the_passages_state_is_not_reported():
    assert absent_action("平均每個學生有幾台電腦？", ["學生平均每人一台電腦"]) == ""
    assert absent_action("What does the average student get?", ["學生平均每人一台電腦"]) == ""


def test_an_action_is_read_in_the_first_passages_only():
    question = "為什麼廢除無現金支付？"
    assert absent_action(question, [GIGA, GIGA, GIGA, "廢除了規費"]) == "廢除"  # the fourth is past ACTION_DEPTH
    assert absent_action(question, [GIGA, "廢除了規費"]) == ""


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("GIGA School讓每三個學生共用一台電腦，理由是？", "3人1台 / 1人1台"),
        ("GIGA School 讓每兩位學生共用一台電腦夠用嗎？", "2人1台 / 1人1台"),
        ("GIGA School规定高中生每人配两台平板，费用由谁负担？", "1人2台 / 1人1台"),
    ],
)
def test_a_ratio_the_passages_state_otherwise_is_reported(question, said):
    assert contradicted_ratio(question, [GIGA]) == said


@pytest.mark.parametrize(
    ("question", "passages"),
    [
        ("GIGA School是每個人一台電腦嗎？", [GIGA]),  # the same ratio
        ("GIGA School讓三個學生共用一台電腦嗎？", [CASHLESS]),  # the passages state no ratio
        ("GIGA School的目標是什麼？", [GIGA]),  # the question states none
    ],
)
def test_a_ratio_the_passages_agree_with_or_do_not_state_is_not_reported(question, passages):
    assert contradicted_ratio(question, passages) == ""


@pytest.mark.parametrize(
    ("question", "passage", "said"),
    [
        ("案例資料庫的人口尺度分成六級，最小的一級是幾萬人以下？", SCALE, "六级 / 4"),
        ("區域別把日本劃成八大區，為什麼沒有包含沖繩？", REGIONS, "八大 / 10"),
        ("整備社會環境目標裡的10項對策是哪些？", GOAL, "10项 / 8"),  # the count the passage states
    ],
)
def test_a_list_of_another_size_is_reported(question, passage, said):
    assert list_size_conflict(question, [passage]) == said


@pytest.mark.parametrize(
    ("question", "passage"),
    [
        ("人口尺度別分成哪四級？", SCALE),  # the right size
        ("整備社會環境目標的8項是什麼？", GOAL),
        ("人口尺度別中5萬人以下和15萬人以下兩級差在哪？", SCALE),  # two of its items, not its size
        ("三大目標中的整備社會環境包含什麼？", GOAL),  # the count is before the label: the goals
        ("人口尺度別的第三級是什麼？", SCALE),  # a position, not a total
        ("區域別有幾區？", REGIONS),  # no count stated
        ("地方創生分成六個階段嗎？", SCALE),  # the label is not named
    ],
)
def test_a_list_of_the_same_size_or_another_count_is_not_reported(question, passage):
    assert list_size_conflict(question, [passage]) == ""


def test_a_list_is_read_in_the_first_passage_only():
    assert list_size_conflict("人口尺度分成六級嗎？", [GIGA, SCALE]) == ""


@pytest.mark.parametrize(
    "question",
    ["作者謝子涵在東京大學做了哪些田野調查？", "作者還寫過哪些關於地方創生的文章？", "謝子涵在總務省負責哪些政策？"],
)
def test_the_author_asked_about_beyond_the_byline_is_reported(question):
    assert beyond_byline(question, [BYLINE, GIGA]) == "謝子涵"


@pytest.mark.parametrize(
    ("question", "passages"),
    [
        ("作者是誰？", [BYLINE]),  # the byline answers
        ("謝子涵是做什麼的？", [BYLINE]),  # so does its "為政治工作者"
        ("What does the author do?", [BYLINE]),
        ("這篇文章的作者", [BYLINE]),  # the author named, nothing else asked
        ("謝子涵", [BYLINE]),
        ("作者還寫過哪些文章？", [GIGA, BYLINE]),  # the best passage is not the byline
        ("GIGA School還有哪些內容？", [BYLINE]),  # not about the author
    ],
)
def test_what_the_byline_answers_or_no_author_is_not_reported(question, passages):
    assert beyond_byline(question, passages) == ""


@pytest.mark.parametrize(
    ("question", "passages", "author"),
    [
        ("作者謝子涵身為總務省官員，對ICT政策有什麼建議？", [GIGA, BYLINE], "謝子涵"),  # the byline: 政治工作者
        ("作者在總務省任職期間負責哪些政策？", [GIGA], "作者"),  # no byline read: the author unnamed
        ("Why did the author, a university professor in Tokyo, conclude that?", [GIGA, BYLINE], "謝子涵"),
    ],
)
def test_a_post_claimed_of_the_author_that_no_passage_states_is_reported(question, passages, author):
    assert beyond_byline(question, passages) == author


@pytest.mark.parametrize(
    ("question", "passages"),
    [
        ("作者覺得台灣缺了什麼？", [GIGA, BYLINE]),  # the author's view: the articles state it
        ("總務省官員怎麼看？", [GIGA, BYLINE]),  # an official, not the author
        ("作者身為政治工作者怎麼看？", [GIGA, BYLINE]),  # no post of the list claimed
        ("作者曾任記者嗎？", [GIGA, "作者 王大同 曾任記者，現為自由撰稿人"]),  # the byline states it
    ],
)
def test_a_post_a_passage_states_or_no_post_claimed_is_not_reported(question, passages):
    assert beyond_byline(question, passages) == ""


SHARES = "2012年時有將近28.4%的地方政府對於導入區域經營是不關心的，且只有2.3%已經推動。"
FARMERS = "然而七成農業從業人口超過65歲。"


@pytest.mark.parametrize(
    ("question", "passages", "said"),
    [
        ("2012年就有超過一半的地方政府推動科技導入，為什麼退步了？", [SHARES], "超过一半 / 28.4%、2.3%"),
        ("文章說一半的農業從業人口超過65歲？", [FARMERS], "一半 / 70%"),
        ("Why did more than half of local governments ignore ICT in 2012?", [SHARES], "more than half / 28.4%、2.3%"),
    ],
)
def test_a_share_in_words_the_passages_state_otherwise_is_reported(question, passages, said):
    assert contradicted_share(question, passages) == said


@pytest.mark.parametrize(
    ("question", "passages"),
    [
        ("超過一半的農業從業人口超過65歲嗎？", [FARMERS]),  # 七成 is more than half
        ("多數自治體遲遲不引進數位工具的原因？", [SHARES]),  # vague: no figure stated
        ("一半的地方政府不關心嗎？", [GIGA]),  # the passages state no share
        ("2012年不關心的地方政府有多少？", [SHARES]),  # no share in words
    ],
)
def test_a_share_in_range_or_none_stated_is_not_reported(question, passages):
    assert contradicted_share(question, passages) == ""


def test_a_share_is_read_in_the_best_passage_only():
    question = "為什麼2012年超過一半的地方政府不關心？"
    assert contradicted_share(question, [SHARES, FARMERS]) == "超过一半 / 28.4%、2.3%"  # 七成 is of another subject
    assert contradicted_share(question, [FARMERS, SHARES]) == ""


PRIZE = "2014年開始舉辦「地域情報化大賞」，表揚導入ICT讓地方活化的公部門、企業與團體。"


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("地域情報化大賞只頒給民間企業，那非營利組織呢？", "只颁给"),
        ("地域情報化大賞为什么只表扬民间企业？", "只表扬"),
        ("Is the award only given to companies?", "only given to"),
        ("Why was the award available only to Tokyo?", "available only to"),
        ("Why are only private companies eligible for the award?", "only private companies eligible"),
        ("Why could the grant only be spent on masks?", "only be spent on"),
        (
            "Why is RESAS restricted to central government officials only?",
            "restricted to central government officials only",
        ),
        ("地域情報化大賞に応募できるのが民間企業だけなのはなぜ？", "だけなの"),
        ("3密対策を厚生労働省だけが担当する理由は？", "だけが"),
        ("文部科学省が単独で進めている事業ですか", "单独で"),  # folded
    ],
)
def test_an_only_the_passage_does_not_state_is_reported(question, said):
    assert unstated_only(question, [PRIZE]) == said


@pytest.mark.parametrize(
    ("question", "passages"),
    [
        ("地域情報化大賞只頒給企業嗎？", ["地域情報化大賞僅頒給企業。"]),  # the passage says 僅
        ("2012年只有多少比例的地方政府推動ICT？", [SHARES]),  # "only how much": no restriction stated
        ("地方創生交付金每年只編列多少預算？", [PRIZE]),
        ("地域情報化大賞頒給誰？", [PRIZE]),
        ("地域情報化大賞只頒給企業嗎？", []),
        ("どれだけの予算がありましたか？", [PRIZE]),  # how much, not only
        ("これだけで十分ですか？", [PRIZE]),
        ("What is the only prize the ministry gives?", [PRIZE]),
    ],
)
def test_an_only_the_passage_states_or_none_is_not_reported(question, passages):
    assert unstated_only(question, passages) == ""


def test_each_claim_is_a_premise_check_with_a_signal():
    found = premises("GIGA School讓每三個學生共用一台電腦？", [GIGA], stats=CorpusStats(df={}, n_docs=0))
    assert found["contradicted_ratio"] == "3人1台 / 1人1台"
    checks = {name for name, _, _ in PREMISE_CHECKS}
    for name in (
        "absent_action",
        "contradicted_ratio",
        "contradicted_share",
        "list_size_conflict",
        "unstated_only",
        "beyond_byline",
    ):
        assert name in checks and name in Signals.__dataclass_fields__ and name in found
