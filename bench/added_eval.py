"""Articles a user adds: the shipped articles plus ``tests/data/added/articles/`` (written for this,
in the formats users add: Markdown, web-page text, HTML, Word) indexed together with the real
model, then the questions written blind about the added articles asked of it.

    python -m bench.added_eval                 # every question file in tests/data/added/
    python -m bench.added_eval --split test    # the held-out file(s) only
    python -m bench.added_eval -v              # also each answerable question missed (train files only)

Everything the answer layer knows was fitted on questions about the two seed articles; these
figures show how much of it carries over to articles it has never seen. The questions of
``added_train.jsonl`` were read while the loaders and checks were mended; ``added_test.jsonl``
(pinned by ``added_test.sha256``) was not.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from chat.config import PROJECT_ROOT, Config
from chat.evaluate import evaluate_answers, read_questions
from index.evaluate import evaluate_retrieval

ADDED = PROJECT_ROOT / "tests" / "data" / "added"
ARTICLES = ADDED / "articles"


def added_corpus(target: Path, corpus: Path, articles: Path = ARTICLES) -> Path:
    """``target`` filled with the article files (and sidecars) of ``corpus`` and of ``articles``."""
    target.mkdir(parents=True, exist_ok=True)
    for source in (corpus, articles):
        for path in sorted(source.iterdir()):
            if path.is_file() and not path.name.startswith("."):
                shutil.copy2(path, target / path.name)
    return target


def question_files(split: str | None) -> list[Path]:
    names = {"train": ["added_train.jsonl"], "test": ["added_test.jsonl"]}.get(split or "", None)
    return [ADDED / n for n in names] if names else sorted(ADDED.glob("added_*.jsonl"))


def figures(searcher, questions: Sequence[dict]) -> dict:
    """hit@1 / hit@5 / MRR@10 of the answerable questions; first quote, told 找不到, abstention."""
    retrieval = evaluate_retrieval(searcher, [q for q in questions if q["gold"]])
    answers = evaluate_answers(searcher, questions)
    confusion = answers["confusion"]
    return {
        "hit@1": retrieval["hit@1"],
        "hit@5": retrieval["hit@5"],
        "mrr@10": retrieval["mrr@10"],
        "first_quote": answers["first_sentence_gold_rate"],
        "told_not_found": confusion["answerable_not_found"] / max(1, answers["answerable"]),
        "abstained": answers["abstain_rate"],
        "answerable": answers["answerable"],
        "unanswerable": answers["unanswerable"],
        "by_kind": answers["by_kind"],
        "misses": answers["misses"],
    }


def _print(name: str, result: dict, verbose: bool) -> None:
    print(
        f"{name}: {result['answerable']} answerable / {result['unanswerable']} not | "
        f"hit@1 {result['hit@1']:.3f} hit@5 {result['hit@5']:.3f} MRR@10 {result['mrr@10']:.3f} | "
        f"first quote {result['first_quote']:.1%} | told 找不到 {result['told_not_found']:.1%} | "
        f"unanswerable told 找不到 {result['abstained']:.1%}"
    )
    kinds = {k: v.get("first", v.get("abstain")) for k, v in result["by_kind"].items()}
    print("  by kind: " + ", ".join(f"{k} {v:.0%}" for k, v in sorted(kinds.items()) if v is not None))
    if verbose and "test" not in name:
        for miss in result["misses"]:
            print(f"  miss: {miss}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=("train", "test"), help="only this split's question file")
    parser.add_argument("-v", "--verbose", action="store_true", help="print the train files' misses")
    args = parser.parse_args(argv)
    from index.build import build_index
    from index.model.sbert import load_encoder
    from index.search import Searcher

    config = Config.load()
    encoder = load_encoder(config.model, config.model_cache)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = added_corpus(Path(tmp) / "corpus", config.corpus_dir)
        report = build_index(corpus, Path(tmp) / "index", encoder)
        print(f"indexed {report.documents} articles, {report.passages} passages")
        searcher = Searcher.open(Path(tmp) / "index", encoder)
        for path in question_files(args.split):
            _print(path.name, figures(searcher, read_questions(path)), args.verbose)


if __name__ == "__main__":
    main()
