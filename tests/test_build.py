"""build_index: counts, incremental embedding, removal, duplicates, locking, atomic swap."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from chat.config import PROJECT_ROOT
from index.build import BuildReport, build_index
from index.search import Searcher
from index.settings import IndexSettings
from index.store import IndexBusyError, file_lock, index_paths, load_store, read_manifest
from tests.fakes import FakeEncoder
from tests.index_fakes import (
    ARTICLE_A,
    ARTICLE_B,
    ARTICLE_C,
    FAKE_SEGMENTER,
    build_kwargs,
    many_paragraphs,
    open_kwargs,
    write_corpus,
)


def _build(corpus: Path, index_dir: Path, encoder, **extra) -> BuildReport:
    return build_index(corpus, index_dir, encoder, **build_kwargs(), **extra)


def test_first_build_embeds_everything(tmp_path, fake_encoder):
    corpus = write_corpus(tmp_path / "corpus", a=ARTICLE_A, b=ARTICLE_B)
    report = _build(corpus, tmp_path / "index", fake_encoder)
    assert (report.documents, report.passages, report.embedded, report.reused) == (2, 6, 6, 0)
    assert (report.removed, report.duplicates) == (0, 0)
    assert fake_encoder.calls == 6 + 6 and report.seconds >= 0  # each passage, then each as a question
    data = json.loads(report.to_json())
    assert {"documents", "passages", "embedded", "reused", "removed", "duplicates", "seconds"} <= set(data)


def test_adding_an_article_embeds_only_its_passages(tmp_path, fake_encoder):
    corpus = write_corpus(tmp_path / "corpus", a=ARTICLE_A)
    _build(corpus, tmp_path / "index", fake_encoder)
    calls = fake_encoder.calls
    write_corpus(corpus, b=ARTICLE_B)
    report = _build(corpus, tmp_path / "index", fake_encoder)
    assert (report.embedded, report.reused, report.passages) == (3, 3, 6)
    assert fake_encoder.calls - calls == 3 + 3  # the new passages, and each as a question


def test_unchanged_rebuild_embeds_nothing_and_changed_paragraph_one(tmp_path, fake_encoder):
    corpus = write_corpus(tmp_path / "corpus", a=ARTICLE_A, b=ARTICLE_B)
    _build(corpus, tmp_path / "index", fake_encoder)
    assert _build(corpus, tmp_path / "index", fake_encoder).embedded == 0
    write_corpus(corpus, b=ARTICLE_B.replace("遠距授課", "線上授課"))
    report = _build(corpus, tmp_path / "index", fake_encoder)
    assert (report.embedded, report.reused) == (1, 5)


def test_removed_article_disappears(tmp_path, fake_encoder):
    corpus = write_corpus(tmp_path / "corpus", a=ARTICLE_A, b=ARTICLE_B)
    index_dir = tmp_path / "index"
    _build(corpus, index_dir, fake_encoder)
    (corpus / "b.txt").unlink()
    report = _build(corpus, index_dir, fake_encoder)
    assert (report.removed, report.removed_ids, report.documents, report.passages) == (1, ("b",), 1, 3)
    searcher = Searcher.open(index_dir, fake_encoder, **open_kwargs())
    assert all(h.passage.doc_id == "a" for h in searcher.search("REVIC", top_k=10))
    assert [a.doc_id for a in searcher.articles()] == ["a"]


def test_duplicate_file_is_reported_and_indexed_once(tmp_path, fake_encoder):
    corpus = write_corpus(tmp_path / "corpus", a=ARTICLE_A, a_copy=ARTICLE_A, c=ARTICLE_C)
    report = _build(corpus, tmp_path / "index", fake_encoder)
    assert (report.documents, report.duplicates, report.passages) == (2, 1, 5)
    assert report.duplicate_pairs == (("a_copy.txt", "a.txt"),)
    assert read_manifest(tmp_path / "index").duplicates == (("a_copy.txt", "a.txt"),)


def test_removing_then_readding_reuses_cached_vectors(tmp_path, fake_encoder):
    corpus = write_corpus(tmp_path / "corpus", a=ARTICLE_A, b=ARTICLE_B)
    _build(corpus, tmp_path / "index", fake_encoder)
    (corpus / "b.txt").unlink()
    _build(corpus, tmp_path / "index", fake_encoder)
    write_corpus(corpus, b=ARTICLE_B)
    assert _build(corpus, tmp_path / "index", fake_encoder).embedded == 0


def test_other_model_does_not_reuse_vectors(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", a=ARTICLE_A)
    _build(corpus, tmp_path / "index", FakeEncoder())
    report = _build(corpus, tmp_path / "index", FakeEncoder(fingerprint="fake-v2"))
    assert (report.embedded, report.reused) == (3, 0)
    assert read_manifest(tmp_path / "index").model_fingerprint == "fake-v2"


def test_empty_corpus_builds_an_empty_index(tmp_path, fake_encoder):
    (tmp_path / "corpus").mkdir()
    report = _build(tmp_path / "corpus", tmp_path / "index", fake_encoder)
    assert (report.documents, report.passages) == (0, 0)
    assert Searcher.open(tmp_path / "index", fake_encoder, **open_kwargs()).search("地方") == []


def test_progress_reports_stages_and_batches(tmp_path, fake_encoder):
    corpus = write_corpus(tmp_path / "corpus", a=ARTICLE_A, b=ARTICLE_B)
    events = []
    _build(
        corpus,
        tmp_path / "index",
        fake_encoder,
        settings=IndexSettings(batch_size=2),
        progress=lambda done, total, message: events.append((done, total, message)),
    )
    messages = [m for _, _, m in events]
    assert messages[0] == "讀取文章" and messages[-1] == "完成"
    assert [(d, t) for d, t, m in events if m == "計算片段向量"] == [(0, 6), (2, 6), (4, 6), (6, 6)]


def test_build_repairs_a_damaged_index_and_cleans_leftovers(tmp_path, fake_encoder):
    corpus = write_corpus(tmp_path / "corpus", a=ARTICLE_A)
    index_dir = tmp_path / "index"
    _build(corpus, index_dir, fake_encoder)
    (index_dir / "vectors.npy").write_bytes(b"broken")
    leftover = index_paths(index_dir).new_temp_dir()
    _build(corpus, index_dir, fake_encoder)
    assert len(load_store(index_dir).passages) == 3 and not leftover.exists()
    (index_dir / "manifest.json").write_text("{", encoding="utf-8")
    report = _build(corpus, index_dir, fake_encoder)
    assert any("原本的索引無法讀取" in w for w in report.warnings)
    assert report.embedded == 0 and len(load_store(index_dir).passages) == 3


def test_a_held_lock_makes_a_second_build_wait_then_fail(tmp_path, fake_encoder):
    corpus = write_corpus(tmp_path / "corpus", a=ARTICLE_A)
    index_dir = tmp_path / "index"
    messages = []
    with file_lock(index_paths(index_dir).build_lock, 1):
        with pytest.raises(IndexBusyError, match="另一次索引建立"):
            _build(
                corpus,
                index_dir,
                fake_encoder,
                settings=IndexSettings(lock_timeout=0.3),
                progress=lambda d, t, m: messages.append(m),
            )
    assert messages == ["等待這個索引的另一次建立完成"]
    assert _build(corpus, index_dir, fake_encoder, settings=IndexSettings(lock_timeout=0.3)).passages == 3


# ---------------------------------------------------------------- subprocesses (kill, lock)


def _spawn_build(corpus: Path, index_dir: Path, delay: float) -> subprocess.Popen:
    code = (
        "import sys; from tests.index_fakes import build_in_subprocess_main as m; "
        "m(sys.argv[1], sys.argv[2], sys.argv[3])"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code, str(corpus), str(index_dir), str(delay)],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_line(proc: subprocess.Popen, needle: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if needle in line:
            return
        if not line and proc.poll() is not None:
            raise AssertionError(f"build exited early: {proc.stderr.read()}")
    raise AssertionError(f"no {needle!r} within {timeout} s")


@pytest.mark.slow
def test_killed_build_leaves_previous_index_loadable(tmp_path, fake_encoder):
    corpus = write_corpus(tmp_path / "corpus", a=ARTICLE_A, b=ARTICLE_B)
    index_dir = tmp_path / "index"
    _build(corpus, index_dir, fake_encoder)
    before = [h.passage.id for h in Searcher.open(index_dir, fake_encoder, **open_kwargs()).search("REVIC")]
    write_corpus(corpus, c=many_paragraphs(40))
    for delay_before_kill in (0.0, 0.3, 0.6, 1.0, 1.5):
        proc = _spawn_build(corpus, index_dir, delay=0.05)
        _wait_for_line(proc, "讀取文章")
        time.sleep(delay_before_kill)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        searcher = Searcher.open(index_dir, fake_encoder, **open_kwargs())
        assert [h.passage.id for h in searcher.search("REVIC")] == before
        assert searcher.manifest.documents == 2
    report = _build(corpus, index_dir, FakeEncoder())
    assert report.documents == 3 and report.reused > 0  # vectors embedded before the kills were cached
    assert not index_paths(index_dir).temp_dirs()


@pytest.mark.slow
def test_lock_of_a_killed_build_does_not_block(tmp_path, fake_encoder):
    corpus = write_corpus(tmp_path / "corpus", a=ARTICLE_A, c=many_paragraphs(30))
    index_dir = tmp_path / "index"
    proc = _spawn_build(corpus, index_dir, delay=0.5)
    _wait_for_line(proc, "計算片段向量")
    assert index_paths(index_dir).build_lock.exists()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    report = _build(corpus, index_dir, fake_encoder, settings=IndexSettings(lock_timeout=2))
    assert report.documents == 2


@pytest.mark.slow
def test_concurrent_builds_serialise_and_leave_a_consistent_index(tmp_path, fake_encoder):
    corpus = write_corpus(tmp_path / "corpus", a=ARTICLE_A, b=ARTICLE_B, c=many_paragraphs(10))
    index_dir = tmp_path / "index"
    procs = [_spawn_build(corpus, index_dir, delay=0.05) for _ in range(3)]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err for _, err in outputs]
    reports = [json.loads(out.split("REPORT ", 1)[1]) for out, _ in outputs]
    assert sorted(r["embedded"] for r in reports) == [0, 0, 16]  # one embedded, the others waited and reused
    stored = load_store(index_dir)
    assert len(stored.passages) == 16 and not index_paths(index_dir).temp_dirs()


MULTI = """第一句講溫泉觀光。第二句講雪燈籠祭典！第三句問漁港再生？

單獨一句的段落。"""


def test_every_sentence_of_every_passage_is_stored_with_its_vector(tmp_path, fake_encoder):
    from ingest.passages import sentence_spans

    corpus = write_corpus(tmp_path / "corpus", a=ARTICLE_A, m=MULTI)
    report = _build(corpus, tmp_path / "index", fake_encoder)
    searcher = Searcher.open(tmp_path / "index", fake_encoder, **open_kwargs())
    total = 0
    for passage in searcher.passages:
        stored = searcher.sentence_vectors(passage.id)
        assert stored.spans == tuple(sentence_spans(passage.text))
        expected = FakeEncoder().encode_passages(stored.texts(passage.text))
        assert stored.vectors.dtype == np.float32 and np.allclose(stored.vectors, expected, atol=1e-6)
        total += len(stored.spans)
    assert report.sentences == total == searcher.manifest.sentences == 3 + 3 + 1
    # one sentence per passage in ARTICLE_A and the last paragraph: those vectors are the passages' own
    assert report.sentences_embedded == 3
    assert fake_encoder.calls == 2 * report.embedded + report.sentences_embedded  # passages twice: as questions too


def test_sentences_are_embedded_incrementally(tmp_path, fake_encoder):
    corpus = write_corpus(tmp_path / "corpus", m=MULTI)
    _build(corpus, tmp_path / "index", fake_encoder)
    calls = fake_encoder.calls
    assert _build(corpus, tmp_path / "index", fake_encoder).sentences_embedded == 0
    assert fake_encoder.calls == calls  # an unchanged rebuild embeds nothing
    write_corpus(corpus, m=MULTI.replace("第二句講雪燈籠祭典！", "第二句講茶園體驗！"))
    report = _build(corpus, tmp_path / "index", fake_encoder)
    assert (report.embedded, report.sentences_embedded) == (1, 1)  # the changed passage and its one new sentence
    assert fake_encoder.calls - calls == 3  # the passage, its new sentence, the passage as a question


def test_a_missing_passage_id_has_no_sentence_vectors(tmp_path, fake_encoder):
    corpus = write_corpus(tmp_path / "corpus", a=ARTICLE_A)
    _build(corpus, tmp_path / "index", fake_encoder)
    with pytest.raises(KeyError):
        Searcher.open(tmp_path / "index", fake_encoder, **open_kwargs()).sentence_vectors("no-such-passage")


def test_adding_and_removing_articles_updates_the_hnsw_graph_instead_of_rebuilding(tmp_path, fake_encoder):
    from tests.index_fakes import many_paragraphs

    corpus = write_corpus(tmp_path / "corpus", a=many_paragraphs(40, "甲"), b=many_paragraphs(40, "乙"))
    index_dir = tmp_path / "index"
    assert _build(corpus, index_dir, fake_encoder, settings=IndexSettings(exact_max=10)).dense_kind == "hnsw"
    write_corpus(corpus, c=many_paragraphs(5, "丙"))
    _build(corpus, index_dir, fake_encoder, settings=IndexSettings(exact_max=10))
    stored = load_store(index_dir)
    assert (stored.dense.size, stored.dense.total) == (85, 85)
    assert stored.dense.slots[:80].tolist() == list(range(80))  # the first 80 nodes kept their place
    (corpus / "c.txt").unlink()  # 5 of 85 removed: tombstones
    _build(corpus, index_dir, fake_encoder, settings=IndexSettings(exact_max=10))
    stored = load_store(index_dir)
    assert (stored.dense.size, stored.dense.total) == (80, 85)
    searcher = Searcher.open(index_dir, fake_encoder, **open_kwargs())
    hits = searcher.search("第3段丙：地方創生政策第3項措施與預算。", top_k=80, mode="dense")
    assert len(hits) == 80 and all(h.passage.doc_id in ("a", "b") for h in hits)
    (corpus / "b.txt").unlink()  # half removed: rebuilt
    _build(corpus, index_dir, fake_encoder, settings=IndexSettings(exact_max=10))
    assert (load_store(index_dir).dense.size, load_store(index_dir).dense.total) == (40, 40)


def test_the_manifest_records_the_files_the_build_refused_with_their_bytes(tmp_path, fake_encoder):
    """Each corpus file not indexed as an article of its own (the fake ingest reads only .txt; a twin is kept
    once) is in the manifest's ``refused`` with the sha256 of its bytes, so ``out_of_step`` can tell it
    fixed, or a twin edited."""
    corpus = write_corpus(tmp_path / "corpus", a=ARTICLE_A, b=ARTICLE_B, copy=ARTICLE_A)
    (corpus / "notes.md").write_bytes(b"# notes\n")
    _build(corpus, tmp_path / "index", fake_encoder)
    manifest = read_manifest(tmp_path / "index")
    twin = hashlib.sha256((corpus / "copy.txt").read_bytes()).hexdigest()
    expected = {"notes.md": hashlib.sha256(b"# notes\n").hexdigest(), "copy.txt": twin}
    assert dict(manifest.refused) == expected and len(manifest.refused) == 2
    assert manifest.duplicates == (("copy.txt", "a.txt"),)
    stored = json.loads((tmp_path / "index" / "manifest.json").read_text(encoding="utf-8"))["refused"]
    assert {name: digest for name, digest in stored} == expected


def test_a_file_added_or_changed_while_the_corpus_is_read_is_not_recorded_as_refused(tmp_path, fake_encoder):
    """Files copied in during a build were never read by it, and a refused file changed during it may not
    have had the bytes refused: neither is recorded, so both are reported as not indexed afterwards."""
    from ingest.library import out_of_step
    from tests.index_fakes import fake_ingest

    corpus = write_corpus(tmp_path / "corpus", a=ARTICLE_A)
    (corpus / "notes.md").write_bytes(b"# notes\n")

    def ingest_while_files_change(corpus_dir: Path, max_chars: int):
        result = fake_ingest(corpus_dir, max_chars)
        (corpus / "late.md").write_bytes(b"# late\n")
        (corpus / "notes.md").write_bytes(b"# notes, fixed\n")
        return result

    build_index(corpus, tmp_path / "index", fake_encoder, ingest=ingest_while_files_change, segmenter=FAKE_SEGMENTER)
    assert read_manifest(tmp_path / "index").refused == ()
    assert out_of_step(corpus, tmp_path / "index").not_indexed == ("late.md", "notes.md")
