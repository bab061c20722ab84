"""Numbered heading series (index.series): known-answer tests of the headings, counts and questions,
then a tiny real index (fake encoder, real FAISS and BM25) where "有哪三大目標？" is answered by the
three headings and "第二個目標是什麼？" by the second, not by item 2 of the other numbered list."""

from __future__ import annotations

import pytest

from chat.answer import answer_question
from chat.followup import Previous, answer_after, asks_a_whole_list
from index.build import build_index
from index.search import Searcher
from index.series import (
    LAST_ITEM,
    Asked,
    Outline,
    Series,
    SeriesItem,
    article_groups,
    article_series,
    asked,
    classifier_counts,
    declared_counts,
    group_asked,
    heading_number,
    matching_series,
    place_asked,
)
from tests.chat_fakes import FAKE_DECISION
from tests.index_fakes import build_kwargs, open_kwargs, write_corpus


@pytest.mark.parametrize(
    ("line", "numbered"),
    [
        ("地域未来构想二:确立新的生活型态", ("titled 地域未来构想", 2)),
        ("地域未来构想十二：结语", ("titled 地域未来构想", 12)),
        ("2.整备发烧筛检站网络的软硬体投资:", ("dotted", 2)),
        ("三、推动方式", ("listed", 3)),
        ("(二)执行单位", ("bracketed", 2)),
        ("2021.5 亿日圆的补助", None),  # a number, not an item
        ("1." + "很长的一段文字" * 10, None),  # prose that opens with a number
        ("1. 企业投资故乡：" + "鼓励企业投入具体的地方" * 6, ("dotted", 1)),  # a labelled list item, however long
        ("二、品牌建立:" + "协助地方找出独特的地方dna" * 6, ("listed", 2)),
        ("3." + "很长的一段文字" * 3 + "：" + "很长的一段文字" * 8, None),  # the colon comes too late for a label
        ("1.：" + "很长的一段文字" * 10, None),
        ("在整备社会环境目标中有8项:3密对策", None),
    ],
)
def test_heading_number(line, numbered):
    assert heading_number(line) == numbered


def _rows(*texts: str) -> list[tuple[str, str]]:
    return [(f"p{n}", text) for n, text in enumerate(texts, 1)]


def test_article_series_reads_each_form_numbered_one_to_n():
    rows = _rows("构想一:环境\n1.对策:", "2.筛检:", "构想二:生活\n3.教育:", "4.诊疗:", "构想三:消费")
    series = article_series(rows, "d")
    assert [(s.form, [i.number for i in s.items], [i.passage_id for i in s.items]) for s in series] == [
        ("titled 构想", [1, 2, 3], ["p1", "p3", "p5"]),
        ("dotted", [1, 2, 3, 4], ["p1", "p2", "p3", "p4"]),
    ]
    assert series[0].items[1].line == "构想二:生活"


def test_a_run_with_a_number_skipped_is_no_series_and_a_new_one_starts_again():
    assert article_series(_rows("1.甲:", "3.丙:"), "d") == ()
    again = article_series(_rows("1.甲:", "3.丙:", "1.子:", "2.丑:"), "d")
    assert [[i.line for i in s.items] for s in again] == [["1.子:", "2.丑:"]]


def test_declared_counts_read_a_count_the_text_gives_a_noun():
    text = "整理成三大目标、20项未来区域治理上重要的概念。在2020年增加补助金。"
    assert declared_counts("目标", text) == {3}
    assert declared_counts("概念", text) == {20}
    assert declared_counts("补助金", text) == set()  # 2020年 is no count
    assert declared_counts("区域", text) == set()  # a word inside the phrase is not what it counts
    assert classifier_counts("项", text + "第6项是什么") == {20}  # 第6项 is a position
    # a name numbering its noun: 地域未来构想20 counts twenty 构想 (a tester's 第9项构想 was refused)
    assert declared_counts("构想", "公布了「地域未来构想20」政策资料集") == {20}
    assert declared_counts("构想", "地域未来构想2020年版、构想1.5、构想3%") == set()  # a year, a decimal, a share


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("那第二个目标是什么?", Asked(2, ("目标",), listed=False)),
        ("地域未来构想20有哪三大目标?", Asked(3, ("目标",), listed=True)),
        ("三个目标分别是什么", Asked(3, ("目标",), listed=True)),
        ("这份计画分成哪三个部分?", Asked(3, ("部分",), listed=True)),  # 部分 is a noun, not 部 + 分别
        ("what are the three goals of the policy?", Asked(3, ("目标",), listed=True)),
        ("what is the second goal?", Asked(2, ("目标",), listed=False)),
        ("第二个是什么?", None),  # no noun: nothing to match a count to
        ("第6项是什么?", Asked(6, (), listed=False, classifier="项")),  # 项: what the article counts in 项
        ("地域未来构想20 三大目标 第二个呢?", Asked(2, ("目标",), listed=False)),  # a follow-up, searched
        ("第16 区域 招揽 他们需要跟谁合作?", None),  # words carried from 第16项构想…区域…, not a phrase
        ("2020年的预算是多少?", None),
        ("第10项「支援线上诊疗」中，除了补助金还可以搭配哪些资金?", None),  # asks about the item, not what it is
        ("为什么要分成三大目标?", None),  # not what the three are
        ("how do the three goals relate to tourism?", None),
        ("三大目标是哪三个？", Asked(3, ("目标",), listed=True)),  # which three they are
        ("三大目标是哪一个最重要？", None),  # one of them, not all
        ("三大目标是哪三个部会负责？", None),  # something about them
        ("空屋银行分成哪几种类型?", Asked(0, ("类型",), listed=True)),  # as many as the article counts
        ("空屋银行有几种类型?", None),  # how many, not which
        ("地域未来构想20の三つの目标は何ですか？", Asked(3, ("目标",), listed=True)),  # folded Japanese
        ("三つの目标を教えてください", Asked(3, ("目标",), listed=True)),
        ("2つ目の目标は何ですか", Asked(2, ("目标",), listed=False)),
        ("三つの目标はなぜ必要ですか", None),  # why, not what they are
    ],
)
def test_asked_reads_the_counted_noun(question, expected):
    assert asked(question, lambda word: ["目标"] if word.startswith("goal") else []) == expected


def test_a_series_matches_only_the_count_its_article_gives_the_noun():
    three = Series("d", "titled 构想", tuple(SeriesItem(n, f"t{n}", f"构想{n}") for n in (1, 2, 3)))
    four = Series("d", "dotted", tuple(SeriesItem(n, f"p{n}", f"{n}.") for n in (1, 2, 3, 4)))
    outline = Outline("d", "整理成三大目标、4项概念", (three, four))
    assert matching_series(Asked(2, ("目标",), listed=False), [outline]) == [three]
    assert matching_series(Asked(2, ("概念",), listed=False), [outline]) == [four]
    assert matching_series(Asked(3, ("目标",), listed=True), [outline]) == [three]
    assert matching_series(Asked(4, ("目标",), listed=True), [outline]) == []  # the article counts three
    assert matching_series(Asked(5, ("概念",), listed=False), [outline]) == []  # no fifth
    assert matching_series(Asked(2, ("方针",), listed=False), [outline]) == []  # a noun it never counts


def test_a_series_whose_headings_name_the_noun_is_its_series_without_a_count():
    three = Series("d", "titled 构想", tuple(SeriesItem(n, f"t{n}", f"构想{n}") for n in (1, 2, 3)))
    twenty = Series("d", "dotted", tuple(SeriesItem(n, f"p{n}", f"{n}.") for n in range(1, 21)))
    outline = Outline("d", "公布了地域未来构想20", (three, twenty))  # 构想 counted 20, headed 构想一…三
    assert matching_series(Asked(2, ("构想",), listed=False), [outline]) == [three, twenty]  # 构想二 first
    assert matching_series(Asked(9, ("构想",), listed=False), [outline]) == [twenty]  # no 构想九
    assert matching_series(Asked(3, ("构想",), listed=True), [outline]) == [three]
    assert matching_series(Asked(2, ("目标",), listed=False), [outline]) == []  # headings name no 目标


ARTICLE = """這份政策整理成三大目標、6項概念，讓地方政府互相借鏡。

計畫一:整備環境
在整備環境方面有2項概念，先從防疫做起。

1.實施防疫對策:
公共空間要注意通風與人群距離。

2.整備篩檢網絡:
各地設置篩檢站，第二個目標則談生活。

計畫二:新的生活
回歸生活面的教育與醫療。

3.推動遠距教育:
學校改為遠距授課。

4.支援線上診療:
醫院提供線上診療。

計畫三:新的消費
最後是產業轉型的2項概念。

5.強化農業:
農村導入智慧農業。

6.發行旅遊券:
各地發行旅遊券。"""

OTHER = "溫室氣體排放在2050年降為零。\n\n溫室氣體排放要靠再生能源。\n\n溫室氣體排放也來自物流。"
HEADINGS = ["計畫一:整備環境", "計畫二:新的生活", "計畫三:新的消費"]


@pytest.fixture
def series_index(tmp_path, fake_encoder):
    corpus = write_corpus(tmp_path / "corpus", a=ARTICLE, b="日本的地方創生有三個目標與許多計畫。", c=OTHER)
    build_index(corpus, tmp_path / "index", fake_encoder, **build_kwargs())
    return Searcher.open(tmp_path / "index", fake_encoder, **open_kwargs())


def _heads(hits) -> list[str]:
    return [h.passage.text.split("\n")[0] for h in hits]


def test_the_series_asked_for_comes_first(series_index, monkeypatch):
    assert _heads(series_index.search("有哪三大目標？", top_k=3)) == HEADINGS
    assert _heads(series_index.search("第二個目標是什麼？", top_k=1)) == ["計畫二:新的生活"]
    assert _heads(series_index.search("第二項概念是什麼？", top_k=1)) == ["2.整備篩檢網絡:"]
    assert _heads(series_index.search("第5項是什麼？", top_k=1)) == ["5.強化農業:"]  # counted in 項: 6項概念
    monkeypatch.setattr("index.search.SERIES_FIRST", False)
    assert _heads(series_index.search("有哪三大目標？", top_k=3)) != HEADINGS
    assert _heads(series_index.search("第二個目標是什麼？", top_k=1)) != ["計畫二:新的生活"]


def test_a_count_the_article_does_not_give_moves_nothing(series_index, monkeypatch):
    # nor one of an article the best passages are not from (溫室氣體排放: article c)
    for question in ("有哪四大目標？", "第二個方針是什麼？", "溫室氣體排放的第2項是什麼？"):
        moved = _heads(series_index.search(question, top_k=5))
        monkeypatch.setattr("index.search.SERIES_FIRST", False)
        assert _heads(series_index.search(question, top_k=5)) == moved
        monkeypatch.setattr("index.search.SERIES_FIRST", True)


def test_the_headings_of_the_series_are_the_answer(series_index, monkeypatch):
    answer = answer_question("有哪三大目標？", series_index, decision=FAKE_DECISION)
    assert answer.found and not answer.uncertain
    assert [q.text for q in answer.quotes] == HEADINGS
    assert [q.citation.n for q in answer.quotes] == [1, 2, 3]
    assert [q.citation.paragraph for q in answer.quotes] == [2, 5, 8]
    monkeypatch.setattr("chat.answer.SERIES_ANSWERS", False)
    assert [q.text for q in answer_question("有哪三大目標？", series_index, decision=FAKE_DECISION).quotes] != HEADINGS


def test_the_item_asked_for_is_quoted_from_its_heading(series_index):
    answer = answer_question("第二個目標是什麼？", series_index, decision=FAKE_DECISION)
    assert answer.found and answer.quotes[0].text.startswith("計畫二:新的生活")
    answer = answer_question("有哪四大目標？", series_index, decision=FAKE_DECISION)
    assert [q.text for q in answer.quotes] != HEADINGS[:3]


def test_only_the_articles_of_the_best_passages_are_read_and_only_when_a_noun_is_counted(series_index, monkeypatch):
    import index.search
    import index.series

    read: list[str] = []

    def counting(doc, passages, fold):
        read.append(doc)
        return index.series.outline_of(doc, passages, fold)

    monkeypatch.setattr(index.search, "outline_of", counting)
    series_index.search("溫室氣體排放要靠什麼？", top_k=3)
    assert read == []  # no count asked: no article read (a 100k-passage index is never folded whole)
    series_index.search("溫室氣體排放的第2項是什麼？", top_k=3)
    assert read == ["c"]  # the three best passages are all article c's
    series_index.search("有哪三大目標？", top_k=3)
    series_index.search("第二個目標是什麼？", top_k=3)
    assert read.count("a") == 1  # read once, then kept


def test_a_question_counting_a_labelled_list_gets_its_items():
    long = "，透过投资、采购或技术协助，协助地方发展具竞争力的产业，而非仅止于一次性捐款。"
    rows = _rows("二、五大战略：基本架构\n搭配五项推动战略：", *(f"{n}. 战略{n}：说明{long}" for n in range(1, 6)))
    (series,) = [s for s in article_series(rows, "d") if s.form == "dotted"]
    assert [i.passage_id for i in series.items] == ["p2", "p3", "p4", "p5", "p6"]
    assert series.items[0].line.startswith("1. 战略1：说明")
    outline = Outline("d", "\n".join(text for _, text in rows), (series,))
    question = asked("五大战略分别是哪些？")
    assert question is not None and question.listed and question.number == 5
    assert matching_series(question, [outline]) == [series]


def test_a_bulleted_run_counted_by_its_lead_in_answers_which_kinds_there_are():
    rows = _rows(
        "空屋银行大致可分为四种类型：\n\n● 行政直营型：公所受理。",
        "● 宅建业者协力型：业者负责。",
        "● 中间支援组织型：委托NPO。",
        "● 承租改修转租型：公所承租。",
        "常见的补助包括：\n\n● 修缮补助：上限100万日圆。",
        "● 清理补助：上限20万日圆。",
        "另有四种类型的案例，本文不论。",
    )
    kinds, grants = [s for s in article_series(rows, "d") if s.form == "bulleted"]
    assert [i.passage_id for i in kinds.items] == ["p1", "p2", "p3", "p4"] and kinds.lead.endswith("四种类型：")
    assert [i.number for i in grants.items] == [1, 2] and grants.items[0].line == "● 修缮补助：上限100万日圆。"
    cases = Series("d", "bracketed", tuple(SeriesItem(n, f"c{n}", f"（{n}）") for n in (1, 2, 3, 4)))
    outline = Outline("d", "\n".join(text for _, text in rows), (kinds, grants, cases))
    # a numbered series is counted anywhere in its article, a bulleted run only by its own lead-in
    assert matching_series(_asked("空屋银行分成哪几种类型?"), [outline]) == [kinds, cases]
    assert matching_series(_asked("空屋银行有哪四种类型?"), [outline]) == [kinds, cases]
    assert matching_series(_asked("补助有哪两种类型?"), [outline]) == []  # its lead-in counts no 类型
    # a prose line between bullets ends the run; blank lines do not
    broken = article_series(_rows("● 甲：一。\n\n● 乙：二。\n说明文字。\n● 丙：三。"), "d")
    assert [[i.line for i in s.items] for s in broken] == [["● 甲：一。", "● 乙：二。"]]


def _asked(question: str) -> Asked:
    found = asked(question)
    assert found is not None, question
    return found


def test_labelled_lines_under_a_lead_in_are_a_list_when_the_loader_kept_no_marks():
    # a Word or Markdown list comes as plain paragraphs: 基金型：… under 分成三種類型：
    rows = _rows(
        "韩国的支援分成三种类型：",
        "基金型：每年一兆韩元。",
        "指定型：指定89个地区。",
        "税制型：故乡爱捐款。",
        "其他说明。",
    )
    (kinds,) = article_series(rows, "d")
    assert kinds.form == "bulleted" and [i.passage_id for i in kinds.items] == ["p2", "p3", "p4"]
    outline = Outline("d", "\n".join(text for _, text in rows), (kinds,))
    assert matching_series(_asked("韩国的支援分成哪几种类型？"), [outline]) == [kinds]
    # not under a lead-in, numbered (1. X： is a numbered series), or after bullets: no labelled run
    assert article_series(_rows("韩国的支援很多。", "基金型：每年一兆韩元。", "指定型：指定89个地区。"), "d") == ()
    numbered = article_series(_rows("分成两种类型：", "1. 基金型：一兆。", "2. 指定型：89个。"), "d")
    assert [s.form for s in numbered] == ["dotted"]
    mixed = article_series(_rows("分成三种类型：", "● 基金型：一兆。", "● 指定型：89个。", "税制型：捐款。"), "d")
    assert [len(s.items) for s in mixed] == [2]


BULLETED = """空屋銀行的運作

依營運主體，空屋銀行大致可分為四種類型：

● 行政直營型：由公所職員受理登錄。

● 宅建業者協力型：由會員業者負責契約。

● 中間支援組織型：委託在地NPO營運。

● 承租改修轉租型：由町公所承租空屋後轉租。

空屋銀行的成效差異很大。"""
KINDS = [
    "● 行政直營型：由公所職員受理登錄。",
    "● 宅建業者協力型：由會員業者負責契約。",
    "● 中間支援組織型：委託在地NPO營運。",
    "● 承租改修轉租型：由町公所承租空屋後轉租。",
]


def test_the_bulleted_items_its_lead_in_counts_are_the_answer_to_which_kinds(tmp_path, fake_encoder):
    corpus = write_corpus(tmp_path / "corpus", a=BULLETED, c=OTHER)
    build_index(corpus, tmp_path / "index", fake_encoder, **build_kwargs())
    searcher = Searcher.open(tmp_path / "index", fake_encoder, **open_kwargs())
    for question in ("空屋銀行分成哪幾種類型？", "空屋銀行有哪四種類型？"):
        answer = answer_question(question, searcher, decision=FAKE_DECISION)
        assert answer.found and [q.text for q in answer.quotes] == KINDS, question
    assert [q.text for q in answer_question("空屋銀行有哪三種類型？", searcher, decision=FAKE_DECISION).quotes] != KINDS
    # asked after another question about its article, it is answered as a question of its own
    after = answer_after("那空屋銀行分成哪幾種類型？", "空屋銀行的成效如何？", searcher, 5, FAKE_DECISION)
    assert [q.text for q in after.quotes] == KINDS
    assert asks_a_whole_list("那空屋銀行分成哪幾種類型？", searcher, searcher.passages[:1])
    assert not asks_a_whole_list("那它的成效呢？", searcher, searcher.passages[:1])


# --------------------------------------------------------------------------- items counted within one group


def test_the_numbered_items_under_each_titled_heading_are_its_group():
    rows = _rows(
        "构想一:环境\n1.对策:", "2.筛检:", "构想二:生活\n3.教育:", "4.诊疗:", "构想三:消费\n5.农业:", "6.旅游:"
    )
    groups = article_groups(article_series(rows, "d"))
    assert [(g.title, g.number, g.of, g.form, [i.number for i in g.items]) for g in groups] == [
        ("构想", 1, 3, "dotted", [1, 2]),
        ("构想", 2, 3, "dotted", [3, 4]),
        ("构想", 3, 3, "dotted", [5, 6]),
    ]
    assert groups[2].heading.line == "构想三:消费" and groups[2].items[0].passage_id == "p5"
    # numbered anew under each heading: each group holds its own run
    anew = article_groups(article_series(_rows("构想一:甲\n1.子:", "2.丑:", "构想二:乙\n1.寅:", "2.卯:"), "d"))
    assert [[i.line for i in g.items] for g in anew] == [["1.子:", "2.丑:"], ["1.寅:", "2.卯:"]]
    # headings with no numbered items under them group nothing; one group is no grouped list
    assert article_groups(article_series(_rows("构想一:甲", "构想二:乙", "1.子:", "2.丑:"), "d")) == ()
    assert article_groups(article_series(_rows("1.子:", "2.丑:", "构想一:甲", "构想二:乙"), "d")) == ()


@pytest.mark.parametrize(
    ("question", "place"),
    [
        ("地域未来构想三的第一项是什么?", (1, "")),
        ("地域未来构想二的第3个呢", (3, "")),
        ("地域未来构想一有 第三项呢? 最后一个?", (LAST_ITEM, "")),  # the last place asked, at the end
        ("最后呢?", (LAST_ITEM, "")),
        ("构想三的第一项措施是什么", (1, "措施")),
        ("地域未来构想三 第二个目标呢?", (2, "目标")),
        ("第三项提到的补助还会导致什么?", None),  # something about the item, not what it is
        ("地域未来构想三包括哪些?", None),
    ],
)
def test_the_place_a_question_asks_the_item_at(question, place):
    assert place_asked(question) == place


def _grouped_outline() -> Outline:
    rows = _rows(
        "整理成三大目标、6项概念",
        "计画一:环境\n1.对策:",
        "2.筛检:",
        "计画二:生活\n3.教育:",
        "4.诊疗:",
        "计画三:消费\n5.农业:",
        "6.旅游:",
    )
    series = article_series(rows, "d")
    return Outline("d", "\n".join(text for _, text in rows), series, article_groups(series))


@pytest.mark.parametrize(
    ("question", "line"),
    [
        ("计画三的第一项是什么?", "5.农业:"),
        ("计画二的第2项是什么?", "4.诊疗:"),
        ("计画一有哪几项? 最后一个?", "2.筛检:"),
        ("计画二包括 那计画三的第二个呢?", "6.旅游:"),  # the group named last
        ("计画3的第一项是什么?", "5.农业:"),  # the number in digits
    ],
)
def test_a_place_asked_in_a_named_group_is_the_item_under_it(question, line):
    grouped = group_asked(question, [_grouped_outline()])
    assert grouped is not None and [[i.line for i in s.items] for s in grouped.series] == [[line]]
    assert grouped.group.startswith("计画")


def test_a_group_names_no_item_past_its_own_nor_when_the_place_counts_the_groups():
    outline = _grouped_outline()
    beyond = group_asked("计画三的第三项是什么?", [outline])
    assert beyond is not None and beyond.series == ()  # 计画三 has two: nothing moves
    assert group_asked("计画三 第二个目标呢?", [outline]) is None  # 三大目标: the headings themselves
    assert group_asked("第二项是什么?", [outline]) is None  # no group named
    assert group_asked("计画二十的第一项?", [outline]) is None  # not 计画二


def test_a_place_under_a_named_group_is_searched_and_quoted_first(series_index):
    assert _heads(series_index.search("計畫三的第一項是什麼？", top_k=1)) == ["5.強化農業:"]
    assert _heads(series_index.search("計畫二的第二項是什麼？", top_k=1)) == ["4.支援線上診療:"]
    assert _heads(series_index.search("第二項概念是什麼？", top_k=1)) == ["2.整備篩檢網絡:"]  # no group: the list's
    answer = answer_question("計畫三的第一項是什麼？", series_index, decision=FAKE_DECISION)
    assert answer.found and answer.quotes[0].text.startswith("5.強化農業:")
    answer = answer_question("計畫一的最後一項是什麼？", series_index, decision=FAKE_DECISION)
    assert answer.found and answer.quotes[0].text.startswith("2.整備篩檢網絡:")


@pytest.mark.parametrize(
    ("question", "earlier", "first"),
    [
        ("第二項呢？", "計畫三包括哪些？", "6.發行旅遊券:"),  # not 計畫二 nor 2.
        ("第一項是什麼？", "計畫二有哪些？", "3.推動遠距教育:"),  # not 計畫一
        ("第二項呢？", "計畫一有哪幾項？", "2.整備篩檢網絡:"),
        ("最後一個？", "計畫一有哪幾項？", "2.整備篩檢網絡:"),  # not 計畫三
        ("那計畫三的第一項呢？", "計畫二有哪些？", "5.強化農業:"),  # the group the follow-up names
    ],
)
def test_an_ordinal_follow_up_counts_in_the_group_the_conversation_names(series_index, question, earlier, first):
    group = earlier[:3]  # the previous answer quoted that group's heading
    (heading,) = [p for p in series_index.passages if p.text.startswith(group)]
    previous = Previous(earlier, (heading.id,), (heading.text,))
    answer = answer_after(question, previous, series_index, 5, FAKE_DECISION)
    assert answer.found and answer.quotes[0].text.startswith(first), [q.text for q in answer.quotes]
