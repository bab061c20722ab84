"""Fit the found / not-found model and the sentence ranker on the ``train`` split.

    python -m chat.fit_decision [--questions tests/data/qbank.jsonl] [--out chat/data/decision.json]
                                [--report docs/decision.md]

Every question of the split is searched on the current index (``sousei build`` first) with
the configured model; the signals of :mod:`chat.abstain` and the sentence features of
:mod:`chat.answer` are measured, and two logistic regressions (scikit-learn) are fitted:

* found: answerable (gold non-empty) vs not; the operating points are read off 5-fold
  cross-validated probabilities on the train split: ``maybe_at`` keeps answerable questions
  told "not found" at most ``--max-missed``; ``found_at`` lets at most ``--max-confident-wrong``
  of the unanswerable questions through as confident answers;
* sentence: for answerable questions whose gold is among the hits, whether a quotable unit
  contains a gold string, on the sentence features that carry over from one article to another
  (``RANKER_FEATURES``; ``--select-ranker`` fits on one seed article's questions, scores on the
  other's and reports which features to leave out).

The everyday questions of ``chat/data/everyday.jsonl`` (written for this, on subjects far from
any policy article: phones, cooking, sport, greetings…) join the train questions as unanswerable
ones, and their mean vector is stored as ``question_center``: the topic signal
(``Searcher.topic_similarity``) compares a question with the passages with it taken away. The
non-questions of ``chat/data/junk.jsonl`` (code, markup, injections, keyboard mashing, emoji,
log lines…) join them too.

The test split is read for one thing only: no question worded as a held-out one (the test split,
``tests/data/everyday_test.jsonl``, the blind batches ``tests/data/fresh*.jsonl``; compared after
folding width, case, spaces and punctuation, :func:`question_key`) is fitted on. Writers who never
saw each other's questions still write the same obvious ones ("RESAS的全名是什麼？", "你好",
"asdfghjkl"): 46 train, everyday or junk questions were worded as test ones, 218 as held-out ones.
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from chat.abstain import (
    DECISION_FILE,
    FOUND_FEATURES,
    DecisionModel,
    LinearModel,
    feature_says,
    feature_values,
    found_probability,
)
from chat.answer import SENTENCE_FEATURES, Measured, measure, prepare_question, sentence_values
from chat.trees import TreeEnsemble
from index.evaluate import is_hit


@dataclass(frozen=True)
class Sample:
    item: dict
    measured: Measured | None


EVERYDAY_FILE = Path(__file__).parent / "data" / "everyday.jsonl"
JUNK_FILE = Path(__file__).parent / "data" / "junk.jsonl"
TESTS_DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
# with the test split of --questions; anchored at the checkout, so the fit run from elsewhere leaves out the same
HELD_OUT = (str(TESTS_DATA / "everyday_test.jsonl"), str(TESTS_DATA / "fresh*.jsonl"))


def question_key(text: str) -> str:
    """``text`` as compared with held-out questions: width and case folded, spaces and punctuation
    dropped ("RESAS 的全名是什麼？" = "resas的全名是什麼"); a text of punctuation only stays itself."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[\W_]+", "", folded) or folded.strip()


def held_out_keys(test_questions: Sequence[dict], patterns: Sequence[str] = HELD_OUT) -> set[str]:
    """The :func:`question_key` of every held-out question: ``test_questions`` and the files ``patterns`` match.

    A pattern that matches no file is an error: fitting on would silently leave nothing of it out."""
    from chat.evaluate import read_questions

    unmatched = [pattern for pattern in patterns if not glob.glob(pattern)]
    if unmatched:
        raise FileNotFoundError(
            f"held-out pattern(s) {', '.join(unmatched)} match no file: give --held-out globs that exist "
            "(relative ones are read from the working directory)"
        )
    paths = sorted({Path(p) for pattern in patterns for p in glob.glob(pattern)})
    held = [*test_questions, *(item for path in paths for item in read_questions(path))]
    return {question_key(item["q"]) for item in held}


def without_held_out(questions: Sequence[dict], held: set[str]) -> list[dict]:
    """``questions`` less those worded as a held-out one (:func:`question_key`)."""
    return [q for q in questions if question_key(q["q"]) not in held]


def measure_all(questions: Sequence[dict], searcher, top_k: int = 5, center: np.ndarray | None = None) -> list[Sample]:
    samples = []
    for item in questions:
        prepared = prepare_question(item["q"])
        measured = None if isinstance(prepared, str) else measure(prepared, searcher, top_k, center)
        samples.append(Sample(item, measured))
    return samples


def unanswerable_questions(path: Path = EVERYDAY_FILE, kind: str = "offtopic") -> list[dict]:
    """The questions of ``path`` (the everyday ones; ``JUNK_FILE`` with "junk": the non-questions)
    as unanswerable train questions of ``kind`` about neither article."""
    from chat.evaluate import read_questions

    return [{**item, "gold": [], "kind": kind, "article": "none"} for item in read_questions(path)]


def question_center(questions: Sequence[dict], encoder) -> np.ndarray:
    """The mean of the questions' vectors under ``encoder`` (their common, question-like direction)."""
    vectors = np.asarray(encoder.encode_queries([q["q"] for q in questions]), dtype=np.float32)
    return np.asarray(vectors.mean(axis=0), dtype=np.float32)


def fit_linear(
    x: np.ndarray, y: np.ndarray, names: Sequence[str], c: float = 1.0, interactions: bool = False
) -> LinearModel:
    """Logistic regression on standardised features (and their pairwise products)."""
    from sklearn.linear_model import LogisticRegression

    x = _fill_unmeasured(np.asarray(x, dtype=float))
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    shell = LinearModel(tuple(names), tuple(map(float, mean)), tuple(map(float, scale)), (), 0.0, interactions)
    design = np.array([shell.expand(row) for row in x])
    lr = LogisticRegression(C=c, max_iter=10000).fit(design, y)
    return LinearModel(
        tuple(names), shell.mean, shell.scale, tuple(map(float, lr.coef_[0])), float(lr.intercept_[0]), interactions
    )


def _fill_unmeasured(x: np.ndarray) -> np.ndarray:
    """NaN (a signal not measured: the topic without a question center) as its column's mean, or 0
    when no row has it; the fitted model then reads an unmeasured value as the mean as well."""
    if not np.isnan(x).any():
        return x
    means = np.nan_to_num(np.nanmean(np.where(np.isnan(x).all(axis=0), 0.0, x), axis=0))
    return np.where(np.isnan(x), means, x)


FOUND_C = 0.1  # chosen by 5-fold CV on train among 0.03/0.1/0.3 (abstention at 3% missed)
# Boosted trees beside the regression (chat.trees): 100 trees of at most 8 leaves of 40 questions,
# learning rate 0.1, each monotone in the signals whose direction is plain (a closer passage, more of
# the question's terms, a question nearer the articles' subject never lower the probability; unknown
# terms, missing numbers, a missing kind of answer or quoted name never raise it). Train 5-fold CV
# at 2% answerable missed, unanswerable told 找不到 over six splits: regression alone 82.0%, with
# free trees 82.9%, with monotone trees 84.0%. Free trees also carried over worse from one article's
# questions to the other's (answerable told 找不到 3.8% -> 6.1%; monotone 4.6%). scikit-learn's
# default 31 leaves of 20 told 7 more held-out unanswerable questions 找不到 than 8 leaves but
# missed 6 more answerable ones.
FOUND_TREES = True
TREE_PARAMS = {"max_leaf_nodes": 8, "min_samples_leaf": 40}
MONOTONIC = {  # +1: never lowers the found probability, -1: never raises it; the rest free
    "dense_top": 1,
    "dense_gap": 1,
    "dense_spread": 1,
    "sentence_dense": 1,
    "coverage": 1,
    "sentence": 1,
    "ranks_agree": 1,
    "topic": 1,
    "asked_answered": 1,
    "asked_unanswered": -1,
    "unknown": -1,
    "numbers_missing": -1,
    "type_gap": -1,
    "type_absent": -1,
    "quoted_missing": -1,
}


def fit_trees(x: np.ndarray, y: np.ndarray, names: Sequence[str]) -> TreeEnsemble:
    """Gradient-boosted trees on the raw features (an unmeasured value as its column's mean)."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    raw = np.asarray(x, dtype=float)
    filled = _fill_unmeasured(raw)
    monotonic = [MONOTONIC.get(name, 0) for name in names]
    fitted = HistGradientBoostingClassifier(
        random_state=0, early_stopping=False, monotonic_cst=monotonic, **TREE_PARAMS
    ).fit(filled, y)
    return TreeEnsemble.from_sklearn(fitted, names, filled.mean(axis=0))


def fit_found(x: np.ndarray, y: np.ndarray, names: Sequence[str]) -> tuple[LinearModel, TreeEnsemble | None]:
    """The found regression and, with ``FOUND_TREES``, its trees (read together by
    :func:`chat.abstain.found_probability`)."""
    linear = fit_linear(x, y, names, FOUND_C, interactions=True)
    return linear, fit_trees(x, y, names) if FOUND_TREES else None


def cv_probabilities(x: np.ndarray, y: np.ndarray, names: Sequence[str], folds: int = 5, seed: int = 0) -> np.ndarray:
    from sklearn.model_selection import StratifiedKFold

    p = np.zeros(len(y))
    for train, held in StratifiedKFold(folds, shuffle=True, random_state=seed).split(x, y):
        linear, trees = fit_found(x[train], y[train], names)
        p[held] = [found_probability(linear, trees, row) for row in x[held]]
    return p


def found_data(samples: Sequence[Sample], names: Sequence[str] = FOUND_FEATURES) -> tuple[np.ndarray, np.ndarray]:
    names = list(names)
    rows = [(feature_values(s.measured.signals, names), bool(s.item.get("gold"))) for s in samples if s.measured]
    return np.array([r[0] for r in rows]), np.array([int(r[1]) for r in rows])


# What the sentence ranker is fitted on: the sentence features without those that do not carry
# over from one article to another. Chosen by ``--select-ranker`` (select_ranker_features): fitted
# on one seed article's train questions, scored on the other's, both ways; each dropped feature
# raised the mean top-sentence accuracy. Held out of that choice, on the blind batches' questions
# (fresh3..fresh32) about the other article, the accuracy went 0.794 -> 0.848 (fitted on 000) and
# 0.825 -> 0.843 (fitted on 001); fitted on both, on those batches, 0.921 either way.
# first_in_passage read where an article puts its answers: 000's passages open with them (+0.53),
# 001's open with a numbered heading line (-0.21).
RANKER_DROPPED = ("first_in_passage", "follows_question", "number", "lexical_rel", "labelled_row")
RANKER_FEATURES = tuple(name for name in SENTENCE_FEATURES if name not in RANKER_DROPPED)


def sentence_groups(
    samples: Sequence[Sample], names: Sequence[str] = RANKER_FEATURES
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per answerable question whose gold is among its quotable units: the units' ranker features
    (``names``) and whether each holds a gold string."""
    groups = []
    for s in samples:
        gold = s.item.get("gold") or []
        if not s.measured or not gold:
            continue
        labels = [is_hit(sentence.text, gold) for sentence in s.measured.sentences]
        if any(labels):
            x = [sentence_values(feats, names) for feats in s.measured.features]
            groups.append((np.array(x, dtype=float), np.array(labels, dtype=int)))
    return groups


def sentence_data(samples: Sequence[Sample], names: Sequence[str] = RANKER_FEATURES) -> tuple[np.ndarray, np.ndarray]:
    groups = sentence_groups(samples, names)
    if not groups:
        return np.zeros((0, len(names))), np.zeros(0, dtype=int)
    return np.vstack([x for x, _ in groups]), np.concatenate([y for _, y in groups])


def top_sentence_accuracy(model: LinearModel, groups: Sequence[tuple[np.ndarray, np.ndarray]]) -> float:
    """The share of questions whose best-scored unit under ``model`` holds a gold string."""
    if not groups:
        return 0.0
    return float(np.mean([y[int(np.argmax(unit_scores(model, x)))] for x, y in groups]))


def unit_scores(model: LinearModel, x: np.ndarray) -> np.ndarray:
    """``model.logit`` of each row of ``x``, at once when the model has no interactions."""
    if model.interactions:
        return np.array([model.logit(row) for row in x])
    scale = np.array(model.scale)
    z = np.nan_to_num((x - np.array(model.mean)) / np.where(scale == 0, 1.0, scale))
    return model.intercept + z @ np.array(model.coef)


Groups = Sequence[tuple[np.ndarray, np.ndarray]]  # per question: its units' features, which hold gold


def select_ranker_features(
    pairs: Sequence[tuple[Groups, Groups]], names: Sequence[str], min_gain: float = 0.001
) -> tuple[list[str], list[tuple[str, float]]]:
    """Backward elimination across articles: ``pairs`` are (fit on, score on) sentence groups
    (``sentence_groups`` over ``names``) about two different articles. While dropping a feature
    raises the mean top-sentence accuracy over the pairs by more than ``min_gain``, drop the one
    that raises it most. Returns the kept features and the steps (the dropped feature, the mean
    accuracy after; first the start, with "")."""
    kept = list(range(len(names)))

    def score(columns: list[int]) -> float:
        chosen = [names[i] for i in columns]
        accuracies = []
        for fit_on, score_on in pairs:
            x, y = np.vstack([x[:, columns] for x, _ in fit_on]), np.concatenate([y for _, y in fit_on])
            model = fit_linear(x, y, chosen)
            accuracies.append(top_sentence_accuracy(model, [(x[:, columns], y) for x, y in score_on]))
        return float(np.mean(accuracies))

    best = score(kept)
    steps = [("", best)]
    while len(kept) > 1:
        value, drop = max(((score([c for c in kept if c != i]), i) for i in kept), key=lambda t: (t[0], -t[1]))
        if value <= best + min_gain:
            break
        kept.remove(drop)
        best = value
        steps.append((names[drop], value))
    return [names[i] for i in kept], steps


def operating_points(
    p: np.ndarray, y: np.ndarray, max_missed: float, max_confident_wrong: float
) -> tuple[float, float]:
    """``maybe_at``: the highest threshold with at most ``max_missed`` answerable below it;
    ``found_at``: the lowest with at most ``max_confident_wrong`` unanswerable at or above it."""
    answerable, other = np.sort(p[y == 1]), np.sort(p[y == 0])
    k = int(np.floor(max_missed * len(answerable)))
    maybe_at = float(answerable[k]) if len(answerable) else 0.5
    j = int(np.ceil((1 - max_confident_wrong) * len(other)))
    found_at = float(other[min(j, len(other) - 1)]) + 1e-6 if len(other) else 0.5
    return maybe_at, max(found_at, maybe_at)


RESHUFFLES = 5  # further 5-fold splits whose abstention at the operating point shows the spread


def reshuffled_abstention(x: np.ndarray, y: np.ndarray, names: Sequence[str], max_missed: float) -> list[float]:
    """Unanswerable told not found at ``max_missed`` answerable missed, on other fold splits: one
    split's figure moves by several points with where the few hardest answerable questions fall."""
    rates = []
    for seed in range(1, RESHUFFLES + 1):
        p = cv_probabilities(x, y, names, seed=seed)
        maybe_at, _ = operating_points(p, y, max_missed, 1.0)
        rates.append(float(np.mean(p[y == 0] < maybe_at)))
    return rates


def curve(p: np.ndarray, y: np.ndarray, thresholds: Sequence[float]) -> list[tuple[float, float, float]]:
    return [(t, float(np.mean(p[y == 1] < t)), float(np.mean(p[y == 0] < t))) for t in thresholds]


def fit(
    samples: Sequence[Sample],
    max_missed: float,
    max_confident_wrong: float,
    model_id: str = "",
    fingerprint: str = "",
    center: np.ndarray | None = None,
    ranked: Sequence[Sample] | None = None,
) -> tuple[DecisionModel, dict]:
    """The found model and its operating points from ``samples``; the sentence ranker from ``ranked``
    (``ranker_samples``), or from ``samples`` when not given."""
    x, y = found_data(samples)
    p = cv_probabilities(x, y, list(FOUND_FEATURES))
    maybe_at, found_at = operating_points(p, y, max_missed, max_confident_wrong)
    sx, sy = sentence_data(samples if ranked is None else ranked, RANKER_FEATURES)
    found, trees = fit_found(x, y, list(FOUND_FEATURES))
    model = DecisionModel(
        found=found,
        found_trees=trees,
        found_at=round(found_at, 4),
        maybe_at=round(maybe_at, 4),
        sentence=fit_linear(sx, sy, list(RANKER_FEATURES)),
        model_id=model_id,
        model_fingerprint=fingerprint,
        question_center=() if center is None else tuple(round(float(v), 6) for v in center),
    )
    unmeasured, unmeasured_report = fit_unmeasured(samples, model, max_missed, max_confident_wrong)
    model = replace(model, unmeasured=unmeasured)
    report = {
        **unmeasured_report,
        "questions": len(y),
        "answerable": int(y.sum()),
        "unanswerable": int(len(y) - y.sum()),
        "sentence_rows": len(sy),
        "maybe_at": model.maybe_at,
        "found_at": model.found_at,
        "cv_missed": float(np.mean(p[y == 1] < maybe_at)),
        "cv_abstain": float(np.mean(p[y == 0] < maybe_at)),
        "cv_confident_wrong": float(np.mean(p[y == 0] >= found_at)),
        "curve": curve(p, y, [round(t, 2) for t in np.arange(0.05, 1.0, 0.05)]),
        "reshuffled_abstain": reshuffled_abstention(x, y, list(FOUND_FEATURES), max_missed),
    }
    return model, report


ASKED_FEATURES = ("asked_unanswered", "asked_answered")  # measured only while the memory is about the articles


def fit_unmeasured(
    samples: Sequence[Sample], model: DecisionModel, max_missed: float, max_confident_wrong: float
) -> tuple[DecisionModel | None, dict]:
    """The decision for questions whose closeness to earlier questions is not measured (a best
    passage in an added article): the found model fitted on the same questions without those
    signals, with its own cross-validated operating points; ``model``'s sentence ranker."""
    names = [name for name in FOUND_FEATURES if name not in ASKED_FEATURES]
    if len(names) == len(FOUND_FEATURES):
        return None, {}
    x, y = found_data(samples, names)
    p = cv_probabilities(x, y, names)
    maybe_at, found_at = operating_points(p, y, max_missed, max_confident_wrong)
    found, trees = fit_found(x, y, names)
    fallback = replace(model, found=found, found_trees=trees, found_at=round(found_at, 4), maybe_at=round(maybe_at, 4))
    return fallback, {
        "unmeasured_maybe_at": fallback.maybe_at,
        "unmeasured_found_at": fallback.found_at,
        "unmeasured_cv_missed": float(np.mean(p[y == 1] < maybe_at)),
        "unmeasured_cv_abstain": float(np.mean(p[y == 0] < maybe_at)),
    }


def format_report(model: DecisionModel, report: dict) -> str:
    ranker = (
        "sentence ranker kept from the file it replaced (`--keep-ranker`)."
        if report.get("sentence_kept")
        else f"sentence ranker on {report['sentence_rows']} candidate sentences (its questions searched without the "
        "memory of questions asked before)."
    )
    lines = [
        "# The fitted found / not-found decision",
        "",
        "Made by `python -m chat.fit_decision` on the train split of tests/data/qbank.jsonl with the "
        "everyday questions (chat/data/everyday.jsonl) and non-questions (chat/data/junk.jsonl) as "
        f"unanswerable ones ({report['questions']} questions: {report['answerable']} answerable, "
        f"{report['unanswerable']} not; inputs refused before any search are not measured; "
        f"{report.get('left_out', 0)} left out as worded like a held-out question); " + ranker,
        "",
        f"Model: {model.model_id} (fingerprint {model.model_fingerprint[:16]}).",
        "",
        _found_model_line(model),
        "",
        "## Operating points (5-fold cross-validated probabilities on train)",
        "",
        f"- `maybe_at` = {model.maybe_at}: below it, not found. CV answerable told not found: "
        f"{report['cv_missed']:.1%}; unanswerable told not found: {report['cv_abstain']:.1%}.",
        f"- `found_at` = {model.found_at}: at or above it, a confident answer; in between, 可能相關. "
        f"CV unanswerable answered confidently: {report['cv_confident_wrong']:.1%}.",
        f"- On {len(report['reshuffled_abstain'])} other 5-fold splits, unanswerable told not found at the same "
        f"answerable miss rate: {np.mean(report['reshuffled_abstain']):.1%} "
        f"(± {np.std(report['reshuffled_abstain']):.1%}).",
        *_unmeasured_lines(report),
        "",
        "| threshold | answerable told not found | unanswerable told not found |",
        "| --- | --- | --- |",
    ]
    lines += [f"| {t:.2f} | {a:.1%} | {u:.1%} |" for t, a, u in report["curve"]]
    lines += [
        "",
        "## Coefficients (standardised features)",
        "",
        "| found feature | coef | says (towards found / towards not found) |",
        "| --- | --- | --- |",
    ]
    lines += [
        f"| {n} | {c:+.3f} | {' / '.join(dict.fromkeys(feature_says(n)))} |"
        for n, c in zip(model.found.features, model.found.coef)
    ]
    lines += [
        f"\n{len(model.found.coef) - len(model.found.features)} pairwise interaction coefficients "
        "are in chat/data/decision.json."
    ]
    return "\n".join(lines) + "\n" + ranker_table(model)


def kept_unmeasured(model: DecisionModel, report: dict, path: Path) -> tuple[DecisionModel, dict]:
    """``model`` with the found model and operating points of the decision file ``path`` as its
    decision for questions whose closeness to earlier questions is not measured."""
    kept = DecisionModel.load(path)
    if set(kept.found.features) & set(ASKED_FEATURES):
        raise ValueError(f"{path}: its found model reads {', '.join(ASKED_FEATURES)}; give one fitted without them")
    if kept.model_fingerprint != model.model_fingerprint:
        raise ValueError(f"{path}: fitted for another embedding model ({kept.model_id}); give one fitted for this one")
    unmeasured = replace(kept, sentence=model.sentence, unmeasured=None, question_center=model.question_center)
    report = {k: v for k, v in report.items() if not k.startswith("unmeasured_")}
    report.update(unmeasured_maybe_at=kept.maybe_at, unmeasured_found_at=kept.found_at, unmeasured_kept=str(path))
    return replace(model, unmeasured=unmeasured), report


def with_ranker(model: DecisionModel, sentence: LinearModel) -> DecisionModel:
    """``model`` (and its decision for unmeasured questions) with the sentence ranker ``sentence``."""
    unmeasured = None if model.unmeasured is None else replace(model.unmeasured, sentence=sentence)
    return replace(model, sentence=sentence, unmeasured=unmeasured)


def _unmeasured_lines(report: dict) -> list[str]:
    if "unmeasured_maybe_at" not in report:
        return []
    if "unmeasured_kept" in report:
        made = f"kept from {report['unmeasured_kept']} (`--unmeasured-from`; fitted without them)"
        cv = ""
    else:
        made = "fitted on the same questions without them"
        cv = (
            f"; CV answerable told not found {report['unmeasured_cv_missed']:.1%}, unanswerable told not found "
            f"{report['unmeasured_cv_abstain']:.1%}"
        )
    return [
        f"- A question whose closeness to earlier questions ({', '.join(ASKED_FEATURES)}) is not measured (a "
        f"best passage in an added article) is decided by a found model {made} (`unmeasured` in the decision "
        f"file): `maybe_at` {report['unmeasured_maybe_at']}, `found_at` {report['unmeasured_found_at']}{cv}. "
        "Its probability is shown on the bands above (`chat.abstain.onto_bands`).",
    ]


RANKER_HEADING = "| sentence feature | coef |"


def ranker_table(model: DecisionModel, note: str = "") -> str:
    lines = ["", *([note, ""] if note else []), RANKER_HEADING, "| --- | --- |"]
    lines += [f"| {n} | {c:+.3f} |" for n, c in zip(model.sentence.features, model.sentence.coef)]
    unread = [n for n in SENTENCE_FEATURES if n not in model.sentence.features]
    if unread:
        why = "as they do not carry over from one article to another (`--select-ranker`, `RANKER_DROPPED`)"
        lines += ["", f"Not read by the ranker, {why}: {', '.join(unread)}."]
    return "\n".join(lines) + "\n"


def with_ranker_table(report_text: str, model: DecisionModel, rows: int) -> str:
    """The report of the kept found model (``report_text``) with the sentence ranker's table
    replaced by ``model``'s, refitted on ``rows`` candidate sentences."""
    head = report_text.split(RANKER_HEADING, 1)[0].rstrip()
    head = head.rsplit("\n\nSentence ranker refitted", 1)[0]
    note = (
        f"Sentence ranker refitted (`--keep-found`) on {rows} candidate sentences of the current train split, "
        "searched without the memory of questions asked before (`ranker_samples`)."
    )
    return head + "\n" + ranker_table(model, note)


def _found_model_line(model: DecisionModel) -> str:
    if model.found_trees is None:
        return "Found probability: the logistic regression below."
    trees = model.found_trees.trees
    leaves = max(sum(f < 0 for f in t.feature) for t in trees)
    return (
        f"Found probability: the mean of the logistic regression below and {len(trees)} boosted trees "
        f"(at most {leaves} leaves each, monotone in {', '.join(sorted(MONOTONIC))}; `found_trees` in the "
        "decision file, evaluated by chat/trees.py)."
    )


@contextlib.contextmanager
def asked_about(searcher, article: str | None) -> Iterator[bool]:
    """While inside, the searcher's memory of questions asked before holds only those about the seed
    article ``article`` (and the unanswered ones): another article is one nobody asked about yet.
    ``None``: no memory at all. Yields whether the searcher had a memory."""
    everything = searcher.asked
    if everything is not None:
        hashes = {a.content_hash for a in searcher.articles() if a.doc_id.split("_")[0] == article}
        searcher.use_asked(everything.restricted(hashes) if article is not None else None)
    try:
        yield everything is not None
    finally:
        searcher.use_asked(everything)


def ranker_samples(items: Sequence[dict], searcher, center: np.ndarray | None = None) -> list[Sample]:
    """The answerable ``items`` measured without the memory of questions asked before: the sentence
    ranker is fitted on passages ranked as for an article nobody asked about yet (an added one), where
    its choice matters most; where the memory lifts the right passage, the ranks it reads are better."""
    with asked_about(searcher, None):
        return measure_all([item for item in items if item.get("gold")], searcher, center=center)


def transfer(
    samples: Sequence[Sample],
    test_questions: Sequence[dict],
    searcher,
    articles: tuple[str, str],
    max_missed: float,
    max_confident_wrong: float,
    center: np.ndarray | None = None,
) -> dict:
    """Fit on the train questions about ``articles[0]`` (and the unanswerable train questions),
    report on the test questions about ``articles[1]`` (and the unanswerable test ones): does the
    decision carry over to an article it has never seen?"""
    from chat.evaluate import evaluate_answers
    from index.evaluate import evaluate_retrieval

    source, target = articles
    with asked_about(searcher, source) as remembered:
        fit_on = [s for s in samples if s.item.get("article") in (source, "none")]
        if remembered:  # measured again: the full memory held the target article's questions
            fit_on = measure_all([s.item for s in fit_on], searcher, center=center)
        ranked = ranker_samples([s.item for s in fit_on], searcher, center)
        model, _ = fit(
            fit_on, max_missed, max_confident_wrong, searcher.encoder.model_id, searcher.fingerprint, center, ranked
        )
        report_on = [q for q in test_questions if q.get("article") in (target, "none")]
        report = evaluate_answers(searcher, report_on, decision=model)
        retrieval = evaluate_retrieval(searcher, [q for q in report_on if q.get("gold")])
    return {
        "fit_on": source,
        "report_on": target,
        **{k: retrieval[k] for k in ("hit@1", "hit@5", "mrr@10")},
        **{k: report[k] for k in ("first_sentence_gold_rate", "answered_rate", "abstain_rate")},
    }


def cross_article_ranker(questions: Sequence[dict], searcher, center: np.ndarray | None = None) -> list[str]:
    """The report of ``--select-ranker``: the sentence features chosen by fitting the ranker on one
    seed article's answerable train ``questions`` and scoring it on the other's, both ways, each
    measured as in ``--transfer``: with the memory of questions asked before about the article
    fitted on only."""
    names = tuple(SENTENCE_FEATURES)
    pairs = []
    for source, target in (("000", "001"), ("001", "000")):
        with asked_about(searcher, source):
            fit_on = measure_all([q for q in questions if q.get("article") == source], searcher, center=center)
            score_on = measure_all([q for q in questions if q.get("article") == target], searcher, center=center)
        pairs.append((sentence_groups(fit_on, names), sentence_groups(score_on, names)))
    kept, steps = select_ranker_features(pairs, tuple(SENTENCE_FEATURES))
    lines = [f"start: mean top-sentence accuracy {steps[0][1]:.3f}"]
    lines += [f"drop {name}: {value:.3f}" for name, value in steps[1:]]
    lines.append(f"dropped: {', '.join(n for n in SENTENCE_FEATURES if n not in kept)}")
    return lines


def fit_questions(
    everything: Sequence[dict],
    split: str = "train",
    held_out: Sequence[str] = HELD_OUT,
    everyday: Path = EVERYDAY_FILE,
    junk: Path = JUNK_FILE,
) -> tuple[dict[str, list[dict]], dict[str, list[dict]]]:
    """What a fit is offered (the bank's ``split``, the everyday questions, the non-questions) and
    what it keeps of it: none worded as a held-out question (the test split, ``held_out``)."""
    held = held_out_keys([q for q in everything if q.get("split") == "test"], held_out)
    offered = {
        "split": [q for q in everything if q.get("split") == split],
        "everyday": unanswerable_questions(everyday),
        "junk": unanswerable_questions(junk, "junk"),
    }
    return offered, {name: without_held_out(items, held) for name, items in offered.items()}


def transfer_rows(
    samples: Sequence[Sample],
    everything: Sequence[dict],
    searcher,
    max_missed: float = 0.02,
    max_confident_wrong: float = 0.05,
    center: np.ndarray | None = None,
) -> list[dict]:
    """``transfer`` both ways between the seed articles, reported on the bank's test split."""
    test = [q for q in everything if q.get("split") == "test"]
    pairs = (("000", "001"), ("001", "000"))
    return [transfer(samples, test, searcher, pair, max_missed, max_confident_wrong, center) for pair in pairs]


def main(argv: list[str] | None = None) -> int:
    from chat.config import Config
    from chat.engine import Engine
    from chat.evaluate import read_questions

    parser = argparse.ArgumentParser(prog="python -m chat.fit_decision", description=__doc__.split("\n")[0])
    parser.add_argument("--questions", type=Path, default=Path("tests/data/qbank.jsonl"))
    parser.add_argument("--split", default="train")
    parser.add_argument("--out", type=Path, default=DECISION_FILE)
    parser.add_argument("--report", type=Path, default=Path("docs/decision.md"))
    parser.add_argument("--everyday", type=Path, default=EVERYDAY_FILE, help="everyday questions (unanswerable)")
    parser.add_argument("--junk", type=Path, default=JUNK_FILE, help="non-questions: code, markup… (unanswerable)")
    parser.add_argument(
        "--held-out",
        nargs="*",
        default=list(HELD_OUT),
        help="question files (globs) never fitted on, besides the test split: a train question worded as one of "
        "theirs is left out",
    )
    parser.add_argument(
        "--keep-ranker",
        action="store_true",
        help="refit the found model only, keeping the sentence ranker of --out",
    )
    parser.add_argument(
        "--keep-found",
        action="store_true",
        help="refit the sentence ranker only, keeping the found model and operating points of --out and "
        "the found part of --report (how the shipped file was made)",
    )
    # 2%, not the 3% target: a threshold set where the train CV misses exactly 3% misses more than
    # that on about half of all unseen samples (one test split of 251 answerable questions: ±1.1%)
    parser.add_argument("--max-missed", type=float, default=0.02)
    parser.add_argument("--max-confident-wrong", type=float, default=0.05)
    parser.add_argument(
        "--unmeasured-from",
        type=Path,
        help="for questions whose closeness to earlier questions is not measured (an added article's), keep "
        "the found model of this decision file (one fitted without that closeness) instead of fitting one",
    )
    parser.add_argument(
        "--transfer",
        action="store_true",
        help="only report the per-article transfer (fit on one article's train questions, "
        "report on the other article's test questions); writes nothing",
    )
    parser.add_argument(
        "--select-ranker",
        action="store_true",
        help="only report which sentence features carry over from one article to the other (RANKER_DROPPED); "
        "writes nothing",
    )
    args = parser.parse_args(argv)
    everything = read_questions(args.questions)
    offered, kept = fit_questions(everything, args.split, args.held_out, args.everyday, args.junk)
    searcher = Engine(Config.load()).index()
    searcher.leave_out_asked = True  # a train question is never its own evidence (index.asked)
    center = question_center(kept["everyday"], searcher.encoder)
    if args.select_ranker:
        print("\n".join(cross_article_ranker([q for q in kept["split"] if q.get("gold")], searcher, center)))
        return 0
    samples = measure_all([q for items in kept.values() for q in items], searcher, center=center)
    if args.transfer:
        for row in transfer_rows(samples, everything, searcher, args.max_missed, args.max_confident_wrong, center):
            print(" ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in row.items()))
        return 0
    ranked = ranker_samples([s.item for s in samples], searcher, center)
    model, report = fit(
        samples,
        args.max_missed,
        args.max_confident_wrong,
        searcher.encoder.model_id,
        searcher.fingerprint,
        center,
        ranked,
    )
    report["left_out"] = sum(len(offered[name]) - len(kept[name]) for name in offered)
    if args.unmeasured_from:
        model, report = kept_unmeasured(model, report, args.unmeasured_from)
    if args.keep_ranker:  # the found model refitted, the sentence ranker of ``--out`` kept
        model = with_ranker(model, DecisionModel.load(args.out).sentence)
        report["sentence_kept"] = True
    if args.keep_found:  # the sentence ranker refitted, the found model of ``--out`` kept
        model = with_ranker(DecisionModel.load(args.out), model.sentence)
        text = with_ranker_table(args.report.read_text(encoding="utf-8"), model, report["sentence_rows"])
    else:
        text = format_report(model, report)
    model.save(args.out)
    args.report.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
