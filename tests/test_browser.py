"""The chat UI in a real browser: real model, real FAISS index, real Gradio server, Debian's Chromium.

Run: ``.venv/bin/python -m pytest tests/test_browser.py -q`` (``-m "not browser"`` leaves them out).
Fixtures (server subprocess on a free 127.0.0.1 port, Playwright + Chromium) are in browser_support.py.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from ingest.fileio import read_jsonl
from tests.browser_support import (  # noqa: F401  (fixtures are used by name)
    ALLOWED_LATIN,
    ARTIFACTS,
    ENGLISH_JS,
    HOSTILE_TITLE,
    PHONE,
    PROJECT_ROOT,
    VIEWPORT,
    answers,
    app_page,
    ask,
    boxes_overlap,
    browser_context,
    english_names,
    gap_below,
    live_server,
    newest_answer_on_top,
    on_screen,
    open_app,
    open_tab,
    page_watch,
    quick_notice_server,
    quoted_in_view,
    record_timing,
    screenshot,
    text_contrast,
    viewer_title_and_text,
    workspace,
)

if TYPE_CHECKING:
    from playwright.sync_api import ViewportSize

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DATA = Path(__file__).parent / "data"
ANSWERABLE_IDS = ("d09", "d14")
DEEP_CITATION_ID = "d14"  # its answer cites a paragraph far down its article (scrolling is tested)
NOT_FOUND_TEXT = "資料中找不到直接回答這個問題"
UPDATE_DOCS_SCREENSHOT = "SOUSEI_UPDATE_DOCS_SCREENSHOT"  # =1: the desktop screenshot also becomes docs/screenshot.png
UPLOAD_WAIT = (
    120_000  # an upload shows its file name once the server took it: on a loaded 2-core CI machine, >30 s once
)

STATUS_GAP = 40  # pixels at most between a button and the status line that tells its result, right under it
CHOOSE_RETRY_MS = 20_000  # a file chosen before the upload box listens is lost: choose it again after this


def choose_file(page, path: Path) -> None:
    """Choose ``path`` in the upload box and wait until the box lists it (the server took it).

    Set right after the tab opens, on a loaded machine, the file input can take the file before
    the box listens for it: nothing is uploaded and its name never shows (CI, once, 120 s). The
    file is chosen again every ``CHOOSE_RETRY_MS`` until ``UPLOAD_WAIT`` has passed."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    listed = page.locator("#sousei-upload").get_by_text(path.name).first
    deadline = time.monotonic() + UPLOAD_WAIT / 1000
    while True:
        page.locator("#sousei-upload input[type=file]").set_input_files(str(path))
        wait = min(CHOOSE_RETRY_MS, max(1_000, int((deadline - time.monotonic()) * 1000)))
        try:
            listed.wait_for(timeout=wait)
            return
        except PlaywrightTimeout:
            if time.monotonic() >= deadline:
                raise


NEW_TITLE = "夕張市雪融發電計畫"
NEW_ARTICLE = f"""{NEW_TITLE}

北海道夕張市在2031年啟動「雪融發電計畫」，利用春季融雪的水力發電。

夕張市的雪融發電計畫預計每年發電4200萬度，供應市內所有公共設施與學校。
"""
NEW_QUESTION = "夕張市的雪融發電計畫預計每年發電多少？"
NEW_FACT = "4200萬度"

HOSTILE_QUESTION = "雪燈籠祭典的報名方式是什麼？"

CONVERSATION = (  # six in a row, with a follow-up; each is answered with a quote
    "日本希望打造一個多少人活躍的強韌社會？",
    "2021年的地方創生臨時補助金是多少？",
    "那2020年呢？",
    "處方箋和藥劑要如何配送？",
    "國家戰略特區針對哪些領域做法規調適？",
    "RESAS是什麼系統？",
)


def dev_question(qid: str) -> dict:
    return next(item for item in read_jsonl(DATA / "dev.jsonl") if item["id"] == qid)


def negative_question() -> dict:
    """An off-topic question, 紅燒牛肉麵怎麼做？ (the decision's figures on unanswerable questions are measured in
    test_answer_quality; here the not-found rendering is under test). The dev set's own negative,
    火星上有沒有地方創生計畫？, is shown as 可能相關 since the keyword expansions (its other words
    are all in the articles)."""
    return next(item for item in read_jsonl(DATA / "offcorpus.jsonl") if item["id"] == "o17")


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


def cite_href_doc(href: str) -> str:
    """The doc id inside a citation link ``#cite:DOC:HASH:START:END``."""
    return href.split(":", 2)[1]


def test_page_is_traditional_chinese_with_examples_and_tabs(app_page, page_watch):
    page = app_page
    assert "地方創生政策問答" in page.title()
    assert page.evaluate("() => document.documentElement.lang").startswith("zh")
    assert page.get_by_role("tab", name="問答").is_visible()
    assert page.get_by_role("tab", name="文章管理").is_visible()
    log = page.locator("#sousei-log")
    assert "日本希望打造一個多少人活躍的強韌社會" in log.inner_text()  # examples on an empty chat
    open_tab(page, "文章管理")
    page.locator("#sousei-articles table").wait_for(timeout=30_000)
    text = page.locator("body").inner_text()
    for english in ("Drop File Here", "Click to Upload", "Built with Gradio", "Use via API", "Settings", "Runs"):
        assert english not in text, english
    screenshot(page, "01_empty_chat")
    assert page_watch.errors == []


@pytest.mark.parametrize("qid", ANSWERABLE_IDS)
def test_dev_question_is_answered_with_cited_gold_text(app_page, page_watch, qid):
    page, item = app_page, dev_question(qid)
    answer = timed_ask(page, item["q"])
    assert "sousei-found" in answer.get_attribute("class"), answer.inner_text()
    quotes = answer.locator(".sousei-quote")
    assert quotes.count() >= 1
    markers = [m.inner_text() for m in answer.locator(".sousei-quote a.sousei-cite").all()]
    assert markers[0] == "[1]" and markers == sorted(markers)  # citation order
    cited = answer.locator("li.sousei-source-item:not(.sousei-other)")
    assert cited.count() == len(set(markers))  # only the cited passages
    texts = [cited.nth(i).inner_text() for i in range(cited.count())]
    assert any(gold in text for gold in item["gold"] for text in texts), texts
    assert "第" in texts[0] and "段" in texts[0]
    assert cited.first.locator("mark.sousei-quoted").count() >= 1  # the quote marked in its passage
    others = answer.locator("details.sousei-others")
    assert others.count() == 1 and not others.first.locator("li").first.is_visible()  # folded
    screenshot(page, f"02_answer_{qid}")
    assert page_watch.errors == []


def converse(page, name: str) -> None:
    """Six questions in a row; after each: the newest answer is drawn on top and in view, the
    question box is on screen, and its first citation opens the viewer at the quoted sentence,
    with the article's title in view and clear of the text (it covers no line)."""
    scrolled = []
    for number, question in enumerate(CONVERSATION, start=1):
        answer = timed_ask(page, question)
        where = newest_answer_on_top(page)
        assert where["own"], (number, question, where)
        assert 0 <= where["y"] < page.viewport_size["height"], where
        assert on_screen(page, "#sousei-question textarea"), number
        assert "sousei-found" in answer.get_attribute("class"), (question, answer.inner_text())
        if question.startswith("那"):
            assert "搜尋：" in answer.locator(".sousei-searched").inner_text()
        quote = answer.locator(".sousei-quote .sousei-quote-text").first.inner_text().strip()
        marker = answer.locator(".sousei-quote a.sousei-cite").first
        doc = cite_href_doc(marker.get_attribute("href"))
        marker.click()
        page.wait_for_function(
            "([q, d]) => { const m = document.querySelector('#sousei-viewer #sousei-quoted');"
            " const s = document.querySelector('#sousei-viewer .sousei-source');"
            " return m && s && m.textContent.trim() === q && s.dataset.docId === d; }",
            arg=[quote, doc],
            timeout=30_000,
        )
        page.wait_for_timeout(200)
        assert quoted_in_view(page), (number, question)
        where = viewer_title_and_text(page)
        assert where["ready"] and where["titleDrawn"] == "title", (number, where)  # title kept in view
        assert not boxes_overlap(where["title"], where["line"]), (number, where)  # ... not over the quote
        assert where["head"]["bottom"] <= where["body"]["top"] + 1, (number, where)  # ... nor over any text
        assert where["atQuote"] == "text" and where["belowTitle"] == "text", (number, where)
        scrolled.append(where["scrolled"])
    assert answers(page).count() == len(CONVERSATION)
    assert max(scrolled) > 0, scrolled  # at least one citation scrolled the article under its title


def test_six_questions_on_a_desktop_then_reload_keeps_history(app_page, page_watch):
    page = app_page
    converse(page, "desktop")
    page.locator("#sousei-question textarea").scroll_into_view_if_needed()
    answers(page).last.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    path = screenshot(page, "desktop_six_questions", full_page=False)
    if os.environ.get(UPDATE_DOCS_SCREENSHOT) == "1":  # a deliberate update of the README's image only
        shutil.copyfile(path, PROJECT_ROOT / "docs" / "screenshot.png")
    page.reload()
    page.locator("#sousei-question textarea").wait_for(timeout=60_000)
    page.wait_for_function(
        "(n) => document.querySelectorAll('#sousei-log .sousei-answer').length === n",
        arg=len(CONVERSATION),
        timeout=30_000,
    )
    page.locator("#sousei-clear").click()
    page.locator("#sousei-confirm-clear").click()  # 清除對話 asks first
    page.wait_for_function("() => document.querySelectorAll('#sousei-log .sousei-answer').length === 0")
    page.reload()
    page.locator("#sousei-question textarea").wait_for(timeout=60_000)
    page.wait_for_timeout(1000)
    assert answers(page).count() == 0  # cleared stays cleared
    assert page_watch.errors == []


def test_six_questions_on_a_phone(app_page, page_watch):
    page = app_page
    page.set_viewport_size(PHONE)
    try:
        converse(page, "phone")
        page.locator("#sousei-question textarea").scroll_into_view_if_needed()
        page.evaluate("() => window.scrollTo(0, 0)")
        page.wait_for_timeout(300)
        screenshot(page, "phone_six_questions", full_page=False)
    finally:
        page.set_viewport_size(VIEWPORT)
    assert page_watch.errors == []


def test_the_same_citation_tapped_again_shows_its_quote_again(app_page, page_watch):
    # the viewer's content is the same, so nothing changed for it to scroll on (found on a phone)
    page = app_page
    page.set_viewport_size(PHONE)
    try:
        answer = timed_ask(page, "2021年的地方創生臨時補助金是多少？")
        marker = answer.locator(".sousei-quote a.sousei-cite").first
        marker.click()
        page.wait_for_function("() => document.querySelector('#sousei-viewer #sousei-quoted')", timeout=30_000)
        page.wait_for_timeout(500)
        assert quoted_in_view(page)
        page.evaluate(
            "() => { document.querySelector('#sousei-viewer .sousei-source-body').scrollTop = 0;"
            " window.scrollTo(0, 0); }"
        )
        marker.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        assert not quoted_in_view(page)
        marker.click()
        page.wait_for_timeout(1200)
        assert quoted_in_view(page)
    finally:
        page.set_viewport_size(VIEWPORT)
    assert page_watch.errors == []


def test_dislike_lands_in_the_feedback_file(app_page, page_watch, workspace):
    page = app_page
    feedback = workspace.index.parent / "feedback.jsonl"
    before = feedback.read_text(encoding="utf-8").splitlines() if feedback.exists() else []
    timed_ask(page, CONVERSATION[1])
    page.locator("#sousei-log").get_by_label("不讚").last.click()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        lines = feedback.read_text(encoding="utf-8").splitlines() if feedback.exists() else []
        if len(lines) > len(before):
            break
        time.sleep(0.2)
    entry = json.loads(lines[-1])
    assert entry["vote"] == "down" and entry["question"] == CONVERSATION[1] and entry["passages"]
    assert page_watch.errors == []


def test_copy_button_copies_quotes_and_references_as_plain_text(app_page, page_watch, browser_context, live_server):
    page = app_page
    browser_context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url.rstrip("/"))
    answer = timed_ask(page, CONVERSATION[1])
    quote = answer.locator(".sousei-quote .sousei-quote-text").first.inner_text().strip()
    answer.locator("button.sousei-copy").click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('button.sousei-copy')].some(b => b.textContent === '已複製')"
    )
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied.startswith(quote) and "[1]" in copied and "<" not in copied
    assert any(line.startswith("[1] ") and "第" in line for line in copied.splitlines())
    assert page_watch.errors == []


def test_question_without_answer_gets_not_found_line(app_page, page_watch):
    page, item = app_page, negative_question()
    answer = timed_ask(page, item["q"])
    assert "sousei-unanswered" in answer.get_attribute("class")
    assert NOT_FOUND_TEXT in answer.locator(".sousei-not-found").inner_text()
    assert answer.locator(".sousei-quote").count() == 0
    nearest = answer.locator("ol.sousei-nearest")
    assert nearest.count() == 1 and nearest.locator("li").count() >= 1
    assert "僅供參考" in answer.inner_text()
    screenshot(page, "04_not_found")
    assert page_watch.errors == []


def test_the_articles_footnote_marks_are_small_and_apart_from_citation_markers(app_page, page_watch):
    page = app_page
    answer = timed_ask(page, "到了2014年，日本地方政府推動ICT相關政策的執行程度進展到多少？")
    footnote = answer.locator("ol.sousei-sources sup.sousei-footnote").first  # the cited paragraph ends in 。 [3]
    assert footnote.inner_text() == "註3"  # kept by Gradio's sanitiser, not a bare [3]
    cited = answer.locator("ol.sousei-sources").first
    shown = answer.locator(".sousei-quotes").inner_text() + cited.inner_text()
    numbers = {int(n) for n in re.findall(r"\[(\d+)\]", shown)}
    assert numbers == set(range(1, cited.locator("li").count() + 1))  # every [n] shown is one of ours
    assert page_watch.errors == []


def test_example_question_click_answers(app_page, page_watch):
    page = app_page
    page.locator("#sousei-log").get_by_text("2021年的地方創生臨時補助金是多少？").click()
    answers(page).first.wait_for(timeout=60_000)
    assert "2021年的地方創生臨時補助金是多少？" in page.locator("#sousei-log").inner_text()
    assert page_watch.errors == []


def test_hostile_article_renders_inert(app_page, page_watch, workspace):
    page = app_page
    answer = timed_ask(page, HOSTILE_QUESTION)
    hostile = answer.locator(f'li.sousei-source-item:has(a[href^="#cite:{workspace.hostile_doc_id}:"])')
    assert hostile.count() >= 1, answer.inner_text()
    assert "<img src=x onerror=" in hostile.first.inner_text()  # the title, shown as text
    hostile.first.locator(".sousei-title").click()
    page.locator(f'#sousei-viewer .sousei-source[data-doc-id="{workspace.hostile_doc_id}"]').wait_for(timeout=30_000)
    viewer_text = page.locator("#sousei-viewer").inner_text()
    for literal in (
        "<script>window.__pwned='script'",
        "[點我報名](javascript:",
        '<a href="javascript:alert',
        "<img src=x onerror=",
        "${alert('tpl')}",
        "{{alert}}",
    ):
        assert literal in viewer_text, literal
    screenshot(page, "05_hostile_viewer")

    open_tab(page, "文章管理")
    table = page.locator("#sousei-articles table")
    table.wait_for(timeout=30_000)
    assert HOSTILE_TITLE in table.inner_text()
    page.wait_for_timeout(500)  # give any injected handler the chance to fire
    injected = page.evaluate("""() => ({
        pwned: window.__pwned === undefined ? null : String(window.__pwned),
        scripts: document.querySelectorAll('#sousei-log script, #sousei-viewer script, #sousei-articles script').length,
        imgs: document.querySelectorAll(
            '#sousei-log img[src="x"], #sousei-viewer img, #sousei-articles img, img[src="x"]').length,
        jsLinks: document.querySelectorAll('a[href^="javascript:" i]').length,
        handlers: document.querySelectorAll('[onerror], [onload], [onclick]').length,
    })""")
    assert injected == {"pwned": None, "scripts": 0, "imgs": 0, "jsLinks": 0, "handlers": 0}, injected
    assert page_watch.dialogs == []
    assert page_watch.errors == []


def choose(page, elem_id: str, text: str) -> None:
    page.locator(f"#{elem_id} input").click()
    page.get_by_role("option", name=text).first.click()


CHANGE_BUTTONS = ("#sousei-add", "#sousei-rebuild", "#sousei-save-meta", "#sousei-remove", "#sousei-restore")


def watch_locks(page, clicked: str) -> None:
    """Records in the page what ``clicked`` said whenever every change button, ``clicked`` among them, was
    disabled (read by :func:`locks_seen`)."""
    page.evaluate(
        """([buttons, clicked]) => {
        window.__locked = [];
        const look = () => {
            const all = [...buttons, clicked].map((s) => document.querySelector(s));
            if (all.every((b) => b && b.disabled)) window.__locked.push(all[all.length - 1].innerText.trim());
        };
        window.__lockWatch && window.__lockWatch.disconnect();
        window.__lockWatch = new MutationObserver(look);
        const all = {subtree: true, childList: true, attributes: true, characterData: true};
        window.__lockWatch.observe(document.body, all);
    }""",
        [list(CHANGE_BUTTONS), clicked],
    )


def locks_seen(page) -> set[str]:
    """What the clicked button said while every change button was disabled (nothing: they never all were);
    then waits until they are all enabled again."""
    said = set(page.evaluate("() => { window.__lockWatch.disconnect(); return window.__locked; }"))
    page.wait_for_function(
        "(buttons) => buttons.every((s) => !document.querySelector(s).disabled)", arg=list(CHANGE_BUTTONS)
    )
    return said


def test_remove_confirm_restore_and_answer_again(app_page, page_watch, workspace):
    page = app_page
    question, fact = CONVERSATION[1], "1.5兆日圓"
    assert fact in ask(page, question).locator(".sousei-quotes").inner_text()
    doc_id = next(p.stem for p in workspace.corpus.glob("001_*") if not p.name.endswith(".meta.json"))
    open_tab(page, "文章管理")
    page.locator("#sousei-articles table").wait_for(timeout=30_000)
    choose(page, "sousei-remove-choice", doc_id)
    page.locator("#sousei-remove").click()
    page.locator("#sousei-confirm-remove").wait_for(timeout=10_000)
    assert (workspace.corpus / f"{doc_id}.txt").exists()  # nothing happens before confirming
    asked = page.locator("#sousei-status-article .sousei-status").inner_text()  # by its title, then its id
    assert re.search(rf"確定要把「日本「地域未來構想20」.*」（{doc_id}）移到回收區嗎", asked), asked
    assert 0 <= gap_below(page, "#sousei-remove", "#sousei-status-article .sousei-status") <= STATUS_GAP
    assert 0 <= gap_below(page, "#sousei-status-article .sousei-status", "#sousei-confirm-remove") <= STATUS_GAP
    watch_locks(page, "#sousei-confirm-remove")
    page.locator("#sousei-confirm-remove").click()
    page.locator("#sousei-status-article").get_by_text("已移到回收區").wait_for(timeout=300_000)
    assert "正在移到回收區並更新索引…" in locks_seen(page)  # every change button was locked meanwhile
    assert 0 <= gap_below(page, "#sousei-remove", "#sousei-status-article .sousei-status") <= STATUS_GAP
    assert (workspace.corpus / ".trash" / f"{doc_id}.txt").exists()
    page.locator("#sousei-trash input").click()  # the trash lists it by title, with its id and time
    option = page.get_by_role("option", name=doc_id).first.inner_text()
    assert re.fullmatch(rf"日本「地域未來構想20」.*（{doc_id}，\d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d 移除）", option), option
    page.keyboard.press("Escape")
    open_tab(page, "問答")
    assert fact not in ask(page, question).inner_text()
    open_tab(page, "文章管理")
    choose(page, "sousei-trash", doc_id)
    watch_locks(page, "#sousei-restore")
    page.locator("#sousei-restore").click()
    page.locator("#sousei-status-trash").get_by_text("已還原").wait_for(timeout=300_000)
    assert "正在還原並更新索引…" in locks_seen(page)
    assert 0 <= gap_below(page, "#sousei-restore", "#sousei-status-trash .sousei-status") <= STATUS_GAP
    assert (workspace.corpus / f"{doc_id}.txt").exists()
    open_tab(page, "問答")
    assert fact in ask(page, question).locator(".sousei-quotes").inner_text()
    assert page_watch.errors == []


def test_upload_new_article_rebuild_and_answer_from_it(app_page, page_watch, workspace, tmp_path):
    page = app_page
    upload = tmp_path / "夕張 雪融發電.txt"
    upload.write_text(NEW_ARTICLE, encoding="utf-8")
    before = {p.name for p in workspace.corpus.iterdir()}

    open_tab(page, "文章管理")
    page.locator("#sousei-articles table").wait_for(timeout=30_000)
    assert NEW_TITLE not in page.locator("#sousei-articles").inner_text()
    choose_file(page, upload)
    start = time.perf_counter()
    page.locator("#sousei-add").click()
    page.locator("#sousei-status .sousei-status").wait_for(timeout=300_000)
    record_timing("upload_rebuild_seconds", time.perf_counter() - start)
    status = page.locator("#sousei-status").inner_text()
    assert "已加入" in status and "索引已更新" in status, status
    assert 0 <= gap_below(page, "#sousei-rebuild", "#sousei-status .sousei-status") <= STATUS_GAP
    page.locator("#sousei-articles").get_by_text(NEW_TITLE).first.wait_for(timeout=30_000)
    screenshot(page, "07_uploaded")

    added = {p.name for p in workspace.corpus.iterdir()} - before
    articles = [name for name in added if not name.endswith(".meta.json") and not name.startswith(".")]
    assert len(articles) == 1, added
    new_doc_id = Path(articles[0]).stem

    open_tab(page, "問答")
    answer = timed_ask(page, NEW_QUESTION)
    assert "sousei-found" in answer.get_attribute("class"), answer.inner_text()
    assert answer.locator(f'.sousei-quote a.sousei-cite[href^="#cite:{new_doc_id}:"]').count() >= 1
    assert NEW_FACT in answer.locator(".sousei-quotes").inner_text()
    screenshot(page, "08_answer_from_uploaded")
    assert page_watch.errors == []


def test_a_binary_file_named_txt_is_refused_and_changes_nothing(app_page, page_watch, workspace, tmp_path):
    """A 14-byte binary file named .txt is refused with a reason; the corpus is unchanged."""
    page = app_page
    upload = tmp_path / "binary.txt"
    upload.write_bytes(b"\x00\x01\x02\x03\xfe\xff\x00\x10binary")
    before = sorted(p.name for p in workspace.corpus.iterdir())

    open_tab(page, "文章管理")
    page.locator("#sousei-articles table").wait_for(timeout=30_000)
    choose_file(page, upload)
    page.locator("#sousei-add").click()
    page.locator("#sousei-status .sousei-status").wait_for(timeout=120_000)
    status = page.locator("#sousei-status").inner_text()
    assert "binary.txt" in status and "已加入" not in status, status
    assert "沒有加入任何文章" in status and "二進位資料" in status  # said in Chinese, with the reason
    page.wait_for_timeout(300)
    assert on_screen(page, "#sousei-status .sousei-status"), "the refusal is brought into view"
    assert sorted(p.name for p in workspace.corpus.iterdir()) == before
    screenshot(page, "09_binary_refused")
    assert page_watch.errors == []


COPIED_BY_HAND = "內子町保存.txt"
COPIED_TEXT = "內子町的街道保存\n\n愛媛縣內子町保存了江戶時代到大正時代的商家街道，木蠟產業曾經繁榮一時。\n"
OUT_OF_STEP_NOT_INDEXED = (
    f"文章資料夾與索引不一致：1 個檔案還沒建立索引（{COPIED_BY_HAND}）；請按「重新整理索引」重建索引"
)


def rebuild_in_page(page) -> None:
    page.locator("#sousei-rebuild").click()
    page.locator("#sousei-status").get_by_text("索引已更新").wait_for(timeout=300_000)


def test_a_file_copied_into_the_corpus_by_hand_is_told_until_the_rebuild(app_page, page_watch, workspace):
    """A file copied into corpus/ behind the server's back was never shown in the 文章管理 tab: above the table
    the tab tells that it is not indexed, on opening the tab and after a reload, and 重新整理索引 takes the
    notice away; the same for the file deleted by hand. Screenshots at 1366×900 and 390×844."""
    page = app_page
    notice = page.locator("#sousei-out-of-step")
    open_tab(page, "文章管理")
    page.locator("#sousei-articles table").wait_for(timeout=30_000)
    page.wait_for_timeout(1000)
    assert not notice.is_visible()  # in step: nothing shown
    copied = workspace.corpus / COPIED_BY_HAND
    copied.write_text(COPIED_TEXT, encoding="utf-8")
    open_tab(page, "問答")
    open_tab(page, "文章管理")  # opening the tab again tells
    notice.get_by_text("還沒建立索引").wait_for(timeout=30_000)
    assert notice.inner_text().strip() == OUT_OF_STEP_NOT_INDEXED
    page.reload()  # ... and so does a reload
    page.locator("#sousei-question textarea").wait_for(timeout=60_000)
    open_tab(page, "文章管理")
    notice.get_by_text("還沒建立索引").wait_for(timeout=30_000)
    assert 0 <= gap_below(page, "#sousei-out-of-step", "#sousei-articles") <= STATUS_GAP  # right above the table
    assert text_contrast(page, "#sousei-out-of-step p")["ratio"] >= 4.5
    screenshot(page, "24_out_of_step_notice", full_page=False)
    page.set_viewport_size(PHONE)
    try:
        page.wait_for_timeout(300)
        box = notice.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
        screenshot(page, "25_phone_out_of_step_notice", full_page=False)
    finally:
        page.set_viewport_size(VIEWPORT)
    rebuild_in_page(page)
    notice.wait_for(state="hidden", timeout=30_000)
    page.locator("#sousei-articles").get_by_text("內子町的街道保存").wait_for(timeout=30_000)
    copied.unlink()  # deleted by hand: told too, and the rebuild leaves the index as the other tests had it
    page.reload()
    page.locator("#sousei-question textarea").wait_for(timeout=60_000)
    open_tab(page, "文章管理")
    notice.get_by_text("已不在文章資料夾中").wait_for(timeout=30_000)
    rebuild_in_page(page)
    notice.wait_for(state="hidden", timeout=30_000)
    assert page_watch.errors == []


# --------------------------------------------------------------------------- the article tab, as a tester found it


def test_answer_messages_are_labelled_for_screen_readers_in_plain_text(app_page, page_watch):
    """Gradio labels a message with its raw content: a screen reader read out the answer's HTML
    (``assistant's message: <div class=…``); the label is the answer's plain text (quotes, references)."""
    page = app_page
    question = CONVERSATION[1]
    answer = ask(page, question)
    quote = answer.locator(".sousei-quote").first.inner_text().strip()
    page.wait_for_timeout(300)
    labels = page.evaluate("""() => [...document.querySelectorAll('#sousei-log [data-testid="bot"], '
        + '#sousei-log [data-testid="user"]')].map((m) => [m.dataset.testid, m.getAttribute('aria-label') || ''])""")
    (role, asked), (bot, said) = labels[-2:]
    assert (role, bot) == ("user", "bot") and asked == f"問題：{question}", labels
    assert said.startswith("回答：") and "<" not in said and "class=" not in said, said
    assert quote[:12] in said and "[1]" in said, said
    assert page_watch.errors == []


def test_a_file_of_another_type_is_refused_in_chinese_when_chosen(app_page, page_watch, tmp_path):
    """A .csv chosen in the upload box: Gradio's English toast (Invalid file type…) was all; now the
    status line refuses it in Chinese, naming the accepted types, and the box stays empty."""
    page = app_page
    table = tmp_path / "預算表.csv"
    table.write_text("年,預算\n2020,3兆\n", encoding="utf-8")
    open_tab(page, "文章管理")
    page.locator("#sousei-articles table").wait_for(timeout=30_000)
    picker = page.locator("#sousei-upload input[type=file]")
    assert set(picker.get_attribute("accept").split(",")) >= {".txt", ".md", ".pdf", ".html", ".docx"}
    picker.set_input_files(str(table))
    refused = page.locator("#sousei-status .sousei-status-error")
    refused.wait_for(timeout=UPLOAD_WAIT)
    status = refused.inner_text()
    assert "預算表.csv" in status and "不支援的檔案類型" in status, status
    assert all(ext in status for ext in (".txt", ".md", ".pdf", ".html", ".docx")), status
    page.wait_for_timeout(500)
    assert "Invalid file" not in page.locator("body").inner_text()
    assert page.locator(".toast-body, [data-testid='toast-body']").count() == 0
    assert "預算表" not in page.locator("#sousei-upload").inner_text()
    screenshot(page, "10_csv_refused")
    assert page_watch.errors == []


def test_the_upload_box_is_locked_while_an_add_runs(app_page, page_watch, tmp_path):
    """A file chosen while an add ran was cleared with the box when the add ended, never added: the box
    and the button are disabled until it ends (the button says so), then ready for the next file."""
    page = app_page
    upload = tmp_path / "內子町.txt"
    upload.write_text("內子町的町並保存\n\n愛媛縣內子町保存了江戶時代的木蠟商家町並。\n", encoding="utf-8")
    open_tab(page, "文章管理")
    page.locator("#sousei-articles table").wait_for(timeout=30_000)
    choose_file(page, upload)
    page.locator("#sousei-add").click()
    page.wait_for_function(
        """() => document.querySelector('#sousei-add').disabled
            && ![...document.querySelectorAll('#sousei-upload input[type=file]')].some((i) => !i.disabled)""",
        timeout=10_000,
    )
    assert "完成後才能再選檔案" in page.locator("#sousei-add").inner_text()
    assert "內子町" in page.locator("#sousei-upload").inner_text()  # the file being added stays in view
    screenshot(page, "11_adding_locked")
    page.locator("#sousei-status").get_by_text("索引已更新").wait_for(timeout=300_000)
    page.wait_for_function(
        """() => !document.querySelector('#sousei-add').disabled
            && [...document.querySelectorAll('#sousei-upload input[type=file]')].some((i) => !i.disabled)""",
        timeout=10_000,
    )
    assert page.locator("#sousei-add").inner_text().strip() == "加入並更新索引"
    assert page_watch.errors == []


def test_a_rebuild_shows_one_progress_bar(app_page, page_watch):
    """The table, both dropdowns and the status line each showed Gradio's progress (overlapping bars);
    one is shown, on the status line."""
    page = app_page
    open_tab(page, "文章管理")
    page.locator("#sousei-articles table").wait_for(timeout=30_000)
    page.evaluate("""() => {
        window.__bars = 0; window.__where = [];
        const look = () => {
            const shown = [...document.querySelectorAll('#sousei-tab-articles .progress-text, '
                + '#sousei-tab-articles .wrap.translucent')].filter((e) => e.getBoundingClientRect().height > 0);
            const blocks = new Set(shown.map((e) => (e.closest('[id^="sousei-"]') || e).id));
            if (blocks.size > window.__bars) { window.__bars = blocks.size; window.__where = [...blocks]; }
            if (!window.__stop) requestAnimationFrame(look);
        };
        look();
    }""")
    page.locator("#sousei-rebuild").click()
    page.locator("#sousei-status").get_by_text("索引已更新").wait_for(timeout=300_000)
    seen = page.evaluate("() => { window.__stop = true; return [window.__bars, window.__where]; }")
    assert seen == [1, ["sousei-status"]], seen
    assert page_watch.errors == []


# --------------------------------------------------------------------------- a blind tester's findings


def test_citation_links_are_named_by_what_they_open_and_labels_sit_on_roles(app_page, page_watch):
    """A screen reader read every citation link as "[1]", and the messages' labels sat on divs with no
    role (where a label is not read): each [n] link is named 引用n：〈title〉第N段, and no visible div or
    span carries a label without a role."""
    page = app_page
    answer = ask(page, CONVERSATION[1])
    page.wait_for_timeout(300)
    links = answer.locator("a.sousei-cite:visible")  # the other passages are folded
    named = answer.get_by_role("link", name=re.compile(r"^引用\d+：〈.+〉第\d+(–\d+)?段"))
    assert links.count() >= 2 and named.count() == links.count(), answer.inner_html()[:2000]
    assert answer.get_by_role("link", name="[1]", exact=True).count() == 0
    title = answer.locator(".sousei-source-item .sousei-title").first.inner_text().strip()
    assert f"〈{title}〉" in named.first.get_attribute("aria-label")
    unlabelled = page.evaluate("""() => [...document.querySelectorAll('div[aria-label], span[aria-label]')]
        .filter((e) => e.getBoundingClientRect().height > 0 && !e.getAttribute('role'))
        .map((e) => e.tagName + ': ' + e.getAttribute('aria-label').slice(0, 40))""")
    assert unlabelled == [], unlabelled
    assert page_watch.errors == []


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_text_contrast_is_at_least_aa_in_chromium(app_page, page_watch, live_server, theme):
    """Measured in Chromium: the selected tab, a cited passage's orange [n], the 送出 button (also under the
    pointer) and the question box's placeholder were 1.9-2.8:1; each is at least 4.5:1 in both themes."""
    page = app_page
    page.goto(f"{live_server.url}?__theme={theme}")
    page.locator("#sousei-question textarea").wait_for(timeout=60_000)
    ask(page, CONVERSATION[1])
    assert page.evaluate("() => document.body.classList.contains('dark')") == (theme == "dark")
    page.mouse.move(0, 0)  # off the 送出 button just clicked
    page.wait_for_timeout(300)
    measured = {
        "tab": text_contrast(page, "#sousei-tab-chat-button"),
        "[n]": text_contrast(page, "#sousei-log .sousei-source-item a.sousei-n"),
        "placeholder": text_contrast(page, "#sousei-question textarea", "::placeholder"),
        "送出": text_contrast(page, "#sousei-send"),
    }
    page.locator("#sousei-send").hover()
    page.wait_for_timeout(300)  # the button's colour changes in a transition
    measured["送出 (hover)"] = text_contrast(page, "#sousei-send")
    low = {name: found for name, found in measured.items() if found["ratio"] < 4.5}
    assert not low, low
    assert page_watch.errors == []


TRASH_ICON_AND_QUESTIONS = """(scrolls) => {
    const box = (e) => { const r = e.getBoundingClientRect();
        return {top: r.top, bottom: r.bottom, left: r.left, right: r.right}; };
    const log = document.querySelector('#sousei-log');
    const scroller = log.querySelector('.bubble-wrap');
    return scrolls.map((top) => {
        scroller.scrollTop = top;
        return {scrolled: scroller.scrollTop, icon: box(log.querySelector('.top-panel button')),
                questions: [...log.querySelectorAll('.message-row.user-row')].map(box)};
    });
}"""

DROPDOWN_TEXT_AND_ARROW = """(id) => {
    const input = document.querySelector('#' + id + ' input');
    const arrow = document.querySelector('#' + id + ' .icon-wrap');
    const r = input.getBoundingClientRect(), a = arrow.getBoundingClientRect();
    return {textRight: r.right - parseFloat(getComputedStyle(input).paddingRight), arrowLeft: a.left,
            cut: input.scrollWidth > input.clientWidth};
}"""


def test_on_a_phone_the_trash_icon_and_the_dropdown_arrow_cover_no_text(app_page, page_watch):
    """At 390×844 the chat log's trash icon lay over the question bubble's edge, and the 文章管理 dropdown's
    article name ran under its arrow: the bubble keeps clear of the icon however the log is scrolled, and
    the name is cut before the arrow."""
    page = app_page
    page.set_viewport_size(PHONE)
    try:
        ask(page, CONVERSATION[1])
        ask(page, CONVERSATION[0])
        seen = page.evaluate(TRASH_ICON_AND_QUESTIONS, [0, 20, 40, 80, 160, 320])
        assert max(s["scrolled"] for s in seen) > 0, seen  # the log did scroll under the icon
        covered = [(s["scrolled"], q) for s in seen for q in s["questions"] if boxes_overlap(s["icon"], q)]
        assert not covered, (covered, seen[0]["icon"])
        page.evaluate("() => { document.querySelector('#sousei-log .bubble-wrap').scrollTop = 0; }")
        screenshot(page, "12_phone_log_trash_icon", full_page=False)
        open_tab(page, "文章管理")
        page.locator("#sousei-articles table").wait_for(timeout=30_000)
        page.locator("#sousei-remove-choice input").click()
        page.get_by_role("option").first.click()
        page.wait_for_timeout(300)
        where = page.evaluate(DROPDOWN_TEXT_AND_ARROW, "sousei-remove-choice")
        assert where["cut"], where  # a name longer than the box: the case under test
        assert where["textRight"] <= where["arrowLeft"], where
        page.locator("#sousei-remove-choice").scroll_into_view_if_needed()
        screenshot(page, "13_phone_article_dropdown", full_page=False)
    finally:
        page.set_viewport_size(VIEWPORT)
    assert page_watch.errors == []


def votes_for(feedback: Path, question: str, expected: list[str], seconds: float = 20) -> list[str]:
    """The votes the feedback file holds for ``question``, once they are ``expected`` (or after ``seconds``)."""
    deadline = time.monotonic() + seconds
    while True:
        lines = feedback.read_text(encoding="utf-8").splitlines() if feedback.exists() else []
        votes = [entry["vote"] for entry in map(json.loads, lines) if entry["question"] == question]
        if votes == expected or time.monotonic() > deadline:
            return votes
        time.sleep(0.2)


def test_a_changed_vote_replaces_the_earlier_one_in_the_feedback_file(app_page, page_watch, workspace):
    """👍 then 👎 on the same answer recorded both: the feedback file keeps the later vote only, and 👎
    clicked again takes it back."""
    page = app_page
    feedback = workspace.index.parent / "feedback.jsonl"
    question = CONVERSATION[3]
    timed_ask(page, question)
    log = page.locator("#sousei-log")
    log.get_by_role("button", name="讚", exact=True).last.click()
    assert votes_for(feedback, question, ["up"]) == ["up"]
    log.get_by_role("button", name="不讚", exact=True).last.click()
    assert votes_for(feedback, question, ["down"]) == ["down"]
    log.get_by_role("button", name="已按不讚（再按一次取消）").last.click()  # the vote shown, again
    assert votes_for(feedback, question, []) == []
    assert page_watch.errors == []


def test_a_vote_naming_an_answer_the_server_never_gave_is_refused_in_the_page(app_page, page_watch, workspace):
    """The chat goes back from the browser with a vote: a request rewritten on its way to name an answer id
    the server never gave (as a forged one would, or one from a chat the server no longer knows) records
    nothing; the line above the log says to ask again and the 👍 shown is put back. Then the same answer's
    own vote, unaltered, is recorded."""
    page = app_page
    feedback = workspace.index.parent / "feedback.jsonl"
    question = CONVERSATION[4]
    timed_ask(page, question)
    before = feedback.read_bytes() if feedback.exists() else b""

    def forge(route):
        body = route.request.post_data or ""
        if '"liked"' in body:  # the vote's request: the answer's id replaced
            body = re.sub(r'(data-answer=\\")[0-9a-f]{32}', r"\g<1>" + "0" * 32, body)
        route.continue_(post_data=body)

    page.route("**/gradio_api/queue/join**", forge)
    log = page.locator("#sousei-log")
    log.get_by_role("button", name="讚", exact=True).last.click()
    page.locator("#sousei-dropped").get_by_text("請重新提問").wait_for(timeout=20_000)
    page.unroute("**/gradio_api/queue/join**")
    log.get_by_role("button", name="讚", exact=True).last.wait_for(timeout=10_000)  # no longer 已按讚
    assert log.get_by_role("button", name="已按讚（再按一次取消）").count() == 0
    assert (feedback.read_bytes() if feedback.exists() else b"") == before
    log.get_by_role("button", name="讚", exact=True).last.click()
    assert votes_for(feedback, question, ["up"]) == ["up"]
    page.wait_for_timeout(500)
    assert page.locator("#sousei-dropped").is_hidden()  # the refusal's line went with a vote recorded
    assert page_watch.errors == []


def test_gradios_own_names_and_texts_are_chinese(app_page, page_watch, live_server):
    """A screen reader read Gradio's English: the question box as "Textbox", the log as "chatbot
    conversation", "Select example 1: …", "More tabs", "Liked" / "Disliked", "Scroll down", the upload
    box's "Click to upload or drop files", and the progress bar's "steps". None is left on either tab:
    empty, answered, voted, scrolled up, and while a rebuild runs."""
    page = app_page
    seen = {"empty": english_names(page)}
    assert page.get_by_role("textbox", name="問題").count() == 1
    assert page.get_by_role("button", name=re.compile(r"^範例問題1：")).count() == 1
    ask(page, CONVERSATION[1])
    ask(page, CONVERSATION[0])
    log = page.locator("#sousei-log")
    log.get_by_role("button", name="讚", exact=True).last.click()
    page.wait_for_timeout(500)
    assert log.get_by_role("button", name="已按讚（再按一次取消）").count() == 1
    page.evaluate("() => { document.querySelector('#sousei-log .bubble-wrap').scrollTop = 0; }")
    log.get_by_role("button", name="捲到最新的訊息").wait_for(timeout=10_000)
    assert page.get_by_role("log", name="對話紀錄").count() == 1
    seen["answered"] = english_names(page)
    open_tab(page, "文章管理")
    page.locator("#sousei-articles table").wait_for(timeout=30_000)
    page.evaluate(  # every frame while the rebuild runs: its progress bar and queue line
        """([js, allowed]) => { window.__english = new Set(); const scan = eval(js);
        const look = () => { for (const t of scan(allowed)) window.__english.add(t);
            if (!window.__stop) requestAnimationFrame(look); }; look(); }""",
        [ENGLISH_JS, ALLOWED_LATIN],
    )
    page.locator("#sousei-rebuild").click()
    page.locator("#sousei-status").get_by_text("索引已更新").wait_for(timeout=300_000)
    seen["rebuilding"] = page.evaluate("() => { window.__stop = true; return [...window.__english]; }")
    seen["articles"] = english_names(page)
    assert not any(seen.values()), seen
    assert page_watch.errors == []


# --------------------------------------------------------------------------- a third UI tester's findings

MARKDOWN_QUESTION = "1. **GIGA School** 是什麼？"


def test_a_question_shows_as_typed_its_vote_comes_back_and_a_refusal_gets_none(app_page, page_watch):
    """The question bubble was Markdown (a numbered list, bold); a 👍 given was not shown after a reload; a
    refused question (問題太長…) got 👍/👎; a screen reader read "common.complete" after a vote."""
    page = app_page
    ask(page, MARKDOWN_QUESTION)
    log = page.locator("#sousei-log")
    question = log.locator('[data-testid="user"]').first
    assert question.inner_text().strip() == MARKDOWN_QUESTION
    assert question.locator("ol, li, strong").count() == 0
    log.get_by_role("button", name="讚", exact=True).last.click()
    page.wait_for_timeout(1500)
    hidden = page.evaluate("() => [...document.querySelectorAll('.sr-only')].map((e) => e.textContent).join(' ')")
    assert "common." not in hidden, hidden
    ask(page, "地方創生" * 126)  # 504 characters: refused
    refusal = log.locator(".message-row", has=page.locator(".sousei-error"))
    assert refusal.count() == 1 and refusal.locator(".sousei-copy").count() == 0
    shown = page.evaluate("""() => [...document.querySelectorAll('#sousei-log .message-buttons')]
        .map((e) => e.getBoundingClientRect().height > 0)""")
    assert shown == [True, False], shown  # the answer's 👍/👎, none under the refusal
    screenshot(page, "20_question_as_typed_refusal_without_votes", full_page=False)
    page.reload()
    page.locator("#sousei-log .sousei-answer").first.wait_for(timeout=60_000)
    log.get_by_role("button", name="已按讚（再按一次取消）").wait_for(timeout=10_000)
    assert log.get_by_role("button", name="已按讚（再按一次取消）").count() == 1
    assert log.locator('[data-testid="user"]').first.inner_text().strip() == MARKDOWN_QUESTION
    assert page_watch.errors == []


def test_clearing_the_chat_asks_first_also_from_the_trash_icon(app_page, page_watch):
    """清除對話 and the log's trash icon wiped the whole chat at once: both ask first; 取消 keeps it."""
    page = app_page
    ask(page, CONVERSATION[1])
    row = page.locator("#sousei-confirm-clear-row")
    page.locator("#sousei-clear").click()
    row.wait_for(state="visible", timeout=10_000)
    assert answers(page).count() == 1 and "確定要清除整個對話" in row.inner_text()
    page.locator("#sousei-cancel-clear").click()
    row.wait_for(state="hidden", timeout=10_000)
    page.set_viewport_size(PHONE)  # on a phone the confirmation is brought into view, even from the log's top
    try:
        page.locator("#sousei-log .top-panel button").click()  # the trash icon
        row.wait_for(state="visible", timeout=10_000)
        page.wait_for_timeout(500)
        assert on_screen(page, "#sousei-confirm-clear"), page.evaluate(
            "() => document.querySelector('#sousei-confirm-clear').getBoundingClientRect().toJSON()"
        )
        screenshot(page, "24_phone_confirm_clear", full_page=False)
    finally:
        page.set_viewport_size(VIEWPORT)
    assert answers(page).count() == 1
    page.locator("#sousei-confirm-clear").click()
    answers(page).first.wait_for(state="detached", timeout=10_000)
    row.wait_for(state="hidden", timeout=10_000)
    page.reload()
    page.locator("#sousei-question textarea").wait_for(timeout=60_000)
    page.wait_for_timeout(1500)
    assert answers(page).count() == 0
    assert page_watch.errors == []


PHONE_TARGETS_JS = """() => {
    const size = (e) => { const r = e.getBoundingClientRect(); return [Math.round(r.width), Math.round(r.height)]; };
    const log = document.querySelector('#sousei-log');
    const buttons = [...log.querySelectorAll('.message-buttons button, .top-panel button')].map(size);
    const cites = [...log.querySelectorAll('a.sousei-cite')].filter((a) => a.getClientRects().length).map(size);
    const labels = [...log.querySelectorAll('.sousei-loc')].filter((e) => e.getClientRects().length)
        .map((e) => [e.textContent, e.getClientRects().length]);
    return {buttons, cites, labels};
}"""

SCROLL_BUTTON_OVER_TEXT_JS = """() => {
    const box = document.querySelector('#sousei-log .bubble-wrap');
    box.scrollTop = 0;
    return new Promise((done) => setTimeout(() => {
        const arrow = document.querySelector('#sousei-log .scroll-down-button-container button');
        if (!arrow) return done({arrow: null});
        const a = arrow.getBoundingClientRect();
        const over = [...document.querySelectorAll('#sousei-log .message-row')].filter((row) => {
            const r = row.getBoundingClientRect();
            return r.top < a.bottom && a.top < r.bottom && r.left < a.right && a.left < r.right;
        }).length;
        done({arrow: [a.left, a.top, a.width, a.height], over});
    }, 500));
}"""

TABLE_CELLS_JS = """() => {
    const lines = (td) => {  // the line boxes of a cell's text
        if (!td.firstChild) return 1;
        const r = document.createRange();
        r.selectNodeContents(td.firstChild);
        return new Set([...r.getClientRects()].map((b) => Math.round(b.top))).size;
    };
    return [...document.querySelectorAll('#sousei-articles tbody tr')].map((tr) => {
        const cells = tr.querySelectorAll('td');
        return {author: lines(cells[1]), id: lines(cells[cells.length - 1])};
    });
}"""


def test_on_a_phone_tap_targets_are_24_px_labels_stay_whole_and_the_table_keeps_names_whole(app_page, page_watch):
    """At 390×844 👍/👎 and the trash icon were 18×18 px, a [n] 26×15; the ↓ arrow lay over an answer's text;
    第38–39段 wrapped leaving 段 alone; the article table showed an author one character a line and broke ids."""
    page = app_page
    page.set_viewport_size(PHONE)
    try:
        ask(page, CONVERSATION[1])
        ask(page, CONVERSATION[0])
        seen = page.evaluate(PHONE_TARGETS_JS)
        assert seen["buttons"] and seen["cites"] and seen["labels"], seen
        small = [s for s in seen["buttons"] + seen["cites"] if min(s) < 24]
        assert not small, seen
        assert all(lines == 1 for _text, lines in seen["labels"]), seen["labels"]
        arrow = page.evaluate(SCROLL_BUTTON_OVER_TEXT_JS)
        assert arrow["arrow"] and arrow["over"] == 0, arrow
        screenshot(page, "21_phone_tap_targets", full_page=False)
        open_tab(page, "文章管理")
        page.locator("#sousei-articles table").wait_for(timeout=30_000)
        cells = page.evaluate(TABLE_CELLS_JS)
        assert cells and all(c["author"] == 1 and c["id"] == 1 for c in cells), cells
        screenshot(page, "22_phone_article_table", full_page=False)
    finally:
        page.set_viewport_size(VIEWPORT)
    assert page_watch.errors == []


def test_the_connection_lost_toast_is_chinese(app_page):
    """When the server could not be reached the toast read "Error — Connection to the server was lost.
    Attempting reconnection..."."""
    page = app_page
    page.route("**/gradio_api/**", lambda route: route.abort())
    page.locator("#sousei-question textarea").fill(CONVERSATION[0])
    page.locator("#sousei-send").click()
    toast = page.locator(".toast-body").first
    toast.wait_for(timeout=20_000)
    page.wait_for_timeout(300)
    text = toast.inner_text()
    assert "連線中斷" in text and "錯誤" in text and not re.search(r"[A-Za-z]{2,}", text), text
    assert toast.locator('button[aria-label="關閉"]').count() == 1
    screenshot(page, "23_connection_lost_toast", full_page=False)
    page.unroute("**/gradio_api/**")


# --------------------------------------------------------------------------- the article list on a phone; the notice

DESKTOP: ViewportSize = {"width": 1280, "height": 800}

# How the article table fits: its own and its scroll box's scrollWidth and clientWidth, the page's scrollWidth
# and the window's width, the cells drawn outside the table's box, how the table is laid out (the header row's
# height: 0 when it is for screen readers only) and each row's cells (text, drawn or not).
TABLE_FIT_JS = """() => {
    const wrap = document.querySelector('#sousei-articles .sousei-table-wrap');
    const table = wrap.querySelector('table');
    const box = table.getBoundingClientRect();
    const cells = [...table.querySelectorAll('td')];
    const outside = cells.filter((td) => { const r = td.getBoundingClientRect();
        return r.width > 0 && (r.left < box.left - 0.5 || r.right > box.right + 0.5); }).map((td) => td.textContent);
    const rows = [...table.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) =>
        ({text: td.textContent, drawn: td.getBoundingClientRect().width > 0})));
    const frame = (e) => { const c = getComputedStyle(e);
        return [c.borderTopWidth, c.borderRightWidth, c.borderLeftWidth].map(parseFloat); };
    const frames = [table, ...table.querySelectorAll('tr'), ...table.querySelectorAll('th, td')].map(frame).flat();
    return {table: [table.scrollWidth, table.clientWidth], wrap: [wrap.scrollWidth, wrap.clientWidth],
            page: [document.scrollingElement.scrollWidth, innerWidth], outside, rows, frame: Math.max(...frames),
            display: getComputedStyle(table).display,
            head: table.querySelector('thead').getBoundingClientRect().height};
}"""


def table_fit(page, viewport: ViewportSize) -> dict:
    page.set_viewport_size(viewport)
    page.wait_for_timeout(300)
    return page.evaluate(TABLE_FIT_JS)


def test_on_a_phone_the_article_list_needs_no_sideways_scroll_and_a_desktop_keeps_the_table(app_page, page_watch):
    """At 390×844 the article table was wider than the screen (the title, author, date and id columns side by
    side): it scrolled sideways. On a phone each article is a card that fits the width, with the texts it showed
    (title, author, date, id; the counts left out as before); at 1280×800 it is the table it was, 6 columns.
    Neither draws a frame around the table, a row or a cell: only light lines between rows."""
    page = app_page
    open_tab(page, "文章管理")
    page.locator("#sousei-articles table").wait_for(timeout=30_000)
    try:
        desk = table_fit(page, DESKTOP)
        screenshot(page, "26_desktop_article_table", full_page=False)
        phone = table_fit(page, PHONE)
        screenshot(page, "27_phone_article_cards", full_page=False)
        cells = page.evaluate(TABLE_CELLS_JS)  # author and id each on one line, as before
    finally:
        page.set_viewport_size(VIEWPORT)
    assert phone["table"][0] <= phone["table"][1], phone  # no sideways scroll in the table ...
    assert phone["wrap"][0] <= phone["wrap"][1], phone  # ... nor in its box ...
    assert phone["page"][0] <= PHONE["width"], phone  # ... nor in the page
    assert phone["outside"] == [], phone
    assert desk["display"] == "table" and desk["head"] > 0, desk
    assert all(all(c["drawn"] for c in row) for row in desk["rows"]), desk["rows"]
    assert desk["table"][0] <= desk["table"][1] and desk["page"][0] <= desk["page"][1], desk
    assert len(phone["rows"]) >= 3 and [[c["text"] for c in r] for r in phone["rows"]] == [
        [c["text"] for c in r] for r in desk["rows"]
    ], "the same texts"
    for row in phone["rows"]:
        shown = [c["drawn"] for c in row]
        texts = [c["text"] for c in row]
        assert shown[3:5] == [False, False], row  # 段落, 片段: left out on a phone, as they were
        assert all(drawn == bool(text) for drawn, text in zip(shown[:3] + shown[5:], texts[:3] + texts[5:])), row
    assert cells and all(c["author"] == 1 and c["id"] == 1 for c in cells), cells
    # light row lines only: Gradio's prose styles drew the table, its rows and cells in dark frames (on a phone,
    # cards boxed inside a box)
    assert desk["frame"] == 0 and phone["frame"] == 0, (desk["frame"], phone["frame"])
    assert page_watch.errors == []


# A page's out-of-step notice: whether Gradio drew a progress indicator on it (it would flicker at each tick)
# and the element shown (the same one stays when a tick sends nothing)
NOTICE_WATCH_JS = """() => {
    window.__noticeProgress = 0;
    const look = () => {
        const shown = [...document.querySelectorAll('#sousei-out-of-step .progress-text, #sousei-out-of-step .eta-bar, '
            + '#sousei-out-of-step .wrap.translucent, #sousei-out-of-step .wrap.default')]
            .filter((e) => e.getBoundingClientRect().height > 0);
        if (shown.length) window.__noticeProgress += 1;
        if (!window.__noticeStop) requestAnimationFrame(look);
    };
    look();
}"""


def ticks(requests: list[str]) -> int:
    return sum(1 for url in requests if "/gradio_api/queue/join" in url)


def test_the_out_of_step_notice_reaches_another_open_page_without_a_reload(
    quick_notice_server, browser_context, page_watch, tmp_path
):
    """The notice was told only in the tab where a change was made (or on opening the tab): another open page
    kept a stale one until reloaded. With two pages open on the article tab, a file copied into the corpus
    folder is told in both by the timer, no progress drawn on the notice, the notice left alone while its text
    is the same, and a rebuild in one page takes it away in the other. (This server ticks every second.)"""
    server = quick_notice_server
    first = open_app(browser_context, server.url, page_watch)
    second = open_app(browser_context, server.url, page_watch)
    try:
        for page in (first, second):
            open_tab(page, "文章管理")
            page.locator("#sousei-articles table").wait_for(timeout=30_000)
        second.wait_for_timeout(2500)  # a tick or two with nothing to tell
        assert not second.locator("#sousei-out-of-step").is_visible()
        second.evaluate(NOTICE_WATCH_JS)
        source = tmp_path / COPIED_BY_HAND
        source.write_text(COPIED_TEXT, encoding="utf-8")
        shutil.copy(source, server.workspace.corpus / COPIED_BY_HAND)  # by hand, behind the server's back
        for page in (first, second):
            page.locator("#sousei-out-of-step").get_by_text("還沒建立索引").wait_for(timeout=15_000)
        assert second.locator("#sousei-out-of-step").inner_text().strip() == OUT_OF_STEP_NOT_INDEXED
        second.evaluate("() => { window.__shown = document.querySelector('#sousei-out-of-step .sousei-out-of-step'); }")
        asked: list[str] = []
        second.on("request", lambda request: asked.append(request.url))
        second.wait_for_timeout(4000)
        assert ticks(asked) >= 2, asked  # it went on checking ...
        same = "() => document.querySelector('#sousei-out-of-step .sousei-out-of-step') === window.__shown"
        assert second.evaluate(same), "... and left the notice as it was"
        screenshot(second, "28_notice_in_another_page", full_page=False)
        rebuild_in_page(first)
        second.locator("#sousei-out-of-step").wait_for(state="hidden", timeout=15_000)
        assert second.evaluate("() => { window.__noticeStop = true; return window.__noticeProgress; }") == 0
    finally:
        first.close()
        second.close()
    assert page_watch.errors == []
