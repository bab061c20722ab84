"""Fakes for the index tests: a tiny ingest (txt files, blank-line paragraphs) and tokenizer.

They let the index package be tested without jieba, OpenCC or the real ingest pipeline.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from ingest.passages import DEFAULT_MAX_CHARS
from ingest.records import Article, ArticleMeta, IngestResult, Paragraph, Passage

FAKE_SEGMENTER = {"segmenter": "fake", "version": 1}
_WORD = re.compile(r"[a-z0-9.%]+|[\u4e00-\u9fff]")


def fake_tokenize(text: str) -> list[str]:
    """Latin words / numbers whole, CJK as single characters plus bigrams."""
    units = _WORD.findall(text.lower())
    bigrams = [a + b for a, b in zip(units, units[1:]) if len(a) == 1 == len(b) and not a.isascii()]
    return units + bigrams


def _article(doc_id: str, path: Path, raw: bytes) -> Article:
    blocks = [b.strip() for b in raw.decode("utf-8").split("\n\n") if b.strip()]
    paragraphs, offset = [], 0
    for number, block in enumerate(blocks, 1):
        paragraphs.append(Paragraph(number, block, offset, offset + len(block), None))
        offset += len(block) + 2
    return Article(
        doc_id=doc_id,
        meta=ArticleMeta(title=doc_id, source=path.name),
        text="\n\n".join(blocks),
        paragraphs=tuple(paragraphs),
        content_hash=hashlib.sha256(raw).hexdigest(),
    )


def _passages(article: Article) -> list[Passage]:
    return [
        Passage(
            id=hashlib.sha256(f"{article.doc_id}\n{p.text}".encode()).hexdigest()[:16],
            doc_id=article.doc_id,
            title=article.meta.title,
            paragraph=p.number,
            page=None,
            start=p.start,
            end=p.end,
            text=p.text,
            tokens=tuple(fake_tokenize(p.text)),
        )
        for p in article.paragraphs
    ]


def fake_ingest(corpus_dir: Path, max_chars: int = DEFAULT_MAX_CHARS) -> IngestResult:
    """One passage per blank-line paragraph of each ``*.txt``; identical files indexed once."""
    articles, passages, duplicates = [], [], []
    seen: dict[str, str] = {}
    for path in sorted(Path(corpus_dir).glob("*.txt")):
        raw = path.read_bytes()
        digest = hashlib.sha256(raw).hexdigest()
        if digest in seen:
            duplicates.append((path.name, seen[digest]))
            continue
        seen[digest] = path.name
        article = _article(path.stem, path, raw)
        articles.append(article)
        passages.extend(_passages(article))
    return IngestResult(tuple(articles), tuple(passages), (), tuple(duplicates))


ARTICLE_A = """日本總務省推動ICT地域活性化政策。

2012年只有2.3%的地方政府正著手推動相關政策。

地方政府認為財政嚴峻不易投資。"""

ARTICLE_B = """地域經濟活性化機構(REVIC)提供資金。

MyNaPoint無現金支付裝置補助。

疫情期間學校改為遠距授課。"""

ARTICLE_C = """溫室氣體排放在2050年降為零。

物流業者可以共享物流資訊。"""


def write_corpus(directory: Path, **articles: str) -> Path:
    """Write ``name=text`` pairs as ``name.txt`` files (created directory returned)."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in articles.items():
        (directory / f"{name}.txt").write_text(text, encoding="utf-8")
    return directory


def build_kwargs() -> dict:
    """Keyword arguments for ``build_index`` that use the fakes."""
    return {"ingest": fake_ingest, "segmenter": FAKE_SEGMENTER}


def open_kwargs() -> dict:
    """Keyword arguments for ``Searcher.open`` that use the fakes."""
    return {"tokenizer": fake_tokenize, "segmenter": FAKE_SEGMENTER}


class SlowFakeEncoder:
    """A FakeEncoder that sleeps per batch, so a test can kill a build midway."""

    def __init__(self, delay: float = 0.2, **kwargs) -> None:
        from tests.fakes import FakeEncoder

        self._inner = FakeEncoder(**kwargs)
        self.delay = delay
        self.model_id, self.dim, self.fingerprint = self._inner.model_id, self._inner.dim, self._inner.fingerprint

    def encode_queries(self, texts):
        return self._inner.encode_queries(texts)

    def encode_passages(self, texts):
        import time

        time.sleep(self.delay)
        return self._inner.encode_passages(texts)


def build_in_subprocess_main(corpus: str, index_dir: str, delay: str) -> None:
    """Entry point for ``python -c`` in kill/lock tests: one build with the slow fake encoder."""
    from pathlib import Path

    from index.build import build_index
    from index.settings import IndexSettings

    report = build_index(
        Path(corpus),
        Path(index_dir),
        SlowFakeEncoder(float(delay)),
        IndexSettings(batch_size=1),
        progress=lambda done, total, message: print(message, done, total, flush=True),
        **build_kwargs(),
    )
    print("REPORT", report.to_json(), flush=True)


def many_paragraphs(count: int, seed: str = "") -> str:
    """An article of ``count`` distinct paragraphs."""
    return "\n\n".join(f"第{i}段{seed}：地方創生政策第{i}項措施與預算。" for i in range(count))
