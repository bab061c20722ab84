"""Corpus management shared by the CLI and the UI: add article files, remove an article.

Adding validates every file first (a regular file, type, size, read and cleaned by
``ingest.sandbox`` within ``LoadLimits``, a name that does not clash with an existing one
even after Unicode normalisation, no stale sidecar waiting under its name); ``add_files``
copies nothing unless all are acceptable, ``add_accepted`` (the CLI and UI, through
``Engine.add``) copies the acceptable ones and names each refused file. Files get safe names, are written
atomically (hidden temp file, then a link that never replaces an existing file)
and never outside the corpus directory. ``doc_id`` = file name without extension.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import stat
import time
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import LoadError, SouseiError
from ingest.fileio import DigestCache, atomic_write_text, sha256_file, sha256_hex
from ingest.load import DEFAULT_LIMITS, SIDECAR_SUFFIX, SUPPORTED_EXTENSIONS, LoadLimits, corpus_files, over_limit
from ingest.passages import DEFAULT_MAX_CHARS
from ingest.sandbox import Reader

DEFAULT_STEM = "article"
_MAX_STEM_BYTES = 200  # file names are limited to 255 bytes; leave room for temp suffixes
_MAX_EXTENSION_CHARS = 10
_KEPT_PUNCTUATION = "-_."
NOTHING_ADDED = "沒有加入任何文章；請修正或略過以下檔案："  # the first line of a refused upload
ALREADY_THERE = "沒有新的文章要加入，索引不必更新："  # the first line when each file is already in the corpus
_RESERVED_WINDOWS = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


@dataclass(frozen=True)
class AddedFile:
    """One file handed to ``add_files`` and what became of it."""

    source: Path  # the file the user gave
    path: Path  # the article file in the corpus
    status: str  # "added", "unchanged" (this very file is there) or "duplicate" (see add_files)
    duplicate_of: str | None = None  # the corpus file with the same bytes under another name, if any

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def doc_id(self) -> str:
        return self.path.stem

    def __fspath__(self) -> str:
        return str(self.path)

    def describe(self) -> str:
        """One line for the user: ``added: a.txt → corpus/a.txt``, ``unchanged: …`` or the
        duplicate notice (``duplicate: b.txt 已在文章庫中：a（內容相同），未加入``)."""
        if self.status == "duplicate":
            return f"duplicate: {shown_name(self.source)} {self.duplicate_notice}"
        return f"{self.status}: {shown_name(self.source)} → {shown(str(self.path))}"

    @property
    def duplicate_notice(self) -> str:
        """What the user is told about a file not copied because the corpus already holds its bytes."""
        return duplicate_notice(self)


def duplicate_notice(item: AddedFile) -> str:
    """What the user is told about a file not copied because the corpus already holds its bytes."""
    return f"已在文章庫中：{Path(item.duplicate_of or item.name).stem}（內容相同），未加入"


@dataclass(frozen=True)
class RefusedFile:
    """A file handed to ``add_accepted`` that was not copied, and why (the reason names the file
    and says what to do)."""

    source: Path
    reason: str

    def describe(self) -> str:
        """One line for the user: ``refused: x.txt：檔案是空的…``."""
        return f"refused: {self.reason}"


@dataclass(frozen=True)
class _Plan:
    source: Path
    name: str
    data: bytes
    digest: str
    status: str
    duplicate_of: str | None
    text_digest: str = ""  # the hash of its cleaned text, as the build compares articles


# ---------------------------------------------------------------- safe names


def shown(text: str) -> str:
    """Text as a message shows it: a character that is not printable (a newline, ESC, a bidi override)
    escaped (``\\n``, ``\\x1b``, ``\\u202e``), so a file name given is one line that cannot act on a terminal."""
    return "".join(char if char.isprintable() else ascii(char)[1:-1] for char in text)


def shown_name(path: Path) -> str:
    """A file's name as messages show it (:func:`shown`); the corpus stores it under :func:`safe_name`."""
    return shown(path.name)


def safe_name(name: str) -> str:
    """A file name safe to create in the corpus: basename only, no control or shell
    metacharacters, no leading dot or dash; letters of any script (CJK included),
    digits, "-", "_" and "." kept; the extension kept (lower-cased). Never empty."""
    base = _basename(unicodedata.normalize("NFC", name))
    stem, extension = _split_extension(base)
    stem = _clean_stem(stem)
    return f"{stem}.{extension}" if extension else stem


def _basename(name: str) -> str:
    parts = [part for part in re.split(r"[/\\]", name) if part.strip()]
    return parts[-1] if parts else ""


def _split_extension(base: str) -> tuple[str, str]:
    stem, dot, extension = base.rpartition(".")
    extension = re.sub(r"[^0-9a-z]", "", extension.lower())[:_MAX_EXTENSION_CHARS]
    if not dot or not extension:
        return base, ""
    return stem, extension  # a stem of only dots becomes DEFAULT_STEM: ".txt" -> "article.txt"


def _clean_stem(stem: str) -> str:
    kept = "".join(char if _is_safe_char(char) else "_" for char in stem)
    kept = re.sub(r"_{2,}", "_", kept).strip("._- ")
    kept = _truncate_utf8(kept, _MAX_STEM_BYTES).rstrip("._- ")
    if not kept:
        return DEFAULT_STEM
    return f"{kept}_" if kept.upper() in _RESERVED_WINDOWS else kept


def _is_safe_char(char: str) -> bool:
    return char in _KEPT_PUNCTUATION or unicodedata.category(char)[0] in "LNM"


def _truncate_utf8(text: str, limit: int) -> str:
    encoded = text.encode("utf-8")[:limit]
    return encoded.decode("utf-8", errors="ignore")


# ---------------------------------------------------------------- add


def add_files(
    corpus_dir: Path,
    files: list[Path],
    max_bytes: int,
    *,
    limits: LoadLimits = DEFAULT_LIMITS,
    cache_dir: Path | None = None,
) -> list[AddedFile]:
    """Copy article files into the corpus under safe names.

    All files are validated before anything is copied; if any is refused, nothing is
    added and the ``SouseiError`` lists every refused file and what to do. A file
    identical to one already present under its name is reported as ``"unchanged"``; one
    whose bytes equal another corpus file (or an earlier file of this call) is not copied
    and is reported as ``"duplicate"``, with ``path`` and ``duplicate_of`` naming the file
    that holds those bytes (otherwise the build, which indexes identical content once, could
    index the copy instead of the original and its metadata). Neither changes the corpus.
    ``cache_dir`` is the index's read cache (the build then need not read the new files again).
    """
    root, plans, refused = _plan_files(corpus_dir, files, max_bytes, limits, cache_dir)
    if refused:
        raise _nothing_added(refused)
    return [_commit(root, plan) for plan in plans]


def add_accepted(
    corpus_dir: Path,
    files: list[Path],
    max_bytes: int,
    *,
    limits: LoadLimits = DEFAULT_LIMITS,
    cache_dir: Path | None = None,
) -> tuple[list[AddedFile], list[RefusedFile]]:
    """Like :func:`add_files`, but a refused file (empty, unsupported type, a clash …) does not stop
    the others: the acceptable files are copied (or reported unchanged / duplicate) and each refused
    one is returned with its reason. When no file is copied (each refused, a duplicate or already
    there), :class:`NothingAdded` is raised: nothing changed, nothing to rebuild."""
    root, plans, refused = _plan_files(corpus_dir, files, max_bytes, limits, cache_dir)
    kept = [_commit(root, plan) for plan in plans]
    if not any(item.status == "added" for item in kept):
        raise NothingAdded([Path(f) for f in files], kept, refused)
    return kept, refused


class NothingAdded(SouseiError):
    """No file of an add was copied: each was refused, a duplicate of an article, or that very file
    already in the corpus (``kept``: the latter two). The message lists each file, in the order given."""

    def __init__(self, files: list[Path], kept: list[AddedFile], refused: list[RefusedFile]) -> None:
        order = {path: number for number, path in enumerate(files)}
        lines = [(item.source, f"- {item.reason}") for item in refused]
        lines += [(item.source, f"- {shown_name(item.source)} {_kept_notice(item)}") for item in kept]
        lines.sort(key=lambda pair: order.get(pair[0], len(order)))
        self.kept, self.refused = kept, refused
        self.duplicates = [item for item in kept if item.status == "duplicate"]
        header = NOTHING_ADDED if refused or self.duplicates else ALREADY_THERE
        super().__init__("\n".join([header, *(line for _source, line in lines)]))


def _kept_notice(item: AddedFile) -> str:
    if item.status == "duplicate":
        return duplicate_notice(item)
    return f"已在文章庫中（{item.name}，內容相同）"


def _plan_files(
    corpus_dir: Path, files: list[Path], max_bytes: int, limits: LoadLimits, cache_dir: Path | None
) -> tuple[Path, list[_Plan], list[RefusedFile]]:
    corpus_dir = Path(corpus_dir)
    corpus_dir.mkdir(parents=True, exist_ok=True)
    root = corpus_dir.resolve()
    with Reader(limits, cache_dir, prune=False) as reader:  # an add reads a few files, not the corpus
        plans, refused = _plan_all(root, [Path(f) for f in files], max_bytes, reader)
    return root, plans, refused


def _nothing_added(refused: list[RefusedFile]) -> SouseiError:
    listed = "\n".join(f"- {item.reason}" for item in refused)
    return SouseiError(f"{NOTHING_ADDED}\n{listed}")


def withdraw_added(added: list[AddedFile]) -> None:
    """Delete the files an add copied in (status "added"): the corpus is as it was before."""
    for item in added:
        if item.status == "added":
            item.path.unlink(missing_ok=True)


def _plan_all(root: Path, files: list[Path], max_bytes: int, reader: Reader) -> tuple[list[_Plan], list[RefusedFile]]:
    """A plan for each acceptable file and the reason for each refused one; a file is checked against
    the corpus and the files accepted before it in this call."""
    existing = {path.name: path for path in corpus_files(root)}
    hashes: dict[str, str] = {}
    for name, path in existing.items():  # sorted by name, as the build keeps the first of twins
        hashes.setdefault(sha256_file(path), name)
    texts = _TextHashes(existing, reader)
    plans: list[_Plan] = []
    refused: list[RefusedFile] = []
    for source in files:
        try:
            plan = _plan_one(root, source, max_bytes, existing, hashes, plans, reader)
        except SouseiError as exc:
            refused.append(RefusedFile(source, str(exc)))
            continue
        if plan.status == "added":
            twin = texts.find(plan.text_digest)
            if twin is not None:  # other bytes, the same text: the build would index it once, under the other
                plan = _Plan(plan.source, plan.name, plan.data, plan.digest, "duplicate", twin, plan.text_digest)
        plans.append(plan)
        hashes.setdefault(plan.digest, plan.name)
        if plan.status == "added":
            texts.add(plan.text_digest, plan.name)
    return plans, refused


class _TextHashes:
    """The cleaned-text hash of each corpus article, read (through the reads cache) only when a new
    file is not a byte copy; a corpus file that cannot be read has none."""

    def __init__(self, existing: dict[str, Path], reader: Reader) -> None:
        self._existing, self._reader = existing, reader
        self._hashes: dict[str, str] | None = None

    def _all(self) -> dict[str, str]:
        if self._hashes is None:
            self._hashes = {}
            for name, path in self._existing.items():  # sorted by name, as the build keeps the first of twins
                try:
                    _raw, cleaned = self._reader.read(path, name).unwrap()
                except (SouseiError, OSError):
                    continue
                self._hashes.setdefault(_text_digest(cleaned.paragraphs), name)
        return self._hashes

    def find(self, digest: str) -> str | None:
        return self._all().get(digest) if digest else None

    def add(self, digest: str, name: str) -> None:
        if digest:
            self._all().setdefault(digest, name)


def _text_digest(paragraphs: list[tuple[str, int | None]]) -> str:
    """The hash ``ingest.pipeline`` compares to index identical content once (the article's text)."""
    return sha256_hex("\n\n".join(text for text, _page in paragraphs))


def _plan_one(
    root: Path,
    source: Path,
    max_bytes: int,
    existing: dict[str, Path],
    hashes: dict[str, str],
    planned: list[_Plan],
    reader: Reader,
) -> _Plan:
    name = safe_name(source.name)
    _check_kind(source)
    _check_extension(source, name)
    _check_size(source, max_bytes)
    data, digest, text_digest = _read_validated(source, max_bytes, reader)
    _check_destination(root, name)
    _check_normalised_clash(root, name)
    _check_stale_sidecar(root, name)
    status = _status_against_existing(root, name, digest, existing, planned)
    duplicate_of = hashes.get(digest)
    if duplicate_of == name:
        duplicate_of = None
    elif duplicate_of is not None and status == "added":
        status = "duplicate"
    return _Plan(source, name, data, digest, status, duplicate_of, text_digest)


def _check_extension(source: Path, name: str) -> None:
    extension = Path(name).suffix.lower()
    if extension not in SUPPORTED_EXTENSIONS:
        raise SouseiError(
            f"{shown_name(source)}：不支援的檔案類型 {repr(extension) if extension else '（無副檔名）'}；"
            f"請加入以下類型之一：{', '.join(SUPPORTED_EXTENSIONS)}"
        )


def unsupported_type(source: Path) -> str | None:
    """The refusal :func:`add_files` gives a file of a type it does not read (the UI says it as soon as
    such a file is chosen); None for a supported type."""
    try:
        _check_extension(source, safe_name(source.name))
    except SouseiError as exc:
        return str(exc)
    return None


def _check_kind(source: Path) -> None:
    """Refuse what is not a regular file itself: a symbolic link (never followed: a link planted among
    the files to add could copy any file this user can read into the corpus, where it is quoted), a
    folder, a device, FIFO or socket. The file's own name is what counts; a folder on the way that is
    a link (``/tmp`` on macOS) does not matter, and a hard link is the file itself."""
    try:
        info = source.lstat()
    except OSError as exc:
        raise SouseiError(f"{shown_name(source)}：無法讀取（{exc.strerror or exc}）；請檢查路徑") from None
    if stat.S_ISLNK(info.st_mode):
        raise SouseiError(
            f"{shown_name(source)}：是符號連結（指向 {_link_target(source)}），"
            "sousei 不會跟著連結加入檔案；請直接加入檔案本身"
        )
    if stat.S_ISDIR(info.st_mode):
        raise SouseiError(
            f"{shown_name(source)}：是資料夾，不是文章檔案；sousei add 只收檔案，"
            f"請列出裡面要加入的檔案（例如 sousei add {shown(str(source))}/*.txt）"
        )
    if not stat.S_ISREG(info.st_mode):
        raise SouseiError(f"{shown_name(source)}：不是一般檔案（裝置、FIFO 或 socket）；請提供文章檔案")


def _link_target(link: Path) -> str:
    """Where a link points, as written in it (shown: :func:`shown`)."""
    try:
        return shown(os.readlink(link))
    except OSError:
        return "無法讀取的位置"


def _check_size(source: Path, max_bytes: int) -> None:
    try:
        info = source.lstat()  # not a link (_check_kind)
    except OSError as exc:
        raise SouseiError(f"{shown_name(source)}：無法讀取（{exc.strerror or exc}）；請檢查路徑") from None
    if not stat.S_ISREG(info.st_mode):
        raise SouseiError(f"{shown_name(source)}：不是一般檔案（裝置、FIFO、socket、資料夾或連結）；請提供文章檔案")
    size = info.st_size
    if size > max_bytes:
        raise SouseiError(
            f"{shown_name(source)}：有 {_megabytes(size)}，超過上傳上限 {_megabytes(max_bytes)}；"
            "請分割文章，或提高上限（max_upload_mb）"
        )


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"  # MiB, as max_upload_mb is counted


def _read_validated(source: Path, max_bytes: int, reader: Reader) -> tuple[bytes, str, str]:
    """Load and clean the file within the limits (raises ``LoadError`` naming it), then read
    the same bytes; returns them, their hash and the hash of the cleaned text."""
    raw, cleaned = reader.read(source, shown_name(source)).unwrap()
    if not cleaned.paragraphs:
        raise LoadError(
            f"{shown_name(source)}：清理後沒有剩下任何文字（每一行都像頁首、頁尾或頁碼）；"
            "這是文章嗎？請修正內容，或把文字存成 .txt 檔加入"
        )
    passages = sum(max(1, len(text) // DEFAULT_MAX_CHARS) for text, _page in cleaned.paragraphs)
    if passages > reader.limits.passages:
        raise over_limit(shown_name(source), f"會切出超過 {passages:,} 個片段", "passages", reader.limits.passages)
    try:  # never through a link, even one put in the file's place since it was checked
        with os.fdopen(os.open(source, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)), "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise LoadError(f"{shown_name(source)}：無法讀取（{exc.strerror or exc}）；請檢查檔案權限") from None
    digest = sha256_hex(data)
    if digest != raw.content_hash or len(data) > max_bytes:
        raise SouseiError(f"{shown_name(source)}：加入時檔案被改動了；請再試一次")
    return data, digest, _text_digest(cleaned.paragraphs)


def _check_destination(root: Path, name: str) -> None:
    destination = root / name
    if destination.resolve().parent != root or destination.is_dir():
        raise SouseiError(f"{name}：文章資料夾裡已有同名的連結或資料夾，指向別處；請把檔案改名，或整理文章資料夾")


def _check_normalised_clash(root: Path, name: str) -> None:
    """Refuse a name that equals an existing one after NFC normalisation but not byte for byte
    (two articles whose ids look identical)."""
    for existing in root.iterdir():
        if existing.name != name and unicodedata.normalize("NFC", existing.name) == name:
            raise SouseiError(
                f"{name}：文章資料夾裡已有 {existing.name!r}，是同一個名稱的另一種 Unicode 正規化寫法；"
                f"請先移除舊文章（sousei remove {Path(existing.name).stem}），或把新檔案改名"
            )


def _check_stale_sidecar(root: Path, name: str) -> None:
    """A metadata file left without its article would give its title to a new file of that name."""
    sidecar = root / (name + SIDECAR_SUFFIX)
    if os.path.lexists(sidecar) and not os.path.lexists(root / name):
        raise SouseiError(
            f"{name}：文章資料夾裡留有先前同名文章的資料檔 {sidecar.name}；請刪除它（或把新檔案改名）後再加入"
        )


def _status_against_existing(
    root: Path, name: str, digest: str, existing: dict[str, Path], planned: list[_Plan]
) -> str:
    """ "added", "unchanged" (identical file present), or refuse a clash of name or doc id."""
    same_name = [plan.digest for plan in planned if plan.name == name]
    if name in existing:
        same_name.append(sha256_file(existing[name]))
    if same_name:
        if all(other == digest for other in same_name):
            return "unchanged"
        raise SouseiError(
            f"{name}：文章資料夾裡已有內容不同的同名檔案；請把新檔案改名，"
            f"或先移除舊文章（sousei remove {Path(name).stem}）"
        )
    stem = Path(name).stem
    clashes = sorted(
        {n for n in existing if Path(n).stem == stem} | {p.name for p in planned if Path(p.name).stem == stem}
    )
    if clashes:
        raise SouseiError(
            f"{name}：文章代號 {stem!r} 已被 {', '.join(clashes)} 使用；請把新檔案改名，"
            f"或先移除舊文章（sousei remove {stem}）"
        )
    return "added"


def _commit(root: Path, plan: _Plan) -> AddedFile:
    destination = root / plan.name
    if plan.status == "duplicate" and plan.duplicate_of:
        destination = root / plan.duplicate_of
    if plan.status == "added":
        _write_new_file(root, destination, plan.data)
    return AddedFile(source=plan.source, path=destination, status=plan.status, duplicate_of=plan.duplicate_of)


def _write_new_file(root: Path, destination: Path, data: bytes) -> None:
    """Temp file in the corpus (hidden, so never listed), fsync, then link it to the final
    name, which fails instead of replacing a file that appeared meanwhile."""
    temporary = root / f".{destination.name}.{uuid.uuid4().hex[:12]}.tmp"
    try:
        with open(temporary, "xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        _link_without_overwrite(temporary, destination)
        _fsync_directory(root)
    except FileExistsError:
        raise SouseiError(f"{destination.name}：同時有另一個同名檔案被加入；請檢查文章資料夾後再試一次") from None
    except OSError as exc:
        raise SouseiError(
            f"{destination.name}：無法寫入文章資料夾（{exc.strerror or exc}）；請檢查剩餘空間與權限"
        ) from None
    finally:
        temporary.unlink(missing_ok=True)


def _link_without_overwrite(temporary: Path, destination: Path) -> None:
    try:
        os.link(temporary, destination)
    except FileExistsError:
        raise
    except OSError:  # file systems without hard links: best effort, checked just before
        if destination.exists():
            raise FileExistsError(destination) from None
        os.replace(temporary, destination)


def _fsync_directory(directory: Path) -> None:
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return  # not supported on this platform; the data itself is already synced
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


# ---------------------------------------------------------------- remove


TRASH_DIR = ".trash"
OLDER_DIR = "older"  # inside the trash: earlier removals of a name removed again
REMOVED_NOTE_SUFFIX = ".removed.json"  # beside a trashed file: its title and when it was removed
REMOVED_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"  # to the second: two removals a minute apart read alike


def older_dir(corpus_dir: Path) -> Path:
    return trash_dir(corpus_dir) / OLDER_DIR


def trash_dir(corpus_dir: Path) -> Path:
    return Path(corpus_dir) / TRASH_DIR


def _find_article(corpus_dir: Path, doc_id: str) -> Path:
    """The article file whose id (file name without extension) or whole file name is ``doc_id``;
    refused when none is, or when it names more than one file."""
    files = corpus_files(Path(corpus_dir))
    matches = [path for path in files if doc_id in (path.stem, path.name)]
    if not matches:
        known = ", ".join(path.stem for path in files[:20]) or "（文章資料夾是空的）"
        raise SouseiError(
            f"{corpus_dir} 裡沒有代號為 {doc_id!r} 的文章；代號是文章檔名去掉副檔名（文章清單會列出）：{known}"
        )
    if len(matches) > 1:
        names = ", ".join(path.name for path in matches)
        raise SouseiError(f"代號 {doc_id!r} 對應到好幾個檔案（{names}）；請自行移走你要移除的那一個")
    return matches[0]


def article_id(corpus_dir: Path, given: str) -> str:
    """The id of the article ``given`` names by its id or its file name (``000_52ed….txt``); a
    ``SouseiError`` listing the ids when it names none, or more than one."""
    return _find_article(corpus_dir, given).stem


def remove_article(corpus_dir: Path, doc_id: str, *, title: str | None = None) -> Path:
    """Move the article file whose name without extension is ``doc_id``, and its sidecar, to
    ``corpus/.trash/`` (``restore_article`` brings them back). Returns the trashed file.
    A note beside it (``NAME.EXT.removed.json``) keeps ``title`` (the indexed title, when the
    caller knows it) and the time of removal, for the trash listing (:func:`trash_entries`).

    Removing never destroys an earlier removal: the trash holds one restorable file per name
    (the most recently removed), and a file already trashed under that name is first moved,
    with its sidecar, to ``corpus/.trash/older/<stem>.<time it was moved>.<ext>`` (a
    numbered suffix if that exists). The trash listing shows those older copies too, each
    restorable by its id ``<stem>.<time>`` (:func:`restore_article`)."""
    article = _find_article(corpus_dir, doc_id)
    sidecar = article.with_name(article.name + SIDECAR_SUFFIX)
    trash = trash_dir(corpus_dir)
    target = trash / article.name
    try:
        trash.mkdir(exist_ok=True)
        if os.path.lexists(target) or os.path.lexists(target.with_name(target.name + SIDECAR_SUFFIX)):
            _keep_older(corpus_dir, target)
        if sidecar.exists():
            os.replace(sidecar, trash / sidecar.name)
        os.replace(article, target)
    except OSError as exc:
        raise SouseiError(f"{article.name}：無法移到 {trash}（{exc.strerror or exc}）；請檢查權限") from None
    _write_removal_note(target, title)
    return target


def _note_path(trashed: Path) -> Path:
    return trashed.with_name(trashed.name + REMOVED_NOTE_SUFFIX)


def _write_removal_note(trashed: Path, title: str | None) -> None:
    """The title and removal time beside a trashed file; only a label, so a failed write is no failure."""
    note = {"title": " ".join(title.split()) if title else None, "removed_at": time.time()}
    try:
        atomic_write_text(_note_path(trashed), json.dumps(note, ensure_ascii=False) + "\n")
    except OSError:
        pass  # the trash listing then shows the sidecar's title (or the id) and the file's time


def _keep_older(corpus_dir: Path, trashed: Path) -> Path:
    """Move a trashed file (and its sidecar) to ``older/`` under a name no other file has."""
    older = older_dir(corpus_dir)
    older.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    number = 1
    while True:
        suffix = stamp if number == 1 else f"{stamp}-{number}"
        kept = older / f"{trashed.stem}.{suffix}{trashed.suffix}"
        kept_sidecar = kept.with_name(kept.name + SIDECAR_SUFFIX)
        if not os.path.lexists(kept) and not os.path.lexists(kept_sidecar):
            break
        number += 1
    sidecar = trashed.with_name(trashed.name + SIDECAR_SUFFIX)
    if os.path.lexists(sidecar):
        os.replace(sidecar, kept_sidecar)
    if os.path.lexists(_note_path(trashed)):
        os.replace(_note_path(trashed), _note_path(kept))
    if os.path.lexists(trashed):
        os.replace(trashed, kept)
    return kept


def trashed_articles(corpus_dir: Path) -> list[Path]:
    """Article files in the trash folder, sorted by name (the latest removal of each name)."""
    return _article_files(trash_dir(corpus_dir))


def older_articles(corpus_dir: Path) -> list[Path]:
    """Earlier removals kept in ``older/`` (``<stem>.<time>.<ext>``), sorted by name."""
    return [path for path in _article_files(older_dir(corpus_dir)) if _OLDER_STAMP.search(path.stem)]


def _article_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.iterdir() if p.is_file() and not p.is_symlink() and p.suffix.lower() in SUPPORTED_EXTENSIONS
    )


_OLDER_STAMP = re.compile(r"\.(\d{8}-\d{6})(?:-\d+)?$")  # the time _keep_older adds to an older copy's stem


def _older_article_id(older_id: str) -> str:
    """``uchiko.20240501-123000`` (an older copy's id) -> ``uchiko`` (the article it was)."""
    return _OLDER_STAMP.sub("", older_id)


@dataclass(frozen=True)
class TrashedArticle:
    """A removed article the trash can restore, with what a person recognises it by."""

    doc_id: str
    path: Path
    title: str | None  # the indexed title when it was removed (or its sidecar's), None if unknown
    removed_at: float  # when it was moved to the trash (seconds since the epoch)
    older: bool = False  # an earlier removal kept in older/: doc_id is then ``<stem>.<time>``

    @property
    def article_id(self) -> str:
        """The id the article has in the corpus once restored (``doc_id`` without an older copy's time)."""
        return _older_article_id(self.doc_id) if self.older else self.doc_id

    @property
    def removed(self) -> str:
        """When it was removed, "2024-05-01 12:30:07" (local time)."""
        return time.strftime(REMOVED_TIME_FORMAT, time.localtime(self.removed_at))

    @property
    def label(self) -> str:
        """``title（doc_id，removed 移除）``, for an older copy ``title（doc_id，removed 移除，較舊的版本）``:
        the UI's trash list and ``sousei restore`` show this (the first item in the brackets, always
        there, is what restore takes; an article without a title is shown by its id)."""
        older = "，較舊的版本" if self.older else ""
        return f"{self.title or self.article_id}（{self.doc_id}，{self.removed} 移除{older}）"


def trash_entries(corpus_dir: Path) -> list[TrashedArticle]:
    """The restorable articles in the trash, the older copies of a name removed again included, most
    recently removed first."""
    entries = [_trash_entry(path) for path in trashed_articles(corpus_dir)]
    entries += [_trash_entry(path, older=True) for path in older_articles(corpus_dir)]
    return sorted(entries, key=lambda e: (-e.removed_at, e.doc_id))


def _trash_entry(path: Path, *, older: bool = False) -> TrashedArticle:
    note = _read_json_object(_note_path(path))
    title = note.get("title") or _read_json_object(path.with_name(path.name + SIDECAR_SUFFIX)).get("title")
    removed_at = note.get("removed_at")
    if not isinstance(removed_at, (int, float)) or isinstance(removed_at, bool):
        removed_at = _file_time(path)
    title = " ".join(title.split()) if isinstance(title, str) else None
    return TrashedArticle(path.stem, path, title, removed_at, older)


def _file_time(path: Path) -> float:
    """When a trashed file without its note was moved there: its change time (moving sets it)."""
    try:
        return path.stat().st_ctime
    except OSError:
        return 0.0


def _read_json_object(path: Path) -> dict:
    """A small JSON object file (a note or sidecar beside a trashed file); {} when absent or unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def restore_article(corpus_dir: Path, doc_id: str) -> Path:
    """Move a removed article (and its sidecar) from the trash back into the corpus. ``doc_id`` is an
    article's id (its latest removal: the trash's copy, else the newest in ``older/``) or an older
    copy's id ``<stem>.<time>`` as the trash listing shows it."""
    entry = _entry_to_restore(corpus_dir, doc_id)
    source = entry.path
    destination = Path(corpus_dir) / (entry.article_id + source.suffix)
    article_id = entry.article_id
    if destination.exists() or any(p.stem == article_id for p in corpus_files(Path(corpus_dir))):
        raise SouseiError(
            f"{destination.name}：文章資料夾裡已有代號為 {article_id!r} 的文章；要換成回收區裡的 {entry.label}，"
            f"請先移除它（sousei remove {article_id}）再還原"
        )
    sidecar = source.with_name(source.name + SIDECAR_SUFFIX)
    try:
        _link_without_overwrite(source, destination)
        source.unlink(missing_ok=True)
        if sidecar.exists():
            os.replace(sidecar, destination.with_name(destination.name + SIDECAR_SUFFIX))
        _note_path(source).unlink(missing_ok=True)
    except FileExistsError:
        raise SouseiError(f"{destination.name}：已在文章資料夾裡；請先移除或改名") from None
    except OSError as exc:
        raise SouseiError(f"{source.name}：無法還原（{exc.strerror or exc}）；請檢查權限") from None
    return destination


def _entry_to_restore(corpus_dir: Path, doc_id: str) -> TrashedArticle:
    """The trash entry ``doc_id`` names: the entry with that id, else the newest older copy of that
    article; an id the trash lacks is refused with the list of what it holds."""
    entries = trash_entries(corpus_dir)
    named = [e for e in entries if e.doc_id == doc_id and not e.older] or [e for e in entries if e.doc_id == doc_id]
    if not named:  # entries are newest first: the latest older copy of the article
        named = [e for e in entries if e.older and e.article_id == doc_id]
    if not named:
        known = "\n".join(f"- {e.label}" for e in entries[:20]) or "（回收區是空的）"
        raise SouseiError(f"{trash_dir(corpus_dir)} 裡沒有代號為 {doc_id!r} 的已移除文章；回收區裡的文章：\n{known}")
    return named[0]


MAX_META_CHARS = 300
_META_LABELS = {"title": "標題", "author": "作者", "published": "日期"}


# A date as a person writes one: 2021, 2021-10, 2021-10-29 (or with / or .), 2021年10月29日.
_DATE = re.compile(r"^(\d{4})(?:[-/.年](\d{1,2})(?:[-/.月](\d{1,2})日?|月)?|年)?$")


def valid_date(text: str) -> bool:
    """Whether ``text`` is a year, a year and month, or a calendar date that exists."""
    match = _DATE.match(text)
    if not match:
        return False
    year, month, day = (int(part) if part else 1 for part in match.groups())
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


def edit_metadata(corpus_dir: Path, doc_id: str, *, title: str, author: str, published: str) -> Path:
    """Write title / author / date of an article to its sidecar (empty values are left out); a date
    must be one (:func:`valid_date`)."""
    from ingest.metadata import sidecar_path

    article = _find_article(corpus_dir, doc_id)
    values = {"title": title, "author": author, "published": published}
    cleaned = {}
    for key, value in values.items():
        value = " ".join(str(value or "").split())  # one line: no control characters or newlines
        if len(value) > MAX_META_CHARS:
            raise SouseiError(f"{_META_LABELS[key]}（{key}）：最多 {MAX_META_CHARS} 字（目前 {len(value)} 字）；請縮短")
        if key == "published" and value and not valid_date(value):
            raise SouseiError(f"{_META_LABELS[key]}「{value}」不是日期；請寫成 2021-10-29、2021-10 或 2021，或留空")
        if value:
            cleaned[key] = value
    path = sidecar_path(article)
    try:
        atomic_write_text(path, json.dumps(cleaned, ensure_ascii=False, indent=2) + "\n")
    except OSError as exc:
        raise SouseiError(f"{path.name}：無法寫入（{exc.strerror or exc}）；請檢查權限") from None
    return path


# ---------------------------------------------------------------- corpus and index in step


DIGESTS_FILE = "digests.json"  # under the index's cache folder: the corpus files' digests (out_of_step)
_DIGESTS = DigestCache()  # in memory, when the caller gives no cache of its own


REBUILD_HINT = "請執行 sousei build 重建索引"  # how OutOfStep.describe says to fix it on the command line


@dataclass(frozen=True)
class OutOfStep:
    """How the corpus and its index disagree: files in the corpus the last build did not index (an add
    killed before its rebuild, a file copied in by hand, a refused file since changed), indexed articles
    whose file's bytes are no longer those indexed (edited in place), and indexed articles whose file is
    no longer in the corpus."""

    not_indexed: tuple[str, ...]  # corpus file names
    gone: tuple[str, ...]  # doc ids
    changed: tuple[str, ...] = ()  # corpus file names of indexed articles

    def __bool__(self) -> bool:
        return bool(self.not_indexed or self.gone or self.changed)

    def describe(self, fix: str = REBUILD_HINT) -> str:
        """One line for the user, ending with how to fix it (``fix``: the UI names its rebuild button)."""
        parts = []
        if self.not_indexed:
            parts.append(f"{len(self.not_indexed)} 個檔案還沒建立索引（{_listed(self.not_indexed)}）")
        if self.changed:
            parts.append(f"{len(self.changed)} 個檔案的內容在建立索引後改變了（{_listed(self.changed)}）")
        if self.gone:
            parts.append(f"索引裡有 {len(self.gone)} 篇文章已不在文章資料夾中（{_listed(self.gone)}）")
        return "文章資料夾與索引不一致：" + "；".join(parts) + "；" + fix


def _listed(names: tuple[str, ...], shown_at_most: int = 5) -> str:
    head = "、".join(shown(name) for name in names[:shown_at_most])
    return head + (f" 等 {len(names)} 個" if len(names) > shown_at_most else "")


@dataclass(frozen=True)
class _Built:
    """What the last build's manifest says of the corpus files."""

    indexed: dict[str, str]  # corpus file name -> sha256 of the bytes indexed
    ids: dict[str, str]  # doc id -> sha256, for an article entry that names no file
    doc_ids: frozenset[str]  # every indexed article
    twins: frozenset[str]  # files kept once: another file has their text
    refused: dict[str, str] | None  # file name -> sha256 of its bytes; None in a manifest from before
    time: float  # the manifest's modification time


def _read_built(index_dir: Path) -> _Built | None:
    """The manifest (``index_dir/manifest.json``) as :func:`out_of_step` reads it; None when unreadable."""
    path = Path(index_dir) / "manifest.json"
    try:
        built = path.stat().st_mtime
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = [(str(e["doc_id"]), e.get("source"), str(e["content_hash"])) for e in data["articles"]]
        twins = frozenset(str(pair[0]) for pair in data.get("duplicates", ()))
        refused = {str(name): str(digest) for name, digest in data["refused"]} if "refused" in data else None
    except (OSError, ValueError, RecursionError, KeyError, TypeError, IndexError, AttributeError):
        return None
    indexed = {str(source): digest for _doc_id, source, digest in entries if source}
    ids = {doc_id: digest for doc_id, source, digest in entries if not source}
    return _Built(indexed, ids, frozenset(doc_id for doc_id, _source, _digest in entries), twins, refused, built)


def out_of_step(corpus_dir: Path, index_dir: Path, *, digests: DigestCache | None = None) -> OutOfStep:
    """The corpus against the index's manifest (``index_dir/manifest.json``), by the files' bytes: a
    corpus file is not indexed unless the manifest indexes it, or keeps it once as a twin or records it
    as refused with these very bytes (a refused file fixed since, or a twin edited since, is not indexed;
    a twin of a manifest that recorded no bytes for it is taken as it is); an indexed file
    whose bytes differ from the manifest's ``content_hash`` is changed. A manifest written before
    builds recorded their refused files falls back to the files' times: a file neither indexed nor a
    twin is not indexed only when written after the manifest. The digests come from ``digests``
    (the CLI gives one kept in the index's cache folder, :data:`DIGESTS_FILE`), by default from one
    kept in memory: a file whose stat has not changed is not read again. Nothing when there is no
    readable index or corpus."""
    built = _read_built(index_dir)
    if built is None:
        return OutOfStep((), ())
    try:
        files = corpus_files(Path(corpus_dir))
    except (OSError, SouseiError):
        return OutOfStep((), ())
    cache = digests if digests is not None else _DIGESTS
    states = [(path.name, _file_state(path, built, cache)) for path in files]
    cache.keep_only(files)
    cache.save()
    present = {path.stem for path in files}
    return OutOfStep(
        tuple(name for name, state in states if state == "not indexed"),
        tuple(sorted(built.doc_ids - present)),
        tuple(name for name, state in states if state == "changed"),
    )


def _file_state(path: Path, built: _Built, cache: DigestCache) -> str | None:
    """``"not indexed"``, ``"changed"`` or None (in step) for one corpus file."""
    indexed = built.indexed.get(path.name, built.ids.get(path.stem))
    if indexed is not None:
        return None if (cache.digest(path) or "") == indexed else "changed"
    if path.name in built.twins:  # kept once: its bytes are recorded with the refused since twins were
        recorded = (built.refused or {}).get(path.name)
        return None if recorded is None or (cache.digest(path) or "") == recorded else "not indexed"
    if built.refused is None:  # a manifest from before refused files were recorded: by time
        try:
            return "not indexed" if path.stat().st_mtime >= built.time else None
        except OSError:
            return None
    if path.name in built.refused and (cache.digest(path) or "") == built.refused[path.name]:
        return None
    return "not indexed"
