"""The engine: the one object the CLI, the UI and the benchmark call.

An :class:`Engine` owns, for one process, the encoders (``index.model.factory`` decides
which), the open index (``index.search.Searcher``: passages, FAISS, BM25, corpus statistics,
stored sentence vectors, the query cache) and the fitted decision (``chat.abstain``). Its
operations: :meth:`Engine.search`, :meth:`Engine.answer`, :meth:`Engine.rebuild`,
:meth:`Engine.articles` / :meth:`Engine.passage`, article management (add, remove, restore,
metadata), whether the corpus and the index are in step (:meth:`Engine.out_of_step`), feedback and
:meth:`Engine.evaluate`. It also remembers the answers shown with an id
(:meth:`Engine.show`, bounded, in memory), so that a 👍/👎 records what the server showed, not what a
client claims it was shown. Rebuilds (rebuild, add, remove) run under
``_build_lock``; loading the model and opening the index
take ``_open_lock``, which a rebuild holds only for an instant, so a question never waits
for a rebuild: it is answered from the last complete index (reading it takes no lock on
disk either), and the next question after a rebuild opens the new one.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from chat.config import Config
from chat.records import Answer
from ingest.records import Article

if TYPE_CHECKING:
    from chat.abstain import DecisionModel
    from chat.answer import Analysis
    from chat.feedback import AnswerSeal
    from chat.followup import Previous
    from index.build import BuildReport, Progress
    from index.model.encoder import Encoder
    from index.records import Hit
    from index.search import Searcher
    from index.store import Manifest
    from ingest.fileio import DigestCache
    from ingest.library import AddedFile, OutOfStep, RefusedFile, TrashedArticle
    from ingest.records import Passage

MAX_EARLIER = 8  # the earlier turns of a conversation answered again to follow it (the last ones)
STALE_CHECK_SECONDS = 2.0  # how often a served index looks for a rebuild made by another process


@dataclass
class Engine:
    config: Config
    say: Callable[[str], None] = print  # where progress messages of slow first steps go
    _encoder: Encoder | None = field(default=None, repr=False)
    _passage_encoder: Encoder | None = field(default=None, repr=False)
    _searcher: Searcher | None = field(default=None, repr=False)
    _seen: tuple = field(default=(), repr=False)  # (inode, mtime) of the manifest last checked
    _checked: float = field(default=0.0, repr=False)
    _decision: DecisionModel | None = field(default=None, repr=False)
    _digests: DigestCache | None = field(default=None, repr=False)  # the corpus files' digests (out_of_step)
    _open_lock: threading.RLock = field(default_factory=threading.RLock, repr=False)  # model + open index
    _build_lock: threading.RLock = field(default_factory=threading.RLock, repr=False)  # build / add / remove
    _seal: AnswerSeal | None = field(default=None, repr=False)  # seals the ids of answers shown (votes)

    @classmethod
    def with_encoder(
        cls,
        config: Config,
        encoder: Encoder,
        say: Callable[[str], None] = print,
        decision: DecisionModel | None = None,
    ) -> Engine:
        """An engine whose questions (and, through ``index.model.factory``, passages) are encoded by
        ``encoder`` instead of the configured model: a fake encoder in tests, or one model shared by
        several engines in one process. ``decision`` replaces the fitted one (fitted for the real
        model, its thresholds mean nothing to a fake encoder's cosines)."""
        return cls(config, say=say, _encoder=encoder, _decision=decision)

    @property
    def index_is_open(self) -> bool:
        """Whether an index has been opened (asking opens it; a missing index leaves it closed)."""
        return self._searcher is not None

    def encoder(self) -> Encoder:
        """The query encoder, loaded once (``index.model.factory`` decides which: the model's
        ONNX export run by onnxruntime, with the query cache)."""
        with self._open_lock:
            if self._encoder is None:
                from index.model.factory import load_query_encoder

                self._encoder = load_query_encoder(self.config.model, self.config.model_cache, progress=self.say)
            return self._encoder

    def passage_encoder(self) -> Encoder:
        """The encoder that embeds passages and sentences at build time (loaded on first build;
        ``index.model.factory`` decides which, sharing the query encoder when it can)."""
        with self._build_lock:
            if self._passage_encoder is None:
                from index.model.factory import load_passage_encoder

                self._passage_encoder = load_passage_encoder(
                    self.config.model, self.config.model_cache, progress=self.say, query_encoder=self._encoder
                )
            return self._passage_encoder

    def index(self) -> Searcher:
        """The open index (for evaluation and fitting tools; apps use the methods below); raises
        ``IndexMissingError`` (says to run ``sousei build``) when there is none.

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

    def answer(self, question: str, top_k: int | None = None, previous: str | Previous | None = None) -> Answer:
        """Answer ``question``. ``previous`` is the turn before it: its question, or a
        :class:`chat.followup.Previous` (its question and the passages its answer cited). A
        follow-up that lacks its own subject is searched with the previous question's terms and
        re-ranked toward the previous answer's passages (:mod:`chat.followup`); the answer's
        ``question`` is then the searched text."""
        from chat.followup import answer_after

        return answer_after(question, previous, self.index(), top_k or self.config.top_k, self.decision())

    def answer_in_conversation(self, question: str, earlier: Sequence[str], top_k: int | None = None) -> Answer:
        """Answer ``question`` asked after the questions ``earlier`` (oldest first): each is answered
        in turn after the one before it, and what it searched (a follow-up's text with the subject it
        carried) is the context of the next, so that 第三個呢？ after 第二個呢？ after 地域未來構想一有哪
        幾項？ still asks about 地域未來構想一 (a tester's chain was refused with no searchable term)."""
        from chat.followup import Previous

        previous: Previous | None = None
        for turn in earlier[-MAX_EARLIER:]:
            answer = self.answer(turn, top_k, previous=previous)
            previous = Previous.of(answer.question, answer) if answer.question else None
        return self.answer(question, top_k, previous=previous)

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
        self.answer(question)
        return self.index().manifest.sentences

    def rebuild(self, progress: Progress | None = None) -> BuildReport:
        """Incremental rebuild of the index from the corpus; the new index is served afterwards."""
        from index.build import build_index

        with self._build_lock:
            report = build_index(
                self.config.corpus_dir,
                self.config.index_dir,
                self.passage_encoder(),
                self.config.index_settings(),
                progress=progress,
                load_limits=self.config.load_limits(),
            )
            with self._open_lock:  # questions so far were answered from the old index
                self._searcher = None  # the next one opens the new index
        return report

    def add(self, files: list[Path], progress: Progress | None = None) -> tuple[list[AddedFile], BuildReport]:
        """Copy the acceptable files into the corpus (validated, safe names), then rebuild once; each
        refused file's reason leads the report's warnings (the UI shows them). Raises ``SouseiError``
        when nothing is added (every file refused, a duplicate, or already there: no rebuild).
        :meth:`add_each` keeps the refusals apart."""
        added, refused, report = self.add_each(files, progress)
        if refused:
            report = replace(report, warnings=(*(item.reason for item in refused), *report.warnings))
        return added, report

    def add_each(
        self, files: list[Path], progress: Progress | None = None
    ) -> tuple[list[AddedFile], list[RefusedFile], BuildReport]:
        """(files added or already there, files refused with why, the rebuild's report): one refused
        file (empty, a duplicate name, an unsupported type …) does not stop the others; the index is
        rebuilt once. Raises ``SouseiError`` when nothing is added (``ingest.library.NothingAdded``:
        every file refused, a duplicate, or already there), and nothing is rebuilt."""
        from ingest.library import add_accepted, withdraw_added

        with self._build_lock:
            added, refused = add_accepted(
                self.config.corpus_dir,
                [Path(f) for f in files],
                self.config.max_upload_mb * 1024 * 1024,
                limits=self.config.load_limits(),
                cache_dir=self._reads_cache(),
            )
            try:
                return added, refused, self.rebuild(progress)
            except BaseException:
                withdraw_added(added)  # a failed build (full disk...) leaves the corpus as it was
                raise

    def _reads_cache(self) -> Path:
        from index.build import READS_CACHE
        from index.store import index_paths

        return index_paths(self.config.index_dir).cache / READS_CACHE

    def remove(self, doc_id: str, progress: Progress | None = None) -> BuildReport:
        """Move an article to the trash folder (noting its indexed title for the trash listing), then rebuild."""
        from ingest.library import remove_article

        with self._build_lock:
            remove_article(self.config.corpus_dir, doc_id, title=self._indexed_title(doc_id))
            return self.rebuild(progress)

    def _indexed_title(self, doc_id: str) -> str | None:
        """The article's title in the index; None when there is no index or it lacks the article
        (removing a file never indexed, or with no index, still works)."""
        from ingest.errors import SouseiError

        try:
            return self.article(doc_id).meta.title
        except SouseiError:
            return None

    def restore(self, doc_id: str, progress: Progress | None = None) -> BuildReport:
        """Move an article removed earlier back from the trash folder, then rebuild."""
        from ingest.library import restore_article

        with self._build_lock:
            restore_article(self.config.corpus_dir, doc_id)
            return self.rebuild(progress)

    def out_of_step(self) -> OutOfStep:
        """How the corpus folder and the index disagree (``ingest.library.out_of_step``: files not indexed,
        indexed files whose bytes changed since the build, articles gone), by the files' bytes; empty (false)
        when they agree or there is no index. The digests are kept in memory and in the index's cache folder
        (``NAME.cache/digests.json``), so a file unchanged since the last check, by this process or the last
        command, is not read again. Waits for a running rebuild (its corpus is not yet the index's). For
        ``sousei articles``, ``sousei add`` and the UI's article tab; never per question."""
        from ingest.library import out_of_step

        with self._build_lock:  # also keeps the digest cache to one caller at a time
            return out_of_step(self.config.corpus_dir, self.config.index_dir, digests=self._digest_cache())

    def _digest_cache(self) -> DigestCache:
        if self._digests is None:
            from index.store import index_paths
            from ingest.fileio import DigestCache
            from ingest.library import DIGESTS_FILE

            self._digests = DigestCache(index_paths(self.config.index_dir).cache / DIGESTS_FILE)
        return self._digests

    @staticmethod
    def article_types() -> tuple[str, ...]:
        """The file types ``add`` reads (".txt", ".md", …): the CLI's help and the UI's upload picker."""
        from ingest.load import SUPPORTED_EXTENSIONS

        return SUPPORTED_EXTENSIONS

    @staticmethod
    def type_refusal(path: Path) -> str | None:
        """The refusal :meth:`add` would give ``path`` for its type (it names the file and the types read),
        None for a type it reads; the UI says it as soon as such a file is chosen."""
        from ingest.library import unsupported_type

        return unsupported_type(Path(path))

    def article_id(self, given: str) -> str:
        """The id of the article ``given`` names by its id or its file name (``000_52ed….txt``); a
        ``SouseiError`` listing the ids when it names none, or more than one."""
        from ingest.library import article_id

        return article_id(self.config.corpus_dir, given)

    def has_article(self, doc_id: str) -> bool:
        """Whether the corpus folder has an article file with this id now (indexed or not: another page
        or ``sousei remove`` may have removed it since a list was shown)."""
        from ingest.load import corpus_files

        return any(path.stem == doc_id for path in corpus_files(self.config.corpus_dir))

    def trash(self) -> list[str]:
        """Ids of removed articles in the trash (the latest removal of each; :meth:`trash_entries` lists
        the older copies too)."""
        from ingest.library import trashed_articles

        return [path.stem for path in trashed_articles(self.config.corpus_dir)]

    def trash_entries(self) -> list[TrashedArticle]:
        """Removed articles that can be restored (older copies of a name removed again included), with
        title and removal time (``.label``), most recent first."""
        from ingest.library import trash_entries

        return trash_entries(self.config.corpus_dir)

    def edit_meta(
        self, doc_id: str, title: str, author: str, published: str, progress: Progress | None = None
    ) -> BuildReport:
        """Write title / author / date to the article's sidecar, then rebuild (only metadata changes)."""
        from ingest.library import edit_metadata

        with self._build_lock:
            edit_metadata(self.config.corpus_dir, doc_id, title=title, author=author, published=published)
            return self.rebuild(progress)

    def show(self, question: str, answer: Answer) -> str:
        """The id that names ``answer`` to ``question`` (as asked) for its 👍/👎 (:meth:`record_feedback`): the
        question and the passages it cites, sealed with the server's key (``chat.feedback.AnswerSeal``)."""
        from chat.render import cited_order

        return self._answer_seal().seal(question, [hit.passage.id for hit in cited_order(answer)])

    def _answer_seal(self) -> AnswerSeal:
        if self._seal is None:
            from chat.feedback import AnswerSeal
            from chat.secret import server_secret

            self._seal = AnswerSeal.from_secret(server_secret(self.config.browser_secret_file))
        return self._seal

    def record_feedback(
        self,
        question: str = "",
        passage_ids: Sequence[str] = (),
        vote: str | None = None,
        answer: str | None = None,
    ) -> dict | None:
        """Record a 👍/👎. With ``answer`` (an id :meth:`show` gave) it is that answer's one vote: it replaces
        the answer's earlier vote, ``vote=None`` takes it back, and the question and passages recorded are
        the ones the answer was shown with (``question`` and ``passage_ids`` are not used: in the UI they
        come back from the browser). An id this server's key did not seal (forged or altered) is refused with
        a ``SouseiError`` and nothing is written; one sealed before a restart counts. Without ``answer``
        the vote is appended as given (a caller in this process)."""
        from chat.feedback import UNKNOWN_ANSWER, record, record_answer_vote
        from ingest.errors import SouseiError

        if answer is not None:
            opened = self._answer_seal().open(answer)
            if opened is None:
                raise SouseiError(UNKNOWN_ANSWER)
            key, shown = opened
            return record_answer_vote(self.config.feedback_file, key, shown.question, list(shown.passages), vote)
        if vote is None:
            raise SouseiError("只有對某一則回答（answer）的評價可以收回；請給出回答的 id")
        return record(self.config.feedback_file, question, list(passage_ids), vote)

    def feedback(self) -> list[dict]:
        from chat.feedback import read_all

        return read_all(self.config.feedback_file)

    def articles(self) -> list[Article]:
        return list(self.index().articles())

    def article(self, doc_id: str) -> Article:
        return self.index().article(doc_id)

    def passage(self, passage_id: str) -> Passage | None:
        """The indexed passage with this id, or None (a citation to a passage since removed)."""
        return self.index().passage(passage_id)

    def passage_counts(self) -> dict[str, int]:
        """Indexed passages per article id."""
        counts: dict[str, int] = {}
        for passage in self.index().passages:
            counts[passage.doc_id] = counts.get(passage.doc_id, 0) + 1
        return counts

    def search(self, query: str, top_k: int = 10, mode: str = "hybrid") -> list[Hit]:
        """Ranked passages for ``query`` (``mode``: hybrid, dense or bm25), without answering."""
        return self.index().search(query, top_k=top_k, mode=mode)

    def analyse(self, question: str, top_k: int | None = None) -> Analysis:
        """Everything answering ``question`` looked at (signals, ranked sentences), for evaluation."""
        from chat.answer import analyse_question

        return analyse_question(question, self.index(), top_k or self.config.top_k, self.decision())

    def manifest(self) -> Manifest:
        """What the open index holds (model, counts, dense kind, settings)."""
        return self.index().manifest

    def timings(self) -> dict[str, float]:
        """Milliseconds by stage of the last search (encode, dense, bm25, fusion)."""
        return dict(self.index().timings)

    def evaluate(self, questions: list[dict], top_k: int | None = None) -> dict:
        """Retrieval (hybrid, BM25-only, dense-only) and answer / abstention metrics over ``questions``
        (``sousei eval``), each question searched without an earlier question worded as it
        (``index.asked``): the figures are those of questions never asked before."""
        from chat.evaluate import evaluate_answers
        from index.evaluate import compare_modes

        searcher = self.index()
        searcher.leave_out_asked = True  # a bank question is not its own evidence (index.asked)
        return {
            "retrieval": compare_modes(searcher, questions),
            "answers": evaluate_answers(searcher, questions, top_k or self.config.top_k, decision=self.decision()),
        }
