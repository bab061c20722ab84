"""index.model.pieces: sentencepiece's piece model behind tokenizers' normaliser and pre-tokeniser
gives exactly the ids of the whole tokenizers pipeline, and is used only when it does."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from index.model.pieces import (
    CHECK_TEXTS,
    FRONT_FILE,
    PIECES_FILE,
    PieceTokenizer,
    pieces_decided,
    read_stamp,
    write_pieces,
)

TRAIN = [
    "地方創生是日本政府為了因應人口減少與高齡化所推動的政策。",
    "地域未來構想20共有二十個概念，由內閣府提出。",
    "Regional revitalisation aims to stop population decline in rural areas.",
    "關係人口如何幫助偏鄉？ 2021年的地方創生臨時補助金是多少？",
    "テレワークの推進と関係人口を増やすための施策",
]


def small_unigram(directory: Path, split_special_tokens: bool = True) -> Path:
    """A Unigram tokenizer.json shaped like the default model's (Metaspace, <s> … </s>)."""
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors, trainers

    tokenizer = Tokenizer(models.Unigram())
    tokenizer.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Replace("  ", " ")])
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always", split=False)
    specials = ["<s>", "<pad>", "</s>", "<unk>"]
    trainer = trainers.UnigramTrainer(vocab_size=300, special_tokens=specials, unk_token="<unk>")
    tokenizer.train_from_iterator(TRAIN * 20, trainer)
    tokenizer.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", special_tokens=[("<s>", 0), ("</s>", 2)]
    )
    directory.mkdir(parents=True, exist_ok=True)
    tokenizer.save(str(directory / "tokenizer.json"))
    return directory


def reference_ids(directory: Path, texts: list[str], max_tokens: int) -> list[list[int]]:
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=max_tokens)
    tokenizer.encode_special_tokens = True
    return [e.ids for e in tokenizer.encode_batch(texts)]


def fuzz(count: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    ranges = [(0x20, 0x7E), (0x4E00, 0x9FFF), (0x300, 0x36F), (0x3040, 0x30FF), (0x1F300, 0x1FAFF), (0, 0xD7FF)]
    out = []
    for _ in range(count):
        chars = [chr(rng.randint(*rng.choice(ranges))) for _ in range(rng.randint(0, 30))]
        out.append("".join(chars))
    return out


def test_same_ids_as_tokenizers_and_truncated_alike(tmp_path: Path):
    directory = small_unigram(tmp_path / "tok")
    assert write_pieces(directory, max_tokens=16, split_special_tokens=True)
    template = read_stamp(directory)
    assert template is not None and (template.bos, template.eos, template.max_tokens) == (0, 2, 16)
    texts = [*CHECK_TEXTS, *TRAIN, " ".join(TRAIN) * 3, *fuzz(500)]
    ours = PieceTokenizer.load(directory, template).encode_ids(texts)
    assert ours == reference_ids(directory, texts, 16)
    assert max(len(ids) for ids in ours) == 16  # the long text was truncated to the same 16


def test_not_used_where_it_cannot_mirror(tmp_path: Path):
    from tokenizers import Tokenizer, models

    wordlevel = tmp_path / "wl"
    wordlevel.mkdir()
    Tokenizer(models.WordLevel({"a": 0, "[UNK]": 1}, unk_token="[UNK]")).save(str(wordlevel / "tokenizer.json"))
    assert not write_pieces(wordlevel, 16, True) and not (wordlevel / PIECES_FILE).exists()
    assert pieces_decided(wordlevel) and read_stamp(wordlevel) is None  # decided once: not tried at every load
    unigram = small_unigram(tmp_path / "tok")
    assert not write_pieces(unigram, 16, split_special_tokens=False)  # added tokens would be matched first
    assert read_stamp(unigram) is None


def test_a_changed_tokenizer_json_makes_the_pieces_stale(tmp_path: Path):
    directory = small_unigram(tmp_path / "tok")
    assert write_pieces(directory, 16, True) and read_stamp(directory) is not None
    config = json.loads((directory / "tokenizer.json").read_text(encoding="utf-8"))
    config["model"]["vocab"][10][1] -= 1.0
    (directory / "tokenizer.json").write_text(json.dumps(config), encoding="utf-8")
    assert read_stamp(directory) is None and not pieces_decided(directory)
    (directory / FRONT_FILE).unlink()
    assert write_pieces(directory, 16, True) and read_stamp(directory) is not None


@pytest.mark.slow
def test_the_default_model_uses_pieces_with_the_same_ids(model_cache, seed_corpus):
    """The 250k-piece vocabulary of multilingual-e5-small: pieces in use, same ids as tokenizers
    on the seed articles' paragraphs, the bank's questions, CHECK_TEXTS and random text."""
    from index.model.factory import load_query_encoder, unwrap
    from index.model.onnx import OnnxEncoder
    from ingest.pipeline import ingest_corpus

    encoder = unwrap(load_query_encoder("multilingual-e5-small", model_cache))
    assert isinstance(encoder, OnnxEncoder) and isinstance(encoder.tokenizer, PieceTokenizer)
    directory = Path(model_cache) / "multilingual-e5-small" / "onnx"
    paragraphs = [p.text for a in ingest_corpus(seed_corpus).articles for p in a.paragraphs]
    bank = Path(__file__).parent / "data" / "qbank.jsonl"
    questions = ["query: " + json.loads(line)["q"] for line in bank.read_text(encoding="utf-8").splitlines()]
    texts = [*CHECK_TEXTS, *questions, *("passage: " + t for t in paragraphs), *fuzz(3000)]
    assert encoder.tokenizer.encode_ids(texts) == reference_ids(directory, texts, encoder.export.max_tokens)
