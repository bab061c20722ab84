"""Realistic benchmark corpora made from the seed articles' cleaned paragraphs.

The seed articles are cleaned by the real ingest pipeline, their paragraphs cut into
sentences, and new text is made by re-cutting and re-combining those sentences: a new
paragraph is a run of consecutive sentences from one seed paragraph, sometimes followed
by a run from another. The text therefore stays real Traditional Chinese policy prose
(real vocabulary, numbers, punctuation and paragraph lengths) while every article is
different. Everything is deterministic for a given seed.

* :func:`write_corpus` writes N articles as ``.txt`` files (+ metadata sidecars) for
  builds through the normal pipeline;
* :func:`synthetic_store_parts` makes passages (with search tokens) and articles in
  memory for the 100k-passage index, tokenising each seed sentence once.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

from ingest.passages import DEFAULT_MAX_CHARS
from ingest.records import Article, ArticleMeta, Paragraph, Passage

_SENTENCE = re.compile(r"[^。！？；!?;\n]*[。！？；!?;]+[」』）)】〕》”’\"']*|[^。！？；!?;\n]+")
MAX_PASSAGE_CHARS = DEFAULT_MAX_CHARS


@dataclass(frozen=True)
class SeedText:
    """The seed corpus as paragraphs of sentences, plus the titles of the seed articles."""

    paragraphs: tuple[tuple[str, ...], ...]
    titles: tuple[str, ...]

    @property
    def sentences(self) -> list[str]:
        return [s for para in self.paragraphs for s in para]


def split_sentences(text: str) -> list[str]:
    return [m.group().strip() for m in _SENTENCE.finditer(text) if m.group().strip()]


def load_seed(corpus_dir: Path) -> SeedText:
    """Cleaned paragraphs of the seed corpus (via ``ingest.pipeline``), as sentence lists."""
    from ingest.pipeline import ingest_corpus

    result = ingest_corpus(Path(corpus_dir))
    paragraphs = []
    for article in result.articles:
        for paragraph in article.paragraphs:
            sentences = split_sentences(paragraph.text)
            if sentences and len(paragraph.text) >= 20:
                paragraphs.append(tuple(sentences))
    if not paragraphs:
        raise ValueError(f"no usable paragraphs in the seed corpus {corpus_dir}")
    return SeedText(tuple(paragraphs), tuple(a.meta.title for a in result.articles))


# --------------------------------------------------------------------------- re-cut text


def sentence_run(seed: SeedText, rng: random.Random, max_sentences: int) -> list[str]:
    """1..max_sentences consecutive sentences from a random seed paragraph."""
    para = seed.paragraphs[rng.randrange(len(seed.paragraphs))]
    length = rng.randint(1, min(max_sentences, len(para)))
    begin = rng.randrange(len(para) - length + 1)
    return list(para[begin : begin + length])


def recombined_paragraph(seed: SeedText, rng: random.Random, max_chars: int = 400) -> str:
    """A run from one seed paragraph, sometimes followed by a run from another (≤ max_chars)."""
    sentences = sentence_run(seed, rng, 4)
    if rng.random() < 0.5:
        sentences += sentence_run(seed, rng, 3)
    text = ""
    for sentence in sentences:
        if text and len(text) + len(sentence) > max_chars:
            break
        text += sentence
    return text


def article_title(seed: SeedText, rng: random.Random, number: int) -> str:
    base = rng.choice(seed.titles) if seed.titles else "地方創生"
    words = re.split(r"[：:，,、]", base)
    return f"{rng.choice([w for w in words if w] or [base])}（{number}）"


def article_text(seed: SeedText, rng: random.Random, paragraphs: tuple[int, int]) -> str:
    count = rng.randint(*paragraphs)
    return "\n\n".join(recombined_paragraph(seed, rng) for _ in range(count)) + "\n"


def write_article(
    corpus_dir: Path, seed: SeedText, number: int, random_seed: int, paragraphs: tuple[int, int] = (10, 30)
) -> Path:
    """Article ``number`` of the benchmark corpus (same number + seed = same file)."""
    rng = random.Random(f"{random_seed}:{number}")
    path = Path(corpus_dir) / f"bench_{number:05d}.txt"
    path.write_text(article_text(seed, rng, paragraphs), encoding="utf-8")
    meta = {"title": article_title(seed, rng, number), "author": "bench", "published": "2022-01-01"}
    path.with_name(path.name + ".meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return path


def write_corpus(corpus_dir: Path, seed: SeedText, articles: int, random_seed: int = 0, first: int = 0) -> list[Path]:
    """Write articles ``first .. first+articles-1`` into ``corpus_dir``."""
    Path(corpus_dir).mkdir(parents=True, exist_ok=True)
    return [write_article(corpus_dir, seed, n, random_seed) for n in range(first, first + articles)]


# --------------------------------------------------------------------------- in-memory passages


class TokenCache:
    """Search tokens of each seed sentence, computed once with ``ingest.segment.tokenize``."""

    def __init__(self) -> None:
        from ingest.segment import tokenize

        self._tokenize = tokenize
        self._tokens: dict[str, tuple[str, ...]] = {}

    def __call__(self, sentence: str) -> tuple[str, ...]:
        tokens = self._tokens.get(sentence)
        if tokens is None:
            tokens = self._tokens[sentence] = tuple(self._tokenize(sentence))
        return tokens


def passage_text(seed: SeedText, rng: random.Random) -> list[str]:
    """Sentences of one passage (≤ MAX_PASSAGE_CHARS, like ``ingest.passages``)."""
    sentences: list[str] = []
    length = 0
    for sentence in sentence_run(seed, rng, 4) + sentence_run(seed, rng, 2):
        if sentences and length + len(sentence) > MAX_PASSAGE_CHARS:
            break
        sentences.append(sentence[:MAX_PASSAGE_CHARS])
        length += len(sentences[-1])
    return sentences


def synthetic_article(
    seed: SeedText, rng: random.Random, number: int, passages: int, tokens: TokenCache
) -> tuple[Article, list[Passage]]:
    """One in-memory article of ``passages`` paragraphs (one passage each), with search tokens."""
    from ingest.passages import passage_id

    doc_id = f"synth_{number:06d}"
    title = article_title(seed, rng, number)
    paragraphs: list[Paragraph] = []
    cut: list[Passage] = []
    offset = 0
    seen: set[str] = set()
    for _ in range(passages):
        sentences = passage_text(seed, rng)
        text = "".join(sentences)
        if text in seen:
            continue
        seen.add(text)
        paragraphs.append(Paragraph(len(paragraphs) + 1, text, offset, offset + len(text), None))
        cut.append(
            Passage(
                id=passage_id(doc_id, text),
                doc_id=doc_id,
                title=title,
                paragraph=len(paragraphs),
                page=None,
                start=offset,
                end=offset + len(text),
                text=text,
                tokens=tuple(t for s in sentences for t in tokens(s)),
            )
        )
        offset += len(text) + 2
    article = Article(
        doc_id=doc_id,
        meta=ArticleMeta(title=title, author="bench", source=f"{doc_id}.txt"),
        text="\n\n".join(p.text for p in paragraphs),
        paragraphs=tuple(paragraphs),
        content_hash=f"synthetic-{number}",
    )
    return article, cut


def synthetic_store_parts(
    seed: SeedText, passages: int, random_seed: int = 0, per_article: int = 25
) -> tuple[list[Article], list[Passage]]:
    """About ``passages`` passages in articles of ``per_article`` (repeats inside an article dropped)."""
    rng = random.Random(random_seed)
    tokens = TokenCache()
    articles: list[Article] = []
    cut: list[Passage] = []
    number = 0
    while len(cut) < passages:
        article, more = synthetic_article(seed, rng, number, min(per_article, passages - len(cut)), tokens)
        articles.append(article)
        cut.extend(more)
        number += 1
    return articles, cut
