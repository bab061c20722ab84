"""ingest.furniture: captions, reference lines and bylines, the questions that ask for them, and
the search that ranks such a passage first only when asked (known answers, fake encoder)."""

from __future__ import annotations

import pytest

from index.build import build_index
from index.search import Searcher
from ingest.furniture import asks_credit, asks_source, is_furniture, is_furniture_line
from tests.index_fakes import build_kwargs, open_kwargs, write_corpus


@pytest.mark.parametrize(
    ("line", "furniture"),
    [
        ("圖片來源：內閣官房情報通信技術 (IT) 綜合戰略室〈地方創生に資するIT利活用促進プラン〉", True),
        ("資料來源：地域IoT実装推進タスクフォースについて", True),
        ("来源: 总务省", True),
        ("[3]総務省「地域におけるICT利活用の現状に関する調査研究」(平成26年)", True),
        ("作者 謝子涵 為政治工作者", True),
        ("[5]案例分類依據：", False),  # a footnote-marked heading: its content follows
        ("[5]案例分類依據：\n\n事業主題別：教育、醫療照護健康", False),
        ("到了2014年則進展到5.9%的執行程度。[3]", False),
        ("作者認為台灣缺少平台。", False),
        (
            "3. 總務省（2024）。《令和5年度地域おこし協力隊の隊員数等について》。東京：總務省。",
            True,
        ),  # a reference list's
        ("12. 增田寬也（2014a）《地方消滅》", True),
        ("1. 研議專法（2019年起）。", False),
        ("參考資料", True),  # a reference list's heading, alone on its line
        ("註釋與參考文獻", True),
        ("參考資料的整理很重要。", False),  # a list item: no author and bracketed year
        ("2. 2019年（令和元年）起推動。", False),
        ("資料顯示，來源多元。", False),
    ],
)
def test_furniture_lines_are_captions_references_and_bylines(line, furniture):
    assert is_furniture_line(line) is furniture


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("那張圖的來源是哪個單位？", True),
        ("這篇文章的作者是誰？", True),
        ("註腳引用的是哪一份調查研究？", True),
        ("脚注で引用されている調査は何ですか", True),
        ("What is the title of the MIC survey cited for this?", True),
        ("Who wrote this article?", True),
        ("スマートプラチナ社会推進会議的網頁在哪裡", True),
        ("Under which headquarters was the IT council set up?", False),
        ("日本政府為什麼要推動地方創生？", False),
        ("When did the ministry start its ICT meetings?", False),
    ],
)
def test_asks_credit_reads_questions_about_sources_authors_figures_and_studies(question, asks):
    assert asks_credit(question) is asks


@pytest.mark.parametrize(
    ("text", "furniture"),
    [
        ("圖片來源：內閣官房〈IT利活用促進プラン〉", True),
        ("[1]スマートプラチナ社会推進会議 https://www.soumu.go.jp/\n[2]情報通信(ICT政策) https://x.jp/", True),
        ("作者 謝子涵 為政治工作者", True),
        ("資料來源：總務省\n\n總務省在2014年開始舉辦地域情報化大賞。", False),  # a caption over content
        ("總務省在2014年開始舉辦地域情報化大賞。", False),
        ("", False),
        ("  \n", False),
    ],
)
def test_a_passage_is_furniture_when_every_line_is(text, furniture):
    assert is_furniture(text) is furniture


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("這個數字是引自哪一份調查研究？", True),
        ("這個說法的出處是哪裡？", True),
        ("Is there a link to it?", True),
        ("註腳引用的是哪個會議？", True),
        ("為什麼？", False),
        ("那2014年呢？", False),
    ],
)
def test_which_follow_ups_ask_for_a_source(question, asks):
    assert asks_source(question) is asks


def test_asks_source_is_the_narrower_reading():
    assert asks_source("這段話的出處是哪份報告？") and asks_credit("這段話的出處是哪份報告？")
    assert asks_credit("這篇文章的作者是誰？") and not asks_source("這篇文章的作者是誰？")


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("這篇文章的作者是誰？", True),
        ("寫這篇ICT地域活性化文章的作者是誰", True),
        ("作者叫什麼名字", True),
        ("这篇是谁写的？", True),
        ("この記事の筆者は誰ですか", True),
        ("Who wrote the article on regional revitalisation?", True),
        ("What is the author's name?", True),
        ("作者認為台灣缺少什麼？", False),  # the author's view: in the text
        ("文章寫的是什麼？", False),
        ("Who runs the ICT programme?", False),
    ],
)
def test_asks_author_reads_questions_about_who_wrote_the_article(question, asks):
    from ingest.furniture import asks_author

    assert asks_author(question) is asks


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("謝子涵是誰？", True),
        ("谢子涵是做什么的", True),  # Simplified, folded like the name
        ("謝子涵的職業是什麼？", True),
        ("Who is 謝子涵?", True),
        ("謝子涵は誰ですか？", True),
        ("謝子涵在東京大學做了哪些研究？", False),  # beyond the byline
        ("謝子涵是誰寫的報告？", False),  # asks more than who she is
        ("林小明是誰？", False),  # another name
        ("謝子涵", False),  # named, nothing asked
    ],
)
def test_asks_about_author_reads_who_a_byline_name_is(question, asks):
    from ingest.furniture import asks_about_author

    assert asks_about_author(question, "謝子涵") is asks


def test_a_byline_is_a_passage_opening_with_the_author():
    from ingest.furniture import is_byline

    assert is_byline("作者 謝子涵 為政治工作者") and not is_byline("作者認為台灣缺少什麼。")
    assert is_byline("作者：林小明") and is_byline("文／林小明") and is_byline("撰文: 王大同")
    assert not is_byline("文中提到三支箭。") and not is_byline("作者的看法是：")
    assert is_byline("韓國地方消滅應對政策概覽\n\n文／王大同")  # under the title that leads it
    assert is_byline("記者王小明／台北報導") and not is_byline("記者會上，部長宣布補助方案。")


@pytest.mark.parametrize(
    ("paragraphs", "author"),
    [
        (["作者 謝子涵 為政治工作者"], "謝子涵"),
        (["台灣地方創生的起步\n作者：林小明"], "林小明"),
        (["文／王大同"], "王大同"),
        (["記者王小明／台北報導"], "王小明"),
        (["记者王小明/北京报道"], "王小明"),
        (["作者：林小明、陳大華"], "林小明、陳大華"),
        (["作者：林小明（國發會研究員）"], "林小明"),
        (["撰文：Amy Chen, Taipei"], "Amy Chen"),
        (["本文談五支箭。", "作者：林為民"], "林為民"),
        (["作者認為地方創生很重要。", "記者會上說明預算。", "文中提到三支箭。"], None),
        (["作者：" + "林" * 300], None),  # a long paragraph is text, not a byline
    ],
)
def test_byline_author_reads_the_name_a_byline_gives(paragraphs, author):
    from ingest.furniture import byline_author

    assert byline_author(paragraphs) == author


CAPTION = "圖片來源：總務省 ICT 地域活性化 IT 利活用 推進會議"
ANSWER = "總務省設置地域情報化大賞，表揚推動 ICT 地域活性化的團體。"


@pytest.fixture
def caption_index(tmp_path, fake_encoder):
    corpus = write_corpus(tmp_path / "corpus", a=f"{ANSWER}\n\n{CAPTION}\n\n別的段落談農業與觀光。")
    build_index(corpus, tmp_path / "index", fake_encoder, **build_kwargs())
    return Searcher.open(tmp_path / "index", fake_encoder, **open_kwargs())


def test_a_caption_ranks_after_the_other_passages(caption_index, monkeypatch):
    import index.search

    question = "ICT 地域活性化 IT 利活用 推進會議"  # the caption's own words: it would lead
    monkeypatch.setattr(index.search, "FURNITURE_GIVES_WAY", False)
    plain = [h.passage.text for h in caption_index.search(question, top_k=3)]
    assert plain[0] == CAPTION and plain[1] == ANSWER
    monkeypatch.setattr(index.search, "FURNITURE_GIVES_WAY", True)
    hits = caption_index.search(question, top_k=3)
    assert [h.passage.text for h in hits] == [ANSWER, plain[2], CAPTION]  # the caption after all the others
    assert [h.rank for h in hits] == [1, 2, 3]


def test_a_caption_keeps_the_top_when_the_question_asks_for_a_source(caption_index):
    hits = caption_index.search("ICT 地域活性化 IT 利活用 推進會議 圖片來源", top_k=2)
    assert hits[0].passage.text == CAPTION
    # the keyword-only and dense-only rankings are left as they are (they are the baselines)
    assert caption_index.search("ICT 地域活性化 IT 利活用 推進會議", top_k=1, mode="bm25")[0].passage.text == CAPTION


def test_the_bylines_come_first_when_the_question_asks_who_wrote_the_article(tmp_path, fake_encoder):
    byline = "作者 王小明 為研究者"
    corpus = write_corpus(tmp_path / "corpus", a=f"{ANSWER}\n\n{byline}\n\n別的段落談農業與觀光。")
    build_index(corpus, tmp_path / "index", fake_encoder, **build_kwargs())
    searcher = Searcher.open(tmp_path / "index", fake_encoder, **open_kwargs())
    question = "寫這篇 ICT 地域活性化 文章的作者是誰"  # the article's words would lead
    assert searcher.search(question, top_k=1, mode="bm25")[0].passage.text == ANSWER
    assert searcher.search(question, top_k=1)[0].passage.text == byline
    # asked in words that ask for no other credit (筆者は誰): the bylines still lead
    assert searcher.search("ICT 地域活性化 の筆者は誰", top_k=1)[0].passage.text == byline
    assert searcher.search("ICT 地域活性化", top_k=3)[-1].passage.text == byline  # furniture, last otherwise
    # asked who the byline's author is (王小明是誰): the bylines lead too
    assert searcher.authors == ("王小明",)
    assert searcher.search("王小明是誰？", top_k=1)[0].passage.text == byline


@pytest.mark.parametrize(
    ("paragraph", "date"),
    [
        ("2024年3月", "2024年3月"),
        ("2024年 3月 15日", "2024年3月15日"),
        ("2024-03-15", "2024-03-15"),
        ("發布日期：2024/3/15", "2024/3/15"),
        ("2024年3月，國發會檢討成果。", None),  # a sentence opening with a date
        ("2024年", None),  # a year alone may be a label or a heading
        ("2024年3月的調查結果", None),
    ],
)
def test_a_dateline_is_a_date_alone(paragraph, date):
    from ingest.furniture import dateline, is_dateline

    assert is_dateline(paragraph) is (date is not None)
    assert dateline(["標題", paragraph]) == date


def test_only_the_first_paragraphs_give_an_articles_date():
    from ingest.furniture import DATELINE_DEPTH, dateline

    assert dateline(["標題", "文／林小明", "2024年3月"]) == "2024年3月"
    assert dateline(["一段正文。"] * DATELINE_DEPTH + ["2024年3月"]) is None
