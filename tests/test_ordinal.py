"""Ordinals: known answers for what a question asks for and what a sentence opens with."""

from __future__ import annotations

import pytest

from chat.ordinal import (
    LAST,
    asked_counted,
    asked_ordinal,
    asks_item,
    asks_position,
    chinese_number,
    sentence_ordinals,
    sequence_ordinals,
)
from chat.terms import folded


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("二", 2),
        ("十", 10),
        ("十一", 11),
        ("二十", 20),
        ("二十三", 23),
        ("14", 14),
        ("", None),
        ("十十", None),
        ("甲", None),
    ],
)
def test_chinese_numbers(text, value):
    assert chinese_number(text) == value


@pytest.mark.parametrize(
    ("question", "previous", "position"),
    [
        ("第二個呢？", "", 2),
        ("那第三個階段呢", "", 3),
        ("那第十一項是什麼？", "", 11),
        ("第2點呢", "", 2),
        ("最後一個呢？", "", LAST),
        ("What is the second one?", "", 2),
        ("下一個呢？", "第一個階段是什麼？", 2),
        ("下一個呢？", "抗疫有哪些階段？", None),  # next after what? unknown
        ("它的全名是什麼？", "", None),
    ],
)
def test_the_position_a_question_asks_for(question, previous, position):
    assert asked_ordinal(folded(question).lower(), folded(previous).lower()) == position


@pytest.mark.parametrize(
    ("sentence", "positions"),
    [
        ("第二個是支援讓案子永續發展下去的支持系統", {2}),
        ("首先是對於有意識、有意願作改變的地方", {1}),
        ("接著是維持雇用和事業、守護並支持民眾的生活;", {2}),
        ("其次，要盤點在地的特產", {2}),
        ("再來才是恢復經濟活動、振興在地經濟;", {2, 3}),
        ("以及,最後一個階段是要建構一個強韌的經濟結構。", {LAST}),
        ("10.支援線上診療:", {10}),
        ("政府的施政有四個階段,第一個是守護地方命脈", {1}),  # an item opening a clause
        ("標題\n\n第三則是除了積極媒合之外", {3}),  # a heading quoted with the sentence under it
        ("地方創生的第一線人員很辛苦", set()),  # 第一 inside a clause is not an opening
        ("日本政府預計在2050年達成目標", set()),
        ("地域未來構想二:確立新的生活型態", {2}),  # a numbered heading
        ("2020年:補助的預算", set()),  # ... a year is no heading number
        ("首先地方的公部門該如何檢視需不需要利用IT資源呢？\n\n有三項方針", set()),  # a question is no item
        ("首先必須理解在地遇到明確的課題是什麼", {1}),
        ("第一個是A;接著是B;再來才是C", {1, 2, 3}),  # one sentence, read in sequence
    ],
)
def test_the_positions_a_sentence_opens(sentence, positions):
    assert sentence_ordinals(folded(sentence)) == positions


@pytest.mark.parametrize(
    ("units", "positions"),
    [
        # the article's four stages: 再來 alone may be the second or third, after 接著 it is the third
        (
            [
                "政府的施政有四個階段,第一個是守護地方命脈",
                "接著是維持雇用和事業;",
                "再來才是恢復經濟活動;",
                "最後一個階段是要建構經濟結構。",
            ],
            [{1}, {2}, {3}, {LAST}],
        ),
        (["首先是A，接著是B。", "再來是C。", "然後是D。"], [{1, 2}, {3}, {4}]),  # items within one sentence
        (["此外，地方也要努力。", "再來是別的。"], [{2, 3}, {2, 3}]),  # no known item before: as alone
        (["2.支援線上診療:", "接著是補助電腦。"], [{2}, {2}]),  # a numbered section is not a step
        (["地方創生很重要。", "其次是人才。"], [set(), {2}]),
    ],
)
def test_the_positions_a_passage_opens_read_in_order(units, positions):
    assert sequence_ordinals([folded(u) for u in units]) == positions


@pytest.mark.parametrize(
    ("question", "counted"),
    [
        ("那第二支箭呢？", "支箭"),
        ("第三個階段是什麼", "个阶段"),
        ("第二項目標包括哪些？", "项目标"),
        ("第二個呢？", ""),  # nothing counted after the classifier
        ("第二個是什麼？", ""),
        ("第二呢", ""),
        ("What is the second arrow?", ""),
    ],
)
def test_what_an_ordinal_counts(question, counted):
    assert asked_counted(folded(question).lower()) == counted


@pytest.mark.parametrize(
    ("question", "position"),
    [
        ("抗疫四階段的第二個階段是什麼？", 2),
        ("日本政府抗疫的最後一個階段是什麼？", LAST),
        ("第17項構想的內容是什麼", 17),
        ("國家支援方針的第二點是什麼？", 2),
        ("第二個呢", 2),
        ("最後呢？", LAST),
        # asks something about the item, not what it is
        ("第三項提到如果沒有橫向推廣，還會導致什麼？", None),
        ("第三項還會導致什麼", None),
        ("第二支箭是要做什麼", None),
        ("第二個階段為何要維持雇用？", None),
        ("コロナ対策の四つの段階のうち最後の段階は何ですか", LAST),  # Japanese
        ("第二の支援方針は何ですか？", 2),
        ("What is the second stage of Japan's COVID response?", 2),  # English
        ("Why was the second stage needed?", None),
        # no position
        ("抗疫有哪幾個階段？", None),
    ],
)
def test_a_question_asking_what_the_item_at_a_position_is(question, position):
    assert asks_item(folded(question).lower()) == position


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("加速與強化GIGA School是地域未來構想20中的第幾項？", True),
        ("这个精神出现在第几项", True),
        ("GIGAスクールは何番目の構想ですか", True),
        ("Which number is the GIGA School item?", True),
        ("第二項是什麼？", False),
        ("有幾項？", False),
    ],
)
def test_a_question_asking_which_position_an_item_holds(question, asks):
    assert asks_position(folded(question).lower()) is asks
