"""Issue 14: hostile environments and inputs around the index. Read-only and full disks (real
mounts in a private mount namespace), reading without locks, questions that never wait for a
rebuild, the batch CLI's bad lines, and control characters / long titles in text output."""

from __future__ import annotations

import dataclasses
import errno
import io
import json
import sys
import threading
import time
from pathlib import Path

import pytest

from chat.render import TITLE_DISPLAY_MAX, answer_to_text, render_answer, terminal_safe
from index.build import build_index
from index.store import index_paths
from ingest.errors import SouseiError
from tests import hostile_env_support as env
from tests import hostile_files as hf
from tests.fakes import FakeEncoder
from tests.reliability_support import (
    TRACEBACK,
    assert_clean_failure,
    built_setup,
    clone_setup,
    run_cli,
    tiny_model,
    tree_snapshot,
)

QUESTION = "關係人口是什麼？"


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    return built_setup(tmp_path_factory.mktemp("hostile-env-base"), tiny_model(tmp_path_factory))


@pytest.fixture
def world(base, tmp_path):
    return clone_setup(base, tmp_path)


def _lock_files(setup) -> list[str]:
    return sorted(p.name for p in setup.index.parent.iterdir() if p.name.endswith(".lock"))


# --------------------------------------------------------------------------- reading takes no lock


def test_asking_and_listing_create_no_lock_file(world):
    for lock in world.index.parent.glob("*.lock"):
        lock.unlink()
    assert run_cli(world.argv("ask", QUESTION, "--json")).code == 0
    assert run_cli(world.argv("articles", "--json")).code == 0
    assert _lock_files(world) == []


def test_a_question_is_answered_while_a_build_holds_every_lock(world):
    from filelock import FileLock

    paths = index_paths(world.index)
    build_lock, swap_lock = FileLock(str(paths.build_lock)), FileLock(str(paths.swap_lock))
    with build_lock, swap_lock:  # as a running `sousei build` in its swap would
        start = time.monotonic()
        result = run_cli(world.argv("ask", QUESTION, "--json"))
        took = time.monotonic() - start
    assert result.code == 0 and result.json_lines()[0]["passages"], result.err
    assert took < 20


def test_service_questions_never_wait_for_its_own_rebuild(tmp_path, monkeypatch):
    """A rebuild (here blocked inside its ingest) holds the build lock; questions keep being answered
    from the last complete index, and the one after the rebuild sees the new article."""
    import ingest.pipeline
    from chat.config import Config
    from chat.engine import Engine

    corpus = tmp_path / "corpus"
    hf.write_article(corpus, "a.txt")
    engine = Engine(
        Config.load(corpus_dir=corpus, index_dir=tmp_path / "index"), say=lambda _m: None, _encoder=FakeEncoder()
    )
    engine.rebuild()
    entered, release = threading.Event(), threading.Event()
    real = ingest.pipeline.ingest_corpus

    def slow_ingest(*args, **kwargs):
        entered.set()
        assert release.wait(60)
        return real(*args, **kwargs)

    monkeypatch.setattr(ingest.pipeline, "ingest_corpus", slow_ingest)
    hf.write_article(corpus, "b.txt", "北海道夕張市的雪融發電計畫預計每年發電4200萬度。" * 3)
    builder = threading.Thread(target=engine.rebuild)
    builder.start()
    try:
        assert entered.wait(30)
        engine._checked = 0.0
        start = time.monotonic()
        during = engine.answer("地方創生")
        assert time.monotonic() - start < 5
        assert {h.passage.doc_id for h in during.hits} == {"a"}
    finally:
        release.set()
        builder.join(60)
    after = engine.answer("雪融發電")
    assert "b" in {h.passage.doc_id for h in after.hits}


# --------------------------------------------------------------------------- full and read-only disks


def test_a_full_disk_is_one_message_the_old_index_untouched_and_no_temp_left(tmp_path, monkeypatch):
    import index.build as build_module

    corpus = tmp_path / "corpus"
    hf.write_article(corpus, "a.txt")
    index = tmp_path / "state" / "index"
    build_index(corpus, index, FakeEncoder())
    before = tree_snapshot(index)
    hf.write_article(corpus, "b.txt", "北海道夕張市的雪融發電計畫。" * 4)

    def no_space(directory, *args, **kwargs):
        (Path(directory) / "passages.jsonl").write_text("partial")
        raise OSError(errno.ENOSPC, "No space left on device", str(Path(directory) / "vectors.npy"))

    monkeypatch.setattr(build_module, "write_store", no_space)
    with pytest.raises(SouseiError) as caught:
        build_index(corpus, index, FakeEncoder())
    message = str(caught.value)
    assert "No space left on device" in message and str(index.parent) in message and "原本的索引沒有變動" in message
    assert tree_snapshot(index) == before
    assert not index_paths(index).temp_dirs()


def test_a_build_removes_leftovers_of_killed_builds(tmp_path):
    corpus = tmp_path / "corpus"
    hf.write_article(corpus, "a.txt")
    index = tmp_path / "state" / "index"
    build_index(corpus, index, FakeEncoder())
    paths = index_paths(index)
    stale_npz = paths.cache / "embeddings" / ".tmp-killed.npz"
    stale_npz.write_bytes(b"half")
    stale_read = paths.cache / "reads" / ".tmp-killed.json"
    stale_read.write_bytes(b"half")
    killed_writes = [paths.cache / "embeddings" / ".0123abcd.npz.k1ll3d.tmp", paths.cache / "reads" / ".k3y.json.x.tmp"]
    for path in killed_writes:  # what ingest.fileio.atomic_write leaves when killed mid-write
        path.write_bytes(b"half")
    stale_dir = paths.new_temp_dir()
    build_index(corpus, index, FakeEncoder())
    assert not stale_npz.exists() and not stale_read.exists() and not stale_dir.exists()
    assert not any(path.exists() for path in killed_writes)


needs_mounts = pytest.mark.skipif(not env.namespaces_available(), reason="needs unshare -m and tmpfs mounts (root)")


@pytest.mark.slow
@needs_mounts
def test_read_only_index_answers_and_a_build_there_is_one_message(world):
    for lock in world.index.parent.glob("*.lock"):
        lock.unlink()
    report = env.in_namespace(
        {
            "kind": "read_only",
            "state": str(world.index.parent),
            "corpus": str(world.corpus),
            "commands": {
                "ask": world.argv("ask", QUESTION, "--json"),
                "text": world.argv("ask", QUESTION),
                "articles": world.argv("articles", "--json"),
                "build": world.argv("build", "--json"),
            },
        }
    )
    results = report["results"]
    for name in ("ask", "text", "articles"):
        assert results[name]["code"] == 0 and TRACEBACK not in results[name]["err"], results[name]
    assert json.loads(results["ask"]["out"].splitlines()[0])["passages"]
    build = results["build"]
    assert build["code"] == 1 and TRACEBACK not in build["err"], build
    assert "Read-only file system" in build["err"] and str(world.index.parent) in build["err"]
    assert report["state_unchanged"]


@pytest.mark.slow
@needs_mounts
def test_full_disk_add_leaves_corpus_and_index_as_they_were(world, tmp_path):
    small = tmp_path / "small"
    moved = dataclasses.replace(world, index=small / world.index.parent.name / world.index.name)
    new = hf.write_article(tmp_path / "uploads", "new.txt", "北海道夕張市的雪融發電計畫，" * 400 + "。")
    report = env.in_namespace(
        {
            "kind": "full_disk",
            "state": str(world.index.parent),
            "corpus": str(world.corpus),
            "mount_at": str(small),
            "slack_bytes": 16 * 1024,
            "commands": {"add": moved.argv("add", str(new), "--json")},
        }
    )
    add = report["results"]["add"]
    assert add["code"] == 1 and TRACEBACK not in add["err"], add
    assert "No space left on device" in add["err"] and str(small) in add["err"], add["err"]
    assert report["after"]["corpus"] == report["before"]["corpus"]  # the new file was withdrawn
    index_name = world.index.name
    old = {k: v for k, v in report["before"]["state"].items() if k.startswith(index_name + "/")}
    assert {k: v for k, v in report["after"]["state"].items() if k.startswith(index_name + "/")} == old
    assert report["temps"] == []


# --------------------------------------------------------------------------- the batch CLI


def test_batch_bad_lines_get_error_objects_and_the_batch_goes_on(world, tmp_path):
    lines = [
        json.dumps({"id": "ok1", "q": "地方創生"}),
        "{not json",
        json.dumps({"id": "null", "q": None}),
        json.dumps({"id": "list", "q": ["a", "b"]}),
        json.dumps({"id": "num", "q": 5}),
        "[1, 2]",
        json.dumps({"id": "noq"}),
        "[" * 50_000 + "]" * 50_000,
        json.dumps({"id": "ok2", "q": "關係人口"}),
    ]
    batch = tmp_path / "batch.jsonl"
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_cli(world.argv("ask", "--batch", str(batch), "--json"))
    assert result.code == 1 and TRACEBACK not in result.err
    rows = result.json_lines()
    assert [row["id"] for row in rows] == ["ok1", "2", "null", "list", "num", "6", "noq", "8", "ok2"]
    errors = {row["id"]: row["error"] for row in rows if "error" in row}
    assert set(errors) == {"2", "null", "list", "num", "6", "noq", "8"}
    assert "must be a string" in errors["null"] and "must be a string" in errors["list"]
    assert all("found" in row for row in rows if "error" not in row)
    assert "batch.jsonl:2" in result.err


def test_batch_reads_stdin_with_a_dash(world, monkeypatch):
    data = (json.dumps({"id": 1, "q": "地方創生"}) + "\n").encode("utf-8")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    result = run_cli(world.argv("ask", "--batch", "-", "--json"))
    assert result.code == 0, result.err
    (row,) = result.json_lines()
    assert row["id"] == "1" and "found" in row


def test_non_utf8_batch_is_one_clear_message(world, tmp_path):
    batch = tmp_path / "big5.jsonl"
    batch.write_bytes(
        json.dumps({"id": 1, "q": "地方創生"}).encode() + b"\n" + '{"id": 2, "q": "地方創生"}'.encode("cp950") + b"\n"
    )
    result = run_cli(world.argv("ask", "--batch", str(batch), "--json"))
    assert_clean_failure(result, "big5.jsonl:2", "不是 UTF-8")
    assert result.out == ""


@pytest.mark.parametrize("value", ["0", "-1"])
def test_top_k_below_one_is_a_usage_error(world, value):
    result = run_cli(world.argv("ask", QUESTION, "--top-k", value))
    assert result.code == 2 and "必須是 1 或更大" in result.err and TRACEBACK not in result.err


# --------------------------------------------------------------------------- text output


def test_text_output_escapes_control_characters_from_titles(tmp_path):
    from chat.records import Answer
    from index.records import Hit
    from ingest.records import Passage

    title = "\x1b]0;pwned\x07Fake\r\x1b[2J" + "長" * 2_000_000
    passage = Passage(id="p", doc_id="d", title=title, paragraph=1, page=None, start=0, end=4, text="地方\x1b[31m創生")
    answer = Answer(
        question="q", found=False, quotes=(), hits=(Hit(passage=passage, score=1.0, rank=1),), message=None, terms=()
    )
    text = answer_to_text(answer)
    assert "\x1b" not in text and "\x07" not in text and "\r" not in text
    assert "\\x1b]0;pwned\\x07Fake" in text and len(text) < 1000
    assert len(render_answer(answer)) < 5_000
    assert terminal_safe("a\tb\nc") == "a\tb\nc"
    assert TITLE_DISPLAY_MAX <= 200


def test_articles_listing_escapes_a_title_with_control_characters(world, tmp_path):
    path = hf.write_pdf_with_title(tmp_path / "uploads", "\x1b]0;pwned\x07報告")
    assert run_cli(world.argv("add", str(path), "--json")).code == 0
    result = run_cli(world.argv("articles"))
    assert result.code == 0 and "\x1b" not in result.out and "\x07" not in result.out
    assert "pwned 報告" in result.out or "pwned報告" in result.out
