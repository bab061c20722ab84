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

With no options it remakes the shipped files as they are.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from index.asked import DATA_DIR, make_entries, save_asked

DATA = Path("tests/data")
EARLY_SETS = ("answer_questions.jsonl", "retrieval_questions.jsonl")
MEMORY_BATCHES = tuple(f"fresh{n}.jsonl" for n in range(3, 33))  # w9–w51; fresh33 on are held out
DEFAULT_EXTRA = tuple(str(DATA / name) for name in (*EARLY_SETS, *MEMORY_BATCHES))


def train_questions(bank: Path, dialogues: Path | None, extra: Sequence[Path]) -> list[dict[str, Any]]:
    """The answerable questions of the train material, each wording once (the first kept)."""
    from index.evaluate import load_questions

    questions = [q for q in load_questions(bank) if q.get("split") == "train"]
    if dialogues is not None:
        questions += [d["turns"][0] for d in load_questions(dialogues) if d.get("split") == "train"]
    for path in extra:
        questions += load_questions(path)
    kept: dict[str, dict[str, Any]] = {}
    for q in questions:
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
    questions = train_questions(Path(args.bank), dialogues, [Path(p) for p in args.extra])
    searcher = Engine(Config.load(), say=print).index()
    entries = make_entries(questions, searcher.articles())
    encoder = searcher.encoder
    sources = [f"{args.bank} (train split)", *([f"{dialogues} (train first turns)"] if dialogues else []), *args.extra]
    made_from = "answerable questions of " + ", ".join(sources)
    save_asked(entries, encoder.encode_queries, encoder.model_id, str(encoder.fingerprint), made_from=made_from)
    print(f"{len(entries)} of {len(questions)} questions written to {DATA_DIR}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
