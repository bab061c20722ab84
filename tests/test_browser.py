"""The chat UI in a real browser: real model, real FAISS index, real Gradio server, Debian's Chromium.

Run: ``.venv/bin/python -m pytest tests/test_browser.py -q`` (``-m "not browser"`` leaves them out).
Fixtures (server subprocess on a free 127.0.0.1 port, Playwright + Chromium) are in browser_support.py.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.browser_support import (  # noqa: F401  (fixtures are used by name)
    HOSTILE_TITLE, ask, app_page, browser_context, cited_box_visible, live_server, open_tab, page_watch,
    record_timing, screenshot, workspace,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DATA = Path(__file__).parent / "data"
ANSWERABLE_IDS = ("d09", "d14")
DEEP_CITATION_ID = "d14"          # its answer cites a paragraph far down its article (scrolling is tested)
NOT_FOUND_TEXT = "資料中找不到直接回答這個問題"

NEW_TITLE = "夕張市雪融發電計畫"
NEW_ARTICLE = f"""{NEW_TITLE}

北海道夕張市在2031年啟動「雪融發電計畫」，利用春季融雪的水力發電。

夕張市的雪融發電計畫預計每年發電4200萬度，供應市內所有公共設施與學校。
"""
NEW_QUESTION = "夕張市的雪融發電計畫預計每年發電多少？"
NEW_FACT = "4200萬度"

HOSTILE_QUESTION = "雪燈籠祭典的報名方式是什麼？"


def dev_question(qid: str) -> dict:
    for line in (DATA / "dev.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip() and json.loads(line)["id"] == qid:
            return json.loads(line)
    raise KeyError(qid)


def negative_question() -> dict:
    items = [json.loads(l) for l in (DATA / "dev.jsonl").read_text(encoding="utf-8").splitlines() if l.strip()]
    return next(item for item in items if item["gold"] == [])


_first_answer_recorded = False


def timed_ask(page, question):
    """``ask``; the first call in the session is timed (it includes loading the model in the server)."""
    global _first_answer_recorded
    start = time.perf_counter()
    answer = ask(page, question)
    seconds = time.perf_counter() - start
    if not _first_answer_recorded:
        record_timing("first_answer_seconds", seconds)
        _first_answer_recorded = True
    else:
        record_timing("last_answer_seconds", seconds)
    return answer


# --------------------------------------------------------------------------- tests


def test_page_opens_with_examples_and_tabs(app_page, page_watch):
    page = app_page
    assert "地方創生政策問答" in page.title()
    assert page.get_by_role("tab", name="問答").is_visible()
    assert page.get_by_role("tab", name="文章管理").is_visible()
    examples = page.locator("#sousei-examples")
    assert examples.is_visible() and "日本希望打造一個多少人活躍的強韌社會" in examples.inner_text()
    screenshot(page, "01_empty_chat")
    assert page_watch.errors == []


@pytest.mark.parametrize("qid", ANSWERABLE_IDS)
def test_dev_question_is_answered_with_cited_gold_text(app_page, page_watch, qid):
    page, item = app_page, dev_question(qid)
    answer = timed_ask(page, item["q"])
    assert answer.get_attribute("data-found") == "true", answer.inner_text()
    quotes = answer.locator(".sousei-quote")
    assert quotes.count() >= 1
    assert quotes.first.locator("a.sousei-cite").first.inner_text().startswith("[")
    passages = answer.locator(".sousei-passages li.sousei-passage")
    texts = [passages.nth(i).inner_text() for i in range(passages.count())]
    assert any(gold in text for gold in item["gold"] for text in texts), texts
    heads = answer.locator(".sousei-passage-head").first.inner_text()
    assert "第" in heads and "段" in heads                   # title and 第N段 shown
    assert answer.locator(".sousei-passages mark").count() >= 1      # matched terms highlighted
    assert not page.locator("#sousei-examples").is_visible()          # examples only on an empty chat
    screenshot(page, f"02_answer_{qid}")
    assert page_watch.errors == []


def test_citation_click_shows_paragraph_in_its_article(app_page, page_watch):
    page, item = app_page, dev_question(DEEP_CITATION_ID)
    answer = timed_ask(page, item["q"])
    cite = answer.locator(".sousei-quote a.sousei-cite").first
    n, doc_id = cite.get_attribute("data-n"), cite.get_attribute("data-doc-id")
    quote_text = answer.locator(".sousei-quote .sousei-quote-text").first.inner_text().strip()
    cited_item = answer.locator(f"li.sousei-passage#sousei-p-{n}")
    paragraph = cited_item.get_attribute("data-paragraph")
    cite.click()
    marked = page.locator("#sousei-viewer #sousei-cited")
    marked.wait_for(timeout=30_000)
    viewer = page.locator("#sousei-viewer .sousei-source")
    assert viewer.get_attribute("data-doc-id") == doc_id
    assert marked.get_attribute("data-paragraph") == paragraph
    assert quote_text and quote_text in marked.inner_text()
    assert viewer.locator(".sousei-para").count() > 3                   # the whole article, not just the passage
    page.wait_for_function("""() => {
        const box = document.querySelector('#sousei-viewer .sousei-source');
        const cited = document.querySelector('#sousei-viewer #sousei-cited');
        if (!box || !cited) return false;
        const b = box.getBoundingClientRect(), c = cited.getBoundingClientRect();
        return c.top >= b.top - 1 && c.top < b.bottom;
    }""", timeout=10_000)
    assert cited_box_visible(page)                                        # scrolled to
    if int(paragraph) > 10:
        assert viewer.evaluate("box => box.scrollTop") > 0
    screenshot(page, "03_citation_source_viewer")

    # a click on another listed passage moves the viewer to that paragraph
    other = answer.locator("li.sousei-passage").nth(1)
    other_paragraph, other_doc = other.get_attribute("data-paragraph"), other.get_attribute("data-doc-id")
    other.locator(".sousei-passage-head").click()
    page.wait_for_function(
        "([p, d]) => { const c = document.querySelector('#sousei-viewer #sousei-cited');"
        " const s = document.querySelector('#sousei-viewer .sousei-source');"
        " return c && s && c.dataset.paragraph === p && s.dataset.docId === d; }",
        arg=[other_paragraph, other_doc], timeout=30_000)
    assert cited_box_visible(page)
    assert page_watch.errors == []


def test_question_without_answer_gets_not_found_line(app_page, page_watch):
    page, item = app_page, negative_question()
    answer = timed_ask(page, item["q"])
    assert answer.get_attribute("data-found") == "false"
    assert NOT_FOUND_TEXT in answer.locator(".sousei-not-found").inner_text()
    assert answer.locator(".sousei-quote").count() == 0
    nearest = answer.locator(".sousei-passages.sousei-nearest")
    assert nearest.count() == 1 and nearest.locator("li.sousei-passage").count() >= 1
    assert "僅供參考" in nearest.inner_text()
    screenshot(page, "04_not_found")
    assert page_watch.errors == []


def test_example_question_click_answers(app_page, page_watch):
    page = app_page
    page.locator("#sousei-examples").get_by_text("2021年的地方創生臨時補助金是多少？").click()
    page.locator("#sousei-log .sousei-turn .sousei-answer").first.wait_for(timeout=60_000)
    assert "2021年的地方創生臨時補助金是多少？" in page.locator("#sousei-log .sousei-user").first.inner_text()
    assert page_watch.errors == []


def test_hostile_article_renders_inert(app_page, page_watch, workspace):
    page = app_page
    answer = timed_ask(page, HOSTILE_QUESTION)
    hostile_items = answer.locator(f'li.sousei-passage[data-doc-id="{workspace.hostile_doc_id}"]')
    assert hostile_items.count() >= 1, answer.inner_text()
    assert "<img src=x onerror=" in hostile_items.first.inner_text()            # the title, shown as text
    hostile_items.first.locator(".sousei-passage-head").click()
    page.locator(f'#sousei-viewer .sousei-source[data-doc-id="{workspace.hostile_doc_id}"]').wait_for(timeout=30_000)
    viewer_text = page.locator("#sousei-viewer").inner_text()
    for literal in ("<script>window.__pwned='script'", "[點我報名](javascript:", '<a href="javascript:alert',
                    "<img src=x onerror=", "${alert('tpl')}", "{{alert}}"):
        assert literal in viewer_text, literal
    screenshot(page, "05_hostile_viewer")

    open_tab(page, "文章管理")
    table = page.locator("#sousei-articles table")
    table.wait_for(timeout=30_000)
    assert HOSTILE_TITLE in table.inner_text()
    screenshot(page, "06_hostile_articles_tab")

    page.wait_for_timeout(500)            # give any injected handler the chance to fire
    injected = page.evaluate("""() => ({
        pwned: window.__pwned === undefined ? null : String(window.__pwned),
        scripts: document.querySelectorAll('#sousei-log script, #sousei-viewer script, #sousei-articles script').length,
        imgs: document.querySelectorAll('#sousei-log img, #sousei-viewer img, #sousei-articles img, img[src="x"]').length,
        jsLinks: document.querySelectorAll('a[href^="javascript:" i]').length,
        handlers: document.querySelectorAll('[onerror], [onload], [onclick]').length,
    })""")
    assert injected == {"pwned": None, "scripts": 0, "imgs": 0, "jsLinks": 0, "handlers": 0}, injected
    assert page_watch.dialogs == []
    assert page_watch.errors == []


def test_upload_new_article_rebuild_and_answer_from_it(app_page, page_watch, workspace, tmp_path):
    page = app_page
    upload = tmp_path / "夕張 雪融發電.txt"
    upload.write_text(NEW_ARTICLE, encoding="utf-8")
    before = {p.name for p in workspace.corpus.iterdir()}

    open_tab(page, "文章管理")
    page.locator("#sousei-articles table").wait_for(timeout=30_000)
    assert NEW_TITLE not in page.locator("#sousei-articles").inner_text()
    page.locator("#sousei-upload input[type=file]").set_input_files(str(upload))
    page.locator("#sousei-upload").get_by_text("夕張 雪融發電.txt").wait_for(timeout=30_000)
    start = time.perf_counter()
    page.locator("#sousei-add").click()
    page.locator("#sousei-status .sousei-status").wait_for(timeout=300_000)
    record_timing("upload_rebuild_seconds", time.perf_counter() - start)
    status = page.locator("#sousei-status").inner_text()
    assert "已加入" in status and "索引已更新" in status, status
    page.get_by_text(NEW_TITLE).first.wait_for(timeout=30_000)            # listed in the article table
    screenshot(page, "07_uploaded")

    added = {p.name for p in workspace.corpus.iterdir()} - before
    articles = [name for name in added if not name.endswith(".meta.json")]
    assert len(articles) == 1, added
    new_doc_id = Path(articles[0]).stem

    open_tab(page, "問答")
    answer = timed_ask(page, NEW_QUESTION)
    assert answer.get_attribute("data-found") == "true", answer.inner_text()
    cites = answer.locator(f'.sousei-quote a.sousei-cite[data-doc-id="{new_doc_id}"]')
    assert cites.count() >= 1, answer.inner_text()
    assert NEW_FACT in answer.locator(".sousei-quotes").inner_text()
    assert NEW_TITLE in answer.locator(f'li.sousei-passage[data-doc-id="{new_doc_id}"]').first.inner_text()
    screenshot(page, "08_answer_from_uploaded")
    assert page_watch.errors == []
