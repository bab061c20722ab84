"""The sentence ranker's features, chosen across articles (chat.fit_decision.select_ranker_features)."""

from __future__ import annotations

import numpy as np
import pytest

from chat.abstain import DecisionModel, LinearModel
from chat.answer import SENTENCE_FEATURES
from chat.fit_decision import (
    RANKER_DROPPED,
    RANKER_FEATURES,
    select_ranker_features,
    top_sentence_accuracy,
    unit_scores,
)


def _article(rng: np.random.Generator, questions: int, local_sign: float) -> list[tuple[np.ndarray, np.ndarray]]:
    """Questions of four units, one holding the answer. Feature "shared" marks it in every article;
    "local" marks it in this article's way (``local_sign``): +1 where it leads to the answer, -1
    where it leads away; "noise" never says anything."""
    groups = []
    for _ in range(questions):
        y = np.zeros(4, dtype=int)
        y[rng.integers(4)] = 1
        shared = y * 1.0 + rng.normal(0, 0.9, 4)
        local = local_sign * y * 2.0 + rng.normal(0, 0.5, 4)
        groups.append((np.column_stack([shared, local, rng.normal(0, 1, 4)]), y))
    return groups


def test_a_feature_that_points_the_other_way_in_another_article_is_dropped():
    rng = np.random.default_rng(0)
    first, second = _article(rng, 150, +1.0), _article(rng, 150, -1.0)
    kept, steps = select_ranker_features([(first, second), (second, first)], ("shared", "local", "noise"))
    assert "local" not in kept and "shared" in kept
    assert steps[0][0] == "" and steps[1][0] == "local"
    assert steps[-1][1] > steps[0][1] + 0.2  # scored on the article not fitted on


def test_a_feature_that_carries_over_is_kept():
    rng = np.random.default_rng(1)
    first, second = _article(rng, 150, +1.0), _article(rng, 150, +1.0)
    kept, steps = select_ranker_features([(first, second), (second, first)], ("shared", "local", "noise"))
    assert {"shared", "local"} <= set(kept)
    assert all(name != "local" for name, _ in steps)


def test_top_sentence_accuracy_counts_questions_whose_best_unit_holds_the_answer():
    model = LinearModel(("a",), (0.0,), (1.0,), (1.0,), 0.0)
    right = (np.array([[0.1], [0.9]]), np.array([0, 1]))
    wrong = (np.array([[0.8], [0.2], [0.5]]), np.array([0, 0, 1]))
    assert top_sentence_accuracy(model, [right, wrong]) == 0.5
    assert top_sentence_accuracy(model, []) == 0.0


@pytest.mark.parametrize("interactions", [False, True])
def test_unit_scores_are_the_models_logits(interactions):
    rng = np.random.default_rng(2)
    coef = tuple(rng.normal(size=6 if interactions else 3))
    model = LinearModel(("a", "b", "c"), (0.5, -1.0, 0.0), (2.0, 1.0, 0.0), coef, 0.3, interactions)
    x = rng.normal(size=(5, 3))
    assert np.allclose(unit_scores(model, x), [model.logit(row) for row in x])


def test_the_shipped_ranker_reads_the_chosen_features_only():
    """Changing RANKER_DROPPED means refitting the ranker: python -m chat.fit_decision --keep-found."""
    assert set(RANKER_DROPPED) <= set(SENTENCE_FEATURES)
    assert RANKER_FEATURES == tuple(n for n in SENTENCE_FEATURES if n not in RANKER_DROPPED)
    model = DecisionModel.load()
    assert model.sentence.features == RANKER_FEATURES
    assert model.unmeasured is not None and model.unmeasured.sentence.features == RANKER_FEATURES
