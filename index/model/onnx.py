"""The ONNX export of a sentence-transformers model and :class:`OnnxEncoder`, which runs it.

The export (:func:`export_onnx`, needs torch) holds the transformer layers, pooling and
normalisation as one ONNX graph taking ``inputs_embeds`` and ``position_ids``; the word-embedding table is stored
beside it as a ``.npy`` file (float16 when that is exact) whose rows are read on demand
(:mod:`index.mapped`), so a question reads only its tokens' rows (the table is 384 MB in float32
for multilingual-e5-small; the graph is 86 MB). Files, written into a temporary sibling and renamed into place::

    encoder.onnx        the graph: (inputs_embeds, attention_mask, position_ids) -> sentence_embedding
    words.npy           (vocab, hidden) word embeddings
    tokenizer.json      the model's fast tokenizer
    export.json         model id, fingerprint, dim, prompts, max tokens, pad id, sha256 of each file

:class:`OnnxEncoder` (no torch import) tokenizes with ``tokenizers``, gathers the word rows and
runs the graph with onnxruntime on one thread without spinning (a question is one small call;
spinning threads lose their core on a busy 2-core machine). Its vectors equal the
sentence-transformers model's to float32 rounding (``tests/test_onnx_encoder.py``), so it reports
the same fingerprint and an index built by either opens with the other.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from index.mapped import Rows, load_rows
from index.model.pieces import PieceTokenizer, pieces_decided, read_stamp, write_pieces
from ingest.errors import SouseiError
from ingest.fileio import sha256_file

EXPORT_SCHEMA = 2
GRAPH_FILE = "encoder.onnx"
WORDS_FILE = "words.npy"
TOKENIZER_FILE = "tokenizer.json"
EXPORT_FILE = "export.json"
OPSET = 17
SUPPORTED_TYPES = ("bert", "xlm-roberta")
BATCH = 16
WORD_ROWS_CACHED = 16_384  # word-embedding rows kept after a read (12 MB in float16 at 384 dims)
INPUTS = ("inputs_embeds", "attention_mask", "position_ids")


class Tokenizes(Protocol):
    def encode_ids(self, texts: Sequence[str]) -> list[list[int]]: ...


class ExportError(SouseiError):
    """The model cannot be exported to ONNX (the message says why and what is used instead)."""


@dataclass(frozen=True)
class OnnxExport:
    """What ``export.json`` records about an export (the model's manifest refers to it)."""

    model_id: str
    fingerprint: str
    dim: int
    max_tokens: int
    pad_id: int
    prompts: dict[str, Any]
    split_special_tokens: bool
    model_type: str
    files: dict[str, Any]  # file name -> sha256
    created: str = ""
    seconds: float = 0.0
    schema: int = EXPORT_SCHEMA

    @classmethod
    def read(cls, directory: Path) -> OnnxExport | None:
        """The export in ``directory``, or None when absent, unreadable, of another schema or incomplete."""
        try:
            data = json.loads((Path(directory) / EXPORT_FILE).read_text(encoding="utf-8"))
            export = cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})
        except (OSError, ValueError, TypeError):
            return None
        complete = all((Path(directory) / name).is_file() for name in export.files)
        return export if export.schema == EXPORT_SCHEMA and complete else None


# --------------------------------------------------------------------------- export (torch)


def _graph_module(st_model: Any) -> Any:
    """A torch module ``(inputs_embeds, attention_mask) -> sentence_embedding`` over ``st_model``:
    its transformer, then its own pooling / normalisation modules."""
    import torch

    class Graph(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.transformer = st_model[0].auto_model
            self.rest = torch.nn.ModuleList(list(st_model)[1:])

        def forward(self, inputs_embeds: Any, attention_mask: Any, position_ids: Any) -> Any:
            hidden = self.transformer(
                inputs_embeds=inputs_embeds, attention_mask=attention_mask, position_ids=position_ids
            ).last_hidden_state
            features = {"token_embeddings": hidden, "attention_mask": attention_mask}
            for module in self.rest:
                features = module(features)
            return features["sentence_embedding"]

    return Graph().eval()


def _check_exportable(st_model: Any, model_id: str) -> str:
    first = st_model[0]
    model_type = getattr(getattr(getattr(first, "auto_model", None), "config", None), "model_type", None)
    if model_type not in SUPPORTED_TYPES:
        raise ExportError(
            f"{model_id!r} is a {model_type!r} model; the ONNX export supports "
            f"{', '.join(SUPPORTED_TYPES)} (questions are encoded by sentence-transformers instead)"
        )
    if getattr(first, "do_lower_case", False):
        raise ExportError(
            f"{model_id!r} lower-cases its input; the ONNX export does not "
            f"(questions are encoded by sentence-transformers instead)"
        )
    if not getattr(getattr(first, "tokenizer", None), "is_fast", False):
        raise ExportError(f"{model_id!r} has no fast tokenizer (tokenizer.json); the ONNX export needs one")
    return str(model_type)


def _words(st_model: Any) -> np.ndarray:
    table = st_model[0].auto_model.get_input_embeddings().weight.detach().float().numpy()
    half = table.astype(np.float16)
    return half if np.array_equal(half.astype(np.float32), table) else np.ascontiguousarray(table)


def _write_graph(st_model: Any, words: np.ndarray, path: Path) -> None:
    import torch

    sample = torch.from_numpy(words[[0, 5, 6, 2]].astype(np.float32)[None])
    mask = torch.ones((1, 4), dtype=torch.int64)
    positions = torch.arange(4, dtype=torch.int64)[None] + 2
    axes = {name: {0: "batch", 1: "tokens"} for name in INPUTS} | {"sentence_embedding": {0: "batch"}}
    with torch.no_grad():
        torch.onnx.export(
            _graph_module(st_model),
            (sample, mask, positions),
            str(path),
            dynamo=False,
            opset_version=OPSET,
            input_names=list(INPUTS),
            output_names=["sentence_embedding"],
            dynamic_axes=axes,
        )


def export_onnx(st_model: Any, target: Path, model_id: str, fingerprint: str, dim: int) -> OnnxExport:
    """Write the export of a loaded ``SentenceTransformer`` into ``target`` atomically (a temporary
    sibling renamed into place; an older export is moved aside, then deleted)."""
    import warnings

    start = time.perf_counter()
    model_type = _check_exportable(st_model, model_id)
    tokenizer = st_model[0].tokenizer
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        words = _words(st_model)
        np.save(tmp / WORDS_FILE, words, allow_pickle=False)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tracer warnings about Python-side shape checks
            _write_graph(st_model, words, tmp / GRAPH_FILE)
        tokenizer.backend_tokenizer.save(str(tmp / TOKENIZER_FILE))
        prompts = dict(getattr(st_model, "prompts", None) or {})
        export = OnnxExport(
            model_id=model_id,
            fingerprint=fingerprint,
            dim=int(dim),
            max_tokens=int(st_model.max_seq_length),
            pad_id=int(tokenizer.pad_token_id or 0),
            prompts=prompts,
            split_special_tokens=bool(getattr(tokenizer, "split_special_tokens", False)),
            model_type=model_type,
            files={name: sha256_file(tmp / name) for name in (GRAPH_FILE, WORDS_FILE, TOKENIZER_FILE)},
            created=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            seconds=round(time.perf_counter() - start, 2),
        )
        (tmp / EXPORT_FILE).write_text(json.dumps(asdict(export), ensure_ascii=False, indent=1), encoding="utf-8")
        write_pieces(tmp, export.max_tokens, export.split_special_tokens)  # the compact tokenizer, when it mirrors
        tmp.chmod(0o755)
        install_atomically(tmp, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return export


def install_atomically(tmp: Path, final: Path) -> None:
    """Swap directory ``tmp`` into ``final``; an existing ``final`` is moved aside first, then deleted."""
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old-{os.getpid()}-{time.time_ns()}")
        os.replace(final, old)
    os.replace(tmp, final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


# --------------------------------------------------------------------------- encoder (no torch)


def _session(path: Path, threads: int) -> Any:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.add_session_config_entry("session.inter_op.allow_spinning", "0")
    options.log_severity_level = 3
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


class _FastTokenizer:
    """The export's ``tokenizer.json`` run by ``tokenizers`` (when :mod:`index.model.pieces` cannot mirror it)."""

    def __init__(self, directory: Path, export: OnnxExport) -> None:
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(str(directory / TOKENIZER_FILE))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(max_length=export.max_tokens)
        self._tokenizer.encode_special_tokens = export.split_special_tokens

    def encode_ids(self, texts: Sequence[str]) -> list[list[int]]:
        return [e.ids for e in self._tokenizer.encode_batch(list(texts))]


def _derive_pieces(directory: Path, export: OnnxExport) -> None:
    """Write an older export's compact tokenizer files, in a child process: deriving them parses
    the whole vocabulary twice (~3 s, ~500 MB at its peak), which a server should not keep."""
    import subprocess
    import sys

    if not os.access(directory, os.W_OK):
        return
    command = [sys.executable, "-m", "index.model.pieces", str(directory), str(export.max_tokens)]
    command += ["--split-special-tokens"] if export.split_special_tokens else []
    subprocess.run(command, check=False, capture_output=True, timeout=300)


def load_tokenizer(directory: Path, export: OnnxExport) -> Tokenizes:
    """The tokenizer of an export: :class:`index.model.pieces.PieceTokenizer` (same ids, a fifth of
    the memory) when it mirrors the export's ``tokenizer.json``, ``tokenizers`` otherwise."""
    if not pieces_decided(directory):
        _derive_pieces(directory, export)
    template = read_stamp(directory)
    if template is not None and template.max_tokens == export.max_tokens:
        return PieceTokenizer.load(directory, template)
    return _FastTokenizer(directory, export)


def _runtime(directory: Path, export: OnnxExport, threads: int) -> tuple[Tokenizes, Any]:
    """(tokenizer, onnxruntime session) of an export: the slow part of loading (~1 s)."""
    return load_tokenizer(directory, export), _session(directory / GRAPH_FILE, threads)


@dataclass(eq=False)
class OnnxEncoder:
    """An ``index.model.encoder.Encoder`` running an :class:`OnnxExport` with onnxruntime.

    The tokenizer and the session are loaded in a background thread (``load(background=True)``)
    so a cold ``sousei ask`` opens the index meanwhile; the first encode waits for them."""

    model_id: str
    dim: int
    fingerprint: str
    export: OnnxExport = field(repr=False)
    words: Rows = field(repr=False)  # (vocab, hidden), rows read on demand
    runtime: Future[tuple[Tokenizes, Any]] = field(repr=False)  # -> (tokenizer, session)

    @classmethod
    def load(cls, directory: Path, threads: int = 1, background: bool = False) -> OnnxEncoder:
        """Open the export in ``directory``; ``threads`` intra-op threads (1 for questions)."""
        directory = Path(directory)
        export = OnnxExport.read(directory)
        if export is None:
            raise ExportError(f"no complete ONNX export in {directory}; run `sousei model prepare`")
        words = load_rows(directory / WORDS_FILE, cache_rows=WORD_ROWS_CACHED)
        if background:
            pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sousei-onnx-load")
            runtime = pool.submit(_runtime, directory, export, threads)
            pool.shutdown(wait=False)  # the thread ends when the load is done
        else:
            runtime = Future()
            runtime.set_result(_runtime(directory, export, threads))
        return cls(export.model_id, export.dim, export.fingerprint, export, words, runtime)

    @property
    def tokenizer(self) -> Tokenizes:
        return self.runtime.result()[0]

    @property
    def session(self) -> Any:
        return self.runtime.result()[1]

    def _run(self, ids: list[list[int]]) -> np.ndarray:
        width = max(len(row) for row in ids)
        matrix = np.full((len(ids), width), self.export.pad_id, dtype=np.int64)
        mask = np.zeros((len(ids), width), dtype=np.int64)
        for i, row in enumerate(ids):
            matrix[i, : len(row)] = row
            mask[i, : len(row)] = 1
        embeds = np.asarray(self.words[matrix], dtype=np.float32)
        feed = {"inputs_embeds": embeds, "attention_mask": mask, "position_ids": self._positions(matrix)}
        output: np.ndarray = self.session.run(None, feed)[0]
        return output

    def _positions(self, ids: np.ndarray) -> np.ndarray:
        """Position ids as the model computes them from input ids: XLM-R counts from
        ``pad_id + 1`` and gives its pad id (also inside the text) the position ``pad_id``;
        BERT counts from 0."""
        if self.export.model_type == "xlm-roberta":
            real = (ids != self.export.pad_id).astype(np.int64)
            positions: np.ndarray = np.cumsum(real, axis=1) * real + self.export.pad_id
            return positions
        return np.broadcast_to(np.arange(ids.shape[1], dtype=np.int64), ids.shape).copy()

    def _encode(self, texts: Sequence[str], prompt_name: str) -> np.ndarray:
        prompt = self.export.prompts.get(prompt_name) or ""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        ids = self.tokenizer.encode_ids([prompt + t for t in texts])
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))  # similar lengths batched: less padding
        out = np.zeros((len(ids), self.dim), dtype=np.float32)
        for begin in range(0, len(order), BATCH):
            chunk = order[begin : begin + BATCH]
            out[chunk] = self._run([ids[i] for i in chunk])
        return out

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(list(texts), "query")

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(list(texts), "passage")
