"""The UI server as a subprocess: cold start to its first answer, and its peak RSS.

``sousei serve`` is started on a free 127.0.0.1 port; the clock runs from process start
to the first answer returned by the UI's ``/ask`` endpoint (through ``gradio_client``,
imported before the clock starts), which includes the model load and the index open
(the service loads both on the first question). Then more questions are asked; the RSS
of the server process tree is sampled throughout (peak) and read again at the end.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

from bench.encoders import ROOT, cli_cmd
from bench.measure import MB, PeakSampler, child_env, free_port, summarize, wait_for_port

SERVER_START_TIMEOUT = 180.0


class ServerError(RuntimeError):
    """The server did not start or did not answer; the message has its stderr tail."""


def start_server(kind: str, index_dir: Path, corpus_dir: Path, port: int, log_path: Path) -> subprocess.Popen:
    cmd = cli_cmd(
        kind,
        "serve",
        "--index",
        str(index_dir),
        "--corpus",
        str(corpus_dir),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    )
    log = open(log_path, "w", encoding="utf-8")
    return subprocess.Popen(
        cmd, cwd=str(ROOT), env=child_env({"GRADIO_ANALYTICS_ENABLED": "False"}), stdout=log, stderr=subprocess.STDOUT
    )


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def ask_ui(client, question: str) -> str:
    """One question through the UI's ``/ask`` endpoint (question, empty chat); returns the
    answer message's HTML."""
    result = client.predict(question, [], api_name="/ask")
    chat = result[0] if isinstance(result, (list, tuple)) else []
    for message in reversed(chat or []):
        if isinstance(message, dict) and message.get("role") == "assistant":
            content = message.get("content")
            if isinstance(content, list):
                return "".join(part.get("text", "") for part in content if isinstance(part, dict))
            return str(content)
    return str(result)


def _log_tail(log_path: Path) -> str:
    try:
        return Path(log_path).read_text(encoding="utf-8", errors="replace")[-1500:]
    except OSError:
        return ""


def serve_and_ask(
    kind: str, index_dir: Path, corpus_dir: Path, questions: Sequence[str], work_dir: Path, attempts: int = 2
) -> dict:
    """:func:`serve_once`, retried once: under heavy load Gradio's own localhost self-check at
    launch can time out and stop the server before it answers (seen once at 100k passages)."""
    import httpx

    for attempt in range(1, attempts + 1):
        try:
            result = serve_once(kind, index_dir, corpus_dir, questions, work_dir)
            result["attempts"] = attempt
            return result
        except (ServerError, httpx.HTTPError):
            if attempt == attempts:
                raise
    raise AssertionError("unreachable")


def serve_once(kind: str, index_dir: Path, corpus_dir: Path, questions: Sequence[str], work_dir: Path) -> dict:
    """Cold start to the first UI answer, warm UI answer times, and the server's RSS."""
    from gradio_client import Client

    port = free_port()
    log_path = Path(work_dir) / f"server-{port}.log"
    start = time.perf_counter()
    proc = start_server(kind, index_dir, corpus_dir, port, log_path)
    try:
        with PeakSampler(proc.pid) as sampler:
            if not wait_for_port(port, proc, SERVER_START_TIMEOUT):
                raise ServerError(f"the server did not start on port {port}:\n{_log_tail(log_path)}")
            ready_s = time.perf_counter() - start
            idle_mb = sampler.sample() / MB
            client = Client(f"http://127.0.0.1:{port}/", verbose=False)
            html = ask_ui(client, questions[0])
            first_s = time.perf_counter() - start
            warm = []
            for question in questions[1:]:
                begin = time.perf_counter()
                ask_ui(client, question)
                warm.append((time.perf_counter() - begin) * 1000)
            final_mb = sampler.sample() / MB
        if "sousei-answer" not in html:
            raise ServerError(f"unexpected UI answer: {html[:300]!r}\n{_log_tail(log_path)}")
    finally:
        stop_server(proc)
    return {
        "ready_s": round(ready_s, 3),
        "first_answer_s": round(first_s, 3),
        "idle_rss_mb": round(idle_mb, 1),
        "rss_after_mb": round(final_mb, 1),
        "peak_rss_mb": round(sampler.peak / MB, 1),
        "warm_ui_ms": summarize(warm),
    }
