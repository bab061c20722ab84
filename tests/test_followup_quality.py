"""Real model, real index of the seed articles: follow-up first-quote accuracy on the two-turn
dialogues (tests/data/dialogues.jsonl), the held-out ``test`` split never tuned on (slow).

Measured on the final main of 2026-11-30 (every change chosen on ``train``): all 126 train
dialogues 0.865; test 0.714 (alone: 0.460), down from 0.730 (one dialogue of 63; the refitted
sentence ranker moves one or two each time); a later blind batch (tests/data/dialogues_fresh.jsonl,
60 dialogues, first read then) 0.633 (alone 0.333). The floors are a little under, so CI catches a
regression; the 0.80 aimed for in issue 11 is not reached on held-out dialogues.

After the next session (ordinals, "more" follow-ups, the decision on the combined text, 80 more
blind train dialogues): train (206) 0.811, test 0.730 (alone 0.492), w6 0.750 (alone 0.400), and
a third blind batch written after those changes (tests/data/dialogues_fresh2.jsonl, w8d, 60
dialogues), first read: 0.800 (alone 0.550). All 183 held-out dialogues together: 0.760.

After the character-pair re-ranking, the count check and a refit: train 0.796, test 0.746, w6
0.767, w8 0.783, and a fourth blind batch (tests/data/dialogues_fresh3.jsonl, w9d, 60 dialogues),
first read: 0.750 (alone 0.500; the previous main on it: 0.767). All 243 held out: 0.761, as before.
A fifth blind batch (tests/data/dialogues_fresh4.jsonl, w10d, 60), first read: 0.800 (alone 0.567;
the previous main on it: 0.783). All 303 held out: 0.769. After w6 and w8's questions joined the
train split and the refit: train 0.811, test 0.730, w6d 0.750, w8d 0.800, w9d 0.750, w10d 0.817
(the dialogues are not fitting data; all 303: 0.769). A sixth blind batch
(tests/data/dialogues_fresh6.jsonl, w12d, 60): 0.717 (alone 0.533; the previous main: 0.733).
All 363 held out: 0.760. Items read in their passage's sequence (再來 after 接著 is the third):
test 0.746, the others unchanged, all 363: 0.763. A seventh blind batch
(tests/data/dialogues_fresh7.jsonl, w13d, 60), first read: 0.700 (alone 0.433; ce6c0c9: 0.700).
After table rows named without quotes and a refit: w9d 0.767, w10d 0.800, train 0.801, the rest
unchanged. Then ordinal follow-ups (the paragraph after the previous answer's passage joins the pool,
a numbered heading 構想二: opens item 2, anywhere in the article), whole-word carried terms and
"那 X 呢？" favouring the sentence labelled or opening with X: train 0.850, test 0.778, w6d 0.733,
w8d 0.817, w9d 0.817, w10d 0.800, w12d 0.733, w13d 0.717 (all 423: 0.771). An eighth blind batch
(tests/data/dialogues_fresh8.jsonl, w14d, 60), first read: 0.667 (alone 0.283; 73dca45: 0.617). A ninth blind batch
(tests/data/dialogues_fresh9.jsonl, w15d, 60), first read on 58dde6a: 0.783 (alone 0.467). A tenth
blind batch (tests/data/dialogues_fresh10.jsonl, w17d, 60, more English and subjectless follow-ups),
first read on 937bdc7: 0.683 (alone 0.517); 0.700 on a43b380, 0.683 with the answer-kind feature.
Then English function words, a named column of a quoted table row, 為什麼 after 因此 and 第二個 of a
quoted list (written from misses of w3d-w17d; train 0.879 -> 0.888, all 603 of those 0.784 -> 0.818,
not a clean read). An eleventh blind batch (tests/data/dialogues_fresh11.jsonl, w18d, 60, a third of
the answers in another paragraph), first read on b7aa9b5: 0.583 (alone 0.483); with those rules 0.633.
Then footnotes for a source asked, lead-ins handing over, purpose and the label fix (tuned on the blind
batch w19d, then put in the train split): w18d 0.633 unchanged. A twelfth blind batch
(tests/data/dialogues_fresh12.jsonl, w20d, 60), first read on d81fb87's rules: 0.783 (alone 0.583;
b7aa9b5: 0.733). A thirteenth blind batch (tests/data/dialogues_fresh13.jsonl, w22d, 60), first read
on 5f8a8db: 0.900 (alone 0.633); 0.883 on cdf7f23. A fourteenth (tests/data/dialogues_fresh14.jsonl,
w24d, 60), first read on cdf7f23: 0.767 (alone 0.550; 48fc27c's rules 0.750). w18d on cdf7f23: 0.600
(alone 0.483). A fifteenth (tests/data/dialogues_fresh15.jsonl, w28d, 60, 20 asking for an item by
position), first read on de5092c: 0.717 (alone 0.417); with the counted inline list (第二支箭 after
資訊、人才及財政三支箭) and the other items giving way: 0.750 (the ordinal ones 12 -> 14 of 20).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.followup_eval import DIALOGUES, run
from chat.abstain import DecisionModel
from chat.config import Config
from chat.engine import Engine
from index.build import build_index

pytestmark = pytest.mark.slow
ALL_FEATURES = Path(__file__).parent / "data" / "decision_all_sentence_features.json"  # see test_structure_real


@pytest.fixture(scope="module")
def engine(real_encoder, seed_corpus, tmp_path_factory) -> Engine:
    index_dir = tmp_path_factory.mktemp("followups") / "index"
    build_index(seed_corpus, index_dir, real_encoder)
    config = Config.load(corpus_dir=seed_corpus, index_dir=index_dir)
    return Engine.with_encoder(config, real_encoder, say=lambda _m: None)


def test_follow_ups_on_the_held_out_dialogues(engine):
    result = run(DIALOGUES, "test", engine)
    print(f"\nfollow-ups (test): {result}")
    assert result["dialogues"] >= 60
    assert result["follow_up_first_quote"] >= 0.68
    assert result["follow_up_first_quote"] >= result["without_previous"] + 0.2  # the previous turn helps


@pytest.mark.parametrize(
    ("name", "floor"),
    [
        ("dialogues_fresh", 0.68),
        ("dialogues_fresh2", 0.73),
        ("dialogues_fresh3", 0.70),
        ("dialogues_fresh4", 0.73),
        ("dialogues_fresh6", 0.66),
        ("dialogues_fresh7", 0.65),
        ("dialogues_fresh8", 0.62),
        ("dialogues_fresh9", 0.73),
        ("dialogues_fresh10", 0.63),
        ("dialogues_fresh11", 0.58),  # w18d: a third of the answers in another paragraph than turn 1's
        ("dialogues_fresh12", 0.73),  # w20d
        ("dialogues_fresh13", 0.85),  # w22d
        ("dialogues_fresh14", 0.70),  # w24d
        ("dialogues_fresh15", 0.70),  # w28d: a third ask for an item by position
    ],
)
def test_follow_ups_on_the_fresh_dialogues(engine, name, floor):
    result = run(DIALOGUES.parent / f"{name}.jsonl", "test", engine)
    print(f"\nfollow-ups ({name}): {result}")
    assert result["dialogues"] >= 50
    assert result["follow_up_first_quote"] >= floor
    # the previous turn helps: by 0.117 (w18d: 0.600 against 0.483 alone, 0.15 at its first read) to
    # 0.33 (w6d) on these sets
    assert result["follow_up_first_quote"] >= result["without_previous"] + 0.11


def test_the_readme_s_second_arrow_and_a_chain_of_follow_ups(engine):
    # a tester's: 那第二支箭呢？ after 三支箭是什麼？ (README's own example) was refused as on another
    # subject, and 第三項呢？ after 第二項呢？ lost the subject
    arrow = engine.answer("那第二支箭呢？", previous="三支箭是什麼？")
    assert arrow.found and "資訊、人才及財政三支箭" in arrow.quotes[0].text
    third = engine.answer_in_conversation("第三項呢？", ["地域未來構想一有哪幾項？", "第二項呢？"])
    assert third.found and third.quotes[0].text.startswith("3.推動無現金社會")


def test_a_parallel_aspect_and_a_goal_asked_by_its_place(engine, monkeypatch):
    # a tester's: 那交通呢？ after a 醫療 follow-up repeated the overview sentence (醫療、交通、觀光…),
    # and 第二個目標呢？ after 構想三 quoted 構想一's heading (which holds the word 目標). The rules are
    # shown on the ranker reading every sentence feature (the one shipped before): the shipped one quotes
    # 在交通… without them.
    conversation = ["智慧城市著重哪些面向？", "醫療方面呢？"]
    with monkeypatch.context() as patched:
        patched.setattr(engine, "_decision", DecisionModel.load(ALL_FEATURES))
        traffic = engine.answer_in_conversation("那交通呢？", conversation)
        assert traffic.found and traffic.quotes[0].text.startswith("在交通、觀光、支付和物流方面")
        second = engine.answer("第二個目標呢？", previous="地域未來構想三是什麼？")
        assert second.found and not second.uncertain and second.quotes[0].text.startswith("地域未來構想二")
        # without the rule 第二個目標 is not 構想二. (A check here that 那交通呢？ is not quoted from 在交通…
        # without the lead-in held only when other test modules had run first: run alone it failed on
        # 21f4a99 too. The lead-in is shown in test_followup.py instead.)
        patched.setattr("chat.followup.NAMED_SERIES", False)
        before = engine.answer("第二個目標呢？", previous="地域未來構想三是什麼？")
        assert not before.quotes[0].text.startswith("地域未來構想二")
    traffic = engine.answer_in_conversation("那交通呢？", conversation)
    assert traffic.found and traffic.quotes[0].text.startswith("在交通、觀光、支付和物流方面")
    second = engine.answer("第二個目標呢？", previous="地域未來構想三是什麼？")
    assert second.found and not second.uncertain and second.quotes[0].text.startswith("地域未來構想二")


def test_a_follow_up_found_by_no_reading_passes_its_reading_on(engine, monkeypatch):
    # a tester's: 那台灣呢？ after 那韓國呢？ after 日本哪年通過創生法？ was searched alone (the 韓國 turn, not
    # found, passed on only its own words) and answered at 0.78 with Japan's 2013 under a heading naming 台灣
    earlier = ["日本哪年通過創生法？"]
    korea = engine.answer_in_conversation("那韓國呢？", earlier)
    assert not korea.found and "創生法" in korea.question and "韓國" in korea.question
    taiwan = engine.answer_in_conversation("那台灣呢？", [*earlier, "那韓國呢？"])
    # searched with the first turn's words, it quotes no passage of Japan's law (since the closeness to
    # earlier questions it is a confident answer, 0.77, quoting the article's paragraph on Taiwan's
    # approach; 可能相關 before)
    assert "創生法" in taiwan.question and not any("創生法" in quote.text for quote in taiwan.quotes)
    monkeypatch.setattr("chat.followup.CONTEXT_KEPT", False)
    assert engine.answer_in_conversation("那韓國呢？", earlier).question == "那韓國呢？"
    alone = engine.answer_in_conversation("那台灣呢？", [*earlier, "那韓國呢？"])
    assert alone.question == "那台灣呢？" and alone.found and not alone.uncertain
