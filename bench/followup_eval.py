"""Follow-up accuracy on two-turn dialogues: does the first quoted sentence of the second turn
contain a gold string? Each second turn is asked with the first as ``previous`` (the follow-up
rule of :mod:`chat.followup`) and, for comparison, alone.

    python -m bench.followup_eval [tests/data/dialogues.jsonl] [--split test] [--index DIR] [-v]
    python -m bench.followup_eval --add NEW.jsonl   # validate, assign splits, append to the dialogues
    python -m bench.followup_eval --add NEW.jsonl --train-only   # a tuning batch: all train

New dialogues get their split from a hash of their id (:func:`hash_split`, the rule the question
bank's splits follow); the test split's lines are pinned by ``tests/data/dialogues.test.sha256``.
A batch written by whoever tunes the follow-up rule (not blind) goes in with ``--train-only``:
every dialogue is ``train`` and marked ``"train_only": true``, so the held-out split is unchanged.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from chat.config import PROJECT_ROOT, Config
from chat.engine import Engine
from chat.followup import Previous
from index.evaluate import is_hit
from ingest.fileio import read_jsonl, sha256_hex

DIALOGUES = PROJECT_ROOT / "tests" / "data" / "dialogues.jsonl"


def hash_split(item_id: str) -> str:
    """``test`` when the last bit of the id's sha256 is set, else ``train`` (the question bank's rule)."""
    return "test" if sha256_hex(item_id)[-1] in "13579bdf" else "train"


def validate_dialogues(dialogues: list[dict], passage_texts: list[str]) -> list[str]:
    """Problems of two-turn dialogues: ids, splits, two turns each with a question and gold
    strings, and every gold string inside a cleaned passage (whitespace ignored)."""
    problems, seen = [], set()
    for d in dialogues:
        did = str(d.get("id"))
        if did in seen:
            problems.append(f"{did}: id repeated")
        seen.add(did)
        if d.get("split") not in ("train", "test"):
            problems.append(f"{did}: split {d.get('split')!r} is not train or test")
        turns = d.get("turns")
        if not isinstance(turns, list) or len(turns) != 2:
            problems.append(f"{did}: not two turns")
            continue
        for n, turn in enumerate(turns, 1):
            if not isinstance(turn, dict) or not isinstance(turn.get("q"), str) or not turn["q"].strip():
                problems.append(f"{did}: turn {n} has no question text")
                continue
            gold = turn.get("gold")
            if not isinstance(gold, list) or not gold or not all(isinstance(g, str) and g.strip() for g in gold):
                problems.append(f"{did}: turn {n} has no gold strings")
                continue
            problems += [
                f"{did}: turn {n} gold {g!r} is in no passage"
                for g in gold
                if not any(is_hit(t, [g]) for t in passage_texts)
            ]
    return problems


def frozen_digest(text: str) -> str:
    """sha256 of the test split's lines (as ``tests/data/qbank.test.sha256`` pins the bank's)."""
    lines = [line for line in text.splitlines() if '"split": "test"' in line]
    return sha256_hex("\n".join(lines))


def add_dialogues(new: Path, dest: Path, passage_texts: list[str], train_only: bool = False) -> list[str]:
    """Append ``new``'s dialogues to ``dest`` with hash-assigned splits (all ``train``, marked
    ``train_only``, when ``train_only``), if all are valid (with the existing ones); returns the
    problems (nothing is written when there are any)."""
    existing = read_jsonl(dest)
    mark = {"split": "train", "train_only": True} if train_only else {}
    kept = [{k: v for k, v in d.items() if k not in ("split", "train_only")} for d in read_jsonl(new)]
    added = [{**d, "split": hash_split(str(d.get("id"))), **mark} for d in kept]
    problems = validate_dialogues(existing + added, passage_texts)
    if not problems:
        with dest.open("a", encoding="utf-8") as out:
            out.writelines(json.dumps(d, ensure_ascii=False) + "\n" for d in added)
    return problems


def first_quote_hit(answer, gold: list[str]) -> bool:
    return bool(answer.found and answer.quotes and any(g in answer.quotes[0].text for g in gold))


def run(path: Path, split: str | None, engine: Engine, verbose: bool = False) -> dict:
    dialogues = read_jsonl(path)
    if split:
        dialogues = [d for d in dialogues if d.get("split") == split]
    with_previous = alone = first_turn = 0
    for d in dialogues:
        first, second = d["turns"][0], d["turns"][1]
        first_answer = engine.answer(first["q"])
        first_turn += first_quote_hit(first_answer, first["gold"])
        # as the chat asks it: the previous question and the passages its answer cited
        followed = engine.answer(second["q"], previous=Previous.of(first["q"], first_answer))
        hit = first_quote_hit(followed, second["gold"])
        with_previous += hit
        alone += first_quote_hit(engine.answer(second["q"]), second["gold"])
        if verbose:
            quote = followed.quotes[0].text if followed.quotes else "(no quote)"
            print(f"{'OK ' if hit else 'MISS'} {d['id']}  搜尋：{followed.question}\n      {quote[:90]}")
    n = len(dialogues) or 1
    return {
        "dialogues": len(dialogues),
        "split": split or "all",
        "follow_up_first_quote": round(with_previous / n, 3),
        "without_previous": round(alone / n, 3),
        "first_turn": round(first_turn / n, 3),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", default=str(DIALOGUES))
    parser.add_argument("--split", choices=["train", "test"], default=None)
    parser.add_argument("--index")
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("--add", metavar="NEW", help="validate NEW.jsonl's dialogues, assign splits, append to FILE")
    parser.add_argument("--train-only", action="store_true", help="with --add: all of NEW goes to train (not blind)")
    args = parser.parse_args(argv)
    if args.add:
        from ingest.pipeline import ingest_corpus

        texts = [p.text for p in ingest_corpus(Config.load().corpus_dir).passages]
        problems = add_dialogues(Path(args.add), Path(args.file), texts, args.train_only)
        print("\n".join(problems) or f"added; test split sha256 {frozen_digest(Path(args.file).read_text('utf-8'))}")
        return 1 if problems else 0
    engine = Engine(Config.load(index_dir=args.index), say=lambda _m: None)
    start = time.perf_counter()
    result = run(Path(args.file), args.split, engine, args.verbose)
    result["seconds"] = round(time.perf_counter() - start, 1)
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
