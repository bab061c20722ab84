"""UI round trip: HTTP client -> answer, against a running ``sousei serve`` (or one it starts).

Speaks Gradio's queue protocol as the page does (POST ``/gradio_api/queue/join``, then the
``/gradio_api/queue/data`` event stream until ``process_completed``) and reports p50/p95 in ms
with the machine load. Questions are those of ``tests/data/answer_questions.jsonl``, each asked
once (no cache hits: ``first_ask``) and then again (``repeated``: the server's query and sentence
caches are warm, so what remains is HTTP, Gradio's queue and rendering), each with an empty chat
and with a chat of ``--history`` earlier turns.

    python -m bench.ui_roundtrip [--url http://127.0.0.1:7860/] [--index DIR] [-n 40]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from typing import Any

import httpx

from chat.config import PROJECT_ROOT
from chat.ui import EXAMPLE_QUESTIONS
from ingest.fileio import read_jsonl

QUESTIONS = PROJECT_ROOT / "tests" / "data" / "answer_questions.jsonl"


def fn_index(client: httpx.Client, url: str, api_name: str = "ask") -> int:
    config = client.get(url + "config").json()
    for i, dep in enumerate(config["dependencies"]):
        if dep.get("api_name") == api_name:
            return dep.get("id", i)
    raise SystemExit(f"no event with api_name {api_name!r} at {url}")


def call(client: httpx.Client, url: str, fn: int, data: list, session: str | None = None) -> tuple[float, dict]:
    """One queued call; (seconds, the process_completed message)."""
    session = session or uuid.uuid4().hex[:11]
    start = time.perf_counter()
    joined = client.post(
        url + "gradio_api/queue/join", json={"data": data, "fn_index": fn, "session_hash": session, "event_data": None}
    )
    joined.raise_for_status()
    with client.stream("GET", url + "gradio_api/queue/data", params={"session_hash": session}) as stream:
        for line in stream.iter_lines():
            if not line.startswith("data:"):
                continue
            message = json.loads(line[5:])
            if message.get("msg") == "process_completed":
                return time.perf_counter() - start, message
    raise RuntimeError("the event stream ended without process_completed")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def start_server(index: str | None, port: int) -> subprocess.Popen:
    args = [sys.executable, "-m", "chat.cli", "serve", "--port", str(port)] + (["--index", index] if index else [])
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/config", timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.3)
    process.terminate()
    raise SystemExit("the server did not start within 120 s")


def summary(times: list[float]) -> dict:
    return {
        "calls": len(times),
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
        "min_ms": round(min(times), 1),
    }


def measure(url: str, history_turns: int) -> dict:
    questions = [row["q"] for row in read_jsonl(QUESTIONS)]
    half = len(questions) // 2
    with httpx.Client(timeout=60) as client:
        fn = fn_index(client, url)
        _, warm = call(client, url, fn, [EXAMPLE_QUESTIONS[0], []])  # model loaded, index open
        history: list[Any] = []
        for _ in range(history_turns):
            _, message = call(client, url, fn, [EXAMPLE_QUESTIONS[1], history])
            history = message["output"]["data"][0]
        result: dict = {"url": url}
        for run in ("first_ask", "repeated"):  # repeated: the server's answer caches are warm, so
            empty: list[float] = []  # what remains is the HTTP/Gradio/rendering path
            longer: list[float] = []
            for i, q in enumerate(questions):
                seconds, message = call(client, url, fn, [q, [] if i < half else history])
                if not message.get("success"):
                    raise SystemExit(f"call failed: {message}")
                (empty if i < half else longer).append(seconds * 1000)
            result[run] = {"empty_chat": summary(empty), f"chat_of_{history_turns}_turns": summary(longer)}
    result["load"] = [round(x, 2) for x in os.getloadavg()]
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running server (default: start sousei serve on a free port)")
    parser.add_argument("--index", help="index directory for the server this starts")
    parser.add_argument("--port", type=int, default=7899)
    parser.add_argument("--history", type=int, default=10, help="earlier turns in the chat for the second half")
    args = parser.parse_args(argv)
    process = None if args.url else start_server(args.index, args.port)
    try:
        url = (args.url or f"http://127.0.0.1:{args.port}/").rstrip("/") + "/"
        print(json.dumps(measure(url, args.history)))
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=20)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
