"""HTML (and JSON / plain text) for answers, cited passages and the source viewer.

Pure functions: records in, strings out. All article text goes through ``html.escape``;
highlighting works on spans of the original text and escapes every piece, so an article
containing ``<script>`` or ``<img onerror=…>`` is shown as text.

Class names and attributes the UI can rely on:

* ``.sousei-answer``            the whole answer block;
* ``.sousei-quote``             one quoted sentence; ``a.sousei-cite`` its ``[n]`` marker with
  ``data-passage-id``, ``data-doc-id``, ``data-n`` and ``href="#sousei-p-N"``;
* ``.sousei-quote-header``      a quoted table row's header row (the table's own words), above it;
* ``.sousei-passages``          the numbered passage list (``li#sousei-p-N`` with ``data-passage-id``);
  ``.sousei-nearest`` added when the passages are only the nearest ones (not found);
* ``.sousei-not-found``         the not-found line; ``.sousei-message`` any other fixed message;
* ``.sousei-source``            the source viewer; the cited paragraph is ``#sousei-cited.sousei-cited``,
  other paragraphs ``#sousei-para-N``. In ``render_viewer`` the title is ``.sousei-source-head``
  and the paragraphs scroll inside ``.sousei-source-body`` below it (the title never covers text).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from chat.abstain import NOT_FOUND_LINE
from chat.records import Answer
from index.records import Hit
from ingest.records import Article, Passage

if TYPE_CHECKING:  # pragma: no cover
    from ingest.library import TrashedArticle

NEAREST_HEADING = "最接近的段落（僅供參考，並未直接回答問題）："
SOURCES_HEADING = "引用段落："
TITLE_DISPLAY_MAX = 120  # characters of a title shown in any rendering
PARAGRAPH_BREAK = "\n\n"  # between an article's paragraphs (ingest.records.Article.text)
_LATIN_TERM = re.compile(r"^[0-9a-z][0-9a-z.\-_']*$")
# C0/C1 controls (ESC, BEL, CR...) and bidi overrides: shown escaped in terminal text (newline and tab kept)
_TERMINAL_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def esc(text: str) -> str:
    return html.escape(text, quote=True)


# An absolute file path (POSIX, or Windows with a drive letter) up to a space or Chinese punctuation; not
# a date (2021/10/29), a pair of words (TCP/IP), the rest of a URL (http://host/page) or a closing tag typed
# in a title (<b>x</b>: its /b> was cut to b>).
_SERVER_PATH = re.compile(r"(?<![A-Za-z0-9_.~:/\\<-])(?:/|[A-Za-z]:\\)[^\s：，。；、（）「」『』'\"]+")


def hide_paths(text: str) -> str:
    """A message for a reader of the page without the server's file paths: each absolute path becomes its
    last part, a folder or file name (/srv/sousei/corpus 裡沒有… -> corpus 裡沒有…)."""
    return _SERVER_PATH.sub(lambda m: re.split(r"[\\/]", m.group().rstrip("/\\"))[-1] or m.group(), text)


def terminal_safe(text: str) -> str:
    """Text for a terminal: control characters (ESC, BEL, CR, C1, bidi overrides) shown as
    ``\\xNN`` / ``\\uNNNN`` instead of acting on the terminal."""
    return _TERMINAL_UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def trash_label(entry: TrashedArticle) -> str:
    """The trash list's label of a removed article: ``TrashedArticle.label`` (title（id，time 移除）, the time
    to the second), as ``sousei restore`` lists it."""
    return entry.label


def short_title(title: str | None) -> str:
    """A title capped at ``TITLE_DISPLAY_MAX`` characters (with …), for every rendering."""
    title = title or ""
    return title if len(title) <= TITLE_DISPLAY_MAX else title[: TITLE_DISPLAY_MAX - 1] + "…"


# --------------------------------------------------------------------------- highlighting


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    from ingest.segment import fold

    return fold(ch)


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each folded character, the index of its original character."""
    pieces: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        f = _fold_char(ch)
        pieces.append(f)
        origin.extend([i] * len(f))
    return "".join(pieces), origin


def _occurrences(term: str, folded: str) -> list[tuple[int, int]]:
    if _LATIN_TERM.match(term):
        pattern = rf"(?<![0-9a-z]){re.escape(term)}(?![0-9a-z])"
    else:
        pattern = re.escape(term)
    return [(m.start(), m.end()) for m in re.finditer(pattern, folded)]


def match_spans(text: str, terms: Sequence[str]) -> list[tuple[int, int]]:
    """Merged character spans of ``text`` where any folded term occurs."""
    if not terms or not text:
        return []
    folded, origin = fold_with_offsets(text)
    spans = []
    for term in terms:
        for a, b in _occurrences(term, folded):
            if b > a:
                spans.append((origin[a], origin[b - 1] + 1))
    merged: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def highlight(text: str, terms: Sequence[str]) -> str:
    """Escaped ``text`` with the question's terms wrapped in ``<mark>``."""
    out, pos = [], 0
    for a, b in match_spans(text, terms):
        out.append(esc(text[pos:a]))
        out.append(f"<mark>{esc(text[a:b])}</mark>")
        pos = b
    out.append(esc(text[pos:]))
    return "".join(out)


# --------------------------------------------------------------------------- pieces


def location_label(paragraph: int, page: int | None, last: int | None = None) -> str:
    """第N段 (第N–M段 for a run of paragraphs) and, when known, 第N頁."""
    span = f"{paragraph}–{last}" if last is not None and last > paragraph else f"{paragraph}"
    return f"第{span}段" + (f"・第{page}頁" if page is not None else "")


def passage_label(passage: Passage) -> str:
    """Where a passage is: a heading that leads the paragraph under it makes it span two paragraphs
    (article paragraphs are joined by a blank line), shown as 第N–M段 so the viewer's 第M段 matches."""
    last = passage.paragraph + passage.text.count(PARAGRAPH_BREAK)
    return location_label(passage.paragraph, passage.page, last)


def citation_name(n: int, passage: Passage) -> str:
    """What a screen reader says for an ``[n]`` marker: the citation's number and what it opens,
    引用1：〈title〉第3段 (the marker's text alone, "[1]", says neither)."""
    return f"引用{n}：〈{short_title(passage.title)}〉{passage_label(passage)}"


def render_citation_marker(n: int, passage: Passage) -> str:
    return (
        f'<a class="sousei-cite" href="#sousei-p-{n}" data-n="{n}" data-passage-id="{esc(passage.id)}" '
        f'data-doc-id="{esc(passage.doc_id)}" aria-label="{esc(citation_name(n, passage))}">[{n}]</a>'
    )


def _quote_header(header: str) -> str:
    """A quoted table row's header row, on its own line above it ("" for any other quote)."""
    return f'<span class="sousei-quote-header">{esc(header)}</span>' if header else ""


def render_quotes(answer: Answer) -> str:
    """The quoted sentences, each followed by its [n] marker."""
    by_id = {h.passage.id: h.passage for h in answer.hits}
    items = []
    for quote in answer.quotes:
        c = quote.citation
        passage = by_id.get(c.passage_id) or Passage(
            id=c.passage_id, doc_id=c.doc_id, title=c.title, paragraph=c.paragraph, page=c.page, start=0, end=0, text=""
        )
        items.append(
            f'<p class="sousei-quote">{_quote_header(quote.header)}'
            f'<span class="sousei-quote-text">{esc(quote.text)}</span> '
            f"{render_citation_marker(c.n, passage)}</p>"
        )
    return f'<div class="sousei-quotes">{"".join(items)}</div>'


def render_passage_item(n: int, passage: Passage, terms: Sequence[str]) -> str:
    return (
        f'<li class="sousei-passage" id="sousei-p-{n}" value="{n}" '
        f'data-passage-id="{esc(passage.id)}" data-doc-id="{esc(passage.doc_id)}" data-paragraph="{passage.paragraph}">'
        f'<div class="sousei-passage-head"><span class="sousei-n">[{n}]</span> '
        f'<span class="sousei-title">{esc(short_title(passage.title))}</span> '
        f'<span class="sousei-loc">{esc(passage_label(passage))}</span></div>'
        f'<div class="sousei-passage-text">{highlight(passage.text, terms)}</div></li>'
    )


def render_passages(hits: Sequence[Hit], terms: Sequence[str] = (), nearest: bool = False) -> str:
    """The numbered passage list; ``nearest`` marks them as merely the closest (not an answer)."""
    if not hits:
        return ""
    heading = NEAREST_HEADING if nearest else SOURCES_HEADING
    cls = "sousei-passages sousei-nearest" if nearest else "sousei-passages"
    items = "".join(render_passage_item(i, h.passage, terms) for i, h in enumerate(hits, start=1))
    return f'<div class="{cls}"><p class="sousei-passages-heading">{esc(heading)}</p><ol>{items}</ol></div>'


def render_not_found(message: str | None = None) -> str:
    """The not-found line, with what a premise check adds after it (文章沒有提到…)."""
    return f'<p class="sousei-not-found">{esc(message or NOT_FOUND_LINE)}</p>'


def says_not_found(message: str | None) -> bool:
    """Whether an answer's message is the not-found line (not a notice about the question first)."""
    return message is None or message.startswith(NOT_FOUND_LINE)


def render_message(message: str) -> str:
    return f'<p class="sousei-message">{esc(message)}</p>'


def render_answer(answer: Answer) -> str:
    """The whole answer block: message or not-found line, quotes, then the passages."""
    parts = []
    if not answer.found and says_not_found(answer.message):
        parts.append(render_not_found(answer.message))
    elif answer.message:
        parts.append(render_message(answer.message))
    if answer.found:
        parts.append(render_quotes(answer))
    parts.append(render_passages(answer.hits, answer.terms, nearest=not answer.found))
    found = "true" if answer.found else "false"
    return f'<div class="sousei-answer" data-found="{found}">{"".join(parts)}</div>'


# --------------------------------------------------------------------------- source viewer


def cited_paragraph(article: Article, cited: Passage | None) -> int | None:
    if cited is None or cited.doc_id != article.doc_id:
        return None
    return cited.paragraph


def render_source(article: Article, cited: Passage | None = None, terms: Sequence[str] = ()) -> str:
    """The whole article, paragraph by paragraph; the cited paragraph carries
    ``id="sousei-cited"`` and ``class="sousei-cited"`` so the UI can scroll to it."""
    target = cited_paragraph(article, cited)
    meta = article.meta
    head = f'<h3 class="sousei-source-title">{esc(short_title(meta.title))}</h3>'
    if meta.published:
        head += f'<p class="sousei-source-date">{esc(meta.published)}</p>'
    paras = []
    for p in article.paragraphs:
        body = highlight(p.text, terms) if p.number == target else esc(p.text)
        label = f'<span class="sousei-loc">{esc(location_label(p.number, p.page))}</span>'
        if p.number == target:
            paras.append(
                f'<p id="sousei-cited" class="sousei-para sousei-cited" data-paragraph="{p.number}">{label} {body}</p>'
            )
        else:
            paras.append(
                f'<p id="sousei-para-{p.number}" class="sousei-para" data-paragraph="{p.number}">{label} {body}</p>'
            )
    return f'<div class="sousei-source" data-doc-id="{esc(article.doc_id)}">{head}{"".join(paras)}</div>'


# --------------------------------------------------------------------------- JSON / text


def answer_to_json(answer: Answer) -> dict:
    """The issue-4 JSON shape, plus ``message``, the decision's ``confidence`` (0-1),
    ``uncertain`` (可能相關) and ``reason``."""
    return {
        "question": answer.question,
        "found": answer.found,
        "confidence": answer.confidence,
        "uncertain": answer.uncertain,
        "reason": answer.reason,
        "answer": [
            {"text": q.text, "citation": q.citation.n, **({"header": q.header} if q.header else {})}
            for q in answer.quotes
        ],
        "passages": [
            {
                "rank": i,
                "id": h.passage.id,
                "doc_id": h.passage.doc_id,
                "title": short_title(h.passage.title),
                "paragraph": h.passage.paragraph,
                "page": h.passage.page,
                "text": h.passage.text,
                "score": round(float(h.score), 6),
            }
            for i, h in enumerate(answer.hits, start=1)
        ],
        "message": answer.message,
    }


def answer_to_text(answer: Answer) -> str:
    """Plain text for a terminal: quotes with [n], then the numbered passages; control characters
    from the articles (titles, text) are shown escaped, titles capped."""
    lines = []
    if answer.message:
        lines.append(answer.message)
    for q in answer.quotes:
        lines.extend([q.header] if q.header else [])
        lines.append(f"{footnotes_plain(q.text)} [{q.citation.n}]")
    shown = list(enumerate(answer.hits, start=1))
    cited = {q.citation.passage_id for q in answer.quotes}
    groups = (
        [(SOURCES_HEADING, [(i, h) for i, h in shown if h.passage.id in cited])]
        + [(f"{OTHER_PASSAGES}：", [(i, h) for i, h in shown if h.passage.id not in cited])]
        if answer.found
        else [(NEAREST_HEADING, shown)]
    )
    for heading, hits in groups:  # the quoted passages come first in the hits, numbered as cited
        lines.extend(["", heading] if hits else [])
        for i, h in hits:
            lines.append(f"[{i}] {short_title(h.passage.title)}（{passage_label(h.passage)}）")
            lines.append(f"    {h.passage.text}")
    return terminal_safe("\n".join(lines))


# --------------------------------------------------------------------------- chat messages (UI)

OTHER_PASSAGES = "其他相關段落"
SEARCHED_LABEL = "搜尋："
COPY_LABEL = "複製回答"
MAX_SHOWN_QUESTION = 120


def short_question(question: str, limit: int = MAX_SHOWN_QUESTION) -> str:
    """The question as shown in the chat: one line, long ones shortened with …."""
    text = " ".join(question.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


QUESTION_CLASS = "sousei-question"


def render_question(question: str) -> str:
    """A question's message in the chat: its text as typed (escaped, one line, shortened), inside one HTML
    block, so that the chat's Markdown leaves it alone: ``1. **GIGA School** 是什麼？`` was shown as a
    numbered list with bold text."""
    return f'<div class="{QUESTION_CLASS}">{esc(short_question(question))}</div>'


def literal_question(content: str) -> str:
    """A question message kept in a browser from before :func:`render_question` (its escaped text alone,
    shown as Markdown) in that form; one already in it as it is."""
    if content.startswith(f'<div class="{QUESTION_CLASS}">'):
        return content
    return f'<div class="{QUESTION_CLASS}">{content}</div>'


def cited_order(answer: Answer) -> list[Hit]:
    """The cited passages in the order the quotes first cite them (shown as [1], [2], ...)."""
    by_id = {h.passage.id: h for h in answer.hits}
    order: list[Hit] = []
    for quote in answer.quotes:
        hit = by_id.get(quote.citation.passage_id)
        if hit is not None and hit not in order:
            order.append(hit)
    return order


_FOOTNOTE_MARK = re.compile(r"\[(\d{1,3})\]")


def footnotes_html(escaped: str) -> str:
    """The article's own footnote marks (``[2]``) in escaped text as a small 註2, so they are not
    mistaken for the answer's ``[n]`` citation markers."""
    return _FOOTNOTE_MARK.sub(r'<sup class="sousei-footnote" title="原文註腳">註\1</sup>', escaped)


def footnotes_plain(text: str) -> str:
    """The article's footnote marks in plain text as ``[註2]`` (the answer's own markers stay ``[n]``)."""
    return _FOOTNOTE_MARK.sub(r"[註\1]", text)


def _quote_spans(text: str, sentences: Sequence[str]) -> list[tuple[int, int]]:
    spans = []
    for sentence in sentences:
        start = text.find(sentence) if sentence else -1
        if start >= 0:
            spans.append((start, start + len(sentence)))
    return spans


def _mark(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """Escaped ``text`` with the given spans wrapped in ``<mark class="sousei-quoted">``."""
    out, pos = [], 0
    for a, b in sorted(spans):
        if a < pos or a >= b:
            continue
        out.append(footnotes_html(esc(text[pos:a])))
        out.append(f'<mark class="sousei-quoted">{footnotes_html(esc(text[a:b]))}</mark>')
        pos = b
    out.append(footnotes_html(esc(text[pos:])))
    return "".join(out)


def _marked_spans(text: str, sentences: Sequence[str]) -> str:
    """Escaped ``text`` with every quoted sentence in it wrapped in ``<mark class="sousei-quoted">``."""
    return _mark(text, _quote_spans(text, sentences))


def citation_href(passage: Passage, quote: str) -> str:
    """``#cite:PASSAGE_ID:START:END`` (the quote's span in the passage): Gradio's chat sanitiser
    keeps ``href`` and ``class`` but drops ``data-*`` attributes, so the viewer reads this."""
    start = passage.text.find(quote) if quote else -1
    end = start + len(quote) if start >= 0 else 0
    return f"#cite:{passage.id}:{max(start, 0)}:{end}"


def parse_citation_href(href: str) -> tuple[str, int, int] | None:
    """(passage id, start, end) from :func:`citation_href`; ``None`` for anything else."""
    match = re.fullmatch(r"#?cite:(.{1,200}):(\d{1,7}):(\d{1,7})", href or "")
    if not match:
        return None
    return match.group(1), int(match.group(2)), int(match.group(3))


def _chat_marker(n: int, passage: Passage, quote: str) -> str:
    # Gradio's chat sanitiser drops aria-* attributes: the page's script (chat.ui.VIEWER_JS) names the
    # link from its title, which is kept (and is the tooltip)
    name = esc(citation_name(n, passage))
    return f'<a class="sousei-cite" href="{esc(citation_href(passage, quote))}" title="{name}">[{n}]</a>'


def _chat_source(n: int, passage: Passage, quotes: Sequence[str], cls: str = "sousei-source-item") -> str:
    first = quotes[0] if quotes else ""
    name = esc(citation_name(n, passage))
    return (
        f'<li class="{cls}"><a class="sousei-cite sousei-n" href="{esc(citation_href(passage, first))}" '
        f'title="{name}">[{n}]</a> '
        f'<span class="sousei-title">{esc(passage.title)}</span> '
        f'<span class="sousei-loc">{esc(passage_label(passage))}</span>'
        f'<div class="sousei-passage-text">{_marked_spans(passage.text, quotes)}</div></li>'
    )


def _one_line(text: str) -> str:
    """A quote that runs from a heading into its paragraph, on one line (the break as a space)."""
    return re.sub(r"\s*\n\s*", " ", text)


def answer_plain_text(answer: Answer) -> str:
    """What the copy button copies: the quotes with [n], then the numbered references."""
    cited = cited_order(answer)
    number = {h.passage.id: i for i, h in enumerate(cited, start=1)}
    lines = []
    for q in answer.quotes:
        lines.extend([q.header] if q.header else [])
        lines.append(f"{footnotes_plain(_one_line(q.text))} [{number.get(q.citation.passage_id, q.citation.n)}]")
    if not answer.found:
        lines.insert(0, answer.message or NOT_FOUND_LINE)
    refs = cited or list(answer.hits[:3])
    if refs:
        lines.append("")
        for i, h in enumerate(refs, start=1):
            lines.append(f"[{i}] {h.passage.title}，{passage_label(h.passage)}")
    return "\n".join(lines)


def _others(hits: Sequence[Hit], start: int, summary: str) -> str:
    if not hits:
        return ""
    items = "".join(
        _chat_source(i, h.passage, (), "sousei-source-item sousei-other") for i, h in enumerate(hits, start=start)
    )
    return (
        f'<details class="sousei-others"><summary>{esc(summary)}（{len(hits)}）</summary>'
        f'<ol class="sousei-sources">{items}</ol></details>'
    )


def _answer_data(answer: Answer, question: str, cited: Sequence[Hit], answer_id: str) -> str:
    """The answer block's data-* attributes. Gradio's sanitiser drops them from the page, but they stay in
    the chat's value the server gets back: the question (follow-ups, feedback), the cited passage ids and
    the quoted sentences (follow-ups), the answer's id (one vote per answer), and what a follow-up
    searched (the subject it carried, which the follow-up after it carries on)."""
    ids = " ".join(h.passage.id for h in cited)
    quoted_json = json.dumps([q.text for q in answer.quotes] if answer.found else [], ensure_ascii=False)
    confidence = "" if answer.confidence is None else f"{answer.confidence:.2f}"
    searched = answer.question if answer.question and answer.question.strip() != question.strip() else ""
    return (
        f'data-found="{str(answer.found).lower()}" data-question="{esc(question)}" data-cited="{esc(ids)}" '
        f'data-quoted="{esc(quoted_json)}" data-confidence="{confidence}"'
        + (f' data-answer="{esc(answer_id)}"' if answer_id else "")
        + (f' data-searched="{esc(searched)}"' if searched else "")  # a follow-up's subject, for the next one
    )


def refused_input(answer: Answer) -> bool:
    """An answer that is a refusal of the question itself (問題只是同樣的字詞一再重複, no articles yet ...): not
    found, no passage, and a message other than the not-found line."""
    return not answer.found and not answer.hits and not says_not_found(answer.message)


def render_refusal(message: str, question: str = "") -> str:
    """A reply that is no answer: the message alone, marked ``.sousei-error`` (the page shows no 👍/👎 on it)
    and without a copy button. With ``question`` it is the engine's refusal of that question (data-found
    "false", as API callers have read it); without, an error (too long, no index: "error")."""
    data = f'data-found="false" data-question="{esc(question)}"' if question else 'data-found="error"'
    return f'<div class="sousei-answer sousei-error" {data}>{render_message(message)}</div>'


def render_chat_answer(answer: Answer, question: str, searched: str | None = None, answer_id: str = "") -> str:
    """One answer message of the chat (one line of HTML, no blank lines, so Markdown leaves it alone):
    searched text of a follow-up, the quotes in citation order with [n] markers, only the cited
    passages with the quoted sentence marked, the other passages folded, and a copy button;
    ``answer_id`` names this answer for its 👍/👎."""
    if refused_input(answer):
        return render_refusal(answer.message or "", question)
    parts = []
    if searched:
        parts.append(f'<p class="sousei-searched">{esc(SEARCHED_LABEL + short_question(searched))}</p>')
    cited = cited_order(answer)
    number = {h.passage.id: i for i, h in enumerate(cited, start=1)}
    if answer.found:
        if answer.message:  # 可能相關 (quoted, but uncertain) or a note on the question
            kind = "sousei-uncertain-note" if answer.uncertain else "sousei-note"
            parts.append(f'<p class="{kind}">{esc(answer.message)}</p>')
        quoted: dict[str, list[str]] = {}
        items = []
        for q in answer.quotes:
            hit = next(h for h in cited if h.passage.id == q.citation.passage_id)
            quoted.setdefault(hit.passage.id, []).append(q.text)
            items.append(
                f'<p class="sousei-quote">{_quote_header(q.header)}'
                f'<span class="sousei-quote-text">{footnotes_html(esc(q.text))}</span> '
                f"{_chat_marker(number[hit.passage.id], hit.passage, q.text)}</p>"
            )
        parts.append(f'<div class="sousei-quotes">{"".join(items)}</div>')
        sources = "".join(_chat_source(number[h.passage.id], h.passage, quoted[h.passage.id]) for h in cited)
        parts.append(f'<ol class="sousei-sources">{sources}</ol>')
        others = [h for h in answer.hits if h.passage.id not in number]
        parts.append(_others(others, len(cited) + 1, OTHER_PASSAGES))
    else:
        message = answer.message
        parts.append(render_not_found(message) if says_not_found(message) else render_message(message or ""))
        shown = list(answer.hits[:2])
        if shown:
            nearest = "".join(
                _chat_source(i, h.passage, (), "sousei-source-item sousei-nearest-item")
                for i, h in enumerate(shown, start=1)
            )
            parts.append(
                f'<p class="sousei-passages-heading">{esc(NEAREST_HEADING)}</p>'
                f'<ol class="sousei-sources sousei-nearest">{nearest}</ol>'
            )
        parts.append(_others(list(answer.hits[2:]), 3, OTHER_PASSAGES))
    parts.append(
        f'<span class="sousei-copy-text">{esc(answer_plain_text(answer))}</span>'
        f'<button class="sousei-copy" type="button">{esc(COPY_LABEL)}</button>'
    )
    state = ("sousei-uncertain" if answer.uncertain else "sousei-found") if answer.found else "sousei-unanswered"
    body = "".join(parts).replace("\n", "&#10;")
    return f'<div class="sousei-answer {state}" {_answer_data(answer, question, cited, answer_id)}>{body}</div>'


def render_viewer(article: Article, cited: Passage | None, quotes: Sequence[str] = ()) -> str:
    """The source viewer: the article's title (``.sousei-source-head``) above its paragraphs, which
    scroll in their own box (``.sousei-source-body``), so the title stays in view without covering
    a line; the cited paragraph outlined and the quoted sentence(s) marked inside it
    (``#sousei-quoted``); a quote that runs from a heading into the paragraph under it is marked in both."""
    quoted = []  # quote spans in article coordinates
    if cited is not None:
        quoted = [(cited.start + a, cited.start + b) for a, b in _quote_spans(cited.text, quotes)]
    touched = [p.number for p in article.paragraphs if any(a < p.end and b > p.start for a, b in quoted)]
    target = touched[0] if touched else cited_paragraph(article, cited)
    meta = article.meta
    head = (
        f'<div class="sousei-source-head"><h3 class="sousei-source-title" title="{esc(meta.title)}">'
        f"{esc(short_title(meta.title))}</h3>"
    )
    byline = " ・ ".join(x for x in (meta.author, meta.published) if x)
    if byline:
        head += f'<p class="sousei-source-date">{esc(byline)}</p>'
    head += "</div>"
    paras = []
    for p in article.paragraphs:
        label = f'<span class="sousei-loc">{esc(location_label(p.number, p.page))}</span>'
        local = [(max(a, p.start) - p.start, min(b, p.end) - p.start) for a, b in quoted if a < p.end and b > p.start]
        if p.number == target:
            body = _mark(p.text, local).replace(
                '<mark class="sousei-quoted">', '<mark class="sousei-quoted" id="sousei-quoted">', 1
            )
            paras.append(
                f'<p id="sousei-cited" class="sousei-para sousei-cited" data-paragraph="{p.number}">{label} {body}</p>'
            )
        else:
            body = _mark(p.text, local)
            paras.append(
                f'<p id="sousei-para-{p.number}" class="sousei-para" data-paragraph="{p.number}">{label} {body}</p>'
            )
    body = f'<div class="sousei-source-body">{"".join(paras)}</div>'
    return f'<div class="sousei-source" data-doc-id="{esc(article.doc_id)}">{head}{body}</div>'
