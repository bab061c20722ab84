"""👍/👎 on answers, kept in a local JSON-lines file (``.sousei/feedback.jsonl`` by default).

One object per vote: ``time`` (UTC, ISO 8601), ``question``, ``passages`` (the quoted passage
ids), ``vote`` (``up`` or ``down``). ``sousei feedback --json`` prints them, so a wrong answer
can become an eval question. Appends are one ``write`` of one line under a lock.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from pathlib import Path

from chat.config import MAX_QUESTION_CHARS
from ingest.errors import SouseiError

VOTES = ("up", "down")
MAX_PASSAGES = 20
_lock = threading.Lock()


def record(path: Path, question: str, passage_ids: list[str], vote: str) -> dict:
    """Append one vote; returns the stored object."""
    if vote not in VOTES:
        raise SouseiError(f"vote must be one of {', '.join(VOTES)}, not {vote!r}")
    entry = {
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "question": str(question)[:MAX_QUESTION_CHARS],
        "passages": [str(p)[:200] for p in passage_ids][:MAX_PASSAGES],
        "vote": vote,
    }
    line = json.dumps(entry, ensure_ascii=False) + "\n"
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with _lock, path.open("a", encoding="utf-8") as out:
            out.write(line)
    except OSError as err:
        raise SouseiError(f"{path}: could not record feedback ({err.strerror or err}); check the directory") from None
    return entry


def read_all(path: Path) -> list[dict]:
    """Every recorded vote, oldest first; unreadable lines are skipped."""
    path = Path(path)
    if not path.exists():
        return []
    entries = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            item = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(item, dict):
            entries.append(item)
    return entries
