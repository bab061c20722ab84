"""Live-server and browser fixtures for the browser tests (tests/test_browser.py).

* The server is the real thing: ``sousei build`` then ``sousei serve`` as subprocesses on a free
  127.0.0.1 port, with a temporary copy of the corpus and a temporary index directory, and the
  tests' model cache (``Config.load().model_cache``: ``.sousei/test-models``, set in conftest.py).
* The browser is Debian's Chromium driven by Playwright (``npx playwright install`` cannot
  download browsers here), headless, with a new empty profile directory.
* Screenshots go to ``tests/artifacts/`` (git-ignored); timings to ``tests/artifacts/browser_timings.json``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bench.measure import free_port
from chat.config import PROJECT_ROOT, Config

ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
if TYPE_CHECKING:
    from playwright.sync_api import ViewportSize

VIEWPORT: ViewportSize = {"width": 1366, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}
BUILD_TIMEOUT = 900  # seconds: first build embeds the seed corpus with the real model on CPU
START_TIMEOUT = 180  # seconds until the server answers HTTP
ANSWER_TIMEOUT = 120_000  # milliseconds for one answer in the page (the first one loads the model)
QUICK_NOTICE_SECONDS = 1  # how often the pages of ``quick_notice_server`` check the out-of-step notice
NOTICE_SECONDS_ENV = "SOUSEI_NOTICE_SECONDS"  # chat.config.NOTICE_SECONDS_ENV (test_ui checks they agree)

TIMINGS: dict[str, float] = {}

HOSTILE_TITLE = "<img src=x onerror=\"window.__pwned='title';alert('title')\">惡意標題測試"
HOSTILE_TEXT = (
    "溫泉鄉雪燈籠祭典\n\n"
    "溫泉鄉的觀光協會<script>window.__pwned='script';alert('script')</script>每年冬季舉辦雪燈籠祭典，吸引許多遊客。\n\n"
    "雪燈籠祭典的報名方式是[點我報名](javascript:window.__pwned='md';alert('md'))"
    "或<a href=\"javascript:alert('a')\">報名連結</a>。\n\n"
    "雪燈籠祭典的志工說明會<img src=x onerror=\"window.__pwned='img';alert('img')\">"
    "在公民館舉行，${alert('tpl')} {{alert}}。\n"
)


# --------------------------------------------------------------------------- helpers


def chromium_executable() -> str:
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail("Chromium is not installed: apt-get install -y chromium (./dev test installs it)")
    return path


def record_timing(name: str, seconds: float) -> None:
    TIMINGS[name] = round(seconds, 2)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "browser_timings.json").write_text(
        json.dumps(TIMINGS, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


def screenshot(page, name: str, full_page: bool = True) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def server_env(model_cache: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "PYTHONUNBUFFERED": "1",
            "SOUSEI_MODEL_CACHE": str(model_cache),
            "GRADIO_ANALYTICS_ENABLED": "False",
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
            "PYTHONPATH": str(PROJECT_ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
        }
    )
    return env


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "chat.cli", *args]


def log_tail(path: Path, lines: int = 40) -> str:
    if not path.exists():
        return ""
    return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


# --------------------------------------------------------------------------- corpus


@dataclass(frozen=True)
class Workspace:
    root: Path
    corpus: Path
    index: Path
    model_cache: Path
    hostile_doc_id: str = "hostile_article"


def make_workspace(root: Path) -> Workspace:
    """A temporary copy of the seed corpus plus one hostile article (with a hostile title)."""
    corpus = root / "corpus"
    shutil.copytree(PROJECT_ROOT / "corpus", corpus)
    hostile = corpus / "hostile_article.txt"
    hostile.write_text(HOSTILE_TEXT, encoding="utf-8")
    (corpus / "hostile_article.txt.meta.json").write_text(
        json.dumps({"title": HOSTILE_TITLE, "published": "2024-01-01"}, ensure_ascii=False), encoding="utf-8"
    )
    return Workspace(root=root, corpus=corpus, index=root / "index", model_cache=Config.load().model_cache)


# --------------------------------------------------------------------------- server


@dataclass
class LiveServer:
    url: str
    process: subprocess.Popen
    log_path: Path
    workspace: Workspace
    started_seconds: float = 0.0
    extra: dict = field(default_factory=dict)

    def log(self) -> str:
        return log_tail(self.log_path)


def build_index(ws: Workspace) -> float:
    """``sousei build`` on the workspace; returns the seconds it took."""
    start = time.perf_counter()
    done = subprocess.run(
        cli("build", "--corpus", str(ws.corpus), "--index", str(ws.index), "--model-cache", str(ws.model_cache)),
        cwd=PROJECT_ROOT,
        env=server_env(ws.model_cache),
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
    )
    if done.returncode != 0:
        pytest.fail(f"sousei build failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return time.perf_counter() - start


def wait_until_serving(url: str, process: subprocess.Popen, log_path: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"sousei serve exited with {process.returncode}:\n{log_tail(log_path)}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    pytest.fail(f"sousei serve did not answer on {url} within {timeout:.0f} s:\n{log_tail(log_path)}")


def start_server(ws: Workspace, env: dict[str, str] | None = None) -> LiveServer:
    """``sousei serve`` on ``ws``, with ``env`` added to the server's environment."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    log_path = ws.root / "server.log"
    start = time.perf_counter()
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(
            cli(
                "serve",
                "--corpus",
                str(ws.corpus),
                "--index",
                str(ws.index),
                "--model-cache",
                str(ws.model_cache),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ),
            cwd=PROJECT_ROOT,
            env={**server_env(ws.model_cache), **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = LiveServer(url=url, process=process, log_path=log_path, workspace=ws)
    try:
        wait_until_serving(url, process, log_path, START_TIMEOUT)
    except BaseException:
        stop_server(server)
        raise
    server.started_seconds = time.perf_counter() - start
    return server


def stop_server(server: LiveServer) -> None:
    """Stops the one process this fixture started (by its own handle)."""
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=20)


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Workspace:
    return make_workspace(tmp_path_factory.mktemp("browser"))


@pytest.fixture(scope="module")
def live_server(workspace):
    record_timing("build_seconds", build_index(workspace))
    server = start_server(workspace)
    record_timing("server_start_seconds", server.started_seconds)
    yield server
    stop_server(server)


@pytest.fixture(scope="module")
def quick_notice_server(tmp_path_factory):
    """A second server, on a copy of its own of the corpus, whose pages check the out-of-step notice every
    ``QUICK_NOTICE_SECONDS`` (``SOUSEI_NOTICE_SECONDS``), not every ``Config.notice_seconds``: a test sees the
    timer at work in seconds, and the other tests' server keeps the interval as served."""
    ws = make_workspace(tmp_path_factory.mktemp("browser-notice"))
    build_index(ws)
    server = start_server(ws, {NOTICE_SECONDS_ENV: str(QUICK_NOTICE_SECONDS)})
    yield server
    stop_server(server)


@pytest.fixture(scope="module")
def browser_context(tmp_path_factory):
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=chromium_executable(),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport=VIEWPORT,
            locale="zh-TW",
        )
        try:
            yield context
        finally:
            context.close()


@dataclass
class PageWatch:
    """What the page did that it should not: dialogs (alert/confirm) and uncaught errors."""

    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture
def page_watch() -> PageWatch:
    return PageWatch()


def open_app(context, url: str, watch: PageWatch):
    """A new tab on the app at ``url`` (a new Gradio session: empty chat); dialogs are recorded and dismissed."""
    page = context.new_page()

    def on_dialog(dialog):
        watch.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda err: watch.errors.append(str(err)))
    page.goto(url)
    page.locator("#sousei-question textarea").wait_for(timeout=60_000)
    if page.evaluate("() => { const n = localStorage.length; localStorage.clear(); return n; }"):
        page.reload()  # start from an empty chat (the history is kept per browser)
        page.locator("#sousei-question textarea").wait_for(timeout=60_000)
    return page


@pytest.fixture
def app_page(live_server, browser_context, page_watch):
    """A fresh tab on the app (:func:`open_app`), closed after the test."""
    page = open_app(browser_context, live_server.url, page_watch)
    yield page
    page.close()


# --------------------------------------------------------------------------- page actions


def answers(page):
    return page.locator("#sousei-log .sousei-answer")


def ask(page, question: str, timeout: int = ANSWER_TIMEOUT):
    """Types the question, sends it and returns the locator of the new answer block."""
    before = answers(page).count()
    page.locator("#sousei-question textarea").fill(question)
    page.locator("#sousei-send").click()
    answers(page).nth(before).wait_for(timeout=timeout)
    page.wait_for_timeout(300)  # the log scrolls to the new answer on the next frame
    return answers(page).nth(before)


def newest_answer_on_top(page) -> dict:
    """Where the newest answer is, and whether ``elementFromPoint`` a little inside its top-left
    corner returns the answer itself (not the question box or anything covering it)."""
    return page.evaluate("""() => {
        const all = document.querySelectorAll('#sousei-log .sousei-answer');
        const a = all[all.length - 1];
        const r = a.getBoundingClientRect();
        const x = r.left + Math.min(30, r.width / 2), y = r.top + Math.min(12, r.height / 2);
        const hit = document.elementFromPoint(x, y);
        return {top: r.top, bottom: r.bottom, x, y, own: !!hit && a.contains(hit),
                hit: hit ? hit.tagName + '.' + hit.className : null};
    }""")


def on_screen(page, selector: str) -> bool:
    """The element lies inside the window and is the element drawn at its centre."""
    return page.evaluate(
        """(sel) => {
        const e = document.querySelector(sel);
        if (!e) return false;
        const r = e.getBoundingClientRect();
        if (r.top < 0 || r.bottom > innerHeight || r.left < 0 || r.right > innerWidth || r.height === 0) return false;
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return !!hit && (e.contains(hit) || hit.contains(e));
    }""",
        selector,
    )


def quoted_in_view(page) -> bool:
    """The quoted sentence marked in the viewer lies in the visible part of its scroll box and the window."""
    return page.evaluate("""() => {
        const box = document.querySelector('#sousei-viewer .sousei-source-body');
        const mark = document.querySelector('#sousei-viewer #sousei-quoted');
        if (!box || !mark) return false;
        const b = box.getBoundingClientRect(), m = mark.getBoundingClientRect();
        return m.height > 0 && m.top >= b.top - 1 && m.top < b.bottom && m.top >= 0 && m.top < innerHeight;
    }""")


def viewer_title_and_text(page) -> dict:
    """Where the viewer's title and text are: the title's box, the first line of the marked quote,
    the paragraphs' scroll box, how far it is scrolled, and what is drawn just below the title
    and at the quote's first line (``elementFromPoint``): text, not the title."""
    return page.evaluate("""() => {
        const v = document.querySelector('#sousei-viewer');
        const head = v.querySelector('.sousei-source-head'), title = v.querySelector('.sousei-source-title');
        const body = v.querySelector('.sousei-source-body'), mark = v.querySelector('#sousei-quoted');
        if (!head || !title || !body || !mark) return {ready: false};
        const box = (r) => ({top: r.top, bottom: r.bottom, left: r.left, right: r.right, height: r.height});
        const line = box(mark.getClientRects()[0]);
        const t = box(title.getBoundingClientRect()), h = box(head.getBoundingClientRect());
        const b = box(body.getBoundingClientRect());
        const at = (x, y) => { const e = document.elementFromPoint(x, y); return e ? e.closest('.sousei-source-head')
            ? 'title' : body.contains(e) ? 'text' : e.tagName : null; };
        const x = Math.min(line.left + 4, line.right - 1);
        return {ready: true, title: t, head: h, line, body: b, scrolled: body.scrollTop,
                belowTitle: at(b.left + 40, h.bottom + 4), atQuote: at(x, line.top + line.height / 2),
                titleDrawn: at(t.left + 4, t.top + t.height / 2)};
    }""")


def boxes_overlap(a: dict, b: dict) -> bool:
    return a["top"] < b["bottom"] and b["top"] < a["bottom"] and a["left"] < b["right"] and b["left"] < a["right"]


def open_tab(page, label: str) -> None:
    page.get_by_role("tab", name=label).click()


def cited_box_visible(page) -> bool:
    """True when the marked paragraph lies inside the visible part of the source viewer's scroll box."""
    return page.evaluate("""() => {
        const box = document.querySelector('#sousei-viewer .sousei-source-body');
        const cited = document.querySelector('#sousei-viewer #sousei-cited');
        if (!box || !cited) return false;
        const b = box.getBoundingClientRect(), c = cited.getBoundingClientRect();
        return c.top >= b.top - 1 && c.top < b.bottom && c.height > 0;
    }""")


# The contrast of an element's text with what is drawn under it: its colour (``pseudo``: e.g. ::placeholder)
# over the background colours of it and its ancestors, blended down to the page's (WCAG 2 relative luminance).
CONTRAST_JS = """([selector, pseudo]) => {
    const e = document.querySelector(selector);
    if (!e) return null;
    const parse = (c) => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
        const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
        return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
    const over = (top, under) => [0, 1, 2].map((i) => top[i] * top[3] + under[i] * (1 - top[3])).concat([1]);
    const lum = (c) => {
        const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
        return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
    const layers = [];
    for (let n = e; n; n = n.parentElement) {
        const c = parse(getComputedStyle(n).backgroundColor);
        if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
    }
    let bg = [255, 255, 255, 1];
    for (const layer of layers.reverse()) bg = over(layer, bg);
    const fg = over(parse(getComputedStyle(e, pseudo).color), bg);
    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    return {ratio: (a + 0.05) / (b + 0.05), fg: getComputedStyle(e, pseudo).color,
            bg: 'rgb(' + bg.slice(0, 3).map(Math.round) + ')'};
}"""


def text_contrast(page, selector: str, pseudo: str | None = None) -> dict:
    """``{ratio, fg, bg}`` of the first element ``selector`` matches (see :data:`CONTRAST_JS`)."""
    found = page.evaluate(CONTRAST_JS, [selector, pseudo])
    assert found is not None, selector
    return found


def gap_below(page, upper: str, lower: str) -> float:
    """Pixels from the bottom of ``upper`` down to the top of ``lower`` (negative when ``lower`` is not below);
    infinite when they do not share a column (no horizontal overlap)."""
    return page.evaluate(
        """([upper, lower]) => {
        const a = document.querySelector(upper).getBoundingClientRect();
        const b = document.querySelector(lower).getBoundingClientRect();
        if (a.right <= b.left || b.right <= a.left) return Infinity;
        return b.top - a.bottom;
    }""",
        [upper, lower],
    )


# Latin words a screen reader or a reader meets in the page's own names and texts: aria-label, title, alt,
# placeholder, aria-valuetext, and text (also visually hidden), outside what comes from the articles (the
# answers, the viewer, the article table, the dropdowns' article names) and the messages' own labels.
ENGLISH_JS = """(allowed) => {
    const found = new Set();
    const words = (text) => (text || '').match(/[A-Za-z]{2,}/g) || [];
    const english = (text) => words(text).filter((w) => !allowed.includes(w.toLowerCase()));
    const fromArticles = '.sousei-answer, #sousei-viewer, #sousei-articles, #sousei-remove-choice, #sousei-trash';
    for (const e of document.querySelectorAll('body *')) {
        if (e.closest('script, style, svg, ' + fromArticles)) continue;
        for (const name of ['aria-label', 'title', 'alt', 'placeholder', 'aria-valuetext']) {
            const value = e.getAttribute(name) || '';
            if (/^(回答|問題)：/.test(value)) continue;
            if (english(value).length) found.add(name + ': ' + value.slice(0, 80));
        }
        for (const node of e.childNodes) {
            if (node.nodeType === Node.TEXT_NODE && english(node.data).length) found.add('text: ' + node.data.trim());
        }
    }
    return [...found];
}"""
ALLOWED_LATIN = ["txt", "md", "pdf", "html", "docx"]  # the article types the upload box names


def english_names(page) -> list[str]:
    """What :data:`ENGLISH_JS` finds now."""
    return page.evaluate(ENGLISH_JS, ALLOWED_LATIN)
