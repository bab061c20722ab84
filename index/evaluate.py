"""Retrieval evaluation: hit@1/3/5 and MRR@10 over questions with gold substrings.

A question is a dict ``{"id", "q", "gold": [str, ...], "kind"?}``. A returned passage
is a hit when its text contains one of the gold strings, whitespace ignored.
Questions with ``gold: []`` (nothing in the corpus answers them) are not scored for
hits; their top scores are reported so an abstention threshold can be chosen.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ingest.fileio import read_jsonl

if TYPE_CHECKING:
    from index.records import Hit


class Searcher(Protocol):
    """What evaluation needs of a searcher (``index.search.Searcher`` or a stub)."""

    def search(self, query: str, top_k: int = 5, mode: str = "hybrid") -> list[Hit]: ...


DEPTH = 10
CUTOFFS = (1, 3, 5)


def load_questions(path: Path) -> list[dict[str, Any]]:
    """Questions from a JSON-lines file (blank lines skipped; a bad line raises ValueError naming it)."""
    return read_jsonl(path)


def squash_spaces(text: str) -> str:
    """``text`` without whitespace: how a gold string is looked for in a passage (``is_hit``)."""
    return "".join(text.split())


def is_hit(passage_text: str, gold: Sequence[str]) -> bool:
    squashed = squash_spaces(passage_text)
    return any(squash_spaces(g) and squash_spaces(g) in squashed for g in gold)


def first_hit_rank(texts: Sequence[str], gold: Sequence[str]) -> int | None:
    """1-based rank of the first text containing a gold string, or None."""
    for rank, text in enumerate(texts, 1):
        if is_hit(text, gold):
            return rank
    return None


def summarise(ranks: Sequence[int | None], depth: int = DEPTH) -> dict[str, Any]:
    """hit@k for ``CUTOFFS`` and MRR@depth over first-hit ranks (None = missed)."""
    n = len(ranks)
    if not n:
        return {**{f"hit@{k}": 0.0 for k in CUTOFFS}, f"mrr@{depth}": 0.0, "questions": 0}
    result = {f"hit@{k}": round(sum(1 for r in ranks if r and r <= k) / n, 4) for k in CUTOFFS}
    result[f"mrr@{depth}"] = round(sum(1.0 / r for r in ranks if r and r <= depth) / n, 4)
    result["questions"] = n
    return result


def evaluate_retrieval(
    searcher: Searcher, questions: Iterable[dict[str, Any]], *, mode: str = "hybrid", depth: int = DEPTH
) -> dict[str, Any]:
    """Scores of ``searcher.search(q, depth, mode)`` over ``questions``.

    Returns ``{"mode", "hit@1", "hit@3", "hit@5", "mrr@10", "questions", "per_question": [...],
    "by_kind": {kind: summary}, "negatives": {"questions", "top_scores": {...}}}``.
    """
    per_question, negatives = [], {}
    for question in questions:
        hits = searcher.search(question["q"], top_k=depth, mode=mode)
        if not question.get("gold"):
            negatives[question.get("id", question["q"])] = round(hits[0].score, 4) if hits else None
            continue
        rank = first_hit_rank([h.passage.text for h in hits], question["gold"])
        per_question.append(
            {
                "id": question.get("id"),
                "q": question["q"],
                "kind": question.get("kind"),
                "rank": rank,
                "top": hits[0].passage.id if hits else None,
            }
        )
    result = {"mode": mode, **summarise([row["rank"] for row in per_question], depth)}
    result["by_kind"] = {
        kind: summarise([r["rank"] for r in per_question if str(r["kind"]) == kind], depth)
        for kind in sorted({str(r["kind"]) for r in per_question})
    }
    result["per_question"] = per_question
    result["negatives"] = {"questions": len(negatives), "top_scores": negatives}
    return result


def compare_modes(
    searcher: Searcher,
    questions: Sequence[dict[str, Any]],
    modes: Sequence[str] = ("hybrid", "bm25", "dense"),
    depth: int = DEPTH,
) -> dict[str, dict[str, Any]]:
    """``evaluate_retrieval`` for each mode, in one run over the same loaded index."""
    return {mode: evaluate_retrieval(searcher, questions, mode=mode, depth=depth) for mode in modes}


def format_table(results: dict[str, dict[str, Any]], depth: int = DEPTH) -> str:
    """A small text table: one row per mode."""
    header = f"{'mode':<8} {'n':>3} {'hit@1':>6} {'hit@3':>6} {'hit@5':>6} {f'mrr@{depth}':>7}"
    rows = [header] + [
        f"{mode:<8} {r['questions']:>3} {r['hit@1']:>6.3f} {r['hit@3']:>6.3f} "
        f"{r['hit@5']:>6.3f} {r[f'mrr@{depth}']:>7.3f}"
        for mode, r in results.items()
    ]
    return "\n".join(rows)
