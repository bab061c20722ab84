"""index.asked's unanswerable questions: how much closer a question is to an earlier question the
articles did not answer than to an answered one, a signal of the found decision (chat.abstain)."""

from __future__ import annotations

import json
import math
from dataclasses import replace

import numpy as np
import pytest

from chat.abstain import FEATURES, FOUND_FEATURES, DecisionModel, LinearModel, Signals, feature_values, onto_bands
from chat.fit_decision import MONOTONIC
from chat.make_asked import all_train_questions, batch_of
from index.asked import (
    DATA_DIR,
    ENTRIES_FILE,
    AskedEntry,
    AskedMemory,
    load_asked,
    make_entries,
    save_asked,
    unanswered_entries,
)
from index.build import build_index
from index.search import Searcher
from tests.fakes import FakeEncoder
from tests.index_fakes import ARTICLE_A, ARTICLE_B, ARTICLE_C, build_kwargs, open_kwargs, write_corpus


def _unit(x: float) -> list[float]:
    return [x, math.sqrt(1 - x * x)]


def _memory(entries: list[AskedEntry], vectors: list[list[float]]) -> AskedMemory:
    return AskedMemory(tuple(entries), np.asarray(vectors, dtype=np.float32), "fp")


MEMORY = _memory(
    [
        AskedEntry("答得出來", ("x",), "h", "w1"),
        AskedEntry("答不出來", (), "", "w1"),
        AskedEntry("別人答不出來", (), "", "w2"),
        AskedEntry("別人答得出來", ("y",), "h", "w2"),
    ],
    [_unit(0.6), _unit(0.95), _unit(0.8), _unit(0.5)],
)
QUESTION = np.array([1.0, 0.0], dtype=np.float32)
ALL = np.ones(4, dtype=bool)


def test_closest_is_the_best_cosine_with_an_unanswered_and_with_an_answered_question():
    assert MEMORY.closest(QUESTION, ALL) == pytest.approx((0.95, 0.6), abs=1e-6)


def test_closest_counts_only_the_usable_entries():
    usable = np.array([False, True, True, True])  # the first one's passage is not indexed
    assert MEMORY.closest(QUESTION, usable) == pytest.approx((0.95, 0.5), abs=1e-6)
    assert MEMORY.closest(QUESTION, np.array([True, False, False, True])) is None  # no unanswered one left


def test_the_question_measured_is_left_out_with_its_whole_batch():
    # 答不出來 was written in w1: its writer's other questions (答得出來) go too, as for a new writer
    assert MEMORY.left_out("答不出來？").tolist() == [True, True, False, False]
    assert MEMORY.closest(QUESTION, ALL, leave_out="答不出來？") == pytest.approx((0.8, 0.5), abs=1e-6)
    assert MEMORY.left_out("沒問過").tolist() == [False] * 4
    assert MEMORY.closest(QUESTION, ALL, leave_out="沒問過") == MEMORY.closest(QUESTION, ALL)


def test_an_entry_without_a_batch_is_left_out_alone():
    entries = [AskedEntry("甲", (), ""), AskedEntry("乙", ("x",), "h"), AskedEntry("丙", (), "")]
    memory = _memory(entries, [_unit(0.9)] * 3)
    assert memory.left_out("甲").tolist() == [True, False, False]


def test_restricted_keeps_the_unanswered_questions():
    only = MEMORY.restricted({"other-hash"})
    assert [e.question for e in only.entries] == ["答不出來", "別人答不出來"]


def test_unanswered_entries_are_each_wording_once_and_never_an_answered_wording():
    answered = make_entries([{"q": "ICT?", "gold": ["ICT"]}], [_article()])
    questions = [
        {"q": "ICT？", "gold": []},  # worded as the answered one: a writer disagreeing is no evidence
        {"q": "火星?", "gold": [], "batch": "w1"},
        {"q": "火星？", "gold": [], "batch": "w2"},
        {"q": "RESAS?", "gold": ["RESAS"]},
    ]
    assert unanswered_entries(questions, answered) == [AskedEntry("火星?", (), "", "w1")]


def _article():
    from ingest.records import Article, ArticleMeta

    return Article("a", ArticleMeta("a"), "總務省推動 ICT", (), content_hash="hash-a")


def test_saved_batches_and_unanswered_entries_load_back_and_a_version_1_file_still_loads(tmp_path):
    encoder = FakeEncoder()
    entries = [AskedEntry("ICT?", ("ICT",), "hash-a", "w3"), AskedEntry("火星?", (), "", "w4")]
    save_asked(entries, encoder.encode_queries, encoder.model_id, "fp-1", tmp_path)
    memory = load_asked("fp-1", tmp_path)
    assert memory is not None and memory.entries == tuple(entries)
    data = json.loads((tmp_path / ENTRIES_FILE).read_text(encoding="utf-8"))
    old = [{k: v for k, v in e.items() if k != "batch"} for e in data["entries"][:1]]
    (tmp_path / ENTRIES_FILE).write_text(json.dumps({**data, "version": 1, "entries": old}), encoding="utf-8")
    np.save(tmp_path / "asked.npy", np.load(tmp_path / "asked.npy")[:1])
    loaded = load_asked("fp-1", tmp_path)
    assert loaded is not None and loaded.entries == (AskedEntry("ICT?", ("ICT",), "hash-a"),)


def test_the_batch_of_a_question_is_its_batch_else_its_ids_prefix_else_its_file(tmp_path):
    assert batch_of({"id": "w36-12", "batch": "w17"}, tmp_path / "f.jsonl") == "w17"
    assert batch_of({"id": "w36-12"}, tmp_path / "f.jsonl") == "w36"
    assert batch_of({"id": "a01"}, tmp_path / "early.jsonl") == "early"
    bank, extra = tmp_path / "bank.jsonl", tmp_path / "extra.jsonl"
    bank.write_text(
        "\n".join(
            json.dumps(r)
            for r in [
                {"id": "w1-1", "q": "A?", "gold": ["a"], "split": "train"},
                {"id": "w1-2", "q": "B?", "gold": [], "split": "train"},
                {"id": "w2-1", "q": "C?", "gold": [], "split": "test"},
            ]
        ),
        encoding="utf-8",
    )
    extra.write_text(json.dumps({"id": "x1", "q": "D?", "gold": []}), encoding="utf-8")
    chosen = all_train_questions(bank, None, [extra])
    assert [(q["q"], q["batch"]) for q in chosen] == [("A?", "w1"), ("B?", "w1"), ("D?", "extra")]


def test_the_signals_are_found_features_read_as_the_fitted_mean_when_unmeasured():
    assert {"asked_unanswered", "asked_answered"} <= set(FOUND_FEATURES)
    assert MONOTONIC["asked_unanswered"] == -1 and MONOTONIC["asked_answered"] == 1
    measured = Signals(
        n_terms=1, coverage=1.0, unknown=0.0, unknown_terms=0, numbers_missing=0.0, dense_top=0.9,
        dense_gap=0.0, dense_spread=0.0, ranks_agree=True, sentence=1.0, sentence_dense=0.9,
        latin=0.0, letters=1.0, chars=5, asked_unanswered=0.9, asked_answered=0.8,
    )  # fmt: skip
    names = ["asked_unanswered", "asked_answered"]
    assert feature_values(measured, names) == pytest.approx([0.9, 0.8])
    unmeasured = replace(measured, asked_unanswered=None, asked_answered=None)
    assert all(math.isnan(v) for v in feature_values(unmeasured, names))
    assert set(names) <= set(FEATURES)


@pytest.fixture
def searcher(tmp_path, fake_encoder):
    corpus = write_corpus(tmp_path / "corpus", a=ARTICLE_A, b=ARTICLE_B, c=ARTICLE_C)
    build_index(corpus, tmp_path / "index", fake_encoder, **build_kwargs())
    return Searcher.open(tmp_path / "index", fake_encoder, **open_kwargs())


def _remembering(searcher: Searcher, encoder, about: set[str]) -> Searcher:
    """``searcher`` with a memory of one answered question about the first passage of each article
    in ``about`` and one unanswerable question."""
    firsts = {p.doc_id: p.text for p in reversed(searcher.passages) if p.doc_id in about}
    asked = [{"q": f"第{n}篇寫了甚麼", "gold": [text], "batch": "w1"} for n, text in enumerate(firsts.values())]
    entries = [*make_entries(asked, searcher.articles()), AskedEntry("火星上有幾個地方政府", (), "", "w2")]
    memory = AskedMemory(tuple(entries), encoder.encode_queries([e.question for e in entries]), "fake-v1")
    return Searcher(searcher.index_dir, searcher._stored, encoder, searcher._tokenize, searcher.fusion, asked=memory)


def test_searcher_measures_closeness_only_when_the_best_passages_are_in_articles_the_memory_is_about(
    searcher, fake_encoder
):
    docs = {a.doc_id for a in searcher.articles()}
    question = "火星上有幾個地方政府"
    remembering = _remembering(searcher, fake_encoder, docs)
    closeness = remembering.asked_closeness(question, docs)
    assert closeness is not None and closeness[0] == pytest.approx(1.0, abs=1e-3)  # worded as the unanswered one
    one = sorted(docs)[0]
    partial = _remembering(searcher, fake_encoder, {one})
    assert partial.asked_closeness(question, {one}) is not None
    # a best passage in an article no earlier question is about (an added article): not measured
    assert partial.asked_closeness(question, docs) is None
    assert searcher.asked_closeness(question, docs) is None  # no memory
    remembering.leave_out_asked = True  # as the fit measures it: not its own evidence, nor its batch's
    assert remembering.asked_closeness(question, docs) is None  # w2 held the only unanswered question


def test_shipped_memory_holds_the_train_materials_unanswerable_questions_each_with_its_batch():
    data = json.loads((DATA_DIR / ENTRIES_FILE).read_text(encoding="utf-8"))
    unanswered = [e for e in data["entries"] if not e["gold"]]
    assert len(unanswered) >= 2000 and all(e["article"] == "" for e in unanswered)
    assert all(e.get("batch") for e in data["entries"])
    assert len({e["batch"] for e in data["entries"]}) >= 40


def test_onto_bands_moves_a_probability_piecewise_linearly_between_the_bands():
    assert onto_bands(0.1, (0.2, 0.6), (0.25, 0.7)) == pytest.approx(0.125)
    assert onto_bands(0.3, (0.2, 0.6), (0.25, 0.7)) == pytest.approx(0.25 + 0.25 * 0.45)
    assert onto_bands(0.8, (0.2, 0.6), (0.25, 0.7)) == pytest.approx(0.85)
    assert onto_bands(0.2, (0.2, 0.6), (0.25, 0.7)) == pytest.approx(0.25)  # a threshold onto a threshold
    assert onto_bands(0.0, (0.2, 0.6), (0.25, 0.7)) == 0.0 and onto_bands(1.0, (0.2, 0.6), (0.25, 0.7)) == 1.0


def _decisions() -> DecisionModel:
    sentence = LinearModel(("lexical",), (0.0,), (1.0,), (1.0,), 0.0)
    # with the signals: an earlier unanswered question this close means not found
    main = LinearModel(("coverage", "asked_unanswered"), (0.5, 0.5), (0.25, 0.25), (1.0, -4.0), 0.0)
    # without them: coverage alone, on other bands
    alone = LinearModel(("coverage",), (0.5,), (0.25,), (2.0,), 0.0)
    fallback = DecisionModel(found=alone, found_at=0.8, maybe_at=0.4, sentence=sentence)
    return DecisionModel(found=main, found_at=0.7, maybe_at=0.3, sentence=sentence, unmeasured=fallback)


QUESTION_SIGNALS = Signals(
    n_terms=2, coverage=0.75, unknown=0.0, unknown_terms=0, numbers_missing=0.0, dense_top=0.9,
    dense_gap=0.0, dense_spread=0.0, ranks_agree=True, sentence=1.0, sentence_dense=0.9,
    latin=0.0, letters=1.0, chars=8,
)  # fmt: skip


def test_a_question_whose_closeness_is_unmeasured_is_decided_by_the_model_fitted_without_it():
    model = _decisions()
    close = model.decide(replace(QUESTION_SIGNALS, asked_unanswered=0.9, asked_answered=0.5))
    assert not close.found  # z = 1 * 1 - 4 * 1.6 < 0: the earlier unanswered question decides
    unmeasured = model.decide(QUESTION_SIGNALS)  # an added article's question: coverage alone
    p = 1 / (1 + math.exp(-2.0))  # z = 2 * (0.75 - 0.5) / 0.25
    assert unmeasured.found and not unmeasured.uncertain  # 0.881 >= the fallback's found_at 0.8
    assert unmeasured.confidence == pytest.approx(0.7 + (p - 0.8) / 0.2 * 0.3, abs=1e-4)  # on the main bands
    assert model.shown(unmeasured) == unmeasured.confidence
    # without a fallback, the unmeasured signal is read as the fitted mean (0.5): z = 1 - 0 = 1
    plain = replace(model, unmeasured=None).decide(QUESTION_SIGNALS)
    assert plain.confidence == pytest.approx(round(1 / (1 + math.exp(-1.0)), 4))


def test_the_decision_for_unmeasured_questions_round_trips_without_a_second_ranker(tmp_path):
    model = _decisions()
    model.save(tmp_path / "d.json")
    data = json.loads((tmp_path / "d.json").read_text(encoding="utf-8"))
    assert "sentence" not in data["unmeasured"] and data["version"] == 3
    assert DecisionModel.load(tmp_path / "d.json") == model


def test_a_kept_decision_for_unmeasured_questions_must_be_fitted_without_the_closeness(tmp_path):
    from chat.fit_decision import _unmeasured_lines, kept_unmeasured

    model = replace(_decisions(), model_fingerprint="fp")
    assert model.unmeasured is not None
    earlier = replace(model.unmeasured, model_fingerprint="fp", found_at=0.75, maybe_at=0.2)
    earlier.save(tmp_path / "earlier.json")
    kept, report = kept_unmeasured(model, {"unmeasured_cv_missed": 0.1}, tmp_path / "earlier.json")
    assert kept.unmeasured is not None and kept.unmeasured.found == earlier.found
    assert (kept.unmeasured.maybe_at, kept.unmeasured.found_at) == (0.2, 0.75)
    assert "unmeasured_cv_missed" not in report and "kept from" in _unmeasured_lines(report)[0]
    replace(model, unmeasured=None).save(tmp_path / "reads_it.json")  # its found model reads asked_unanswered
    with pytest.raises(ValueError, match="fitted without them"):
        kept_unmeasured(model, {}, tmp_path / "reads_it.json")
    replace(earlier, model_fingerprint="other").save(tmp_path / "other.json")
    with pytest.raises(ValueError, match="another embedding model"):
        kept_unmeasured(model, {}, tmp_path / "other.json")
