"""ingest.glossary: the articles' own bilingual pairs (known answers on small strings), the
question-side matching, and the glossary file in the index (build, load, damage, search)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.build import build_index
from index.search import Searcher
from index.store import MANIFEST_FILE, IndexCorruptError, load_store, read_manifest
from ingest.dictionary import SOURCE as DICTIONARY_SOURCE
from ingest.glossary import (
    GLOSSARY_FILE,
    GlossaryEntry,
    chinese_term_before,
    expansions,
    extract_pairs,
    glossary_lines,
    key_matches,
    parse_glossary,
    split_latin,
)
from tests.index_fakes import build_kwargs, open_kwargs, write_corpus


def _pairs(text: str) -> list[tuple[str, tuple[str, ...]]]:
    return [(e.native, e.latin) for e in extract_pairs(text, "doc")]


# --------------------------------------------------------------------------- extraction


def test_full_width_parenthesis_with_name_and_acronym():
    text = "是在政府面大家可以善用地方經濟分析系統（Regional Economy Society Analyzing System, RESAS）來規劃。"
    assert _pairs(text) == [("地方經濟分析系統", ("Regional Economy Society Analyzing System", "RESAS"))]


def test_latin_short_form_glossed_by_its_expansion():
    text = "補足不足的經費,加速GIGA School ( Global Innovation Gateway for All )的實現。"
    assert _pairs(text) == [("GIGA School", ("Global Innovation Gateway for All",))]


def test_reverse_order_latin_then_chinese():
    assert _pairs("各地可以使用RESAS（地方經濟分析系統）查詢。") == [("地方經濟分析系統", ("RESAS",))]


def test_half_width_acronym_after_a_list_item_and_a_slash():
    text = "「導入遠端工作/人工智慧(AI)、機器人流程自通化(RPA)」可減少成本。"
    assert _pairs(text) == [("人工智慧", ("AI",)), ("機器人流程自通化", ("RPA",))]


def test_quoted_phrase_glossed_as_a_whole():
    text = "特別是以「大處著想、小處著手、快速行動（Think big, start small, move fast.）」的精神。"
    assert _pairs(text) == [("大處著想、小處著手、快速行動", ("Think big, start small, move fast",))]


def test_leading_verbs_and_connectives_are_not_part_of_the_term():
    assert chinese_term_before("例如導入交通行動服務") == "交通行動服務"
    assert chinese_term_before("一系列的資訊與通訊科技") == "資訊與通訊科技"
    assert chinese_term_before("特別希望能藉由導入資訊通訊") == "資訊通訊"
    assert chinese_term_before("地方政府可以善用地方經濟分析系統") == "地方經濟分析系統"
    # a verb inside a name, right after a noun, stays: 共有 and 創新 are not predicates here
    assert chinese_term_before("、災害情報共有平台") == "災害情報共有平台"
    assert chinese_term_before("、以創造策略性創新方案計畫") == "策略性創新方案計畫"


def test_a_short_name_given_after_the_pair_is_no_part_of_it():
    text = "國家發展委員會（National Development Council, NDC，以下簡稱國發會）宣布元年。"
    assert _pairs(text) == [("國家發展委員會", ("National Development Council", "NDC"))]


def test_no_pair_without_a_name_on_both_sides():
    assert _pairs("人口在2019年（2019）減少。") == []  # no letter inside
    assert _pairs("計畫」（地方創生IT利活用促進プラン）") == []  # Chinese / Japanese, no Latin name
    assert _pairs("的（ICT）") == []  # nothing named before it
    assert _pairs("ICT（ICT）") == []  # the same name twice
    assert _pairs("地方" * 9 + "（Long description）") == []  # a run too long to be a name


def test_a_pair_stated_twice_is_kept_once_and_split_latin():
    text = "地域經濟活性化機構(REVIC)提供資金。\n\n另外,地域經濟活性化機構(REVIC)也投資。"
    assert _pairs(text) == [("地域經濟活性化機構", ("REVIC",))]
    assert split_latin("Mobility as a Service, MaaS") == ("Mobility as a Service", "MaaS")
    assert split_latin("Cross-ministerial Strategic Program,SIP") == ("Cross-ministerial Strategic Program", "SIP")
    assert split_latin("Think big, start small, move fast.") == ("Think big, start small, move fast",)


def test_a_huge_paragraph_of_parentheses_is_read_in_linear_time():
    import time

    hostile = "地方政府(AB)」" * 40_000 + "交通行動服務(MaaS)"  # 400k characters, one paragraph
    start = time.perf_counter()
    pairs = _pairs(hostile)
    assert time.perf_counter() - start < 10
    assert pairs[-1] == ("交通行動服務", ("MaaS",)) and len(pairs) == 2


def test_file_lines_round_trip_and_a_bad_line_is_refused():
    entries = [GlossaryEntry("地方經濟分析系統", ("Regional Economy Society Analyzing System", "RESAS"), "a")]
    assert parse_glossary(glossary_lines(entries)) == entries
    with pytest.raises(ValueError):
        parse_glossary('{"native": 3, "latin": [], "doc_id": "a"}\n')
    with pytest.raises(ValueError):
        parse_glossary("not json\n")


# --------------------------------------------------------------------------- question side

GLOSSARY = [
    GlossaryEntry("資訊通訊", ("IT",), "a"),
    GlossaryEntry("雲端優先", ("Cloud First Policy",), "a"),
    GlossaryEntry("地方經濟分析系統", ("Regional Economy Society Analyzing System", "RESAS"), "a"),
    GlossaryEntry("交通行動服務", ("Mobility as a Service", "MaaS"), "b"),
]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What does RESAS stand for?", ["地方經濟分析系統"]),
        ("what is resas", ["地方經濟分析系統"]),  # an acronym of 4+ letters in any case
        ("ＲＥＳＡＳ是什麼？", ["地方經濟分析系統"]),  # full-width letters
        ("the regional economy society analysing systems", ["地方經濟分析系統"]),
        ("What is the Cloud First approach?", ["雲端優先"]),  # half of a multi-word name, in order
        ("How is IT used, and what about MaaS?", ["資訊通訊", "交通行動服務"]),
        ("What is it used for?", []),  # "it" is not the acronym IT
        ("Which policy came first?", []),  # single common words of a name do not match
        ("雲端優先是什麼？", []),  # no Latin word: nothing to expand
        ("What is RESAS's purpose?", ["地方經濟分析系統"]),  # a possessive names the word
        ("How is MaaS’s data used?", ["交通行動服務"]),  # … with a typographic apostrophe too
    ],
)
def test_expansions(question, expected):
    assert expansions(question, GLOSSARY) == expected


WORDS = [  # as CC-CEDICT's glosses give them: base forms
    GlossaryEntry("确保", ("ensure",), "cc-cedict"),
    GlossaryEntry("改善", ("improve",), "cc-cedict"),
    GlossaryEntry("提到", ("mention",), "cc-cedict"),
    GlossaryEntry("税制", ("tax system",), "cc-cedict"),
    GlossaryEntry("就要", ("going",), "cc-cedict"),
    GlossaryEntry("下去", ("go",), "cc-cedict"),
]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What is mentioned for improving logistics?", ["改善", "提到"]),  # -ed, -ing: their lemmas
        ("How do they ensure it, ensuring what?", ["确保"]),
        ("Which tax systems changed?", ["税制"]),  # a plural in a two-word gloss
        ("Is Go or Java better?", ["下去"]),  # a question's word is lemmatised, not a gloss's
        ("Where is it going?", ["就要", "下去"]),
    ],
)
def test_a_question_word_matches_a_gloss_by_its_lemma(question, expected):
    assert expansions(question, WORDS) == expected


HYPHENATED = [
    GlossaryEntry("人口", ("population",), "cc-cedict"),
    GlossaryEntry("尺寸", ("size",), "cc-cedict"),
    GlossaryEntry("後續", ("follow-up",), "cc-cedict"),
    GlossaryEntry("遵循", ("follow",), "cc-cedict"),
    GlossaryEntry("政府", ("government",), "cc-cedict"),
]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Which population-size brackets are used?", ["人口", "尺寸"]),  # no key names it whole: its parts
        ("How is e-government used?", ["政府"]),  # a one-letter part is no word
        ("Is there a follow-up?", ["後續"]),  # a key names it whole: whole, not "follow"
        ("What do they follow?", ["遵循"]),
        ("What is a re-do?", []),
    ],
)
def test_a_hyphenated_word_no_key_names_stands_for_its_parts(question, expected):
    assert expansions(question, HYPHENATED) == expected


def test_without_lemmas_only_plurals_are_matched(monkeypatch):
    from ingest import glossary

    monkeypatch.setattr(glossary, "LEMMAS", False)
    glossary._forms.cache_clear()
    try:
        assert expansions("What is mentioned for improving logistics?", WORDS) == []
        assert expansions("Which tax systems changed?", WORDS) == ["税制"]
    finally:
        glossary._forms.cache_clear()


def test_key_matches_whole_words_only():
    assert not key_matches("RESAS", ["RESASX"])
    assert key_matches("L-Alert", ["L-Alert"])
    assert not key_matches("Mobility as a Service", ["mobility"])


# --------------------------------------------------------------------------- index

ARTICLE_G = """地方政府可以善用地方經濟分析系統（Regional Economy Society Analyzing System, RESAS）規劃政策。

地方經濟分析系統可以查詢人口流動與產業結構資料。

疫情期間學校改為遠距授課。"""

ARTICLE_H = """地域經濟活性化機構(REVIC)提供資金。"""


def _all_glossary_file(index_dir: Path) -> list[GlossaryEntry]:
    return parse_glossary((index_dir / GLOSSARY_FILE).read_text(encoding="utf-8"))


def _glossary_file(index_dir: Path) -> list[GlossaryEntry]:
    """The articles' own pairs in the glossary file (CC-CEDICT glosses follow them)."""
    return [e for e in _all_glossary_file(index_dir) if e.doc_id != DICTIONARY_SOURCE]


def test_build_writes_the_glossary_and_updates_it_with_the_corpus(tmp_path, fake_encoder):
    corpus, index_dir = write_corpus(tmp_path / "corpus", g=ARTICLE_G), tmp_path / "index"
    report = build_index(corpus, index_dir, fake_encoder, **build_kwargs())
    assert report.glossary == 1
    assert [(e.native, e.doc_id) for e in _glossary_file(index_dir)] == [("地方經濟分析系統", "g")]
    assert GLOSSARY_FILE in read_manifest(index_dir).files

    write_corpus(corpus, h=ARTICLE_H)
    report = build_index(corpus, index_dir, fake_encoder, **build_kwargs())
    assert (report.embedded, report.glossary) == (1, 2)  # only the new passage embedded
    assert [e.doc_id for e in _glossary_file(index_dir)] == ["g", "h"]

    (corpus / "g.txt").unlink()
    build_index(corpus, index_dir, fake_encoder, **build_kwargs())
    assert [(e.native, e.latin) for e in _glossary_file(index_dir)] == [("地域經濟活性化機構", ("REVIC",))]
    assert load_store(index_dir).glossary == tuple(_all_glossary_file(index_dir))
    assert _all_glossary_file(index_dir)[-1].doc_id == DICTIONARY_SOURCE  # dictionary glosses of its words


def test_english_acronym_question_reaches_the_chinese_passage_by_bm25(tmp_path, fake_encoder):
    corpus, index_dir = write_corpus(tmp_path / "corpus", g=ARTICLE_G), tmp_path / "index"
    build_index(corpus, index_dir, fake_encoder, **build_kwargs())
    question = "What population data can RESAS show?"
    chinese_only = "地方經濟分析系統可以查詢人口流動與產業結構資料。"

    searcher = Searcher.open(index_dir, fake_encoder, **open_kwargs())
    hits = searcher.search(question, top_k=3, mode="bm25")
    assert chinese_only in [h.passage.text for h in hits]
    assert "系統" in searcher.expansion_tokens(question)[0]

    plain = Searcher(index_dir, load_store(index_dir), fake_encoder, open_kwargs()["tokenizer"], expand=lambda q: [])
    assert chinese_only not in [h.passage.text for h in plain.search(question, top_k=3, mode="bm25")]


def test_an_index_written_before_the_glossary_loads_without_one(tmp_path, fake_encoder):
    corpus, index_dir = write_corpus(tmp_path / "corpus", g=ARTICLE_G), tmp_path / "index"
    build_index(corpus, index_dir, fake_encoder, **build_kwargs())
    manifest = json.loads((index_dir / MANIFEST_FILE).read_text(encoding="utf-8"))
    del manifest["files"][GLOSSARY_FILE]
    (index_dir / MANIFEST_FILE).write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    (index_dir / GLOSSARY_FILE).unlink()
    searcher = Searcher.open(index_dir, fake_encoder, **open_kwargs())
    assert searcher.expansion_tokens("RESAS") == []


def test_a_damaged_glossary_file_is_refused_with_a_rebuild_hint(tmp_path, fake_encoder):
    corpus, index_dir = write_corpus(tmp_path / "corpus", g=ARTICLE_G), tmp_path / "index"
    build_index(corpus, index_dir, fake_encoder, **build_kwargs())
    path = index_dir / GLOSSARY_FILE
    path.write_bytes(b"{" * path.stat().st_size)  # same size: only parsing can tell
    with pytest.raises(IndexCorruptError, match=r"glossary\.jsonl.*sousei build"):
        load_store(index_dir)


def test_the_english_words_an_articles_pair_translates_whole():
    from ingest.glossary import GlossaryEntry, GlossaryMatcher

    matcher = GlossaryMatcher(
        [
            GlossaryEntry("臺灣地方創生", ("Regional Revitalization",), "doc"),
            GlossaryEntry("地方經濟分析系統", ("Regional Economy Society Analyzing System", "RESAS"), "doc"),
            GlossaryEntry("GIGA School", ("Global Innovation Gateway for All",), "doc"),  # not Chinese
        ]
    )
    asked = "Which year did Taiwan declare as the first year of regional revitalization?"
    assert matcher.translated_words(asked) == {"regional", "revitalization"}
    # an acronym or one word stays an English word of the question; so does a Latin native term
    assert matcher.translated_words("What is RESAS?") == frozenset()
    assert matcher.translated_words("What does Global Innovation Gateway for All mean?") == frozenset()
    assert matcher.translated_words("What does the Regional Economy Society Analyzing System show?") == {
        "regional",
        "economy",
        "society",
        "analyzing",
        "system",
    }
    assert matcher.translated_words("地方創生是什麼") == frozenset()


def test_the_passage_glossing_a_term_does_not_outrank_the_one_that_answers(tmp_path, fake_encoder):
    glossed = "本文回顧臺灣地方創生（Regional Revitalization）政策的形成。"
    answers = "國發會宣布2019年為臺灣地方創生元年。"
    corpus, index_dir = write_corpus(tmp_path / "corpus", t=f"{glossed}\n\n{answers}"), tmp_path / "index"
    build_index(corpus, index_dir, fake_encoder, **build_kwargs())
    searcher = Searcher.open(index_dir, fake_encoder, **open_kwargs())
    question = "Which year was declared the first year of Taiwan's regional revitalization?"
    assert [h.passage.text for h in searcher.search(question, top_k=2, mode="bm25")][0] == answers
    as_english = Searcher.open(index_dir, fake_encoder, **open_kwargs())
    as_english._translated = None  # the English words searched as they are: the glossing passage wins
    assert [h.passage.text for h in as_english.search(question, top_k=2, mode="bm25")][0] == glossed
