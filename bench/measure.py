"""Timing and memory helpers: medians and p95, child processes with their peak RSS.

Peak RSS of a child is the kernel's high-water mark (``VmHWM`` in ``/proc/PID/status``)
read while the child is alive, and otherwise the maximum of psutil samples taken every
few milliseconds over the child and its descendants.
"""

from __future__ import annotations

import os
import platform
import resource
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

MB = 1024 * 1024
SAMPLE_SECONDS = 0.02


def summarize(samples_ms: Sequence[float]) -> dict:
    """n, p50, p95, mean, min and max of a list of milliseconds (rounded to 0.01 ms)."""
    values = np.asarray(list(samples_ms), dtype=np.float64)
    if not len(values):
        return {"n": 0, "p50": None, "p95": None, "mean": None, "min": None, "max": None}
    return {
        "n": int(len(values)),
        "p50": _r(np.median(values)),
        "p95": _r(np.percentile(values, 95)),
        "mean": _r(values.mean()),
        "min": _r(values.min()),
        "max": _r(values.max()),
    }


def _r(value: float) -> float:
    return round(float(value), 2)


def elapsed_ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000.0


def timed(fn: Callable[[], object]) -> tuple[object, float]:
    """``fn()`` and its wall time in seconds."""
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


# --------------------------------------------------------------------------- memory


def vm_hwm_bytes(pid: int) -> int | None:
    """The kernel's peak RSS of a live process (Linux), or None."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def tree_rss_bytes(pid: int) -> int:
    """Current RSS of a process plus its descendants (0 once it is gone)."""
    import psutil

    try:
        proc = psutil.Process(pid)
        procs = [proc] + proc.children(recursive=True)
    except psutil.Error:
        return 0
    total = 0
    for item in procs:
        try:
            total += item.memory_info().rss
        except psutil.Error:
            continue
    return total


class PeakSampler:
    """Samples the RSS of a process tree in a background thread; ``peak`` = the largest seen."""

    def __init__(self, pid: int, interval: float = SAMPLE_SECONDS) -> None:
        self.pid, self.interval = pid, interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def sample(self) -> int:
        rss = tree_rss_bytes(self.pid)
        hwm = vm_hwm_bytes(self.pid)
        self.peak = max(self.peak, rss, hwm or 0)
        return rss

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join()


# --------------------------------------------------------------------------- child processes


@dataclass
class ChildResult:
    returncode: int
    seconds: float  # process start to exit
    first_line_seconds: float | None  # process start to its first stdout line
    peak_rss_mb: float
    cpu_s: float  # user + system CPU seconds of the child (and its waited-for children)
    stdout: str
    stderr: str
    lines: list[str] = field(default_factory=list)


def child_env(extra: dict | None = None) -> dict:
    """The environment for children: this one, unbuffered, offline model hub, plus ``extra``."""
    env = dict(os.environ)
    env.update(
        {"PYTHONUNBUFFERED": "1", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    )
    env.update(extra or {})
    return env


def run_child(cmd: Sequence[str], *, cwd: Path, env: dict | None = None, timeout: float = 600.0) -> ChildResult:
    """Run ``cmd`` to completion, timing it and its first stdout line, sampling its peak RSS."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(
        list(cmd),
        cwd=str(cwd),
        env=env or child_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    first: list[float] = []
    lines: list[str] = []
    errors: list[str] = []
    assert proc.stdout is not None and proc.stderr is not None  # both are pipes
    stderr = proc.stderr
    err_thread = threading.Thread(target=lambda: errors.append(stderr.read()), daemon=True)
    err_thread.start()
    with PeakSampler(proc.pid) as sampler:
        for line in proc.stdout:
            if not first:
                first.append(time.perf_counter() - start)
            lines.append(line)
        proc.wait(timeout=timeout)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    err_thread.join()
    return ChildResult(
        proc.returncode,
        seconds,
        first[0] if first else None,
        round(sampler.peak / MB, 1),
        round(cpu, 2),
        "".join(lines),
        "".join(errors),
        lines,
    )


def python_cmd(*args: str) -> list[str]:
    """``[this python, -X, utf8, *args]``."""
    return [sys.executable, "-X", "utf8", *args]


# --------------------------------------------------------------------------- servers


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (the one helper for servers in tests and bench)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, proc: subprocess.Popen, timeout: float) -> bool:
    """True once 127.0.0.1:port accepts a connection; False if ``proc`` died or time ran out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


# --------------------------------------------------------------------------- machine


def machine_info() -> dict:
    """What the numbers were measured on (CPU, cores, memory, load, versions)."""
    import psutil

    return {
        "cpu": _cpu_model(),
        "cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / (1024**3), 1),
        "load_average": [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": _versions(("torch", "sentence-transformers", "faiss-cpu", "bm25s", "jieba", "gradio", "numpy")),
        "threads_env": {k: os.environ[k] for k in ("OMP_NUM_THREADS",) if k in os.environ},
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _versions(names: Sequence[str]) -> dict:
    from importlib.metadata import PackageNotFoundError, version

    found: dict[str, str | None] = {}
    for name in names:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = None
    return found


def load_average() -> list[float] | None:
    return [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None
