"""Answer quality over a question set: what ``sousei eval`` prints and the slow test asserts.

A question is *answerable* when its ``gold`` list is non-empty (any gold string counts),
*unanswerable* when ``gold`` is ``[]``.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from chat.abstain import DecisionModel
from chat.answer import Analysis, SearcherLike, analyse_question
from index.evaluate import is_hit, load_questions
from ingest.errors import SouseiError


@dataclass(frozen=True)
class Outcome:
    id: str
    q: str
    kind: str
    gold: tuple[str, ...]
    found: bool
    first: str  # first quoted sentence ("" when none)
    reason: str
    ms: float
    uncertain: bool = False
    confidence: float | None = None

    @property
    def answerable(self) -> bool:
        return bool(self.gold)

    @property
    def first_has_gold(self) -> bool:
        return is_hit(self.first, self.gold) if self.first else False

    @property
    def ok(self) -> bool:
        return self.found and self.first_has_gold if self.answerable else not self.found


def run_question(searcher: SearcherLike, item: dict, top_k: int, decision: DecisionModel | None) -> Outcome:
    start = time.perf_counter()
    analysis: Analysis = analyse_question(item["q"], searcher, top_k, decision)
    ms = (time.perf_counter() - start) * 1000
    answer = analysis.answer
    return Outcome(
        id=str(item.get("id", "")),
        q=item["q"],
        kind=str(item.get("kind", "")),
        gold=tuple(item.get("gold") or ()),
        found=answer.found,
        first=answer.quotes[0].text if answer.quotes else "",
        reason=analysis.reason,
        ms=ms,
        uncertain=answer.uncertain,
        confidence=answer.confidence,
    )


def _rate(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _kind_summary(outcomes: Sequence[Outcome]) -> dict:
    answerable = [o for o in outcomes if o.answerable]
    if answerable:
        return {
            "n": len(outcomes),
            "first": _rate(sum(o.found and o.first_has_gold for o in answerable), len(answerable)),
            "not_found": _rate(sum(not o.found for o in answerable), len(answerable)),
        }
    return {"n": len(outcomes), "abstain": _rate(sum(not o.found for o in outcomes), len(outcomes))}


def summarise(outcomes: Sequence[Outcome]) -> dict:
    answerable = [o for o in outcomes if o.answerable]
    unanswerable = [o for o in outcomes if not o.answerable]
    times = sorted(o.ms for o in outcomes)
    return {
        "questions": len(outcomes),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "first_sentence_gold_rate": _rate(sum(o.found and o.first_has_gold for o in answerable), len(answerable)),
        "answered_rate": _rate(sum(o.found for o in answerable), len(answerable)),
        "abstain_rate": _rate(sum(not o.found for o in unanswerable), len(unanswerable)),
        "uncertain_rate": _rate(sum(o.uncertain for o in outcomes), len(outcomes)),
        "confusion": {
            "answerable_found": sum(o.found for o in answerable),
            "answerable_not_found": sum(not o.found for o in answerable),
            "unanswerable_found": sum(o.found for o in unanswerable),
            "unanswerable_not_found": sum(not o.found for o in unanswerable),
        },
        "by_kind": {
            kind: _kind_summary([o for o in outcomes if o.kind == kind]) for kind in sorted({o.kind for o in outcomes})
        },
        "median_ms": times[len(times) // 2] if times else None,
        "max_ms": times[-1] if times else None,
        "misses": [
            {"id": o.id, "q": o.q, "kind": o.kind, "found": o.found, "first": o.first, "reason": o.reason}
            for o in outcomes
            if not o.ok
        ],
    }


def evaluate_answers(
    searcher: SearcherLike, questions: Sequence[dict], top_k: int = 5, *, decision: DecisionModel | None = None
) -> dict:
    """First-sentence gold rate and answered rate on answerable questions, abstention rate on
    unanswerable ones, per kind, the found/not-found confusion, latency, and the misses."""
    model = decision or DecisionModel.load()
    return summarise([run_question(searcher, item, top_k, model) for item in questions])


def select_split(questions: Sequence[dict], split: str | None) -> list[dict]:
    """Questions of one split (``train``/``test``/``dev``), or all when ``split`` is None;
    ``article:ID`` keeps the questions about one article (and the unanswerable ones)."""
    if not split:
        return list(questions)
    if split.startswith("article:"):
        art = split.split(":", 1)[1]
        return [q for q in questions if q.get("article") in (art, "none")]
    return [q for q in questions if q.get("split") == split]


def read_questions(path: Path) -> list[dict]:
    """A JSON-lines question set: one ``{"id", "q", "gold": [...], "kind"}`` per line."""
    if not path.exists():
        raise SouseiError(f'{path}: no such file; give a JSON-lines file of {{"id", "q", "gold"}}')
    try:
        items = load_questions(path)
    except ValueError as err:
        raise SouseiError(f'{err}; expected one JSON object with "q" and "gold" per line') from err
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict) or "q" not in item:
            raise SouseiError(f'{path}: question {number} has no "q"; expected {{"id", "q", "gold"}}')
    return items


def evaluate_file(path: Path, searcher: SearcherLike, top_k: int = 5) -> dict:
    """:func:`evaluate_answers` over a JSON-lines file, with the file name in the report."""
    report = evaluate_answers(searcher, read_questions(Path(path)), top_k)
    return {"file": str(path), **report}


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def interval(successes: int, trials: int, level: float = 0.95) -> tuple[float, float] | None:
    """Wilson score interval of a rate (None without trials): how far a figure on a few hundred
    questions may be from the rate on all questions of that kind."""
    if trials <= 0:
        return None
    from scipy.stats import binomtest

    ci = binomtest(successes, trials).proportion_ci(confidence_level=level, method="wilson")
    return float(ci.low), float(ci.high)


def _with_interval(rate: float | None, trials: int) -> str:
    if rate is None:
        return _percent(rate)
    low_high = interval(round(rate * trials), trials)
    return _percent(rate) + (f" (95% interval {low_high[0]:.1%}–{low_high[1]:.1%})" if low_high else "")


def format_report(report: dict, misses: bool = True) -> str:
    """The report as a few lines of text for the terminal; each question missed unless ``misses``
    is False (a frozen test split: its questions are not read one by one), then only their number."""
    lines = [
        f"questions: {report['questions']} ({report['answerable']} answerable, "
        f"{report['unanswerable']} without an answer)",
        "first answer sentence contains a gold string: "
        + _with_interval(report["first_sentence_gold_rate"], report["answerable"]),
        "answered (found) on answerable questions:     "
        + _with_interval(report["answered_rate"], report["answerable"]),
        "abstained on questions without an answer:     "
        + _with_interval(report["abstain_rate"], report["unanswerable"]),
    ]
    c = report["confusion"]
    lines += [
        "found / not found:        found  not found",
        f"  answerable            {c['answerable_found']:6d} {c['answerable_not_found']:10d}",
        f"  without an answer     {c['unanswerable_found']:6d} {c['unanswerable_not_found']:10d}",
        "by kind:",
    ]
    for kind, k in report["by_kind"].items():
        shown = (
            f"first quote right {_percent(k['first'])}, told not found {_percent(k['not_found'])}"
            if "first" in k
            else f"told not found {_percent(k['abstain'])}"
        )
        lines.append(f"  {kind:14s} n={k['n']:3d}  {shown}")
    if report.get("median_ms") is not None:
        lines.append(f"latency per question: median {report['median_ms']:.1f} ms, max {report['max_ms']:.1f} ms")
    if not misses:
        lines.append(f"misses: {len(report['misses'])} (not listed for a frozen test split; --show-misses lists them)")
    for miss in report["misses"] if misses else ():
        state = "found" if miss["found"] else "not found"
        lines.append(
            f"  miss {miss['id']} [{miss['kind']}] {miss['q']} -> {state} ({miss['reason']}): {miss['first'][:60]}"
        )
    return "\n".join(lines)


ANSWERABLE_KINDS = frozenset(
    {
        "keyword",
        "paraphrase",
        "number",
        "list",
        "table",
        "definition",
        "who_where",
        "short",
        "long",
        "colloquial",
        "simplified",
        "english",
        "japanese",
    }
)
UNANSWERABLE_KINDS = frozenset({"offtopic", "near_domain", "false_premise", "junk"})


def validate_questions(questions: Sequence[dict], passage_texts: Sequence[str]) -> list[str]:
    """Problems of a question bank: fields, kinds, splits, and every gold string of an
    answerable question must lie inside a passage's text (whitespace ignored)."""
    problems = []
    seen: set[str] = set()
    for item in questions:
        qid = str(item.get("id"))
        if qid in seen:
            problems.append(f"{qid}: id repeated")
        seen.add(qid)
        if not isinstance(item.get("q"), str) or not item["q"].strip():
            problems.append(f"{qid}: no question text")
        if item.get("split") not in ("train", "test"):
            problems.append(f"{qid}: split {item.get('split')!r} is not train or test")
        gold = item.get("gold")
        kinds = ANSWERABLE_KINDS if gold else UNANSWERABLE_KINDS
        if item.get("kind") not in kinds:
            problems.append(f"{qid}: kind {item.get('kind')!r} does not fit gold {gold!r}")
        for g in gold or ():
            if not any(is_hit(text, [g]) for text in passage_texts):
                problems.append(f"{qid}: gold {g!r} is in no passage")
    return problems
