"""Hostile article files (issue 14), built on the fly: parser bombs, malformed files, bad sidecars.

Every ``write_*`` function writes one file into ``directory`` and returns its path. Sizes are
parameters: the tests use small ones with lowered limits where that proves the same thing;
``bench/hostile.py`` uses the sizes from the issue to measure before / after.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from pathlib import Path

from tests import make_fixtures as mf

BODY = "地方創生是日本的重要政策，總務省與內閣官房共同推動關係人口。"
_IMAGE_REL = (
    '<Relationship Id="rIdZero" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/image" Target="media/zero.png"/>'
)


def _docx_members(directory: Path) -> dict[str, bytes]:
    """The members of a small valid .docx (text, a heading and a 3x3 table)."""
    path = mf.write_docx(Path(directory) / ".parts", "base.docx")
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    path.unlink()
    return members


def _write_zip(path: Path, members: dict[str, bytes], big: tuple[str, int, int] | None = None) -> Path:
    """Members deflated; ``big`` = (name, bytes, byte value) streamed as one large member."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        if big is not None:
            name, size, value = big
            block = bytes([value]) * (1 << 20)
            with archive.open(name, "w", force_zip64=True) as handle:
                for _ in range(size // len(block)):
                    handle.write(block)
    return path


def write_docx_zero_image(directory: Path, image_mb: int, name: str = "zero-image.docx") -> Path:
    """A valid .docx whose document references a zero-filled image part of ``image_mb`` MB."""
    members = _docx_members(directory)
    rels = "word/_rels/document.xml.rels"
    members[rels] = members[rels].replace(b"</Relationships>", _IMAGE_REL.encode() + b"</Relationships>")
    types = "[Content_Types].xml"
    if b'Extension="png"' not in members[types]:
        png_default = b'<Default Extension="png" ContentType="image/png"/><Default '
        members[types] = members[types].replace(b"<Default ", png_default, 1)
    return _write_zip(Path(directory) / name, members, ("word/media/zero.png", image_mb << 20, 0))


def write_docx_huge_document(directory: Path, document_mb: int, name: str = "huge-document.docx") -> Path:
    """A .docx whose word/document.xml is ``document_mb`` MB of short paragraphs."""
    members = _docx_members(directory)
    paragraph = f"<w:p><w:r><w:t>{BODY}</w:t></w:r></w:p>".encode()
    count = (document_mb << 20) // len(paragraph)
    head, _, rest = members["word/document.xml"].partition(b"<w:body>")
    members["word/document.xml"] = head + b"<w:body>" + paragraph * count + rest
    return _write_zip(Path(directory) / name, members)


def _edit_document(directory: Path, name: str, edit) -> Path:
    members = _docx_members(directory)
    members["word/document.xml"] = edit(members["word/document.xml"])
    return _write_zip(Path(directory) / name, members)


def write_docx_grid_span(directory: Path, span: str = "100000000", name: str = "grid-span.docx") -> Path:
    """A table cell declaring ``gridSpan`` = ``span`` (a huge number, or text such as "abc")."""

    def edit(xml: bytes) -> bytes:
        return re.sub(rb"(<w:tcPr>)", rb'\1<w:gridSpan w:val="' + span.encode() + rb'"/>', xml, count=1)

    return _edit_document(directory, name, edit)


def write_docx_vmerge_first_row(directory: Path, name: str = "vmerge.docx") -> Path:
    """A vertically merged continuation cell in the table's first row (python-docx: ValueError)."""

    def edit(xml: bytes) -> bytes:
        return re.sub(rb"(<w:tcPr>)", rb"\1<w:vMerge/>", xml, count=1)

    return _edit_document(directory, name, edit)


def _patch_member_header(data: bytes, member: str, *, method: int | None = None, flags: int | None = None) -> bytes:
    """Rewrite a member's compression method / flag bits in its local and central headers."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(member)
    buffer = bytearray(data)
    local = info.header_offset
    central = _central_entry(data, member)
    for offset, method_at, flags_at in ((local, 8, 6), (central, 10, 8)):
        if method is not None:
            struct.pack_into("<H", buffer, offset + method_at, method)
        if flags is not None:
            struct.pack_into("<H", buffer, offset + flags_at, flags)
    return bytes(buffer)


def _central_entry(data: bytes, member: str) -> int:
    position = data.find(b"PK\x01\x02")
    while position >= 0:
        name_length = struct.unpack_from("<H", data, position + 28)[0]
        if data[position + 46 : position + 46 + name_length] == member.encode():
            return position
        position = data.find(b"PK\x01\x02", position + 4)
    raise KeyError(member)


def write_docx_member_method(directory: Path, method: int = 9, name: str = "deflate64.docx") -> Path:
    """word/document.xml marked as compressed with ``method`` (9 = Deflate64, unsupported)."""
    path = _write_zip(Path(directory) / name, _docx_members(directory))
    path.write_bytes(_patch_member_header(path.read_bytes(), "word/document.xml", method=method))
    return path


def write_docx_encrypted_member(directory: Path, name: str = "encrypted-member.docx") -> Path:
    """word/document.xml flagged as encrypted (zip traditional encryption bit)."""
    path = _write_zip(Path(directory) / name, _docx_members(directory))
    path.write_bytes(_patch_member_header(path.read_bytes(), "word/document.xml", flags=0x1))
    return path


def write_html_paragraphs(directory: Path, count: int, name: str = "many-paragraphs.html") -> Path:
    paragraphs = "".join(f"<p>{BODY}第{i}段。</p>" for i in range(count))
    page = f"<html><head><title>很多段落</title></head><body><article>{paragraphs}</article></body></html>"
    return mf.write_bytes(directory, name, page.encode("utf-8"))


def write_html_undefined_charset(directory: Path, name: str = "undefined-charset.html") -> Path:
    page = (
        '<html><head><meta charset="undefined"><title>字元集</title></head><body><article>'
        + "".join(f"<p>第{i}段：{BODY}</p>" for i in range(8))
        + "</article></body></html>"
    )
    return mf.write_bytes(directory, name, page.encode("utf-8"))


def write_pdf_repeated_page(
    directory: Path, fanout: tuple[int, ...] = (44, 45, 50), name: str = "repeated-page.pdf"
) -> Path:
    """A few-KB PDF whose page tree repeats one page prod(fanout) times (44*45*50 = 99,000)."""
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    levels = len(fanout)
    total = 1
    for count in fanout:
        total *= count
    # objects 2..(1+levels): one Pages node per level; the last level's kids are the page
    for level, count in enumerate(fanout):
        kid = 3 + level if level + 1 < levels else 2 + levels
        below = total
        for value in fanout[: level + 1]:
            below //= value
        parent = b"" if level == 0 else f" /Parent {1 + level} 0 R".encode()
        kids = (f"{kid} 0 R " * count).encode()
        objects.append(b"<< /Type /Pages /Kids [" + kids + b"] /Count " + str(below * count).encode() + parent + b" >>")
    page_id = 2 + levels
    stream = b"BT /F1 12 Tf 72 720 Td (Regional revitalisation policy page) Tj ET"
    objects.append(
        f"<< /Type /Page /Parent {1 + levels} 0 R /MediaBox [0 0 612 792] /Contents {page_id + 1} 0 R "
        f"/Resources << /Font << /F1 {page_id + 2} 0 R >> >> >>".encode()
    )
    objects.append(b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    return mf.write_bytes(directory, name, _pdf_file(objects))


def _pdf_file(objects: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def write_pdf_with_title(
    directory: Path, title: str, name: str = "titled.pdf", lines: tuple[str, ...] = (mf.PDF_PAGE1, mf.PDF_PAGE2)
) -> Path:
    """A one-page text PDF of ``lines`` whose document information /Title is ``title``."""
    from pypdf import PdfReader, PdfWriter

    source = mf.write_bytes(Path(directory) / ".parts", "plain.pdf", mf.pdf_bytes([list(lines)]))
    writer = PdfWriter()
    for page in PdfReader(source).pages:
        writer.add_page(page)
    writer.add_metadata({"/Title": title})
    buffer = io.BytesIO()
    writer.write(buffer)
    source.unlink()
    return mf.write_bytes(directory, name, buffer.getvalue())


def write_text_one_line(directory: Path, megabytes: float, name: str = "one-line.txt") -> Path:
    """One line of ASCII letters and spaces, no punctuation, no newline."""
    unit = b"regional revitalisation policy without any punctuation "
    return mf.write_bytes(directory, name, unit * int(megabytes * (1 << 20) / len(unit)))


def write_text_many_lines(directory: Path, lines: int, name: str = "many-lines.txt") -> Path:
    return mf.write_bytes(directory, name, "".join(f"第{i}行\n" for i in range(lines)).encode("utf-8"))


def write_private_use_text(directory: Path, name: str = "private-use.txt") -> Path:
    """Valid UTF-8 made of private-use code points (a PDF font's glyph ids pasted as text)."""
    text = "".join(chr(0xE000 + (i * 7919) % 6000) for i in range(4000))
    return mf.write_bytes(directory, name, text.encode("utf-8"))


def write_symbol_text(directory: Path, name: str = "symbols.txt") -> Path:
    return mf.write_bytes(directory, name, ("@#$%^&*()_+=-~|<>{}[]§¶•" * 300).encode("utf-8"))


def write_article(directory: Path, name: str, text: str = BODY * 6) -> Path:
    return mf.write_bytes(directory, name, text.encode("utf-8"))
