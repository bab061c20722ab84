"""The Gradio chat UI: a thin wiring of :class:`chat.service.Service` and :mod:`chat.render`.

Two tabs (Traditional Chinese labels):

* 問答 — the conversation (a ``gr.HTML`` log of escaped answer blocks from
  ``chat.render.render_answer``), example questions while the chat is empty, and the source
  viewer: a click on a ``[n]`` marker or a cited passage shows the paragraph inside its
  article (``chat.render.render_source``), scrolled to and marked.
* 文章管理 — the article list, upload of one or several files (``Service.add``: type, size and
  safe names checked by ``ingest.library``), an incremental rebuild with a progress bar, removal.

Every string that comes from an article, a file name or the user goes through
``chat.render`` (``html.escape``); ``gr.HTML`` renders its value with ``innerHTML`` so
escaped text stays inert. Nothing runs at import time: Gradio is imported by
:func:`make_app` and :func:`serve`.
"""
from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

from ingest.errors import SouseiError

if TYPE_CHECKING:  # pragma: no cover
    import gradio as gr

    from chat.records import Answer
    from chat.service import Service
    from ingest.records import Passage

log = logging.getLogger("sousei.ui")

APP_TITLE = "地方創生政策問答"
APP_INTRO = "回答都是文章原句的引用；點選 [n] 或引用段落，右側會顯示該段在原文中的位置。"
LABEL_CHAT_TAB = "問答"
LABEL_ARTICLES_TAB = "文章管理"
LABEL_QUESTION = "問題"
PLACEHOLDER_QUESTION = "輸入問題，例如：2021年的地方創生臨時補助金是多少？"
LABEL_SEND = "送出"
LABEL_CLEAR = "清除對話"
LABEL_EXAMPLES = "範例問題"
LABEL_VIEWER = "原文"
LABEL_UPLOAD = "上傳文章（.txt .md .pdf .html .docx，可一次選多個檔案）"
LABEL_ADD = "加入並更新索引"
LABEL_REBUILD = "重新整理索引"
LABEL_REMOVE_CHOICE = "要刪除的文章"
LABEL_REMOVE = "刪除文章"
EMPTY_CHAT = "還沒有問題。請在下方輸入問題，或點選範例問題。"
EMPTY_VIEWER = "點選回答中的 [n] 或引用段落，這裡會顯示它在原文中的位置。"
EMPTY_ARTICLES = "目前沒有文章。"
NO_FILES = "請先選擇要上傳的檔案。"
NO_ARTICLE_CHOSEN = "請先選擇要刪除的文章。"
CITATION_GONE = "找不到這個引用段落，請重新提問。"
TABLE_HEADERS = ("標題", "日期", "段落", "檢索段", "代號")

EXAMPLE_QUESTIONS = (
    "日本希望打造一個多少人活躍的強韌社會？",
    "2021年的地方創生臨時補助金是多少？",
    "處方箋和藥劑要如何配送？",
    "國家戰略特區針對哪些領域做法規調適？",
)

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
ASK_CONCURRENCY = 4

CSS = """
#sousei-log { max-height: 68vh; overflow-y: auto; }
.sousei-turn { margin: 0 0 1.2em 0; }
.sousei-user { background: var(--color-accent-soft); border-radius: 8px; padding: .5em .8em;
               margin: 0 0 .5em auto; width: fit-content; max-width: 85%; }
.sousei-bot { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: .6em .9em; }
.sousei-empty { color: var(--body-text-color-subdued); }
.sousei-quote { margin: .2em 0 .5em 0; font-size: 1.05em; }
.sousei-passages { margin-top: .6em; font-size: .92em; }
.sousei-passages-heading { font-weight: 600; margin: .3em 0; }
.sousei-nearest { opacity: .9; border-left: 3px solid #c98a00; padding-left: .6em; }
.sousei-not-found { font-weight: 600; color: #a15c00; }
.sousei-passage { cursor: pointer; margin-bottom: .5em; }
.sousei-passage:hover { background: var(--background-fill-secondary); }
.sousei-title { font-weight: 600; }
.sousei-loc { color: var(--body-text-color-subdued); font-size: .9em; margin-right: .3em; }
a.sousei-cite { cursor: pointer; font-weight: 600; text-decoration: none; }
mark { background: #fff0a0; color: inherit; padding: 0 1px; }
#sousei-viewer .sousei-source { position: relative; max-height: 72vh; overflow-y: auto; padding-right: .4em; }
#sousei-viewer .sousei-para { margin: .4em 0; line-height: 1.6; }
#sousei-viewer .sousei-cited { background: #fff7cc; outline: 2px solid #e0b000; border-radius: 4px; padding: .3em; }
.sousei-table { width: 100%; border-collapse: collapse; }
.sousei-table th, .sousei-table td { border-bottom: 1px solid var(--border-color-primary); padding: .3em .5em;
                                     text-align: left; }
.sousei-status-error { color: #b00020; }
"""

# Runs in the browser when the source viewer mounts (``element``, ``trigger``, ``watch`` are
# given by gr.HTML). One capturing listener on the document turns a click on a citation
# marker or a cited passage anywhere on the page into the viewer's ``click`` event, carrying
# the passage id; the Python handler answers with the rendered article.
VIEWER_JS = """
window.souseiShowCitation = (data) => trigger('click', data);
if (!window.souseiCitationListener) {
  window.souseiCitationListener = true;
  document.addEventListener('click', (event) => {
    const target = event.target.closest ? event.target.closest('a.sousei-cite, li.sousei-passage') : null;
    if (!target || !target.dataset.passageId || target.closest('#sousei-viewer')) return;
    event.preventDefault();
    window.souseiShowCitation({passage_id: target.dataset.passageId, doc_id: target.dataset.docId || ''});
  }, true);
}
watch('value', () => {
  const box = element.querySelector('.sousei-source');
  const cited = element.querySelector('#sousei-cited');
  if (box && cited) {
    box.scrollTop = Math.max(0, cited.offsetTop - box.clientHeight / 3);
    cited.scrollIntoView({block: 'nearest'});
  }
});
"""

# Keeps the newest answer in view after the log re-renders.
LOG_JS = """
watch('value', () => { element.parentElement && (element.closest('#sousei-log') || element).scrollTo(0, 1e9); });
"""

Reporter = Callable[[int, int, str], None]


# --------------------------------------------------------------------------- HTML pieces


def render_turn(question: str, answer_html: str) -> str:
    from chat.render import esc

    return (f'<div class="sousei-turn"><div class="sousei-user">{esc(question)}</div>'
            f'<div class="sousei-bot">{answer_html}</div></div>')


def render_log(history: Sequence[dict]) -> str:
    """The conversation: each turn is the escaped question and its rendered answer block."""
    from chat.render import esc

    if not history:
        return f'<p class="sousei-empty">{esc(EMPTY_CHAT)}</p>'
    return "".join(render_turn(turn["question"], turn["html"]) for turn in history)


def render_status(lines: Sequence[str], error: bool = False) -> str:
    from chat.render import esc

    cls = "sousei-status sousei-status-error" if error else "sousei-status"
    return f'<div class="{cls}">' + "".join(f"<p>{esc(line)}</p>" for line in lines) + "</div>"


def error_status(err: Exception) -> str:
    """A refused upload, a missing index, ...: the message (one paragraph per line), escaped."""
    return render_status(str(err).splitlines() or [type(err).__name__], error=True)


def render_placeholder(text: str) -> str:
    from chat.render import esc

    return f'<p class="sousei-empty">{esc(text)}</p>'


# --------------------------------------------------------------------------- chat


def cited_passages(answer: "Answer") -> dict[str, tuple["Passage", tuple[str, ...]]]:
    """Passage id -> (passage, the question's terms) for every passage shown under an answer."""
    return {hit.passage.id: (hit.passage, tuple(answer.terms)) for hit in answer.hits}


def answer_html(service: "Service", question: str) -> tuple[str, dict]:
    """The rendered answer (or the error message, e.g. no index yet) and its cited passages."""
    from chat.render import render_answer, render_message

    try:
        answer = service.ask(question)
    except SouseiError as err:
        return f'<div class="sousei-answer" data-found="error">{render_message(str(err))}</div>', {}
    return render_answer(answer), cited_passages(answer)


def ask(service: "Service", question: str, history: list[dict] | None, cited: dict | None):
    """Handler for 送出 / Enter: returns (log, history, cited, cleared textbox, examples update)."""
    import gradio as gr

    history, cited = list(history or []), dict(cited or {})
    question = (question or "").strip()
    if not question:
        return render_log(history), history, cited, "", gr.update(visible=not history)
    html, passages = answer_html(service, question)
    history.append({"question": question, "html": html})
    cited.update(passages)
    return render_log(history), history, cited, "", gr.update(visible=False)


def ask_example(service: "Service", sample: Sequence[str] | str, history, cited):
    question = sample[0] if isinstance(sample, (list, tuple)) else sample
    return ask(service, question, history, cited)


def clear_chat():
    import gradio as gr

    return render_log([]), [], {}, render_placeholder(EMPTY_VIEWER), gr.update(visible=True)


def show_source(service: "Service", passage_id: str, cited: dict | None) -> str:
    """The cited paragraph inside its whole article, marked (``#sousei-cited``)."""
    from chat.render import render_message, render_source

    entry = (cited or {}).get(passage_id)
    if entry is None:
        return render_message(CITATION_GONE)
    passage, terms = entry
    try:
        article = service.article(passage.doc_id)
    except SouseiError as err:
        return render_message(str(err))
    return render_source(article, passage, terms)


def on_citation(service: "Service", cited: dict | None, evt: "gr.EventData") -> str:
    data = getattr(evt, "_data", None) or {}
    return show_source(service, str(data.get("passage_id", "")), cited)


# --------------------------------------------------------------------------- articles


def article_rows(service: "Service") -> list[tuple[str, str, int, int, str]]:
    """(title, date, paragraphs, passages, doc_id) for every indexed article."""
    counts: dict[str, int] = {}
    for passage in service.searcher().passages:
        counts[passage.doc_id] = counts.get(passage.doc_id, 0) + 1
    return [(a.meta.title, a.meta.published or "", len(a.paragraphs), counts.get(a.doc_id, 0), a.doc_id)
            for a in service.articles()]


def render_article_table(rows: Sequence[tuple]) -> str:
    from chat.render import esc

    if not rows:
        return render_placeholder(EMPTY_ARTICLES)
    head = "".join(f"<th>{esc(h)}</th>" for h in TABLE_HEADERS)
    body = "".join("<tr>" + "".join(f"<td>{esc(str(cell))}</td>" for cell in row) + "</tr>" for row in rows)
    return f'<table class="sousei-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def article_choices(rows: Sequence[tuple]) -> list[tuple[str, str]]:
    return [(f"{title}（{doc_id}）", doc_id) for title, _date, _paras, _passages, doc_id in rows]


def refresh_articles(service: "Service"):
    """Article table and the removal dropdown; the error message when there is no index."""
    import gradio as gr

    try:
        rows = article_rows(service)
    except SouseiError as err:
        return error_status(err), gr.update(choices=[], value=None)
    return render_article_table(rows), gr.update(choices=article_choices(rows), value=None)


def progress_reporter(progress: Callable[..., Any] | None) -> Reporter | None:
    """Adapts a ``gr.Progress`` to the ``(done, total, message)`` callback of ``Service``."""
    if progress is None:
        return None

    def report(done: int, total: int, message: str) -> None:
        progress((done, total) if total else None, desc=message)

    return report


def report_lines(report) -> list[str]:
    lines = [f"索引已更新：文章 {report.documents} 篇、檢索段 {report.passages} 個"
             f"（新計算 {report.embedded}、沿用 {report.reused}），移除 {report.removed} 篇，"
             f"耗時 {report.seconds:.1f} 秒。"]
    lines.extend(f"注意：{w}" for w in report.warnings)
    return lines


def added_line(item) -> str:
    """One line per uploaded file: added, or already there with the same content."""
    name = Path(item).name
    if getattr(item, "status", "added") == "unchanged":
        return f"已有相同的檔案，未變更：{name}"
    duplicate = getattr(item, "duplicate_of", None)
    if duplicate:
        return f"已加入：{name}（內容與 {duplicate} 相同，只索引一次）"
    return f"已加入：{name}"


def upload_paths(files: Sequence[Any] | None) -> list[Path]:
    """Local paths of the files Gradio received (strings or objects with ``.name``/``.path``)."""
    paths = []
    for item in files or []:
        path = item if isinstance(item, (str, Path)) else getattr(item, "path", None) or getattr(item, "name")
        paths.append(Path(path))
    return paths


def add_articles(service: "Service", files, progress: Callable[..., Any] | None = None):
    """Copy the uploads into the corpus and rebuild; returns (status, table, dropdown, cleared files)."""
    paths = upload_paths(files)
    if not paths:
        return (render_status([NO_FILES], error=True), *refresh_articles(service), None)
    try:
        added, report = service.add(paths, progress_reporter(progress))
    except SouseiError as err:
        return (error_status(err), *refresh_articles(service), None)
    lines = [added_line(item) for item in added] + report_lines(report)
    return (render_status(lines), *refresh_articles(service), None)


def rebuild(service: "Service", progress: Callable[..., Any] | None = None):
    try:
        report = service.build(progress_reporter(progress))
    except SouseiError as err:
        return (error_status(err), *refresh_articles(service))
    return (render_status(report_lines(report)), *refresh_articles(service))


def remove_article(service: "Service", doc_id: str | None, progress: Callable[..., Any] | None = None):
    if not doc_id:
        return (render_status([NO_ARTICLE_CHOSEN], error=True), *refresh_articles(service))
    try:
        report = service.remove(doc_id, progress_reporter(progress))
    except SouseiError as err:
        return (error_status(err), *refresh_articles(service))
    return (render_status([f"已刪除：{doc_id}", *report_lines(report)]), *refresh_articles(service))


# --------------------------------------------------------------------------- wiring


def _bind(fn: Callable[..., Any], service: "Service") -> Callable[..., Any]:
    """``fn`` with ``service`` as first argument, as a plain function (Gradio inspects handlers)."""

    def handler(*args):
        return fn(service, *args)

    handler.__name__ = fn.__name__
    return handler


def _with_progress(fn: Callable[..., Any], service: "Service") -> Callable[..., Any]:
    """A Gradio handler with a ``gr.Progress`` default argument (how Gradio shows a progress bar)."""
    import gradio as gr

    def handler(*args, progress=gr.Progress()):
        return fn(service, *args, progress=progress)

    handler.__name__ = fn.__name__
    return handler


def _chat_tab(service: "Service") -> None:
    import gradio as gr

    history = gr.State([])
    cited = gr.State({})
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            log_view = gr.HTML(render_log([]), elem_id="sousei-log", js_on_load=LOG_JS)
            examples = gr.Dataset(label=LABEL_EXAMPLES, components=["textbox"],
                                  samples=[[q] for q in EXAMPLE_QUESTIONS], elem_id="sousei-examples")
            with gr.Row():
                question = gr.Textbox(label=LABEL_QUESTION, placeholder=PLACEHOLDER_QUESTION, lines=1,
                                      max_lines=4, scale=6, elem_id="sousei-question")
                send = gr.Button(LABEL_SEND, variant="primary", scale=1, elem_id="sousei-send")
            clear = gr.Button(LABEL_CLEAR, size="sm", elem_id="sousei-clear")
        with gr.Column(scale=2):
            gr.Markdown(f"**{LABEL_VIEWER}**", elem_id="sousei-viewer-heading")
            viewer = gr.HTML(render_placeholder(EMPTY_VIEWER), container=True, elem_id="sousei-viewer",
                             js_on_load=VIEWER_JS)

    outputs = [log_view, history, cited, question, examples]
    ask_handler = _bind(ask, service)
    send.click(ask_handler, [question, history, cited], outputs, concurrency_limit=ASK_CONCURRENCY,
               api_name="ask")
    question.submit(ask_handler, [question, history, cited], outputs, concurrency_limit=ASK_CONCURRENCY,
                    api_name=False)
    examples.click(_bind(ask_example, service), [examples, history, cited], outputs,
                   concurrency_limit=ASK_CONCURRENCY, api_name=False)
    clear.click(clear_chat, None, [log_view, history, cited, viewer, examples], api_name=False)
    def citation_clicked(cited_state, evt):
        return on_citation(service, cited_state, evt)

    citation_clicked.__annotations__ = {"evt": gr.EventData}   # how Gradio knows to pass the event data
    viewer.click(citation_clicked, [cited], [viewer], api_name=False)


def _articles_tab(service: "Service", app: "gr.Blocks") -> None:
    import gradio as gr
    from ingest.load import SUPPORTED_EXTENSIONS

    table = gr.HTML(elem_id="sousei-articles")
    with gr.Row():
        with gr.Column():
            uploads = gr.File(label=LABEL_UPLOAD, file_count="multiple", file_types=list(SUPPORTED_EXTENSIONS),
                              elem_id="sousei-upload")
            add = gr.Button(LABEL_ADD, variant="primary", elem_id="sousei-add")
        with gr.Column():
            choice = gr.Dropdown(label=LABEL_REMOVE_CHOICE, choices=[], value=None, elem_id="sousei-remove-choice")
            remove = gr.Button(LABEL_REMOVE, variant="stop", elem_id="sousei-remove")
            build = gr.Button(LABEL_REBUILD, elem_id="sousei-rebuild")
    status = gr.HTML(elem_id="sousei-status")

    add.click(_with_progress(add_articles, service), [uploads], [status, table, choice, uploads],
              api_name=False)
    remove.click(_with_progress(remove_article, service), [choice], [status, table, choice], api_name=False)
    build.click(_with_progress(rebuild, service), None, [status, table, choice], api_name=False)
    app.load(_bind(refresh_articles, service), None, [table, choice], api_name=False)


def make_app(service: "Service") -> "gr.Blocks":
    """The Blocks app; wires handlers to ``service`` (nothing is loaded until a request comes)."""
    import gradio as gr

    with gr.Blocks(title=APP_TITLE, analytics_enabled=False) as app:
        gr.Markdown(f"## {APP_TITLE}\n{APP_INTRO}")
        with gr.Tabs():
            with gr.Tab(LABEL_CHAT_TAB, id="chat", elem_id="sousei-tab-chat"):
                _chat_tab(service)
            with gr.Tab(LABEL_ARTICLES_TAB, id="articles", elem_id="sousei-tab-articles"):
                _articles_tab(service, app)
    return app


# --------------------------------------------------------------------------- serving


def check_host(host: str, say: Callable[[str], None] | None = None) -> bool:
    """True when ``host`` is this machine only; otherwise logs (and says) a warning."""
    if host in LOCAL_HOSTS:
        return True
    message = (f"warning: serving on {host}: the chat UI and its upload/remove buttons are reachable "
               f"from other machines on that network (use --host 127.0.0.1 to keep it private)")
    log.warning(message)
    if say is not None:
        say(message)
    return False


def launch_options(config) -> dict:
    """Keyword arguments for ``Blocks.launch``: bind address, port, upload limit, styling."""
    return {
        "server_name": config.host,
        "server_port": config.port,
        "max_file_size": int(config.max_upload_mb) * 1024 * 1024,
        "share": False,
        "inbrowser": False,
        "show_error": False,
        "ssr_mode": False,
        "mcp_server": False,
        "css": CSS,
    }


def warm_up(service: "Service") -> None:
    """Loads the model and opens the index, answers one example question and embeds the
    corpus sentences (``Service.warm_up``), so the first users do not wait for it. Runs in a
    background thread started by :func:`serve`."""
    try:
        service.warm_up(EXAMPLE_QUESTIONS[0])
    except SouseiError as err:       # e.g. no index yet: the page says so when someone asks
        log.warning("warm-up skipped: %s", err)


def start_warm_up(service: "Service") -> threading.Thread:
    thread = threading.Thread(target=warm_up, args=(service,), name="sousei-warm-up", daemon=True)
    thread.start()
    return thread


def serve(service: "Service", *, block: bool = True, warm: bool = True) -> "gr.Blocks":
    """Start the web server on ``service.config.host:port`` (127.0.0.1 unless asked otherwise).

    The model is loaded in the background meanwhile (``warm``). With ``block=False`` the
    server runs in background threads and the app is returned (``app.close()`` stops it).
    """
    check_host(service.config.host, service.say)
    app = make_app(service)
    app.queue(default_concurrency_limit=1)
    if warm:
        start_warm_up(service)
    app.launch(prevent_thread_lock=not block, **launch_options(service.config))
    return app
