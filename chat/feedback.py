"""👍/👎 on answers, kept in a local JSON-lines file (``.sousei/feedback.jsonl`` by default).

One object per vote: ``time`` (UTC, ISO 8601), ``question``, ``passages`` (the quoted passage
ids), ``vote`` (``up`` or ``down``), and from the UI ``answer``: the id of the answer shown, one vote
per answer (:func:`record_answer_vote`: a changed vote replaces the earlier one, a vote taken back
is removed). ``sousei feedback --json`` prints them, so a wrong answer can become an eval question.
Appends are one ``write`` of one line under a lock; a changed vote rewrites the file atomically.

A vote from the UI names only the answer: the question and the passages recorded are the ones the server
showed with it, kept in :class:`ShownAnswers` (bounded, in memory), never what the browser sends back.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from chat.config import MAX_QUESTION_CHARS
from ingest.errors import SouseiError
from ingest.fileio import atomic_write_text

VOTES = ("up", "down")
MAX_PASSAGES = 20
_lock = threading.Lock()


def _entry(question: str, passage_ids: list[str], vote: str) -> dict:
    if vote not in VOTES:
        raise SouseiError(f"評價必須是 {'、'.join(VOTES)} 之一，而不是 {vote!r}")
    return {
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "question": str(question)[:MAX_QUESTION_CHARS],
        "passages": [str(p)[:200] for p in passage_ids][:MAX_PASSAGES],
        "vote": vote,
    }


def record(path: Path, question: str, passage_ids: list[str], vote: str) -> dict:
    """Append one vote; returns the stored object."""
    entry = _entry(question, passage_ids, vote)
    line = json.dumps(entry, ensure_ascii=False) + "\n"
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with _lock, path.open("a", encoding="utf-8") as out:
            out.write(line)
    except OSError as err:
        raise SouseiError(f"{path}：無法記錄評價（{err.strerror or err}）；請檢查這個資料夾是否存在且可寫入") from None
    return entry


MAX_ANSWER_ID = 64


def record_answer_vote(path: Path, answer: str, question: str, passage_ids: list[str], vote: str | None) -> dict | None:
    """The vote on one shown answer (``answer``: its id): it replaces that answer's earlier vote, so 👍 then
    👎 keeps 👎 only (both were kept); ``vote=None`` takes the vote back. The other lines of the file are
    kept as they are. Returns the stored object, None when taken back."""
    answer = str(answer)[:MAX_ANSWER_ID]
    entry = None if vote is None else {**_entry(question, passage_ids, vote), "answer": answer}
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with _lock:
            old = path.read_text(encoding="utf-8", errors="replace").splitlines() if path.exists() else []
            lines = [line for line in old if _answer_of(line) != answer]
            lines += [json.dumps(entry, ensure_ascii=False)] if entry else []
            atomic_write_text(path, "".join(line + "\n" for line in lines))
    except OSError as err:
        raise SouseiError(f"{path}：無法記錄評價（{err.strerror or err}）；請檢查這個資料夾是否存在且可寫入") from None
    return entry


MAX_SHOWN = 4096  # answers remembered for their 👍/👎, per process (the least recently used forgotten first)
UNKNOWN_ANSWER = (
    "伺服器已不記得這則回答（它來自伺服器重新啟動前，或是很久以前的回答），這次的評價沒有記錄；"
    "請重新提問，再對新的回答按讚或不讚。"
)


@dataclass(frozen=True)
class ShownAnswer:
    """What the server showed as one answer: the question as asked and the passage ids its answer cited."""

    question: str
    passages: tuple[str, ...]


@dataclass
class ShownAnswers:
    """The answers this process showed, by id: a vote names an answer by its id only, and what it records
    comes from here. At most ``capacity`` are kept (a lookup counts as a use); safe across threads."""

    capacity: int = MAX_SHOWN
    _items: OrderedDict[str, ShownAnswer] = field(default_factory=OrderedDict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, question: str, passage_ids: Sequence[str]) -> str:
        """Remember an answer shown for ``question`` citing ``passage_ids``; returns its new id (32 hex)."""
        answer_id = uuid.uuid4().hex
        shown = ShownAnswer(str(question)[:MAX_QUESTION_CHARS], tuple(str(p) for p in passage_ids[:MAX_PASSAGES]))
        with self._lock:
            self._items[answer_id] = shown
            while len(self._items) > max(self.capacity, 0):
                self._items.popitem(last=False)
        return answer_id

    def get(self, answer_id: str) -> ShownAnswer | None:
        """The answer shown with this id, or None (never shown by this process, or forgotten since)."""
        with self._lock:
            shown = self._items.get(str(answer_id))
            if shown is not None:
                self._items.move_to_end(str(answer_id))
            return shown

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)


def _answer_of(line: str) -> str | None:
    """The answer id of a vote's line (None: a vote without one, or a line that is no vote)."""
    try:
        item = json.loads(line)
    except json.JSONDecodeError:
        return None
    return item.get("answer") if isinstance(item, dict) else None


def read_all(path: Path) -> list[dict]:
    """Every recorded vote, oldest first; unreadable lines (not JSON, nested too deep, not an object)
    are skipped. A folder in place of the file is a :class:`SouseiError` saying so."""
    path = Path(path)
    if not path.exists():
        return []
    if path.is_dir():
        raise SouseiError(
            f"{path} 是資料夾，不是評價檔；請將 SOUSEI_FEEDBACK（或 --feedback）指向一個檔案，例如 feedback.jsonl"
        )
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as err:
        raise SouseiError(
            f"{path}：無法讀取評價檔（{err.strerror or err}）；請將 SOUSEI_FEEDBACK 指向一個可讀的檔案"
        ) from None
    entries = []
    for line in text.splitlines():
        try:
            item = json.loads(line)
        except (ValueError, RecursionError):  # not JSON, or '[[[…' nested past the parser's depth
            continue
        if isinstance(item, dict):
            entries.append(item)
    return entries
