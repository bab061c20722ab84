"""load → clean → passages → tokens, for one file or a whole corpus directory."""
from __future__ import annotations

import hashlib
from pathlib import Path

from ingest import load, metadata
from ingest.clean import HEADING_MAX, clean_document
from ingest.errors import LoadError
from ingest.passages import DEFAULT_MAX_CHARS, split_passages
from ingest.records import Article, IngestResult, Paragraph, Passage, RawDocument
from ingest.segment import tokenize


def doc_id_for(path: Path) -> str:
    """Articles are named by their file name without extension."""
    return path.stem


def build_article(path: Path, raw: RawDocument) -> Article:
    """Clean a loaded document into an :class:`Article` with numbered paragraphs and spans."""
    cleaned = clean_document(raw)
    if not cleaned.paragraphs:
        raise LoadError(f"{path.name}: no text left after cleaning; is this an article? Remove it or fix its content.")
    paragraphs, offset = [], 0
    for number, (text, page) in enumerate(cleaned.paragraphs, start=1):
        paragraphs.append(Paragraph(number=number, text=text, start=offset, end=offset + len(text), page=page))
        offset += len(text) + 2
    text = "\n\n".join(p.text for p in paragraphs)
    first = paragraphs[0].text
    heading = first if len(first) <= HEADING_MAX and "。" not in first else None
    meta = metadata.resolve_meta(path, metadata.read_sidecar(path), raw.title, heading, cleaned.published)
    return Article(
        doc_id=doc_id_for(path),
        meta=meta,
        text=text,
        paragraphs=tuple(paragraphs),
        content_hash=raw.content_hash,
        removed=tuple(cleaned.removed),
    )


def ingest_path(path: Path, corpus_dir: Path | None = None, max_chars: int = DEFAULT_MAX_CHARS) -> tuple[Article, list[Passage]]:
    """One file → its article and passages. Raises :class:`LoadError` naming the file."""
    article = build_article(path, load.load_file(path, corpus_dir))
    return article, split_passages(article, max_chars, tokenize)


def _text_hash(article: Article) -> str:
    return hashlib.sha256(article.text.encode("utf-8")).hexdigest()


def ingest_corpus(corpus_dir: Path, max_chars: int = DEFAULT_MAX_CHARS) -> IngestResult:
    """Every supported file of ``corpus_dir``; bad files become warnings, duplicates are kept once."""
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise LoadError(f"corpus directory {corpus_dir} does not exist; create it or pass --corpus DIR")
    articles: list[Article] = []
    passages: list[Passage] = []
    warnings = [f"{p.name}: unsupported file type {p.suffix or '(none)'}; supported: {', '.join(load.SUPPORTED_EXTENSIONS)}"
                for p in load.unsupported_files(corpus_dir)]
    duplicates: list[tuple[str, str]] = []
    seen: dict[str, str] = {}
    for path in load.corpus_files(corpus_dir):
        try:
            article, cut = ingest_path(path, corpus_dir, max_chars)
        except LoadError as err:
            warnings.append(str(err))
            continue
        if any(a.doc_id == article.doc_id for a in articles):
            warnings.append(f"{path.name}: another file already has the id {article.doc_id}; rename one of them")
            continue
        key = _text_hash(article)
        if key in seen:
            duplicates.append((path.name, seen[key]))
            warnings.append(f"{path.name}: same text as {seen[key]}; indexed once")
            continue
        seen[key] = path.name
        articles.append(article)
        passages.extend(cut)
    return IngestResult(tuple(articles), tuple(passages), tuple(warnings), tuple(duplicates))
