"""ingest.homophones: a question word typed with a wrong character of the same sound (known answers,
with the real pypinyin and jieba dictionaries and a tiny vocabulary)."""

import pytest

from ingest.homophones import HomophoneExpander, sound
from ingest.segment import in_dictionary

VOCABULARY = ["总务省", "交付金", "避难", "临时", "像是", "它们", "基本", "机制"]


def expander(terms):
    return HomophoneExpander(
        vocabulary=lambda: VOCABULARY,
        known=lambda t: t in VOCABULARY,
        terms=lambda _q: terms,
        is_word=in_dictionary,
        stopwords=lambda: frozenset({"像是"}),
    )


def test_sound_is_toneless_pinyin():
    assert sound("交付金") == sound("交富金") == ("jiao", "fu", "jin")
    assert sound("总务省") != sound("总理省")


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("总物省", ["总务省"]), ("交富金", ["交付金"]), ("避南", ["避难"]), ("林时", ["临时"])],
)
def test_a_word_in_no_passage_and_no_dictionary_gets_the_articles_homophone(typed, meant):
    assert expander([typed, "政策"])("…") == meant


def test_a_typo_inside_a_longer_word_is_matched_by_the_window_that_holds_it():
    from ingest.homophones import pieces

    assert pieces("避南所") == ["避南所", "避南", "南所"]
    assert expander(["避南所"])("…") == ["避难"]  # 避難所 is none of the articles' words; 避難 is
    assert expander(["总物省"])("…") == ["总务省"]  # the whole word first, not a window of it


@pytest.mark.parametrize(
    "word",
    [
        "他们",  # a dictionary word: not a typo, though the articles write 它们
        "项是",  # the articles' homophone 像是 is a stopword
        "总务省",  # the articles use it: nothing to repair
        "总理省",  # no homophone in the vocabulary
    ],
)
def test_real_words_known_words_and_stopword_homophones_are_left_alone(word):
    assert expander([word])("…") == []


def test_the_dictionary_knows_words_and_not_typos():
    assert in_dictionary("他们") and in_dictionary("鼓励")
    assert not in_dictionary("总物省") and not in_dictionary("交富金")
