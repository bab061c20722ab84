"""The Gradio UI in-process: the app builds, and its handlers work on a tiny corpus with the fake encoder.

The browser behaviour (clicks, scrolling, inert hostile text in a real page) is in test_browser.py.
"""
from __future__ import annotations

import logging
import re
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from chat.config import PROJECT_ROOT, Config
from chat.service import Service
from tests.fakes import FakeEncoder

ARTICLE_A = """日本地方創生與數位轉型

日本於2014年通過了「城鎮・人口・工作創生法」，希望打造一億人活躍的強韌社會。

總務省每年補助地方政府與相關組織企業合作，推動ICT地域活性化政策。

約有七成的地方政府認為地方財政嚴峻不易投資，再來是缺乏相關人才。
"""

ARTICLE_B = """地域未來構想20

由於疫情肆虐，地方創生臨時補助金的預算在2020年達3兆日圓、2021年為1.5兆日圓。

處方箋和藥劑可以運用藥局物流、無人機等方式配送到偏遠地區。
"""

HOSTILE = """<img src=x onerror="window.__pwned=1">惡意標題

溫泉鄉的觀光協會<script>window.__pwned=2</script>在冬季舉辦雪燈籠祭典。

雪燈籠祭典的報名網址是[點我](javascript:window.__pwned=3)以及<a href="javascript:alert(1)">連結</a>。
"""

NEW_ARTICLE = """夕張市雪融發電計畫

北海道夕張市的雪融發電計畫預計每年發電4200萬度，供應市內所有公共設施。
"""


@pytest.fixture(scope="module")
def ui():
    from chat import ui as module

    return module


@pytest.fixture
def service(tmp_path) -> Service:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(ARTICLE_A, encoding="utf-8")
    (corpus / "b.txt").write_text(ARTICLE_B, encoding="utf-8")
    (corpus / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    config = Config.load(corpus_dir=corpus, index_dir=tmp_path / "index")
    svc = Service(config, say=lambda _m: None, _encoder=FakeEncoder())
    svc.build()
    return svc


def ask_once(ui, service, question):
    log_html, history, cited, box, examples = ui.ask(service, question, [], {})
    return log_html, history, cited, box, examples


# --------------------------------------------------------------------------- module and app


def test_import_loads_nothing():
    """Importing chat.ui must not import Gradio, load a model or open an index."""
    code = ("import sys, chat.ui; "
            "heavy = [m for m in ('gradio', 'torch', 'faiss', 'sentence_transformers') if m in sys.modules]; "
            "print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_make_app_builds_blocks_with_both_tabs(ui, service):
    import gradio as gr

    app = ui.make_app(service)
    assert isinstance(app, gr.Blocks)
    config = app.get_config_file()
    ids = {c.get("props", {}).get("elem_id") for c in config["components"]}
    for elem_id in ("sousei-log", "sousei-question", "sousei-send", "sousei-viewer", "sousei-examples",
                    "sousei-upload", "sousei-add", "sousei-remove", "sousei-rebuild", "sousei-articles"):
        assert elem_id in ids, elem_id
    labels = {c.get("props", {}).get("label") for c in config["components"]}
    assert {ui.LABEL_CHAT_TAB, ui.LABEL_ARTICLES_TAB, ui.LABEL_EXAMPLES} <= labels
    upload = next(c for c in config["components"] if c.get("props", {}).get("elem_id") == "sousei-upload")
    assert set(upload["props"]["file_types"]) >= {".txt", ".md", ".pdf", ".html", ".docx"}


def test_make_app_does_not_touch_the_index(ui, tmp_path):
    config = Config.load(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "missing")
    svc = Service(config, say=lambda _m: None, _encoder=FakeEncoder())
    ui.make_app(svc)
    assert svc._searcher is None and not (tmp_path / "missing").exists()


# --------------------------------------------------------------------------- chat handlers


def test_ask_renders_answer_with_citations_and_history(ui, service):
    log_html, history, cited, box, examples = ask_once(ui, service, "2021年的地方創生臨時補助金是多少？")
    assert box == "" and examples["visible"] is False
    assert len(history) == 1 and history[0]["question"] == "2021年的地方創生臨時補助金是多少？"
    assert 'class="sousei-answer"' in log_html and "sousei-user" in log_html
    assert "1.5兆日圓" in log_html
    assert cited and all(re.search(re.escape(pid), log_html) for pid in cited)
    log2, history2, cited2, _box, _ex = ui.ask(service, "處方箋和藥劑要如何配送？", history, cited)
    assert len(history2) == 2 and log2.count('class="sousei-turn"') == 2
    assert set(cited) <= set(cited2)


def test_blank_question_adds_no_turn(ui, service):
    log_html, history, cited, box, examples = ask_once(ui, service, "   ")
    assert history == [] and cited == {}
    assert ui.EMPTY_CHAT in log_html and examples["visible"] is True


def test_off_corpus_question_gets_not_found_line_or_nearest(ui, service):
    from chat.abstain import NOT_FOUND_LINE

    log_html, *_ = ask_once(ui, service, "火星上有沒有地方創生計畫？")
    if 'data-found="false"' in log_html:
        assert NOT_FOUND_LINE in log_html and "sousei-nearest" in log_html


def test_example_sample_is_asked(ui, service):
    log_html, history, *_ = ui.ask_example(service, [ui.EXAMPLE_QUESTIONS[1]], [], {})
    assert history[0]["question"] == ui.EXAMPLE_QUESTIONS[1]


def test_clear_chat_resets_everything(ui):
    log_html, history, cited, viewer, examples = ui.clear_chat()
    assert history == [] and cited == {} and examples["visible"] is True
    assert ui.EMPTY_CHAT in log_html and ui.EMPTY_VIEWER in viewer


def test_source_viewer_marks_the_cited_paragraph(ui, service):
    _log, _history, cited, *_ = ask_once(ui, service, "處方箋和藥劑要如何配送？")
    pid, (passage, _terms) = next((k, v) for k, v in cited.items() if "藥局物流" in v[0].text)
    html = ui.show_source(service, pid, cited)
    assert 'class="sousei-source"' in html and f'data-doc-id="{passage.doc_id}"' in html
    marked = re.search(r'<p id="sousei-cited"[^>]*>(.*?)</p>', html)
    assert marked and "藥局物流" in re.sub(r"<[^>]+>", "", marked.group(1))
    assert "<mark>" in marked.group(1)     # the question's terms are highlighted in the cited paragraph
    assert "第2段" in html or "第3段" in html


def test_citation_event_data_reaches_the_viewer(ui, service):
    import gradio as gr

    _log, _history, cited, *_ = ask_once(ui, service, "處方箋和藥劑要如何配送？")
    pid = next(iter(cited))
    html = ui.on_citation(service, cited, gr.EventData(None, {"passage_id": pid, "doc_id": "x"}))
    assert "sousei-cited" in html
    assert ui.CITATION_GONE in ui.on_citation(service, cited, gr.EventData(None, {"passage_id": "nope"}))
    assert ui.CITATION_GONE in ui.show_source(service, pid, {})


def test_citation_of_a_removed_article_says_so(ui, service):
    _log, _history, cited, *_ = ask_once(ui, service, "處方箋和藥劑要如何配送？")
    pid, (passage, _terms) = next(iter(cited.items()))
    ui.remove_article(service, passage.doc_id)
    html = ui.show_source(service, pid, cited)
    assert "sousei-message" in html and "sousei-source" not in html


def test_missing_index_is_a_message_not_a_traceback(ui, tmp_path):
    config = Config.load(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "missing")
    svc = Service(config, say=lambda _m: None, _encoder=FakeEncoder())
    log_html, history, *_ = ask_once(ui, svc, "2021年的補助金是多少？")
    assert 'data-found="error"' in log_html and "sousei-message" in log_html
    table, choices = ui.refresh_articles(svc)
    assert "sousei-status-error" in table and choices["choices"] == []


# --------------------------------------------------------------------------- hostile text


def test_hostile_article_text_is_escaped_everywhere(ui, service):
    _log, _history, cited, *_ = ask_once(ui, service, "雪燈籠祭典的報名網址是什麼？")
    log_html = _log
    hostile = [pid for pid, (p, _t) in cited.items() if p.doc_id == "hostile"]
    assert hostile, "the hostile article should be among the passages for this question"
    viewer = ui.show_source(service, hostile[0], cited)
    table, _choices = ui.refresh_articles(service)
    for html in (log_html, viewer, table):
        assert "<script" not in html.lower()
        assert "<img" not in html.lower()
        assert not re.search(r"<a [^>]*href=\"javascript:", html, re.I)
    assert "&lt;script&gt;" in viewer and "&lt;img src=x onerror=" in viewer + table
    assert "[點我](javascript:" in viewer


def test_question_text_is_escaped_in_the_log(ui, service):
    log_html, *_ = ask_once(ui, service, "<img src=x onerror=alert(1)> 補助金")
    assert "<img" not in log_html and "&lt;img src=x onerror=alert(1)&gt;" in log_html


# --------------------------------------------------------------------------- articles tab


def test_article_table_lists_title_date_and_counts(ui, service):
    rows = ui.article_rows(service)
    assert {r[4] for r in rows} == {"a", "b", "hostile"}
    by_id = {r[4]: r for r in rows}
    assert by_id["a"][0] == "日本地方創生與數位轉型" and by_id["a"][2] >= 3 and by_id["a"][3] >= 1
    table, choices = ui.refresh_articles(service)
    assert "日本地方創生與數位轉型" in table and "<th>標題</th>" in table
    assert {value for _label, value in choices["choices"]} == {"a", "b", "hostile"}


def test_upload_adds_article_and_answers_from_it_without_restart(ui, service, tmp_path):
    upload = tmp_path / "uploads" / "夕張 雪融;rm -rf.txt"
    upload.parent.mkdir()
    upload.write_text(NEW_ARTICLE, encoding="utf-8")
    calls = []
    status, table, choices, cleared = ui.add_articles(service, [str(upload)],
                                                      progress=lambda p, desc=None: calls.append((p, desc)))
    assert "已加入" in status and "sousei-status-error" not in status and cleared is None
    assert "夕張市雪融發電計畫" in table
    assert calls and any(isinstance(p, tuple) for p, _d in calls)
    names = [p.name for p in service.config.corpus_dir.iterdir()]
    assert not any(";" in n or " " in n for n in names)
    _log, _history, cited, *_ = ask_once(ui, service, "雪融發電計畫預計每年發電多少？")
    assert any("4200萬度" in p.text for p, _t in cited.values())


def test_upload_refuses_bad_type_and_changes_nothing(ui, service, tmp_path):
    bad = tmp_path / "tool.exe"
    bad.write_bytes(b"MZ\x00\x00binary")
    before = sorted(p.name for p in service.config.corpus_dir.iterdir())
    status, table, choices, _cleared = ui.add_articles(service, [str(bad)])
    assert "sousei-status-error" in status and "tool.exe" in status
    assert sorted(p.name for p in service.config.corpus_dir.iterdir()) == before


def test_upload_refuses_oversized_file(ui, tmp_path, service):
    big = tmp_path / "big.txt"
    big.write_text("地方創生" * 200_000, encoding="utf-8")    # 2.4 MB
    small = Service(Config.load(corpus_dir=service.config.corpus_dir, index_dir=service.config.index_dir,
                                max_upload_mb=1), say=lambda _m: None, _encoder=service._encoder)
    status, *_ = ui.add_articles(small, [str(big)])
    assert "sousei-status-error" in status and "big.txt" in status


def test_upload_without_files_is_a_message(ui, service):
    status, *_ = ui.add_articles(service, None)
    assert ui.NO_FILES in status


def test_remove_article_and_rebuild(ui, service):
    status, table, choices = ui.remove_article(service, "b")
    assert "已刪除" in status and "地域未來構想20" not in table
    assert "b" not in {value for _label, value in choices["choices"]}
    assert not (service.config.corpus_dir / "b.txt").exists()
    status, *_ = ui.remove_article(service, None)
    assert ui.NO_ARTICLE_CHOSEN in status
    status, table, _choices = ui.rebuild(service)
    assert "索引已更新" in status


def test_upload_paths_accepts_gradio_file_objects(ui, tmp_path):
    class Uploaded:
        def __init__(self, path):
            self.path = path

    assert ui.upload_paths([str(tmp_path / "a.txt"), Uploaded(str(tmp_path / "b.md"))]) == [
        tmp_path / "a.txt", tmp_path / "b.md"]
    assert ui.upload_paths(None) == []


# --------------------------------------------------------------------------- exposure


def test_default_host_is_local_and_quiet(ui, caplog):
    assert Config().host == "127.0.0.1"
    with caplog.at_level(logging.WARNING, logger="sousei.ui"):
        assert ui.check_host("127.0.0.1") is True
    assert not caplog.records


def test_other_host_is_logged_with_a_warning(ui, caplog):
    said = []
    with caplog.at_level(logging.WARNING, logger="sousei.ui"):
        assert ui.check_host("0.0.0.0", said.append) is False
    assert any("0.0.0.0" in r.getMessage() for r in caplog.records)
    assert said and "0.0.0.0" in said[0]


def test_launch_options_bind_config_host_and_upload_limit(ui):
    options = ui.launch_options(Config.load(max_upload_mb=3, port=7999))
    assert options["server_name"] == "127.0.0.1" and options["server_port"] == 7999
    assert options["max_file_size"] == 3 * 1024 * 1024
    assert options["share"] is False and options["inbrowser"] is False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_listens_on_127_0_0_1_only(ui, service):
    port = free_port()
    svc = Service(Config.load(corpus_dir=service.config.corpus_dir, index_dir=service.config.index_dir, port=port),
                  say=lambda _m: None, _encoder=service._encoder)
    app = ui.serve(svc, block=False)
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:
            assert response.status == 200 and ui.APP_TITLE in response.read().decode("utf-8")
        assert app.server_name == "127.0.0.1"
        listening = [c for c in __import__("psutil").net_connections(kind="inet")
                     if c.status == "LISTEN" and c.laddr and c.laddr.port == port]
        assert listening and all(c.laddr.ip == "127.0.0.1" for c in listening)
    finally:
        app.close()


def test_server_refuses_uploads_over_the_limit(ui, service):
    """Gradio's own upload route enforces ``max_upload_mb`` before any handler runs."""
    import httpx

    port = free_port()
    svc = Service(Config.load(corpus_dir=service.config.corpus_dir, index_dir=service.config.index_dir, port=port,
                              max_upload_mb=1), say=lambda _m: None, _encoder=service._encoder)
    app = ui.serve(svc, block=False, warm=False)
    try:
        url = f"http://127.0.0.1:{port}/gradio_api/upload"
        small = httpx.post(url, files={"files": ("ok.txt", "地方創生".encode("utf-8"))}, timeout=30)
        assert small.status_code == 200
        big = httpx.post(url, files={"files": ("big.txt", b"x" * (1024 * 1024 + 10))}, timeout=30)
        assert big.status_code == 413
    finally:
        app.close()
