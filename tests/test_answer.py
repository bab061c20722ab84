"""Answer composition on hand-made passages (fake encoder, in-memory searcher)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chat.abstain import NOT_FOUND_LINE
from chat.answer import (
    MAX_QUESTION_CHARS,
    MESSAGE_EMPTY,
    MESSAGE_NO_ARTICLES,
    MESSAGE_NO_TEXT,
    MESSAGE_TRUNCATED,
    ScoredSentence,
    analyse_question,
    answer_question,
    clean_question,
    hit_sentences,
    run_to_sentence_end,
    split_sentences,
    unit_similarities,
)
from chat.evaluate import evaluate_answers, format_report
from index.records import Hit
from ingest.records import Passage
from tests.chat_fakes import ANSWERED, FAKE_DECISION, FakeSearcher, seed_articles


@pytest.fixture
def searcher() -> FakeSearcher:
    return FakeSearcher(seed_articles())


def ask(question: str, searcher: FakeSearcher):
    return answer_question(question, searcher, decision=FAKE_DECISION)


# --------------------------------------------------------------------------- sentences


def test_split_sentences_on_terminators_and_line_ends():
    text = "第一句。第二句！第三句？第四句；第五句;\n第六句\n\n「第七句。」第八句"
    assert split_sentences(text) == [
        "第一句。",
        "第二句！",
        "第三句？",
        "第四句；",
        "第五句;",
        "第六句",
        "「第七句。」",
        "第八句",
    ]


def test_split_sentences_keeps_halfwidth_commas_and_numbers():
    text = "補助的預算在2020年達3兆日圓、2021年為1.5兆日圓(原先為一年1千億日圓),讓地方提案。"
    assert split_sentences(text) == [text]


def test_split_sentences_drops_punctuation_only_pieces():
    assert split_sentences("  。。！\n ... \n") == []


@given(st.text(alphabet=st.sampled_from(list("地方創生ab1 。！？；!?;\n」,、")), max_size=80))
@settings(max_examples=200, deadline=None)
def test_sentences_are_verbatim_stripped_slices(text):
    for sentence in split_sentences(text):
        assert sentence in text
        assert sentence == sentence.strip()


# --------------------------------------------------------------------------- answers


def test_answer_quotes_the_sentence_that_answers(searcher):
    answer = ask("2012年有多少地方政府正著手推動相關政策？", searcher)
    assert answer.found
    assert "2.3%" in answer.quotes[0].text


def test_quotes_are_verbatim_and_cite_their_passage(searcher):
    answer = ask("日本宣導的3密是什麼？", searcher)
    assert answer.found and 1 <= len(answer.quotes) <= 3
    for quote in answer.quotes:
        hit = answer.hits[quote.citation.n - 1]
        assert quote.citation.passage_id == hit.passage.id
        assert quote.text in hit.passage.text
        assert quote.citation.paragraph == hit.passage.paragraph


def test_simplified_question_is_answered_in_the_original_script(searcher):
    answer = ask("学生都能有一人一台什么？", searcher)
    assert answer.found
    assert "一人一台電腦裝置" in answer.quotes[0].text  # Traditional, as in the article


def test_citations_are_numbered_in_the_order_quotes_are_shown(searcher):
    answer = ask("地方財政嚴峻", searcher)
    assert answer.found
    numbers = [q.citation.n for q in answer.quotes]
    assert numbers[0] == 1
    assert numbers == sorted(numbers)  # [1] before [2]
    assert sorted({q.citation.n for q in answer.quotes}) == list(range(1, len(set(numbers)) + 1))
    assert sorted(h.rank for h in answer.hits) == list(range(1, len(answer.hits) + 1))


def test_off_corpus_question_is_not_found(searcher):
    answer = ask("紅燒牛肉麵的食譜怎麼做？", searcher)
    assert not answer.found
    assert answer.message == NOT_FOUND_LINE
    assert answer.quotes == ()
    assert answer.hits  # the nearest passages are still shown


def test_a_year_no_article_mentions_is_not_found_and_the_answer_says_so(searcher):
    answer = ask("補助的預算在2022年是多少？", searcher)
    assert not answer.found and answer.message == NOT_FOUND_LINE + " 文章中沒有提到2022年。"
    assert ask("補助的預算在2021年是多少？", searcher).found  # a year the articles mention


def test_a_country_the_passages_do_not_name_is_not_found_and_the_answer_says_so(searcher):
    answer = ask("韓國的GIGA School一人一台電腦裝置是什麼？", searcher)
    assert not answer.found and answer.quotes == ()
    assert answer.message == NOT_FOUND_LINE + " 最接近的段落都沒有提到「韓國」。"
    assert answer.reason == "not found: the best passages do not mention 韓國"
    assert ask("GIGA School一人一台電腦裝置是什麼？", searcher).found  # the same question without it
    # the model found it likely; the answer shows a confidence below the not-found threshold
    verdict = analyse_question("韓國的GIGA School一人一台電腦裝置是什麼？", searcher, decision=FAKE_DECISION).decision
    assert verdict is not None and verdict.confidence >= FAKE_DECISION.maybe_at
    assert answer.confidence is not None and answer.confidence < FAKE_DECISION.maybe_at


def test_a_town_the_passages_do_not_name_is_not_found_and_the_answer_says_so(searcher):
    answer = ask("上勝町的GIGA School一人一台電腦裝置是什麼？", searcher)
    assert not answer.found and answer.message == NOT_FOUND_LINE + " 最接近的段落都沒有提到「上勝町」。"


def test_answer_carries_question_terms(searcher):
    answer = ask("3密是什麼？", searcher)
    assert "3密" in answer.terms or "密" in "".join(answer.terms)


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "question, message",
    [
        ("", MESSAGE_EMPTY),
        ("   \n\t ", MESSAGE_EMPTY),
        ("？！。，,.!?", MESSAGE_NO_TEXT),
        ("\x00\x07\x1b", MESSAGE_EMPTY),
        (None, MESSAGE_EMPTY),
    ],
)
def test_bad_input_gets_a_fixed_message(searcher, question, message):
    answer = ask(question, searcher)
    assert not answer.found and answer.quotes == () and answer.hits == ()
    assert answer.message == message


def test_control_characters_are_removed(searcher):
    assert clean_question("3密\x00是\u200b什麼\x07？") == "3密 是什麼 ？"
    assert clean_question("RE\u200bSAS的\ufeff全名\u00ad是什麼") == "RESAS的全名是什麼"
    assert clean_question("RESAS\x1b[31m的全名\x1b[0m是什麼？") == "RESAS的全名是什麼？"
    answer = ask("日本宣導\x00的3密\x1b是什麼？", searcher)
    assert answer.found


def test_very_long_question_is_truncated_for_search(searcher):
    calls = []

    class Spy(FakeSearcher):
        def search(self, query, top_k=5):
            calls.append(query)
            return super().search(query, top_k)

    spy = Spy(seed_articles())
    question = "3密是什麼？" + "地" * 10_000
    answer = answer_question(question, spy, decision=FAKE_DECISION)
    assert len(calls[0]) == MAX_QUESTION_CHARS
    assert answer.message.startswith(MESSAGE_TRUNCATED)  # said whether found or not


def test_empty_index_gets_a_message():
    answer = ask("3密是什麼？", FakeSearcher([]))
    assert not answer.found and answer.message == MESSAGE_NO_ARTICLES


@given(st.text(max_size=60))
@settings(max_examples=60, deadline=None)
def test_any_text_gives_an_answer_never_an_exception(text):
    answer = answer_question(text, FakeSearcher(seed_articles()), decision=FAKE_DECISION)
    assert answer.found in (True, False)
    assert answer.found or not answer.quotes
    assert answer.found or answer.message


# --------------------------------------------------------------------------- caching and evaluation


def test_answering_encodes_only_the_question_never_a_sentence(searcher):
    """Sentence vectors come from the index (stored at build time); the question is encoded once."""
    before = searcher.encoder.calls
    answer = ask("地方財政嚴峻不易投資的原因？", searcher)
    assert answer.hits and searcher.encoder.calls - before == 1
    before = searcher.encoder.calls
    ask("3密是什麼？", searcher)
    assert searcher.encoder.calls - before == 1


def test_sentence_similarities_use_the_stored_vectors(searcher):
    hits = searcher.search("總務省補助", top_k=2)
    sentences = hit_sentences(hits)
    sims = unit_similarities("總務省補助", sentences, hits, searcher)
    query = searcher.query_vector("總務省補助")
    for sentence, sim in zip(sentences, sims):
        stored = searcher.sentence_vectors(hits[sentence.hit].passage.id)
        best = max(float(stored.vectors[k] @ query) for k in sentence.parts)  # a heading unit: its best part
        assert sim == pytest.approx(best, abs=1e-6)


def test_analysis_exposes_signals_and_reason(searcher):
    analysis = analyse_question("紅燒牛肉麵的食譜怎麼做？", searcher, decision=FAKE_DECISION)
    assert analysis.signals is not None and analysis.reason


def test_evaluate_answers_reports_rates(searcher):
    questions = [
        {"id": "x1", "q": "2012年有多少地方政府正著手推動相關政策？", "gold": ["2.3%"], "kind": "number"},
        {"id": "x2", "q": "紅燒牛肉麵的食譜怎麼做？", "gold": [], "kind": "recipe"},
    ]
    report = evaluate_answers(searcher, questions, decision=FAKE_DECISION)
    assert report["answerable"] == 1 and report["unanswerable"] == 1
    assert report["first_sentence_gold_rate"] == 1.0
    assert report["answered_rate"] == 1.0
    assert report["abstain_rate"] == 1.0
    assert [r["id"] for r in report["misses"]] == []
    text = format_report(report)
    assert "first answer sentence contains a gold string: 100.0% (95% interval 20.7%–100.0%)" in text


def test_wilson_intervals_of_rates_known_answers():
    from chat.evaluate import interval

    assert interval(8, 10) == pytest.approx((0.4902, 0.9433), abs=1e-4)
    assert interval(0, 5) == pytest.approx((0.0, 0.4345), abs=1e-4)
    assert interval(3, 0) is None


# --------------------------------------------------------------------------- sentence features


def test_lead_in_sentences_are_recognised():
    from chat.answer import is_lead_in

    assert is_lead_in("首先地方的公部門該如何檢視需不需要利用IT資源呢？")
    assert is_lead_in("6.善用區域的再生能源、建構強韌且脫碳化的分散型電源:")
    assert is_lead_in("「這是問題嗎？」")
    assert not is_lead_in("地域未來構想二:確立新的生活型態")
    assert not is_lead_in("有三項方針分別是：要理解地方魅力。")


def test_sentence_after_a_question_is_marked_even_across_passages():
    from chat.answer import hit_sentences, previous_sentence
    from index.records import Hit
    from ingest.records import Passage

    def p(pid, start, text, paragraph):
        return Passage(
            id=pid, doc_id="d", title="t", paragraph=paragraph, page=None, start=start, end=start + len(text), text=text
        )

    q = p("q", 0, "前言。國家能提供什麼支援呢？", 1)
    a = p("a", q.end + 2, "首先是導入相關資源。其次是永續。", 2)
    hits = [Hit(a, 1.0, 1), Hit(q, 0.5, 2)]
    sentences = hit_sentences(hits)
    first_of_a = next(s for s in sentences if s.text == "首先是導入相關資源。")
    second_of_a = next(s for s in sentences if s.text == "其次是永續。")
    assert previous_sentence(first_of_a, sentences, hits).text == "國家能提供什麼支援呢？"
    assert previous_sentence(second_of_a, sentences, hits).text == "首先是導入相關資源。"
    assert previous_sentence(next(s for s in sentences if s.text == "前言。"), sentences, hits) is None


def _features(**change):
    from chat.answer import SentenceFeatures
    from chat.terms import Asks

    base = dict(
        lexical=0.5,
        passage_lexical=0.6,
        dense=0.89,
        best_dense=0.89,
        rank=1,
        lead_in=False,
        follows_question=False,
        heading=False,
        has_number=False,
        enumeration=0,
        parenthesis=False,
        chars=20,
        asks=Asks(False, False, False),
    )
    return SentenceFeatures(**{**base, **change})


def test_the_fitted_ranker_orders_by_its_coefficients():
    from chat.abstain import LinearModel
    from chat.answer import Sentence, rank_sentences

    model = LinearModel(("lexical", "lead_in"), (0.0, 0.0), (1.0, 1.0), (1.0, -5.0), 0.0)
    heading = Sentence("6.建構脫碳化的分散型電源:", 0, 0)
    statement = Sentence("建構分散型能源系統成了重要的事業模式。", 0, 1)
    ranked = rank_sentences([heading, statement], [_features(lexical=0.6, lead_in=True), _features()], model)
    assert ranked[0].sentence is statement
    assert ranked[0].score == pytest.approx(0.5)


def test_a_heading_is_quoted_with_the_sentence_under_it():
    from chat.answer import quote_units

    text = "地域未來構想二:確立新的生活型態\n\n當新型態社會的軟硬體建設備足。再來是教育。"
    units = [text[u.start : u.end] for u in quote_units(text)]
    assert units[0] == "地域未來構想二:確立新的生活型態\n\n當新型態社會的軟硬體建設備足。"
    assert units[1] == "再來是教育。"
    assert quote_units("作者 謝子涵 為政治工作者")[0].heading is False  # nothing under it: quoted alone


def test_a_table_row_is_quoted_whole():
    from chat.answer import quote_units

    row = "財政 ｜ 事業能持續營運。(確保預算?) ｜ 有必要讓地方也能導入"
    assert [row[u.start : u.end] for u in quote_units(row)] == [row]


def test_a_table_header_row_is_quoted_with_the_row_under_it():
    from chat.answer import quote_units

    header, first = "具體 ｜ 確保持續性 ｜ 推廣優良模式", "人 ｜ 關鍵人物。(不在的話?) ｜ 在地人士?"
    table = f"{header}\n\n{first}\n\n財政 ｜ 持續營運。 ｜ 低成本"
    units = [table[u.start : u.end] for u in quote_units(table)]
    assert units == [f"{header}\n\n{first}", "財政 ｜ 持續營運。 ｜ 低成本"]
    captioned = f"區域ICT活用推廣支援課題\n\n{header}\n\n{first}"  # a caption leads the header and the row
    assert [captioned[u.start : u.end] for u in quote_units(captioned)] == [captioned]
    assert quote_units(captioned)[0].heading
    alone = f"說明。\n\n{header}"  # no row under it: the header is a row like any other
    assert [alone[u.start : u.end] for u in quote_units(alone)] == ["說明。", header]
    body = f"{first}\n\n財政 ｜ 持續營運。 ｜ 低成本"  # rows with sentences in their cells are not headers
    assert [body[u.start : u.end] for u in quote_units(body)] == [first, "財政 ｜ 持續營運。 ｜ 低成本"]


def test_question_asks_reads_the_wording():
    from chat.terms import question_asks

    assert question_asks("2021年的補助金是多少？").number
    assert question_asks("案例依導入團體分成哪幾類？").listing
    assert question_asks("RESAS的全名是什麼？").definition
    assert question_asks("How many concepts are there?").number
    assert not question_asks("誰推動了這個計畫").number


def test_footnote_marks_stay_with_their_sentence():
    assert split_sentences("成長戰略。[1]同時也有政策。[2]") == ["成長戰略。[1]", "同時也有政策。[2]"]


def test_a_question_heading_is_quoted_with_the_sentence_that_answers_it():
    from chat.answer import quote_units

    text = "國家能提供什麼支援方針呢？\n\n首先是導入資源。其次是支援。"
    units = [text[u.start : u.end] for u in quote_units(text)]
    assert units == ["國家能提供什麼支援方針呢？\n\n首先是導入資源。", "其次是支援。"]
    inline = "原因是什麼呢？約有七成認為財政嚴峻。再來是人才。"  # asked and answered on one line: quoted together
    assert [inline[u.start : u.end] for u in quote_units(inline)] == [
        "原因是什麼呢？約有七成認為財政嚴峻。",
        "再來是人才。",
    ]
    last = "財政嚴峻。原因是什麼呢？"  # nothing after it: quoted alone
    assert [last[u.start : u.end] for u in quote_units(last)] == ["財政嚴峻。", "原因是什麼呢？"]


def test_sentence_features_measure_lexical_share_against_the_best_candidate_and_position():
    import numpy as np

    from chat.answer import SENTENCE_FEATURES, Sentence, sentence_features
    from chat.terms import Asks
    from index.records import Hit
    from index.stats import CorpusStats
    from tests.chat_fakes import article_passages, make_article

    passage = article_passages(make_article("a", "標題", ["RESAS以地圖呈現資料。地方可以分析。"]))[0]
    hit = Hit(passage=passage, score=1.0, rank=1)
    sentences = [Sentence("RESAS以地圖呈現資料。", 0, 0), Sentence("地方可以分析。", 0, 1)]
    stats = CorpusStats.from_token_lists([["resas", "呈现", "地圖", "地方", "分析"]])
    # question terms come folded (Simplified), as chat.terms.question_terms gives them
    features = sentence_features(
        ["resas", "呈现"], sentences, [hit], np.array([0.9, 0.8]), stats, Asks(False, False, False)
    )
    values = {name: [SENTENCE_FEATURES[name](f) for f in features] for name in ("lexical_rel", "first_in_passage")}
    assert values["lexical_rel"] == [0.0, -1.0]  # the best candidate holds every term, the other none
    assert values["first_in_passage"] == [1.0, 0.0]


def test_under_a_heading_the_rest_of_the_question_picks_the_sentence():
    from chat.answer import Sentence, body_shares
    from index.stats import CorpusStats

    # the heading holds 商品券; the question's other term, 旅游, is in the last sentence only
    sentences = [
        Sentence("19.發行商品券:\n\n商家要零接觸。", 0, 0, heading=True),
        Sentence("結合政府的旅遊振興活動。", 0, 1),
        Sentence("商品券與旅遊券。", 1, 0),  # another passage, no heading: its plain share
    ]
    stats = CorpusStats.from_token_lists([["商品券", "旅游"], ["零接触"]])
    shares = body_shares(["商品券", "旅游"], sentences, stats)
    assert shares[0] == 0.0 and shares[1] == 1.0 and shares[2] == 1.0
    # a question the heading holds whole: every unit keeps its plain lexical share
    assert body_shares(["商品券"], sentences, stats) == [1.0, 0.0, 1.0]


def test_ordinals_are_not_content_terms():
    from chat.terms import is_frame, question_terms

    terms = question_terms("第二個地域未來構想的重點是什麼？")
    assert "地域未来构想" in terms and not any(t.startswith("第二") or t == "二个" for t in terms)
    assert all(is_frame(t) for t in ("第二", "第二个", "第14项", "二个", "6项"))
    assert not any(is_frame(t) for t in ("二氧化碳", "2020", "3密", "第三方"))
    # 第二支箭: jieba cuts 第二支 / 二支, neither a term (a tester's 那第二支箭呢？ after 三支箭是什麼？ was
    # refused as on another subject); 三支 of 三支箭 stays one
    assert question_terms("三支箭 那第二支箭呢？") == ("三支",)
    assert question_terms("第二種類型是什麼？") == ("类型",)


def test_when_and_which_phrases_are_not_content_terms():
    from chat.terms import question_terms

    # jieba splits 哪一年 into 哪 / 一年 and 什麼時候 into 什麼 / 時候: neither names the subject
    assert question_terms("地域情報化大賞是哪一年開始的？") == ("地域", "情报", "地域情报化大赏", "开始")
    assert question_terms("GIGA School什麼時候開始？") == ("giga", "school", "开始")
    assert "一年" in question_terms("每一年補助多少")  # not a "which" question: 一年 stays a term


def test_words_that_point_or_connect_are_not_content_terms():
    from chat.terms import question_terms

    # 還是, 這個, 除了…之外, 文章提到 frame a question; counted as known words they let an
    # off-topic question (番茄炒蛋…還是…) look a quarter covered
    assert question_terms("番茄炒蛋要先炒蛋還是先炒番茄？") == ("番茄", "炒蛋")
    assert question_terms("文章提到這個補助金，除了財政之外還有什麼？") == ("补助", "补助金", "财政")


def test_a_character_typed_over_and_over_is_refused_before_searching():
    from chat.answer import MESSAGE_REPEATED, is_repetition, prepare_question

    assert prepare_question("哈哈哈哈哈哈哈哈") == MESSAGE_REPEATED
    assert is_repetition("AaAaAa!!") and is_repetition("1212 1212")
    assert not is_repetition("哈哈哈")  # too short to tell
    assert not is_repetition("RESAS是什麼") and not is_repetition("3密")
    # a phrase three times or more, the last one cut short or not
    assert is_repetition("lorem ipsum dolor sit amet " * 4 + "lorem ips")
    assert is_repetition("測試一下測試一下測試一下") and is_repetition("test test test")
    assert not is_repetition("測試一下測試一下")  # twice: could be meant
    assert not is_repetition("地方創生，地方創生的目標是什麼？")  # a repeated word inside a question
    assert not is_repetition("abc" * 900 + "這之後才是問題")  # repeats for a while, then says something


def test_a_table_row_with_the_quoted_label_is_marked_for_the_ranker():
    import numpy as np

    from chat.answer import SENTENCE_FEATURES, Sentence, sentence_features
    from chat.terms import question_asks
    from index.records import Hit
    from index.stats import CorpusStats
    from tests.chat_fakes import article_passages, make_article

    text = "財政 ｜ 事業能持續營運 ｜ 降低成本\n\n物品 ｜ 系統持續優化 ｜ 橫向交流"
    hit = Hit(passage=article_passages(make_article("a", "標題", [text]))[0], score=1.0, rank=1)
    rows = [Sentence("財政 ｜ 事業能持續營運 ｜ 降低成本", 0, 0), Sentence("物品 ｜ 系統持續優化 ｜ 橫向交流", 0, 1)]
    asks = question_asks("表格里“物品”一栏写了什么？")
    assert asks.labels == ("物品",)
    features = sentence_features([], rows, [hit], np.array([0.9, 0.9]), CorpusStats.from_token_lists([[]]), asks)
    assert [SENTENCE_FEATURES["labelled_row"](f) for f in features] == [0.0, 1.0]


def test_a_line_whose_label_the_question_names_whole_is_marked_for_the_ranker():
    import numpy as np

    from chat.answer import SENTENCE_FEATURES, Sentence, sentence_features
    from chat.terms import question_asks
    from index.records import Hit
    from index.stats import CorpusStats
    from tests.chat_fakes import article_passages, make_article

    lines = ["條件不利區域別：過疏、偏遠地區、離島", "區域別：北海道、東北、關東", "總務省在2014年舉辦大賞。"]
    hit = Hit(passage=article_passages(make_article("a", "標題", ["\n\n".join(lines)]))[0], score=1.0, rank=1)
    units = [Sentence(line, 0, n) for n, line in enumerate(lines)]
    stats = CorpusStats.from_token_lists([[]])

    def named(question: str, also: tuple[str, ...] = ()) -> list[float]:
        features = sentence_features([], units, [hit], np.full(3, 0.9), stats, question_asks(question), also)
        return [SENTENCE_FEATURES["label_named"](f) for f in features]

    assert named("区域别包括哪些地区") == [0.0, 1.0, 0.0]  # Simplified meets Traditional; 條件不利區域別 is not named
    assert named("條件不利區域別有哪些？") == [1.0, 1.0, 0.0]
    assert named("案例分成哪些地區？") == [0.0, 0.0, 0.0]
    # an expansion that is a label without its 別 names it ("Which regions…" → 区域), not a longer label holding it
    assert named("Which regions are used to classify the cases?", ("案例", "区域", "地区")) == [0.0, 1.0, 0.0]
    assert named("Which regions are used to classify the cases?") == [0.0, 0.0, 0.0]


def test_a_gloss_counts_only_when_it_belongs_to_a_question_term():
    from chat.answer import glosses_term
    from chat.terms import folded

    assert glosses_term(["教育科技"], folded("以及補助導入教育科技(EdTech)的經費"))  # the term, then its gloss
    assert glosses_term(["maas"], folded("例如導入交通行動服務(Mobility as a Service, MaaS)"))  # inside it
    assert not glosses_term(["教育科技"], folded("加速GIGA School ( Global Innovation Gateway for All )"))
    assert not glosses_term(["教育科技"], folded("補助導入教育科技的經費"))  # no gloss at all


def test_the_gloss_feature_fires_only_for_a_definition_question():
    import numpy as np

    from chat.answer import SENTENCE_FEATURES, Sentence, sentence_features
    from chat.terms import question_asks
    from index.records import Hit
    from index.stats import CorpusStats
    from tests.chat_fakes import article_passages, make_article

    text = "補助導入教育科技(EdTech)的經費。教育科技很重要。"
    hit = Hit(passage=article_passages(make_article("a", "標題", [text]))[0], score=1.0, rank=1)
    sentences = [Sentence("補助導入教育科技(EdTech)的經費。", 0, 0), Sentence("教育科技很重要。", 0, 1)]
    stats = CorpusStats.from_token_lists([["教育", "科技", "经费"]])
    sims = np.array([0.5, 0.5])

    def gloss(question: str) -> list[float]:
        features = sentence_features(["教育科技"], sentences, [hit], sims, stats, question_asks(question))
        return [SENTENCE_FEATURES["gloss_asked"](f) for f in features]

    assert gloss("教育科技的英文是什麼？") == [1.0, 0.0]
    assert gloss("教育科技補助多少經費？") == [0.0, 0.0]  # not a definition question


def test_ranking_terms_add_the_expansions_once_after_the_question_terms():
    from chat.answer import ranking_terms

    assert ranking_terms(("职业", "作者"), [["工作"], ["作者", "写作"]]) == ("职业", "作者", "工作", "写作")
    assert ranking_terms(("职业",), []) == ("职业",)


def test_an_expansion_counts_for_the_ranker_but_not_for_the_found_decision():
    from chat.answer import measure, prepare_question
    from tests.chat_fakes import FakeSearcher, make_article

    article = make_article("a", "作者", ["作者謝子涵為政治工作者。", "本文介紹地方創生的政策。"])
    question = "撰寫的人從事什麼職業？"
    prepared = prepare_question(question)
    assert not isinstance(prepared, str)
    plain = FakeSearcher([article])
    expanded = FakeSearcher([article])
    expanded.expansions = {question: [["工作"]]}  # 職業 -> 工作, as the thesaurus gives it
    before, after = measure(prepared, plain, top_k=5), measure(prepared, expanded, top_k=5)
    assert before is not None and after is not None

    def lexical(measured) -> dict[str, float]:
        return {s.text: f.lexical for s, f in zip(measured.sentences, measured.features)}

    assert lexical(after)["作者謝子涵為政治工作者。"] > lexical(before)["作者謝子涵為政治工作者。"]
    assert lexical(after)["本文介紹地方創生的政策。"] == lexical(before)["本文介紹地方創生的政策。"]
    assert after.signals == before.signals and after.terms == before.terms


def test_an_uncertain_answer_to_a_shortened_question_keeps_both_notices(searcher):
    from dataclasses import replace as with_

    from chat.abstain import MAYBE_LINE
    from chat.config import MAX_QUESTION_CHARS

    everything_uncertain = with_(FAKE_DECISION, found_at=1.0, maybe_at=0.0)
    # long, but no phrase said over and over (that is refused: is_repetition)
    notes = "".join(f"第{i}點補充說明。" for i in range(MAX_QUESTION_CHARS))
    question = "2012年有多少地方政府正著手推動相關政策？" + notes
    answer = answer_question(question, searcher, decision=everything_uncertain)
    assert answer.found and answer.uncertain
    assert answer.message.startswith(f"問題太長，只用前 {MAX_QUESTION_CHARS} 個字搜尋。")
    assert answer.message.endswith(MAYBE_LINE)


def test_a_sentence_about_another_year_than_the_asked_one_is_marked():
    from chat.terms import other_year, question_asks

    asks = question_asks("到2014年，地方政府推動ICT政策的執行程度到多少？")
    assert asks.years == ("2014",)
    assert other_year(asks.years, "2012年時有將近28.4%的日本地方政府對於科技導入是不關心的。")
    assert not other_year(asks.years, "到了2014年則進展到5.9%的執行程度。")
    assert not other_year(asks.years, "2012年有28.4%，到了2014年則進展到5.9%。")  # names the asked one too
    assert not other_year(asks.years, "執行程度仍然偏低。")  # no year: nothing said about time
    assert not other_year(question_asks("執行程度到多少？").years, "2012年時有將近28.4%。")  # none asked
    assert question_asks("２０１４年呢？").years == ("2014",)  # full-width digits
    assert question_asks("第14項構想是什麼？").years == ()


def test_the_ranker_puts_the_asked_year_first_and_the_fitted_one_learned_to():
    from chat.abstain import DecisionModel, LinearModel
    from chat.answer import Sentence, rank_sentences

    model = LinearModel(("lexical", "other_year"), (0.0, 0.0), (1.0, 1.0), (1.0, -1.0), 0.0)
    earlier = Sentence("2012年時有2.3%的地方政府正著手推動相關政策。", 0, 0)
    asked = Sentence("到了2014年則進展到5.9%的執行程度。", 0, 1)
    features = [_features(lexical=0.8, other_year=True), _features(lexical=0.4)]
    assert rank_sentences([earlier, asked], features, model)[0].sentence is asked
    fitted = DecisionModel.load().sentence
    assert fitted.coef[fitted.features.index("other_year")] < 0  # python -m chat.fit_decision learned it


def test_a_sentence_without_the_kind_of_answer_asked_is_marked_and_the_fitted_ranker_learned_it():
    from chat.abstain import DecisionModel, LinearModel
    from chat.answer import Sentence, rank_sentences
    from chat.terms import carries_answer_type, question_asks

    asks = question_asks("約有多少比例的地方政府認為財政嚴峻？")
    said = "約有七成的地方政府認為地方財政嚴峻不易投資。"
    restated = "原因是為什麼呢？地方政府認為地方財政嚴峻。"  # more of the question's words, no share
    assert carries_answer_type(asks, said) and not carries_answer_type(asks, restated)
    assert carries_answer_type(question_asks("地方創生是什麼？"), restated)  # nothing typed asked: not missing
    model = LinearModel(("lexical", "type_missing"), (0.0, 0.0), (1.0, 1.0), (1.0, -1.0), 0.0)
    features = [_features(lexical=0.9, carries_type=False), _features(lexical=0.6)]
    ranked = rank_sentences([Sentence(restated, 0, 0), Sentence(said, 0, 1)], features, model)
    assert ranked[0].sentence.text == said
    fitted = DecisionModel.load().sentence
    assert fitted.coef[fitted.features.index("type_missing")] < 0  # python -m chat.fit_decision learned it


def test_a_lead_in_on_top_hands_over_to_what_it_introduces():
    from chat.answer import ScoredSentence, Sentence, hand_over_lead_in
    from index.records import Hit
    from ingest.records import Passage

    def p(pid, text, paragraph, start=0):
        return Passage(
            id=pid, doc_id="d", title="t", paragraph=paragraph, page=None, start=start, end=start + len(text), text=text
        )

    # led by its section heading (paragraph 56), the lead-in's passage numbers its paragraph by the
    # heading's; what follows is the passage starting right after it (paragraphs are joined by a blank line)
    lead = p("a", "17.活用新技術:\n\n國土交通省要投入無人機自駕配送的實證試驗。相關的案例有:", 56)
    listing = p("b", "地域的貨客混載配送實證、無人機、飛天車等新技術開發。", 58, lead.end + 2)
    hits = [Hit(lead, 1.0, 1), Hit(listing, 0.5, 2)]

    def scored(*pairs):
        return [ScoredSentence(Sentence(text, hit, order), score, 0.0, 0.0) for text, hit, order, score in pairs]

    ranked = scored(
        ("相關的案例有:", 0, 1, 2.0),
        ("國土交通省要投入無人機自駕配送的實證試驗。", 0, 0, -8.0),
        ("地域的貨客混載配送實證、無人機、飛天車等新技術開發。", 1, 0, -10.0),
    )
    handed = hand_over_lead_in(ranked, hits)
    assert [c.sentence.text for c in handed][:2] == [
        "地域的貨客混載配送實證、無人機、飛天車等新技術開發。",
        "國土交通省要投入無人機自駕配送的實證試驗。",
    ]
    assert handed[0].score == 2.0 and handed[-1].sentence.text == "相關的案例有:"
    # what follows is not among the candidates, or the top unit states something: unchanged
    assert hand_over_lead_in(ranked[:2], hits) == tuple(ranked[:2])
    stating = scored(("國土交通省要投入無人機自駕配送的實證試驗。", 0, 0, 1.0), ("相關的案例有:", 0, 1, 0.0))
    assert hand_over_lead_in(stating, hits) == tuple(stating)
    # a paragraph two further on does not continue it
    far = [Hit(lead, 1.0, 1), Hit(p("c", "別的段落。", 60, listing.end + 2), 0.5, 2)]
    apart = scored(("相關的案例有:", 0, 1, 2.0), ("別的段落。", 1, 0, -1.0))
    assert hand_over_lead_in(apart, far) == tuple(apart)


def _units(*rows):
    """ScoredSentence rows of (text, hit, order, score)."""
    from chat.answer import ScoredSentence, Sentence

    return [ScoredSentence(Sentence(text, hit, order), score, 0.0, 0.0) for text, hit, order, score in rows]


def test_a_question_on_top_gives_way_to_a_stating_unit_of_its_passage():
    from chat.answer import question_gives_way

    scored = _units
    asks = "5.因應疫情建構新的災害應對型態:\n\n當疫情來臨時,災民要到哪避難?"
    other = "為單親家庭、單身高齡者創造新的連結。"
    says = "再來是建構新的避難生活,像是要運用飯店、旅館等民間設施。"
    also_asks = "地方政府又是如何確保有足夠的避難場所？"
    ranked = scored((asks, 0, 0, 3.0), (other, 1, 0, 2.5), (also_asks, 0, 1, 2.0), (says, 0, 3, 1.0))
    moved = question_gives_way(ranked)
    assert [c.sentence.text for c in moved] == [says, other, also_asks, asks]
    assert [c.score for c in moved] == [3.0, 2.5, 2.0, 1.0]
    # a stating unit on top, or only questions (or other passages) to give way to: unchanged
    assert question_gives_way(ranked[1:]) == tuple(ranked[1:])
    assert question_gives_way(ranked[:3]) == tuple(ranked[:3])
    # a question answered in the same unit ends stating: unchanged
    paired = scored(("災民要到哪避難?運用飯店、旅館等民間設施。", 0, 0, 3.0), (says, 0, 1, 1.0))
    assert question_gives_way(paired) == tuple(paired)


def test_a_figure_asked_for_a_year_its_quoted_passage_does_not_state_is_not_found():
    from chat.abstain import Decision
    from chat.answer import ScoredSentence, Sentence, year_verdict
    from ingest.records import Passage

    def hit(text, context=""):
        passage = Passage(
            id="a", doc_id="d", title="t", paragraph=1, page=None, start=0, end=len(text), text=text, context=context
        )
        return Hit(passage, 1.0, 1)

    undated = hit("約有七成的地方政府認為地方財政嚴峻不易投資。")
    dated = hit("2012年時有將近28.4%的日本地方政府不關心，到了2014年則進展到5.9%。")
    top = [ScoredSentence(Sentence("約有七成的地方政府認為地方財政嚴峻不易投資。", 0, 0), 1.0, 0.0, 0.0)]
    found = Decision(True, False, 0.78, "found: …")
    refused = year_verdict("2020年有多少比例地方政府不關心科技導入？", top, [undated], found)
    assert (refused.found, refused.reason, refused.note) == (
        False,
        "not found: the quoted passage does not state 2020",
        "文章裡與問題最相關的數字沒有註明是2020年的。",
    )
    assert year_verdict("2020年有多少比例地方政府不關心科技導入？", top, [dated], found).found is False
    assert year_verdict("2012年有多少比例地方政府不關心科技導入？", top, [dated], found) is found  # stated
    assert year_verdict("有多少比例地方政府不關心科技導入？", top, [undated], found) is found  # no year asked
    assert year_verdict("2020年地方政府為何不關心科技導入？", top, [undated], found) is found  # no figure asked
    assert year_verdict("2014年通過的法律是哪一年實施的？", top, [undated], found) is found  # asks when
    assert year_verdict("2020年有多少比例？", top, [hit("約有七成。", "2020年的調查")], found) is found  # a heading
    not_found = Decision(False, False, 0.1, "not found: …")
    assert year_verdict("2020年有多少比例？", top, [undated], not_found) is not_found


def test_a_how_question_quotes_the_examples_after_the_sentence_naming_its_subject():
    from chat.answer import examples_follow

    scored = _units
    names = "自治體首先要協助改善的,是受災者支援制度。"
    examples = "像是活用APP數據收集避難資料、加速解決受災證明申請手續塞車的狀況。"
    other = "再來是建構新的避難生活。"
    ranked = scored((names, 0, 2, 3.0), (other, 1, 0, 2.0), (examples, 0, 3, 1.0))
    moved = examples_follow(ranked, "改善受災者支援制度有哪些具體做法？")
    assert [c.sentence.text for c in moved] == [examples, other, names]
    assert examples_follow(ranked, "受災者支援制度的例子？") == moved
    assert examples_follow(ranked, "受災者支援制度要如何改善？") == tuple(ranked)  # how, not which measures
    assert examples_follow(ranked, "受災者支援制度是用什麼方式改善的？") == tuple(ranked)
    assert [c.score for c in moved] == [3.0, 2.0, 1.0]
    # a question not asking how or for examples, or examples that do not follow the best unit: unchanged
    assert examples_follow(ranked, "受災者支援制度是誰負責的？") == tuple(ranked)
    # the examples may open the unit after the next (…。因此…。例如…), not one further on
    then = "因此要簡化行政手續。"
    second = scored((names, 0, 2, 3.0), (then, 0, 3, 2.5), (examples, 0, 4, 1.0))
    assert [c.sentence.text for c in examples_follow(second, "改善受災者支援制度有哪些具體做法？")][0] == examples
    apart = scored((names, 0, 2, 3.0), (examples, 0, 5, 1.0))
    assert examples_follow(apart, "改善受災者支援制度有哪些具體做法？") == tuple(apart)
    # the measures asked with a few words before 的做法 (文中提了哪些幫忙的做法)
    assert examples_follow(ranked, "文中提了哪些幫忙的做法？") == moved
    plain = scored((names, 0, 2, 3.0), (other, 0, 3, 1.0))
    assert examples_follow(plain, "改善受災者支援制度有哪些具體做法？") == tuple(plain)


@pytest.mark.parametrize(
    ("typed", "searched"),
    [
        ("作者4誰", "作者是誰"),
        ("三支箭4哪三支", "三支箭是哪三支"),
        ("RESAS 4什麼東東", "RESAS 是什麼東東"),
        ("第4個是什麼", "第4個是什麼"),  # a position
        ("2014年4月通過了什麼", "2014年4月通過了什麼"),  # a date
        ("14誰提出的", "14誰提出的"),  # after a digit
        ("1. **GIGA School** 是什麼？", "GIGA School 是什麼？"),  # pasted from a list, with Markdown
        ("- `RESAS` 4什麼", "RESAS 是什麼"),
        ("*** RESAS ***", "*** RESAS ***"),  # noise around a term, not emphasis: chat.latin refuses it
        ("3.推動無現金社會是什麼", "3.推動無現金社會是什麼"),  # the articles' own item number: no space
        ("<b>RESAS</b>是什麼？", "RESAS是什麼？"),  # HTML emphasis pasted with it
        ("<STRONG>GIGA School</STRONG> 的目標", "GIGA School 的目標"),
        ("<b onclick=x>RESAS</b>是什麼？", "<b onclick=x>RESAS</b>是什麼？"),  # an attribute: code, refused
        ("<b>RESAS是什麼？", "<b>RESAS是什麼？"),  # a lone tag
        ("<script>RESAS</script>", "<script>RESAS</script>"),
    ],
)
def test_a_4_typed_for_shi_before_a_question_word_is_searched_as_shi(typed, searched):
    from chat.answer import PreparedQuestion, prepare_question

    prepared = prepare_question(typed)
    assert isinstance(prepared, PreparedQuestion)
    assert (prepared.text, prepared.query) == (typed, searched)


def test_a_caption_on_top_gives_way_unless_a_source_is_asked():
    from chat.answer import ScoredSentence, Sentence, set_aside_furniture

    def scored(*pairs):
        return [ScoredSentence(Sentence(text, 0, order), score, 0.0, 0.0) for order, (text, score) in enumerate(pairs)]

    caption = "圖片來源：內閣官房情報通信技術 (IT) 綜合戰略室〈地方創生に資するIT利活用促進プラン〉"
    note = "[1]スマートプラチナ社会推進会議 https://www.soumu.go.jp/"
    said = "地方創生IT活用推進會議設置於內閣官房。"
    ranked = scored((caption, 3.0), (note, 2.0), (said, 1.0), ("其他。", 0.5))
    moved = set_aside_furniture(ranked, "Under which headquarters was the council set up?")
    assert [c.sentence.text for c in moved] == [said, note, caption, "其他。"]  # the two trade places
    assert [c.score for c in moved] == [3.0, 2.0, 1.0, 0.5]
    # asked for the figure's source: unchanged; nothing but furniture, or content on top: unchanged
    assert set_aside_furniture(ranked, "那張圖的來源是哪個單位？") == tuple(ranked)
    assert set_aside_furniture(ranked[:2], "Which council?") == tuple(ranked[:2])
    assert set_aside_furniture(ranked[2:], "Which council?") == tuple(ranked[2:])


def test_a_byline_comes_first_when_the_question_asks_who_wrote_the_article():
    from chat.answer import ScoredSentence, Sentence, set_aside_furniture

    byline = "作者 謝子涵 為政治工作者"
    said = "本文特別簡介日本總務省的「ICT地域活性化」政策。"
    pairs = [(said, 2.0), (byline, 0.5)]
    ranked = [ScoredSentence(Sentence(t, 0, i), score, 0.0, 0.0) for i, (t, score) in enumerate(pairs)]
    for question in ("寫這篇ICT地域活性化文章的作者是誰", "Who wrote the article?", "作者叫什麼名字"):
        assert [c.sentence.text for c in set_aside_furniture(ranked, question)] == [byline, said]
    # the author's view is in the text, not the byline
    assert set_aside_furniture(ranked, "作者認為台灣缺少什麼？") == tuple(ranked)
    # asked who the byline's author is: the byline comes first, and stays first when on top
    assert [c.sentence.text for c in set_aside_furniture(ranked, "謝子涵是誰？")] == [byline, said]
    on_top = [
        ScoredSentence(Sentence(t, 0, i), score, 0.0, 0.0) for i, (t, score) in enumerate([(byline, 2.0), (said, 0.5)])
    ]
    assert [c.sentence.text for c in set_aside_furniture(on_top, "謝子涵是做什麼的？")] == [byline, said]
    assert [c.sentence.text for c in set_aside_furniture(on_top, "林小明是誰？")] == [said, byline]  # another name


def test_a_byline_on_top_answers_who_wrote_the_article_unless_a_premise_or_another_work_says_no():
    from dataclasses import replace

    from chat.abstain import Decision, Signals
    from chat.answer import ScoredSentence, Sentence, byline_verdict

    def ranked(*texts):
        return [ScoredSentence(Sentence(t, 0, i), 1.0 - i, 0.0, 0.0) for i, t in enumerate(texts)]

    byline, said = "作者 謝子涵 為政治工作者", "本文特別簡介日本總務省的「ICT地域活性化」政策。"
    signals = Signals(0, 0.0, 0.0, 0, 0.0, 0.8, 0.01, 0.02, True, 0.0, 0.8, 0.0, 1.0, 4)
    refused = Decision(False, False, 0.12, "not found: the question has no searchable terms", "問題裡沒有…")
    for question in ("誰寫的", "寫這篇ICT地域活性化文章的作者是誰", "Who wrote the article?", "謝子涵是誰？"):
        verdict = byline_verdict(question, ranked(byline, said), signals, refused)
        assert verdict.found and not verdict.uncertain and verdict.confidence == 0.12 and not verdict.note
    # the byline not on top, the author's view, another work, a premise refused: the verdict stands
    assert byline_verdict("誰寫的", ranked(said, byline), signals, refused) is refused
    assert byline_verdict("作者認為台灣缺少什麼？", ranked(byline, said), signals, refused) is refused
    assert byline_verdict("《源氏物語》是誰寫的？", ranked(byline, said), signals, refused) is refused
    assert byline_verdict("那份報告的作者是誰？", ranked(byline, said), signals, refused) is refused
    premise = replace(signals, absent_actor="韓國")
    assert byline_verdict("韓國那篇的作者是誰？", ranked(byline, said), premise, refused) is refused
    sure = Decision(True, False, 0.95, "found: …")
    assert byline_verdict("誰寫的", ranked(byline, said), signals, sure) is sure
    # 可能相關 becomes a sure answer (the found model reads the topic words a byline lacks)
    unsure = byline_verdict(
        "寫這篇文章的作者是誰", ranked(byline, said), signals, Decision(True, True, 0.2, "uncertain: …")
    )
    assert unsure.found and not unsure.uncertain and unsure.reason.endswith("a byline says")


def test_a_heading_on_top_gives_way_to_the_sentence_under_it_holding_the_rest_of_the_question(monkeypatch):
    from chat.answer import ScoredSentence, Sentence, body_over_heading

    heading = Sentence("14.為單親家庭創造新的連結:\n\n由於疫情的關係,活動變得很困難。", 0, 0, heading=True)
    under = Sentence("能運用地方創生臨時補助金,去幫助單親家庭。", 0, 2)
    thin = Sentence("例如補助線上守護的新活動。", 0, 1)
    elsewhere = Sentence("地方創生臨時補助金超過3兆日圓。", 1, 0)
    sentences = [heading, thin, under, elsewhere]
    shares = {id(heading): 0.0, id(thin): 0.1, id(under): 0.6, id(elsewhere): 0.9}
    features = [_features(body_lexical=shares[id(s)]) for s in sentences]
    ranked = [ScoredSentence(s, 3.0 - i, 0.0, 0.0) for i, s in enumerate(sentences)]
    moved = body_over_heading(ranked, sentences, features)
    # the sentence under the heading takes its place; another passage's sentence does not, however high its share
    assert [c.sentence for c in moved] == [under, thin, heading, elsewhere]
    assert [c.score for c in moved] == [3.0, 2.0, 1.0, 0.0]
    # the rest below the threshold, a heading not on top, or the rule off: unchanged
    low = [_features(body_lexical=0.2 if s is under else 0.0) for s in sentences]
    assert body_over_heading(ranked, sentences, low) == tuple(ranked)
    assert body_over_heading(ranked[1:], sentences, features) == tuple(ranked[1:])
    monkeypatch.setattr("chat.answer.BODY_AT", None)
    assert body_over_heading(ranked, sentences, features) == tuple(ranked)


def test_a_full_name_question_gets_the_unit_glossing_its_term(monkeypatch):
    from chat.answer import ScoredSentence, Sentence, folded, full_name_first, glosses_term

    uses = Sentence("國發會並與台灣設計研究院（Taiwan Design Research Institute, TDRI）等機構合作。", 0, 0)
    other = Sentence("國發會推動青年培力工作站。", 1, 0)
    defines = Sentence("2019年，國家發展委員會（National Development Council, NDC，以下簡稱國發會）宣布元年。", 2, 0)
    sentences = [uses, other, defines]
    # the known answers of the feature the rule reads: the term inside the brackets or right before them
    term = [folded("國發會")]  # question terms are folded like the text
    assert [glosses_term(term, folded(s.text)) for s in sentences] == [False, False, True]
    assert glosses_term([folded("RESAS")], folded("運用RESAS（地域經濟分析系統）分析。"))
    features = [_features(glosses_term=glosses_term(term, folded(s.text))) for s in sentences]
    ranked = [ScoredSentence(s, 3.0 - i, 0.0, 0.0) for i, s in enumerate(sentences)]
    for question in ("國發會的全名是什麼？", "国发会的全称", "What does NDC stand for?", "USR是什麼的縮寫"):
        moved = full_name_first(ranked, sentences, features, question)
        assert [c.sentence for c in moved] == [defines, other, uses], question
        assert [c.score for c in moved] == [3.0, 2.0, 1.0]
    # not a full-name question, a glossing unit on top already, none to give way to, or the rule off: unchanged
    assert full_name_first(ranked, sentences, features, "國發會推動了什麼？") == tuple(ranked)
    assert full_name_first(ranked[2:], sentences, features, "國發會的全名") == tuple(ranked[2:])
    assert full_name_first(ranked[:2], sentences, features, "國發會的全名") == tuple(ranked[:2])
    monkeypatch.setattr("chat.answer.FULL_NAME_FIRST", False)
    assert full_name_first(ranked, sentences, features, "國發會的全名") == tuple(ranked)


def test_a_what_is_question_gets_the_unit_defining_its_name_first(monkeypatch):
    from chat.answer import ScoredSentence, Sentence, defining_first

    lead_in = Sentence("依營運主體與介入程度，空屋銀行大致可分為四種類型：", 0, 0)
    other = Sentence("空屋銀行的登錄件數逐年增加。", 1, 0)
    defines = Sentence("空屋銀行是由地方政府蒐集空屋資訊，協助雙方媒合的制度。", 2, 0)
    ranked = [ScoredSentence(s, 3.0 - i, 0.0, 0.0) for i, s in enumerate([lead_in, other, defines])]
    for question in ("空屋銀行是什麼？", "什么是空屋银行", "請問空屋銀行是指什麼"):
        moved = defining_first(ranked, question)
        assert [c.sentence for c in moved] == [defines, other, lead_in], question
        assert [c.score for c in moved] == [3.0, 2.0, 1.0]
    # another kind of question, a defining unit on top already, none to give way to, or the rule off: unchanged
    assert defining_first(ranked, "空屋銀行分為哪幾種類型？") == tuple(ranked)
    assert defining_first(ranked[2:], "空屋銀行是什麼？") == tuple(ranked[2:])
    assert defining_first(ranked[:2], "空屋銀行是什麼？") == tuple(ranked[:2])
    monkeypatch.setattr("chat.answer.DEFINING_FIRST", False)
    assert defining_first(ranked, "空屋銀行是什麼？") == tuple(ranked)


def test_a_question_asking_for_the_item_at_a_position_gets_the_unit_opening_it(monkeypatch):
    from chat.answer import ScoredSentence, Sentence, item_first

    intro = Sentence("政府的施政有四個階段,第一個是守護地方命脈、防止疫情擴大;", 0, 0)
    second = Sentence("接著是維持雇用和事業、守護並支持民眾的生活;", 0, 1)
    last = Sentence("以及,最後一個階段是要建構一個強韌的經濟結構。", 0, 2)
    other = Sentence("第二個是支援讓案子永續發展下去的支持系統。", 1, 0)
    ranked = [ScoredSentence(s, 4.0 - i, 0.0, 0.0) for i, s in enumerate([intro, other, last, second])]
    moved = item_first(ranked, "抗疫四階段的第二個階段是什麼？")
    # 接著 after the first item is the second; another passage's 第二個 is not taken
    assert [c.sentence for c in moved] == [second, other, last, intro]
    assert [c.sentence for c in item_first(ranked, "最後一個階段是什麼？")][0] is last
    # the top unit opens the item already, a question about the item, no item opened: unchanged
    assert item_first(ranked, "第一個階段是什麼？") == tuple(ranked)
    assert item_first(ranked, "第二個階段為何要維持雇用？") == tuple(ranked)
    assert item_first(ranked, "第五個階段是什麼？") == tuple(ranked)
    monkeypatch.setattr("chat.answer.ITEM_FIRST", False)
    assert item_first(ranked, "抗疫四階段的第二個階段是什麼？") == tuple(ranked)


def test_the_item_asked_by_position_is_looked_for_in_the_passages_below_when_the_top_one_opens_none(monkeypatch):
    from chat.answer import ScoredSentence, Sentence, item_first

    later = Sentence("至三、四階段,則要召集市民的力量一起來支援。", 0, 0)  # opens no second item
    other = Sentence("第二個是支援讓案子永續發展下去的支持系統。", 1, 0)  # a second item, not of 階段
    intro = Sentence("政府的施政有四個階段,第一個是守護地方命脈;", 2, 0)
    second = Sentence("接著是維持雇用和事業;", 2, 1)
    ranked = [ScoredSentence(s, 4.0 - i, 0.0, 0.0) for i, s in enumerate([later, other, intro, second])]
    question = "抗疫四階段的第二個階段是什麼？"
    assert [c.sentence for c in item_first(ranked, question)] == [second, other, intro, later]
    assert item_first(ranked, "第二個是什麼？") == tuple(ranked)  # nothing counted to look for
    assert item_first(ranked, "第二個步驟是什麼？") == tuple(ranked)  # no passage names 步驟
    monkeypatch.setattr("chat.answer.ITEM_DEPTH", 2)  # the passage naming 階段 is below the units looked at
    assert item_first(ranked, question) == tuple(ranked)


def test_a_question_asking_which_position_an_item_holds_gets_the_numbered_heading(monkeypatch):
    from chat.answer import ScoredSentence, Sentence, item_first

    body = Sentence("疫情期多改為遠距授課,因此投資遠端教育和科技教育是重中之重。", 0, 1)
    heading = Sentence("9.加速與強化GIGA School,實現符合新世代的教育:", 0, 0)
    other = Sentence("第二個是支援讓案子永續發展下去的支持系統。", 1, 0)
    ranked = [ScoredSentence(s, 3.0 - i, 0.0, 0.0) for i, s in enumerate([body, other, heading])]
    question = "加速與強化GIGA School是地域未來構想20中的第幾項？"
    assert [c.sentence for c in item_first(ranked, question)] == [heading, other, body]
    assert item_first(ranked, "加速與強化GIGA School是什麼？") == tuple(ranked)  # no position asked
    monkeypatch.setattr("chat.answer.POSITION_FIRST", False)
    assert item_first(ranked, question) == tuple(ranked)


def test_a_short_table_row_carries_the_words_and_the_unit_of_its_header():
    import numpy as np

    from chat.answer import SENTENCE_FEATURES, hit_sentences, sentence_features
    from chat.terms import question_asks
    from index.records import Hit
    from index.stats import CorpusStats
    from ingest.passages import split_passages
    from tests.chat_fakes import make_article

    caption, header = "下表整理歷年的隊員人數與實施地方團體數：", "年度 ｜ 隊員人數 ｜ 實施地方團體數"
    article = make_article("a", "標題", [caption, header, "2015 ｜ 2,625 ｜ 673", "2018 ｜ 5,530 ｜ 1,061"])
    row = next(p for p in split_passages(article, 240) if p.text == "2018 ｜ 5,530 ｜ 1,061")
    (sentence,) = hit_sentences([Hit(passage=row, score=1.0, rank=1)])
    assert sentence.text == "2018 ｜ 5,530 ｜ 1,061" and sentence.header == f"{caption}\n{header}"
    terms = ["2018", "实施", "团体"]
    stats = CorpusStats.from_token_lists([terms, ["其他"]])
    asks = question_asks("2018年有多少個地方團體實施協力隊？")
    (f,) = sentence_features(terms, [sentence], [Hit(passage=row, score=1.0, rank=1)], np.array([0.9]), stats, asks)
    assert f.lexical == 1.0  # 實施 and 團體 are its header's words
    assert SENTENCE_FEATURES["type_missing"](f) == 0.0  # a bare count under a header is a count
    bare = replace(sentence, header="")
    (g,) = sentence_features(terms, [bare], [Hit(passage=row, score=1.0, rank=1)], np.array([0.9]), stats, asks)
    assert g.lexical < 0.5 and SENTENCE_FEATURES["type_missing"](g) == 1.0


def test_a_quoted_short_table_row_carries_its_header_row_and_other_quotes_none():
    from chat.answer import ScoredSentence, cite, header_rows, hit_sentences
    from index.records import Hit
    from ingest.records import Passage

    title = "空屋政策"
    context = f"{title} › 二、空屋現況 › 表1 空屋數之變化 › 調查年 ｜ 空屋總數（萬戶） ｜ 空屋率（%）"
    row = Passage("p-row", "d", title, 9, 2, 100, 117, "2018 ｜ 849 ｜ 13.6", context=context)
    prose = Passage("p-prose", "d", title, 3, 1, 0, 20, "空屋率在2018年為13.6%。", context=f"{title} › 二、空屋現況")
    hits = [Hit(passage=row, score=1.0, rank=1), Hit(passage=prose, score=0.5, rank=2)]
    sentences = hit_sentences(hits)
    assert [s.text for s in sentences] == ["2018 ｜ 849 ｜ 13.6", "空屋率在2018年為13.6%。"]
    quotes, _ = cite([ScoredSentence(s, 1.0, 0.0, 0.0) for s in sentences], hits)
    assert [q.header for q in quotes] == ["調查年 ｜ 空屋總數（萬戶） ｜ 空屋率（%）", ""]
    # the caption and section are context, not columns: only the header rows are kept
    assert header_rows("表1 空屋數之變化\n調查年 ｜ 空屋總數\n（續） ｜ 單位") == "調查年 ｜ 空屋總數\n（續） ｜ 單位"
    assert header_rows("") == ""


def test_the_clause_that_asks_is_found_among_the_clauses_that_set_the_scene():
    from chat.terms import asking_clauses, folded

    long = "疫情期間同時發生天災，自治體要改善支援制度，要加速解決哪一種申請手續塞車的狀況，好讓支援更迅速？"
    expected = ("要加速解决哪一种申请手续塞车的状况", "自治体要改善支援制度", "疫情期间同时发生天灾")
    assert asking_clauses(folded(long)) == expected
    assert asking_clauses(folded("行銷在地資產時需要哪些人來合作？")) == ()  # one clause: every term asks
    assert asking_clauses(folded("地方有危機感，自治體會改善。")) == ()  # no question word
    assert asking_clauses(folded("In the table, what is the issue in the people row?")) == ()  # Latin: glossary terms


def test_focus_lexical_scores_the_sentence_holding_the_asking_clause_terms():
    import numpy as np

    from chat.answer import SENTENCE_FEATURES, Sentence, focus_terms, sentence_features
    from chat.terms import question_asks
    from index.records import Hit
    from index.stats import CorpusStats
    from tests.chat_fakes import article_passages, make_article

    question = "自治體要改善支援制度，要解決哪一種手續塞車？"
    terms = ["自治体", "改善", "支援", "制度", "手续", "塞车"]
    assert focus_terms(terms, folded_question := question_asks(question).folded) == ("手续", "塞车")
    # the clause that asks holds no term: the clause before it counts with it
    assert focus_terms(["危机感", "改变"], "没有改变也没有危机感,文中怎么说") is None  # all terms: no focus
    assert focus_terms(["危机感", "地方", "改变"], "地方很好,没有危机感,文中怎么说") == ("危机感",)
    setup, answer = "自治體要改善支援制度。", "要解決手續塞車的狀況。"
    passage = article_passages(make_article("a", "標題", [setup + answer]))[0]
    sentences = [Sentence(setup, 0, 0), Sentence(answer, 0, 1)]
    stats = CorpusStats.from_token_lists([terms])
    features = sentence_features(
        terms,
        sentences,
        [Hit(passage=passage, score=1.0, rank=1)],
        np.array([0.9, 0.9]),
        stats,
        question_asks(question),
    )
    lexical = [SENTENCE_FEATURES["lexical"](f) for f in features]
    focus = [SENTENCE_FEATURES["focus_lexical"](f) for f in features]
    assert lexical[0] > lexical[1]  # the scene-setting sentence shares more of the question
    assert focus == [0.0, 1.0]  # the sentence after it holds what is asked
    assert folded_question.endswith("塞车?")


def _scored(hit_index: int, passage: Passage) -> list[ScoredSentence]:
    units = hit_sentences([Hit(passage, 1.0, 1)])
    return [ScoredSentence(replace(s, hit=hit_index), 1.0 - n / 10, 0.0, 0.0) for n, s in enumerate(units)]


def test_a_quote_ending_at_a_semicolon_runs_to_its_sentence_end_and_holds_the_clauses_after_it():
    text = "施政有四個階段,第一個是守護地方命脈;接著是維持雇用;最後是建構強韌的經濟結構。另一句話在此。"
    passage = Passage("p-semi", "d", "t", 4, 1, 0, len(text), text)
    first, second, third, other = _scored(0, passage)
    chosen = run_to_sentence_end([first, third, other], [Hit(passage, 1.0, 1)])
    assert [c.sentence.text for c in chosen] == [
        "施政有四個階段,第一個是守護地方命脈;接著是維持雇用;最後是建構強韌的經濟結構。",
        "另一句話在此。",
    ]  # the third clause is inside the first quote now: not quoted twice
    assert chosen[0].sentence.parts == (0, 1, 2)
    assert [c.sentence.text for c in run_to_sentence_end([other], [Hit(passage, 1.0, 1)])] == ["另一句話在此。"]


def test_a_quote_opening_after_a_semicolon_runs_back_to_its_sentence_start():
    # a tester's 政府對抗疫情的四個階段是哪些？ quoted only the last clause
    text = "施政有四個階段,第一個是守護地方命脈;接著是維持雇用;以及,最後是建構強韌的經濟結構。另一句話在此。"
    passage = Passage("p-back", "d", "t", 4, 1, 0, len(text), text)
    first, second, third, other = _scored(0, passage)
    chosen = run_to_sentence_end([third, first, other], [Hit(passage, 1.0, 1)])
    assert [c.sentence.text for c in chosen] == [text.removesuffix("另一句話在此。"), "另一句話在此。"]
    assert chosen[0].sentence.parts == (0, 1, 2)
    # a question by position (第二個階段) keeps its clause and what follows, not the clauses before
    second_on = run_to_sentence_end([second], [Hit(passage, 1.0, 1)], backward=False)
    assert second_on[0].sentence.text == "接著是維持雇用;以及,最後是建構強韌的經濟結構。"


def test_a_semicolon_run_stops_at_a_line_end():
    text = "第一項是人才;\n第二項是資金。"
    passage = Passage("p-line", "d", "t", 1, 1, 0, len(text), text)
    chosen = run_to_sentence_end(_scored(0, passage)[:1], [Hit(passage, 1.0, 1)])
    assert chosen[0].sentence.text == "第一項是人才;"


def test_a_how_many_gets_the_unit_stating_a_count_in_its_unit_first():
    from chat.answer import ScoredSentence, Sentence, count_first

    named = Sentence("同時內閣府也公布了「地域未來構想20」政策資料集。", 0, 0)
    other = Sentence("日本在2020年盤點出在地振興方案。", 1, 0)
    counted = Sentence("這份政策資料整理成三大目標、20項未來區域治理上重要的概念。", 2, 0)
    ranked = [ScoredSentence(s, 3.0 - i, 0.0, 0.0) for i, s in enumerate([named, other, counted])]
    # the best unit's only figure is the question's own (20): the unit counting in 項 comes first
    assert [c.sentence for c in count_first(ranked, "地域未來構想20有幾項？")][0] is counted
    # a best unit with a figure of its own may answer otherwise: it stays
    share = Sentence("然而七成農業從業人口超過65歲。", 0, 0)
    rows = Sentence("人口尺度別：超過50萬人、50萬人以下", 1, 0)
    kept = [ScoredSentence(share, 2.0, 0.0, 0.0), ScoredSentence(rows, 1.0, 0.0, 0.0)]
    assert count_first(kept, "大概多少人超過65") == tuple(kept)
    # no how-many, or the best unit counts already: unchanged
    assert count_first(ranked, "地域未來構想20是什麼？") == tuple(ranked)
    assert count_first(ranked[2:] + ranked[:2], "有幾項？") == tuple(ranked[2:] + ranked[:2])


def test_a_table_row_the_question_names_comes_before_another_row():
    from chat.answer import ScoredSentence, Sentence, row_named_first

    first_row = Sentence("課題\n\n具體 ｜ 確保持續性 ｜ 推廣優良模式\n\n的課題案例 ｜ 人 ｜ 關鍵人物 ｜ 點推到面", 0, 0)
    lead = Sentence("總務省以確保計畫持續性以及推廣優良模式這兩大課題作為改進方向。", 1, 0)
    money = Sentence("財政 ｜ 事業能在停止領補助金後持續營運 ｜ 用較低的成本導入", 2, 0)
    ranked = [ScoredSentence(s, 3.0 - i, 0.0, 0.0) for i, s in enumerate([first_row, lead, money])]
    assert [c.sentence for c in row_named_first(ranked, "推廣優良模式在財政方面的課題是什麼？")][0] is money
    assert row_named_first(ranked, "推廣優良模式的課題有哪些？") == tuple(ranked)  # no row named
    assert row_named_first(ranked, "人的課題是什麼？") == tuple(ranked)  # one character: not read as named
    assert row_named_first(ranked[1:], "財政方面的課題是什麼？") == tuple(ranked[1:])  # the best unit is no table row
    assert row_named_first(ranked[2:] + ranked[:2], "財政方面的課題？") == tuple(ranked[2:] + ranked[:2])


def test_who_wrote_the_articles_quotes_each_authors_byline():
    from chat.answer import Sentence, every_byline, select_quotes

    xie = "作者 謝子涵 為政治工作者"
    lines = ["北海道東川町的移居政策\n\n作者：林小明", xie, xie, "記者王大同／德島報導"]
    units = [Sentence(text, i, 0) for i, text in enumerate([lines[0], "園區在2001年開幕。", *lines[1:]])]
    ranked = [ScoredSentence(s, 5.0 - 2 * i, 0.0, 0.0) for i, s in enumerate(units)]  # far apart: one quote
    assert len(select_quotes(ranked)) == 1
    chosen = every_byline(select_quotes(ranked), ranked, "作者是誰？")
    assert [c.sentence.text for c in chosen] == [lines[0], lines[1], lines[3]]  # 謝子涵 once, in rank order
    assert every_byline(select_quotes(ranked), ranked, "園區哪一年開幕？") == select_quotes(ranked)
    assert every_byline(select_quotes(ranked[1:]), ranked[1:], "作者是誰？") == select_quotes(ranked[1:])


def test_who_wrote_a_named_article_gets_that_articles_byline_alone():
    from chat.answer import Sentence, named_article_byline

    def byline_hit(title: str, line: str) -> Hit:
        text = f"{title}\n\n{line}"
        return Hit(Passage(f"p-{title}", title, title, 1, None, 0, len(text), text), 1.0, 1)

    hits = [
        byline_hit("北海道東川町的移居政策", "作者：林小明"),
        byline_hit("山形縣鶴岡市的生物科技園區", "記者周杰明／台北報導"),
    ]
    other = Hit(Passage("p-x", "x", "山形縣鶴岡市的生物科技園區", 3, None, 0, 9, "園區在2001年開幕。"), 1.0, 3)
    hits.append(other)
    units = [Sentence(h.passage.text, i, 0) for i, h in enumerate(hits)]
    ranked = [ScoredSentence(s, 3.0 - i, 0.0, 0.0) for i, s in enumerate(units)]
    chosen = named_article_byline(ranked, hits, "鶴岡市生物科技園區這篇文章的作者是誰？")
    assert [c.sentence for c in chosen] == [units[1], units[2]]  # the other article's byline is dropped
    assert chosen[0].score == 3.0
    # no article named, or not asking for the author: unchanged
    assert named_article_byline(ranked, hits, "作者是誰？") == tuple(ranked)
    assert named_article_byline(ranked, hits, "鶴岡市生物科技園區在哪裡？") == tuple(ranked)


def test_a_count_in_chinese_numerals_is_read_by_the_decision_as_the_articles_write_it():
    from chat.answer import measure, prepare_question
    from tests.chat_fakes import FakeSearcher, make_article

    article = make_article("a", "防疫", ["日本一直宣導要注意3密，也就是避免密閉空間。", "本文介紹地方創生的政策。"])
    searcher = FakeSearcher([article])
    asked, written = prepare_question("三密是什麼？"), prepare_question("3密是什麼？")
    assert not isinstance(asked, str) and not isinstance(written, str)
    measured, reference = measure(asked, searcher, top_k=5), measure(written, searcher, top_k=5)
    assert measured is not None and reference is not None
    assert "3密" in measured.terms and "三密" not in measured.terms  # a tester's 三密是什么 was refused
    assert measured.signals.unknown == reference.signals.unknown == 0.0
    assert measured.signals.coverage == reference.signals.coverage > 0.0


def test_a_title_over_its_byline_gives_way_unless_the_author_is_asked():
    # a tester's: 台灣地方創生的五支箭是什麼？ quoted 「台灣地方創生國家戰略：五支箭與2019元年 / 作者：林小明」 first
    from chat.answer import ScoredSentence, Sentence, set_aside_furniture

    byline = "台灣地方創生國家戰略：五支箭與2019元年\n\n作者：林小明"
    said = "國發會以五支箭推動：第一是企業投資故鄉，第二是科技導入。"
    ranked = [ScoredSentence(Sentence(t, i, 0), s, 0.0, 0.0) for i, (t, s) in enumerate([(byline, 2.0), (said, 1.0)])]
    assert [c.sentence.text for c in set_aside_furniture(ranked, "台灣地方創生的五支箭是什麼？")] == [said, byline]
    assert [c.sentence.text for c in set_aside_furniture(ranked, "這篇五支箭的文章作者是誰？")] == [byline, said]


@pytest.mark.parametrize(
    ("question", "text", "acronym"),
    [
        (
            "What is the full name of SIP?",
            "以創造策略性創新方案計畫(Cross-ministerial Strategic Innovation Program, SIP)",
            "SIP",
        ),
        ("What does DBJ stand for?", "有資本劣後級融資、日本政策投資銀行(DBJ)、商工中金", "DBJ"),
        ("MaaS的全名是什麼？", "例如導入交通行動服務(Mobility as a Service, MaaS)", "MaaS"),
        ("What does DBJ stand for?", "DBJ提供融資。", ""),  # used, not spelled out
        ("What is DBJ?", "日本政策投資銀行(DBJ)", ""),  # not a full-name question
        ("MaaS 全名是 Money as a Service 嗎？", "交通行動服務(Mobility as a Service, MaaS)", ""),  # offers its own
        ("What does SIP stand for?", "日本政策投資銀行(DBJ)", ""),  # another acronym's
        ("What does MaaS mean?", "例如導入交通行動服務(Mobility as a Service, MaaS)", "MaaS"),  # a tester's
        ("What does DBJ mean for banks?", "DBJ提供融資。", ""),  # used, not spelled out
        ("MaaS means Money as a Service, right?", "交通行動服務(Mobility as a Service, MaaS)", ""),  # offers its own
    ],
)
def test_the_acronym_a_full_name_question_asks_about_spelled_out_in_brackets(question, text, acronym):
    from chat.answer import spelled_out

    assert spelled_out(question, text) == acronym


def test_a_spelled_out_acronym_is_found_unless_a_premise_refused_it():
    # a tester's: What is the full name of SIP? was refused (the question's subject, script) while
    # SIP的全名 was found
    from dataclasses import replace as with_

    from chat.abstain import Decision
    from chat.answer import ScoredSentence, Sentence, spelled_out_verdict

    top = [ScoredSentence(Sentence("日本政策投資銀行(DBJ)、商工中金", 0, 0), 1.0, 0.0, 0.0)]
    refused = Decision(False, False, 0.1, "not found: the question is on another subject")
    verdict = spelled_out_verdict("What does DBJ stand for?", top, ANSWERED, refused)
    assert verdict.found and not verdict.uncertain and "DBJ" in verdict.reason
    premised = with_(ANSWERED, absent_year="2030")
    assert spelled_out_verdict("What does DBJ stand for in 2030?", top, premised, refused) == refused
    assert spelled_out_verdict("What is DBJ?", top, ANSWERED, refused) == refused


def test_the_sentence_holding_the_asked_predicate_and_its_type_comes_before_the_scene_setter():
    from chat.answer import ScoredSentence, Sentence, predicate_first
    from chat.terms import asked_predicate, folded, question_asks

    assert asked_predicate(folded("社會設計者需要和哪些單位合作？")) == "合作"  # 單位 is the noun asked for
    assert asked_predicate(folded("行銷在地資產時需要哪些人來合作")) == "合作"
    assert asked_predicate(folded("逃難的民眾可以借住在哪種場所？")) == ""  # nothing after the noun
    assert asked_predicate(folded("地方創生的背景")) == ""  # no question word
    question = "社會設計者需要和哪些單位合作？"
    asks = question_asks(question)
    scene = Sentence("這樣的社會設計者角色,包括要創設地域內外成員聚集與協創的場域。", 0, 0)
    answer = Sentence("這當中也需要企業、大學和非營利組織、媒體與金融機關合作。", 0, 1)
    other = Sentence("地方政府與大學合作推動。", 1, 0)  # another passage: not its answer
    sentences = [scene, answer, other]
    features = [
        _features(asks=asks, carries_type=False),
        _features(asks=asks, carries_type=True),
        _features(asks=asks, carries_type=True),
    ]
    ranked = [ScoredSentence(s, 3.0 - i, 0.0, 0.0) for i, s in enumerate(sentences)]
    assert [c.sentence for c in predicate_first(ranked, sentences, features, question)] == [answer, scene, other]
    elsewhere = [ranked[0], ranked[2]]
    assert predicate_first(elsewhere, sentences, features, question) == tuple(elsewhere)
    typed_top = [_features(asks=asks, carries_type=True), *features[1:]]  # the best carries a name
    assert predicate_first(ranked, sentences, typed_top, question) == tuple(ranked)
    untyped = [*features[:1], _features(asks=asks, carries_type=False), features[2]]
    assert predicate_first(ranked, sentences, untyped, question) == tuple(ranked)  # no name: not the answer
    how = "社會設計者要用哪些方式合作？"  # asks for no amount, date or name: the predicate alone picks nothing
    assert asked_predicate(folded(how)) == "合作"
    plain = [_features(asks=question_asks(how)) for _ in sentences]
    assert predicate_first(ranked, sentences, plain, how) == tuple(ranked)


def test_a_question_asking_what_something_is_likened_to_quotes_the_simile():
    from chat.answer import ScoredSentence, Sentence, simile_first

    plain = Sentence("本文將簡述此政策報告的內容。", 0, 1)
    simile = Sentence("政策資料就像是未來治理的指引手冊。", 0, 0)
    ranked = [ScoredSentence(s, 3.0 - i, 0.0, 0.0) for i, s in enumerate((plain, simile))]
    for question in ("作者把這份政策彙編比喻成什麼樣的東西？", "記事はこの政策資料を何にたとえていますか？"):
        assert [c.sentence for c in simile_first(ranked, question)] == [simile, plain]
    assert simile_first(ranked, "這份政策資料的內容是什麼？") == tuple(ranked)  # no simile asked
    assert simile_first(ranked[::-1], "作者把政策資料比作什麼？") == tuple(ranked[::-1])  # the best likens
    none = [ranked[0], ScoredSentence(Sentence("政策資料整理成三大目標。", 0, 2), 1.0, 0.0, 0.0)]
    assert simile_first(none, "作者把政策資料比作什麼？") == tuple(none)


def test_the_sentence_restating_the_asking_clause_comes_before_the_overview():
    from chat.answer import ScoredSentence, Sentence, restated_first
    from chat.terms import asked_stem, folded

    assert asked_stem(folded("應對疫情的智慧城市，醫療面向分為哪兩部分")) == "医疗面向分"
    assert asked_stem(folded("RESAS是什麼？")) == "resas"
    assert asked_stem(folded("地方創生的背景")) == ""  # no question word: nothing asked
    overview = Sentence("這種智慧城市著重的面向包括醫療、交通、觀光、支付和物流。", 0, 0)
    restating = Sentence("醫療面向分為感染預防和感染因應。", 0, 1)
    other = Sentence("醫療面向分為兩類的說法見於另一篇。", 1, 0)  # another passage: not its answer
    ranked = [ScoredSentence(s, 3.0 - i, 0.0, 0.0) for i, s in enumerate((overview, restating))]
    question = "應對疫情的智慧城市，醫療面向分為哪兩部分"
    assert [c.sentence for c in restated_first(ranked, question)] == [restating, overview]
    elsewhere = [ScoredSentence(s, 3.0 - i, 0.0, 0.0) for i, s in enumerate((overview, other))]
    assert restated_first(elsewhere, question) == tuple(elsewhere)
    assert restated_first(ranked, "智慧城市有哪些面向？") == tuple(ranked)  # 智慧城市 is not restated by either
    assert restated_first(ranked[::-1], question) == tuple(ranked[::-1])  # the best restates it already
