"""Small file helpers used across the packages: atomic writes, hashing, JSON lines.

Each of these is the one implementation in sousei: write a file that readers see whole or not at
all with :func:`atomic_write` (text, bytes or anything written to a binary handle, e.g.
``np.savez``), hash with :func:`sha256_hex` / :func:`sha256_file`, read JSON lines with
:func:`read_jsonl`; remember files' digests by their stat with :class:`DigestCache`.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

FILE_MODE = 0o644  # what a plain open() makes under the usual umask (mkstemp alone gives 0o600)
BLOCK = 1 << 20
TEMP_GLOB = ".*.tmp"  # what an interrupted atomic_write leaves beside its target (a killed process)


def atomic_write(
    path: Path, write: Callable[[IO[bytes]], object], *, durable: bool = True, mode: int = FILE_MODE
) -> None:
    """Write ``path`` through ``write(handle)`` so that readers see the old file or the new one,
    never half: a hidden temporary file beside it (flushed to disk when ``durable``), then renamed
    over it. On any error the temporary file is removed, the old file is untouched, and the error
    is raised."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_bytes(path: Path, data: bytes, *, durable: bool = True, mode: int = FILE_MODE) -> None:
    """:func:`atomic_write` of ``data``."""
    atomic_write(path, lambda handle: handle.write(data), durable=durable, mode=mode)


def atomic_write_text(
    path: Path, text: str, encoding: str = "utf-8", *, durable: bool = True, mode: int = FILE_MODE
) -> None:
    """:func:`atomic_write` of ``text``."""
    atomic_write_bytes(path, text.encode(encoding), durable=durable, mode=mode)


def sha256_hex(data: bytes | str) -> str:
    """sha256 of ``data`` (a string is hashed as UTF-8), as 64 hex digits."""
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def sha256_file(path: Path) -> str:
    """sha256 of a file's bytes, read in 1 MB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()


def iter_jsonl(path: Path) -> Iterator[Any]:
    """JSON objects, one per non-blank line, read as a stream (a large index file is never held
    whole); a bad line raises ValueError naming it."""
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path}:{number}: not a JSON object ({exc.msg})") from exc


def read_jsonl(path: Path) -> list[Any]:
    """All of :func:`iter_jsonl` as a list."""
    return list(iter_jsonl(path))


Signature = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode: what a change of the bytes changes
RACY_SECONDS = 2.0  # a file changed this recently may change again within its timestamps' granularity


def file_signature(info: os.stat_result) -> Signature:
    """What a file's stat says of its bytes: an edit changes the change time (ctime) even when its size
    stays and its modification time is set back (``touch -r``, ``cp -p`` over it), so ctime is in it too."""
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


class DigestCache:
    """The sha256 of files' bytes (:func:`sha256_file`), remembered by path and :func:`file_signature`, so
    a file that has not changed is not read again. In memory, and in ``file`` (a JSON object, best
    effort: a missing, damaged or unwritable file only costs reading the files again) when given. A file
    changed within the last :data:`RACY_SECONDS` is hashed but not remembered: a second write in the same
    timestamp tick would keep its signature."""

    def __init__(self, file: Path | None = None) -> None:
        self.file = file
        self._entries: dict[str, tuple[Signature, str]] = self._load(file) if file is not None else {}
        self._changed = False

    def digest(self, path: Path) -> str | None:
        """The sha256 of ``path``'s bytes, or None when it cannot be read."""
        key = str(Path(path).absolute())
        try:
            signature = file_signature(os.stat(path))
            known = self._entries.get(key)
            if known is not None and known[0] == signature:
                return known[1]
            digest = sha256_file(path)
            after = file_signature(os.stat(path))
        except OSError:
            return None
        settled = max(after[1], after[2]) < time.time_ns() - int(RACY_SECONDS * 1e9)
        if after == signature and settled:
            self._entries[key] = (signature, digest)
            self._changed = True
        return digest

    def keep_only(self, paths: Iterable[Path]) -> None:
        """Forget every file but ``paths`` (those gone from the corpus)."""
        wanted = {str(Path(path).absolute()) for path in paths}
        for key in [key for key in self._entries if key not in wanted]:
            del self._entries[key]
            self._changed = True

    def save(self) -> None:
        """Write the remembered digests to ``file`` when any changed (best effort)."""
        if self.file is None or not self._changed:
            return
        rows = {key: [*signature, digest] for key, (signature, digest) in self._entries.items()}
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(self.file, json.dumps(rows, ensure_ascii=False), durable=False)
        except OSError:
            return
        self._changed = False

    @staticmethod
    def _load(file: Path) -> dict[str, tuple[Signature, str]]:
        try:
            rows = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError, RecursionError):
            return {}
        entries: dict[str, tuple[Signature, str]] = {}
        for key, row in rows.items() if isinstance(rows, dict) else ():
            if isinstance(row, list) and len(row) == 5 and all(type(v) is int for v in row[:4]):
                if isinstance(row[4], str) and len(row[4]) == 64:
                    entries[key] = ((row[0], row[1], row[2], row[3]), row[4])
        return entries
