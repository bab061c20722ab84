"""The on-disk index: a directory of plain files described by ``manifest.json``.

Layout of ``index_dir``::

    manifest.json     schema, model, segmenter, articles, twins, refused files, passage ids, file sizes (written last)
    passages.jsonl    one Passage per line (with its search tokens), row order = vector ids
    articles.jsonl    one cleaned Article per line (text, paragraphs, meta)
    vectors.npy       float32 (passages, dim), L2-normalised
    sentence_vectors.npy   float32 (sentences, dim): every sentence of every passage, embedded like passages
    sentence_spans.npy     int32 (sentences, 2): (start, end) of each sentence in its passage's text
    sentence_offsets.npy   int64 (passages + 1): passage row i owns sentence rows offsets[i]:offsets[i+1]
    topic_vectors.npy      float32 (passages, dim): each passage encoded as a question (Searcher.topic_similarity)
    dense.faiss       FAISS index over vectors.npy
    bm25/             bm25s files + meta.json
    glossary.jsonl    the articles' own bilingual pairs (ingest.glossary), one per line; optional

Beside it (same parent, named after it): ``.NAME.old`` (the previous index during a
swap), ``.NAME.tmp-*`` (a build in progress), ``.NAME.build.lock`` / ``.NAME.swap.lock``
and ``NAME.cache/embeddings/`` (the embedding cache, which survives swaps).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from index.bm25 import BM25_DIR, KeywordIndex
from index.dense import DENSE_FILE, DenseIndex
from index.mapped import Rows, load_rows
from index.records import SentenceVectors
from index.settings import IndexSettings
from ingest.errors import SouseiError
from ingest.fileio import atomic_write, iter_jsonl, sha256_hex
from ingest.glossary import GLOSSARY_FILE, GlossaryEntry, glossary_lines, parse_glossary
from ingest.records import Article, ArticleMeta, Paragraph, Passage

if TYPE_CHECKING:
    from filelock import FileLock

INDEX_SCHEMA = 4  # 2: sentence vectors; 3: the build's IndexSettings in the manifest; 4: topic vectors
MANIFEST_FILE = "manifest.json"
PASSAGES_FILE = "passages.jsonl"
ARTICLES_FILE = "articles.jsonl"
VECTORS_FILE = "vectors.npy"
SENTENCE_VECTORS_FILE = "sentence_vectors.npy"
SENTENCE_SPANS_FILE = "sentence_spans.npy"
SENTENCE_OFFSETS_FILE = "sentence_offsets.npy"
TOPIC_VECTORS_FILE = "topic_vectors.npy"
QUERY_KEY = "\x1equery\x1e"  # prefixed to a text for the cache key of its encoding as a question
SWAP_LOCK_TIMEOUT = 120.0
REBUILD = "請執行 `sousei build`（或在「文章管理」按「重新整理索引」）重新建立索引。"


class IndexMissingError(SouseiError):
    """There is no index at the configured location."""


class IndexMismatchError(SouseiError):
    """The index was built with another schema, model or segmenter."""


class IndexCorruptError(IndexMismatchError):
    """A file of the index is missing, truncated or unreadable."""


class IndexBusyError(SouseiError):
    """Another build holds the index lock for too long."""


# --------------------------------------------------------------------------- paths


@dataclass(frozen=True)
class IndexPaths:
    """The live index directory and its siblings."""

    live: Path

    @property
    def backup(self) -> Path:
        return self.live.parent / f".{self.live.name}.old"

    @property
    def build_lock(self) -> Path:
        return self.live.parent / f".{self.live.name}.build.lock"

    @property
    def swap_lock(self) -> Path:
        return self.live.parent / f".{self.live.name}.swap.lock"

    @property
    def cache(self) -> Path:
        return self.live.parent / f"{self.live.name}.cache"

    def temp_dirs(self) -> list[Path]:
        return sorted(self.live.parent.glob(f".{self.live.name}.tmp-*"))

    def new_temp_dir(self) -> Path:
        self.live.parent.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f".{self.live.name}.tmp-", dir=self.live.parent))


def index_paths(index_dir: Path) -> IndexPaths:
    return IndexPaths(Path(index_dir).expanduser().absolute())


def file_lock(path: Path, timeout: float) -> FileLock:
    """An OS-level lock (fcntl/msvcrt): released by the kernel when its process dies."""
    from filelock import FileLock

    path.parent.mkdir(parents=True, exist_ok=True)
    return FileLock(str(path), timeout=timeout, fallback_to_soft=False)


# --------------------------------------------------------------------------- manifest


@dataclass(frozen=True)
class ArticleEntry:
    doc_id: str
    source: str | None
    content_hash: str
    passages: int


@dataclass(frozen=True)
class Manifest:
    model_id: str
    model_dim: int
    model_fingerprint: str
    segmenter: dict[str, Any]
    settings: IndexSettings
    articles: tuple[ArticleEntry, ...]
    passage_ids: tuple[str, ...]
    dense_kind: str
    duplicates: tuple[tuple[str, str], ...] = ()  # (file kept once as a twin, the file indexed)
    refused: tuple[tuple[str, str], ...] = ()  # (corpus file not indexed on its own: refused or a twin, sha256)
    created: str = ""
    build_id: str = ""
    files: dict[str, Any] = field(default_factory=dict)  # relative path -> size in bytes
    sentences: int = 0  # rows of sentence_vectors.npy
    schema: int = INDEX_SCHEMA

    @property
    def documents(self) -> int:
        return len(self.articles)

    @property
    def passages(self) -> int:
        return len(self.passage_ids)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["counts"] = {"documents": self.documents, "passages": self.passages}
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Manifest:
        values = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        values["settings"] = IndexSettings.from_dict(data["settings"])
        values["articles"] = tuple(ArticleEntry(**a) for a in data["articles"])
        values["passage_ids"] = tuple(data["passage_ids"])
        values["duplicates"] = tuple(tuple(pair) for pair in data.get("duplicates", ()))
        values["refused"] = tuple(tuple(pair) for pair in data.get("refused", ()))  # none before it was recorded
        return cls(**values)


def read_manifest(index_dir: Path) -> Manifest:
    """The manifest of an index directory, or ``IndexMissingError`` / ``IndexMismatchError``."""
    path = Path(index_dir) / MANIFEST_FILE
    if not Path(index_dir).is_dir():
        raise IndexMissingError(f"找不到索引：{index_dir}。{REBUILD}")
    if not path.is_file():
        raise IndexCorruptError(f"{index_dir} 的索引不完整（缺少 {MANIFEST_FILE}）。{REBUILD}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IndexCorruptError(f"索引資訊檔 {path} 無法讀取（{exc}）。{REBUILD}") from exc
    schema = data.get("schema") if isinstance(data, dict) else None
    if schema != INDEX_SCHEMA:
        raise IndexMismatchError(
            f"{index_dir} 的索引格式版本是 {schema!r}，這個版本的 sousei 讀取的是 {INDEX_SCHEMA}。{REBUILD}"
        )
    try:
        return Manifest.from_dict(data)
    except (KeyError, TypeError) as exc:
        raise IndexCorruptError(f"索引資訊檔 {path} 不完整（{exc}）。{REBUILD}") from exc


def check_compatible(
    manifest: Manifest, *, model_id: str, model_dim: int, model_fingerprint: str, segmenter: dict[str, Any] | None
) -> None:
    """Raise ``IndexMismatchError`` naming what differs between the index and the running setup."""
    problems = []
    if manifest.model_fingerprint != model_fingerprint or manifest.model_dim != model_dim:
        problems.append(
            f"索引是用嵌入模型 {manifest.model_id!r} 建立的"
            f"（fingerprint {manifest.model_fingerprint[:16]}, dim {manifest.model_dim}），"
            f"目前載入的模型是 {model_id!r}（fingerprint {model_fingerprint[:16]}, dim {model_dim}）"
        )
    if segmenter is not None and _canonical(manifest.segmenter) != _canonical(segmenter):
        problems.append(f"索引是用斷詞設定 {manifest.segmenter} 建立的，目前的是 {segmenter}")
    if problems:
        raise IndexMismatchError("索引與目前的設定不符：" + "；".join(problems) + f"。{REBUILD}")


def _canonical(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


# --------------------------------------------------------------------------- records <-> json


def passage_to_dict(passage: Passage) -> dict[str, Any]:
    data = asdict(passage)
    data["tokens"] = list(passage.tokens)
    return data


def passage_from_dict(data: dict[str, Any]) -> Passage:
    # Interned: the same few thousand tokens repeat across passages (100k passages: 631 -> 146 MB).
    return Passage(**{**data, "tokens": tuple(sys.intern(t) for t in data.get("tokens", ()))})


def article_to_dict(article: Article) -> dict[str, Any]:
    return {
        "doc_id": article.doc_id,
        "meta": asdict(article.meta),
        "text": article.text,
        "paragraphs": [asdict(p) for p in article.paragraphs],
        "content_hash": article.content_hash,
        "removed": list(article.removed),
    }


def article_from_dict(data: dict[str, Any]) -> Article:
    return Article(
        doc_id=data["doc_id"],
        meta=ArticleMeta(**data["meta"]),
        text=data["text"],
        paragraphs=tuple(Paragraph(**p) for p in data["paragraphs"]),
        content_hash=data["content_hash"],
        removed=tuple(data.get("removed", ())),
    )


def _write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


# --------------------------------------------------------------------------- write / load


@dataclass(frozen=True)
class SentenceTable:
    """The sentence vectors of all passages, by passage row (see the module docstring)."""

    offsets: np.ndarray  # int64 (passages + 1,)
    spans: np.ndarray  # int32 (sentences, 2)
    vectors: Rows  # float32 (sentences, dim); when loaded, rows are read on demand (index.mapped)

    @classmethod
    def from_lists(cls, spans: list[list[tuple[int, int]]], vectors: np.ndarray) -> SentenceTable:
        """From each passage's spans (in passage order) and the vectors of all spans in that order."""
        counts = np.array([len(s) for s in spans], dtype=np.int64)
        offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        flat = np.array([span for group in spans for span in group], dtype=np.int32).reshape(-1, 2)
        return cls(offsets, flat, np.ascontiguousarray(vectors, dtype=np.float32))

    @property
    def size(self) -> int:
        return int(len(self.vectors))

    def of(self, row: int) -> SentenceVectors:
        begin, end = int(self.offsets[row]), int(self.offsets[row + 1])
        spans = tuple(map(tuple, self.spans[begin:end].tolist()))
        return SentenceVectors(spans, np.asarray(self.vectors[begin:end], dtype=np.float32))

    def save(self, directory: Path) -> None:
        np.save(directory / SENTENCE_OFFSETS_FILE, self.offsets.astype(np.int64), allow_pickle=False)
        np.save(directory / SENTENCE_SPANS_FILE, self.spans.astype(np.int32), allow_pickle=False)
        np.save(directory / SENTENCE_VECTORS_FILE, np.asarray(self.vectors, dtype=np.float32), allow_pickle=False)

    @classmethod
    def load(cls, directory: Path) -> SentenceTable:
        return cls(
            np.load(directory / SENTENCE_OFFSETS_FILE, allow_pickle=False),
            np.load(directory / SENTENCE_SPANS_FILE, allow_pickle=False),
            load_rows(directory / SENTENCE_VECTORS_FILE),
        )


@dataclass
class StoredIndex:
    manifest: Manifest
    passages: list[Passage]
    articles: list[Article]
    vectors: Rows  # float32 (passages, dim); rows read on demand for a large index (index.mapped)
    dense: DenseIndex
    keyword: KeywordIndex
    sentences: SentenceTable
    topics: Rows  # float32 (passages, dim): the passages encoded as questions
    glossary: tuple[GlossaryEntry, ...] = ()


def write_store(directory: Path, store: StoredIndex) -> Manifest:
    """Write every file of ``store`` into ``directory`` (a fresh temp dir), the manifest last, all
    fsynced; the inverse of :func:`load_store`. Returns the manifest as written (with file sizes)."""
    directory = Path(directory)
    (directory / GLOSSARY_FILE).write_text(glossary_lines(store.glossary), encoding="utf-8")
    _write_jsonl(directory / PASSAGES_FILE, (passage_to_dict(p) for p in store.passages))
    _write_jsonl(directory / ARTICLES_FILE, (article_to_dict(a) for a in store.articles))
    np.save(directory / VECTORS_FILE, np.ascontiguousarray(store.vectors, dtype=np.float32), allow_pickle=False)
    np.save(directory / TOPIC_VECTORS_FILE, np.ascontiguousarray(store.topics, dtype=np.float32), allow_pickle=False)
    store.sentences.save(directory)
    store.dense.save(directory)
    store.keyword.save(directory)
    final = Manifest(**{**store.manifest.__dict__, "files": _file_sizes(directory), "sentences": store.sentences.size})
    (directory / MANIFEST_FILE).write_text(json.dumps(final.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8")
    fsync_tree(directory)
    return final


def _file_sizes(directory: Path) -> dict[str, Any]:
    return {
        p.relative_to(directory).as_posix(): p.stat().st_size
        for p in sorted(directory.rglob("*"))
        if p.is_file() and p.name != MANIFEST_FILE
    }


def fsync_tree(directory: Path) -> None:
    """Flush every file and directory under ``directory`` to disk."""
    for path in sorted(Path(directory).rglob("*")) + [Path(directory)]:
        flags = os.O_RDONLY | (os.O_DIRECTORY if path.is_dir() else 0)
        fd = os.open(path, flags)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def verify_files(index_dir: Path, manifest: Manifest) -> None:
    """Every file the manifest lists exists with the recorded size."""
    for name, size in manifest.files.items():
        path = Path(index_dir) / name
        if not path.is_file():
            raise IndexCorruptError(f"{index_dir} 的索引已損壞：缺少 {name}。{REBUILD}")
        actual = path.stat().st_size
        if actual != size:
            raise IndexCorruptError(
                f"{index_dir} 的索引已損壞：{name} 有 {actual} bytes，索引資訊檔記載的是 {size}。{REBUILD}"
            )


def _load_parts(index_dir: Path, manifest: Manifest) -> StoredIndex:
    current = PASSAGES_FILE
    try:
        passages = [passage_from_dict(row) for row in iter_jsonl(index_dir / PASSAGES_FILE)]
        current = ARTICLES_FILE
        articles = [article_from_dict(row) for row in iter_jsonl(index_dir / ARTICLES_FILE)]
        current = VECTORS_FILE
        # Read by row: search reads only the candidates' rows (the FAISS index holds its own copy).
        vectors = load_rows(index_dir / VECTORS_FILE)
        current = TOPIC_VECTORS_FILE
        topics = load_rows(index_dir / TOPIC_VECTORS_FILE)
        current = SENTENCE_VECTORS_FILE
        sentences = SentenceTable.load(index_dir)
        current = DENSE_FILE
        dense = DenseIndex.load(index_dir)
        current = BM25_DIR
        keyword = KeywordIndex.load(index_dir)
        current = GLOSSARY_FILE
        glossary = _load_glossary(index_dir, manifest)
    except (OSError, ValueError, KeyError, TypeError, RuntimeError, json.JSONDecodeError) as exc:
        raise IndexCorruptError(f"{index_dir} 的索引已損壞：{current} 無法讀取（{exc}）。{REBUILD}") from exc
    return StoredIndex(manifest, passages, articles, vectors, dense, keyword, sentences, topics, glossary)


def _load_glossary(index_dir: Path, manifest: Manifest) -> tuple[GlossaryEntry, ...]:
    """The glossary, or none for an index written before there was one (not in its manifest)."""
    if GLOSSARY_FILE not in manifest.files:
        return ()
    return tuple(parse_glossary((index_dir / GLOSSARY_FILE).read_text(encoding="utf-8")))


def _check_counts(index_dir: Path, stored: StoredIndex) -> None:
    manifest, n = stored.manifest, stored.manifest.passages
    found = {
        "passages": len(stored.passages),
        "vector rows": len(stored.vectors),
        "dense vectors": stored.dense.size,
        "bm25 documents": stored.keyword.size,
        "topic vectors": len(stored.topics),
    }
    wrong = {k: v for k, v in found.items() if v != n}
    if wrong or tuple(p.id for p in stored.passages) != manifest.passage_ids:
        raise IndexCorruptError(
            f"{index_dir} 的索引前後不一致：索引資訊檔列出 {n} 個片段，實際是 {wrong or '其他片段代號'}。{REBUILD}"
        )
    for rows in (stored.vectors, stored.topics):
        if rows.ndim != 2 or (n and rows.shape[1] != manifest.model_dim):
            raise IndexCorruptError(
                f"{index_dir} 的索引向量形狀是 {rows.shape}，應該是 {manifest.model_dim} 維。{REBUILD}"
            )
    _check_sentences(index_dir, stored)
    if len(stored.articles) != manifest.documents:
        raise IndexCorruptError(
            f"{index_dir} 的索引前後不一致：存了 {len(stored.articles)} 篇文章，"
            f"索引資訊檔列出 {manifest.documents} 篇。{REBUILD}"
        )


def _check_sentences(index_dir: Path, stored: StoredIndex) -> None:
    table, manifest = stored.sentences, stored.manifest
    offsets = table.offsets
    ok = (
        offsets.ndim == 1
        and len(offsets) == manifest.passages + 1
        and int(offsets[0]) == 0
        and int(offsets[-1]) == table.size == manifest.sentences == len(table.spans)
        and bool(np.all(np.diff(offsets) >= 0))
        and (table.size == 0 or table.vectors.shape[1:] == (manifest.model_dim,))
    )
    if not ok:
        raise IndexCorruptError(
            f"{index_dir} 的句子向量前後不一致"
            f"（{table.size} 個向量、{len(table.spans)} 個句子範圍、{len(offsets)} 個位移，"
            f"對應 {manifest.passages} 個片段）。{REBUILD}"
        )


LOAD_ATTEMPTS = 5


def load_store(index_dir: Path) -> StoredIndex:
    """Load and validate the last complete index.

    Reading writes nothing and takes no lock (a read-only disk is fine; a question never waits
    for a build): a swap that happens while the files are read is noticed (the live directory
    or its build id changed) and the load is retried. A swap a killed build left half done is
    finished when the index directory is writable and no build holds it; otherwise the previous
    complete index (the backup) is read as it is."""
    paths = index_paths(index_dir)
    for attempt in range(1, LOAD_ATTEMPTS + 1):
        _recover_if_possible(paths)
        before = _stamp(paths)
        try:
            stored = _load_complete(before[0])
        except (IndexMismatchError, IndexMissingError):
            if attempt < LOAD_ATTEMPTS and _stamp(paths) != before:
                time.sleep(0.05 * attempt)
                continue
            raise
        if _stamp(paths) == before:
            return stored
        time.sleep(0.05 * attempt)
    return _load_complete(_stamp(paths)[0])


def _load_complete(directory: Path) -> StoredIndex:
    manifest = read_manifest(directory)
    verify_files(directory, manifest)
    stored = _load_parts(directory, manifest)
    _check_counts(directory, stored)
    return stored


def _stamp(paths: IndexPaths) -> tuple[Path, object]:
    """The directory holding the last complete index (live, else the backup of a half-done
    swap) and the build id in its manifest."""
    if paths.live.exists():
        directory = paths.live
    elif paths.backup.exists():
        directory = paths.backup
    else:
        raise IndexMissingError(f"找不到索引：{paths.live}。{REBUILD}")
    try:
        build_id = json.loads((directory / MANIFEST_FILE).read_text(encoding="utf-8")).get("build_id")
    except (OSError, ValueError, AttributeError):
        build_id = None
    return directory, build_id


def _recover_if_possible(paths: IndexPaths) -> None:
    """Finish a killed swap when we may write and no build holds the swap lock; never wait."""
    if paths.live.exists() or not paths.backup.exists() or not os.access(paths.live.parent, os.W_OK):
        return
    from filelock import Timeout

    try:
        with file_lock(paths.swap_lock, 0):
            recover_unlocked(paths)
    except (Timeout, OSError):
        return


# --------------------------------------------------------------------------- atomic swap


def recover_unlocked(paths: IndexPaths) -> None:
    """Finish or undo a swap that a killed build left half done (caller holds the swap lock)."""
    if paths.backup.exists() and not paths.live.exists():
        os.rename(paths.backup, paths.live)
    elif paths.backup.exists():
        shutil.rmtree(paths.backup)


def recover(index_dir: Path) -> None:
    paths = index_paths(index_dir)
    if paths.backup.exists():
        with file_lock(paths.swap_lock, SWAP_LOCK_TIMEOUT):
            recover_unlocked(paths)


def swap_in(new_dir: Path, index_dir: Path) -> None:
    """Make ``new_dir`` the live index: live -> backup, new -> live, delete backup."""
    paths = index_paths(index_dir)
    with file_lock(paths.swap_lock, SWAP_LOCK_TIMEOUT):
        recover_unlocked(paths)
        if paths.live.exists():
            os.rename(paths.live, paths.backup)
        os.rename(new_dir, paths.live)
        fsync_tree_dir(paths.live.parent)
        shutil.rmtree(paths.backup, ignore_errors=True)


def fsync_tree_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --------------------------------------------------------------------------- embedding cache


def text_key(text: str) -> str:
    return sha256_hex(text)


class EmbeddingCache:
    """Vectors keyed by sha256 of the embedded text, one ``.npz`` per model fingerprint."""

    def __init__(self, path: Path, dim: int, entries: dict[str, np.ndarray]) -> None:
        self.path = path
        self.dim = dim
        self._entries = entries

    @classmethod
    def open(cls, cache_dir: Path, fingerprint: str, dim: int) -> EmbeddingCache:
        name = sha256_hex(fingerprint)[:24]
        path = Path(cache_dir) / "embeddings" / f"{name}.npz"
        return cls(path, dim, _read_cache_file(path, fingerprint, dim))

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: str) -> np.ndarray | None:
        return self._entries.get(key)

    def vector(self, key: str) -> np.ndarray:
        """The vector of ``key``, which must have been put or loaded (KeyError otherwise)."""
        return self._entries[key]

    def put(self, keys: list[str], vectors: np.ndarray) -> None:
        for key, vector in zip(keys, np.asarray(vectors, dtype=np.float32)):
            self._entries[key] = vector

    def save(self, fingerprint: str, keep: list[str], extra: int = 1000) -> None:
        """Atomically write the entries for ``keep`` plus up to ``extra`` others (most recent)."""
        wanted = dict.fromkeys(k for k in keep if k in self._entries)
        others = [k for k in reversed(list(self._entries)) if k not in wanted][:extra]
        keys = list(wanted) + others
        vectors = np.stack([self._entries[k] for k in keys]) if keys else np.zeros((0, self.dim), np.float32)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # a full disk leaves no half-written cache behind
        atomic_write(
            self.path,
            lambda handle: np.savez(
                handle,
                keys=np.array(keys, dtype="U64"),
                vectors=vectors.astype(np.float32),
                fingerprint=np.array(fingerprint),
            ),
        )


def _read_cache_file(path: Path, fingerprint: str, dim: int) -> dict[str, np.ndarray]:
    """The cached entries, or none if the file is absent, unreadable or for another model."""
    if not path.is_file():
        return {}
    try:
        with np.load(path, allow_pickle=False) as data:
            if str(data["fingerprint"]) != fingerprint or data["vectors"].shape[1:] != (dim,):
                return {}
            return dict(zip(data["keys"].tolist(), data["vectors"]))
    except (OSError, ValueError, KeyError, EOFError) as exc:  # a damaged cache only costs re-embedding
        import warnings

        warnings.warn(f"略過無法讀取的嵌入快取 {path}：{exc}", stacklevel=2)
        return {}
