"""Deciding whether the articles answer a question at all: a fitted model over named signals.

Each signal is a small named function of the question, its search hits and the corpus
statistics (below). :class:`DecisionModel` combines them with a logistic regression fitted
by ``python -m chat.fit_decision`` on the ``train`` split of ``tests/data/qbank.jsonl``; its
coefficients live in a versioned JSON file (``chat/data/decision.json``) together with the
model fingerprint they were fitted for and the chosen operating points:

* ``confidence >= found_at``  -> found: the quotes are the answer;
* ``maybe_at <= confidence < found_at`` -> 可能相關: quoted, marked as uncertain;
* below ``maybe_at``          -> not found: the nearest paragraphs are shown instead.

Dense scores are specific to the embedding model: with another model the decision still
runs but says that it is uncalibrated (refit with the script).
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from itertools import combinations_with_replacement
from pathlib import Path

import numpy as np

from chat.premise import written_in_japanese
from chat.terms import (
    Asks,
    CorpusStats,
    answer_type_spans,
    carries_answer_type,
    folded,
    group_credit,
    group_weight,
    states_date,
    term_groups,
    weighted_coverage,
)
from chat.trees import TreeEnsemble
from index.records import Hit
from ingest.errors import SouseiError

NOT_FOUND_LINE = "資料中找不到直接回答這個問題。"
# The premise checks (chat.premise) that decide "not found" whatever the confidence: not matters of
# degree. Each: the Signals field holding what it found, the reason (for logs and --json), and the
# note said after the not-found line (the reader's words); both formatted with what was found.
PREMISE_CHECKS: tuple[tuple[str, str, str], ...] = (
    (
        "greeting",
        "the question is a greeting ({}), not about the articles",
        "這是問候，不是關於文章的問題。我只引用文章中的句子回答關於文章的問題，每句都附出處；請直接問文章裡的內容。",
    ),
    (
        "about_me",
        "the question asks about me ({}), not about the articles",
        "這個問題問的是我，不是文章。我只引用文章中的句子回答關於文章的問題，每句都附出處。",
    ),
    (
        "instruction",
        "the question gives me instructions ({})",
        "這是給我的指令，不是關於文章的問題。我只引用文章中的句子回答問題，不執行指令。",
    ),
    (
        "unread_words",
        "the question's words are neither English nor the articles' ({})",
        "問題裡的字詞既不是英文，也不在文章中。",
    ),
    (
        "bare_numbers",
        "the question is numbers alone ({}), with no word saying what it asks",
        "問題只有數字（{}），沒有說要問什麼；請用一句話問，例如「2019年開始了什麼？」。",
    ),
    (
        "arithmetic",
        "the question asks to work out a sum ({}), which no article does",
        "這是計算題（{}），不是關於文章的問題；我只引用文章中的句子回答。",
    ),
    (
        "code",
        "the question is code or markup ({}), not a question",
        "這是程式碼或標記，不是問題。我只引用文章中的句子回答關於文章的問題。",
    ),
    (
        "wrapped",
        "the question is a term wrapped in noise ({})",
        "這不是問題：「{0}」旁邊是雜訊符號。請用一句話問，例如「{0}是什麼？」。",
    ),
    (
        "mojibake",
        "the question is mojibake ({})",
        "問題中有亂碼（{}），可能是編碼出錯了；請重新輸入問題。",
    ),
    (
        "garbled",
        "the question is garbled ({})",
        "問題中有無意義的字（{}）；請用一句話問，例如「RESAS是什麼？」。",
    ),
    ("unwritten_name", "no article writes the name {}", "文章中沒有「{}」這個名稱。"),
    ("undefined_term", "the best passages do not write the term asked about ({})", "最接近的段落都沒有「{}」這個詞。"),
    ("count_conflict", "the articles state another count ({})", "文章所說的數目與問題中的不同。"),
    ("absent_actor", "the best passages do not mention {}", "最接近的段落都沒有提到「{}」。"),
    (
        "foreign_article",
        "the best passage is from an article about another country and does not mention {}",
        "排在第一的段落出自談另一個國家的文章，沒有提到「{}」。",
    ),
    (
        "other_body",
        "the best passage credits another body ({}) than the question",
        "最相關的段落說的是「{}」，不是問題中的機關。",
    ),
    ("absent_year", "no article mentions the year {}", "文章中沒有提到{}年。"),
    ("absent_amount", "the best passages do not state {}", "最接近的段落都沒有提到「{}」這個數字。"),
    ("absent_unit", "the best passages state no number of {}", "最接近的段落都沒有以「{}」計的數目。"),
    (
        "absent_money",
        "the question asks for money ({}) and the best passage states no amount",
        "最接近的段落沒有提到任何金額。",
    ),
    (
        "absent_share",
        "the question asks for a share ({}) and the best passage states none",
        "最接近的段落沒有提到任何比例。",
    ),
    (
        "absent_person",
        "the question asks for a person ({}) and the best passages name none",
        "最接近的段落都沒有提到任何人的名字。",
    ),
    (
        "absent_place",
        "the question asks for a place ({}) and the best passages name none",
        "最接近的段落都沒有提到任何地名。",
    ),
    (
        "absent_company",
        "the question asks for a company ({}) and the best passages name none",
        "最接近的段落都沒有提到任何公司的名字。",
    ),
    (
        "absent_date",
        "the question asks {} and the best passages state no date",
        "最接近的段落都沒有提到任何年份或日期。",
    ),
    ("absent_row", "no table row is labelled {}", "表格中沒有「{}」這一列。"),
    ("absent_kana", "the best passages do not have the Japanese name {}", "最接近的段落都沒有「{}」這個名稱。"),
    (
        "contradicted_figure",
        "the best passages state another figure where the question states {}",
        "文章所說的數字與問題中的「{}」不同。",
    ),
    (
        "enacted_otherwise",
        "the best passages date the enactment {}, not the question's year",
        "最接近的段落說是{}，不是問題中的年份。",
    ),
    ("absent_action", "the best passages do not say {}", "最接近的段落都沒有提到「{}」。"),
    ("contradicted_ratio", "the best passages state another ratio ({})", "文章所說的比例與問題中的不同。"),
    ("contradicted_share", "the best passages state other shares ({})", "文章所說的百分比與問題中的說法不同。"),
    ("list_size_conflict", "the best passage lists another number of items ({})", "文章列出的項目數與問題中的不同。"),
    ("unstated_only", "the best passage states no such restriction ({})", "最相關的段落沒有說「只」限於此。"),
    (
        "beyond_byline",
        "of their author ({}) the articles have only the byline",
        "文章中關於作者（{}）的只有署名一行，沒有其他內容。",
    ),
)
# A question left with no searchable term (あいうえお, 謝啦, 🙂🙂, {{7*7}}) asks nothing the articles
# could answer: of the 4000-odd questions of the bank and the blind batches, the 48 without a term
# are all junk. Whatever the passages' closeness, it is not found.
NO_TERMS_NOT_FOUND = True
NO_TERMS_NOTE = "問題裡沒有可以搜尋的詞語。"
MAYBE_LINE = "可能相關：文章沒有明確回答，以下句子或許有關，請對照原文。"
DECISION_FILE = Path(__file__).resolve().parent / "data" / "decision.json"
# 2: optional boosted trees beside the regression; 3: an optional decision for questions whose
# earlier-question signals are not measured (version 1 and 2 files still load)
DECISION_VERSION = 3
READABLE_VERSIONS = (1, 2, 3)

_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_TENTHS = re.compile(r"([一二三四五六七八九])成")  # a share in tenths, written in Chinese numerals


@dataclass(frozen=True)
class Signals:
    """What the decision looks at, all measured at question time without another model call."""

    n_terms: int  # content terms in the question
    coverage: float  # best IDF-weighted term coverage among the top passages
    unknown: float  # IDF-weighted share of terms unseen in the corpus
    unknown_terms: int  # maximal terms of the question that no passage contains
    numbers_missing: float  # share of the question's numbers absent from the top passages
    dense_top: float | None  # best dense cosine among the hits
    dense_gap: float | None  # dense top-1 minus top-2
    dense_spread: float  # dense top-1 minus the median of the wider candidate list
    ranks_agree: bool  # keyword top-1 is also dense top-1..3 (or vice versa)
    sentence: float  # lexical coverage of the best sentence
    sentence_dense: float | None  # cosine of the best sentence with the question
    latin: float  # share of Latin letters in the question
    letters: float  # share of letters and digits among the question's characters
    chars: int  # question length in characters
    # what the question asks for (an amount, a date, a name) against what the candidates carry
    asks_type: bool = False  # the question asks for a quantity, a year/date or a person/organisation
    type_in_best: bool = True  # one of the best candidate sentences carries that kind of answer
    type_gap: float = 0.0  # term coverage lost when the terms must sit next to such an answer
    quoted_missing: float = 0.0  # share of the names the question quotes (「…」) that no top passage contains
    greeting: str = ""  # the question is only a greeting, thanks or goodbye (chat.addressed.greeting)
    about_me: str = ""  # the words by which the question asks about the chatbot itself (chat.addressed)
    instruction: str = ""  # the words by which the question gives the chatbot instructions (chat.addressed)
    unread_words: str = ""  # a Latin-only question mostly in words neither English nor the articles' (chat.latin)
    bare_numbers: str = ""  # two or more numbers and no word (1988 394 2018 846): chat.latin
    code: str = ""  # an SQL statement, tag or template placeholder the question holds (chat.latin)
    arithmetic: str = ""  # a sum the question asks to work out (15的平方, 3+4): chat.latin
    wrapped: str = ""  # a term with noise on both sides (@@@ 總務省 ###, lol RESAS lol): chat.latin
    mojibake: str = ""  # UTF-8 read as Latin-1 or replacement characters (åœ°æ–¹, �): chat.noise
    garbled: str = ""  # keyboard mashing, bopomofo runs, filler, styled letters, a word typed 3 times: chat.noise
    unwritten_name: str = ""  # a Latin name a Chinese or Japanese question uses and no article writes (chat.latin)
    count_conflict: str = ""  # the question's count of a thing that the passages contradict (chat.premise)
    undefined_term: str = ""  # the term a "what does X mean" question asks about, written by no best passage
    absent_actor: str = ""  # a country or government body the question names and the best passages do not
    foreign_article: str = ""  # a country the question names; the best passage's article is about another
    enacted_otherwise: str = ""  # the year the best passage dates an enactment the question dates otherwise
    other_body: str = ""  # a Japanese ministry the best passage names, not the one the question names (chat.premise)
    absent_year: str = ""  # a year the question names and no article mentions
    absent_amount: str = ""  # an amount the question states and the best passages do not
    absent_unit: str = ""  # the unit of a "how many" the question asks, in which the best passages count nothing
    absent_money: str = ""  # "how much money": the question asks for an amount and the best passage states none
    absent_share: str = ""  # "what share": the question asks for a share or rate and the best passage states none
    absent_person: str = ""  # the title of a person the question asks for (局長是誰) when the best passages name none
    absent_place: str = ""  # the kind of place the question asks for (哪個縣) when the best passages name none
    absent_company: str = ""  # how the question asks for a company (哪家公司) when the best passages name none
    absent_date: str = ""  # "when": the question asks when and the best passages state no date
    absent_row: str = ""  # a table row the question quotes and the best passages' tables do not have
    absent_kana: str = ""  # a kana name in a Chinese question that the best passages do not have
    contradicted_figure: str = ""  # a figure the question states that the best passages state otherwise
    absent_action: str = ""  # a verb of abolishing / banning / punishing the best passages do not have (chat.claims)
    contradicted_ratio: str = ""  # people per device (三人一台) where the best passages state another ratio
    contradicted_share: str = ""  # a share in words (超過一半) where the best passages state shares, none in its range
    list_size_conflict: str = ""  # a count of the items of a list the best passage enumerates in another size
    unstated_only: str = ""  # an "only" (只頒給, 只討論) the question states and the best passage does not
    beyond_byline: str = ""  # the author, asked about beyond the byline that is the best passage
    topic: float | None = None  # closeness to the articles' subject (Searcher.topic_similarity); None: unmeasured
    # the best cosine with an earlier question the articles did not answer / did answer (index.asked;
    # Searcher.asked_closeness); None: unmeasured (no memory, or a best passage in an added article)
    asked_unanswered: float | None = None
    asked_answered: float | None = None


# The features the model sees, each a named function of the signals.
FEATURES: dict[str, object] = {
    "dense_top": lambda s: s.dense_top or 0.0,
    "dense_gap": lambda s: s.dense_gap or 0.0,
    "dense_spread": lambda s: s.dense_spread,
    "nothing_known": lambda s: float(s.n_terms == 0 or s.unknown >= 0.99) * (1.0 - s.latin),
    "nothing_known_latin": lambda s: float(s.n_terms == 0 or s.unknown >= 0.99) * s.latin,
    "dense_covered": lambda s: (s.dense_top or 0.0) * (1.0 - s.unknown),
    "sentence_dense": lambda s: s.sentence_dense or 0.0,
    "coverage": lambda s: s.coverage,
    "unknown": lambda s: s.unknown,
    "unknown_terms": lambda s: math.log1p(s.unknown_terms),
    "numbers_missing": lambda s: s.numbers_missing,
    "sentence": lambda s: s.sentence,
    "ranks_agree": lambda s: float(s.ranks_agree),
    "latin": lambda s: s.latin,
    "latin_dense": lambda s: s.latin * (s.dense_top or 0.0),
    "terms": lambda s: math.log1p(s.n_terms),
    "no_terms": lambda s: float(s.n_terms == 0),
    "letters": lambda s: s.letters,
    "length": lambda s: math.log1p(s.chars),
    "type_gap": lambda s: s.type_gap,
    "type_absent": lambda s: float(s.asks_type and not s.type_in_best),
    "quoted_missing": lambda s: s.quoted_missing,
    "topic": lambda s: s.topic if s.topic is not None else math.nan,  # not measured: as the fitted mean
    "asked_unanswered": lambda s: s.asked_unanswered if s.asked_unanswered is not None else math.nan,
    "asked_answered": lambda s: s.asked_answered if s.asked_answered is not None else math.nan,
}
# What the found model is fitted on (the raw signals; their products come from interactions).
FOUND_FEATURES = (
    "dense_top",
    "dense_gap",
    "dense_spread",
    "sentence_dense",
    "coverage",
    "unknown",
    "unknown_terms",
    "numbers_missing",
    "sentence",
    "ranks_agree",
    "latin",
    "letters",
    "length",
    "terms",
    "type_gap",
    "type_absent",
    "quoted_missing",
    "topic",
    "asked_unanswered",
    "asked_answered",
)

# What each feature says, in the direction it pushed the decision (for ``reason``).
_SAYS = {
    "dense_top": ("a passage is close in meaning", "no passage is close in meaning"),
    "topic": ("the question is on the articles' subject", "the question is on another subject"),
    "dense_gap": ("one passage stands out", "no passage stands out"),
    "dense_spread": ("the best passage stands out from the rest", "the best passage is no closer than the rest"),
    "nothing_known": (
        "the question's words occur in the articles",
        "none of the question's words occur in the articles",
    ),
    "nothing_known_latin": (
        "the question's words occur in the articles",
        "none of the question's words occur in the articles",
    ),
    "dense_covered": ("a close passage that uses the question's terms", "no close passage uses the question's terms"),
    "sentence_dense": ("a sentence is close in meaning", "no sentence is close in meaning"),
    "coverage": ("the top passages carry the question's terms", "the top passages carry few of the question's terms"),
    "unknown": ("the question's terms occur in the articles", "the question's terms are not in the articles"),
    "unknown_terms": ("every term occurs in the articles", "some terms occur nowhere in the articles"),
    "numbers_missing": (
        "the question's numbers occur in the passages",
        "the question's numbers are not in the passages",
    ),
    "sentence": ("a sentence carries the question's terms", "no sentence carries the question's terms"),
    "ranks_agree": ("keyword and meaning search agree", "keyword and meaning search disagree"),
    "latin": ("the question's script", "the question's script"),
    "latin_dense": ("a cross-lingual meaning match", "no cross-lingual meaning match"),
    "terms": ("the question has searchable terms", "the question has few searchable terms"),
    "no_terms": ("the question has searchable terms", "the question has no searchable terms"),
    "letters": ("the question is mostly words", "the question is mostly symbols"),
    "length": ("the question's length", "the question's length"),
    "type_gap": (
        "a sentence gives the kind of answer asked (an amount, a date, a name) beside the question's terms",
        "no sentence gives the kind of answer asked (an amount, a date, a name) beside the question's terms",
    ),
    "type_absent": (
        "the best sentences carry the kind of answer asked",
        "the best sentences carry no amount, date or name of the kind asked",
    ),
    "quoted_missing": (
        "the names the question quotes occur in the passages",
        "a name the question quotes occurs in no passage",
    ),
    "asked_unanswered": (
        "no question like it was asked before and left unanswered",
        "a question like it was asked before and the articles did not answer it",
    ),
    "asked_answered": (
        "a question like it was asked before and answered",
        "no question like it was asked before and answered",
    ),
}


# Features that say nothing about some questions (no reason is drawn from them there): the
# answer-type features when the question asks for no quantity, date or name.
_SILENT = {
    "type_gap": lambda s: not s.asks_type,
    "type_absent": lambda s: not s.asks_type,
    "quoted_missing": lambda s: s.quoted_missing == 0.0,
}


def feature_says(name: str) -> tuple[str, str]:
    """What a feature says when it pushes towards found, and when it pushes towards not found."""
    return _SAYS[name]


def feature_values(s: Signals, names: Sequence[str]) -> list[float]:
    return [float(FEATURES[name](s)) for name in names]  # type: ignore[operator]


BAND_EDGE = 0.0001  # a shown confidence below a threshold stays this far below it (4 decimals)


@dataclass(frozen=True)
class Decision:
    found: bool
    uncertain: bool  # in the 可能相關 band: quoted, but marked as uncertain
    confidence: float  # 0..1, the model's probability that the articles answer
    reason: str
    note: str = ""  # a fixed phrase for the reader after the not-found line (a premise check decided)


@dataclass(frozen=True)
class LinearModel:
    """A logistic regression over standardised named features (fitted by chat.fit_decision);
    with ``interactions`` it also weighs every product of two standardised features (a
    quadratic boundary: "no known term" matters more when the dense match is weak)."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    interactions: bool = False

    def standardise(self, values: Sequence[float]) -> list[float]:
        """Each value less its fitted mean, over its scale; a value not measured (NaN: the topic
        without a center for this model) counts as the mean, so it moves nothing."""
        return [0.0 if math.isnan(v) else (v - m) / (sc or 1.0) for v, m, sc in zip(values, self.mean, self.scale)]

    def expand(self, values: Sequence[float]) -> list[float]:
        z = self.standardise(values)
        return z + [z[i] * z[j] for i, j in pairs(len(z))] if self.interactions else z

    def contributions(self, values: Sequence[float]) -> list[float]:
        """Each feature's share of the logit (an interaction is split between its two features)."""
        z = self.standardise(values)
        parts = [c * v for c, v in zip(self.coef, z)]
        if self.interactions:
            for c, (i, j) in zip(self.coef[len(z) :], pairs(len(z))):
                parts[i] += c * z[i] * z[j] / 2
                parts[j] += c * z[i] * z[j] / 2
        return parts

    def logit(self, values: Sequence[float]) -> float:
        return self.intercept + sum(c * v for c, v in zip(self.coef, self.expand(values)))

    @classmethod
    def from_json(cls, data: dict, known: dict) -> LinearModel:
        unknown = [f for f in data.get("features", []) if f not in known]
        if unknown:
            raise ValueError(f"decision file uses unknown features {unknown}")
        model = cls(
            tuple(data["features"]),
            tuple(data["mean"]),
            tuple(data["scale"]),
            tuple(data["coef"]),
            float(data["intercept"]),
            bool(data.get("interactions", False)),
        )
        n = len(model.features)
        if len(model.coef) != n + (len(pairs(n)) if model.interactions else 0):
            raise ValueError("decision file has the wrong number of coefficients")
        return model


def _never(s: Signals) -> bool:
    return False


def pairs(n: int) -> list[tuple[int, int]]:
    """Index pairs (i <= j) of the interaction terms, in a fixed order."""
    return list(combinations_with_replacement(range(n), 2))


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))


def onto_bands(p: float, source: tuple[float, float], target: tuple[float, float]) -> float:
    """``p``, a probability of a model whose bands are ``source`` (maybe_at, found_at), moved
    piecewise linearly onto the bands ``target``: the same outcome, shown on one scale."""
    (source_maybe, source_found), (target_maybe, target_found) = source, target
    return float(np.interp(p, [0.0, source_maybe, source_found, 1.0], [0.0, target_maybe, target_found, 1.0]))


def found_probability(found: LinearModel, trees: TreeEnsemble | None, values: Sequence[float]) -> float:
    """The regression's probability, averaged with the trees' when there are trees."""
    p = sigmoid(found.logit(values))
    return p if trees is None else (p + sigmoid(trees.logit(values))) / 2


@dataclass(frozen=True)
class DecisionModel:
    """The fitted found / not-found model with its two operating points, and the fitted
    sentence ranker that picks the quotes; stored together, tied to one embedding model."""

    found: LinearModel
    found_at: float
    maybe_at: float
    sentence: LinearModel
    model_id: str = ""
    model_fingerprint: str = ""
    version: int = DECISION_VERSION
    # the mean vector of everyday questions (chat/data/everyday.jsonl) under the embedding model:
    # what Searcher.topic_similarity takes away before comparing a question with the passages
    question_center: tuple[float, ...] = ()
    # boosted trees over the found features; the found probability is the mean of theirs and the
    # regression's (chat.trees). None: the regression alone (a version 1 file, the tests' toy models)
    found_trees: TreeEnsemble | None = None
    # the decision for a question whose closeness to earlier questions is not measured (a best
    # passage in an added article, no memory): fitted without those signals, its probability moved
    # onto this model's bands (``onto_bands``). None: this model reads them as their fitted mean
    unmeasured: DecisionModel | None = None

    def center(self) -> np.ndarray | None:
        """``question_center`` as an array, or None when the decision has none."""
        return np.asarray(self.question_center, dtype=np.float32) if self.question_center else None

    def probability(self, values: Sequence[float]) -> float:
        """The probability that the articles answer, from the found features' values."""
        return found_probability(self.found, self.found_trees, values)

    def confidence(self, s: Signals) -> float:
        return self.probability(feature_values(s, self.found.features))

    def decide(self, s: Signals, fingerprint: str | None = None) -> Decision:
        if self.unmeasured is not None and s.asked_unanswered is None:
            other = self.unmeasured
            verdict = other.decide(s, fingerprint)
            p = onto_bands(other.confidence(s), (other.maybe_at, other.found_at), (self.maybe_at, self.found_at))
            return replace(verdict, confidence=round(p, 4))
        values = feature_values(s, self.found.features)
        parts = self.found.contributions(values)  # the reason is the regression's strongest push
        p = self.probability(values)
        for field_name, reason, note in PREMISE_CHECKS:
            if value := getattr(s, field_name):
                return Decision(False, False, round(p, 4), "not found: " + reason.format(value), note.format(value))
        if s.n_terms == 0 and NO_TERMS_NOT_FOUND:
            return Decision(False, False, round(p, 4), "not found: the question has no searchable terms", NO_TERMS_NOTE)
        found = p >= self.maybe_at
        # the feature that pushed hardest in the direction of the outcome says why
        names = self.found.features
        order = sorted(range(len(parts)), key=lambda i: parts[i], reverse=found)
        order = [i for i in order if not _SILENT.get(names[i], _never)(s)] or order
        said = _SAYS[names[order[0]]][0 if found else 1] if parts else "no signals"
        reason = ("found: " if p >= self.found_at else "uncertain: " if found else "not found: ") + said
        if fingerprint is not None and self.model_fingerprint and fingerprint != self.model_fingerprint:
            reason += " (decision fitted for another embedding model; refit with python -m chat.fit_decision)"
        return Decision(found=found, uncertain=found and p < self.found_at, confidence=round(p, 4), reason=reason)

    def shown(self, verdict: Decision) -> float:
        """The confidence an answer shows: the model's probability, moved into the band of the
        outcome shown when a rule decided otherwise (a premise check refused a question the model
        found likely, a byline or a numbered series answered one it did not), so that found answers
        show at least ``found_at``, 可能相關 ones lie in [``maybe_at``, ``found_at``) and refusals
        below ``maybe_at`` (a tester read found=true at 0.03 and found=false at 0.97 in --json)."""
        p = verdict.confidence
        if verdict.found and not verdict.uncertain:
            return round(max(p, self.found_at), 4)
        if verdict.found:
            return round(min(max(p, self.maybe_at), self.found_at - BAND_EDGE), 4)
        return round(min(p, self.maybe_at - BAND_EDGE), 4)

    def to_json(self) -> dict:
        data = asdict(replace(self, unmeasured=None))
        data["found_trees"] = None if self.found_trees is None else self.found_trees.to_json()
        if self.unmeasured is not None:  # its sentence ranker is this one's, not stored twice
            data["unmeasured"] = {k: v for k, v in self.unmeasured.to_json().items() if k != "sentence"}
        return data

    @classmethod
    def from_json(cls, data: dict) -> DecisionModel:
        from chat.answer import SENTENCE_FEATURES

        if not isinstance(data, dict) or data.get("version") not in READABLE_VERSIONS:
            raise ValueError(
                f"decision file version {data.get('version') if isinstance(data, dict) else None!r}, "
                f"expected one of {READABLE_VERSIONS}"
            )
        found = LinearModel.from_json(data["found"], FEATURES)
        trees = data.get("found_trees")
        unmeasured = data.get("unmeasured")
        return cls(
            found=found,
            found_at=float(data["found_at"]),
            maybe_at=float(data["maybe_at"]),
            sentence=LinearModel.from_json(data["sentence"], SENTENCE_FEATURES),
            model_id=str(data.get("model_id", "")),
            model_fingerprint=str(data.get("model_fingerprint", "")),
            question_center=tuple(float(v) for v in data.get("question_center", ())),
            found_trees=None if trees is None else TreeEnsemble.from_json(trees, found.features),
            unmeasured=None if unmeasured is None else cls.from_json({**unmeasured, "sentence": data["sentence"]}),
        )

    @classmethod
    def load(cls, path: Path = DECISION_FILE) -> DecisionModel:
        try:
            return cls.from_json(json.loads(Path(path).read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError) as err:
            raise DecisionFileError(
                f"{path}: cannot use the decision file ({err}); refit it with python -m chat.fit_decision"
            ) from err

    def save(self, path: Path) -> None:
        from ingest.fileio import atomic_write_text

        text = json.dumps(self.to_json(), ensure_ascii=False, indent=1)
        atomic_write_text(Path(path), _NUMBER_LIST.sub(_one_line, text) + "\n")


# a JSON list of numbers (or booleans), which ``save`` writes on one line: a tree's node lists and
# the question center stay a line each instead of one line per number
_NUMBER_LIST = re.compile(r"\[\s*((?:-?[0-9.eE+-]+|true|false)(?:,\s*(?:-?[0-9.eE+-]+|true|false))*)\s*\]")


def _one_line(match: re.Match[str]) -> str:
    return "[" + re.sub(r",\s*", ", ", match.group(1)) + "]"


class DecisionFileError(SouseiError):
    """The fitted decision file is missing or unreadable."""


# --------------------------------------------------------------------------- signals


def passage_coverage(terms: Sequence[str], hits: Sequence[Hit], stats: CorpusStats, depth: int = 3) -> float:
    """Best IDF-weighted share of the question's terms present in one of the top ``depth`` passages."""
    if not terms:
        return 0.0
    return max((weighted_coverage(terms, folded(h.passage.search_text), stats) for h in hits[:depth]), default=0.0)


def unknown_share(terms: Sequence[str], stats: CorpusStats) -> float:
    """IDF-weighted share of the question's terms that no indexed passage contains
    (a compound counts as partly known when a part of it is known)."""
    groups = term_groups(terms)
    total = sum(group_weight(g, stats) for g in groups)
    if total <= 0:
        return 0.0
    unknown = sum(group_weight(g, stats) * (1.0 - group_credit(g, stats.known)) for g in groups)
    return unknown / total


def unknown_count(terms: Sequence[str], stats: CorpusStats) -> int:
    """Maximal terms of which no part occurs in the corpus."""
    return sum(1 for g in term_groups(terms) if group_credit(g, stats.known) == 0.0)


def numbers_missing(question: str, hits: Sequence[Hit], depth: int = 3) -> float:
    """Share of the numbers in the question (years, amounts) that none of the top passages has."""
    numbers = set(_NUMBER.findall(unicodedata.normalize("NFKC", question)))
    if not numbers:
        return 0.0
    text = unicodedata.normalize("NFKC", " ".join(h.passage.search_text for h in hits[:depth]))
    text = _TENTHS.sub(lambda m: str("一二三四五六七八九".index(m.group(1)) + 1) + "成", text)  # 七成 is 7割, 7成
    present = set(_NUMBER.findall(text))
    return sum(1 for n in numbers if n not in present) / len(numbers)


def letter_share(text: str) -> float:
    """Share of the question's non-space characters that are letters or digits."""
    chars = [ch for ch in text if not ch.isspace()]
    if not chars:
        return 0.0
    return sum(1 for ch in chars if unicodedata.category(ch)[0] in ("L", "N")) / len(chars)


def dense_top(hits: Sequence[Hit]) -> float | None:
    scores = [h.dense_score for h in hits if h.dense_score is not None]
    return max(scores) if scores else None


def dense_gap(hits: Sequence[Hit]) -> float | None:
    scores = sorted((h.dense_score for h in hits if h.dense_score is not None), reverse=True)
    return scores[0] - scores[1] if len(scores) >= 2 else None


def dense_spread(hits: Sequence[Hit]) -> float:
    """How far the best dense score stands above the median of the candidates' dense scores."""
    scores = sorted((h.dense_score for h in hits if h.dense_score is not None), reverse=True)
    return float(scores[0] - scores[len(scores) // 2]) if len(scores) >= 3 else 0.0


def ranks_agree(hits: Sequence[Hit], within: int = 3) -> bool:
    """Keyword and dense retrieval agree: each one's top passage is in the other's top ``within``."""
    kw_top = next((h for h in hits if h.bm25_rank == 1), None)
    dn_top = next((h for h in hits if h.dense_rank == 1), None)
    if kw_top is None or dn_top is None:
        return False
    return (kw_top.dense_rank or within + 1) <= within and (dn_top.bm25_rank or within + 1) <= within


TYPE_WINDOW = 15  # characters either side of an amount, a date or a name that count as "beside" it
# ... for a question written in Japanese, the whole sentence: its terms reach the Chinese text through
# folding and glosses, a few words of the sentence, not next to its date ("推進会議はいつ設置" was not
# found: 2015年 stands 50 characters from 推進會議). Held out first quote 1125 -> 1127 of 1326,
# answerable told not found 29 -> 26; train, the test split, the blind batches w23-w31 and the
# follow-ups unchanged (chosen from the held-out not-found reasons counted by kind, Japanese 4).
JAPANESE_TYPE_WINDOW = 10_000
TYPE_BEST = 3  # the best candidate sentences looked at for ``type_in_best``


@dataclass(frozen=True)
class AnswerType:
    """What the question asks for against what the candidate sentences carry."""

    asked: bool  # the question asks for a quantity, a year/date or a person/organisation
    in_best: bool  # one of the best candidate sentences carries that kind of answer
    gap: float  # best term coverage of a candidate minus the best coverage beside such an answer


def coverage_beside_type(
    asks: Asks, terms: Sequence[str], text: str, stats: CorpusStats, window: int = TYPE_WINDOW
) -> float:
    """IDF-weighted share of the question's terms within ``window`` characters of an answer of the
    asked kind in ``text`` ("兒童食堂" next to "3,700間"); 0 when the text carries none."""
    norm = unicodedata.normalize("NFKC", text)
    spans = answer_type_spans(asks, norm)
    if not spans:
        return 0.0
    beside = " ".join(norm[max(0, a - window) : _reach(asks, norm, a, b, window)] for a, b in spans)
    return weighted_coverage(terms, folded(beside), stats)


# A date that opens a clause and is set off by a comma (…，因此在2015年，日本…設置了「…推進會議」，並…)
# dates the rest of its sentence, not only the characters within the window.
_SENTENCE_END = re.compile(r"[。！？；!?;\n]")
_CLAUSE_END = re.compile(r"[。！？；!?;\n，,]")
_OPENS = 6  # at most this many characters before the date in its clause (因此在, 於是在)
_DATE_COMMA = re.compile(r"[年月日度起時时]*\s*[，,]")


def _reach(asks: Asks, text: str, begin: int, end: int, window: int) -> int:
    """Where the text beside the answer ``text[begin:end]`` ends: ``window`` characters after it,
    or for an asked date that opens a clause and is followed by a comma, the sentence's end."""
    reach = end + window
    if not asks.when or not states_date(text[begin:end]) or not _DATE_COMMA.match(text, end):
        return reach
    start = max((m.end() for m in _CLAUSE_END.finditer(text, max(0, begin - _OPENS - 1), begin)), default=-1)
    if start < 0 and begin > _OPENS:
        return reach
    stop = _SENTENCE_END.search(text, end)
    return max(reach, stop.start() if stop else len(text))


def answer_type(
    asks: Asks,
    terms: Sequence[str],
    candidates: Sequence[tuple[str, float]],
    best: Sequence[str],
    stats: CorpusStats,
) -> AnswerType:
    """``candidates``: the sentences of the top passages with their term coverage; ``best``: the
    candidate sentences the answer would quote first. A question that asks for no quantity, date
    or name has nothing to miss (in_best True, gap 0)."""
    if not asks.typed:
        return AnswerType(asked=False, in_best=True, gap=0.0)
    best_terms = max((lexical for _, lexical in candidates), default=0.0)
    window = JAPANESE_TYPE_WINDOW if written_in_japanese(asks.folded) else TYPE_WINDOW
    beside = max((coverage_beside_type(asks, terms, text, stats, window) for text, _ in candidates), default=0.0)
    in_best = any(carries_answer_type(asks, text) for text in best[:TYPE_BEST])
    return AnswerType(asked=True, in_best=in_best, gap=max(0.0, best_terms - beside))


# A name the question quotes: 「地域未來構想50」, 『…』, “…”, "…" (2 to 40 characters inside).
_QUOTED = re.compile(r"[「『“\"]([^」』”\"]{2,40})[」』”\"]")
_SPACE = re.compile(r"\s+")
_KANA = re.compile(r"[\u3040-\u309f\u30a0-\u30fa\u30fc-\u30ff]")  # not the middle dot ・ (城鎮・人口)
_CODED = re.compile(r"[0-9A-Za-z０-９Ａ-Ｚａ-ｚ]")  # a digit or a Latin letter: a number or a code, in any script


def quoted_missing(question: str, hits: Sequence[Hit]) -> float:
    """Share of the names the question quotes that none of ``hits`` contains verbatim (folded, spaces
    ignored): a question about 「地域未來構想50」 when the articles only have 「地域未來構想20」. A
    question asked in Japanese quotes its own Japanese words (「新しい旅行形態」 for 新旅遊型態), not
    the article's: its names with kana are not looked for verbatim, nor are its names of kanji
    alone (「脱炭素化」 for 脫碳化, 「連携」 for 合作), only those with a digit or a Latin letter
    (「地域未来構想50」)."""
    japanese = written_in_japanese(question)
    names = [
        name for name in _QUOTED.findall(question) if not japanese or (_CODED.search(name) and not _KANA.search(name))
    ]
    if not names:
        return 0.0
    text = _SPACE.sub("", folded(" ".join(h.passage.search_text for h in hits)))
    return sum(_SPACE.sub("", folded(name)) not in text for name in names) / len(names)
