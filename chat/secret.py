"""The server's key, ``.sousei/browser-secret`` by default (``Config.browser_secret_file``): made once,
owner-only, 64 hex digits. Gradio encrypts the chats kept in browsers with it (a chat survives a restart of
the server), and the ids of shown answers are sealed with a key derived from it (``chat.feedback.AnswerSeal``:
a 👍/👎 on an answer shown before a restart still counts)."""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

SECRET_BYTES = 32


def server_secret(path: Path) -> str | None:
    """The key in ``path``: read, or made once (owner-only, 64 hex digits). None when it can be neither read
    nor written (a read-only checkout) or the file holds something else (left as it is): the caller then uses
    a key of this process only (chats and votes are kept across reloads, not restarts)."""
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        text = ""
    except (OSError, UnicodeDecodeError):
        return None
    if re.fullmatch(r"[0-9a-f]{64}", text):
        return text
    if text:  # not a key of ours: left as it is
        return None
    made = secrets.token_hex(SECRET_BYTES)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another server made it meanwhile
        return server_secret(path) if path.stat().st_size else None
    except OSError:
        return None
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(made + "\n")
    return made
