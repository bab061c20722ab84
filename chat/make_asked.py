"""``python -m chat.make_asked``: remake index.asked's shipped memory (``index/data/asked.*``) from the
train material, encoded by the default model (its fingerprint is recorded with them). Run it after
the model, the train split or a seed article changes.

Train material: the question bank's ``train`` split, the first turns of the ``train`` split of the
two-turn dialogues (``--dialogues``; a second turn leans on the first, so it is no question of its
own), and the ``--extra`` question files (all of each): by default the two early hand-written sets
and the blind batches w9–w51 (``tests/data/fresh3.jsonl`` … ``fresh32.jsonl``), which were written
to be measured, were measured (their first reads are in tests/test_answer_quality.py) and are now
evidence. Never the bank's frozen ``test`` split, the dialogues' ``test`` split or a batch written
after them (``fresh33.jsonl`` on: held out).

The unanswerable questions of the same material join as entries without gold (each wording once,
none worded as an answerable one): evidence for the found decision, not for the ranking.

With no options it remakes the shipped files as they are.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from index.asked import DATA_DIR, make_entries, save_asked, unanswered_entries

DATA = Path("tests/data")
EARLY_SETS = ("answer_questions.jsonl", "retrieval_questions.jsonl")
MEMORY_BATCHES = tuple(f"fresh{n}.jsonl" for n in range(3, 33))  # w9–w51; fresh33 on are held out
DEFAULT_EXTRA = tuple(str(DATA / name) for name in (*EARLY_SETS, *MEMORY_BATCHES))


def batch_of(item: dict[str, Any], path: Path) -> str:
    """The set a question was written in: its ``batch``, else its id's prefix (w36-12: w36), else its file."""
    ident = str(item.get("id", ""))
    return str(item.get("batch") or (ident.split("-")[0] if "-" in ident else path.stem))


def all_train_questions(bank: Path, dialogues: Path | None, extra: Sequence[Path]) -> list[dict[str, Any]]:
    """Every question of the train material (answerable or not), each with its ``batch``."""
    from index.evaluate import load_questions

    questions = [{**q, "batch": batch_of(q, bank)} for q in load_questions(bank) if q.get("split") == "train"]
    if dialogues is not None:
        questions += [
            {**d["turns"][0], "batch": batch_of(d, dialogues)}
            for d in load_questions(dialogues)
            if d.get("split") == "train"
        ]
    for path in extra:
        questions += [{**q, "batch": batch_of(q, path)} for q in load_questions(path)]
    return questions


def train_questions(bank: Path, dialogues: Path | None, extra: Sequence[Path]) -> list[dict[str, Any]]:
    """The answerable questions of the train material, each wording once (the first kept)."""
    kept: dict[str, dict[str, Any]] = {}
    for q in all_train_questions(bank, dialogues, extra):
        if q.get("gold"):
            kept.setdefault(q["q"], q)
    return list(kept.values())


def main(argv: Sequence[str] | None = None) -> int:
    """Remake the shipped memory of questions asked before from the train material."""
    from chat.config import Config
    from chat.engine import Engine

    parser = argparse.ArgumentParser(prog="python -m chat.make_asked", description=main.__doc__)
    parser.add_argument("--bank", default=str(DATA / "qbank.jsonl"), help="its train split")
    parser.add_argument("--dialogues", default=str(DATA / "dialogues.jsonl"), help="first turns of its train split")
    parser.add_argument("--extra", nargs="*", default=list(DEFAULT_EXTRA), help="question files taken whole")
    args = parser.parse_args(argv)
    dialogues = Path(args.dialogues) if args.dialogues else None
    extra = [Path(p) for p in args.extra]
    questions = train_questions(Path(args.bank), dialogues, extra)
    searcher = Engine(Config.load(), say=print).index()
    entries = make_entries(questions, searcher.articles())
    unanswered = unanswered_entries(all_train_questions(Path(args.bank), dialogues, extra), entries)
    encoder = searcher.encoder
    sources = [f"{args.bank} (train split)", *([f"{dialogues} (train first turns)"] if dialogues else []), *args.extra]
    made_from = "answerable and unanswerable questions of " + ", ".join(sources)
    save_asked(
        [*entries, *unanswered], encoder.encode_queries, encoder.model_id, str(encoder.fingerprint), made_from=made_from
    )
    print(f"{len(entries)} of {len(questions)} answerable and {len(unanswered)} unanswerable questions: {DATA_DIR}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
