"""index.model.onnx / factory: the ONNX export encodes like sentence-transformers, for the default
model and for any BERT / XLM-R sentence-transformers model, and indexes are interchangeable."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from index.model.encoder import QueryCachingEncoder
from index.model.factory import export_dir, load_passage_encoder, unwrap
from ingest.errors import SouseiError
from tests.fakes import FakeEncoder

ROOT = Path(__file__).resolve().parent.parent

TEXTS = [
    # Traditional Chinese
    "2021年的地方創生臨時補助金是多少？",
    "地方創生的核心概念是什麼",
    "關係人口如何幫助偏鄉？",
    "日本總務省推動的ICT政策有哪些成果？",
    "地域未來構想20包含二十個構想。",
    "人口減少與東京一極集中的問題",
    "RESAS 是什麼系統？",
    "3密",
    "城鄉差距",
    "地方創生推動計畫自2019年起實施，整合各部會資源，協助地方發展特色產業。",
    # Simplified Chinese
    "地方创生的核心概念是什么",
    "日本的数字田园都市国家构想",
    "乡村振兴与人口外流",
    "远程办公让年轻人回到家乡",
    # English
    "How many concepts are in the Regional Future Vision 20 policy?",
    "What is regional revitalization?",
    "Tokyo",
    "ICT",
    "The Ministry of Internal Affairs and Communications funded broadband in rural towns.",
    "a",
    "What did the 2021 temporary grant pay for, and who received it?",
    # Japanese
    "地方創生とは何ですか",
    "関係人口を増やすための施策",
    "まち・ひと・しごと創生総合戦略",
    "テレワークの推進",
    # mixed, punctuation, numbers, odd input
    "地方創生 regional revitalisation 地方創生",
    "（一）「地方創生」的定義：",
    "2019-2024年度",
    "!!!???",
    "<s> </s> <unk> <pad>",
    "①②③ ＡＢＣ ｶﾀｶﾅ",
    # long (beyond 512 tokens: truncated identically)
    "地方創生是日本政府為了因應人口減少與高齡化所推動的政策，" * 40,
    "Regional revitalisation aims to stop population decline in rural areas. " * 60,
]


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


# --------------------------------------------------------------------------- fast (no model)


def test_export_dirs_are_per_model_and_safe(tmp_path: Path):
    default = export_dir("multilingual-e5-small", tmp_path)
    assert default == tmp_path / "multilingual-e5-small" / "onnx"
    hub = export_dir("BAAI/bge-m3", tmp_path)
    evil = export_dir("../../etc/passwd", tmp_path)
    assert hub.parent == evil.parent == tmp_path / "onnx"
    assert hub != evil and ".." not in evil.name and "/" not in evil.name


def test_a_test_encoder_embeds_passages_too():
    fake = FakeEncoder()
    assert load_passage_encoder("anything", Path("/nonexistent"), query_encoder=QueryCachingEncoder(fake)) is fake


def test_query_cache_encodes_a_repeated_question_once():
    fake = FakeEncoder()
    cached = QueryCachingEncoder(fake)
    first = cached.encode_queries(["地方創生"])
    second = cached.encode_queries(["地方創生"])
    assert fake.calls == 1 and np.array_equal(first, second) and unwrap(cached) is fake


def test_a_missing_export_says_what_to_do(tmp_path: Path):
    from index.model.onnx import OnnxEncoder

    with pytest.raises(SouseiError, match="sousei model prepare"):
        OnnxEncoder.load(tmp_path)


def test_onnx_module_has_no_torch_import():
    code = (
        "import sys, index.model.onnx, index.model.factory; "
        "print('torch' in sys.modules, 'sentence_transformers' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.split() == ["False", "False"]


# --------------------------------------------------------------------------- the default model


@pytest.fixture(scope="module")
def onnx_encoder(model_cache):
    from index.model.factory import load_query_encoder

    return unwrap(load_query_encoder("multilingual-e5-small", model_cache))


@pytest.mark.slow
def test_onnx_and_sentence_transformers_vectors_are_equal(onnx_encoder, real_encoder):
    assert len(TEXTS) >= 30
    for side, texts in (("encode_queries", TEXTS), ("encode_passages", TEXTS[::4])):  # the passage prompt on 9
        ours, ref = getattr(onnx_encoder, side)(texts), getattr(real_encoder, side)(texts)
        assert ours.shape == ref.shape == (len(texts), 384) and ours.dtype == np.float32
        assert cosines(ours, ref).min() >= 0.9999, side
    one = onnx_encoder.encode_queries([TEXTS[0]])  # a single question, unpadded
    assert cosines(one, real_encoder.encode_queries([TEXTS[0]]))[0] >= 0.9999


@pytest.mark.slow
def test_same_identity_so_an_st_built_index_opens_with_onnx(onnx_encoder, real_encoder, seed_corpus, tmp_path):
    from index.build import build_index
    from index.search import Searcher

    assert (onnx_encoder.model_id, onnx_encoder.dim, onnx_encoder.fingerprint) == (
        real_encoder.model_id,
        real_encoder.dim,
        real_encoder.fingerprint,
    )
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    first = sorted(p for p in seed_corpus.iterdir() if not p.name.endswith(".meta.json"))[0]
    shutil.copy(first, corpus / first.name)
    build_index(corpus, tmp_path / "index", real_encoder)
    searcher = Searcher.open(tmp_path / "index", onnx_encoder)
    assert searcher.search("地方創生", top_k=3)


@pytest.mark.slow
def test_export_is_recorded_in_the_model_manifest(onnx_encoder, model_cache):
    from index.model.prepare import MODEL_NAME, read_manifest

    manifest = read_manifest(Path(model_cache) / MODEL_NAME)
    assert manifest["onnx"]["fingerprint"] == onnx_encoder.fingerprint
    assert manifest["onnx"]["files"] == onnx_encoder.export.files


# --------------------------------------------------------------------------- any BERT / XLM-R model


def _tiny_model(directory: Path, tokenizer_dir: Path, kind: str, pooling: str) -> Path:
    """A small random-weight sentence-transformers model of ``kind`` ("bert" / "xlm-roberta")."""
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer
    from transformers import AutoModel, BertConfig, XLMRobertaConfig

    torch.manual_seed(0)
    vocab = json.loads((tokenizer_dir / "config.json").read_text())["vocab_size"]
    config_class = BertConfig if kind == "bert" else XLMRobertaConfig
    config = config_class(
        vocab_size=vocab,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=64,
        max_position_embeddings=514,
        pad_token_id=1,
        type_vocab_size=1 if kind != "bert" else 2,
    )
    raw = directory / "raw"
    AutoModel.from_config(config).save_pretrained(raw)
    for name in ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"):
        shutil.copy(tokenizer_dir / name, raw / name)
    transformer = Transformer(str(raw), max_seq_length=128)
    model = SentenceTransformer(
        modules=[transformer, Pooling(32, pooling_mode=pooling), Normalize()],
        prompts={"query": "q: ", "passage": "p: "},
        device="cpu",
    )
    out = directory / f"tiny-{kind}"
    model.save(str(out))
    return out


@pytest.mark.slow
@pytest.mark.parametrize("kind,pooling", [("bert", "cls"), ("xlm-roberta", "mean")])
def test_prepare_exports_any_bert_or_xlmr_model(kind, pooling, model_cache, tmp_path):
    from index.model.factory import load_query_encoder, prepare
    from index.model.onnx import OnnxEncoder
    from index.model.sbert import load_encoder

    model = str(_tiny_model(tmp_path, Path(model_cache) / "multilingual-e5-small", kind, pooling))
    cache = tmp_path / "cache"
    done = prepare(model, cache)
    assert done.created and (done.onnx_dir / "export.json").is_file()
    assert not prepare(model, cache).created  # current: nothing to do
    ours = unwrap(load_query_encoder(model, cache))
    assert isinstance(ours, OnnxEncoder)
    ref = load_encoder(model, cache)
    assert ours.fingerprint == ref.fingerprint and ours.dim == ref.dim == 32
    for side in ("encode_queries", "encode_passages"):
        assert cosines(getattr(ours, side)(TEXTS), getattr(ref, side)(TEXTS)).min() >= 0.9999, side


@pytest.mark.slow
def test_background_load_gives_the_same_vectors(onnx_encoder, model_cache):
    from index.model.onnx import OnnxEncoder

    late = OnnxEncoder.load(export_dir("multilingual-e5-small", model_cache), background=True)
    assert late.fingerprint == onnx_encoder.fingerprint  # known before the runtime is loaded
    assert np.array_equal(late.encode_queries(TEXTS[:3]), onnx_encoder.encode_queries(TEXTS[:3]))
