"""The articles a user adds (tests/data/added): the question files are valid against the articles
as ingested with the seeds, the held-out file is pinned, and each answerable question names the
added article it is about. No model: the figures are in tests/test_added_articles_real.py."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from bench.added_eval import ADDED, ARTICLES, BATCHES, copy_articles, question_files
from chat.evaluate import ANSWERABLE_KINDS, UNANSWERABLE_KINDS, read_questions, validate_questions
from ingest.pipeline import ingest_corpus

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


@pytest.fixture(scope="module")
def passages(tmp_path_factory):
    corpus = copy_articles(tmp_path_factory.mktemp("added") / "corpus", CORPUS)
    return ingest_corpus(copy_articles(corpus, ARTICLES)).passages


def test_the_added_articles_are_in_every_format_users_add_and_each_has_its_batch():
    assert sorted(p.suffix for p in ARTICLES.iterdir()) == [".docx", ".html", ".md", ".pdf", ".txt"]
    assert sorted(article for _, article in BATCHES) == sorted(p.name for p in ARTICLES.iterdir())


@pytest.mark.parametrize("name", ["added_train.jsonl", "added_test.jsonl"])
def test_the_question_files_are_valid(passages, name):
    questions = read_questions(ADDED / name)
    assert validate_questions(questions, [p.text for p in passages]) == []
    assert {q["split"] for q in questions} == {name.removeprefix("added_").removesuffix(".jsonl")}
    assert {q["kind"] for q in questions} == ANSWERABLE_KINDS | UNANSWERABLE_KINDS
    about = {batch: Path(article).stem for batch, article in BATCHES}
    for question in questions:
        article = question["article"]
        assert article == about[question["batch"]] if question["gold"] else article == "none", question["id"]
        if question["gold"]:  # the gold is in a passage of the article the question is about
            texts = [p.text for p in passages if p.doc_id == article]
            assert any(gold in text for gold in question["gold"] for text in texts), question["id"]


def test_the_held_out_file_is_pinned_and_apart_from_train():
    text = (ADDED / "added_test.jsonl").read_text(encoding="utf-8")
    assert hashlib.sha256(text.encode("utf-8")).hexdigest() == (ADDED / "added_test.sha256").read_text().split()[0]
    train, test = (read_questions(ADDED / f"added_{s}.jsonl") for s in ("train", "test"))
    assert not {q["id"] for q in train} & {q["id"] for q in test}
    # writers reach for the same junk and small talk ("lorem ipsum"); no question about an article is shared
    assert not {q["q"] for q in train if q["gold"]} & {q["q"] for q in test if q["gold"]}


def test_question_files_by_split():
    assert [p.name for p in question_files("test")] == ["added_test.jsonl"]
    assert [p.name for p in question_files(None)] == ["added_test.jsonl", "added_train.jsonl"]
