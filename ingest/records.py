"""Typed records that flow from ingest to index to chat."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RawDocument:
    """What a loader read from one file, before cleaning.

    ``pages`` holds one string per page for paged formats (PDF) and a single
    string otherwise; ``paged`` tells which.
    """

    source: str  # file name relative to the corpus directory
    pages: tuple[str, ...]
    paged: bool
    content_hash: str  # sha256 of the file's bytes
    fmt: str  # "txt", "md", "html", "pdf", "docx"
    encoding: str | None = None  # detected text encoding, when the format has one
    title: str | None = None  # a title the format itself carries (HTML <title>, DOCX core props)
    author: str | None = None  # an author the format itself carries (HTML <meta name="author">)


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a cleaned article, numbered as a reader counts them (from 1)."""

    number: int
    text: str
    start: int  # character span in Article.text
    end: int
    page: int | None  # 1-based page where the paragraph starts (PDF only)


@dataclass(frozen=True)
class ArticleMeta:
    title: str
    author: str | None = None
    published: str | None = None  # ISO date, "2021-10-29"
    source: str | None = None  # file name the article came from


@dataclass(frozen=True)
class Article:
    doc_id: str
    meta: ArticleMeta
    text: str  # cleaned article text; paragraphs joined by "\n\n"
    paragraphs: tuple[Paragraph, ...]
    content_hash: str  # sha256 of the source file's bytes
    removed: tuple[str, ...] = ()  # what cleaning removed (distinct lines), for reports


@dataclass(frozen=True)
class Passage:
    """The unit that is indexed, retrieved and cited."""

    id: str  # stable: derived from doc_id + text, same text => same id
    doc_id: str
    title: str
    paragraph: int  # paragraph number in the cleaned article (1-based)
    page: int | None
    start: int  # character span in the cleaned article text
    end: int
    text: str  # display text, original script
    tokens: tuple[str, ...] = field(default=(), compare=False)  # search tokens (folded, segmented)
    context: str = ""  # the headings above it (title › heading › subheading), not in ``text``

    @property
    def headings(self) -> str:
        """The heading path without the article's title: the sections the passage is in."""
        return " › ".join(part for part in self.context.split(" › ") if part and part != self.title)

    @property
    def search_text(self) -> str:
        """What is keyword-indexed (its tokens): the heading path, then the passage's own text.
        The dense side embeds ``text`` alone (``index.build.embedding_text``)."""
        return f"{self.context}\n{self.text}" if self.context else self.text


@dataclass(frozen=True)
class IngestResult:
    articles: tuple[Article, ...]
    passages: tuple[Passage, ...]
    warnings: tuple[str, ...]
    duplicates: tuple[tuple[str, str], ...] = ()  # (duplicate source, kept source)
