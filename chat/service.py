"""The operations both the CLI and the UI call: ask, build, add, remove, list articles.

A :class:`Service` owns the loaded model and the open index for one process. Rebuilds
(build, add, remove) run under ``_build_lock``; loading the model and opening the index
take ``_open_lock``, which a rebuild holds only for an instant, so a question never waits
for a rebuild: it is answered from the last complete index (reading it takes no lock on
disk either), and the next question after a rebuild opens the new one.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from chat.config import Config
from chat.records import Answer
from ingest.records import Article

if TYPE_CHECKING:
    from chat.abstain import DecisionModel
    from chat.followup import Previous
    from index.model.encoder import Encoder
    from index.search import Searcher

Progress = Callable[[int, int, str], None]


STALE_CHECK_SECONDS = 2.0  # how often a served index looks for a rebuild made by another process


@dataclass
class Service:
    config: Config
    say: Callable[[str], None] = print  # where progress messages of slow first steps go
    _encoder: Encoder | None = field(default=None, repr=False)
    _passage_encoder: Encoder | None = field(default=None, repr=False)
    _searcher: Searcher | None = field(default=None, repr=False)
    _seen: tuple = field(default=(), repr=False)  # (inode, mtime) of the manifest last checked
    _checked: float = field(default=0.0, repr=False)
    _decision: DecisionModel | None = field(default=None, repr=False)
    _open_lock: threading.RLock = field(default_factory=threading.RLock, repr=False)  # model + open index
    _build_lock: threading.RLock = field(default_factory=threading.RLock, repr=False)  # build / add / remove

    @classmethod
    def with_encoder(cls, config: Config, encoder: Encoder, say: Callable[[str], None] = print) -> Service:
        """A service whose questions (and, through ``index.model.factory``, passages) are encoded by
        ``encoder`` instead of the configured model: a fake encoder in tests, or one model shared by
        several services in one process."""
        return cls(config, say=say, _encoder=encoder)

    @property
    def index_is_open(self) -> bool:
        """Whether an index has been opened (asking opens it; a missing index leaves it closed)."""
        return self._searcher is not None

    def encoder(self):
        """The query encoder, loaded once (``index.model.factory`` decides which: the model's
        ONNX export run by onnxruntime, with the query cache)."""
        with self._open_lock:
            if self._encoder is None:
                from index.model.factory import load_query_encoder

                self._encoder = load_query_encoder(self.config.model, self.config.model_cache, progress=self.say)
            return self._encoder

    def passage_encoder(self):
        """The encoder that embeds passages and sentences at build time (loaded on first build;
        ``index.model.factory`` decides which, sharing the query encoder when it can)."""
        with self._build_lock:
            if self._passage_encoder is None:
                from index.model.factory import load_passage_encoder

                self._passage_encoder = load_passage_encoder(
                    self.config.model, self.config.model_cache, progress=self.say, query_encoder=self._encoder
                )
            return self._passage_encoder

    def searcher(self):
        """The open index; raises ``IndexMissingError`` (says to run ``sousei build``) when there is none.

        An index rebuilt by another process (``sousei build`` while ``serve`` runs) is picked up."""
        searcher = self._searcher
        if searcher is None or self._rebuilt_elsewhere(searcher):
            from index.search import Searcher

            with self._open_lock:
                if self._searcher is None or self._searcher is searcher:
                    self._seen = self._manifest_stamp()
                    self._searcher = Searcher.open(self.config.index_dir, self.encoder())
                searcher = self._searcher
        return searcher

    def _manifest_stamp(self) -> tuple:
        try:
            stat = (Path(self.config.index_dir) / "manifest.json").stat()
        except OSError:
            return ()
        return (stat.st_ino, stat.st_mtime_ns)

    def _rebuilt_elsewhere(self, searcher) -> bool:
        """A cheap stat of the manifest at most every few seconds; a full check only when it changed."""
        now = time.monotonic()
        if now - self._checked < STALE_CHECK_SECONDS:
            return False
        self._checked = now
        stamp = self._manifest_stamp()
        return bool(stamp) and stamp != self._seen and searcher.is_stale()

    def index_exists(self) -> bool:
        return (Path(self.config.index_dir) / "manifest.json").exists()

    def ask(self, question: str, top_k: int | None = None, previous: str | Previous | None = None) -> Answer:
        """Answer ``question``. ``previous`` is the turn before it: its question, or a
        :class:`chat.followup.Previous` (its question and the passages its answer cited). A
        follow-up that lacks its own subject is searched with the previous question's terms and
        re-ranked toward the previous answer's passages (:mod:`chat.followup`); the answer's
        ``question`` is then the searched text."""
        from chat.followup import answer_after

        return answer_after(question, previous, self.searcher(), top_k or self.config.top_k, self.decision())

    def decision(self) -> DecisionModel:
        """The fitted found / not-found decision and sentence ranker, read once."""
        if self._decision is None:
            from chat.abstain import DecisionModel

            self._decision = DecisionModel.load()
        return self._decision

    def warm_up(self, question: str) -> int:
        """Load the model, open the index and answer ``question`` ahead of users (the UI runs this
        in the background at start). Sentence vectors are stored in the index, so nothing else
        needs warming. Returns the number of stored sentence vectors."""
        self.ask(question)
        return self.searcher().manifest.sentences

    def build(self, progress: Progress | None = None):
        """Incremental rebuild of the index from the corpus; the new index is served afterwards."""
        from index.build import build_index

        with self._build_lock:
            report = build_index(
                self.config.corpus_dir,
                self.config.index_dir,
                self.passage_encoder(),
                max_chars=self.config.max_passage_chars,
                progress=progress,
                load_limits=self.config.load_limits(),
            )
            with self._open_lock:  # questions so far were answered from the old index
                self._searcher = None  # the next one opens the new index
        return report

    def add(self, files: list[Path], progress: Progress | None = None):
        """Copy files into the corpus (validated, safe names), then rebuild incrementally."""
        from ingest.library import add_files, withdraw_added

        with self._build_lock:
            added = add_files(
                self.config.corpus_dir,
                [Path(f) for f in files],
                self.config.max_upload_mb * 1024 * 1024,
                limits=self.config.load_limits(),
                cache_dir=self._reads_cache(),
            )
            try:
                return added, self.build(progress)
            except BaseException:
                withdraw_added(added)  # a failed build (full disk...) leaves the corpus as it was
                raise

    def _reads_cache(self) -> Path:
        from index.build import READS_CACHE
        from index.store import index_paths

        return index_paths(self.config.index_dir).cache / READS_CACHE

    def remove(self, doc_id: str, progress: Progress | None = None):
        from ingest.library import remove_article

        with self._build_lock:
            remove_article(self.config.corpus_dir, doc_id)
            return self.build(progress)

    def restore(self, doc_id: str, progress: Progress | None = None):
        """Move an article removed earlier back from the trash folder, then rebuild."""
        from ingest.library import restore_article

        with self._build_lock:
            restore_article(self.config.corpus_dir, doc_id)
            return self.build(progress)

    def trash(self) -> list[str]:
        """Ids of removed articles that can be restored."""
        from ingest.library import trashed_articles

        return [path.stem for path in trashed_articles(self.config.corpus_dir)]

    def edit_meta(self, doc_id: str, title: str, author: str, published: str, progress: Progress | None = None):
        """Write title / author / date to the article's sidecar, then rebuild (only metadata changes)."""
        from ingest.library import edit_metadata

        with self._build_lock:
            edit_metadata(self.config.corpus_dir, doc_id, title=title, author=author, published=published)
            return self.build(progress)

    def record_feedback(self, question: str, passage_ids: list[str], vote: str) -> dict:
        from chat.feedback import record

        return record(self.config.feedback_file, question, passage_ids, vote)

    def feedback(self) -> list[dict]:
        from chat.feedback import read_all

        return read_all(self.config.feedback_file)

    def articles(self) -> list[Article]:
        return list(self.searcher().articles())

    def article(self, doc_id: str) -> Article:
        return self.searcher().article(doc_id)
