"""chat.premise: a question whose count of a thing contradicts the passages (known answers)."""

import pytest

from chat.premise import Count, count_conflict, counts

PASSAGES = [
    "日本內閣府認為,面對疫情,政府的施政有四個階段,第一個是守護地方命脈。",
    "地方創生有三支箭:資訊、人才、財政。",
    "國家秉持三項方針,第二個是支援讓案子永續發展下去的支持系統。",
    "這份政策資料整理成三大目標、20項未來區域治理上重要的概念。",
    "14.為單親家庭、單身高齡者創造新的連結:希望透過這八項對策力抗疫情。",
]


def test_counts_reads_totals_and_positions_of_named_things():
    assert counts("施政有四個階段,第一個是守護") == [Count(False, 4, "阶段")]
    assert counts("第五階段是什麼") == [Count(True, 5, "阶段")]
    assert counts("三支箭") == [Count(False, 3, "箭")]
    # not counts: a year, a share, the last one, a position without a named thing
    assert counts("2020年有七成的地方政府,最後一個階段,第二個呢") == []


@pytest.mark.parametrize(
    ("question", "conflict"),
    [
        ("內閣府認為對抗疫情的施政分成六個階段，第五階段是什麼", "6阶段 / 4"),
        ("第五階段是什麼？", "第5阶段 / 4"),
        ("城鎮・人口・工作創生法所說的第四支箭是什麼？", "第4箭是 / 3"),
        ("國家提供IT支援的第四個方針是什麼", "第4方针 / 3"),
        ("地域未來構想20的第四大目標包含哪些項目？", "第4目标 / 3"),  # 20的 read and left, then 第四大目標
    ],
)
def test_a_count_the_passages_contradict_is_reported(question, conflict):
    assert count_conflict(question, PASSAGES) == conflict


@pytest.mark.parametrize(
    "question",
    [
        "施政的四個階段是什麼？",  # the stated total
        "第三個階段要做什麼？",  # a position within it
        "最後一個階段是什麼？",
        "第14項希望促進哪些人有新的支撐網絡？",  # 項 of another list: compared by the thing, not the classifier
        "2021年的補助金是多少？",
        "第二個呢？",
        "地域未来構想の三つ目の目標に含まれる6項目は何ですか？",  # 6項目: six items, not six 目標
    ],
)
def test_counts_the_passages_agree_with_or_do_not_state_are_not_conflicts(question):
    assert count_conflict(question, PASSAGES) == ""


def test_no_passages_no_conflict():
    assert count_conflict("第五階段是什麼", []) == ""
