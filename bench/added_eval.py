"""Articles a user adds: the shipped articles plus ``tests/data/added/articles/`` (written for this,
in the formats users add: Markdown, web-page text, HTML, Word, PDF) indexed with the real model,
and the questions written blind about the added articles asked of them.

    python -m bench.added_eval                 # every question file in tests/data/added/
    python -m bench.added_eval --split test    # the held-out file only
    python -m bench.added_eval -v              # also each question missed (train file only)

Each batch of questions was written by a helper who saw the seeds and the added articles up to
its own (``BATCHES``), so it is asked of that corpus: an article added later could answer one of
its "unanswerable" questions. The articles are added one at a time and the index rebuilt (only the
new article is embedded). Everything the answer layer knows was fitted on questions about the two
seed articles; these figures show how much of it carries over to articles it has never seen. The
questions of ``added_train.jsonl`` were read while the loaders and checks were mended;
``added_test.jsonl`` (pinned by ``added_test.sha256``) was not.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from chat.config import PROJECT_ROOT, Config
from chat.evaluate import Outcome, read_questions, run_question, summarise
from index.evaluate import first_hit_rank
from index.evaluate import summarise as summarise_ranks

ADDED = PROJECT_ROOT / "tests" / "data" / "added"
ARTICLES = ADDED / "articles"
# (batch, the article it asks about), in the order the articles were written and added
BATCHES = (
    ("n1", "taiwan_regional.md"),
    ("n2", "japan_relation.txt"),
    ("n3", "smart_agri.html"),
    ("n4", "korea_local.docx"),
    ("n5", "akiya_bank.pdf"),
)


def copy_articles(target: Path, source: Path) -> Path:
    """``target`` with the article files (and sidecars) of the directory ``source`` copied in."""
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(source.iterdir()):
        if path.is_file() and not path.name.startswith("."):
            shutil.copy2(path, target / path.name)
    return target


def question_files(split: str | None) -> list[Path]:
    names = {"train": ["added_train.jsonl"], "test": ["added_test.jsonl"]}.get(split or "", None)
    return [ADDED / n for n in names] if names else sorted(ADDED.glob("added_*.jsonl"))


def ask_batches(encoder, seed_corpus: Path, root: Path, files: dict[str, list[dict]], top_k: int = 5) -> dict:
    """Each file's questions asked batch by batch, each of the seeds and the added articles up to
    its own: ``{name: (outcomes, ranks of the answerable questions' first gold passage)}``."""
    from chat.abstain import DecisionModel
    from index.build import build_index
    from index.search import Searcher

    decision = DecisionModel.load()
    corpus = copy_articles(root / "corpus", seed_corpus)
    asked: dict[str, tuple[list[Outcome], list[int | None]]] = {name: ([], []) for name in files}
    for batch, article in BATCHES:
        shutil.copy2(ARTICLES / article, corpus / article)
        build_index(corpus, root / "index", encoder)
        searcher = Searcher.open(root / "index", encoder)
        for name, questions in files.items():
            outcomes, ranks = asked[name]
            for question in (q for q in questions if q["batch"] == batch):
                outcomes.append(run_question(searcher, question, top_k, decision))
                if question["gold"]:
                    hits = searcher.search(question["q"], top_k=10)
                    ranks.append(first_hit_rank([h.passage.text for h in hits], question["gold"]))
    return asked


def figures(outcomes: Sequence[Outcome], ranks: Sequence[int | None]) -> dict:
    """hit@1 / hit@5 / MRR@10 of the answerable questions; first quote, told 找不到, abstention."""
    retrieval, answers = summarise_ranks(ranks), summarise(outcomes)
    return {
        "hit@1": retrieval["hit@1"],
        "hit@5": retrieval["hit@5"],
        "mrr@10": retrieval["mrr@10"],
        "first_quote": answers["first_sentence_gold_rate"],
        "told_not_found": answers["confusion"]["answerable_not_found"] / max(1, answers["answerable"]),
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
    parser.add_argument("-v", "--verbose", action="store_true", help="print the train file's misses")
    args = parser.parse_args(argv)
    from index.model.sbert import load_encoder

    config = Config.load()
    encoder = load_encoder(config.model, config.model_cache)
    files = {path.name: read_questions(path) for path in question_files(args.split)}
    with tempfile.TemporaryDirectory() as tmp:
        asked = ask_batches(encoder, config.corpus_dir, Path(tmp), files, config.top_k)
    for name, (outcomes, ranks) in asked.items():
        _print(name, figures(outcomes, ranks), args.verbose)
        for batch, article in BATCHES:  # each batch alone (its ranks: its answerable questions, in order)
            mine = [o for o in outcomes if o.id.startswith(f"{batch}-")]
            if mine and len(mine) < len(outcomes):
                at = [i for i, o in enumerate(o for o in outcomes if o.answerable) if o.id.startswith(f"{batch}-")]
                _print(f"  {batch} ({article})", figures(mine, [ranks[i] for i in at]), False)


if __name__ == "__main__":
    main()
