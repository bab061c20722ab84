"""Topic switches: does the follow-up rule leave a question that names its own subject alone?

Each answerable train question of the question bank is asked alone and then after a question
about the other article (the chat's previous turn), and after another question about its own
article (a switch within the article); the first-quote accuracy of each is printed.
A question wrongly taken for a follow-up would be searched with the other article's terms.

    python -m bench.topic_switch [tests/data/qbank.jsonl] [--split train]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from chat.config import PROJECT_ROOT, Config
from chat.engine import Engine
from chat.followup import Previous
from ingest.fileio import read_jsonl

BANK = PROJECT_ROOT / "tests" / "data" / "qbank.jsonl"


def first_quote_holds(answer, gold: list[str]) -> bool:
    return bool(answer.found and answer.quotes and any(g in answer.quotes[0].text for g in gold))


def run(questions: list[dict], engine: Engine) -> dict:
    """First-quote accuracy asked alone, after the first question about the other article and
    after the first two questions about its own (the second for the first itself)."""
    articles = sorted({q["article"] for q in questions})
    opener = {a: next(q["q"] for q in questions if q["article"] != a) for a in articles}
    previous = {a: Previous.of(text, engine.answer(text)) for a, text in opener.items()}
    own = {a: [q["q"] for q in questions if q["article"] == a][:2] for a in articles}
    before = {text: Previous.of(text, engine.answer(text)) for texts in own.values() for text in texts}
    alone = after = within = 0
    for q in questions:
        alone += first_quote_holds(engine.answer(q["q"]), q["gold"])
        after += first_quote_holds(engine.answer(q["q"], previous=previous[q["article"]]), q["gold"])
        same = next(text for text in own[q["article"]] if text != q["q"])
        within += first_quote_holds(engine.answer(q["q"], previous=before[same]), q["gold"])
    n = len(questions) or 1
    return {
        "questions": len(questions),
        "alone": round(alone / n, 3),
        "after_other_article": round(after / n, 3),
        "after_same_article": round(within / n, 3),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", default=str(BANK))
    parser.add_argument("--split", choices=["train", "test"], default="train")
    args = parser.parse_args(argv)
    questions = [
        q
        for q in read_jsonl(Path(args.file))
        if q.get("split") == args.split and q.get("gold") and q.get("article") in ("000", "001")
    ]
    engine = Engine(Config.load(), say=lambda _m: None)
    print(json.dumps(run(questions, engine), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
