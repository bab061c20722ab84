"""Build or rebuild the index from a corpus directory, atomically and incrementally.

A build holds an OS lock beside the index (a second build waits; a lock left by a
killed process is released by the kernel), ingests the whole corpus, embeds only
passages whose text is not in the embedding cache, writes the new index into a
temporary directory beside the live one and swaps it in with renames. A crash at
any moment leaves the previous index loadable (see ``index.store.recover``).
"""

from __future__ import annotations

import errno
import json
import shutil
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from index.bm25 import KeywordIndex
from index.dense import DenseIndex
from index.settings import IndexSettings
from index.store import (
    QUERY_KEY,
    VECTORS_FILE,
    ArticleEntry,
    EmbeddingCache,
    IndexBusyError,
    IndexMismatchError,
    IndexMissingError,
    IndexPaths,
    Manifest,
    SentenceTable,
    StoredIndex,
    file_lock,
    index_paths,
    read_manifest,
    recover,
    swap_in,
    text_key,
    write_store,
)
from ingest.dictionary import SOURCE as DICTIONARY_SOURCE
from ingest.dictionary import dictionary_entries
from ingest.errors import SouseiError
from ingest.fileio import TEMP_GLOB, Signature, file_signature, sha256_file
from ingest.glossary import GlossaryEntry, glossary_of
from ingest.records import Article, IngestResult, Passage

if TYPE_CHECKING:
    from index.model.encoder import Encoder
    from ingest.load import LoadLimits

Progress = Callable[[int, int, str], None]
IngestFn = Callable[[Path, int], IngestResult]
CACHE_SAVE_SECONDS = 20.0
READS_CACHE = "reads"  # under the index cache: what each corpus file's bytes gave (ingest.sandbox)
_DISK_ERRORS = {errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EPERM, errno.EDQUOT, errno.EFBIG}


@dataclass(frozen=True)
class BuildReport:
    documents: int
    passages: int
    embedded: int  # passages whose vectors were computed by this build
    reused: int  # passages whose vectors came from the embedding cache
    removed: int  # articles in the previous index that are gone now
    duplicates: int  # files skipped because another file has the same content
    seconds: float
    warnings: tuple[str, ...] = ()
    removed_ids: tuple[str, ...] = ()
    duplicate_pairs: tuple[tuple[str, str], ...] = ()
    dense_kind: str = "flat"
    index_dir: str = ""
    sentences: int = 0  # sentence vectors stored (every sentence of every passage)
    sentences_embedded: int = 0  # distinct sentence texts computed by this build (not in the cache, not a passage)
    glossary: int = 0  # bilingual pairs found in the articles (ingest.glossary)
    dictionary: int = 0  # CC-CEDICT glosses of the corpus's words (ingest.dictionary)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["duplicate_pairs"] = [list(pair) for pair in self.duplicate_pairs]
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)


@dataclass
class _Embedded:
    vectors: np.ndarray
    embedded: int  # texts whose vectors were computed (a repeated text counts each time)
    reused: int  # texts whose vectors came from the cache
    computed: int = 0  # distinct texts given to the encoder


@dataclass
class _Stage:
    """Forwards progress to an optional callback."""

    callback: Progress | None = None

    def __call__(self, done: int, total: int, message: str) -> None:
        if self.callback is not None:
            self.callback(done, total, message)


def build_index(
    corpus_dir: Path,
    index_dir: Path,
    encoder: Encoder,
    settings: IndexSettings | None = None,
    *,
    progress: Progress | None = None,
    load_limits: LoadLimits | None = None,
    ingest: IngestFn | None = None,
    segmenter: dict[str, Any] | None = None,
) -> BuildReport:
    """Build ``index_dir`` from ``corpus_dir`` (see the module docstring); returns what it did.

    ``settings`` (recorded in the manifest) say how; ``progress(done, total, message)`` is called
    per stage and per embedded batch; ``load_limits`` bound reading each file. ``ingest`` and
    ``segmenter`` (tests give fakes) default to ``ingest.pipeline.ingest_corpus`` and
    ``ingest.segment.segmenter_fingerprint()``. A disk that is full, read-only or not writable
    is one ``SouseiError`` naming the directory; the previous index is untouched and no
    temporary file is left behind.
    """
    paths = index_paths(index_dir)
    with _disk_errors_in_one_message(paths):
        read = _Reading(Path(corpus_dir), load_limits, ingest, segmenter)
        return _build(read, paths, encoder, settings or IndexSettings(), _Stage(progress))


@contextmanager
def _disk_errors_in_one_message(paths: IndexPaths) -> Iterator[None]:
    """A full, read-only or unwritable disk becomes one ``SouseiError`` naming the directory,
    after removing the build's temporary copies."""
    try:
        yield
    except OSError as exc:
        if exc.errno not in _DISK_ERRORS:
            raise
        _remove_stale_temps(paths)
        where = paths.live.parent  # where the index, its temp copies, locks and cache live
        raise SouseiError(
            f"無法在 {where} 寫入索引：{exc.strerror or exc}。請騰出磁碟空間或修正權限"
            f"（或用 --index 指定其他位置）；原本的索引沒有變動。"
        ) from None


@dataclass(frozen=True)
class _Reading:
    """Where the corpus is and how it is read (tests give fakes for ``ingest`` and ``segmenter``)."""

    corpus_dir: Path
    load_limits: LoadLimits | None
    ingest: IngestFn | None
    segmenter: dict[str, Any] | None


def _build(read: _Reading, paths: IndexPaths, encoder: Encoder, settings: IndexSettings, stage: _Stage) -> BuildReport:
    start = time.perf_counter()
    with _build_lock(paths, settings.lock_timeout, stage):
        _remove_stale_temps(paths)
        recover(paths.live)
        previous, notes = _previous_manifest(paths)
        stage(0, 1, "讀取文章")
        result, refused = _run_ingest(read.ingest, read.corpus_dir, settings.max_chars, paths, read.load_limits)
        passages, dropped = unique_passages(result.passages)
        spans = passage_sentence_spans(passages)
        embedded, sentence_embedded, topics = embed_passages(
            passages, spans, encoder, paths.cache, stage, settings.batch_size
        )
        sentences = SentenceTable.from_lists(spans, sentence_embedded.vectors)
        stage(0, 1, "建立索引")
        dense = dense_index(paths, previous, passages, embedded.vectors, settings)
        keyword = KeywordIndex.build([p.tokens for p in passages], settings.bm25)
        glossary = build_glossary(result.articles, passages)
        manifest = make_manifest(
            result.articles,
            passages,
            encoder,
            read.segmenter or _default_segmenter(),
            settings,
            dense.kind,
            result.duplicates,
            refused,
        )
        stage(0, 1, "儲存索引")
        store = StoredIndex(
            manifest,
            passages,
            list(result.articles),
            embedded.vectors,
            dense,
            keyword,
            sentences,
            topics.vectors,
            tuple(glossary),
        )
        _write_and_swap(paths, store)
    removed = _removed_articles(previous, result.articles)
    stage(1, 1, "完成")
    return replace(
        _report(store, paths, result.duplicates),
        embedded=embedded.embedded,
        reused=embedded.reused,
        removed=len(removed),
        removed_ids=tuple(removed),
        sentences_embedded=sentence_embedded.computed,
        seconds=round(time.perf_counter() - start, 3),
        warnings=tuple(result.warnings) + tuple(notes) + tuple(dropped),
    )


def _report(store: StoredIndex, paths: IndexPaths, duplicates: Sequence[tuple[str, str]]) -> BuildReport:
    """What the index written holds, for the build's report; what the build did (vectors computed and
    reused, articles removed, time, warnings) is left at zero for the caller to fill in."""
    return BuildReport(
        documents=len(store.articles),
        passages=len(store.passages),
        embedded=0,
        reused=0,
        removed=0,
        seconds=0.0,
        duplicates=len(duplicates),
        duplicate_pairs=tuple(duplicates),
        dense_kind=store.dense.kind,
        index_dir=str(paths.live),
        sentences=store.sentences.size,
        glossary=sum(1 for entry in store.glossary if entry.doc_id != DICTIONARY_SOURCE),
        dictionary=sum(1 for entry in store.glossary if entry.doc_id == DICTIONARY_SOURCE),
    )


class _build_lock:
    """The build lock, telling the progress callback when it has to wait for another build."""

    def __init__(self, paths: IndexPaths, timeout: float, stage: _Stage) -> None:
        self._lock = file_lock(paths.build_lock, timeout)
        self._paths, self._timeout, self._stage = paths, timeout, stage

    def __enter__(self) -> _build_lock:
        from filelock import Timeout

        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            self._stage(0, 1, "等待這個索引的另一次建立完成")
            try:
                self._lock.acquire(timeout=self._timeout)
            except Timeout as exc:
                raise IndexBusyError(
                    f"{self._paths.live} 的另一次索引建立已執行超過 "
                    f"{self._timeout:.0f} 秒；請等它完成或停止它，再試一次。"
                ) from exc
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._lock.release()


def _remove_stale_temps(paths: IndexPaths) -> None:
    """Temp dirs and temp cache files of killed or failed builds (we hold the build lock, so
    none is in use)."""
    for temp in paths.temp_dirs():
        shutil.rmtree(temp, ignore_errors=True)
    for folder in (paths.cache / "embeddings", paths.cache / READS_CACHE):
        leftovers = [*folder.glob(".tmp-*"), *folder.glob(TEMP_GLOB)] if folder.is_dir() else []
        for temp in leftovers:
            try:
                temp.unlink(missing_ok=True)
            except OSError:  # a read-only disk: nothing can be left over by us there anyway
                pass


def _previous_manifest(paths: IndexPaths) -> tuple[Manifest | None, list[str]]:
    try:
        return read_manifest(paths.live), []
    except IndexMissingError:
        return None, []
    except IndexMismatchError as exc:
        return None, [f"原本的索引無法讀取，已重新建立：{exc}"]


def _run_ingest(
    ingest: IngestFn | None, corpus_dir: Path, max_chars: int, paths: IndexPaths, load_limits: LoadLimits | None
) -> tuple[IngestResult, tuple[tuple[str, str], ...]]:
    """The corpus read, and the files it refused with their bytes' sha256 (:func:`refused_files`)."""
    listed = _corpus_signatures(corpus_dir)
    result = _ingest_corpus(ingest, corpus_dir, max_chars, paths, load_limits)
    return result, refused_files(corpus_dir, listed, result)


def _corpus_signatures(corpus_dir: Path) -> dict[str, Signature]:
    """Each corpus file (as ``ingest.load.corpus_files`` lists them, the listing ``out_of_step`` checks)
    and its stat, before the build reads them; none when the corpus is missing (the ingest says so)."""
    from ingest.load import corpus_files

    try:
        files = corpus_files(corpus_dir)
    except SouseiError:
        return {}
    signatures: dict[str, Signature] = {}
    for path in files:
        try:
            signatures[path.name] = file_signature(path.stat())
        except OSError:
            continue
    return signatures


def refused_files(corpus_dir: Path, listed: dict[str, Signature], result: IngestResult) -> tuple[tuple[str, str], ...]:
    """The files ``listed`` before the build read the corpus that it did not index as articles of their
    own: refused (empty, unreadable, over a limit, an id another file has) or kept once as a twin of
    another, each with the sha256 of its bytes ("" when they cannot be read): the manifest's ``refused``,
    so ``ingest.library.out_of_step`` does not report them as not indexed until their bytes change (a
    twin edited in place is an article of its own). A file changed since it was listed, or added during
    the build, is left out (those may not be the bytes refused): it is reported."""
    sources = {a.meta.source for a in result.articles if a.meta.source}
    ids = {a.doc_id for a in result.articles if not a.meta.source}
    refused = []
    for name, signature in listed.items():
        path = Path(corpus_dir) / name
        if name in sources or path.stem in ids:
            continue
        digest = _refused_digest(path, signature)
        if digest is not None:
            refused.append((name, digest))
    return tuple(refused)


def _refused_digest(path: Path, signature: Signature) -> str | None:
    """The sha256 of a refused file ("" when it cannot be read), None when it changed since it was listed."""
    try:
        digest = sha256_file(path)
    except OSError:
        digest = ""
    try:
        unchanged = file_signature(path.stat()) == signature
    except OSError:
        return None
    return digest if unchanged else None


def _ingest_corpus(
    ingest: IngestFn | None, corpus_dir: Path, max_chars: int, paths: IndexPaths, load_limits: LoadLimits | None
) -> IngestResult:
    if ingest is not None:
        return ingest(corpus_dir, max_chars)
    from ingest.load import DEFAULT_LIMITS
    from ingest.pipeline import ingest_corpus

    return ingest_corpus(
        corpus_dir, max_chars, limits=load_limits or DEFAULT_LIMITS, cache_dir=paths.cache / READS_CACHE
    )


def _default_segmenter() -> dict[str, Any]:
    from ingest.segment import segmenter_fingerprint

    return segmenter_fingerprint()


def build_glossary(articles: Sequence[Article], passages: Sequence[Passage]) -> list[GlossaryEntry]:
    """What English words in a question stand for on the keyword side: the articles' own bilingual
    pairs (``ingest.glossary``, re-read each build: ms), then CC-CEDICT glosses of the corpus's
    words (``ingest.dictionary``)."""
    own = glossary_of((a.doc_id, a.text) for a in articles)
    return own + dictionary_entries(token for p in passages for token in p.tokens)


def unique_passages(passages: Sequence[Passage]) -> tuple[list[Passage], list[str]]:
    """Drop passages whose id repeats (same article, same text); say how many were dropped."""
    seen: dict[str, Passage] = {}
    for passage in passages:
        seen.setdefault(passage.id, passage)
    dropped = len(passages) - len(seen)
    notes = [f"{dropped} 個重複片段（同一篇文章裡相同的文字）只索引一次"] if dropped else []
    return list(seen.values()), notes


SHORT_ROW_CHARS = 80  # a table row this long or shorter is embedded under its header


def embedding_text(passage: Passage) -> str:
    """The exact string given to the encoder for a passage (and hashed as its cache key): its own
    text. The heading path is searched on the keyword side only (``Passage.search_text``): with
    headings in the embedded text, hit@1 on the train questions was lower (docs/decision.md).
    A short table row is the exception: it is embedded under its table's caption and header row
    (``table_header``), since a row of numbers alone ("2016 ｜ 3,978 ｜ 886") says nothing and sat
    near every question that asks how many. A long row (``SHORT_ROW_CHARS``; the seeds' rows
    are sentences in cells) says enough itself: with its header, 4 train questions fewer were
    quoted right."""
    header = table_header(passage)
    return f"{header}\n{passage.text}" if header else passage.text


def table_header(passage: Passage) -> str:
    """The caption and header row above a table-row passage (the end of its heading path
    without the article's title: the header rows and the heading before them), or ""."""
    from ingest.passages import is_table_row

    if not is_table_row(passage.text) or len(passage.text) > SHORT_ROW_CHARS:
        return ""
    path = passage.headings.split(" › ") if passage.headings else []
    rows = 0
    while rows < len(path) and is_table_row(path[len(path) - 1 - rows]):
        rows += 1
    if not rows:
        return ""
    return "\n".join(path[max(len(path) - rows - 1, 0) :])


def passage_sentence_spans(passages: Sequence[Passage]) -> list[list[tuple[int, int]]]:
    """The quotable sentences of each passage: every ``sentence_spans`` span of its text."""
    from ingest.passages import sentence_spans

    return [sentence_spans(p.text) for p in passages]


def embed_passages(
    passages: Sequence[Passage],
    spans: Sequence[Sequence[tuple[int, int]]],
    encoder: Encoder,
    cache_dir: Path,
    stage: _Stage,
    batch_size: int = 32,
) -> tuple[_Embedded, _Embedded, _Embedded]:
    """Vectors of ``passages``, of their sentences (``spans``), and of the passages encoded as
    questions (what :meth:`index.search.Searcher.topic_similarity` compares a question with), in
    order, computing only texts missing from the embedding cache (one cache for all three, keyed by
    model fingerprint + text hash; a question encoding by the hash of ``QUERY_KEY`` + text)."""
    cache = EmbeddingCache.open(cache_dir, encoder.fingerprint, encoder.dim)
    passage_texts = [embedding_text(p) for p in passages]
    sentence_texts = [p.text[a:b] for p, group in zip(passages, spans) for a, b in group]
    keep = [text_key(t) for t in passage_texts + sentence_texts] + [text_key(QUERY_KEY + t) for t in passage_texts]
    saver = _CacheSaver(cache, encoder.fingerprint, keep)
    done = (
        _embed_texts(passage_texts, encoder, cache, stage, batch_size, "計算片段向量", saver),
        _embed_texts(sentence_texts, encoder, cache, stage, batch_size, "計算句子向量", saver),
        _embed_texts(passage_texts, encoder, cache, stage, batch_size, "計算主題向量", saver, as_query=True),
    )
    cache.save(encoder.fingerprint, keep=keep)
    return done


@dataclass
class _CacheSaver:
    """Saves the embedding cache at most every ``CACHE_SAVE_SECONDS`` during a long embedding run."""

    cache: EmbeddingCache
    fingerprint: str
    keep: list[str]
    last: float = 0.0

    def maybe_save(self) -> None:
        now = time.monotonic()
        if not self.last:
            self.last = now
        elif now - self.last > CACHE_SAVE_SECONDS:
            self.cache.save(self.fingerprint, keep=self.keep)
            self.last = now


def _embed_texts(
    texts: list[str],
    encoder: Encoder,
    cache: EmbeddingCache,
    stage: _Stage,
    batch_size: int,
    message: str,
    saver: _CacheSaver,
    as_query: bool = False,
) -> _Embedded:
    keys = [text_key(QUERY_KEY + t if as_query else t) for t in texts]
    todo = list(dict.fromkeys(k for k in keys if cache.get(k) is None))
    text_of = dict(zip(keys, texts))
    for begin in range(0, len(todo), batch_size):
        stage(begin, len(todo), message)
        batch = todo[begin : begin + batch_size]
        cache.put(batch, _encode_checked(encoder, [text_of[k] for k in batch], as_query))
        saver.maybe_save()
    if todo:
        stage(len(todo), len(todo), message)
    vectors = np.stack([cache.vector(k) for k in keys]) if keys else np.zeros((0, encoder.dim), np.float32)
    fresh = set(todo)
    embedded = sum(1 for k in keys if k in fresh)
    return _Embedded(vectors.astype(np.float32), embedded, len(keys) - embedded, len(todo))


def dense_index(
    paths: IndexPaths,
    previous: Manifest | None,
    passages: Sequence[Passage],
    vectors: np.ndarray,
    settings: IndexSettings,
) -> DenseIndex:
    """The FAISS index for ``vectors``: the previous HNSW graph updated in place of a rebuild
    when there is one (unchanged passages keep their nodes; see ``DenseIndex.update``)."""
    exact_max, hnsw = settings.exact_max, settings.hnsw
    if previous is None or previous.dense_kind != "hnsw" or len(vectors) <= exact_max:
        return DenseIndex.build(vectors, exact_max=exact_max, hnsw=hnsw)
    try:
        old = DenseIndex.load(paths.live)
        old_vectors = np.load(paths.live / VECTORS_FILE, mmap_mode="r", allow_pickle=False)
    except (OSError, ValueError, RuntimeError):  # unreadable: the load check will say so; rebuild
        return DenseIndex.build(vectors, exact_max=exact_max, hnsw=hnsw)
    old_row = {pid: row for row, pid in enumerate(previous.passage_ids)}
    reuse = np.array([old_row.get(p.id, -1) for p in passages], dtype=np.int64)
    known = np.flatnonzero(reuse >= 0)
    if len(known) and old_vectors.shape[1:] == vectors.shape[1:] and len(old_vectors) == len(previous.passage_ids):
        same = np.all(np.asarray(old_vectors[reuse[known]]) == vectors[known], axis=1)
        reuse[known[~same]] = -1  # same id, new vector (e.g. another embed text)
    else:
        reuse[:] = -1
    return DenseIndex.update(old, reuse, vectors, exact_max=exact_max, hnsw=hnsw)


def _encode_checked(encoder: Encoder, texts: list[str], as_query: bool = False) -> np.ndarray:
    encode = encoder.encode_queries if as_query else encoder.encode_passages
    vectors = np.asarray(encode(texts), dtype=np.float32)
    if vectors.shape != (len(texts), encoder.dim) or not np.isfinite(vectors).all():
        raise ValueError(
            f"encoder {encoder.model_id!r} returned an array of shape {vectors.shape} "
            f"(expected {(len(texts), encoder.dim)}, finite)"
        )
    return vectors


def make_manifest(
    articles: Sequence[Article],
    passages: Sequence[Passage],
    encoder: Encoder,
    segmenter: dict[str, Any],
    settings: IndexSettings,
    dense_kind: str,
    duplicates: Sequence[tuple[str, str]],
    refused: Sequence[tuple[str, str]] = (),
) -> Manifest:
    counts: dict[str, int] = {}
    for passage in passages:
        counts[passage.doc_id] = counts.get(passage.doc_id, 0) + 1
    entries = tuple(ArticleEntry(a.doc_id, a.meta.source, a.content_hash, counts.get(a.doc_id, 0)) for a in articles)
    return Manifest(
        model_id=encoder.model_id,
        model_dim=int(encoder.dim),
        model_fingerprint=encoder.fingerprint,
        segmenter=dict(segmenter),
        settings=settings,
        articles=entries,
        passage_ids=tuple(p.id for p in passages),
        dense_kind=dense_kind,
        duplicates=tuple((a, b) for a, b in duplicates),
        refused=tuple((name, digest) for name, digest in refused),
        created=datetime.now(UTC).isoformat(timespec="seconds"),
        build_id=uuid.uuid4().hex,
    )


def _write_and_swap(paths: IndexPaths, store: StoredIndex) -> None:
    temp = paths.new_temp_dir()
    try:
        write_store(temp, store)
        swap_in(temp, paths.live)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise


def _removed_articles(previous: Manifest | None, articles: Sequence[Article]) -> list[str]:
    if previous is None:
        return []
    current = {a.doc_id for a in articles}
    return sorted(a.doc_id for a in previous.articles if a.doc_id not in current)
