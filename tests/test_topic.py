"""The topic signal: a question compared with the passages encoded as questions, the mean vector
of everyday questions taken away (``Searcher.topic_similarity``), fitted into the found decision."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from chat.abstain import FOUND_FEATURES, DecisionModel, feature_values
from chat.answer import measure, prepare_question, topic_of
from chat.fit_decision import EVERYDAY_FILE, question_center, unanswerable_questions
from index.build import build_index
from index.search import Searcher
from index.store import TOPIC_VECTORS_FILE, load_store
from tests.chat_fakes import ANSWERED, FakeSearcher, seed_articles
from tests.fakes import FakeEncoder
from tests.index_fakes import ARTICLE_A, ARTICLE_B, build_kwargs, open_kwargs, write_corpus


@pytest.fixture
def searcher(tmp_path, fake_encoder):
    corpus = write_corpus(tmp_path / "corpus", a=ARTICLE_A, b=ARTICLE_B)
    build_index(corpus, tmp_path / "index", fake_encoder, **build_kwargs())
    return Searcher.open(tmp_path / "index", fake_encoder, **open_kwargs())


def test_the_build_stores_each_passage_encoded_as_a_question(searcher, fake_encoder):
    stored = load_store(searcher.index_dir)
    assert (searcher.index_dir / TOPIC_VECTORS_FILE).is_file()
    expected = fake_encoder.encode_queries([p.text for p in stored.passages])
    assert np.allclose(np.asarray(stored.topics), expected, atol=1e-6)


def test_a_rebuild_takes_the_question_encodings_from_the_cache(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", a=ARTICLE_A, b=ARTICLE_B)
    encoder = FakeEncoder()
    build_index(corpus, tmp_path / "index", encoder, **build_kwargs())
    first = encoder.calls
    build_index(corpus, tmp_path / "index", encoder, **build_kwargs())
    assert first > 0 and encoder.calls == first  # nothing encoded again, question encodings included


def test_topic_similarity_is_the_best_centered_cosine(searcher, fake_encoder):
    stored = load_store(searcher.index_dir)
    center = fake_encoder.encode_queries(["什麼是什麼？"])[0]
    question = fake_encoder.encode_queries([stored.passages[1].text])[0]
    # the question is a passage's own text: its centered cosine with that passage is 1
    assert searcher.topic_similarity(question, center) == pytest.approx(1.0, abs=1e-5)
    other = fake_encoder.encode_queries(["今天晚餐吃什麼比較好"])[0]
    topics = np.asarray(stored.topics) - center
    expected = max(float(t @ (other - center)) / np.linalg.norm(t) / np.linalg.norm(other - center) for t in topics)
    assert searcher.topic_similarity(other, center) == pytest.approx(expected, abs=1e-5)


def test_the_center_changes_the_similarity_and_a_new_center_is_used(searcher, fake_encoder):
    question = fake_encoder.encode_queries(["REVIC提供什麼？"])[0]
    zero = np.zeros_like(question)
    shifted = fake_encoder.encode_queries(["提供什麼"])[0]
    plain, centered = searcher.topic_similarity(question, zero), searcher.topic_similarity(question, shifted)
    assert plain is not None and centered is not None and plain != pytest.approx(centered)
    assert searcher.topic_similarity(question, zero) == pytest.approx(plain)  # the cached matrix follows the center


def test_measure_reads_the_topic_only_with_a_center_of_the_questions_dimension(fake_encoder):
    fake = FakeSearcher(seed_articles())
    prepared = prepare_question("REVIC提供什麼？")
    assert not isinstance(prepared, str)
    center = fake_encoder.encode_queries(["什麼"])[0]
    with_center = measure(prepared, fake, 5, center)
    assert with_center is not None and with_center.signals.topic is not None
    assert with_center.signals.topic == pytest.approx(topic_of(prepared.query, fake, center))
    without = measure(prepared, fake, 5)
    assert without is not None and without.signals.topic is None
    assert topic_of(prepared.query, fake, np.zeros(7, np.float32)) is None  # fitted for another model


def test_the_decision_carries_its_center_and_the_topic_feature(tmp_path):
    model = DecisionModel.load()
    assert "topic" in model.found.features and "topic" in FOUND_FEATURES
    center = model.center()
    assert center is not None and center.shape == (384,)  # multilingual-e5-small's dimension
    path = tmp_path / "decision.json"
    replace(model, question_center=(0.5, -0.25)).save(path)
    assert DecisionModel.load(path).center().tolist() == [0.5, -0.25]
    data = json.loads(path.read_text(encoding="utf-8"))
    del data["question_center"]
    path.write_text(json.dumps(data), encoding="utf-8")
    assert DecisionModel.load(path).center() is None  # a decision fitted before the topic signal


def test_the_found_model_prefers_a_question_on_the_articles_subject():
    from chat.abstain import sigmoid

    model = DecisionModel.load()
    base = replace(ANSWERED, coverage=0.5, unknown=0.3, dense_top=0.86, topic=0.5)
    near, far = replace(base, topic=0.8), replace(base, topic=0.3)
    logit = lambda s: model.found.logit(feature_values(s, model.found.features))  # noqa: E731
    assert sigmoid(logit(near)) > sigmoid(logit(base)) > sigmoid(logit(far))


def test_the_unanswerable_questions_are_unanswerable_and_their_center_is_their_mean(fake_encoder):
    questions = unanswerable_questions()
    assert len(questions) >= 400 and len({q["q"] for q in questions}) == len(questions)
    assert all(q["gold"] == [] and q["article"] == "none" for q in questions)
    assert {q["lang"] for q in questions} == {"zh-Hant", "zh-Hans", "en", "ja"}
    center = question_center(questions[:3], fake_encoder)
    assert np.allclose(center, fake_encoder.encode_queries([q["q"] for q in questions[:3]]).mean(axis=0))
    assert EVERYDAY_FILE.name == "everyday.jsonl"


def test_the_non_questions_join_the_fit_as_junk():
    from chat.fit_decision import JUNK_FILE

    junk = unanswerable_questions(JUNK_FILE, "junk")
    assert len(junk) >= 200 and len({q["q"] for q in junk}) == len(junk)
    assert all(q["gold"] == [] and q["kind"] == "junk" and q["article"] == "none" for q in junk)
    assert len({q["type"] for q in junk}) >= 10  # code, markup, injections, mashing, emoji, logs…


def test_a_topic_not_measured_counts_as_the_fitted_mean():
    model = DecisionModel.load().found
    i = model.features.index("topic")
    measured = replace(ANSWERED, topic=model.mean[i])
    values, unmeasured = feature_values(measured, model.features), feature_values(ANSWERED, model.features)
    assert np.isnan(unmeasured[i]) and model.logit(unmeasured) == pytest.approx(model.logit(values))
    assert model.logit(feature_values(replace(ANSWERED, topic=0.0), model.features)) != pytest.approx(
        model.logit(values)
    )


def test_the_fit_reads_an_unmeasured_signal_as_its_mean():
    from chat.fit_decision import fit_linear

    x = np.array([[0.1, np.nan], [0.9, np.nan], [0.2, np.nan], [0.8, np.nan]])
    model = fit_linear(x, np.array([0, 1, 0, 1]), ["coverage", "topic"])
    assert model.mean[1] == 0.0 and np.isfinite(model.coef).all()
    assert model.logit([0.9, np.nan]) > model.logit([0.1, np.nan])
