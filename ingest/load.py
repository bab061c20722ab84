"""Loaders: one article file -> RawDocument (text per page, before cleaning).

Formats: .txt, .md (text with encoding detection), .html/.htm (main text via
trafilatura), .pdf (pypdf text layer, one string per page), .docx (python-docx).
Every failure is a ``LoadError`` whose message names the file and says what to do.
Heavy libraries are imported inside the loader that needs them.
"""

from __future__ import annotations

import codecs
import functools
import io
import os
import re
import stat
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ingest.errors import LoadError, SouseiError
from ingest.fileio import sha256_hex
from ingest.metadata import SIDECAR_SUFFIX
from ingest.pdf_tables import with_table_rows
from ingest.records import RawDocument

SUPPORTED_EXTENSIONS = (".txt", ".md", ".html", ".htm", ".pdf", ".docx")
_FORMAT_NAMES = {".htm": "html"}

_SUPPORTED_HINT = ", ".join(SUPPORTED_EXTENSIONS)
_RESAVE_HINT = "請另存為 UTF-8 文字檔後再加入"
# BOMs, longest first (the UTF-32 LE BOM starts with the UTF-16 LE one).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CHINESE_CODECS = ("gb18030", "cp950")  # gb18030 first: it wins exact ties (measured on the seeds)
_CHINESE_FAMILY = {"big5", "big5hkscs", "cp950", "gb2312", "gbk", "gb18030", "hz", "cp936"}
_MIN_CHINESE_SCORE = 0.6
_TRUST_DETECTOR_BYTES = 256  # below this, the detector is unreliable for CJK (it guesses cp949 for "人口")
_SCORE_SAMPLE_CHARS = 5000
_DETECT_SAMPLE_BYTES = 65_536
_MIN_PRINTABLE_RATIO = 0.95
_CJK_PUNCT = set("，。、；：？！「」『』（）《》〈〉【】—…‧·．“”‘’　～")


@dataclass(frozen=True)
class LoadLimits:
    """Limits on reading one article file. A file over one is refused, and the refusal names
    the limit as ``name=value`` (the settings field to raise if the file is legitimate)."""

    max_file_mb: int = 20  # file size, at add and at build
    load_seconds: float = 60.0  # wall time to parse and clean one file (in the loader process)
    load_memory_mb: int = 1536  # address space of the loader process
    docx_unzipped_mb: int = 100  # total uncompressed size of a .docx's zip members
    docx_zip_ratio: int = 200  # uncompressed/compressed ratio of any member over 1 MB
    docx_grid_span: int = 1000  # columns one table cell may span
    docx_elements: int = 1_000_000  # XML elements of word/document.xml (counted while unzipping, before parsing)
    pdf_pages: int = 2000
    pdf_objects: int = 200_000
    html_elements: int = 30_000  # tags in an HTML page
    text_lines: int = 100_000  # lines of a .txt / .md file
    text_chars: int = 1_500_000  # characters of text read from any file
    passages: int = 5_000  # passages cut from one article

    def to_dict(self) -> dict:
        return asdict(self)


DEFAULT_LIMITS = LoadLimits()


def over_limit(name: str, what: str, limit: str, value: object) -> LoadError:
    """A refusal naming the file, what it has, and the limit (settings field) it broke."""
    return LoadError(f"{name}：{what}，超過上限 {limit}={value}；請分割或簡化檔案（若檔案可信，也可以提高這個上限）")


@dataclass(frozen=True)
class _Loaded:
    pages: tuple[str, ...]
    paged: bool
    encoding: str | None = None
    title: str | None = None
    author: str | None = None


# ---------------------------------------------------------------- corpus listing


@dataclass(frozen=True)
class CorpusScan:
    """What is in a corpus directory: article files to read, and everything else worth a warning."""

    files: tuple[Path, ...]
    unsupported: tuple[Path, ...] = ()
    skipped: tuple[str, ...] = field(default=())  # warnings: links out, devices, FIFOs, oversized, stale sidecars


def _is_listed(path: Path) -> bool:
    """Visible, not a metadata sidecar, not an editor lock file."""
    name = path.name
    return not (name.startswith((".", "~$")) or name.endswith(SIDECAR_SUFFIX))


def _check_corpus_dir(corpus_dir: Path) -> Path:
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise SouseiError(f"文章資料夾 {corpus_dir} 不存在或不是資料夾；請建立它，或用 --corpus 指定正確的資料夾")
    return corpus_dir


def _entry_problem(path: Path, root: Path, max_bytes: int | None) -> str | None:
    """Why ``path`` (a listed entry) must not be read, or None. Only regular files inside the
    corpus are read: links resolving outside it, devices, FIFOs and sockets are skipped."""
    try:
        if path.is_symlink():
            target = path.resolve()
            if not target.is_relative_to(root):
                return f"{path.name}：是指向文章資料夾以外（{target}）的連結，已略過；請把檔案本身複製進來"
        info = path.stat()
    except (OSError, RuntimeError) as exc:
        return f"{path.name}：無法讀取（{getattr(exc, 'strerror', None) or exc}），已略過；請檢查這個檔案"
    if stat.S_ISDIR(info.st_mode):
        return ""
    if not stat.S_ISREG(info.st_mode):
        return f"{path.name}：不是一般檔案（裝置、FIFO 或 socket），已略過；請從文章資料夾移除"
    if max_bytes is not None and info.st_size > max_bytes:
        return (
            f"{path.name}：有 {info.st_size / 1048576:.1f} MB，超過上限 max_file_mb={max_bytes // 1048576}，"
            "已略過；請分割文章"
        )
    return None


def scan_corpus(corpus_dir: Path, max_bytes: int | None = None) -> CorpusScan:
    """The corpus' article files (regular, inside it, within ``max_bytes``) and what was skipped."""
    corpus_dir = _check_corpus_dir(corpus_dir)
    root = corpus_dir.resolve()
    files: list[Path] = []
    unsupported: list[Path] = []
    skipped: list[str] = []
    for path in sorted(corpus_dir.iterdir()):
        if not _is_listed(path):
            continue
        problem = _entry_problem(path, root, max_bytes)
        if problem == "":
            continue  # a folder: not an article, nothing to say
        if problem is not None:
            skipped.append(problem)
        elif path.suffix.lower() in SUPPORTED_EXTENSIONS:
            files.append(path)
        else:
            unsupported.append(path)
    skipped.extend(_stale_sidecars(corpus_dir))
    return CorpusScan(tuple(files), tuple(unsupported), tuple(skipped))


def _stale_sidecars(corpus_dir: Path) -> list[str]:
    stale = []
    for sidecar in sorted(corpus_dir.glob("*" + SIDECAR_SUFFIX)):
        article = sidecar.with_name(sidecar.name[: -len(SIDECAR_SUFFIX)])
        if not sidecar.name.startswith(".") and not os.path.lexists(article):
            stale.append(
                f"{sidecar.name}：是 {article.name} 的資料檔，但文章資料夾裡沒有這篇文章；"
                "請刪除它（否則同名的新檔案會沿用它）"
            )
    return stale


def corpus_files(corpus_dir: Path) -> list[Path]:
    """Supported article files directly in ``corpus_dir`` (regular files inside it), sorted by name."""
    return list(scan_corpus(corpus_dir).files)


def unsupported_files(corpus_dir: Path) -> list[Path]:
    """Visible files in ``corpus_dir`` that are skipped because of their extension."""
    return list(scan_corpus(corpus_dir).unsupported)


# ---------------------------------------------------------------- entry point


def load_file(path: Path, corpus_dir: Path | None = None, limits: LoadLimits = DEFAULT_LIMITS) -> RawDocument:
    """Read one article file; raise ``LoadError`` naming the file when it cannot be used.

    Parsing runs in this process: untrusted files go through ``ingest.sandbox`` instead,
    which calls this in a child process with time and memory limits."""
    path = Path(path)
    name = _source_name(path, corpus_dir)
    extension = path.suffix.lower()
    if extension not in _LOADERS:
        raise LoadError(
            f"{name}：不支援的檔案類型 {repr(extension) if extension else '（無副檔名）'}；"
            f"支援的類型是 {_SUPPORTED_HINT}，請轉成其中一種或移除它"
        )
    data = _read_bytes(path, name, limits)
    extension = sniffed_extension(data, name, extension)
    loaded = _LOADERS[extension](data, name, limits)
    if not any(page.strip() for page in loaded.pages):
        raise LoadError(f"{name}：檔案裡找不到文字；請確認它包含文章內容")
    check_language(loaded.pages, name, limits)
    return RawDocument(
        source=name,
        pages=loaded.pages,
        paged=loaded.paged,
        content_hash=sha256_hex(data),
        fmt=_FORMAT_NAMES.get(extension, extension.lstrip(".")),
        encoding=loaded.encoding,
        title=loaded.title,
        author=loaded.author,
    )


# A text file whose content is another format: an HTML page saved as .txt (after a BOM, blanks, an XML
# declaration or comments, <!DOCTYPE html or <html), a PDF (%PDF- first), a zip (.docx, .zip).
_HTML_DOCUMENT = re.compile(r"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)[\s>]", re.I | re.S)
_SNIFF_BYTES = 4096
_TEXT_EXTENSIONS = (".txt", ".md")


def sniffed_extension(data: bytes, name: str, extension: str) -> str:
    """The extension whose loader reads ``data``: a .txt or .md that is clearly an HTML page is read as
    .html and a PDF as .pdf (by their own loaders, with their limits); a zip is refused (it is not text,
    and a .docx's loader would only say it is no .docx). Any other file: its own ``extension``."""
    if extension not in _TEXT_EXTENSIONS:
        return extension
    if data.startswith(b"%PDF-"):
        return ".pdf"
    if data.startswith(b"PK\x03\x04"):
        raise LoadError(
            f"{name}：副檔名是 {extension}，內容卻是 ZIP 壓縮檔（例如 Word 的 .docx），不是文字；"
            "若是 Word 文件，請把副檔名改成 .docx 再加入，否則請把文字存成 UTF-8 的 .txt 檔"
        )
    return ".html" if _HTML_DOCUMENT.match(_head_text(data)) else extension


def _head_text(data: bytes) -> str:
    """The first bytes as text, enough to see what a file starts with (a BOM's codec, else Latin-1:
    markup is ASCII in UTF-8, Big5 and GB18030 alike)."""
    head = data[:_SNIFF_BYTES]
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return head[len(bom) :].decode(codec.removesuffix("-sig"), errors="ignore")
    return head.decode("latin-1")


def _source_name(path: Path, corpus_dir: Path | None) -> str:
    if corpus_dir is not None:
        try:
            return path.resolve().relative_to(Path(corpus_dir).resolve()).as_posix()
        except ValueError:
            pass
    return path.name


def _read_bytes(path: Path, name: str, limits: LoadLimits) -> bytes:
    max_bytes = limits.max_file_mb * 1024 * 1024
    try:
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise LoadError(f"{name}：不是一般檔案（裝置、FIFO 或 socket）；請提供文章檔案")
            data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise LoadError(f"{name}：找不到檔案；請檢查路徑") from None
    except IsADirectoryError:
        raise LoadError(f"{name}：是資料夾，不是文章檔案；請提供文章檔案") from None
    except OSError as exc:
        raise LoadError(f"{name}：無法讀取（{exc.strerror or exc}）；請檢查檔案權限") from None
    if not data:
        raise LoadError(f"{name}：檔案是空的（0 bytes）；請放入文章內容或移除它")
    if len(data) > max_bytes:
        raise over_limit(name, f"大於 {limits.max_file_mb} MB", "max_file_mb", limits.max_file_mb)
    return data


# ---------------------------------------------------------------- is it language?

_MIN_LANGUAGE_SHARE = 0.5  # letters (any script) and digits among the non-space characters
_LANGUAGE_SAMPLE = 200_000


def language_share(text: str) -> float:
    """Share of letters and digits (CJK, kana, Latin, ... ) among the non-space characters of
    ``text``; control, private-use, symbol and replacement characters do not count."""
    total = counted = 0
    for char in text[:_LANGUAGE_SAMPLE]:
        if char.isspace():
            continue
        total += 1
        if char.isalnum() and unicodedata.category(char) not in ("Co", "Cn"):
            counted += 1
    return counted / total if total else 0.0


def check_language(pages: tuple[str, ...], name: str, limits: LoadLimits) -> None:
    """Refuse text that is not language (binary decoded as text, private-use glyph codes, symbols)
    and text over ``text_chars``."""
    chars = sum(len(page) for page in pages)
    if chars > limits.text_chars:
        raise over_limit(name, f"文字有 {chars:,} 字", "text_chars", limits.text_chars)
    share = language_share("\n".join(pages))
    if share < _MIN_LANGUAGE_SHARE:
        raise LoadError(
            f"{name}：內容看起來不是文字（只有 {share:.0%} 的字元是文字或數字，"
            "其餘是控制字元、私用區字元或符號）；請檢查檔案，"
            "或把文字重新匯出為 UTF-8"
        )


# ---------------------------------------------------------------- text decoding


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """Bytes -> (text with "\\n" newlines, encoding). BOM, then strict UTF-8, then detection."""
    text, encoding = _decode_any(data, name)
    text = normalise_newlines(text)
    if _printable_ratio(text) < _MIN_PRINTABLE_RATIO:
        raise LoadError(f"{name}：看起來是二進位資料，不是文字；{_RESAVE_HINT}")
    return text, encoding


def _decode_any(data: bytes, name: str) -> tuple[str, str]:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _decode_with_bom(data[len(bom) :], codec, name), codec
    if b"\x00" in data:
        return _decode_nul_bearing(data, name)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return _decode_legacy(data, name)


def _decode_with_bom(body: bytes, codec: str, name: str) -> str:
    try:
        return body.decode(codec)
    except UnicodeDecodeError:
        raise LoadError(
            f"{name}：開頭是 {codec} 的 BOM（位元組順序標記），內容卻不是有效的 {codec}；{_RESAVE_HINT}"
        ) from None


def _decode_nul_bearing(data: bytes, name: str) -> tuple[str, str]:
    """NUL bytes mean binary data, unless the detector recognises BOM-less UTF-16/32."""
    detected = _detect(data)
    if detected is not None and detected[1].startswith(("utf_16", "utf_32")):
        return detected
    raise LoadError(f"{name}：含有 NUL 位元組，是二進位資料而不是文字；{_RESAVE_HINT}")


def _decode_legacy(data: bytes, name: str) -> tuple[str, str]:
    """Not UTF-8: trust the detector for long non-Chinese text, else arbitrate Big5 vs GB18030."""
    long_enough = len(data) >= _TRUST_DETECTOR_BYTES
    detected = _detect(data) if long_enough else None
    if detected is not None and detected[1] not in _CHINESE_FAMILY:
        return detected
    chinese = _guess_chinese(data)
    if chinese is not None:
        return chinese
    if not long_enough:
        detected = _detect(data)
    if detected is not None:
        return detected
    raise LoadError(
        f"{name}：無法判斷文字編碼（試過 UTF-8、UTF-16、Big5、GB18030 和 charset-normalizer）；{_RESAVE_HINT}"
    )


def _detect(data: bytes) -> tuple[str, str] | None:
    """charset-normalizer's best (text, encoding), run on a leading sample of large inputs
    (it takes seconds on tens of MB), then confirmed by strictly decoding everything."""
    from charset_normalizer import from_bytes

    sample = _detection_sample(data)
    match = from_bytes(sample).best()
    if match is None:
        return None
    if len(sample) == len(data):
        return str(match), match.encoding
    try:
        return data.decode(match.encoding), match.encoding
    except (UnicodeDecodeError, LookupError):
        match = from_bytes(data).best()
        return (str(match), match.encoding) if match is not None else None


def _detection_sample(data: bytes) -> bytes:
    """At most ``_DETECT_SAMPLE_BYTES``, cut after a newline so no multibyte character is split
    (0x0A is never a trail byte in Big5, GBK or Shift_JIS)."""
    if len(data) <= _DETECT_SAMPLE_BYTES:
        return data
    cut = data.rfind(b"\n", 0, _DETECT_SAMPLE_BYTES)
    return data[: cut + 1] if cut > 0 else data[:_DETECT_SAMPLE_BYTES]


def _guess_chinese(data: bytes) -> tuple[str, str] | None:
    """Decode as GB18030 and as Big5 (cp950); keep the more plausible Chinese, if plausible enough.

    Charset detectors lean to Big5 on short GB texts (both byte ranges overlap), so each
    decoding is scored by how many of its characters are in the common-character level
    of its own standard; garbled decodings land in rare levels, kana or private use.
    """
    best: tuple[float, str, str] | None = None
    for codec in _CHINESE_CODECS:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        score = _chinese_plausibility(text, _COMMONNESS[codec])
        if best is None or score > best[0]:
            best = (score, text, codec)
    if best is None or best[0] < _MIN_CHINESE_SCORE:
        return None
    return best[1], best[2]


def _chinese_plausibility(text: str, commonness: Callable[[str], float]) -> float:
    """Mean plausibility (0..1) of the first non-ASCII characters of ``text``."""
    values: list[float] = []
    for char in text:
        if char.isascii():
            continue
        if "\u4e00" <= char <= "\u9fff":
            values.append(commonness(char))
        elif char in _CJK_PUNCT or "\uff01" <= char <= "\uff5e" or "\u3000" <= char <= "\u303f":
            values.append(1.0)
        else:
            values.append(0.0)
        if len(values) >= _SCORE_SAMPLE_CHARS:
            break
    return sum(values) / len(values) if values else 0.0


def _gb_commonness(char: str) -> float:
    """1 for GB2312 level 1 (3,755 common hanzi), 0.2 for level 2 and GBK traditional, else 0."""
    code = _two_byte_code(char, "gb18030")
    if code is None:
        return 0.0
    high, low = code >> 8, code & 0xFF
    if 0xB0 <= high <= 0xD7 and low >= 0xA1:
        return 1.0
    if (0xD8 <= high <= 0xF7 and low >= 0xA1) or 0x81 <= high <= 0xA0:
        return 0.2
    return 0.0


def _big5_commonness(char: str) -> float:
    """1 for Big5 level 1 (5,401 common hanzi), 0.2 for level 2, else 0."""
    code = _two_byte_code(char, "cp950")
    if code is None:
        return 0.0
    if 0xA440 <= code <= 0xC67E:
        return 1.0
    if 0xC940 <= code <= 0xF9D5:
        return 0.2
    return 0.0


def _two_byte_code(char: str, codec: str) -> int | None:
    try:
        encoded = char.encode(codec)
    except UnicodeEncodeError:
        return None
    return int.from_bytes(encoded, "big") if len(encoded) == 2 else None


_COMMONNESS: dict[str, Callable[[str], float]] = {"gb18030": _gb_commonness, "cp950": _big5_commonness}


def normalise_newlines(text: str) -> str:
    """CRLF / CR / Unicode line separators -> "\\n"; a leading BOM character dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n\n")
    return text.removeprefix("\ufeff")


def _printable_ratio(text: str, sample: int = 100_000) -> float:
    """Share of printable characters; U+FFFD (a replaced undecodable byte) does not count."""
    head = text[:sample]
    if not head:
        return 1.0
    printable = sum(1 for char in head if (char.isprintable() and char != "\ufffd") or char in "\n\t\f")
    return printable / len(head)


# ---------------------------------------------------------------- .txt / .md


def _check_text_size(data: bytes, name: str, limits: LoadLimits) -> None:
    lines = data.count(b"\n") + 1
    if lines > limits.text_lines:
        raise over_limit(name, f"有 {lines:,} 行", "text_lines", limits.text_lines)


def _load_txt(data: bytes, name: str, limits: LoadLimits) -> _Loaded:
    _check_text_size(data, name, limits)
    text, encoding = decode_text(data, name)
    return _Loaded(pages=(text,), paged=False, encoding=encoding)


def _load_md(data: bytes, name: str, limits: LoadLimits) -> _Loaded:
    _check_text_size(data, name, limits)
    text, encoding = decode_text(data, name)
    return _Loaded(pages=(strip_markdown(text),), paged=False, encoding=encoding)


_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_RULE = re.compile(r"^\s{0,3}([-*_=])(?:\s*\1){2,}\s*$")
_REF_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S+.*$")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$")
_QUOTE = re.compile(r"^\s{0,3}(?:>\s?)+")
_BULLET = re.compile(r"^\s*[-*+]\s+")
# A table (GitHub's pipes): its delimiter row goes, each other row becomes its cells joined by tabs,
# which the cleaner makes a row of the article (cells joined by ｜), as it does a PDF's table.
_TABLE_ROW = re.compile(r"^\s{0,3}\|(.*\|.*?)\|?\s*$")
_TABLE_DELIMITER = re.compile(r"^\s{0,3}\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)+\|?\s*$")
_CELL_BORDER = re.compile(r"(?<!\\)\|")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_TARGET = r"\((?:[^()]|\([^()]*\))*\)"  # (url "title"), one level of nested parentheses
_IMAGE = re.compile(r"!\[[^\]]*\](?:" + _TARGET + r"|\[[^\]]*\])")
_LINK = re.compile(r"\[([^\]]*)\](?:" + _TARGET + r"|\[[^\]]*\])")
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^>\s]+)>")
_EMPHASIS = (
    re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"),
    re.compile(r"(~~)(?=\S)(.+?)(?<=\S)\1"),
    re.compile(r"(\*)(?=\S)(.+?)(?<=\S)\1"),
    re.compile(r"(?<![0-9A-Za-z])(_)(?=\S)(.+?)(?<=\S)\1(?![0-9A-Za-z])"),
)


def strip_markdown(text: str) -> str:
    """Markdown -> plain text: syntax removed, link text kept, images dropped, code kept."""
    lines: list[str] = []
    in_fence = False
    for line in text.split("\n"):
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        lines.append(line if in_fence else _strip_markdown_line(line))
    return "\n".join(lines)


def table_row(line: str, clean: Callable[[str], str] = str.strip) -> str | None:
    """A table line written with pipes ("| 項目 | 日本 | 臺灣 |": Markdown, and trafilatura's text of
    an HTML table) as its non-empty cells joined by tabs, "" for a delimiter row ("|---|---|"),
    or None when ``line`` is no such line. A row of one cell (a caption) is that cell's text."""
    if _TABLE_DELIMITER.match(line):
        return ""
    row = _TABLE_ROW.match(line)
    if row is None:
        return None
    cells = (clean(cell.strip()) for cell in _CELL_BORDER.split(row.group(1)))
    return "\t".join(cell for cell in cells if cell)


def _strip_markdown_line(line: str) -> str:
    if _RULE.match(line) or _REF_DEFINITION.match(line):
        return ""
    row = table_row(line, _strip_inline)
    if row is not None:
        return row
    line = _HEADING.sub(r"\1", line)
    line = _QUOTE.sub("", line)
    line = _BULLET.sub("", line)
    return _strip_inline(line)


def _strip_inline(line: str) -> str:
    """Inline syntax; escapes and code spans are shielded by NUL placeholders (text has no NUL)."""
    shielded: list[str] = []

    def shield(value: str) -> str:
        shielded.append(value)
        return f"\x00{len(shielded) - 1}\x00"

    line = _ESCAPE.sub(lambda m: shield(m.group(1)), line)
    line = _CODE_SPAN.sub(lambda m: shield(m.group(2)), line)
    line = _IMAGE.sub("", line)
    line = _LINK.sub(r"\1", line)
    line = _AUTOLINK.sub(r"\1", line)
    for pattern in _EMPHASIS:
        line = pattern.sub(r"\2", line)
    return re.sub(r"\x00(\d+)\x00", lambda m: shielded[int(m.group(1))], line)


# ---------------------------------------------------------------- .html


# Pages declaring these usually contain characters of the vendor superset.
_DECLARED_SUPERSETS = {"big5": "cp950", "gb2312": "gb18030", "gbk": "gb18030"}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


_TAG = re.compile(rb"<[A-Za-z]")


def _load_html(data: bytes, name: str, limits: LoadLimits) -> _Loaded:
    import trafilatura

    elements = len(_TAG.findall(data))
    if elements > limits.html_elements:
        raise over_limit(name, f"有 {elements:,} 個 HTML 元素", "html_elements", limits.html_elements)
    html, encoding = _decode_html(data, name)
    document = trafilatura.bare_extraction(
        html,
        favor_precision=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        with_metadata=True,
    )
    body = getattr(document, "text", None) if document is not None else None
    if not body or not body.strip():
        raise LoadError(
            f"{name}：HTML 網頁裡找不到文章內容（只有導覽列或空白內容）；請儲存文章頁面本身，或把內容複製到 .txt 檔"
        )
    lines = (line.strip() for line in normalise_newlines(body).split("\n"))
    paragraphs = [text for line in lines if (text := _html_line(line))]
    title = (getattr(document, "title", None) or "").strip() or None
    author = (getattr(document, "author", None) or "").strip() or None
    _keep_byline(paragraphs, author, html, title)
    author = author or _meta_author(html)
    return _Loaded(pages=("\n\n".join(paragraphs),), paged=False, encoding=encoding, title=title, author=author)


def _html_line(line: str) -> str:
    """A line of trafilatura's text: a table row it wrote with pipes as the row's cells (tabs)."""
    row = table_row(line)
    return line if row is None else row


def _keep_byline(paragraphs: list[str], byline: str | None, html: str, title: str | None) -> None:
    """Put back the byline trafilatura took out of the text (``<p class="byline">記者…／…報導</p>``)
    under the title, so that "who wrote it" has the article's own words to quote."""
    from ingest.furniture import is_byline

    if not byline or not is_byline(byline) or byline in paragraphs or byline not in html:
        return
    at = 1 if paragraphs and title and paragraphs[0] == title else 0
    paragraphs.insert(at, byline)


def _meta_author(html: str) -> str | None:
    """``<meta name="author" content="…">`` (trafilatura drops a Chinese name there)."""
    import lxml.html

    try:
        values = lxml.html.fromstring(html).xpath('//meta[translate(@name, "AUTHOR", "author")="author"]/@content')
    except (ValueError, lxml.etree.ParserError):  # an empty or unparsable page: no author
        return None
    return next((str(v).strip() for v in values if str(v).strip()), None)


def _decode_html(data: bytes, name: str) -> tuple[str, str]:
    """Use the charset the page declares when it is valid for the bytes, else detect."""
    declared = _META_CHARSET.search(data[:4096])
    if declared is not None and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        codec = declared.group(1).decode("ascii").lower()
        codec = _DECLARED_SUPERSETS.get(codec, codec)
        try:
            return normalise_newlines(data.decode(codec)), codec
        except (LookupError, UnicodeError, ValueError):  # unknown, undecodable or "undefined" charset
            pass
    return decode_text(data, name)


# ---------------------------------------------------------------- .pdf


def _load_pdf(data: bytes, name: str, limits: LoadLimits) -> _Loaded:
    _check_pdf_envelope(data, name)
    reader = _open_pdf(data, name)
    _check_pdf_size(reader, name, limits)
    pages = _pdf_page_texts(reader, name)
    if not any(page.strip() for page in pages):
        raise LoadError(
            f"{name}：這個 PDF 沒有文字層（是掃描的影像嗎？），本系統不做 OCR；"
            "請先做 OCR（例如 ocrmypdf），或把內容存成 .txt 檔加入"
        )
    if _printable_ratio("".join(pages)) < _MIN_PRINTABLE_RATIO:
        raise LoadError(
            f"{name}：PDF 的文字層是亂碼（檔案損壞，或字型沒有 Unicode 對照表）；"
            "請重新匯出 PDF，或把內容存成 .txt 檔加入"
        )
    return _Loaded(pages=pages, paged=True, title=_pdf_title(reader))


def _check_pdf_envelope(data: bytes, name: str) -> None:
    if b"%PDF-" not in data[:1024]:
        raise LoadError(f"{name}：不是 PDF（沒有 %PDF- 開頭）；請檢查檔案或它的副檔名")
    if b"%%EOF" not in data[-2048:]:
        raise LoadError(f"{name}：PDF 不完整（沒有檔案結尾標記 %%EOF）；請重新下載或匯出")


_PDF_ERRORS: tuple[type[BaseException], ...] = (
    ValueError,
    KeyError,
    IndexError,
    TypeError,
    struct.error,
    zlib.error,
    RecursionError,
)


def _pdf_errors(*more: type[BaseException]) -> tuple[type[BaseException], ...]:
    """What a damaged PDF raises inside pypdf (pypdf is imported only when a PDF is read)."""
    from pypdf.errors import PyPdfError

    return (PyPdfError, *_PDF_ERRORS, *more)


def _open_pdf(data: bytes, name: str):  # -> pypdf.PdfReader
    from pypdf import PasswordType, PdfReader
    from pypdf.errors import DependencyError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise LoadError(f"{name}：PDF 有密碼保護；請另存一份未加密的版本再加入")
    except DependencyError:
        raise LoadError(
            f"{name}：PDF 以 AES 加密，且沒有安裝 'cryptography' 套件；請另存一份未加密的 PDF 再加入"
        ) from None
    except _pdf_errors() as exc:
        raise LoadError(f"{name}：PDF 已損壞，無法讀取（{exc}）；請重新匯出") from None
    return reader


def _check_pdf_size(reader, name: str, limits: LoadLimits) -> None:
    """Object count from the cross-reference tables, then the page count (the page tree is
    walked once; a tree repeating one page 99,000 times is refused here, before any text)."""
    objects = sum(len(table) for table in getattr(reader, "xref", {}).values())
    objects += len(getattr(reader, "xref_objStm", {}))
    if objects > limits.pdf_objects:
        raise over_limit(name, f"has {objects:,} PDF objects", "pdf_objects", limits.pdf_objects)
    pages = _pdf_page_count(reader, name, limits)
    if pages > limits.pdf_pages:
        raise over_limit(name, f"超過 {limits.pdf_pages:,} 頁", "pdf_pages", limits.pdf_pages)


def _pdf_page_count(reader, name: str, limits: LoadLimits) -> int:
    """Leaves of the page tree, counted without building page objects; stops past the limit."""

    count, stack, seen_nodes = 0, [], 0
    try:
        stack.append(reader.trailer["/Root"]["/Pages"].get_object())
        while stack and count <= limits.pdf_pages and seen_nodes <= limits.pdf_objects:
            node = stack.pop()
            seen_nodes += 1
            kids = node.get("/Kids") if hasattr(node, "get") else None
            if kids is None:
                count += 1
                continue
            stack.extend(kid.get_object() for kid in kids.get_object())
    except _pdf_errors(AttributeError) as exc:
        raise LoadError(f"{name}：PDF 的頁面結構已損壞（{exc}）；請重新匯出 PDF") from None
    if count > limits.pdf_pages and _page_tree_has_cycle(reader):
        raise LoadError(
            f"{name}：PDF 的頁面結構已損壞（頁面樹繞回自己，形成循環，頁數無法計算）；"
            "請用 PDF 閱讀器開啟後另存或重新匯出 PDF"
        )
    if seen_nodes > limits.pdf_objects:
        raise over_limit(name, "頁面結構比物件上限還大", "pdf_objects", limits.pdf_objects)
    return count


def _page_tree_has_cycle(reader) -> bool:
    """Whether a /Pages node is among its own descendants (a loop, not a node or page shared by many
    parents, which is only counted often): a depth-first walk over the distinct nodes, run only when
    the count went past ``pdf_pages``."""
    done: set = set()
    try:
        root = reader.trailer["/Root"].raw_get("/Pages")
        stack: list = [(root, False)]
        on_path: set = set()
        while stack:
            ref, leaving = stack.pop()
            key = (ref.idnum, ref.generation) if hasattr(ref, "idnum") else id(ref)
            if leaving:
                on_path.discard(key)
                done.add(key)
                continue
            if key in on_path:
                return True
            if key in done:
                continue
            node = ref.get_object()
            kids = node.get("/Kids") if hasattr(node, "get") else None
            if kids is None:
                done.add(key)
                continue
            on_path.add(key)
            stack.append((ref, True))
            stack.extend((kid, False) for kid in kids.get_object())
            if len(done) + len(on_path) > 1_000_000:
                return False
    except _pdf_errors(AttributeError):
        return False
    return False


def _pdf_page_texts(reader, name: str) -> tuple[str, ...]:

    texts: list[str] = []
    try:
        pages = list(reader.pages)
    except _pdf_errors() as exc:
        raise LoadError(f"{name}：PDF 已損壞，無法讀取（{exc}）；請重新匯出") from None
    for number, page in enumerate(pages, start=1):
        try:
            plain = normalise_newlines(page.extract_text() or "")
            texts.append(with_table_rows(plain, functools.partial(_pdf_layout_text, page)))
        except _pdf_errors() as exc:
            raise LoadError(f"{name}：PDF 第 {number} 頁已損壞（{exc}）；請重新匯出 PDF") from None
    return tuple(texts)


def _pdf_layout_text(page) -> str:
    """The page as pypdf's layout mode sets it out (a table's rows on their lines): asked for by
    :func:`ingest.pdf_tables.with_table_rows` only when the plain text has a run of cell lines."""
    return normalise_newlines(page.extract_text(extraction_mode="layout") or "")


def _pdf_title(reader) -> str | None:
    """The document information title as written (placeholders are judged by ``ingest.metadata``)."""

    try:
        title = (reader.metadata.title if reader.metadata else None) or ""
    except _pdf_errors():
        return None
    return str(title).strip() or None


# ---------------------------------------------------------------- .docx


_GRID_SPAN = re.compile(rb"gridSpan\s+w:val=\"\s*([0-9]+)")
_MEMBER_RATIO_FLOOR = 1024 * 1024  # members smaller than this may compress as they like


def _check_docx_zip(data: bytes, name: str, limits: LoadLimits) -> None:
    """Zip members' declared sizes and ratios, compression methods and encryption, before unpacking."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            _check_docx_members(members, name, limits)
            document = next((m for m in members if m.filename == "word/document.xml"), None)
            counts = _scan_document_xml(archive, document, limits) if document is not None else _XmlCounts()
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,
        RuntimeError,
        ValueError,
        zlib.error,
        EOFError,
        OSError,
    ) as exc:
        raise LoadError(
            f"{name}：不是有效的 Word .docx 檔（{exc}）；請用 Word 或 LibreOffice 開啟，"
            "另存為 .docx（舊的 .doc 檔要先轉換）"
        ) from None
    if counts.max_span > limits.docx_grid_span:
        raise over_limit(name, f"有橫跨 {counts.max_span:,} 欄的表格儲存格", "docx_grid_span", limits.docx_grid_span)
    if counts.elements > limits.docx_elements:
        raise over_limit(
            name,
            f"文件內容（word/document.xml）有超過 {limits.docx_elements:,} 個 XML 元素（只看前 "
            f"{counts.scanned / 1048576:,.1f} MB 就有 {counts.cells:,} 個表格儲存格、{counts.paragraphs:,} 個段落、"
            f"{counts.runs:,} 個文字片段），結構太龐大，讀取它會耗盡記憶體和時間（大型表格可另存為 .txt）",
            "docx_elements",
            limits.docx_elements,
        )


@dataclass
class _XmlCounts:
    elements: int = 0  # start tags (empty ones included)
    paragraphs: int = 0
    cells: int = 0
    runs: int = 0
    max_span: int = 0
    scanned: int = 0  # bytes of the part read (it stops once over the element limit)


_SCAN_CHUNK = 1 << 20


def _scan_document_xml(archive: zipfile.ZipFile, member: zipfile.ZipInfo, limits: LoadLimits) -> _XmlCounts:
    """Count the document's elements (and its paragraphs, table cells, runs, widest gridSpan) while
    unzipping it 1 MB at a time, stopping once over ``docx_elements``: a 0.5 MB .docx can hold 100 MB
    of tiny table cells, and parsing those took 1.4 GB and over a minute. Each chunk is cut before its
    last ``<``, so no tag is split between two."""
    counts = _XmlCounts()
    tail = b""
    with archive.open(member) as handle:
        while True:
            chunk = handle.read(_SCAN_CHUNK)
            buffer = tail + chunk
            cut = buffer.rfind(b"<") if chunk else len(buffer)
            if cut < 0 or (cut == 0 and len(buffer) > 8 * _SCAN_CHUNK):  # no tag starts, or one 8 MB tag
                cut = len(buffer)
            _count_tags(buffer[:cut], counts)
            tail = buffer[cut:]
            if not chunk or counts.elements > limits.docx_elements:
                return counts


def _count_tags(part: bytes, counts: _XmlCounts) -> None:
    counts.scanned += len(part)
    counts.elements += part.count(b"<") - part.count(b"</") - part.count(b"<?") - part.count(b"<!")
    counts.paragraphs += sum(part.count(b"<w:p" + end) for end in (b">", b" ", b"/"))
    counts.cells += sum(part.count(b"<w:tc" + end) for end in (b">", b" ", b"/"))
    counts.runs += sum(part.count(b"<w:r" + end) for end in (b">", b" ", b"/"))
    spans = [int(value) for value in _GRID_SPAN.findall(part)]
    counts.max_span = max([counts.max_span, *spans])


def _check_docx_members(members: list, name: str, limits: LoadLimits) -> None:
    total = sum(member.file_size for member in members)
    if total > limits.docx_unzipped_mb * 1024 * 1024:
        raise over_limit(name, f"解壓縮後有 {total / 1048576:,.0f} MB", "docx_unzipped_mb", limits.docx_unzipped_mb)
    for member in members:
        if member.flag_bits & 0x1:
            raise LoadError(f"{name}：有密碼保護（加密的 zip 成員 {member.filename}）；請另存一份未加密的版本再加入")
        if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise LoadError(
                f"{name}：其中的 {member.filename} 用了不支援的 zip 壓縮方式"
                f"（method {member.compress_type}）；請用 Word 或 LibreOffice 開啟後重新儲存"
            )
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > _MEMBER_RATIO_FLOOR and ratio > limits.docx_zip_ratio:
            raise over_limit(
                name, f"其中的 {member.filename} 解壓縮後放大 {ratio:,.0f} 倍", "docx_zip_ratio", limits.docx_zip_ratio
            )


def _load_docx(data: bytes, name: str, limits: LoadLimits) -> _Loaded:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import XMLSyntaxError

    _check_docx_zip(data, name, limits)
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, XMLSyntaxError) as exc:
        problem = _xml_problem(str(exc))
        if problem:
            raise LoadError(
                f"{name}：{problem}；請用 Word 或 LibreOffice 開啟後另存新檔，或把文字存成 .txt 加入"
            ) from None
        raise LoadError(
            f"{name}：不是有效的 Word .docx 檔（{exc}）；請用 Word 或 LibreOffice 開啟，"
            "另存為 .docx（舊的 .doc 檔要先轉換）"
        ) from None
    blocks = _docx_blocks(document)
    title = (document.core_properties.title or "").strip() or None
    return _Loaded(pages=("\n\n".join(blocks),), paged=False, title=title)


def _xml_problem(message: str) -> str | None:
    """What libxml2's refusal of a part means, in Chinese (its English message named parser options)."""
    lowered = message.lower()
    if "amplification" in lowered or "entity" in lowered and ("loop" in lowered or "exceeded" in lowered):
        return "不是有效的 Word 文件：XML 實體層層展開，會放大成極大的內容（「billion laughs」式炸彈），已拒絕讀取"
    if "depth" in lowered or "xml_parse_huge" in lowered:
        return "不是有效的 Word 文件：XML 元素的巢狀層次過深（超過 256 層），Word 不會存出這樣的檔案，已拒絕讀取"
    return None


def _docx_blocks(document) -> list[str]:
    """Paragraph texts and table rows (cells joined by tabs), in document order."""
    from docx.table import Table

    blocks: list[str] = []
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            blocks.extend(_table_rows(item))
        elif item.text.strip():
            blocks.append(item.text.strip())
    return blocks


def _table_rows(table) -> list[str]:
    rows: list[str] = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = " ".join(cell.text.split())
            if text and (not cells or cells[-1] != text):  # merged cells repeat their text
                cells.append(text)
        if cells:
            rows.append("\t".join(cells))  # the cleaner's row: cells joined by ｜
    return rows


_LOADERS: dict[str, Callable[[bytes, str, LoadLimits], _Loaded]] = {
    ".txt": _load_txt,
    ".md": _load_md,
    ".html": _load_html,
    ".htm": _load_html,
    ".pdf": _load_pdf,
    ".docx": _load_docx,
}
