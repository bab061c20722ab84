"""ingest.fileio: the one atomic writer, hasher and JSON-lines reader."""

from __future__ import annotations

import hashlib
import stat

import numpy as np
import pytest

from ingest.fileio import TEMP_GLOB, atomic_write, atomic_write_text, read_jsonl, sha256_file, sha256_hex


def test_atomic_write_replaces_whole_and_is_readable_by_others(tmp_path):
    path = tmp_path / "a.json"
    path.write_text("old", encoding="utf-8")
    atomic_write_text(path, "新的內容\n")
    assert path.read_text(encoding="utf-8") == "新的內容\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temp(tmp_path):
    path = tmp_path / "cache.npz"
    path.write_bytes(b"old")

    def half_then_fail(handle):
        handle.write(b"half")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        atomic_write(path, half_then_fail)
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["cache.npz"]


def test_atomic_write_takes_any_binary_writer(tmp_path):
    path = tmp_path / "v.npz"
    atomic_write(path, lambda handle: np.savez(handle, vectors=np.eye(2, dtype=np.float32)), durable=False)
    assert np.array_equal(np.load(path)["vectors"], np.eye(2))


def test_temp_glob_matches_what_a_killed_write_leaves(tmp_path):
    leftover = tmp_path / ".v.npz.k1ll3d.tmp"  # mkstemp(prefix=".v.npz.", suffix=".tmp")
    leftover.write_bytes(b"half")
    (tmp_path / "v.npz").write_bytes(b"kept")
    assert list(tmp_path.glob(TEMP_GLOB)) == [leftover]


def test_hashes(tmp_path):
    data = "地方創生".encode()
    (tmp_path / "f").write_bytes(data * 300_000)  # more than one 1 MB block
    assert sha256_hex("地方創生") == sha256_hex(data) == hashlib.sha256(data).hexdigest()
    assert sha256_file(tmp_path / "f") == hashlib.sha256(data * 300_000).hexdigest()


def test_read_jsonl_skips_blank_lines_and_names_a_bad_one(tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_text('{"id": "a"}\n\n{"id": "b"}\n', encoding="utf-8")
    assert read_jsonl(path) == [{"id": "a"}, {"id": "b"}]
    path.write_text('{"id": "a"}\n{oops\n', encoding="utf-8")
    with pytest.raises(ValueError, match="q.jsonl:2"):
        read_jsonl(path)
