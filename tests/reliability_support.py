"""Helpers for the reliability and security tests (issue 7).

* ``make_tiny_model`` writes a real sentence-transformers model directory (a one-layer BERT
  with random weights and a character vocabulary) that ``--model PATH`` loads like any other
  model: the real CLI, the real ``index.model`` loaders, in-process or in a subprocess, fast.
* ``run_cli`` calls ``chat.cli.main`` in-process and captures its exit code, output and time.
* ``tree_snapshot`` / ``index_snapshot`` record a directory or an index so a test can prove
  that nothing else changed.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from chat.config import PROJECT_ROOT
from ingest.fileio import read_jsonl, sha256_hex

SEED_CORPUS = PROJECT_ROOT / "corpus"
TRACEBACK = "Traceback (most recent call last)"
_TINY_MODELS: dict[str, Path] = {}  # one tiny model per test session and directory

# A fixed, offline set of questions whose answers are compared before and after damage.
PROBE_QUESTIONS = (
    "日本希望打造一個多少人活躍的強韌社會？",
    "2021年的地方創生臨時補助金是多少？",
    "處方箋和藥劑要如何配送？",
    "關係人口是什麼？",
)

T = TypeVar("T")


# --------------------------------------------------------------------------- tiny model


def _vocabulary(texts: Iterable[str]) -> list[str]:
    """Special tokens, every non-space character of ``texts`` and printable ASCII, once each."""
    chars = sorted({ch for text in texts for ch in text if not ch.isspace()})
    ascii_chars = [chr(code) for code in range(33, 127)]
    return list(dict.fromkeys(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *ascii_chars, *chars]))


def _tiny_tokenizer(vocab: list[str]):
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    tokenizer = Tokenizer(models.WordPiece({tok: i for i, tok in enumerate(vocab)}, unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=True, handle_chinese_chars=True)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B [SEP]",
        special_tokens=[("[CLS]", vocab.index("[CLS]")), ("[SEP]", vocab.index("[SEP]"))],
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        unk_token="[UNK]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        mask_token="[MASK]",
        model_max_length=256,
    )


def make_tiny_model(directory: Path, texts: Iterable[str] = (), seed: int = 7) -> Path:
    """A sentence-transformers directory: BERT (1 layer, width 32, random weights) + mean pooling."""
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Pooling, Transformer
    from transformers import BertConfig, BertModel

    directory = Path(directory)
    corpus_texts = [p.read_text(encoding="utf-8") for p in sorted(SEED_CORPUS.glob("*.txt"))]
    vocab = _vocabulary([*corpus_texts, *texts, *PROBE_QUESTIONS])
    hf_dir = directory / "hf"
    torch.manual_seed(seed)
    config = BertConfig(
        vocab_size=len(vocab),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=256,
    )
    BertModel(config).save_pretrained(hf_dir)
    _tiny_tokenizer(vocab).save_pretrained(hf_dir)
    transformer = Transformer(str(hf_dir), max_seq_length=256)
    pooling = Pooling(transformer.get_embedding_dimension(), "mean")
    model_dir = directory / "tiny-st"
    SentenceTransformer(modules=[transformer, pooling], device="cpu").save(str(model_dir))
    return model_dir


def tiny_model(tmp_path_factory) -> Path:
    """The session's tiny model directory (created on first use)."""
    key = str(tmp_path_factory.getbasetemp())
    if key not in _TINY_MODELS:
        _TINY_MODELS[key] = make_tiny_model(tmp_path_factory.mktemp("tiny-model"))
    return _TINY_MODELS[key]


# --------------------------------------------------------------------------- a corpus + index setup


@dataclass(frozen=True)
class Setup:
    """Where one test's corpus, index and model live; ``argv`` adds them to a CLI command."""

    corpus: Path
    index: Path
    model: Path
    model_cache: Path

    def options(self) -> list[str]:
        return [
            "--corpus",
            str(self.corpus),
            "--index",
            str(self.index),
            "--model",
            str(self.model),
            "--model-cache",
            str(self.model_cache),
        ]

    def argv(self, *command: str) -> list[str]:
        return [*command, *self.options()]

    def config(self, **overrides):
        from chat.config import Config

        return Config.load(
            corpus_dir=self.corpus,
            index_dir=self.index,
            model=str(self.model),
            model_cache=self.model_cache,
            **overrides,
        )

    def engine(self, **overrides):
        from chat.engine import Engine

        return Engine(self.config(**overrides), say=lambda _message: None)


def make_setup(root: Path, model: Path, corpus_from: Path = SEED_CORPUS) -> Setup:
    """A private copy of ``corpus_from`` in ``root/corpus``; the index (not built yet) goes to
    ``root/state/index``, so its lock files and embedding cache stay inside ``root/state``."""
    root = Path(root)
    corpus = root / "corpus"
    shutil.copytree(corpus_from, corpus)
    return Setup(
        corpus=corpus, index=root / "state" / "index", model=Path(model), model_cache=root / "state" / "model-cache"
    )


def clone_setup(setup: Setup, root: Path, uploads: bool = False) -> Setup:
    """A copy of ``setup``'s corpus and state (index, embedding cache) under ``root``; with
    ``uploads``, an empty ``root``/uploads folder for the files a test adds."""
    root = Path(root)
    shutil.copytree(setup.corpus, root / "corpus", symlinks=True)
    shutil.copytree(setup.index.parent, root / "state", symlinks=True)
    if uploads:
        (root / "uploads").mkdir()
    return Setup(
        corpus=root / "corpus",
        index=root / "state" / setup.index.name,
        model=setup.model,
        model_cache=root / "state" / setup.model_cache.name,
    )


# --------------------------------------------------------------------------- running the CLI


@dataclass(frozen=True)
class CliResult:
    code: int
    out: str
    err: str
    seconds: float

    def json_lines(self) -> list[dict]:
        return [json.loads(line) for line in self.out.splitlines() if line.strip()]


def built_setup(root: Path, model: Path) -> Setup:
    """A private corpus copy with its index already built by ``sousei build``."""
    setup = make_setup(root, model)
    result = run_cli(setup.argv("build", "--json"))
    assert result.code == 0, result.err
    return setup


def run_cli(argv: Sequence[str]) -> CliResult:
    """``chat.cli.main(argv)`` in-process. Exceptions propagate (a traceback fails the test);
    argparse's ``SystemExit`` becomes its exit code."""
    from chat.cli import main

    out, err = io.StringIO(), io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 2
    return CliResult(code, out.getvalue(), err.getvalue(), time.perf_counter() - start)


def assert_clean_failure(result: CliResult, *needles: str) -> None:
    """Exit code 1, an ``error:`` message containing every needle, and no traceback."""
    assert result.code == 1, (result.code, result.out, result.err)
    assert TRACEBACK not in result.err + result.out
    message = error_message(result.err)
    for needle in needles:
        assert needle in message, (needle, message)


def error_message(stderr: str) -> str:
    """The ``error: ...`` message at the end of stderr (model-loading chatter may precede it)."""
    start = stderr.find("error: ")
    assert start == 0 or (start > 0 and stderr[start - 1] in "\r\n"), stderr
    return stderr[start:]


def cli_subprocess(setup: Setup, *command: str, env: dict | None = None, **popen) -> subprocess.Popen:
    """``python -m chat.cli COMMAND ... --json`` as a child process of this test."""
    return subprocess.Popen(
        [sys.executable, "-m", "chat.cli", *setup.argv(*command), "--json"],
        cwd=PROJECT_ROOT,
        env={**os.environ, **(env or {})},
        text=True,
        **popen,
    )


# --------------------------------------------------------------------------- snapshots


def tree_snapshot(directory: Path, skip: Sequence[Path] = ()) -> dict[str, str]:
    """Relative path -> sha256 (or "->target" for links, "/" for folders) of everything under
    ``directory``, hidden files included, except below ``skip``."""
    directory = Path(directory)
    skipped = [Path(s) for s in skip]
    result: dict[str, str] = {}
    for path in sorted(directory.rglob("*")):
        if any(path == s or s in path.parents for s in skipped):
            continue
        key = path.relative_to(directory).as_posix()
        if path.is_symlink():
            result[key] = "->" + os.readlink(path)
        elif path.is_dir():
            result[key] = "/"
        else:
            result[key] = sha256_hex(path.read_bytes())
    return result


def index_snapshot(index_dir: Path) -> dict:
    """What an index holds: per-article entries, passage ids and every passage row."""
    manifest = json.loads((Path(index_dir) / "manifest.json").read_text(encoding="utf-8"))
    rows = read_jsonl(Path(index_dir) / "passages.jsonl")
    return {
        "articles": {a["doc_id"]: a for a in manifest["articles"]},
        "passage_ids": manifest["passage_ids"],
        "passages": {row["id"]: row for row in rows},
        "build_id": manifest["build_id"],
    }


def assert_old_articles_unchanged(before: dict, after: dict, allowed_new: Iterable[str] = ()) -> None:
    """Every article and passage of ``before`` is in ``after`` unchanged; only ``allowed_new`` articles were added."""
    allowed = set(allowed_new)
    assert set(after["articles"]) - set(before["articles"]) <= allowed, sorted(after["articles"])
    for doc_id, entry in before["articles"].items():
        assert after["articles"].get(doc_id) == entry, doc_id
    for pid, row in before["passages"].items():
        assert after["passages"].get(pid) == row, pid


def answers(searcher, questions: Sequence[str] = PROBE_QUESTIONS) -> list[dict]:
    """The JSON answers to ``questions`` from an open searcher (what a user would see)."""
    from chat.answer import answer_question
    from chat.render import answer_to_json

    return [answer_to_json(answer_question(q, searcher)) for q in questions]


# --------------------------------------------------------------------------- processes and polling


def wait_until(predicate: Callable[[], T], timeout: float, interval: float = 0.01, what: str = "") -> T:
    """Poll ``predicate`` until it returns a truthy value; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what or predicate}")
        time.sleep(interval)


def holds_open(pid: int, path: Path) -> bool:
    """Whether process ``pid`` has ``path`` open (Linux /proc; False once it has exited)."""
    target = str(Path(path))
    fd_dir = Path(f"/proc/{pid}/fd")
    try:
        entries = list(fd_dir.iterdir())
    except OSError:
        return False
    for entry in entries:
        try:
            if os.readlink(entry) == target:
                return True
        except OSError:
            continue
    return False


def kill_hard(proc: subprocess.Popen) -> bool:
    """SIGKILL ``proc`` if it still runs; True when it was running when killed."""
    if proc.poll() is not None:
        return False
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    return proc.returncode == -signal.SIGKILL


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty sequence."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-q * len(ordered) // 100))))
    return ordered[rank - 1]


# --------------------------------------------------------------------------- fork runner


class ForkRunner:
    """A helper process that imports the CLI's heavy modules once, then forks one child per
    ``chat.cli.main(argv)`` call. Each child is a real separate process running the real CLI
    (it loads the model and the index itself), so ``kill -9`` on it is a real crash; only the
    interpreter start-up (~10 s of imports on a 2-core machine) is shared.

    The helper runs no torch/FAISS operation and starts no thread before forking, so forking is safe.
    """

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = Path(log_dir)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from tests.reliability_support import fork_runner_main; fork_runner_main()"],
            cwd=PROJECT_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        assert self._reply(timeout=300) == "READY"
        self._count = 0

    def _reply(self, timeout: float) -> str:
        import select

        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            raise AssertionError(f"fork runner gave no answer within {timeout} s")
        line = self.proc.stdout.readline()
        if not line:
            raise AssertionError(f"fork runner exited with {self.proc.wait(timeout=10)}")
        return line.strip()

    def start(self, argv: Sequence[str]) -> tuple[int, Path]:
        """Fork a child running ``chat.cli.main(argv)``; returns (pid, its stdout+stderr log)."""
        self._count += 1
        log = self.log_dir / f"child-{self._count}.log"
        self.proc.stdin.write(json.dumps({"run": list(argv), "log": str(log)}) + "\n")
        reply = self._reply(timeout=30)
        assert reply.startswith("PID "), reply
        return int(reply.split()[1]), log

    def wait(self, pid: int, timeout: float = 120) -> int:
        """The child's exit code, or minus the signal that ended it."""
        self.proc.stdin.write(json.dumps({"wait": pid}) + "\n")
        reply = self._reply(timeout=timeout)
        assert reply.startswith("EXIT "), reply
        return int(reply.split()[1])

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=30)


def fork_runner_main() -> None:
    """The helper process of :class:`ForkRunner` (protocol: one JSON request per stdin line)."""
    import threading

    import faiss  # noqa: F401  (imports only: no operation, so no OpenMP pool before fork)
    import sentence_transformers  # noqa: F401
    import torch  # noqa: F401

    import chat.cli
    import chat.engine  # noqa: F401
    import index.build  # noqa: F401
    import index.model.factory  # noqa: F401
    import index.search  # noqa: F401
    import ingest.pipeline  # noqa: F401
    from ingest.segment import segmenter_fingerprint, tokenize

    tokenize("地方創生的關係人口")  # load jieba's dictionary and OpenCC once (no threads): children inherit them
    segmenter_fingerprint()
    print("READY", flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        if "run" in request:
            assert threading.active_count() == 1, threading.enumerate()
            pid = os.fork()
            if pid == 0:
                _child(chat.cli.main, request["run"], request["log"])
            print(f"PID {pid}", flush=True)
        else:
            _, status = os.waitpid(int(request["wait"]), 0)
            code = os.waitstatus_to_exitcode(status)
            print(f"EXIT {code}", flush=True)


def _child(main: Callable[[list[str]], int], argv: list[str], log: str) -> None:
    """In the forked child: output to ``log``, run the CLI, exit without running parent cleanup."""
    code = 70
    try:
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.close(fd)
        sys.stdin = open(os.devnull)
        code = main(argv)
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 2
    except BaseException:  # the log shows the traceback; the exit code says it failed
        import traceback

        traceback.print_exc()
        code = 71
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
