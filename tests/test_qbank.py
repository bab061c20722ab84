"""The blind question bank: well-formed, gold inside the cleaned passages, test split frozen."""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

import pytest

from chat.evaluate import ANSWERABLE_KINDS, UNANSWERABLE_KINDS, read_questions, validate_questions
from ingest.pipeline import ingest_corpus

DATA = Path(__file__).parent / "data"
CORPUS = Path(__file__).parent.parent / "corpus"


@pytest.fixture(scope="module")
def bank() -> list[dict]:
    return read_questions(DATA / "qbank.jsonl")


def test_bank_is_large_and_covers_every_kind(bank):
    answerable = [q for q in bank if q["gold"]]
    assert len(answerable) >= 500 and len(bank) - len(answerable) >= 250
    kinds = Counter(q["kind"] for q in bank)
    assert all(kinds[k] >= 30 for k in ANSWERABLE_KINDS | UNANSWERABLE_KINDS), kinds
    assert {q["batch"] for q in bank} >= {"w1", "w2", "w3", "w4"}  # independent writers
    # batches given whole to the fitting (w6, w7q, w8 read as unseen first; w36, w38, w42, w43, w45, w46 written for it)
    given = {"w6", "w7q", "w8", "w36", "w38", "w42", "w43", "w45", "w46"}
    assert all(q["split"] == "train" and q["train_only"] for q in bank if q["batch"] in given)


def test_every_gold_string_is_in_a_cleaned_passage(bank):
    texts = [p.text for p in ingest_corpus(CORPUS).passages]
    assert validate_questions(bank, texts) == []


def test_the_validator_finds_what_is_wrong():
    bad = [
        {"id": "a", "q": "問", "gold": ["不存在的句子"], "kind": "keyword", "split": "train"},
        {"id": "a", "q": "", "gold": [], "kind": "keyword", "split": "dev"},
    ]
    problems = validate_questions(bad, ["地方創生的補助金"])
    assert any("in no passage" in p for p in problems)
    assert any("repeated" in p for p in problems) and any("no question text" in p for p in problems)
    assert any("split" in p for p in problems) and any("does not fit" in p for p in problems)


def test_test_split_is_frozen(bank):
    """The test split is never tuned on; its exact lines are pinned by this hash."""
    lines = [
        line for line in (DATA / "qbank.jsonl").read_text(encoding="utf-8").splitlines() if '"split": "test"' in line
    ]
    digest = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
    assert digest == (DATA / "qbank.test.sha256").read_text(encoding="utf-8").split()[0]
    assert len(lines) == sum(1 for q in bank if q["split"] == "test") >= 350


FRESH = {
    "fresh3": "w9",
    "fresh4": "w10",
    "fresh5": "w11",
    "fresh6": "w12",
    "fresh7": "w13",
    "fresh8": "w14",
    "fresh9": "w15",
    "fresh10": "w16",
    "fresh11": "w17",
    "fresh12": "w21",
    "fresh13": "w23",
    "fresh14": "w25",
    "fresh15": "w26",
    "fresh16": "w27",
    "fresh17": "w29",
    "fresh18": "w30",
    "fresh19": "w31",
    "fresh20": "w32",
    "fresh21": "w33",
    "fresh22": "w34",
    "fresh23": "w35",
    "fresh24": "w37",
    "fresh25": "w39",
    "fresh26": "w40",
    "fresh27": "w41",
    "fresh28": "w47",
    "fresh29": "w48",
    "fresh30": "w49",
    "fresh31": "w50",
    "fresh32": "w51",
    "fresh33": "w52",
    "fresh34": "w53",
    "fresh35": "w54",
    "fresh36": "w55",
    "fresh37": "w56",
    "fresh38": "w57",
}  # w6, w8 (fresh, fresh2): train
# w16 asks in English and Japanese only: the two scripts' answerable kinds and three unanswerable ones
SCRIPT_BATCHES = {"fresh10"}
SCRIPT_KINDS = {"english", "japanese", "offtopic", "near_domain", "false_premise"}
# w26 and w27 were asked for the hard kinds only: the four unanswerable ones and some answerable ones
HARD_KINDS = {
    "fresh15": UNANSWERABLE_KINDS | {"paraphrase", "english", "colloquial", "long", "who_where", "japanese", "table"},
    "fresh16": UNANSWERABLE_KINDS
    | {"paraphrase", "english", "japanese", "number", "list", "definition", "colloquial", "simplified"},
    # w40: weighted to amounts, shares, lists and definitions, and to unanswerable questions asking for money or shares
    "fresh26": UNANSWERABLE_KINDS | {"number", "list", "definition", "table", "paraphrase", "english", "colloquial"},
    # w41: the hard kinds and numbers, lists and definitions (no keyword, short, long, who/where, simplified)
    "fresh27": UNANSWERABLE_KINDS
    | {"number", "list", "paraphrase", "english", "definition", "colloquial", "table", "japanese"},
    # w47: the hard kinds, numbers, lists, long and simplified (no keyword, short, table, definition, who/where)
    "fresh28": UNANSWERABLE_KINDS
    | {"paraphrase", "english", "japanese", "colloquial", "number", "list", "long", "simplified"},
    # w53: the hard kinds, lists, numbers and long questions
    "fresh34": UNANSWERABLE_KINDS | {"paraphrase", "english", "japanese", "colloquial", "long", "list", "number"},
    # w55: the same kinds as w53
    "fresh36": UNANSWERABLE_KINDS | {"paraphrase", "english", "japanese", "colloquial", "long", "list", "number"},
    # w57: the hard kinds and tables
    "fresh38": UNANSWERABLE_KINDS | {"paraphrase", "english", "japanese", "colloquial", "long", "table"},
}


@pytest.mark.parametrize(("name", "batch"), FRESH.items())
def test_the_fresh_batches_are_valid_held_out_and_frozen(name, batch):
    """Later blind batches (w9 to w21), each kept in its own file so its figures stay a first look:
    every question is test split, every kind is there (w16: English and Japanese only), and the
    file is pinned by its hash."""
    text = (DATA / f"{name}.jsonl").read_text(encoding="utf-8")
    fresh = read_questions(DATA / f"{name}.jsonl")
    assert hashlib.sha256(text.encode("utf-8")).hexdigest() == (DATA / f"{name}.sha256").read_text().split()[0]
    assert validate_questions(fresh, [p.text for p in ingest_corpus(CORPUS).passages]) == []
    assert {q["split"] for q in fresh} == {"test"} and {q["batch"] for q in fresh} == {batch}
    kinds = SCRIPT_KINDS if name in SCRIPT_BATCHES else HARD_KINDS.get(name, ANSWERABLE_KINDS | UNANSWERABLE_KINDS)
    assert {q["kind"] for q in fresh} == kinds
    others = read_questions(DATA / "qbank.jsonl") + [
        q for other in FRESH if other != name for q in read_questions(DATA / f"{other}.jsonl")
    ]
    assert not {q["id"] for q in fresh} & {q["id"] for q in others}
