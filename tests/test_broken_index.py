"""A damaged or foreign index: every CLI command that reads it stops with a clear message that
says to run ``sousei build`` (exit 1, no traceback), and ``sousei build`` repairs it so the
answers are the same as before the damage."""

from __future__ import annotations

import json
import shutil

import pytest

from bench.measure import free_port
from tests.reliability_support import (
    PROBE_QUESTIONS,
    TRACEBACK,
    assert_clean_failure,
    clone_setup,
    make_setup,
    run_cli,
    tiny_model,
)

INDEX_FILES = (
    "manifest.json",
    "passages.jsonl",
    "articles.jsonl",
    "vectors.npy",
    "dense.faiss",
    "bm25/params.index.json",
    "bm25/vocab.index.json",
    "bm25/data.csc.index.npy",
    "bm25/indices.csc.index.npy",
    "bm25/indptr.csc.index.npy",
    "bm25/meta.json",
)


def probe_answers(setup) -> list[dict]:
    result = run_cli(setup.argv("ask", "--batch", str(setup.corpus.parent / "probe.jsonl")))
    assert result.code == 0, result.err
    return result.json_lines()


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    setup = make_setup(tmp_path_factory.mktemp("broken-index-base"), tiny_model(tmp_path_factory))
    result = run_cli(setup.argv("build"))  # text output (not --json) on purpose
    assert result.code == 0 and TRACEBACK not in result.err, result.err
    assert result.out.startswith("documents: 2")
    write_probe(setup.corpus.parent / "probe.jsonl")
    return setup


def write_probe(path) -> None:
    path.write_text(
        "".join(json.dumps({"id": i, "q": q}, ensure_ascii=False) + "\n" for i, q in enumerate(PROBE_QUESTIONS)),
        encoding="utf-8",
    )


@pytest.fixture
def world(base, tmp_path):
    setup = clone_setup(base, tmp_path)
    write_probe(tmp_path / "probe.jsonl")
    return setup


@pytest.fixture(scope="module")
def expected(base) -> list[dict]:
    """The answers of the undamaged index (every test damages an identical copy of it)."""
    return probe_answers(base)


EVERY_READER = (("ask", "關係人口是什麼？", "--json"), ("ask", "關係人口是什麼？"), ("articles",), ("eval", "probe"))


def assert_says_rebuild(world, commands=(("ask", "關係人口是什麼？", "--json"),)) -> None:
    for command in commands:
        command = [str(world.corpus.parent / "probe.jsonl") if part == "probe" else part for part in command]
        result = run_cli(world.argv(*command))
        assert_clean_failure(result, "sousei build")


def assert_build_repairs(world, expected: list[dict]) -> None:
    result = run_cli(world.argv("build", "--json"))
    assert result.code == 0 and TRACEBACK not in result.err, result.err
    report = result.json_lines()[-1]
    assert report["documents"] == 2 and report["embedded"] == 0  # the embedding cache survived
    assert probe_answers(world) == expected


def test_probe_answers_are_real(world, expected):
    """The comparison below means something: the probes get passages from the index."""
    assert len(expected) == len(PROBE_QUESTIONS) and all(a["passages"] for a in expected)


@pytest.mark.parametrize("name", INDEX_FILES)
def test_deleted_index_file(world, expected, name):
    (world.index / name).unlink()
    assert_says_rebuild(world, EVERY_READER if name == "manifest.json" else EVERY_READER[:1])
    assert_build_repairs(world, expected)


@pytest.mark.parametrize("name", INDEX_FILES[:5] + ("bm25/vocab.index.json", "bm25/data.csc.index.npy"))
def test_truncated_index_file(world, expected, name):
    path = world.index / name
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert_says_rebuild(world)
    assert_build_repairs(world, expected)


@pytest.mark.parametrize("name", ["vectors.npy", "dense.faiss"])
def test_same_size_garbage(world, expected, name):
    path = world.index / name
    path.write_bytes(b"\x00\xff" * (path.stat().st_size // 2) + b"\x00" * (path.stat().st_size % 2))
    assert_says_rebuild(world)
    assert_build_repairs(world, expected)


def edit_manifest(world, **changes) -> None:
    path = world.index / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest.update(changes)
    path.write_text(json.dumps(manifest), encoding="utf-8")


def test_manifest_of_another_schema(world, expected):
    edit_manifest(world, schema=99)
    assert_says_rebuild(world)
    result = run_cli(world.argv("ask", "關係人口是什麼？"))
    assert "索引格式版本是 99" in result.err
    assert_build_repairs(world, expected)


def test_manifest_of_another_model(world, expected):
    edit_manifest(world, model_id="intfloat/multilingual-e5-large", model_fingerprint="0" * 64)
    assert_says_rebuild(world, EVERY_READER)
    result = run_cli(world.argv("ask", "關係人口是什麼？"))
    assert "multilingual-e5-large" in result.err and "model" in result.err
    result = run_cli(world.argv("build", "--json"))
    assert result.code == 0, result.err
    assert probe_answers(world) == expected


def test_index_built_with_another_real_model(world, expected, tmp_path):
    """Not an edited manifest: the index really was built by a different model directory."""
    from tests.reliability_support import make_tiny_model

    other = make_tiny_model(tmp_path / "other-model", seed=11)
    args = world.argv("build", "--json")
    args[args.index("--model") + 1] = str(other)
    assert run_cli(args).code == 0
    assert_says_rebuild(world)
    assert_build_repairs(world, expected)


def test_manifest_of_another_segmenter(world, expected):
    edit_manifest(world, segmenter={"jieba": "0.0.1", "userdict_sha256": "0" * 64})
    assert_says_rebuild(world)
    assert_build_repairs(world, expected)


@pytest.mark.parametrize("content", [b"", b"{not json", b"[]", b'{"schema": 1}', "\ufffe".encode("utf-16")])
def test_unreadable_manifest(world, expected, content):
    (world.index / "manifest.json").write_bytes(content)
    assert_says_rebuild(world)
    assert_build_repairs(world, expected)


def test_empty_index_directory(world, expected):
    shutil.rmtree(world.index)
    world.index.mkdir()
    assert_says_rebuild(world)
    assert_build_repairs(world, expected)


def test_missing_index_directory(world, expected):
    shutil.rmtree(world.index)
    assert_says_rebuild(world)
    assert_build_repairs(world, expected)


def test_damaged_embedding_cache_only_costs_re_embedding(world, expected):
    for cache_file in (world.index.parent / "index.cache").rglob("*.npz"):
        cache_file.write_bytes(b"garbage")
    with pytest.warns(UserWarning, match="略過無法讀取的嵌入快取"):  # said once per file, then re-embedded
        result = run_cli(world.argv("build", "--json"))
    assert result.code == 0 and TRACEBACK not in result.err, result.err
    assert result.json_lines()[-1]["embedded"] > 0
    assert probe_answers(world) == expected


@pytest.mark.parametrize("damage", ["segmenter", "vectors"])
def test_the_app_rebuilds_an_index_it_cannot_read(world, expected, launches, damage):
    """``./dev app`` (``serve --build-if-missing``) after an upgrade that changed the segmenter, or
    with a damaged file: it says why, rebuilds from the articles (no re-embedding) and serves."""
    if damage == "segmenter":
        edit_manifest(world, segmenter={"jieba": "0.0.1", "userdict_sha256": "0" * 64})
    else:
        (world.index / "vectors.npy").write_bytes(b"")
    assert_says_rebuild(world)
    result = run_cli(world.argv("serve", "--build-if-missing", "--port", str(free_port())))
    assert result.code == 0 and TRACEBACK not in result.err, result.err
    assert "rebuilding the index now / 現在重新建立索引" in result.err and launches
    assert "embedded: 0" in result.out  # the embedding cache survived
    assert probe_answers(world) == expected


def test_the_app_leaves_a_readable_index_alone(world, launches):
    before = (world.index / "manifest.json").read_bytes()
    result = run_cli(world.argv("serve", "--build-if-missing", "--port", str(free_port())))
    assert result.code == 0 and launches and "重新建立" not in result.err, result.err
    assert (world.index / "manifest.json").read_bytes() == before
