"""``python -m chat.make_asked``: remake index.asked's shipped memory (``index/data/asked.*``) from the
train material, encoded by the default model (its fingerprint is recorded with them). Run it after
the model, the train split or a seed article changes.

Train material: the question bank's ``train`` split, the first turns of the ``train`` split of the
two-turn dialogues (``--dialogues``; a second turn leans on the first, so it is no question of its
own), and any ``--extra`` question file (all of it). Never the bank's frozen ``test`` split, the
dialogues' ``test`` split or a held-out batch.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from index.asked import DATA_DIR, make_entries, save_asked


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
    parser.add_argument("--bank", default="tests/data/qbank.jsonl", help="its train split")
    parser.add_argument("--dialogues", default=None, help="first turns of its train split")
    parser.add_argument("--extra", nargs="*", default=[], help="question files taken whole")
    args = parser.parse_args(argv)
    dialogues = Path(args.dialogues) if args.dialogues else None
    questions = train_questions(Path(args.bank), dialogues, [Path(p) for p in args.extra])
    searcher = Engine(Config.load(), say=print).index()
    entries = make_entries(questions, searcher.articles())
    encoder = searcher.encoder
    save_asked(entries, encoder.encode_queries, encoder.model_id, str(encoder.fingerprint))
    print(f"{len(entries)} of {len(questions)} questions written to {DATA_DIR}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
