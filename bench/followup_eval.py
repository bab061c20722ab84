"""Follow-up accuracy on two-turn dialogues: does the first quoted sentence of the second turn
contain a gold string? Each second turn is asked with the first as ``previous`` (the follow-up
rule of :mod:`chat.followup`) and, for comparison, alone.

    python -m bench.followup_eval [tests/data/dialogues.jsonl] [--split test] [--index DIR] [-v]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from chat.config import PROJECT_ROOT, Config
from chat.engine import Engine
from ingest.fileio import read_jsonl


def first_quote_hit(answer, gold: list[str]) -> bool:
    return bool(answer.found and answer.quotes and any(g in answer.quotes[0].text for g in gold))


def run(path: Path, split: str | None, service: Engine, verbose: bool = False) -> dict:
    dialogues = read_jsonl(path)
    if split:
        dialogues = [d for d in dialogues if d.get("split") == split]
    with_previous = alone = first_turn = 0
    for d in dialogues:
        first, second = d["turns"][0], d["turns"][1]
        first_turn += first_quote_hit(service.answer(first["q"]), first["gold"])
        followed = service.answer(second["q"], previous=first["q"])
        hit = first_quote_hit(followed, second["gold"])
        with_previous += hit
        alone += first_quote_hit(service.answer(second["q"]), second["gold"])
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
    parser.add_argument("file", nargs="?", default=str(PROJECT_ROOT / "tests" / "data" / "dialogues.jsonl"))
    parser.add_argument("--split", choices=["train", "test"], default=None)
    parser.add_argument("--index")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    service = Engine(Config.load(index_dir=args.index), say=lambda _m: None)
    start = time.perf_counter()
    result = run(Path(args.file), args.split, service, args.verbose)
    result["seconds"] = round(time.perf_counter() - start, 1)
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
