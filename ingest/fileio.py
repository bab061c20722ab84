"""Small file helpers used across the packages: atomic writes, hashing, JSON lines.

Each of these is the one implementation in sousei: write a file that readers see whole or not at
all with :func:`atomic_write` (text, bytes or anything written to a binary handle, e.g.
``np.savez``), hash with :func:`sha256_hex` / :func:`sha256_file`, read JSON lines with
:func:`read_jsonl`.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterator
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
