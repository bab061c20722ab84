"""Issue 14 figures: each hostile case run through the real CLI of two checkouts (before / after).

    python -m bench.hostile --before /tmp/sousei-before [--after .] [--cap-seconds 60] [--cap-gb 3] [--only NAME]

``--before`` is a checkout of the code before the change (e.g. ``git archive <commit> | tar -x -C DIR``).
Every case builds its file in a temp dir (sizes from the issue), runs ``python -m chat.cli ...`` with
that checkout first on ``PYTHONPATH`` against a copy of the seed corpus and an index built by it
(a tiny random sentence-transformers model, so embedding costs nothing), and records the wall time,
the peak RSS of the whole process tree (the CLI and any loader child), and the outcome. A run over
``--cap-seconds`` or ``--cap-gb`` is killed and reported as "> cap". Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent.parent
SEEDS = HERE / "corpus"
GB = 1024**3


@dataclass
class Run:
    seconds: float
    peak_mb: float
    outcome: str


@dataclass
class Case:
    name: str
    prepare: Callable[[Path, Path], list[str]]  # (work dir, corpus) -> CLI arguments (before the common options)
    stdin: bytes | None = None
    shell: str | None = None  # a shell template wrapping the CLI (mount namespaces)


def _measure(command: list[str], env: dict, stdin: bytes | None, cap_seconds: float, cap_bytes: int) -> tuple:
    start = time.monotonic()
    proc = subprocess.Popen(
        command,
        env=env,
        cwd=env["PYTHONPATH"],
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    if stdin is not None and proc.stdin is not None:
        proc.stdin.write(stdin)
        proc.stdin.close()
    out_file, err_file = tempfile.TemporaryFile(), tempfile.TemporaryFile()
    import threading

    pumps = [
        threading.Thread(target=shutil.copyfileobj, args=(src, dst))
        for src, dst in ((proc.stdout, out_file), (proc.stderr, err_file))
    ]
    for pump in pumps:
        pump.start()
    peak, capped = 0, ""
    root = psutil.Process(proc.pid)
    while proc.poll() is None:
        try:
            rss = sum(p.memory_info().rss for p in [root, *root.children(recursive=True)])
        except psutil.Error:
            rss = 0
        peak = max(peak, rss)
        elapsed = time.monotonic() - start
        if elapsed > cap_seconds or rss > cap_bytes:
            capped = "time" if elapsed > cap_seconds else "memory"
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            break
        time.sleep(0.05)
    seconds = time.monotonic() - start
    for pump in pumps:
        pump.join()
    out_file.seek(0)
    err_file.seek(0)
    return (
        proc.returncode,
        out_file.read().decode("utf-8", "replace"),
        err_file.read().decode("utf-8", "replace"),
        seconds,
        peak,
        capped,
    )


def _outcome(code: int, out: str, err: str, capped: str, cap_seconds: float, cap_bytes: int) -> str:
    extra = [line.removeprefix("BENCH ") for line in out.splitlines() if line.startswith("BENCH ")]
    return "; ".join([_status(code, err, capped, cap_seconds, cap_bytes), *extra])


def _status(code: int, err: str, capped: str, cap_seconds: float, cap_bytes: int) -> str:
    if capped == "time":
        return f"killed at the {cap_seconds:.0f} s cap"
    if capped == "memory":
        return f"killed at the {cap_bytes / GB:.0f} GB cap"
    if "Traceback (most recent call last)" in err:
        last = [line for line in err.strip().splitlines() if line.strip()][-1]
        return f"traceback: {last[:90]}"
    message = next((line for line in err.splitlines() if line.startswith("error: ") or line.startswith("- ")), "")
    message = next((line for line in err.splitlines() if line.startswith("- ")), message)
    warnings = [line for line in err.splitlines() if line.startswith("warning: ")]
    summary = f"exit {code}"
    if message:
        summary += f": {message.removeprefix('error: ').removeprefix('- ')[:110]}"
    elif warnings:
        summary += f"; {len(warnings)} warning(s): {warnings[0].removeprefix('warning: ')[:90]}"
    return summary


# --------------------------------------------------------------------------- cases


def _file_case(name: str, writer: Callable[[Path], Path]) -> Case:
    return Case(name, lambda work, corpus: ["add", str(writer(work / "uploads"))])


def _cases() -> list[Case]:
    from tests import hostile_files as hf

    def link_to_dev_zero(work: Path, corpus: Path) -> list[str]:
        link = work / "uploads" / "zero.txt"
        link.parent.mkdir(parents=True, exist_ok=True)
        os.symlink("/dev/zero", link)
        return ["add", str(link)]

    def link_to_secret(work: Path, corpus: Path) -> list[str]:
        lines = "".join(
            f"user{i}:x:{1000 + i}:{1000 + i}:第{i}位使用者的密碼是 hunter2:/home/user{i}:/bin/bash\n"
            for i in range(20)
        )
        secret = hf.write_article(work / "outside", "passwd.txt", lines)
        os.symlink(secret, corpus / "passwd.txt")
        return ["build"]

    def link_to_big(work: Path, corpus: Path) -> list[str]:
        big = work / "outside" / "big.txt"
        big.parent.mkdir(parents=True, exist_ok=True)
        with open(big, "wb") as handle:
            handle.truncate(GB)
        os.symlink(big, corpus / "big.txt")
        return ["build"]

    def sidecar(data: bytes) -> Callable[[Path, Path], list[str]]:
        def prepare(work: Path, corpus: Path) -> list[str]:
            (corpus / "000_52ed3b7e36387b18.txt.meta.json").write_bytes(data)
            return ["build"]

        return prepare

    def batch(work: Path, corpus: Path) -> list[str]:
        lines = [json.dumps({"id": i, "q": "地方創生"}) for i in range(1, 18)]
        lines[9] = "{not json"
        path = work / "batch.jsonl"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return ["ask", "--batch", str(path)]

    def title_escape(work: Path, corpus: Path) -> list[str]:
        (corpus / "000_52ed3b7e36387b18.txt.meta.json").write_text(
            json.dumps({"title": "\x1b]0;pwned\x07\x1b[2J假標題"}), encoding="utf-8"
        )
        return ["build"]

    return [
        _file_case("docx: 3 GB zero-filled image part (3 MB file)", lambda d: hf.write_docx_zero_image(d, 3072)),
        _file_case("docx: 300 MB document.xml", lambda d: hf.write_docx_huge_document(d, 300)),
        _file_case('docx: table cell gridSpan="100000000"', hf.write_docx_grid_span),
        _file_case('docx: gridSpan="abc"', lambda d: hf.write_docx_grid_span(d, "abc", "abc.docx")),
        _file_case("docx: vMerge in the first table row", hf.write_docx_vmerge_first_row),
        _file_case("docx: Deflate64 member", hf.write_docx_member_method),
        _file_case("docx: encrypted zip member", hf.write_docx_encrypted_member),
        _file_case("html: 100k <p>", lambda d: hf.write_html_paragraphs(d, 100_000)),
        _file_case('html: <meta charset="undefined">', hf.write_html_undefined_charset),
        _file_case("pdf: page tree repeating one page 99,000 times", hf.write_pdf_repeated_page),
        _file_case("txt: 15 MB on one line, no punctuation", lambda d: hf.write_text_one_line(d, 15)),
        _file_case("txt: 700k short lines", lambda d: hf.write_text_many_lines(d, 700_000)),
        _file_case("txt: private-use characters only", hf.write_private_use_text),
        _file_case("txt: symbols only (not language)", hf.write_symbol_text),
        Case("add a link to /dev/zero", link_to_dev_zero),
        Case("build: corpus link to a file outside (passwd-like)", link_to_secret),
        Case("build: corpus link to a 1 GB file outside", link_to_big),
        Case("build: sidecar with a UTF-8 BOM", sidecar(b'\xef\xbb\xbf{"title": "BOM"}')),
        Case("build: sidecar holding a JSON list", sidecar(b'["a"]')),
        Case("build: sidecar nested 100k deep", sidecar(b"[" * 100_000 + b"]" * 100_000)),
        Case("batch: malformed line 10 of 17", batch),
        Case(
            "ask --batch - (stdin)",
            lambda work, corpus: ["ask", "--batch", "-"],
            stdin=(json.dumps({"id": 1, "q": "地方創生"}) + "\n").encode(),
        ),
        Case("build, then articles: ESC/BEL in a sidecar title", title_escape),
        Case(
            "ask on a read-only index",
            lambda work, corpus: ["ask", "關係人口是什麼？"],
            shell="mount --bind {state} {state} && mount -o remount,bind,ro {state} && exec {cli}",
        ),
        Case(
            "add on a full disk (tmpfs)",
            lambda work, corpus: [
                "add",
                str(hf.write_article(work / "uploads", "new.txt", "北海道夕張市的雪融發電計畫，" * 400 + "。")),
            ],
            shell="mount -t tmpfs -o size={tight} tmpfs {small} && cp -a {state} {small}/ && "
            "{cli_small}; rc=$?; echo BENCH temp files left: $(find {small} -name '.*tmp-*' | wc -l); "
            "echo BENCH new file left in the corpus: $(ls {corpus} | grep -c '^new.txt$'); exit $rc",
        ),
    ]


# --------------------------------------------------------------------------- running


def _env(root: Path) -> dict:
    """The checkout first on the path (``python -m`` also puts the working directory first: it is ``root``)."""
    return {**os.environ, "PYTHONPATH": str(root)}


def _prebuilt(root: Path, model: Path, where: Path) -> Path:
    """The seed corpus and its index built by ``root``'s CLI (copied for every case)."""
    corpus, state = where / "corpus", where / "state"
    shutil.copytree(SEEDS, corpus)
    command = [
        sys.executable,
        "-m",
        "chat.cli",
        "build",
        "--corpus",
        str(corpus),
        "--index",
        str(state / "index"),
        "--model",
        str(model),
        "--model-cache",
        str(state / "models"),
        "--json",
    ]
    subprocess.run(command, env=_env(root), cwd=root, check=True, capture_output=True)
    return where


def run_case(case: Case, root: Path, model: Path, prebuilt: Path, cap_seconds: float, cap_bytes: int) -> Run:
    work = Path(tempfile.mkdtemp(prefix="hostile-"))
    try:
        shutil.copytree(prebuilt, work, dirs_exist_ok=True, symlinks=True)
        corpus, state = work / "corpus", work / "state"
        (work / "uploads").mkdir(exist_ok=True)
        arguments = case.prepare(work, corpus)

        def cli(index: Path) -> list[str]:
            return [
                sys.executable,
                "-m",
                "chat.cli",
                *arguments,
                "--corpus",
                str(corpus),
                "--index",
                str(index),
                "--model",
                str(model),
                "--model-cache",
                str(state / "models"),
            ]

        command = cli(state / "index")
        if case.shell:
            small = work / "small"
            small.mkdir()
            used = sum(-(-p.stat().st_size // 4096) * 4096 if p.is_file() else 4096 for p in state.rglob("*"))
            script = case.shell.format(
                state=state,
                small=small,
                corpus=corpus,
                tight=used + 16 * 1024,
                cli=" ".join(map(_quote, command)),
                cli_small=" ".join(map(_quote, cli(small / "state" / "index"))),
            )
            command = ["unshare", "-m", "sh", "-c", script]
        code, out, err, seconds, peak, capped = _measure(command, _env(root), case.stdin, cap_seconds, cap_bytes)
        outcome = _outcome(code, out, err, capped, cap_seconds, cap_bytes)
        if case.name.startswith("batch"):
            outcome += f"; {sum(1 for line in out.splitlines() if line.startswith('{'))} JSON lines out"
        if "passwd" in case.name:
            index_text = state / "index" / "passages.jsonl"
            quoted = index_text.is_file() and "hunter2" in index_text.read_text(encoding="utf-8")
            outcome += "; secret indexed" if quoted else "; secret not indexed"
        if "ESC" in case.name:
            listing = subprocess.run(
                cli(state / "index")[:3] + ["articles", *cli(state / "index")[4:]],
                env=_env(root),
                cwd=root,
                capture_output=True,
            )
            outcome += "; raw ESC printed" if b"\x1b" in listing.stdout else "; ESC shown escaped"
        return Run(seconds, peak / 1048576, outcome)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _quote(text: str) -> str:
    import shlex

    return shlex.quote(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, type=Path)
    parser.add_argument("--after", default=HERE, type=Path)
    parser.add_argument("--cap-seconds", type=float, default=60.0)
    parser.add_argument("--cap-gb", type=float, default=3.0)
    parser.add_argument("--only", default="")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    from tests.reliability_support import make_tiny_model

    scratch = Path(tempfile.mkdtemp(prefix="hostile-bench-"))
    try:
        model = make_tiny_model(scratch / "model")
        roots = {"before": args.before.resolve(), "after": args.after.resolve()}
        prebuilt = {label: _prebuilt(root, model, scratch / label) for label, root in roots.items()}
        rows = []
        print("| case | before: time, peak RSS, outcome | after: time, peak RSS, outcome |")
        print("|---|---|---|")
        for case in _cases():
            if args.only and args.only not in case.name:
                continue
            runs = {
                label: run_case(case, root, model, prebuilt[label], args.cap_seconds, args.cap_gb * GB)
                for label, root in roots.items()
            }
            cells = [f"{r.seconds:.1f} s, {r.peak_mb:,.0f} MB, {r.outcome}" for r in runs.values()]
            print(f"| {case.name} | {cells[0]} | {cells[1]} |", flush=True)
            rows.append({"case": case.name, **{k: vars(v) for k, v in runs.items()}})
        if args.json:
            args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
