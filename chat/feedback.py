"""👍/👎 on answers, kept in a local JSON-lines file (``.sousei/feedback.jsonl`` by default).

One object per vote: ``time`` (UTC, ISO 8601), ``question``, ``passages`` (the quoted passage
ids), ``vote`` (``up`` or ``down``), and from the UI ``answer``: the id of the answer shown, one vote
per answer (:func:`record_answer_vote`: a changed vote replaces the earlier one, a vote taken back
is removed). ``sousei feedback --json`` prints them, so a wrong answer can become an eval question.
Appends are one ``write`` of one line under a lock; a changed vote rewrites the file atomically.

A vote from the UI names only the answer: the question and the passages recorded are the ones the server
showed with it, sealed into the answer's id (:class:`AnswerSeal`), never what the browser sends back.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
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


UNKNOWN_ANSWER = (
    "無法確認這則回答是這個伺服器給的（它的記號不對，或伺服器的金鑰已更換），這次的評價沒有記錄；"
    "請重新提問，再對新的回答按讚或不讚。"
)
MAX_SEALED = 8192  # characters of a sealed id: a 500-character question and 20 passage ids fit
SEAL_CONTEXT = b"sousei answer seal v1"  # the seal's key is derived from the server's key for this use only
_NONCE = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True)
class ShownAnswer:
    """What the server showed as one answer: the question as asked and the passage ids its answer cited."""

    question: str
    passages: tuple[str, ...]


@dataclass(frozen=True)
class AnswerSeal:
    """Seals what the server showed as an answer into the answer's id, ``NONCE.BODY.MAC``: BODY is the question
    and the cited passage ids (JSON, base64url), MAC an HMAC-SHA256 over NONCE and BODY. A vote names only the
    id; :meth:`open` gives back what was shown, or None for an id this server's key did not seal (forged,
    altered, or from a server with another key). Nothing is kept in memory, so no number of answers shown
    pushes another's out, and an id sealed before a restart still opens (the key is kept in
    ``.sousei/browser-secret``, ``chat.secret``). The vote is recorded under NONCE (``vote_key``)."""

    key: bytes

    @classmethod
    def from_secret(cls, secret: str | None) -> AnswerSeal:
        """The seal of the server's key (64 hex digits); None: a key of this process only."""
        raw = bytes.fromhex(secret) if secret else secrets.token_bytes(32)
        return cls(hmac.new(raw, SEAL_CONTEXT, hashlib.sha256).digest())

    def seal(self, question: str, passage_ids: Sequence[str]) -> str:
        """A new id for an answer shown for ``question`` citing ``passage_ids`` (each answer its own NONCE)."""
        shown = [str(question)[:MAX_QUESTION_CHARS], [str(p)[:200] for p in passage_ids][:MAX_PASSAGES]]
        body = base64.urlsafe_b64encode(json.dumps(shown, ensure_ascii=False).encode("utf-8")).decode("ascii")
        body, nonce = body.rstrip("="), uuid.uuid4().hex
        return f"{nonce}.{body}.{self._mac(nonce, body)}"

    def open(self, sealed: str) -> tuple[str, ShownAnswer] | None:
        """(the vote's key, what was shown) for an id :meth:`seal` made with this key; None for any other."""
        text = str(sealed)
        parts = text.split(".") if len(text) <= MAX_SEALED else []
        if len(parts) != 3 or not _NONCE.fullmatch(parts[0]):
            return None
        nonce, body, mac = parts
        if not hmac.compare_digest(mac.encode("utf-8"), self._mac(nonce, body).encode("utf-8")):
            return None
        question, passages = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))  # sealed: ours
        return nonce, ShownAnswer(question, tuple(passages))

    def _mac(self, nonce: str, body: str) -> str:
        # UTF-8, not ASCII with replacement: two different forged bodies must never be one MAC input
        return hmac.new(self.key, f"{nonce}.{body}".encode(), hashlib.sha256).hexdigest()[:32]


def vote_key(answer_id: str) -> str:
    """The key a vote on the answer ``answer_id`` is recorded under: a sealed id's NONCE (an id of an earlier
    version, 32 hex digits, is its own key)."""
    return str(answer_id).split(".", 1)[0][:MAX_ANSWER_ID]


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
