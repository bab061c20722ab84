"""An article's furniture: lines *about* the article rather than of it (a figure caption
``圖片來源：…``, a reference line ``[3]総務省「…」(平成26年)``, a byline ``作者 …``), and the
questions that ask for what such lines say (a source, an author, a figure, a study).

Furniture carries Latin and Japanese names (IT, ICT, 総務省, URLs) that pull English and Japanese
questions to it; the search ranks a passage made only of furniture after the others, and the
answer lets such a line give way on top, unless the question asks for it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ingest.segment import fold  # jieba/OpenCC load on first use, not at import

# A byline: "作者 謝子涵 為政治工作者", "作者：林小明", "文／林小明", "記者王小明／台北報導" (not
# 作者認為…, 文中提到…, 記者會…).
_BYLINE_HEAD = r"作者\s|(?:作者|撰文)\s*[:：]|文\s*[／/]|[記记]者[^\n／/，,。]{1,12}[／/]"
# A reference list's entry: a number, its author and the year in brackets ("3. 總務省（2024）。《令和5年度…》").
_REFERENCE_ENTRY = r"\d{1,2}\s*[.．、]\s*[^\n。：:]{1,40}?[（(](?:19|20)\d{2}[a-z]?[)）]"
# The heading of a reference list or of the notes (參考資料, 註釋與參考文獻, References), alone on its line.
_REFERENCES_HEADING = (
    r"(?:(?:註釋|注釋|注释)(?:與|与|及))?(?:參考|参考)(?:資料|资料|文獻|文献|書目|书目)\s*$|(?:註釋|注釋|注释)\s*$"
    r"|(?:References|Bibliography)\s*$"
)
# A caption or source line, a numbered reference line (not a "[5]案例分類依據：" heading), a byline.
FURNITURE = re.compile(
    rf"^\s*(?:(?:圖片|資料|照片|图片|资料)?[來来]源\s*[:：]|\[\d{{1,2}}\](?![^\n]*[:：]\s*(?:\n|$))|{_BYLINE_HEAD}"
    rf"|{_REFERENCE_ENTRY}|{_REFERENCES_HEADING})"
)

# Asks where something comes from (出處, 來源, 出自哪份, link, source): a footnote or a source line answers it.
_ASKS_SOURCE = re.compile(
    r"出处|来源|出自|引自|引用|注脚|脚注|参考资料|链接|连结|网址|网页|网站|哪份|哪一份|哪个会议|出典"
    r"|\b(?:source|sources|link|url|website|web ?page|reference|cited?|come from|comes from|footnote)\b"
)
# Asks who wrote something, or about a figure or a study: a byline, a caption or a reference line answers it.
_ASKS_CREDIT = re.compile(
    r"作者|写的|撰写|撰文|图|照片|调查|调査|研究|\b(?:author|wrote|written|writer|figure|image|picture|photo"
    r"|study|survey|report|title)\b"
)


# Asks who wrote the article (作者是誰, 誰寫的, who wrote…): its byline answers it. Not 作者認為… (the
# author's view is in the article's text).
_ASKS_AUTHOR = re.compile(
    r"作者(?:是|为)?(?:谁|哪位|何人|叫什么|的名字|姓名)|谁写|谁撰写|谁执笔|"
    r"(?:作者|著者|筆者|笔者|書いたの)は(?:誰|谁|だれ)|"
    r"\bwho (?:wrote|authored|is the author|was the author)\b|\bauthor'?s name\b|\bname of the author\b"
)
_BYLINE = re.compile(rf"^\s*(?:{_BYLINE_HEAD})", re.MULTILINE)


def asks_author(question: str) -> bool:
    """Whether a question asks who wrote the article (作者是誰, 誰寫的, who wrote it)."""
    return _ASKS_AUTHOR.search(fold(question).lower()) is not None


# Asks who a person named in a byline is or what they do, and nothing else (謝子涵是誰, 謝子涵是做什麼的,
# who is 謝子涵): the byline ("作者 謝子涵 為政治工作者") answers it, as it answers 作者是誰. Folded text.
_WHO_IS = re.compile(
    r"是谁|是哪位|是什么人|是做什么的?|是干什么的?|做什么工作|的?(?:职业|身分|身份|背景|工作)(?:是什么)?|"
    r"\bwho (?:is|was)\b|\bwhat does\b.*\bdo\b|は(?:誰|谁|だれ)|(?:誰|谁|だれ)(?:です|でしょう)"
)
_ONLY_FILLER = re.compile(r"[\W_\d]|请问|这位|呢|吗|嘛|啊|吧|\b(?:the|a|is)\b|です|か|ですか")


def asks_about_author(question: str, author: str) -> bool:
    """Whether ``question`` names ``author`` (a byline's name) and asks only who they are or what
    they do: 謝子涵是誰, 謝子涵是做什麼的, Who is 謝子涵? — not 謝子涵在東京大學做了哪些研究."""
    name = fold(author).lower()
    asked = fold(question).lower()
    if len(name) < 2 or name not in asked:
        return False
    rest = asked.replace(name, " ")
    return _WHO_IS.search(rest) is not None and not _ONLY_FILLER.sub("", _WHO_IS.sub("", rest))


def is_byline(text: str) -> bool:
    """Whether a passage or unit is an article's byline ("作者 謝子涵 為政治工作者", "作者：林小明",
    "文／林小明"), alone or under the title that leads it."""
    return _BYLINE.search(text) is not None


# The name after a byline's head: "作者 謝子涵 為…" → 謝子涵, "作者：林小明" → 林小明, "文／王大同" →
# 王大同, "撰文：Amy Chen" → Amy Chen; it ends at a space (but for a Latin name's), a slash, a bracket
# or punctuation. A reporter's head holds the name: "記者王小明／台北報導" → 王小明.
_NAME = re.compile(
    r"[ \t:：]*([^\s／/，,。；;:：()（）\[\]【】「」]{1,20}(?: [A-Za-z][\w.'-]*){0,3})(?=$|[\s／/，,。；;(（\[【])"
)
_REPORTER = re.compile(r"^\s*[記记]者")
BYLINE_MAX_CHARS = 200  # a paragraph longer than this is text that mentions a byline, not one


def byline_head(paragraph: str) -> re.Match[str] | None:
    """The byline head of a paragraph that is an article's byline (short, with a byline line), or None."""
    return _BYLINE.search(paragraph) if len(paragraph) <= BYLINE_MAX_CHARS else None


def byline_author(paragraphs: Sequence[str]) -> str | None:
    """The author an article's byline names (the first paragraph that is a byline), or None."""
    for text in paragraphs:
        head = byline_head(text)
        if head is None:
            continue
        if _REPORTER.match(head.group(0)):
            return _REPORTER.sub("", head.group(0)).strip().rstrip("／/").strip() or None
        name = _NAME.match(text, head.end())
        if name is not None:
            return name.group(1)
    return None


# A dateline: a paragraph that is a date alone (2024年3月, 2024年3月15日, 2024-03-15, 發布日期：2024/3/15),
# as under an article's title or byline. Like a byline it is short like a heading but heads nothing.
_DATELINE = re.compile(
    r"^\s*(?:(?:發布|發佈|发布|出版|刊登|更新)?(?:日期|時間|时间)\s*[:：]\s*)?"
    r"((?:19|20)\d{2}\s*(?:年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?|[-/.]\s*\d{1,2}(?:\s*[-/.]\s*\d{1,2})?))\s*$"
)
DATELINE_DEPTH = 4  # the article's first paragraphs in which a dateline gives its date


def is_dateline(paragraph: str) -> bool:
    """Whether a paragraph is a date alone (2024年3月, 發布日期：2024/3/15)."""
    return _DATELINE.match(paragraph) is not None


def dateline(paragraphs: Sequence[str]) -> str | None:
    """The date of the first dateline among an article's first :data:`DATELINE_DEPTH` paragraphs, or None."""
    for text in paragraphs[:DATELINE_DEPTH]:
        match = _DATELINE.match(text)
        if match:
            return re.sub(r"\s+", "", match.group(1))
    return None


def is_furniture_line(line: str) -> bool:
    """Whether one line (or sentence) is a caption, a reference line or a byline."""
    return FURNITURE.match(line) is not None


def is_furniture(text: str) -> bool:
    """Whether every non-blank line of a passage is furniture."""
    lines = [line for line in text.splitlines() if line.strip()]
    return bool(lines) and all(is_furniture_line(line) for line in lines)


def asks_source(question: str) -> bool:
    """Whether a question asks where something comes from (出處, 來源, 出自哪份, link, source)."""
    return _ASKS_SOURCE.search(fold(question).lower()) is not None


def asks_credit(question: str) -> bool:
    """Whether a question asks for a source, an author, a figure or a study: what captions,
    reference lines and bylines say."""
    text = fold(question).lower()
    return _ASKS_SOURCE.search(text) is not None or _ASKS_CREDIT.search(text) is not None
