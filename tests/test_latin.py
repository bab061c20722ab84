"""Latin-script text in no language the chatbot reads (chat.latin): lorem ipsum, keyboard mashing,
French; English questions and the articles' own names are read."""

from __future__ import annotations

from dataclasses import replace

import pytest

from chat.abstain import DecisionModel
from chat.latin import arithmetic, as_chinese_figures, bare_numbers, code, unread_words, unwritten_name, wrapped
from chat.premise import premises
from index.stats import CorpusStats
from tests.chat_fakes import ANSWERED

KNOWN = {"resas", "maas", "revic", "giga"}


@pytest.mark.parametrize(
    "question, said",
    [
        ("Lorem ipsum dolor sit amet, consectetur adipiscing elit.", "lorem ipsum dolor"),
        ("lorem ipsum dolor sit amet 🙂🙂", "lorem ipsum dolor"),
        ("asdkjfh qwoeiru zxcmvn pqlw", "asdkjfh qwoeiru zxcmvn"),
        ("Quelle est la politique de revitalisation rurale en France ?", "quelle est la"),
    ],
)
def test_text_in_no_language_read_is_recognised(question, said):
    assert unread_words(question, KNOWN.__contains__) == said


@pytest.mark.parametrize(
    "question",
    [
        "what is RESAS",  # 2 of 3 words English
        "RESAS MaaS REVIC",  # the articles' own names
        "What's its English name?",
        "How did Japan use ICT for regional revitalization?",
        "lorem ipsum",  # two words say too little
        "RESAS是什麼 lorem ipsum dolor",  # not Latin-only
        "chiho sosei",
    ],
)
def test_english_names_and_short_or_mixed_text_are_read(question):
    assert unread_words(question, KNOWN.__contains__) == ""


def test_the_articles_names_count_only_when_the_index_has_them():
    assert unread_words("RESAS MaaS REVIC", lambda word: False) == "resas maas revic"


def test_premises_read_the_words_against_the_index_and_the_decision_says_why():
    stats = CorpusStats.from_token_lists([["resas", "地方"]])
    assert premises("lorem ipsum dolor sit amet", [], stats)["unread_words"] == "lorem ipsum dolor"
    assert premises("RESAS RESAS dolor", [], stats)["unread_words"] == ""
    verdict = DecisionModel.load().decide(replace(ANSWERED, unread_words="lorem ipsum dolor"))
    assert not verdict.found and "neither English nor the articles' (lorem ipsum dolor)" in verdict.reason
    assert "不是英文" in verdict.note


@pytest.mark.parametrize(
    "question, said",
    [
        ("1988 394 2018 846", "1988 394 2018 846"),
        ("1998　2003　2008 2013 2018", "1998 2003 2008 2013"),  # ideographic spaces; the first four
        ("2 / 14", "2 14"),  # a page number
        ("13.6%, 1,234  (846)", "13.6 1,234 846"),
        ("2024/05/06 13:45", "2024/05/06 13:45"),
    ],
)
def test_numbers_alone_are_recognised(question, said):
    assert bare_numbers(question) == said


@pytest.mark.parametrize(
    "question", ["2019", "100%", "1988年 394", "2018 846萬戶", "RESAS 2016 2020", "１９８８　３９４ですか", "", "？？"]
)
def test_one_number_or_any_word_is_a_question(question):
    assert bare_numbers(question) == ""


def test_premises_find_numbers_alone_and_the_decision_asks_for_words():
    stats = CorpusStats.from_token_lists([["1988", "394"]])
    assert premises("1988 394", ["1988｜394｜9.4"], stats)["bare_numbers"] == "1988 394"
    assert premises("1988年有多少空屋", ["1988｜394｜9.4"], stats)["bare_numbers"] == ""
    verdict = DecisionModel.load().decide(replace(ANSWERED, bare_numbers="1988 394"))
    assert not verdict.found and verdict.reason == (
        "not found: the question is numbers alone (1988 394), with no word saying what it asks"
    )
    assert "問題只有數字（1988 394）" in verdict.note


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("SELECT * FROM RESAS WHERE region = '北海道';", "SELECT * FROM RESAS"),
        ("  select name, year from grants", "select name, year from grants"),
        ("DROP TABLE passages;", "DROP TABLE passages"),
        ("<div>地方創生</div>", "<div>"),
        ("<script>alert(1)</script>", "<script>"),
        ('<a href="x">RESAS</a>是什麼', '<a href="x">'),
        ("{{ question }}", "{{ question }}"),
        ("${jndi:ldap://x}", "${jndi:ldap://x}"),
        ("https://www.soumu.go.jp/menu_seisaku/index.html", "https://www.soumu.go.jp/menu_seisaku/ind"),
        ("~/Desktop/GIGA_School_2020.xlsx", "~/Desktop/GIGA_School_2020.xlsx"),
        ("mailto:info@example.jp", "mailto:info@example.jp"),
        ("info@example.jp 謝謝", "info@example.jp"),  # an address and one word
        ("\\hline 北海道 & 東北 \\\\ \\hline", "\\hline"),
        ('{"name": "RESAS"}', '{"name":'),
        ("<!-- 地方創生 -->", "<!-- 地方創生 -->"),  # a comment: markup, whatever it holds
        ("/* 總務省 */", "/* 總務省 */"),
        ("SELECT pref, SUM(amount) AS total FROM grants", "SELECT pref, SUM(amount) AS total FROM g"),
        ("s/地方創生/regional revitalisation/g", "s/地方創生/regional revitalisation/g"),
    ],
)
def test_code_and_markup_are_recognised(question, said):
    assert code(question) == said


@pytest.mark.parametrize(
    "question",
    [
        "Why did the grant drop from 5 trillion yen to 3 trillion?",  # SQL words in prose
        "Which cities did they select from the list?",
        "人口<5萬人的市町村有哪些？",  # a less-than sign, not a tag
        "GIGA School ( Global Innovation Gateway for All ) 是什麼？",
        "How do I update the RESAS data?",
        "RESAS網站 https://resas.go.jp 可以查什麼？",  # an address in a question
        "地方創生/ICT/RESAS是什麼",  # slashes, not a path
        "TCP/IP是什麼",
        "2020/05/06 發生什麼事",
        "地方政府/*中央*有什麼不同",  # no closing */: not a comment
        "Select the DMOs from Japan?",
        "s/地方創生是什麼",  # a slash typed by mistake, no substitution
    ],
)
def test_prose_with_code_words_is_a_question(question):
    assert code(question) == ""


def test_premises_find_code_and_the_decision_says_it_is_no_question():
    stats = CorpusStats.from_token_lists([["resas"]])
    assert premises("SELECT * FROM RESAS;", ["RESAS"], stats)["code"] == "SELECT * FROM RESAS"
    verdict = DecisionModel.load().decide(replace(ANSWERED, code="SELECT * FROM RESAS"))
    assert not verdict.found and verdict.reason == (
        "not found: the question is code or markup (SELECT * FROM RESAS), not a question"
    )
    assert verdict.note == "這是程式碼或標記，不是問題。我只引用文章中的句子回答關於文章的問題。"


@pytest.mark.parametrize(
    ("question", "read"),
    [
        ("Why did the grant drop from 5 trillion yen to 3 trillion?", "Why did the grant drop from 5兆 yen to 3兆?"),
        ("about 1.5 billion yen", "about 15億 yen"),
        ("30 million people", "3000萬 people"),
        ("Is it 28.4 percent?", "Is it 28.4%?"),
        ("How are the 25 concepts grouped?", "How are the 25項概念 grouped?"),
        ("What are the three main goals?", "What are the 3大目標?"),
        ("What is the fourth goal?", "What is the 第4大目標?"),
        ("the 9th stage", "the 第9個階段"),
        ("Why were the 10 countermeasures chosen?", "Why were the 10項對策 chosen?"),
        ("The law was passed in 2012.", "The law was passed in 2012; 2012年通過;."),
        ("In 2016, the award was launched", "In 2016, the award was launched; 2016年開始;"),
    ],
)
def test_english_figures_are_read_as_the_articles_write_them(question, read):
    assert as_chinese_figures(question) == read


@pytest.mark.parametrize(
    "question",
    [
        "What is Regional Future Vision 20?",  # a name's number, no counted noun
        "What happened between 2012 and 2014?",  # years with no event
        "地方創生臨時交付金有 3 trillion 嗎",  # Chinese is read as it is
        "What measures did the ministry take in 2020?",  # no count of measures
        "What are the first two stages?",  # some of them, not how many
        "Which three goals matter most?",
    ],
)
def test_english_without_figures_or_with_chinese_is_unchanged(question):
    assert as_chinese_figures(question) == question


def test_premises_check_an_english_questions_figures_against_the_passages():
    stats = CorpusStats.from_token_lists([["地方"]])
    passages = [
        "補助的預算達到3兆日圓。",
        "這份政策資料整理成三大目標、20項未來區域治理上重要的概念。",
        "於2014年通過法律。",
    ]
    assert premises("Why did the grant drop from 5 trillion yen?", passages, stats)["absent_amount"] == "5兆"
    assert premises("Why was it 3 trillion yen?", passages, stats)["absent_amount"] == ""
    assert premises("How are the 25 concepts grouped?", passages[1:], stats)["count_conflict"].startswith("25")
    assert premises("How are the 20 concepts grouped?", passages[1:], stats)["count_conflict"] == ""
    assert premises("Why was the law passed in 2012?", passages[2:], stats)["contradicted_figure"] == "2012年"
    assert premises("Why was the law passed in 2014?", passages[2:], stats)["contradicted_figure"] == ""


@pytest.mark.parametrize(
    "question, term",
    [
        ("@@@ 總務省 ###", "總務省"),
        ("lol 地域未來構想 lol", "地域未來構想"),
        ("*** RESAS ***", "RESAS"),
        ("🤔 RESAS 🤔", "RESAS"),
        ("💴💴💴 交付金 💴💴💴", "交付金"),
        ("xxx GIGA xxx", "GIGA"),
        ("!!! 地方創生 !!!", "地方創生"),
        ("**RESAS**", "RESAS"),
        ("地方創生🔥🔥🔥", "地方創生"),  # two or more emoji on one side of a bare term
        ("RESAS 📊📈📉", "RESAS"),
        ("🏫💻 GIGA", "GIGA"),
        ("🚗➡️🚌➡️🚲 MaaS", "MaaS"),
    ],
)
def test_a_term_wrapped_in_noise_on_both_sides_is_recognised(question, term):
    assert wrapped(question, KNOWN.__contains__) == term


@pytest.mark.parametrize(
    "question",
    [
        "RESAS",
        "RESAS是什麼？",
        "「RESAS」？",  # brackets and a question mark are no noise
        "(RESAS)",
        "# 地方創生",  # one heading or list marker: a keyword search
        "- 地方創生",
        "地方創生 !!!",  # symbols on one side only
        "地方創生 😂",  # one emoji
        "RESAS是什麼？🤔🤔",  # a question, with emoji after it
        "🤔🤔 哪些縣市用了RESAS",
        "地方創生與數位轉型的關係很重要 👍👍",  # a sentence, not a bare term
        "2020 地方創生 2021",  # numbers are no noise
        "What is RESAS?",
        "what is GIGA school?",
        "RESAS MaaS GIGA",  # the articles' terms on both sides
    ],
)
def test_terms_without_noise_on_both_sides_are_not_wrapped(question):
    assert wrapped(question, KNOWN.__contains__) == ""


def test_premises_find_a_wrapped_term_and_the_decision_asks_for_a_question():
    stats = CorpusStats.from_token_lists([["resas"]])
    assert premises("*** RESAS ***", ["RESAS以地圖呈現資料。"], stats)["wrapped"] == "RESAS"
    assert premises("RESAS是什麼？", ["RESAS以地圖呈現資料。"], stats)["wrapped"] == ""
    verdict = DecisionModel.load().decide(replace(ANSWERED, wrapped="RESAS"))
    assert not verdict.found and verdict.reason == "not found: the question is a term wrapped in noise (RESAS)"
    assert "請用一句話問，例如「RESAS是什麼？」" in verdict.note


WRITTEN = {"resas", "jpqr", "giga", "school", "maas", "go", "campaign", "ict"}


def _written(word: str) -> bool:
    return any(word in token for token in WRITTEN)


@pytest.mark.parametrize(
    "question, name",
    [
        ("怎麼用Excel做樞紐分析表？", "Excel"),
        ("除了RESAS之外，文章提到的JESAS分析系統有什麼功能", "JESAS"),
        ("V-RESASとはどんなシステムですか？", "V-RESAS"),
        ("iPhone電池老化了要怎麼處理", "iPhone"),
    ],
)
def test_a_latin_name_no_article_writes_is_recognised(question, name):
    assert unwritten_name(question, _written) == name


@pytest.mark.parametrize(
    "question",
    [
        "RESAS是什麼？",
        "全国統一のQRコードの名称は何ですか？",  # QR is written, in JPQR
        "地方創生用SNS做什麼？",  # a short abbreviation translates what the articles say in Chinese
        "Go To Campaign是什麼？",  # "to" is a function word, the index leaves it out
        "那個app叫什麼",  # no capital: not a name
        "What is Excel used for in RESAS?",  # English questions are not read
        "GIGA School的目標是什麼？",
    ],
)
def test_names_the_articles_write_abbreviations_and_english_questions_are_not_reported(question):
    assert unwritten_name(question, _written) == ""


def test_premises_read_a_name_in_the_best_passages_without_their_spaces():
    stats = CorpusStats.from_token_lists([["mynapoi", "nt", "點數"]])
    passages = ["搭配經產省和總務省的「導入IT、MyNaPoi nt、無現金支付裝置補助」。"]
    assert premises("MyNaPoint是什麼？", passages, stats)["unwritten_name"] == ""
    assert premises("MyNaPoint是什麼？", ["無現金支付。"], stats)["unwritten_name"] == "MyNaPoint"
    verdict = DecisionModel.load().decide(replace(ANSWERED, unwritten_name="Excel"))
    assert not verdict.found and verdict.reason == "not found: no article writes the name Excel"


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("15的平方是多少", "15的平方"),  # a tester's: quoted 人口尺度別 15萬人以下 as 可能相關
        ("2的10次方是多少？", "10次方"),
        ("15乘以3是多少", "乘以3"),
        ("根號2是多少", "根號"),
        ("3+4等於多少？", "3+4"),
        ("12 × 7 = ?", "12 × 7"),
        ("What is 15 squared?", "squared"),
        # not sums: an area, a date, a range, a name the articles write, a sign beside other words
        ("神山町面積幾平方公里？", ""),
        ("2021/10/29發佈了什麼？", ""),
        ("2020-2021年的補助金", ""),
        ("COVID-19對地方的影響", ""),
        ("3+3方針是什麼？", ""),
        ("3+3方針的第一項", ""),
    ],
)
def test_a_sum_to_work_out_is_recognised(question, said):
    assert arithmetic(question, {"3+3"}.__contains__) == said


def test_premises_find_a_sum_and_the_decision_says_the_articles_do_none():
    stats = CorpusStats.from_token_lists([["15", "人口"]])
    assert premises("15的平方是多少", ["15萬人以下｜15"], stats)["arithmetic"] == "15的平方"
    assert premises("3+3是什麼？", ["3+3方針"], stats)["arithmetic"] == ""  # the passage writes it
    verdict = DecisionModel.load().decide(replace(ANSWERED, arithmetic="15的平方"))
    assert not verdict.found and "15的平方" in verdict.reason and "這是計算題（15的平方）" in verdict.note
