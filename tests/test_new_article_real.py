"""An article a user adds is answered like the seed articles (real model, FAISS, BM25, the shipped
decision; slow). The found / not-found decision and the keyword expansions were fitted and tuned on
questions about the two seed articles only; this article was written for this test (about Taiwan's
地方創生, which the seeds mention only in passing), so these questions are new to every part of it."""

from __future__ import annotations

import shutil

import pytest

from chat.abstain import DecisionModel
from chat.answer import answer_question

pytestmark = pytest.mark.slow

ARTICLE = """# 台灣地方創生的起步

作者：林小明

行政院於2019年宣布該年為「台灣地方創生元年」，由國家發展委員會（國發會）擔任主責機關，推動「地方創生國家戰略計畫」。國發會盤點出134個地方創生優先推動地區，多數位於人口外流嚴重的鄉鎮。

計畫提出五支箭：企業投資故鄉、科技導入、整合部會創生資源、社會參與創生、品牌建立。其中「企業投資故鄉」希望引導企業以投資或捐贈方式，協助地方發展產業。

在執行上，國發會於2020年成立「地方創生青年培力工作站」，補助青年返鄉團隊，每站每年最高補助新台幣200萬元。

然而，許多鄉鎮公所反映，地方創生計畫的申請程序繁瑣，且缺乏長期穩定的經費，使得團隊難以持續經營。
"""

ASKED = [
    ("國發會哪一年啟動地方創生元年？", "2019年"),
    ("台灣地方創生的五支箭是什麼？", "企業投資故鄉、科技導入"),
    ("青年培力工作站每年最多補助多少錢？", "200萬元"),
    ("台湾地方创生的主责机关是哪个？", "國家發展委員會"),
    ("鄉鎮公所對地方創生計畫有什麼抱怨？", "申請程序繁瑣"),
    # "Taiwan's" names Taiwan: the possessive used to hide it from the glossary (→ 台灣), so the
    # keyword side missed the article and the premise check said no best passage names 台灣
    ("What are the five arrows of Taiwan's regional revitalization?", "企業投資故鄉、科技導入"),
]


def seeds_and(added: dict[str, str], encoder, seed_corpus, root):
    """A real index of the seeds and the ``added`` articles (file name → text)."""
    from index.build import build_index
    from index.search import Searcher

    corpus = root / "corpus"
    shutil.copytree(seed_corpus, corpus)
    for name, text in added.items():
        (corpus / name).write_text(text, encoding="utf-8")
    build_index(corpus, root / "index", encoder)
    return Searcher.open(root / "index", encoder)


@pytest.fixture(scope="module")
def searcher(real_encoder, seed_corpus, tmp_path_factory):
    return seeds_and({"taiwan.md": ARTICLE}, real_encoder, seed_corpus, tmp_path_factory.mktemp("added-real"))


@pytest.mark.parametrize(("question", "gold"), ASKED)
def test_a_question_about_the_added_article_quotes_it(searcher, question, gold):
    answer = answer_question(question, searcher, decision=DecisionModel.load())
    assert answer.found, answer.message
    assert gold in answer.quotes[0].text
    assert answer.quotes[0].citation.title == "台灣地方創生的起步"


def test_who_wrote_the_added_article_is_its_byline(searcher):
    # its byline stands under its title ("作者：林小明"); the seeds' bylines end their articles
    answer = answer_question("台灣地方創生那篇文章是誰寫的？", searcher, decision=DecisionModel.load())
    assert answer.found and "作者：林小明" in answer.quotes[0].text


def test_what_the_added_article_does_not_say_is_not_found(searcher):
    answer = answer_question("韓國的地方創生預算是多少？", searcher, decision=DecisionModel.load())
    assert not answer.found and answer.quotes == ()


KOREAN = """# 韩国地方消灭应对政策概览

文／王大同　2023年5月

一、背景

韩国统计厅资料显示，2022年韩国总和生育率降至0.78，为全球最低。首尔都市圈人口已超过全国人口的一半，地方人口持续流失。

二、主要政策

（一）地方消灭应对基金

韩国政府自2022年起设立「地方消灭应对基金」，每年规模1万亿韩元，连续10年拨付给人口减少地区。

（二）人口减少地区指定

行政安全部于2021年10月指定89个市郡区为人口减少地区，并依据人口增减率、青年流入率等8项指标进行评估。
"""


HTML_REPORT = """<html><head><meta charset="utf-8"><title>台東池上的返鄉青年</title></head><body><article>
<h1>台東池上的返鄉青年</h1><p class="byline">記者陳美玲／台東報導</p>
<p>池上鄉的返鄉青年成立稻米合作社，以契作方式收購有機稻米，帶動當地就業。</p>
<p>合作社去年營收突破三千萬元，並開設食農教育課程，吸引外地學生前來體驗插秧。</p>
</article></body></html>"""


@pytest.fixture(scope="module")
def korean(real_encoder, seed_corpus, tmp_path_factory):
    """The seeds, an article about another country (Simplified Chinese, 一、/（一） headings) and an
    HTML report with a byline."""
    added = {"korea.md": KOREAN, "taitung.html": HTML_REPORT}
    return seeds_and(added, real_encoder, seed_corpus, tmp_path_factory.mktemp("korean-real"))


def test_the_added_articles_author_is_read_from_its_byline(korean):
    authors = {a.meta.source: a.meta.author for a in korean.articles()}
    assert authors["korea.md"] == "王大同" and authors["taitung.html"] == "陳美玲"


def test_a_question_about_the_other_country_quotes_its_article(korean):
    answer = answer_question("韓國的地方消滅應對基金每年多少錢？", korean, decision=DecisionModel.load())
    assert answer.found and "1万亿韩元" in answer.quotes[0].text
    who = answer_question("這篇韓國的文章是誰寫的？", korean, decision=DecisionModel.load())
    assert who.found and "文／王大同" in who.quotes[0].text


def test_an_html_reports_byline_answers_who_wrote_it(korean):
    # trafilatura takes <p class="byline"> out of the text; the loader puts it back under the title
    who = answer_question("台東池上返鄉青年那篇報導是誰寫的？", korean, decision=DecisionModel.load())
    assert who.found and "記者陳美玲／台東報導" in who.quotes[0].text, who.quotes[0].text


def test_japan_asked_and_only_koreas_fund_found_is_not_found(korean):
    # the best passage is the Korean fund's, its article's title names 韩国 and it never names Japan
    answer = answer_question("日本的地方消滅應對基金有多少？", korean, decision=DecisionModel.load())
    assert not answer.found and "另一個國家的文章，沒有提到「日本」" in answer.message, answer.message
    assert answer.reason.startswith("not found: the best passage is from an article about another country")


SECTIONS = """# 屏東縣地方創生推動計畫

本計畫分為三個部分，說明屏東縣推動地方創生的方式。

## 一、背景

屏東縣多個鄉鎮人口外流，青壯年人口持續減少。

## 二、做法

國發會輔導屏東縣盤點在地產業，結合企業投資與青年返鄉團隊。

## 三、成效

三年來已有十二個返鄉團隊進駐，帶動農產品牌銷售。
"""
PARTS = ["一、背景", "二、做法", "三、成效"]


@pytest.fixture(scope="module")
def sections(real_encoder, seed_corpus, tmp_path_factory):
    return seeds_and({"pingtung.md": SECTIONS}, real_encoder, seed_corpus, tmp_path_factory.mktemp("sections-real"))


def test_an_added_articles_counted_sections_are_its_headings(sections):
    # a Markdown heading stays its own line: "二、做法" + "國發會…" once ran together (法國 across the break)
    texts = [p.text for p in sections.passages if p.doc_id == "pingtung"]
    assert any(t.startswith("二、做法\n") for t in texts), texts
    answer = answer_question("屏東縣地方創生推動計畫分成哪三個部分？", sections, decision=DecisionModel.load())
    assert answer.found and [q.text for q in answer.quotes] == PARTS
    second = answer_question("屏東縣地方創生推動計畫的第二個部分是什麼？", sections, decision=DecisionModel.load())
    assert second.found and second.quotes[0].text.startswith("二、做法")


AMA = (
    "島根縣海士町的離島振興\n\n海士町位於隱岐諸島，町內唯一的高中曾因學生減少面臨廢校。\n\n"
    "年度\t學生數\n2008\t89\n2020\t180\n"
)


@pytest.fixture(scope="module")
def with_table(real_encoder, seed_corpus, tmp_path_factory):
    return seeds_and({"ama.txt": AMA}, real_encoder, seed_corpus, tmp_path_factory.mktemp("table-real"))


def test_a_follow_up_naming_only_a_year_stays_in_the_previous_answers_article(with_table, monkeypatch):
    # an added article's row "2020 ｜ 180" matched "What about 2020?" best and was quoted as the answer
    from chat import followup

    previous = "How much was the regional revitalization temporary grant in 2021?"
    decision = DecisionModel.load()
    answer = followup.answer_after("What about 2020?", previous, with_table, 5, decision)
    assert answer.found and "2020年達3兆日圓" in answer.quotes[0].text
    assert all(q.citation.doc_id != "ama" for q in answer.quotes)
    monkeypatch.setattr(followup, "OTHER_ARTICLES_GIVE_WAY", False)
    loose = followup.answer_after("What about 2020?", previous, with_table, 5, decision)
    assert loose.quotes[0].citation.doc_id == "ama"  # what the rule prevents
