"""Per-article metadata in an editable sidecar file: ``NAME.EXT.meta.json`` beside the article."""
from __future__ import annotations

import json
from pathlib import Path

from ingest.errors import SouseiError
from ingest.records import ArticleMeta

SIDECAR_SUFFIX = ".meta.json"
FIELDS = ("title", "author", "published")


def sidecar_path(article_path: Path) -> Path:
    return article_path.with_name(article_path.name + SIDECAR_SUFFIX)


def read_sidecar(article_path: Path) -> dict:
    """The sidecar's fields, or ``{}`` when there is none."""
    path = sidecar_path(article_path)
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise SouseiError(f"{path.name}: not valid JSON ({err}); fix or delete the metadata file") from err
    if not isinstance(data, dict):
        raise SouseiError(f"{path.name}: expected a JSON object with {', '.join(FIELDS)}")
    return {k: str(v) for k, v in data.items() if k in FIELDS and v not in (None, "")}


def write_sidecar(article_path: Path, meta: ArticleMeta) -> Path:
    path = sidecar_path(article_path)
    data = {"title": meta.title, "author": meta.author, "published": meta.published}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def resolve_meta(
    article_path: Path, sidecar: dict, format_title: str | None, first_heading: str | None, published: str | None
) -> ArticleMeta:
    """Sidecar values win; then what the file format says; then what cleaning found; then the file name."""
    title = sidecar.get("title") or format_title or first_heading or article_path.stem
    return ArticleMeta(
        title=title.strip(),
        author=sidecar.get("author"),
        published=sidecar.get("published") or published,
        source=article_path.name,
    )
