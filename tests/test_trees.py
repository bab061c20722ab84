"""The boosted trees of the found decision (chat.trees): known answers on a hand-made tree, the
same probabilities as scikit-learn, the decision file round trip and its refusals."""

from __future__ import annotations

import json
import math
from dataclasses import replace

import numpy as np
import pytest

from chat.abstain import FOUND_FEATURES, DecisionFileError, DecisionModel, LinearModel, feature_values, sigmoid
from chat.trees import Tree, TreeEnsemble
from tests.chat_fakes import ANSWERED

# node 0: feature 0 <= 0.5 ? node 1 : node 2 (missing -> right); node 2: feature 1 <= 2.0 ? 3 : 4 (missing -> left)
HAND = Tree(
    feature=(0, -1, 1, -1, -1),
    threshold=(0.5, 0.0, 2.0, 0.0, 0.0),
    left=(1, 0, 3, 0, 0),
    right=(2, 0, 4, 0, 0),
    value=(0.0, -1.0, 0.0, 0.5, 2.0),
    missing_left=(False, False, True, False, False),
)


def hand_ensemble(fill=(0.9, 1.0)) -> TreeEnsemble:
    return TreeEnsemble(features=("coverage", "unknown"), fill=fill, baseline=0.25, trees=(HAND, HAND))


@pytest.mark.parametrize(
    ("row", "leaf"),
    [
        ((0.5, 9.0), -1.0),  # <= threshold goes left
        ((0.6, 2.0), 0.5),
        ((0.6, 2.1), 2.0),
        ((math.nan, 3.0), 2.0),  # missing -> right at node 0 ... with fill 0.9 it is 0.9 > 0.5: right as well
        ((0.6, math.nan), 0.5),  # missing second feature -> its fill 1.0 <= 2.0: left
    ],
)
def test_a_hand_made_tree_gives_its_leaves(row, leaf):
    assert hand_ensemble().logit(row) == pytest.approx(0.25 + 2 * leaf)


def test_an_unmeasured_value_reads_as_its_fill_not_the_missing_side():
    assert hand_ensemble(fill=(0.1, 1.0)).logit((math.nan, 9.0)) == pytest.approx(0.25 - 2.0)  # 0.1 <= 0.5: left
    assert HAND.leaf_value((math.nan, 9.0)) == 2.0  # the raw tree sends a missing value right


def test_trees_match_scikit_learn():
    from sklearn.ensemble import HistGradientBoostingClassifier

    rng = np.random.RandomState(3)
    x = rng.rand(300, 3)
    y = ((x[:, 0] + 0.5 * x[:, 1] > 0.8) ^ (rng.rand(300) < 0.1)).astype(int)
    fitted = HistGradientBoostingClassifier(random_state=0, max_iter=20, max_leaf_nodes=6).fit(x, y)
    ensemble = TreeEnsemble.from_sklearn(fitted, ("a", "b", "c"), x.mean(axis=0))
    assert len(ensemble.trees) == 20 and all(sum(f < 0 for f in t.feature) <= 6 for t in ensemble.trees)
    test = rng.rand(50, 3)
    ours = [sigmoid(ensemble.logit(row)) for row in test]
    assert ours == pytest.approx(fitted.predict_proba(test)[:, 1].tolist(), abs=1e-9)


def two_feature_decision(trees: TreeEnsemble | None) -> DecisionModel:
    found = LinearModel(("coverage", "unknown"), (0.5, 0.5), (0.25, 0.25), (2.0, -1.0), 0.0)
    sentence = LinearModel(("lexical",), (0.0,), (1.0,), (1.0,), 0.0)
    return DecisionModel(found=found, found_at=0.7, maybe_at=0.3, sentence=sentence, found_trees=trees)


def test_the_found_probability_is_the_mean_of_regression_and_trees():
    with_trees = two_feature_decision(hand_ensemble())
    values = feature_values(ANSWERED, ("coverage", "unknown"))  # coverage 0.9, unknown 0.0: leaf 0.5
    linear = sigmoid(5.2)  # as in test_abstain: z = 3.2 + 2.0
    assert with_trees.confidence(ANSWERED) == pytest.approx((linear + sigmoid(0.25 + 2 * 0.5)) / 2)
    assert two_feature_decision(None).confidence(ANSWERED) == pytest.approx(linear)
    assert with_trees.decide(ANSWERED).confidence == pytest.approx(with_trees.probability(values), abs=1e-4)
    # the trees can move the band: the regression alone is sure, the mean is not
    doubtful = replace(with_trees, found_trees=TreeEnsemble(("coverage", "unknown"), (0.0, 0.0), -6.0, ()))
    assert two_feature_decision(None).decide(ANSWERED).uncertain is False
    assert doubtful.decide(ANSWERED).uncertain is True


def test_the_decision_file_round_trips_with_its_trees_on_few_lines(tmp_path):
    model = two_feature_decision(hand_ensemble())
    model.save(tmp_path / "d.json")
    assert DecisionModel.load(tmp_path / "d.json") == model
    text = (tmp_path / "d.json").read_text(encoding="utf-8")
    assert '"feature": [0, -1, 1, -1, -1]' in text  # a node list on one line
    assert '"missing_left": [false, false, true, false, false]' in text


def test_a_version_1_file_without_trees_still_loads(tmp_path):
    data = two_feature_decision(None).to_json()
    data["version"] = 1
    del data["found_trees"]
    (tmp_path / "d.json").write_text(json.dumps(data), encoding="utf-8")
    assert DecisionModel.load(tmp_path / "d.json").found_trees is None


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda t: {**t, "left": t["left"][:-1]}, "differ in length"),
        (lambda t: {**t, "left": [0, 0, 3, 0, 0]}, "points nowhere"),  # node 0 -> itself: a loop
        (lambda t: {**t, "feature": [5, -1, 1, -1, -1]}, "points nowhere"),  # a feature the model lacks
    ],
)
def test_a_broken_tree_is_refused_with_how_to_refit(tmp_path, change, words):
    data = two_feature_decision(hand_ensemble()).to_json()
    data["found_trees"]["trees"][0] = change(data["found_trees"]["trees"][0])
    (tmp_path / "d.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(DecisionFileError, match=f"(?s){words}.*chat.fit_decision"):
        DecisionModel.load(tmp_path / "d.json")


def test_trees_over_other_features_than_the_regression_are_refused(tmp_path):
    data = two_feature_decision(hand_ensemble()).to_json()
    data["found_trees"]["features"] = ["unknown", "coverage"]
    (tmp_path / "d.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(DecisionFileError, match="other features"):
        DecisionModel.load(tmp_path / "d.json")


def test_the_shipped_decision_has_small_trees_over_the_found_features():
    from chat.fit_decision import TREE_PARAMS

    model = DecisionModel.load()
    assert model.found_trees is not None and model.found_trees.features == FOUND_FEATURES
    assert all(sum(f < 0 for f in t.feature) <= TREE_PARAMS["max_leaf_nodes"] for t in model.found_trees.trees)


def test_fit_found_fits_both_models_on_a_toy_set():
    from chat.abstain import found_probability
    from chat.fit_decision import fit_found

    rng = np.random.RandomState(0)
    x = rng.rand(200, len(FOUND_FEATURES))
    y = (x[:, FOUND_FEATURES.index("coverage")] > 0.5).astype(int)
    linear, trees = fit_found(x, y, list(FOUND_FEATURES))
    assert trees is not None
    high, low = x[y == 1][0], x[y == 0][0]
    assert found_probability(linear, trees, high) > 0.5 > found_probability(linear, trees, low)


def test_the_shipped_trees_are_monotone_where_the_fit_says_so():
    """Raising a signal the fit keeps monotone (coverage, topic…) never lowers the trees' logit,
    and raising one kept the other way (unknown, type_gap…) never raises it, from rows spread
    over the fitted range."""
    from chat.fit_decision import MONOTONIC

    trees = DecisionModel.load().found_trees
    assert trees is not None
    features = list(trees.features)
    rng = np.random.RandomState(0)
    checked = 0
    for name, sign in MONOTONIC.items():
        i = features.index(name)
        cuts = sorted({t.threshold[n] for t in trees.trees for n, f in enumerate(t.feature) if f == i})
        if not cuts:
            continue
        grid = [cuts[0] - 1.0, *cuts, cuts[-1] + 1.0]
        for _ in range(20):
            row = [m * rng.uniform(0.0, 2.0) for m in trees.fill]
            logits = [trees.logit([*row[:i], v, *row[i + 1 :]]) for v in grid]
            steps = np.diff(logits) * sign
            assert (steps >= -1e-12).all(), (name, logits)
        checked += 1
    assert checked >= 8  # most constrained signals are split on
