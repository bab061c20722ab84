"""Gradient-boosted trees over the found signals, stored as plain numbers and evaluated without
scikit-learn (which only the fitting script, :mod:`chat.fit_decision`, needs).

The found decision averages the logistic regression's probability with the trees' probability
(:meth:`chat.abstain.DecisionModel.probability`): the regression draws one smooth boundary, the
trees add the steps it cannot bend to. The fit (:func:`chat.fit_decision.fit_trees`) keeps each
tree monotone in the signals whose direction is plain. 5-fold cross-validated on the train split,
at 2% of the answerable questions told 找不到, the regression alone told 82.0% of the unanswerable
ones 找不到 (mean of six splits), the average 84.0%. On all held-out sets (the test split and the
blind batches w9-w35 and w37: 2512 answerable, 1572 not): first quote 2136 -> 2144, answerable
told 找不到 36 -> 28, unanswerable told 找不到 1338 -> 1342, answered confidently 89 -> 77;
everyday questions told 找不到 376 -> 385 of 400.

A tree is six parallel lists, one entry per node (scikit-learn's ``HistGradientBoostingClassifier``
node layout): a split node sends a value ``<= threshold`` to ``left``, a larger one to ``right``
and a missing one (NaN) to the side ``missing_left`` names; a leaf holds ``value``, added to the
ensemble's ``baseline``. The sum is a logit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

TREE_FIELDS = ("feature", "threshold", "left", "right", "value", "missing_left")


@dataclass(frozen=True)
class Tree:
    feature: tuple[int, ...]  # per node: the feature it splits on; -1 at a leaf
    threshold: tuple[float, ...]
    left: tuple[int, ...]
    right: tuple[int, ...]
    value: tuple[float, ...]  # per node: the leaf's share of the logit (0 at a split)
    missing_left: tuple[bool, ...]

    def leaf_value(self, values: Sequence[float]) -> float:
        node = 0
        while self.feature[node] >= 0:
            v = values[self.feature[node]]
            if math.isnan(v):
                node = self.left[node] if self.missing_left[node] else self.right[node]
            else:
                node = self.left[node] if v <= self.threshold[node] else self.right[node]
        return self.value[node]

    def check(self, n_features: int) -> None:
        """Raise ValueError unless the lists are of one length and every split points at a node
        further on and a feature the ensemble has (so evaluation always ends at a leaf)."""
        n = len(self.feature)
        if not n or any(len(getattr(self, f)) != n for f in TREE_FIELDS):
            raise ValueError("decision file has a tree whose node lists differ in length")
        for i, f in enumerate(self.feature):
            if f >= n_features or (f >= 0 and not (i < self.left[i] < n and i < self.right[i] < n)):
                raise ValueError("decision file has a tree with a split that points nowhere")


@dataclass(frozen=True)
class TreeEnsemble:
    """Boosted trees over named features; ``fill``: each feature's mean in the fit, read for a
    value not measured (the topic without a question center), as the regression reads it."""

    features: tuple[str, ...]
    fill: tuple[float, ...]
    baseline: float
    trees: tuple[Tree, ...]

    def logit(self, values: Sequence[float]) -> float:
        row = [m if math.isnan(v) else v for v, m in zip(values, self.fill)]
        return self.baseline + sum(tree.leaf_value(row) for tree in self.trees)

    def to_json(self) -> dict:
        return {
            "features": list(self.features),
            "fill": list(self.fill),
            "baseline": self.baseline,
            "trees": [{f: list(getattr(t, f)) for f in TREE_FIELDS} for t in self.trees],
        }

    @classmethod
    def from_json(cls, data: dict, features: Sequence[str]) -> TreeEnsemble:
        """The ensemble of a decision file; its features must be ``features`` (the regression's)."""
        if tuple(data["features"]) != tuple(features):
            raise ValueError("decision file's trees use other features than its regression")
        trees = tuple(
            Tree(
                tuple(int(v) for v in t["feature"]),
                tuple(float(v) for v in t["threshold"]),
                tuple(int(v) for v in t["left"]),
                tuple(int(v) for v in t["right"]),
                tuple(float(v) for v in t["value"]),
                tuple(bool(v) for v in t["missing_left"]),
            )
            for t in data["trees"]
        )
        for tree in trees:
            tree.check(len(features))
        if len(data["fill"]) != len(features):
            raise ValueError("decision file's trees have the wrong number of fill values")
        return cls(tuple(features), tuple(float(v) for v in data["fill"]), float(data["baseline"]), trees)

    @classmethod
    def from_sklearn(cls, fitted, features: Sequence[str], fill: Sequence[float]) -> TreeEnsemble:
        """The trees of a fitted binary ``HistGradientBoostingClassifier`` (numeric features only)."""
        trees = []
        for (predictor,) in fitted._predictors:  # one tree per iteration for a binary classifier
            nodes = predictor.nodes
            leaf = nodes["is_leaf"].astype(bool)
            trees.append(
                Tree(
                    tuple(-1 if is_leaf else int(f) for f, is_leaf in zip(nodes["feature_idx"], leaf)),
                    tuple(0.0 if is_leaf else float(t) for t, is_leaf in zip(nodes["num_threshold"], leaf)),
                    tuple(0 if is_leaf else int(i) for i, is_leaf in zip(nodes["left"], leaf)),
                    tuple(0 if is_leaf else int(i) for i, is_leaf in zip(nodes["right"], leaf)),
                    tuple(float(v) if is_leaf else 0.0 for v, is_leaf in zip(nodes["value"], leaf)),
                    tuple(bool(m) and not is_leaf for m, is_leaf in zip(nodes["missing_go_to_left"], leaf)),
                )
            )
        baseline = float(fitted._baseline_prediction.ravel()[0])
        return cls(tuple(features), tuple(float(v) for v in fill), baseline, tuple(trees))
