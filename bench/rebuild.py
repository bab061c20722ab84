"""Build times: the full build of the seed corpus, and adding one article vs a full rebuild.

Builds run in this process through ``index.build.build_index`` with an already loaded
encoder (the model load is measured once, separately). Stage times come from the
build's own progress messages.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from bench.corpus import SeedText, write_article, write_corpus


class StageClock:
    """A ``build_index`` progress callback that records when each stage message first appears."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.marks: list[tuple[str, float]] = []

    def __call__(self, done: int, total: int, message: str) -> None:
        if not self.marks or self.marks[-1][0] != message:
            self.marks.append((message, time.perf_counter() - self.start))

    def stages(self, end: float) -> dict:
        """Seconds spent from each stage message to the next (the last one up to ``end``)."""
        out: dict[str, float] = {}
        for (name, at), (_, nxt) in zip(self.marks, self.marks[1:] + [("", end)]):
            out[name] = round(out.get(name, 0.0) + nxt - at, 3)
        return out


def timed_build(corpus_dir: Path, index_dir: Path, encoder) -> dict:
    """One ``build_index`` call: seconds, stage seconds and the report's counts."""
    from index.build import build_index

    clock = StageClock()
    report = build_index(corpus_dir, index_dir, encoder, progress=clock)
    seconds = time.perf_counter() - clock.start
    return {
        "seconds": round(seconds, 3),
        "stages": clock.stages(seconds),
        "documents": report.documents,
        "passages": report.passages,
        "embedded": report.embedded,
        "reused": report.reused,
        "dense_kind": report.dense_kind,
    }


def fresh_dir(path: Path) -> Path:
    """``path`` emptied, together with its index siblings (embedding cache, locks)."""
    path = Path(path)
    siblings = [path, path.parent / f"{path.name}.cache", *path.parent.glob(f".{path.name}.*")]
    for sibling in siblings:
        if sibling.is_dir():
            shutil.rmtree(sibling, ignore_errors=True)
        elif sibling.exists():
            sibling.unlink()
    return path


def seed_build(corpus_dir: Path, index_dir: Path, encoder) -> dict:
    """Full build of the seed corpus from nothing (empty embedding cache), then a no-change rebuild."""
    full = timed_build(corpus_dir, fresh_dir(index_dir), encoder)
    again = timed_build(corpus_dir, index_dir, encoder)
    return {"full": full, "unchanged_rebuild": again}


def add_one_vs_rebuild(
    work_dir: Path, seed: SeedText, encoder, articles: int, adds: int = 2, random_seed: int = 0
) -> dict:
    """Full build of ``articles`` generated articles, then ``adds`` single-article additions.

    ``ratio`` = median add time / full build time (the target is ≤ 1/20).
    """
    corpus_dir = Path(work_dir) / f"corpus{articles}"
    shutil.rmtree(corpus_dir, ignore_errors=True)
    write_corpus(corpus_dir, seed, articles, random_seed)
    index_dir = fresh_dir(Path(work_dir) / f"index{articles}")
    full = timed_build(corpus_dir, index_dir, encoder)
    added = []
    for number in range(articles, articles + adds):
        write_article(corpus_dir, seed, number, random_seed)
        added.append(timed_build(corpus_dir, index_dir, encoder))
    add_seconds = sorted(a["seconds"] for a in added)[len(added) // 2]
    return {
        "articles": articles,
        "full": full,
        "adds": added,
        "add_seconds": add_seconds,
        "ratio": round(add_seconds / full["seconds"], 4) if full["seconds"] else None,
        "corpus": "seed paragraphs re-cut and re-combined (bench/corpus.py)",
    }
