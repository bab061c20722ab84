"""Small article files for the loader / library tests, built on the fly.

Every ``write_*`` function takes a directory, writes one file into it and returns
its path. Constants hold the exact texts so tests can assert on real content.
Heavy libraries (reportlab, pypdf, python-docx) are imported inside the writers.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

PDF_HEADER = "發佈: 2021-10-29, 週五 16:28 地方創生研究"
PDF_PAGE1 = "第一頁：日本為了解決人口減少的問題，通過了城鎮人口工作創生法。"
PDF_PAGE2 = "第二頁：總務省推動關係人口政策，地方自治體提出綜合戰略。"

BIG5_TEXT = "地方創生是日本的重要政策。總務省與內閣官房共同推動關係人口。\n"
BIG5_SHORT = "地方創生"
GB_TEXT = "地方创生是日本的重要政策。总务省与内阁官房共同推动关系人口。\n"
GB_SHORT = "地方创生"
UTF16_TEXT = "數位田園都市國家構想\r\n以數位技術解決地方課題。\r\n"
UTF8_BOM_TEXT = "關係人口：與地方有多樣連結的人。\n"

HTML_TITLE = "日本地方創生政策的推動"
HTML_PARAGRAPHS = (
    "日本為了解決人口減少、地方經濟萎縮以及人口過度集中在東京等問題，於2014年通過了城鎮人口工作創生法，"
    "並訂定城鎮人口工作創生戰略，希望能翻轉伴隨人口危機下的負面螺旋。",
    "戰略藉由跨部會的政策配套措施，以資訊、人才及財政三支箭，搭配各地提出自己的人口願景與地方版綜合戰略，"
    "希望能為地方創造新的工作，帶來人口，並且重新審視如何為城鎮創造更多永續連結。",
    "地域經濟分析系統RESAS讓地方自治體能夠以數據掌握產業結構與人口流動，作為擬定政策的依據，"
    "也讓民間企業與大學能夠參與地方的課題解決，形成產官學共同合作的體制。",
    "關係人口是指既非移居的定住人口，也非觀光的交流人口，而是與地方有多樣連結的人們，"
    "總務省自2018年起推動關係人口創出事業，鼓勵都市居民持續參與地方的發展。",
)
HTML_NAV = ("網站首頁", "最新消息", "聯絡我們", "會員登入")
HTML_FOOTER = "版權所有 © 2021 國家發展研究基金會 保留一切權利"

DOCX_TITLE = "地方創生白皮書"
DOCX_PARAGRAPHS = ("地方創生的第一個段落，說明政策背景。", "第二個段落介紹數位田園都市國家構想。")
DOCX_TABLE = (("區域", "課題", "對策"), ("北海道", "人口外流", "遠距工作"), ("沖繩", "觀光依存", "產業多元化"))

HOSTILE_SCRIPT = "<script>alert('xss')</script>"
HOSTILE_IMG = '<img src="x" onerror="alert(1)">'
HOSTILE_MD_LINK = "[x](javascript:alert(1))"

MD_TEXT = """# 地方創生的**三支箭**

日本以*資訊*、__人才__及財政三支箭推動[地方創生](https://example.org/a_(b))。

![示意圖](images/fig1.png)

- 第一點：`RESAS` 地域經濟分析系統
- 第二點：關係人口

```
code_line = 1  # 保留
```
"""


def write_bytes(directory: Path, name: str, data: bytes) -> Path:
    path = Path(directory) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


# ---------------------------------------------------------------- PDF


def pdf_bytes(pages: list[list[str]]) -> bytes:
    """A PDF whose page i draws the lines pages[i] with a built-in CJK CID font."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("MSung-Light"))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    for lines in pages:
        pdf.setFont("MSung-Light", 12)
        for number, line in enumerate(lines):
            pdf.drawString(72, 800 - 24 * number, line)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def write_chinese_pdf(directory: Path, name: str = "two_pages.pdf") -> Path:
    """Two pages of Chinese text, each starting with the same header line."""
    data = pdf_bytes([[PDF_HEADER, PDF_PAGE1, "1 / 2"], [PDF_HEADER, PDF_PAGE2, "2 / 2"]])
    return write_bytes(directory, name, data)


def write_table_pdf(directory: Path, name: str = "table.pdf") -> Path:
    """A page with a paragraph, a table caption, a 3-column table (reportlab's Table, each cell its
    own text object: pypdf's plain text reads it one cell per line) and a source line."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

    pdfmetrics.registerFont(UnicodeCIDFont("MSung-Light"))
    style = ParagraphStyle("body", fontName="MSung-Light", fontSize=11, leading=16)
    table = Table(PDF_TABLE, colWidths=[120] * 3)
    table.setStyle([("FONTNAME", (0, 0), (-1, -1), "MSung-Light")])
    buffer = io.BytesIO()
    story = [
        Paragraph(PDF_PAGE1, style),
        Paragraph("表1　歷年隊員人數", style),
        table,
        Paragraph("資料來源：總務省。", style),
    ]
    SimpleDocTemplate(buffer).build(story)
    return write_bytes(directory, name, buffer.getvalue())


PDF_TABLE = [
    ["年度", "隊員人數", "實施團體數"],
    ["2009", "89", "31"],
    ["2015", "2,625", "673"],
    ["2023", "7,200", "1,164"],
]


def write_truncated_pdf(directory: Path, name: str = "truncated.pdf") -> Path:
    data = pdf_bytes([[PDF_HEADER, PDF_PAGE1], [PDF_HEADER, PDF_PAGE2]])
    return write_bytes(directory, name, data[: len(data) // 2])


def write_encrypted_pdf(directory: Path, name: str = "encrypted.pdf") -> Path:
    """A PDF that needs the user password ``secret`` (RC4, readable by pypdf without extras)."""
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(io.BytesIO(pdf_bytes([[PDF_PAGE1]])))
    writer = PdfWriter(clone_from=reader)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return write_bytes(directory, name, buffer.getvalue())


def write_image_only_pdf(directory: Path, name: str = "scanned.pdf") -> Path:
    """A PDF with drawings but no text layer (what a scan looks like to a text extractor)."""
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.rect(72, 600, 300, 150, fill=1)
    pdf.showPage()
    pdf.save()
    return write_bytes(directory, name, buffer.getvalue())


# ---------------------------------------------------------------- text encodings


def write_big5(directory: Path, name: str = "big5.txt", text: str = BIG5_TEXT) -> Path:
    return write_bytes(directory, name, text.encode("cp950"))


def write_gb18030(directory: Path, name: str = "gb.txt", text: str = GB_TEXT) -> Path:
    return write_bytes(directory, name, text.encode("gb18030"))


def write_utf16(directory: Path, name: str = "utf16.txt", big_endian: bool = False) -> Path:
    codec, bom = ("utf-16-be", b"\xfe\xff") if big_endian else ("utf-16-le", b"\xff\xfe")
    return write_bytes(directory, name, bom + UTF16_TEXT.encode(codec))


def write_utf8_bom(directory: Path, name: str = "bom.txt") -> Path:
    return write_bytes(directory, name, b"\xef\xbb\xbf" + UTF8_BOM_TEXT.encode("utf-8"))


def write_markdown(directory: Path, name: str = "article.md") -> Path:
    return write_bytes(directory, name, MD_TEXT.encode("utf-8"))


# ---------------------------------------------------------------- HTML


def _nav_html() -> str:
    items = "".join(f'<li><a href="/p{i}">{label}</a></li>' for i, label in enumerate(HTML_NAV))
    return f'<header><nav class="menu"><ul>{items}</ul></nav></header>'


def html_page(title: str, body_paragraphs: tuple[str, ...], extra_body: str = "") -> str:
    article = "".join(f"<p>{p}</p>" for p in body_paragraphs)
    main = f"<main><article><h1>{title}</h1>{article}{extra_body}</article></main>" if body_paragraphs else ""
    return (
        '<!DOCTYPE html><html lang="zh-Hant"><head><meta charset="utf-8">'
        f"<title>{title}</title></head><body>{_nav_html()}{main}"
        f'<aside class="sidebar"><h3>熱門文章</h3><ul><li><a href="/x">其他文章一</a></li></ul></aside>'
        f"<footer><p>{HTML_FOOTER}</p></footer></body></html>"
    )


def write_html_article(directory: Path, name: str = "article.html") -> Path:
    return write_bytes(directory, name, html_page(HTML_TITLE, HTML_PARAGRAPHS).encode("utf-8"))


def write_html_no_body(directory: Path, name: str = "nobody.html") -> Path:
    return write_bytes(directory, name, html_page("空白頁面", ()).encode("utf-8"))


def write_hostile_html(directory: Path, name: str = "hostile.html") -> Path:
    """A real article whose body also carries script, an onerror image and literal markup as text."""
    extra = (
        f"{HOSTILE_SCRIPT}<p>請看下圖{HOSTILE_IMG}與說明。</p>"
        "<p>文章中的字面標記 &lt;script&gt;alert(2)&lt;/script&gt; 應當顯示為文字。</p>"
        '<p>惡意連結<a href="javascript:alert(3)">點這裡</a>不應執行。</p>'
    )
    return write_bytes(directory, name, html_page(HTML_TITLE, HTML_PARAGRAPHS, extra).encode("utf-8"))


def write_hostile_md(directory: Path, name: str = "hostile.md") -> Path:
    text = (
        "# 惡意文章\n\n"
        f"第一段落包含腳本 {HOSTILE_SCRIPT} 應顯示為文字。\n\n"
        f"第二段落包含圖片 {HOSTILE_IMG} 應顯示為文字。\n\n"
        f"第三段落包含連結 {HOSTILE_MD_LINK} 只留下連結文字。\n"
    )
    return write_bytes(directory, name, text.encode("utf-8"))


# ---------------------------------------------------------------- DOCX


def write_docx(directory: Path, name: str = "report.docx") -> Path:
    import docx

    document = docx.Document()
    document.core_properties.title = DOCX_TITLE
    document.add_heading("白皮書摘要", level=1)
    for paragraph in DOCX_PARAGRAPHS:
        document.add_paragraph(paragraph)
    table = document.add_table(rows=len(DOCX_TABLE), cols=len(DOCX_TABLE[0]))
    for r, row in enumerate(DOCX_TABLE):
        for c, cell in enumerate(row):
            table.cell(r, c).text = cell
    document.add_paragraph("表格之後的結語段落。")
    path = Path(directory) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def write_renamed_zip(directory: Path, name: str = "fake.docx") -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "這不是 Word 文件。")
    return write_bytes(directory, name, buffer.getvalue())


# ---------------------------------------------------------------- bad files


def write_empty(directory: Path, name: str = "empty.txt") -> Path:
    return write_bytes(directory, name, b"")


def write_binary_as_txt(directory: Path, name: str = "image.txt") -> Path:
    """PNG-like binary bytes under a .txt name."""
    data = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 16
    return write_bytes(directory, name, data)
