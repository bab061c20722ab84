"""Reading untrusted article files in a child process with time and memory limits.

``Reader`` starts one loader process (``python -m ingest.sandbox``) per corpus scan and
sends it one file at a time. The child caps its own address space (``RLIMIT_AS`` =
``LoadLimits.load_memory_mb``), runs ``ingest.load.load_file`` and ``ingest.clean``, and
answers with the cleaned text or a refusal. The parent waits at most
``LoadLimits.load_seconds``; a child over its time is killed, one that dies (memory) is
restarted for the next file. Every outcome, refusals included, is cached by the file's
content hash (plus the loader code and the limits), so a rebuild neither re-parses an
accepted file nor pays again for a refused one.
"""

from __future__ import annotations

import hashlib
import json
import os
import select
import signal
import stat
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ingest.clean import CleanResult
from ingest.errors import NAME_SEPARATOR, LoadError
from ingest.fileio import atomic_write_text
from ingest.load import DEFAULT_LIMITS, LoadLimits
from ingest.records import RawDocument

_ROOT = Path(__file__).resolve().parent.parent
_CODE_FILES = ("load.py", "clean.py", "sandbox.py")
_KILL_WAIT = 10.0
_START_SECONDS = 60.0  # for the loader process to start and import a format's parser (not the file's time)
# imported before a file's clock starts: their import time is not the file's fault
_PARSERS = {
    ".docx": ("docx", "lxml.etree"),
    ".pdf": ("pypdf",),
    ".html": ("trafilatura",),
    ".htm": ("trafilatura",),
    ".txt": ("charset_normalizer",),
    ".md": ("charset_normalizer",),
}


@dataclass(frozen=True)
class LoadOutcome:
    """What became of one file: its raw and cleaned text, or the reason it was refused."""

    name: str
    raw: RawDocument | None
    cleaned: CleanResult | None
    refusal: str | None
    peak_rss_mb: float = 0.0  # the loader process' peak resident memory so far
    seconds: float = 0.0
    cached: bool = False

    def unwrap(self) -> tuple[RawDocument, CleanResult]:
        if self.raw is None or self.cleaned is None:
            raise LoadError(self.refusal or f"{self.name}：無法讀取")
        return self.raw, self.cleaned


# --------------------------------------------------------------------------- the parent side


class Reader:
    """Reads files through the loader process; a context manager (the process ends with it)."""

    def __init__(
        self, limits: LoadLimits = DEFAULT_LIMITS, cache_dir: Path | None = None, *, prune: bool = True
    ) -> None:
        """``prune``: at close, forget cached files this reader did not read (a whole-corpus scan)."""
        self.limits = limits
        self.prune = prune
        self.cache = OutcomeCache(Path(cache_dir), limits) if cache_dir is not None else None
        self._proc: subprocess.Popen | None = None
        self._buffer = b""

    def __enter__(self) -> Reader:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def read(self, path: Path, name: str) -> LoadOutcome:
        """Load and clean ``path`` (shown as ``name``) within the limits."""
        digest = _file_digest(Path(path), self.limits)
        if self.cache is not None and digest is not None:
            cached = self.cache.get(digest, Path(path).suffix.lower(), name)
            if cached is not None:
                return cached
        outcome = self._read_in_child(Path(path), name)
        if self.cache is not None and outcome.raw is not None:
            self.cache.put(outcome.raw.content_hash, Path(path).suffix.lower(), outcome)
        elif self.cache is not None and digest is not None:
            self.cache.put(digest, Path(path).suffix.lower(), outcome)
        return outcome

    def _read_in_child(self, path: Path, name: str) -> LoadOutcome:
        """Send one request; the clock starts when the child says it has its parser loaded."""
        proc = self._process()
        request = json.dumps({"path": str(path.absolute()), "name": name}) + "\n"
        start = time.monotonic()
        line = None
        assert proc.stdin is not None  # the child is started with stdin=PIPE
        try:
            proc.stdin.write(request.encode("utf-8"))
            proc.stdin.flush()
            if self._read_line(proc, start + _START_SECONDS) is not None:  # "started"
                start = time.monotonic()
                line = self._read_line(proc, start + self.limits.load_seconds)
        except BrokenPipeError:
            line = None
        seconds = time.monotonic() - start
        if line is None:
            return self._killed_outcome(name, seconds)
        reply = json.loads(line)
        if reply.get("restart"):
            self._stop()
        return _outcome_from_reply(name, reply, seconds)

    def _killed_outcome(self, name: str, seconds: float) -> LoadOutcome:
        proc = self._proc
        peak = _peak_rss_mb(proc.pid) if proc is not None else 0.0
        timed_out = proc is not None and proc.poll() is None
        self._stop()
        if timed_out:
            refusal = (
                f"{name}：讀取超過 {self.limits.load_seconds:g} 秒，超過上限 "
                f"load_seconds={self.limits.load_seconds:g}；請分割或簡化檔案"
            )
        else:
            refusal = (
                f"{name}：讀取時讀檔程序中止了（超過記憶體上限 "
                f"load_memory_mb={self.limits.load_memory_mb}，或解析器當掉）；"
                "請分割或簡化檔案，或轉成 .txt 檔"
            )
        return LoadOutcome(name, None, None, refusal, peak, seconds)

    def _process(self) -> subprocess.Popen:
        if self._proc is None or self._proc.poll() is not None:
            pythonpath = os.pathsep.join(filter(None, [str(_ROOT), os.environ.get("PYTHONPATH")]))
            env = {**os.environ, "PYTHONPATH": pythonpath}
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "ingest.sandbox", json.dumps(self.limits.to_dict())],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=env,
                cwd=_ROOT,
            )
            self._buffer = b""
        return self._proc

    def _read_line(self, proc: subprocess.Popen, deadline: float) -> bytes | None:
        """One reply line, or None when the child died or the deadline passed."""
        assert proc.stdout is not None  # the child is started with stdout=PIPE
        fd = proc.stdout.fileno()
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            ready, _, _ = select.select([fd], [], [], remaining)
            if not ready:
                return None
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                return None
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line

    def _stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=_KILL_WAIT)
        for stream in (proc.stdin, proc.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass

    def close(self) -> None:
        proc = self._proc
        if proc is not None and proc.poll() is None and proc.stdin is not None:
            try:
                proc.stdin.close()  # the child ends at end of input
                proc.wait(timeout=_KILL_WAIT)
            except (OSError, subprocess.TimeoutExpired):
                pass
        self._stop()
        if self.cache is not None and self.prune:
            self.cache.prune()


def _file_digest(path: Path, limits: LoadLimits) -> str | None:
    """sha256 of a regular file within the size limit (None otherwise: the child refuses it)."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > limits.max_file_mb * 1048576:
                return None
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


def _peak_rss_mb(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _outcome_from_reply(name: str, reply: dict, seconds: float) -> LoadOutcome:
    peak = float(reply.get("peak_rss_mb", 0.0))
    if "refused" in reply:
        return LoadOutcome(name, None, None, str(reply["refused"]), peak, seconds)
    raw = RawDocument(**{**reply["raw"], "source": name, "pages": tuple(reply["raw"]["pages"])})
    data = reply["cleaned"]
    cleaned = CleanResult([(text, page) for text, page in data["paragraphs"]], data["published"], data["removed"])
    return LoadOutcome(name, raw, cleaned, None, peak, seconds)


# --------------------------------------------------------------------------- the outcome cache


class OutcomeCache:
    """One JSON file per (content hash, extension, loader code, limits) under ``directory``."""

    def __init__(self, directory: Path, limits: LoadLimits) -> None:
        self.directory = directory
        self._salt = _salt(limits)
        self._used: set[str] = set()

    def _key(self, digest: str, extension: str) -> str:
        return hashlib.sha256(f"{self._salt}\x00{extension}\x00{digest}".encode()).hexdigest()[:40]

    def get(self, digest: str, extension: str, name: str) -> LoadOutcome | None:
        key = self._key(digest, extension)
        try:
            reply = json.loads((self.directory / f"{key}.json").read_text(encoding="utf-8"))
            outcome = _outcome_from_reply(name, reply, 0.0)
        except (OSError, ValueError, KeyError, TypeError):
            return None
        self._used.add(key)
        if outcome.refusal is not None:  # the reason names the file as it was called then
            refusal = outcome.refusal.split(NAME_SEPARATOR, 1)[-1]
            outcome = LoadOutcome(
                name,
                None,
                None,
                f"{name}{NAME_SEPARATOR}{refusal}（內容與先前拒絕的檔案相同，未重新讀取）",
                0.0,
                0.0,
                True,
            )
        else:
            outcome = LoadOutcome(name, outcome.raw, outcome.cleaned, None, 0.0, 0.0, True)
        return outcome

    def put(self, digest: str, extension: str, outcome: LoadOutcome) -> None:
        """Best effort: an unwritable cache only costs reading the file again next time."""
        key = self._key(digest, extension)
        self._used.add(key)
        reply: dict[str, Any]
        if outcome.refusal is not None:
            reply = {"refused": outcome.refusal}
        else:
            assert outcome.raw is not None and outcome.cleaned is not None  # a load that was not refused
            reply = {
                "raw": {k: v for k, v in asdict(outcome.raw).items() if k != "source"},
                "cleaned": asdict(outcome.cleaned),
            }
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            atomic_write_text(self.directory / f"{key}.json", json.dumps(reply, ensure_ascii=False), durable=False)
        except OSError:
            pass

    def prune(self) -> None:
        """Forget files no longer in the corpus (and temp files of killed writers)."""
        if not self._used or not self.directory.is_dir():
            return
        for path in self.directory.iterdir():
            if path.suffix == ".json" and path.stem not in self._used:
                path.unlink(missing_ok=True)


def _salt(limits: LoadLimits) -> str:
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256(json.dumps(limits.to_dict(), sort_keys=True).encode())
    for name in _CODE_FILES:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()


# --------------------------------------------------------------------------- the child side


def _child_main(limits_json: str) -> int:
    """Read requests from stdin, answer on stdout, one JSON line each, within ``RLIMIT_AS``."""
    import logging
    import resource

    limits = LoadLimits(**json.loads(limits_json))
    memory = limits.load_memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C goes to the parent, which stops us
    _die_with_parent()
    logging.disable(logging.CRITICAL)
    out = sys.stdout.buffer
    for line in sys.stdin.buffer:
        request = json.loads(line)
        for module in _PARSERS.get(Path(request["path"]).suffix.lower(), ()):
            __import__(module)
        out.write(b"started\n")
        out.flush()
        reply = _serve_one(Path(request["path"]), request["name"], limits)
        # VmHWM, not ru_maxrss: Linux keeps ru_maxrss across exec, so it would report the size
        # of the (possibly large) process that started this one
        reply["peak_rss_mb"] = _peak_rss_mb(os.getpid())
        out.write(json.dumps(reply, ensure_ascii=False).encode("utf-8") + b"\n")
        out.flush()
        if reply.get("restart"):
            return 0
    return 0


def _die_with_parent() -> None:
    """Linux: SIGKILL this process when its parent dies (a killed build leaves no parser running)."""
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent died before prctl took effect
        os._exit(0)


def _serve_one(path: Path, name: str, limits: LoadLimits) -> dict:
    from ingest.clean import clean_document
    from ingest.load import load_file

    try:
        raw = load_file(path, None, limits)
        cleaned = clean_document(raw)
    except LoadError as exc:
        return {"refused": _renamed(str(exc), path.name, name)}
    except MemoryError:
        return {
            "refused": f"{name}：讀取需要的記憶體超過上限 load_memory_mb={limits.load_memory_mb}；請分割或簡化檔案",
            "restart": True,
        }
    except RecursionError:
        return {"refused": f"{name}：巢狀結構太深，無法讀取；請簡化檔案或轉成 .txt 檔"}
    except Exception as exc:  # noqa: BLE001 - any parser failure is a refusal of this one file
        return {
            "refused": f"{name}：無法讀取（{type(exc).__name__}: {_short(exc)}），檔案可能已損壞；"
            "請開啟後重新儲存，或轉成 .txt 檔"
        }
    raw_dict = asdict(raw)
    raw_dict.pop("source")
    return {"raw": raw_dict, "cleaned": asdict(cleaned)}


def _renamed(message: str, file_name: str, name: str) -> str:
    return f"{name}{message[len(file_name) :]}" if message.startswith(file_name) else message


def _short(exc: BaseException, limit: int = 200) -> str:
    text = str(exc).replace("\n", " ")
    return text if len(text) <= limit else text[:limit] + "…"


if __name__ == "__main__":
    sys.exit(_child_main(sys.argv[1]))
