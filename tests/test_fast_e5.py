"""index.fast_e5: the numpy forward pass gives the sentence-transformers vectors, without torch."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from chat.config import PROJECT_ROOT
from index.fast_e5 import erf, gelu, layer_norm

TEXTS = ["2021年的地方創生臨時補助金是多少？", "How many concepts are in the Regional Future Vision 20 policy?",
         "處方箋和藥劑要如何配送？", "地方創生", "日本政府於2014年通過了「城鎮・人口・工作創生法」，" * 3]


def test_erf_matches_math_erf():
    import math

    xs = np.linspace(-6, 6, 2001)
    assert np.max(np.abs(erf(xs) - np.array([math.erf(x) for x in xs]))) < 2e-7


def test_gelu_and_layer_norm_shapes():
    x = np.linspace(-3, 3, 24, dtype=np.float32).reshape(2, 3, 4)
    assert gelu(x).dtype == np.float32 and gelu(np.zeros(1, np.float32))[0] == 0
    out = layer_norm(x, np.ones(4, np.float32), np.zeros(4, np.float32), 1e-12)
    assert np.allclose(out.mean(axis=-1), 0, atol=1e-6)


@pytest.mark.slow
def test_fast_encoder_matches_sentence_transformers(real_encoder, model_cache):
    from index.fast_e5 import load_serving_encoder

    fast = load_serving_encoder("multilingual-e5-small", model_cache)
    assert (fast.model_id, fast.dim, fast.fingerprint) == (real_encoder.model_id, real_encoder.dim,
                                                           real_encoder.fingerprint)
    for encode in ("encode_queries", "encode_passages"):
        ours = getattr(fast, encode)(TEXTS)
        theirs = getattr(real_encoder, encode)(TEXTS)
        assert ours.shape == theirs.shape and ours.dtype == np.float32
        assert np.max(np.abs(ours - theirs)) < 1e-5
        assert np.min(np.sum(ours * theirs, axis=1)) > 0.99999


@pytest.mark.slow
def test_serving_encoder_does_not_import_torch(model_cache):
    code = ("import sys; from pathlib import Path; from index.fast_e5 import load_serving_encoder; "
            f"e = load_serving_encoder('multilingual-e5-small', Path({str(model_cache)!r})); "
            "v = e.encode_queries(['地方創生']); assert v.shape == (1, 384); "
            "print('torch' in sys.modules, 'sentence_transformers' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["False", "False"]
