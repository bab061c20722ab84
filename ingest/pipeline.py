"""load → clean → passages → tokens, for one file or a whole corpus directory.

Files are read by ``ingest.sandbox`` (a child process with time and memory limits); any
per-file failure (a refused or crashing loader, a bad sidecar, a limit) becomes a warning
naming the file, and the other files are still ingested.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from ingest import load, metadata
from ingest.clean import HEADING_MAX, CleanResult
from ingest.errors import LoadError
from ingest.fileio import sha256_hex
from ingest.furniture import byline_author, dateline
from ingest.load import DEFAULT_LIMITS, LoadLimits
from ingest.passages import DEFAULT_MAX_CHARS, split_passages
from ingest.records import Article, IngestResult, Paragraph, Passage, RawDocument
from ingest.sandbox import Reader
from ingest.segment import tokenize


def doc_id_for(path: Path) -> str:
    """Articles are named by their file name without extension."""
    return path.stem


def build_article(
    path: Path, raw: RawDocument, cleaned: CleanResult | None = None, warnings: list[str] | None = None
) -> Article:
    """Clean a loaded document into an :class:`Article` with numbered paragraphs and spans.
    Problems with the sidecar are appended to ``warnings`` (the article is still built)."""
    if cleaned is None:
        from ingest.clean import clean_document

        cleaned = clean_document(raw)
    if not cleaned.paragraphs:
        raise LoadError(f"{path.name}：清理後沒有留下任何文字，這是一篇文章嗎？請移除它或修正內容")
    paragraphs, offset = [], 0
    for number, (text, page) in enumerate(cleaned.paragraphs, start=1):
        paragraphs.append(Paragraph(number=number, text=text, start=offset, end=offset + len(text), page=page))
        offset += len(text) + 2
    text = "\n\n".join(p.text for p in paragraphs)
    first = paragraphs[0].text
    heading = first if len(first) <= HEADING_MAX and "。" not in first else None
    sidecar, problems = metadata.read_sidecar(path)
    if warnings is not None:
        warnings.extend(problems)
    format_author = (byline_author([raw.author]) or raw.author) if raw.author else None  # 記者X／台北報導 → X
    authors = (byline_author([p.text for p in paragraphs]), format_author)
    published = cleaned.published or dateline([p.text for p in paragraphs])  # a date alone under the title
    meta = metadata.resolve_meta(path, sidecar, raw.title, heading, published, authors)
    return Article(
        doc_id=doc_id_for(path),
        meta=meta,
        text=text,
        paragraphs=tuple(paragraphs),
        content_hash=raw.content_hash,
        removed=tuple(cleaned.removed),
    )


def cut_passages(article: Article, max_chars: int, limits: LoadLimits) -> list[Passage]:
    """Passages with search tokens; refuses an article over ``limits.passages`` before tokenizing."""
    estimate = sum(max(1, len(p.text) // max_chars) for p in article.paragraphs)
    if estimate > limits.passages:
        raise load.over_limit(
            article.meta.source or article.doc_id, f"會切成超過 {estimate:,} 個片段", "passages", limits.passages
        )
    untokenized = split_passages(article, max_chars)
    if len(untokenized) > limits.passages:
        raise load.over_limit(
            article.meta.source or article.doc_id, f"切成 {len(untokenized):,} 個片段", "passages", limits.passages
        )
    return [Passage(**{**p.__dict__, "tokens": tuple(tokenize(p.search_text))}) for p in untokenized]


def ingest_path(
    path: Path,
    corpus_dir: Path | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
    limits: LoadLimits = DEFAULT_LIMITS,
    reader: Reader | None = None,
    warnings: list[str] | None = None,
) -> tuple[Article, list[Passage]]:
    """One file → its article and passages. Raises :class:`LoadError` naming the file."""
    if reader is None:
        with Reader(limits) as own:
            return ingest_path(path, corpus_dir, max_chars, limits, own, warnings)
    name = load._source_name(Path(path), corpus_dir)
    raw, cleaned = reader.read(Path(path), name).unwrap()
    article = build_article(Path(path), raw, cleaned, warnings)
    return article, cut_passages(article, max_chars, limits)


def _text_hash(article: Article) -> str:
    return sha256_hex(article.text)


def ingest_corpus(
    corpus_dir: Path,
    max_chars: int = DEFAULT_MAX_CHARS,
    *,
    limits: LoadLimits = DEFAULT_LIMITS,
    cache_dir: Path | None = None,
) -> IngestResult:
    """Every supported file of ``corpus_dir``; bad files become warnings, duplicates are kept once.

    ``cache_dir`` (the index build passes one) remembers what each file's bytes gave, refusals
    included, so a rebuild reads only new or changed files."""
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise LoadError(f"文章資料夾 {corpus_dir} 不存在；請建立它，或用 --corpus DIR 指定")
    scan = load.scan_corpus(corpus_dir, limits.max_file_mb * 1024 * 1024)
    supported = ", ".join(load.SUPPORTED_EXTENSIONS)
    warnings = [
        f"{p.name}: unsupported file type {p.suffix or '(none)'}; supported: {supported}" for p in scan.unsupported
    ]
    warnings.extend(scan.skipped)
    articles: list[Article] = []
    passages: list[Passage] = []
    duplicates: list[tuple[str, str]] = []
    seen: dict[str, str] = {}
    ids: dict[str, str] = {}
    with Reader(limits, cache_dir) as reader:
        for path in scan.files:
            cut = _ingest_one(path, corpus_dir, max_chars, limits, reader, warnings)
            if cut is None:
                continue
            article, article_passages = cut
            folded_id = unicodedata.normalize("NFC", article.doc_id)
            if folded_id in ids:
                warnings.append(
                    f"{path.name}：另一個檔案（{ids[folded_id]}）已經使用代號 {article.doc_id}"
                    "（兩個檔名只差在 Unicode 正規化）；請將其中一個改名"
                )
                continue
            key = _text_hash(article)
            if key in seen:
                duplicates.append((path.name, seen[key]))
                warnings.append(f"{path.name}：內容與 {seen[key]} 相同，只建立一次索引")
                continue
            seen[key] = path.name
            ids[folded_id] = path.name
            articles.append(article)
            passages.extend(article_passages)
    return IngestResult(tuple(articles), tuple(passages), tuple(warnings), tuple(duplicates))


def _ingest_one(
    path: Path, corpus_dir: Path, max_chars: int, limits: LoadLimits, reader: Reader, warnings: list[str]
) -> tuple[Article, list[Passage]] | None:
    """One file's article and passages, or None with a warning naming the file: one bad file
    never stops the others."""
    try:
        return ingest_path(path, corpus_dir, max_chars, limits, reader, warnings)
    except LoadError as err:
        warnings.append(str(err))
    except (Exception, RecursionError) as err:  # noqa: BLE001 - any per-file failure is this file's warning
        warnings.append(
            f"{path.name}：無法讀取（{type(err).__name__}: {str(err)[:200]}）；"
            "檔案可能已損壞，請用原程式開啟後重新儲存，或轉存為 .txt"
        )
    return None
