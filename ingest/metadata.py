"""Per-article metadata in an editable sidecar file: ``NAME.EXT.meta.json`` beside the article.

A sidecar is user-edited and may be anything: it is read defensively. A problem (not JSON,
not an object, a field of the wrong type, a folder in its place) becomes a warning naming
the sidecar, and the fields that are usable are still used.
"""

from __future__ import annotations

import json
import re
import stat
from pathlib import Path

from ingest.records import ArticleMeta

SIDECAR_SUFFIX = ".meta.json"
FIELDS = ("title", "author", "published")
MAX_SIDECAR_BYTES = 64 * 1024
TITLE_MAX = 200  # characters kept of any title (sidecar, file metadata or heading)
FIELD_MAX = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]+")
_PLACEHOLDER_TITLES = {
    "anonymous",
    "(anonymous)",
    "untitled",
    "untitled document",
    "unknown",
    "none",
    "title",
    "無標題",
    "无标题",
    "未命名",
    "新文件",
}
_OFFICE_PREFIXES = ("microsoft word - ", "microsoft powerpoint - ", "microsoft excel - ")
# A document information title that only names a file (kyoryokutai.html: what Chromium writes when it
# prints a page saved to disk), a path or a web address, or an editor's default name (Document1, 文件1).
_FILE_NAME_TITLE = re.compile(
    r"""^(?:\S*[\\/])?[^\\/]*\.(?:html?|xhtml|php|aspx?|jsp|pdf|docx?|odt|rtf|txt|md|pptx?|xlsx?)$""", re.I
)
_ADDRESS_TITLE = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|www\.|about:blank$|[a-z]:\\)", re.I)
_DEFAULT_NAME_TITLE = re.compile(r"^(?:document|untitled|文件|文檔|文档|新增 microsoft word 文件)\s*\d*$", re.I)


def sidecar_path(article_path: Path) -> Path:
    return article_path.with_name(article_path.name + SIDECAR_SUFFIX)


def read_sidecar(article_path: Path) -> tuple[dict, list[str]]:
    """The sidecar's usable fields (``{}`` when there is none) and the problems found in it."""
    path = sidecar_path(article_path)
    data, problem = _sidecar_json(path)
    if problem:
        return {}, [
            f"{path.name}：{problem}；其中的標題、日期等資料不採用，請修正或刪除這個檔案（its metadata is ignored)"
        ]
    if data is None:
        return {}, []
    if not isinstance(data, dict):
        problem = (
            f"{path.name}: expected a JSON object with {', '.join(FIELDS)}, found a {type(data).__name__}; "
            "its metadata is ignored - fix or delete the file"
        )
        return {}, [problem]
    fields, problems = {}, []
    for key in FIELDS:
        value = data.get(key)
        if value is None or value == "":
            continue
        if isinstance(value, str):
            fields[key] = value
        elif isinstance(value, (int, float)) and not isinstance(value, bool) and key == "published":
            fields[key] = str(value)
        else:
            problems.append(f"{path.name}: field {key!r} should be text, not {type(value).__name__}; ignored")
    return fields, problems


def _sidecar_json(path: Path) -> tuple[object, str | None]:
    """(parsed JSON or None when there is no sidecar, problem)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return None, None
    except OSError as exc:
        return None, f"cannot be read ({exc.strerror or exc})"
    if not stat.S_ISREG(info.st_mode):
        return None, "is not a regular file"
    if info.st_size > MAX_SIDECAR_BYTES:
        return (
            None,
            f"有 {info.st_size:,} 位元組，超過資料檔的上限 {MAX_SIDECAR_BYTES:,} 位元組（資料檔只放標題、日期等幾行）",
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, f"cannot be read ({exc.strerror or exc})"
    text, problem = _decode(data)
    if problem:
        return None, problem
    try:
        return json.loads(text), None
    except json.JSONDecodeError as exc:
        return None, f"not valid JSON ({exc})"
    except RecursionError:
        return None, "is nested too deeply to be a metadata file"


def _decode(data: bytes) -> tuple[str, str | None]:
    """UTF-8 (with or without BOM), else the loaders' detection (Big5, GB18030, UTF-16)."""
    from ingest.errors import LoadError
    from ingest.load import decode_text

    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    try:
        return decode_text(data, "sidecar")[0], None
    except LoadError:
        return "", "is not UTF-8 text (and its encoding could not be detected); save it as UTF-8"


def write_sidecar(article_path: Path, meta: ArticleMeta) -> Path:
    path = sidecar_path(article_path)
    data = {"title": meta.title, "author": meta.author, "published": meta.published}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def clean_field(value: str | None, limit: int = FIELD_MAX) -> str | None:
    """Control and bidi characters replaced by spaces, whitespace collapsed, length capped."""
    if value is None:
        return None
    value = " ".join(_CONTROL.sub(" ", value).split())
    if len(value) > limit:
        value = value[: limit - 1].rstrip() + "…"
    return value or None


def is_placeholder_title(title: str | None) -> bool:
    """Titles that say nothing: empty, "untitled", "(anonymous)", "Microsoft Word - FILE.docx"."""
    if not title or not title.strip():
        return True
    folded = title.strip().lower()
    return folded in _PLACEHOLDER_TITLES or folded.startswith(_OFFICE_PREFIXES)


def is_junk_format_title(title: str | None) -> bool:
    """A title a file's own metadata gives that is no title: a placeholder, a file name
    (``kyoryokutai.html``, ``C:\\docs\\報告.docx``), a web address, an editor's default name
    (``Document1``). The first heading is the title then; a sidecar's title is taken as written."""
    if is_placeholder_title(title):
        return True
    assert title is not None
    text = title.strip()
    return bool(_FILE_NAME_TITLE.match(text) or _ADDRESS_TITLE.match(text) or _DEFAULT_NAME_TITLE.match(text))


def resolve_meta(
    article_path: Path,
    sidecar: dict,
    format_title: str | None,
    first_heading: str | None,
    published: str | None,
    authors: tuple[str | None, ...] = (),
) -> ArticleMeta:
    """Sidecar values win; then what the file format says (unless it is no title:
    :func:`is_junk_format_title`); then the first heading; then the file name. The author: the
    sidecar's, else the first of ``authors`` (the article's byline, then what the format says).
    Every field is cleaned of control characters and capped."""
    format_title = None if is_junk_format_title(clean_field(format_title, TITLE_MAX)) else format_title
    candidates = (sidecar.get("title"), format_title, first_heading, article_path.stem)
    titles = [clean_field(t, TITLE_MAX) for t in candidates]
    title = next((t for t in titles if not is_placeholder_title(t)), None) or titles[-1] or article_path.stem
    return ArticleMeta(
        title=title,
        author=next((a for a in map(clean_field, (sidecar.get("author"), *authors)) if a), None),
        published=clean_field(sidecar.get("published") or published, 40),
        source=article_path.name,
    )
