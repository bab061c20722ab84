"""A Unigram ``tokenizer.json`` run with sentencepiece's compact piece model (same ids, ~55 MB less than 280).

``tokenizers`` holds a 250k-piece Unigram vocabulary (multilingual-e5-small, XLM-R) as a trie of
hash maps: 282 MB resident, a fifth of a served 100k-passage index. sentencepiece holds the same
pieces and scores in a double-array trie (57 MB) and runs the same Viterbi search. So the
pipeline is split in two (:class:`PieceTokenizer`):

* ``tokenizers`` still runs everything around the model — the normaliser and the pre-tokeniser of
  the ``tokenizer.json`` (a copy of it without its vocabulary, ``pieces.front.json``);
* sentencepiece segments each pre-token with the pieces and scores (``pieces.model``: identity
  normaliser, no splitting of its own; every piece an ordinary scored piece, as ``tokenizers``
  treats them, except ``<unk>``);
* the template's ``<s> … </s>`` and the truncation are added as ``tokenizers`` adds them.

:func:`write_pieces` derives both files from a ``tokenizer.json`` only when that pipeline is one
this mirrors (a Unigram model, special tokens split like text, a ``<s> A </s>`` template) and the
two give the same ids on :data:`CHECK_TEXTS`; otherwise it returns False and the encoder keeps
``tokenizers`` (``index.model.onnx``). ``tests/test_pieces.py`` compares them on the corpus too.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.fileio import atomic_write_bytes, atomic_write_text, sha256_file

PIECES_FILE = "pieces.model"  # sentencepiece ModelProto: the pieces and scores
FRONT_FILE = "pieces.front.json"  # the tokenizer.json without its vocabulary (normaliser, pre-tokeniser)
STAMP_FILE = "pieces.json"  # what the two were derived from (sha256 of tokenizer.json) and the template
PIECES_SCHEMA = 3
UNKNOWN_PIECE = "\ue000sousei-unknown\ue001"  # sentencepiece's unknown piece (an UNKNOWN piece is never matched)

# Texts on which both pipelines must agree before the pieces are used: scripts, spacing, literal
# special tokens, combining marks, emoji sequences, control characters, characters with no piece.
CHECK_TEXTS = (
    "query: 2021年的地方創生臨時補助金是多少？",
    "passage: 地域未來構想20（地域未来構想20）共有20個概念，由内閣府地方創生推進事務局提出。",
    "How many concepts are in the Regional Future Vision 20 policy?",
    "地方创生的临时补助金　是多少  元",
    "  leading   and trailing spaces\tand\ttabs\nand lines  ",
    "<s> <unk> </s> <pad> <mask> <<unk>> a<s>b",
    "e\u0301 n\u0303 \u0915\u094d\u0937 \U0001f44d\U0001f3fd \U0001f468\u200d\U0001f469\u200d\U0001f467 \u2764\ufe0f",
    "\x00\x01\x07 \u200b\u200c\ufeff \U000e0041 \U0010fffd \ud7ff \u0378",
    "ﾃｽﾄ ＡＢＣ１２３ ① ㍿ ﬁ Ⅻ",
    "한국어 문장과 العربية و עברית",
    "",
)


@dataclass(frozen=True)
class Template:
    """``<s> … </s>``: the ids around a text and the longest output (``max_tokens``)."""

    bos: int
    eos: int
    max_tokens: int
    unk: int  # the tokenizer.json's unknown id (sentencepiece's is one past the vocabulary)


def _template(config: dict[str, Any], max_tokens: int) -> Template | None:
    unk = (config.get("model") or {}).get("unk_id")
    post = config.get("post_processor") or {}
    single = post.get("single") or []
    if post.get("type") != "TemplateProcessing" or len(single) != 3:
        return None
    first, middle, last = single
    if "SpecialToken" not in first or "Sequence" not in middle or "SpecialToken" not in last:
        return None
    specials = post.get("special_tokens") or {}
    try:
        bos = specials[first["SpecialToken"]["id"]]["ids"]
        eos = specials[last["SpecialToken"]["id"]]["ids"]
    except KeyError:
        return None
    if len(bos) != 1 or len(eos) != 1:
        return None
    return Template(int(bos[0]), int(eos[0]), int(max_tokens), int(unk)) if isinstance(unk, int) else None


def _mirrorable(config: dict[str, Any], split_special_tokens: bool) -> bool:
    model = config.get("model") or {}
    return (
        model.get("type") == "Unigram"
        and not model.get("byte_fallback")
        and isinstance(model.get("unk_id"), int)
        and split_special_tokens  # added tokens are then ordinary text for the model too
    )


def _piece_model(vocab: list[list[Any]], unk_id: int) -> bytes:
    """Every piece of ``vocab`` as an ordinary scored piece, as ``tokenizers``' Unigram treats them
    (a literal ``<s>`` or ``<unk>`` in a pre-token matches its piece there too), plus one unmatched
    UNKNOWN piece after them that sentencepiece needs and :class:`PieceTokenizer` maps to ``unk_id``."""
    from sentencepiece import sentencepiece_model_pb2

    pb: Any = sentencepiece_model_pb2  # generated protobuf classes: no type information
    model = pb.ModelProto()
    trainer = model.trainer_spec
    trainer.model_type = pb.TrainerSpec.UNIGRAM
    trainer.vocab_size = len(vocab) + 1
    trainer.split_by_whitespace = trainer.split_by_unicode_script = trainer.split_by_number = False
    trainer.split_digits = trainer.byte_fallback = trainer.treat_whitespace_as_suffix = False
    trainer.unk_id, trainer.bos_id, trainer.eos_id, trainer.pad_id = len(vocab), -1, -1, -1
    trainer.unk_piece = UNKNOWN_PIECE
    normalizer = model.normalizer_spec
    normalizer.name = "identity"
    normalizer.add_dummy_prefix = normalizer.remove_extra_whitespaces = normalizer.escape_whitespaces = False
    for text, score in vocab:
        piece = model.pieces.add()
        piece.piece, piece.score, piece.type = text, float(score), pb.ModelProto.SentencePiece.NORMAL
    unknown = model.pieces.add()
    unknown.piece, unknown.score, unknown.type = UNKNOWN_PIECE, 0.0, pb.ModelProto.SentencePiece.UNKNOWN
    data: bytes = model.SerializeToString()
    return data


def _front(config: dict[str, Any]) -> dict[str, Any]:
    """The tokenizer.json with a one-piece vocabulary: only its normaliser and pre-tokeniser are used."""
    return {
        **config,
        "added_tokens": [],
        "post_processor": None,
        "model": {**config["model"], "unk_id": 0, "vocab": [["<unk>", 0.0]]},
    }


def write_pieces(directory: Path, max_tokens: int, split_special_tokens: bool) -> bool:
    """Derive ``pieces.model`` and ``pieces.front.json`` from ``directory/tokenizer.json`` (atomically,
    the stamp last). False when the pipeline is not one :class:`PieceTokenizer` mirrors or the two
    disagree on :data:`CHECK_TEXTS`; the stamp then records that, so it is not tried again."""
    from tokenizers import Tokenizer

    directory = Path(directory)
    source = directory / "tokenizer.json"
    config = json.loads(source.read_text(encoding="utf-8"))
    template = _template(config, max_tokens)
    stamp: dict[str, Any] = {"schema": PIECES_SCHEMA, "tokenizer_sha256": sha256_file(source), "mirrors": False}
    if template is not None and _mirrorable(config, split_special_tokens):
        model = _piece_model(config["model"]["vocab"], int(config["model"]["unk_id"]))
        front = json.dumps(_front(config), ensure_ascii=False)
        candidate = PieceTokenizer.from_parts(front, model, template)
        reference = Tokenizer.from_str(source.read_text(encoding="utf-8"))
        reference.no_padding()
        reference.enable_truncation(max_length=max_tokens)
        reference.encode_special_tokens = split_special_tokens
        if candidate.encode_ids(CHECK_TEXTS) == [e.ids for e in reference.encode_batch(list(CHECK_TEXTS))]:
            atomic_write_bytes(directory / PIECES_FILE, model)
            atomic_write_text(directory / FRONT_FILE, front)
            stamp.update(mirrors=True, **template.__dict__)
    atomic_write_text(directory / STAMP_FILE, json.dumps(stamp))
    return bool(stamp["mirrors"])


def _current_stamp(directory: Path) -> dict[str, Any] | None:
    """The stamp in ``directory`` when it was made from its present tokenizer.json, else None."""
    try:
        stamp = json.loads((Path(directory) / STAMP_FILE).read_text(encoding="utf-8"))
        sha = sha256_file(Path(directory) / "tokenizer.json")
    except (OSError, ValueError):
        return None
    ok = isinstance(stamp, dict) and stamp.get("schema") == PIECES_SCHEMA and stamp.get("tokenizer_sha256") == sha
    return stamp if ok else None


def pieces_decided(directory: Path) -> bool:
    """Whether :func:`write_pieces` has run on the present tokenizer.json (whatever it found)."""
    return _current_stamp(directory) is not None


def read_stamp(directory: Path) -> Template | None:
    """The template of current pieces in ``directory`` (derived from its present tokenizer.json), or None."""
    directory = Path(directory)
    stamp = _current_stamp(directory)
    present = (directory / PIECES_FILE).is_file() and (directory / FRONT_FILE).is_file()
    if stamp is None or not stamp.get("mirrors") or not present:
        return None
    try:
        return Template(int(stamp["bos"]), int(stamp["eos"]), int(stamp["max_tokens"]), int(stamp["unk"]))
    except (KeyError, TypeError, ValueError):
        return None


class PieceTokenizer:
    """``tokenizers``' normaliser and pre-tokeniser, then sentencepiece's Unigram segmentation of
    each pre-token, then ``<s> … </s>`` and truncation: the ids of the full ``tokenizers`` pipeline."""

    def __init__(self, front: Any, processor: Any, template: Template) -> None:
        self._normalizer = front.normalizer
        self._pre_tokenizer = front.pre_tokenizer
        self._processor = processor
        self.template = template
        self._unknown = int(processor.piece_to_id(UNKNOWN_PIECE))

    @classmethod
    def from_parts(cls, front_json: str, model: bytes, template: Template) -> PieceTokenizer:
        import sentencepiece as spm
        from tokenizers import Tokenizer

        return cls(Tokenizer.from_str(front_json), spm.SentencePieceProcessor(model_proto=model), template)

    @classmethod
    def load(cls, directory: Path, template: Template) -> PieceTokenizer:
        directory = Path(directory)
        return cls.from_parts(
            (directory / FRONT_FILE).read_text(encoding="utf-8"), (directory / PIECES_FILE).read_bytes(), template
        )

    def _pieces(self, text: str) -> list[str]:
        normalized = self._normalizer.normalize_str(text) if self._normalizer is not None else text
        if self._pre_tokenizer is None:
            return [normalized] if normalized else []
        return [piece for piece, _ in self._pre_tokenizer.pre_tokenize_str(normalized) if piece]

    def encode_ids(self, texts: Sequence[str]) -> list[list[int]]:
        """The token ids of each text, ``<s>`` and ``</s>`` included, at most ``max_tokens``."""
        keep = max(0, self.template.max_tokens - 2)
        out = []
        for text in texts:
            pieces = self._pieces(text)
            # one call per pre-token: a list argument goes through sentencepiece's thread pool (~60 µs)
            ids = [i for piece in pieces for i in self._processor.encode(piece)]
            ids = [self.template.unk if i == self._unknown else i for i in ids]
            out.append([self.template.bos, *ids[:keep], self.template.eos])
        return out


def main(argv: list[str] | None = None) -> int:
    """``python -m index.model.pieces DIR MAX_TOKENS [--split-special-tokens]``: :func:`write_pieces`
    in a process of its own (``index.model.onnx`` runs it for an export made before the pieces)."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m index.model.pieces")
    parser.add_argument("directory", type=Path)
    parser.add_argument("max_tokens", type=int)
    parser.add_argument("--split-special-tokens", action="store_true")
    args = parser.parse_args(argv)
    return 0 if write_pieces(args.directory, args.max_tokens, args.split_special_tokens) else 1


if __name__ == "__main__":
    raise SystemExit(main())
