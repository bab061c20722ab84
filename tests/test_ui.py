"""The Gradio UI in-process: the app builds, and its handlers work on a tiny corpus with the fake encoder.

The browser behaviour (clicks, scrolling, inert hostile text in a real page) is in test_browser.py.
"""

from __future__ import annotations

import html
import logging
import re
import socket
import subprocess
import sys
import urllib.request
from dataclasses import replace

import pytest

from bench.measure import free_port
from chat.config import NOTICE_SECONDS, NOTICE_SECONDS_ENV, PROJECT_ROOT, Config
from chat.engine import Engine
from chat.feedback import vote_key
from chat.secret import server_secret
from ingest.errors import SouseiError
from ingest.library import NOTHING_ADDED
from tests import browser_support
from tests.chat_fakes import FAKE_DECISION
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


def _config_like(engine: Engine, **overrides) -> Config:
    """A config on ``engine``'s corpus and index with other settings changed."""
    return Config.load(corpus_dir=engine.config.corpus_dir, index_dir=engine.config.index_dir, **overrides)


@pytest.fixture(scope="module")
def ui():
    from chat import ui as module

    return module


@pytest.fixture
def engine(tmp_path) -> Engine:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(ARTICLE_A, encoding="utf-8")
    (corpus / "b.txt").write_text(ARTICLE_B, encoding="utf-8")
    (corpus / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    config = Config.load(corpus_dir=corpus, index_dir=tmp_path / "index")
    # the shipped decision is fitted to the real model's cosines; a refit must not move these answers
    engine = Engine.with_encoder(config, FakeEncoder(), say=lambda _m: None, decision=FAKE_DECISION)
    engine.rebuild()
    return engine


Q_FOUND = "地方創生臨時補助金的預算在2021年是多少？"  # answered (found) with the fake encoder and decision


def ask_once(ui, engine, question, history=None):
    chat, stored, box = ui.ask(engine, question, history or [])
    assert stored == chat  # the copy kept in the browser
    return chat, box


def answer_html(chat) -> str:
    return chat[-1]["content"]


# --------------------------------------------------------------------------- module and app


def test_import_loads_nothing():
    """Importing chat.ui must not import Gradio, load a model or open an index."""
    code = (
        "import sys, chat.ui; "
        "heavy = [m for m in ('gradio', 'torch', 'faiss', 'sentence_transformers') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def components(app) -> list[dict]:
    return app.get_config_file()["components"]


def by_elem_id(app, elem_id) -> dict:
    return next(c for c in components(app) if c.get("props", {}).get("elem_id") == elem_id)


def test_make_app_builds_chatbot_and_article_tabs(ui, engine):
    import gradio as gr

    app = ui.make_app(engine)
    assert isinstance(app, gr.Blocks)
    ids = {c.get("props", {}).get("elem_id") for c in components(app)}
    for elem_id in (
        "sousei-log",
        "sousei-question",
        "sousei-send",
        "sousei-viewer",
        "sousei-clear",
        "sousei-upload",
        "sousei-add",
        "sousei-remove",
        "sousei-confirm-remove",
        "sousei-trash",
        "sousei-restore",
        "sousei-rebuild",
        "sousei-articles",
        "sousei-meta-title",
        "sousei-save-meta",
    ):
        assert elem_id in ids, elem_id
    log = by_elem_id(app, "sousei-log")
    assert log["type"] == "chatbot" and log["props"]["feedback_options"] == ["Like", "Dislike"]
    assert [e["text"] for e in log["props"]["examples"]] == list(ui.EXAMPLE_QUESTIONS)
    assert any(c["type"] == "browserstate" for c in components(app))
    box = by_elem_id(app, "sousei-question")["props"]
    assert box.get("max_length") is None and str(engine.config.max_question_chars) in box["placeholder"]
    upload = by_elem_id(app, "sousei-upload")
    # no file_types (Gradio refuses another type in an English toast, check_uploads in Chinese); the
    # file picker still offers the article types (the accept list set by the page's script)
    assert not upload["props"].get("file_types")
    accept = re.search(r"setAttribute\('accept', '([^']*)'\)", by_elem_id(app, "sousei-viewer")["props"]["js_on_load"])
    assert accept and set(accept.group(1).split(",")) >= {".txt", ".md", ".pdf", ".html", ".docx"}


def test_every_visible_label_is_chinese(ui, engine):
    """No English label, placeholder or button text in the page's own strings."""
    app = ui.make_app(engine)
    texts = []
    for c in components(app):
        props = c.get("props", {})
        for key in ("label", "placeholder", "value"):
            if isinstance(props.get(key), str) and c["type"] in ("button", "textbox", "dropdown", "file", "markdown"):
                texts.append(props[key])
    texts = [t for t in texts if t.strip()]
    assert texts
    for text in texts:
        letters = re.sub(r"[^A-Za-z]", "", re.sub(r"\.(txt|md|pdf|html|docx)|--admin-key|\[n\]", "", text))
        assert not letters, text


def test_browser_secret_is_made_once_owner_only_and_read_back(tmp_path):
    path = tmp_path / "state" / "browser-secret"
    made = server_secret(path)
    assert made is not None and re.fullmatch(r"[0-9a-f]{64}", made)
    assert path.stat().st_mode & 0o777 == 0o600
    assert server_secret(path) == made  # the same key after a restart
    assert server_secret(tmp_path / "other") != made


def test_browser_secret_leaves_a_foreign_file_alone(tmp_path):
    path = tmp_path / "browser-secret"
    path.write_text("not a key\n", encoding="ascii")
    assert server_secret(path) is None
    assert path.read_text(encoding="ascii") == "not a key\n"


def test_stored_chat_is_kept_under_the_same_key_across_restarts(ui, tmp_path):
    """Both stored states use the key beside the index directory, so a chat kept in a browser
    is read back by the next server (Gradio's own key is new at each start)."""
    config = Config.load(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "state" / "index")

    def secrets_of() -> set[str]:
        engine = Engine.with_encoder(config, FakeEncoder(), say=lambda _m: None)
        states = [c for c in components(ui.make_app(engine)) if c["type"] == "browserstate"]
        assert len(states) == 2
        return {c["props"]["secret"] for c in states}

    first = secrets_of()
    assert first == {config.browser_secret_file.read_text(encoding="ascii").strip()}
    assert secrets_of() == first


def test_make_app_does_not_touch_the_index(ui, tmp_path):
    config = Config.load(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "missing")
    engine = Engine.with_encoder(config, FakeEncoder(), say=lambda _m: None)
    ui.make_app(engine)
    assert not engine.index_is_open and not (tmp_path / "missing").exists()


# --------------------------------------------------------------------------- chat handlers


def test_ask_appends_question_and_answer_messages(ui, engine):
    chat, box = ask_once(ui, engine, Q_FOUND)
    assert box == ""
    assert [m["role"] for m in chat] == ["user", "assistant"]
    html = answer_html(chat)
    assert "sousei-answer" in html and "3兆日圓" in html
    assert re.search(r'<a class="sousei-cite" href="#cite:[^"]+" title="[^"]*">\[1\]</a>', html)
    chat2, _ = ask_once(ui, engine, "處方箋和藥劑要如何配送？", chat)
    assert [m["role"] for m in chat2] == ["user", "assistant"] * 2


def test_answer_cites_in_order_and_shows_only_cited_passages(ui, engine):
    from chat.render import render_chat_answer

    answer = engine.answer(Q_FOUND)
    html = render_chat_answer(answer, answer.question)
    markers = [int(n) for n in re.findall(r'class="sousei-cite" href="[^"]+" title="[^"]*">\[(\d+)\]', html)]
    assert markers and markers == sorted(markers) and markers[0] == 1
    cited = html.split('<details class="sousei-others">')[0]
    assert cited.count('class="sousei-source-item"') == len(set(markers))
    assert '<mark class="sousei-quoted">' in cited
    assert "其他相關段落" in html
    assert html.count('sousei-source-item sousei-other"') == len(answer.hits) - len(set(markers))
    assert "\n\n" not in html  # one HTML block: Markdown leaves it alone


def test_copy_text_is_plain_quotes_with_references(ui, engine):
    from chat.render import answer_plain_text

    answer = engine.answer(Q_FOUND)
    text = answer_plain_text(answer)
    assert "<" not in text and "[1]" in text
    one_line = " ".join(part.strip() for part in answer.quotes[0].text.split("\n") if part.strip())
    assert text.splitlines()[0].endswith("[1]") and one_line in text  # a heading + sentence quote on one line
    assert any(line.startswith("[1] ") and "第" in line for line in text.splitlines())


def test_blank_question_adds_nothing(ui, engine):
    chat, box = ask_once(ui, engine, "   ")
    assert chat == [] and box == ""


def test_long_question_is_refused_with_the_cap_and_shortened(ui, engine):
    question = "地方創生" * 1000
    chat, box = ask_once(ui, engine, question)
    assert "問題太長" in answer_html(chat) and str(engine.config.max_question_chars) in answer_html(chat)
    assert "4000" in answer_html(chat) and box == question  # its length said; kept in the box to shorten
    shown = html.unescape(re.sub(r"<[^>]+>", "", chat[0]["content"]))  # the question's text as shown
    assert len(shown) <= 130 and shown.endswith("…")
    chat, box = ask_once(ui, engine, Q_FOUND, chat)
    assert box == "" and "sousei-answer" in answer_html(chat) and "問題太長" not in answer_html(chat)


def test_history_is_bounded(ui, engine):
    from dataclasses import replace

    engine.config = replace(engine.config, max_history_turns=3)
    chat: list = []
    for i in range(6):
        chat, _ = ask_once(ui, engine, f"第{i}個問題：處方箋如何配送？", chat)
    assert len(chat) == 6 and "第5個問題" in chat[-2]["content"]


def test_history_is_kept_under_the_request_limit(ui, engine):
    import json

    from chat.ui import HISTORY_MAX_BYTES, MAX_BODY, bounded

    # a tester's chat of long answers passed 256 KB at its 45th question: every later one got 413
    long_turn = [{"role": "user", "content": "問題"}, {"role": "assistant", "content": "引" * 3000}]
    history = long_turn * 60  # 60 turns of ~9 KB each: far over the limit, under max_history_turns
    kept = bounded(history, 100)
    assert len(json.dumps(kept, ensure_ascii=False).encode()) <= HISTORY_MAX_BYTES < MAX_BODY
    assert len(kept) % 2 == 0 and kept[0]["role"] == "user" and 10 < len(kept) < len(history)
    chat, _ = ask_once(ui, engine, "處方箋如何配送？", history)
    assert len(json.dumps(chat, ensure_ascii=False).encode()) <= HISTORY_MAX_BYTES
    assert chat[-2]["content"].startswith(
        '<div class="sousei-question">處方箋'
    )  # the newest turn kept, the oldest dropped
    restored = ui.restore_history(history)  # questions kept from before render_question: shown as typed, too
    assert len(json.dumps(restored, ensure_ascii=False).encode()) <= HISTORY_MAX_BYTES
    assert restored[-1] == history[-1] and restored[-2]["content"] == '<div class="sousei-question">問題</div>'


def test_off_corpus_question_gets_not_found_line_and_nearest(ui, engine):
    chat, _ = ask_once(ui, engine, "火星殖民地的氧氣配給制度是什麼？")
    html = answer_html(chat)
    assert "資料中找不到直接回答這個問題" in html and 'data-found="false"' in html


def test_follow_up_is_searched_with_previous_terms_and_says_so(ui, engine):
    chat, _ = ask_once(ui, engine, "地方創生臨時補助金的預算在2020年有多少？")
    chat, _ = ask_once(ui, engine, "2021年的呢？", chat)
    html = answer_html(chat)
    assert "搜尋：" in html and "2021" in html and "臨時補助金" in html.split("搜尋：")[1].split("</p>")[0]
    assert ui.previous_question(chat) == "2021年的呢？"


def test_a_follow_up_to_a_follow_up_carries_the_subject_on(ui, engine):
    # a tester's: 第三個呢？ after 第二項呢？ was searched with 第二項呢？ alone and refused
    chat, _ = ask_once(ui, engine, "地方創生臨時補助金的預算在2020年有多少？")
    chat, _ = ask_once(ui, engine, "2021年的呢？", chat)
    previous = ui.previous_turn(chat)
    assert previous is not None and "臨時補助金" in previous.question and "2021" in previous.question
    chat, _ = ask_once(ui, engine, "為什麼？", chat)
    searched = answer_html(chat).split("搜尋：")[1].split("</p>")[0]
    assert "臨時補助金" in searched and "為什麼" in searched  # not 2021年的呢？ 為什麼？ alone
    # a question asked alone is its own context (no data-searched)
    alone, _ = ask_once(ui, engine, Q_FOUND)
    assert ui.previous_turn(alone).question == Q_FOUND


def test_the_logs_trash_icon_clears_the_stored_chat_and_the_viewer_too(ui, engine):
    config = ui.make_app(engine).get_config_file()
    ids = {c.get("props", {}).get("elem_id"): c["id"] for c in config["components"]}
    log, viewer = ids["sousei-log"], ids["sousei-viewer"]
    stored = next(c["id"] for c in config["components"] if c.get("type") == "browserstate")
    on_clear = [d for d in config["dependencies"] if [log, "clear"] in [list(t) for t in d.get("targets", [])]]
    assert on_clear and set(on_clear[0]["outputs"]) == {log, stored, viewer}


def test_clear_chat_resets_log_and_viewer(ui):
    chat, stored, viewer = ui.clear_chat()
    assert chat == [] and stored == [] and ui.EMPTY_VIEWER in viewer


def test_restore_history_returns_what_the_browser_kept(ui):
    kept = [
        {"role": "user", "content": '<div class="sousei-question">問</div>'},
        {"role": "assistant", "content": "答"},
    ]
    assert ui.restore_history(kept) == kept and ui.restore_history(None) == []


def test_source_viewer_marks_the_quoted_sentence(ui, engine):
    chat, _ = ask_once(ui, engine, Q_FOUND)
    href = re.search(r'class="sousei-cite" href="([^"]+)"', answer_html(chat)).group(1)
    viewer = ui.show_source(engine, __import__("html").unescape(href))
    assert 'id="sousei-cited"' in viewer and 'id="sousei-quoted"' in viewer
    quoted = "".join(re.findall(r'<mark class="sousei-quoted"[^>]*>([^<]+)</mark>', viewer))
    assert "3兆日圓" in quoted and "sousei-source-head" in viewer  # marked across heading and paragraph


def test_citation_event_data_reaches_the_viewer(ui, engine):
    chat, _ = ask_once(ui, engine, "處方箋和藥劑要如何配送？")
    link = re.search(r'class="sousei-cite[^"]*" href="([^"]+)"', answer_html(chat))
    href = __import__("html").unescape(link.group(1))

    class Event:
        _data = {"href": href}

    assert 'id="sousei-cited"' in ui.on_citation(engine, Event())


def test_bad_citation_links_say_so(ui, engine):
    for href in ("", "#cite:nope:0:3", "javascript:alert(1)", "#cite:" + "x" * 500 + ":0:1"):
        assert ui.CITATION_GONE in ui.show_source(engine, href)


def test_missing_index_is_a_message_not_a_traceback(ui, tmp_path):
    config = Config.load(corpus_dir=tmp_path, index_dir=tmp_path / "none")
    engine = Engine.with_encoder(config, FakeEncoder(), say=lambda _m: None)
    chat, _ = ask_once(ui, engine, "地方創生是什麼？")
    assert "sousei build" in answer_html(chat)


def test_hostile_article_text_is_escaped_everywhere(ui, engine):
    chat, _ = ask_once(ui, engine, "溫泉鄉的雪燈籠祭典報名網址是什麼？")
    html = answer_html(chat)
    assert "<script>" not in html and "<img" not in html and 'href="javascript' not in html
    article = engine.article("hostile")
    from chat.render import render_viewer

    viewer = render_viewer(article, None)
    assert "<script>" not in viewer and "<img" not in viewer


def test_question_text_is_escaped_in_the_log(ui, engine):
    chat, _ = ask_once(ui, engine, "<script>alert(1)</script>地方創生？")
    assert "<script>" not in chat[0]["content"] and "<script>" not in answer_html(chat)


def test_vote_lands_in_the_feedback_file(ui, engine):
    chat, _ = ask_once(ui, engine, Q_FOUND)

    class Vote:
        index = 1
        liked = False
        value = None

    ui.record_vote(engine, chat, Vote())
    entries = engine.feedback()
    assert len(entries) == 1
    entry = entries[0]
    assert entry["vote"] == "down" and entry["question"] == Q_FOUND
    assert entry["passages"] and all(":" in pid for pid in entry["passages"])
    Vote.index, Vote.liked = 0, True  # a vote on the question itself is ignored
    ui.record_vote(engine, chat, Vote())
    assert len(engine.feedback()) == 1


class Like:
    """What Gradio's LikeData gives ``record_vote``: the message's index and ``liked`` (True / False, or ""
    when the vote shown is clicked again, taken back: checked in Gradio 6's chatbot, handle_like)."""

    def __init__(self, index: int, liked: bool | str) -> None:
        self.index, self.liked, self.value = index, liked, None


def test_a_changed_vote_replaces_the_earlier_one_and_a_vote_taken_back_is_removed(ui, engine):
    """👍 then 👎 on the same answer recorded both votes: the later replaces the earlier; clicking 👎 again
    (Gradio sends liked "") removes it. Votes on other answers, even to the same question, are kept."""
    chat, _ = ask_once(ui, engine, Q_FOUND)
    chat, _ = ask_once(ui, engine, Q_FOUND, chat)  # the same question again: another answer shown
    ui.record_vote(engine, chat, Like(3, True))  # the second answer: 👍
    ui.record_vote(engine, chat, Like(1, True))
    ui.record_vote(engine, chat, Like(1, False))  # the first answer: 👍, then 👎
    assert sorted(e["vote"] for e in engine.feedback()) == ["down", "up"]
    first = [e for e in engine.feedback() if e["answer"] == vote_key(ui.answer_id(chat[1]))]
    assert [e["vote"] for e in first] == ["down"] and first[0]["question"] == Q_FOUND
    ui.record_vote(engine, chat, Like(1, ""))  # 👎 clicked again: taken back
    assert [(e["answer"], e["vote"]) for e in engine.feedback()] == [(vote_key(ui.answer_id(chat[3])), "up")]
    assert ui.answer_id(chat[1]) != ui.answer_id(chat[3])


def test_a_vote_records_the_question_and_passages_shown_not_the_ones_the_browser_sends(ui, engine):
    """The chat comes back from the browser: a client rewrote an answer's data-question and data-cited (and
    its quoted passages) before voting. The vote records what the server showed with that answer's id."""
    chat, _ = ask_once(ui, engine, Q_FOUND)
    real = html.unescape(re.search(r'data-cited="([^"]*)"', answer_html(chat)).group(1)).split()
    assert real
    forged = re.sub(r'data-question="[^"]*"', 'data-question="從沒問過的問題"', answer_html(chat))
    forged = re.sub(r'data-cited="[^"]*"', 'data-cited="hostile:1 a:forged"', forged)
    chat = [chat[0], {**chat[1], "content": forged}]
    result = ui.record_vote(engine, chat, Like(1, False))
    assert [(e["question"], e["passages"], e["vote"]) for e in engine.feedback()] == [(Q_FOUND, real, "down")]
    shown, notice = result
    assert shown == {"__type__": "update"} and notice["visible"] is False


def test_a_forged_answer_id_is_refused_and_the_file_is_unchanged(ui, engine):
    """An answer id the server never gave (written into the message by a client) records nothing."""
    chat, _ = ask_once(ui, engine, Q_FOUND)
    ui.record_vote(engine, chat, Like(1, True))
    before = engine.config.feedback_file.read_bytes()
    sealed = ui.answer_id(chat[1])
    nonce, body, mac = sealed.split(".")
    other = ask_once(ui, engine, "總務省補助了哪些計畫？")[0][1]
    forgeries = [
        "a" * 32,  # an id of the form answers had before they were sealed
        f"{'a' * 32}.{body}.{mac}",  # another answer's nonce
        f"{nonce}.{body[:-2]}.{mac}",  # what was shown, altered
        f"{nonce}.{ui.answer_id(other).split('.')[1]}.{mac}",  # another answer's question and passages
        f"{nonce}.{body}.{'0' * 32}",
        f"{nonce}.{body}",
    ]
    for forgery in forgeries:
        forged = answer_html(chat).replace(f'data-answer="{sealed}"', f'data-answer="{forgery}"')
        assert forged != answer_html(chat)
        for liked in (False, True, ""):  # each one: nothing written (a vote, then another taken back, undid it)
            result = ui.record_vote(engine, [chat[0], {**chat[1], "content": forged}], Like(1, liked))
            assert engine.config.feedback_file.read_bytes() == before, (forgery, liked)
            assert "請重新提問" in result[1]["value"]
    assert [e["vote"] for e in engine.feedback()] == ["up"]  # the real answer's own vote, as it was


def test_a_vote_after_a_restart_on_an_answer_kept_in_the_browser_is_recorded(ui, engine):
    """The chat comes back from the browser after the server restarted (chat.secret keeps its key): a vote on
    an answer the first run showed is recorded by the second, with the question and passages shown, and the
    notice stays hidden."""
    chat, _ = ask_once(ui, engine, Q_FOUND)
    cited = html.unescape(re.search(r'data-cited="([^"]*)"', answer_html(chat)).group(1)).split()
    restarted = Engine.with_encoder(engine.config, FakeEncoder(), say=lambda _m: None, decision=FAKE_DECISION)
    shown, notice = ui.record_vote(restarted, chat, Like(1, True))
    assert notice["visible"] is False
    assert [(e["question"], e["passages"], e["vote"]) for e in restarted.feedback()] == [(Q_FOUND, cited, "up")]
    assert ui.votes_recorded(restarted, chat)["feedback_value"] == ["Like"]


def test_votes_without_an_answer_id_are_kept_and_answers_from_before_are_not_voted_on(ui, engine):
    """A vote recorded before answers had ids (or by ``sousei``'s own record) is kept when others change. An
    answer kept in a browser from before (no data-answer: named by a digest of its text) is no answer this
    server showed: a vote on it is refused, the notice says to ask again, and the file is unchanged."""
    from chat.feedback import record

    record(engine.config.feedback_file, "舊的問題", ["a:1"], "up")
    chat, _ = ask_once(ui, engine, Q_FOUND)
    old = [chat[0], {**chat[1], "content": re.sub(r' data-answer="[^"]+"', "", chat[1]["content"])}]
    assert "data-answer" in chat[1]["content"] and "data-answer" not in old[1]["content"]
    before = engine.config.feedback_file.read_bytes()
    result = ui.record_vote(engine, old, Like(1, True))
    assert engine.config.feedback_file.read_bytes() == before
    shown, notice = result
    assert notice["visible"] is True and "請重新提問" in notice["value"]
    assert shown["feedback_value"] == ["Like"]  # as the page shows it; the next step puts back what is recorded
    assert ui.votes_recorded(engine, old)["feedback_value"] == [None]
    ui.record_vote(engine, chat, Like(1, True))
    ui.record_vote(engine, chat, Like(1, False))
    votes = [(e["question"], e["vote"]) for e in engine.feedback()]
    assert votes == [("舊的問題", "up"), (Q_FOUND, "down")]
    with pytest.raises(SouseiError):
        ui.record_vote(engine, chat, Like(1, "Maybe"))  # sousei offers no other feedback option


# --------------------------------------------------------------------------- articles


def test_article_table_lists_title_author_date_and_counts(ui, engine):
    rows = ui.article_rows(engine)
    assert {r[-1] for r in rows} == {"a", "b", "hostile"}
    table = ui.render_article_table(rows)
    assert "<img" not in table and "片段" in table and "檢索段" not in table
    hostile = ui.render_article_table([('<img src=x onerror="alert(1)">', "", "", 1, 1, "x")])
    assert "<img" not in hostile and "&lt;img" in hostile


def test_article_table_cells_are_named_by_their_column_for_the_phones_cards(ui, engine):
    """On a phone each row is a card (the header row out of sight): every cell carries its column's name, the
    same cells and texts as before, in the same order, and the table keeps its roles for screen readers."""
    rows = ui.article_rows(engine)
    table = ui.render_article_table(rows)
    cells = re.findall(r'<td role="cell" data-label="([^"]*)">([^<]*)</td>', table)
    assert len(cells) == len(rows) * len(ui.TABLE_HEADERS)
    assert [label for label, _ in cells] == list(ui.TABLE_HEADERS) * len(rows)
    assert [html.unescape(text) for _, text in cells] == [str(cell) for row in rows for cell in row]
    assert table.count('<tr role="row">') == len(rows) + 1 and 'role="table"' in table
    assert table.count('<th role="columnheader">') == len(ui.TABLE_HEADERS)


def test_upload_adds_article_and_answers_from_it_without_restart(ui, engine, tmp_path):
    new = tmp_path / "yubari.txt"
    new.write_text(NEW_ARTICLE, encoding="utf-8")
    status, table, choices, trash, cleared = ui.add_articles(engine, [str(new)])
    assert "已加入" in status and cleared is None and "yubari" in table
    chat, _ = ask_once(ui, engine, "夕張市的雪融發電計畫每年發電多少？")
    assert "4200萬度" in answer_html(chat)


def test_uploads_in_gradio_cache_are_deleted_after_adding(ui, engine, tmp_path, monkeypatch):
    cache = tmp_path / "gradio-cache"
    (cache / "abc").mkdir(parents=True)
    upload = cache / "abc" / "yubari.txt"
    upload.write_text(NEW_ARTICLE, encoding="utf-8")
    outside = tmp_path / "keep.txt"
    outside.write_text(NEW_ARTICLE, encoding="utf-8")
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(cache))
    ui.add_articles(engine, [str(upload)])
    assert not upload.exists() and (engine.config.corpus_dir / "yubari.txt").exists()
    ui.discard_uploads([outside])
    assert outside.exists()  # never outside Gradio's cache


def test_upload_refuses_bad_type_and_changes_nothing(ui, engine, tmp_path):
    bad = tmp_path / "x.exe"
    bad.write_bytes(b"MZ")
    before = sorted(p.name for p in engine.config.corpus_dir.iterdir())
    status, *_ = ui.add_articles(engine, [str(bad)])
    assert "sousei-status-error" in status
    assert sorted(p.name for p in engine.config.corpus_dir.iterdir()) == before


# Technical tokens a Chinese message may keep: file types, the command, settings and encodings.
TECHNICAL = {"txt", "md", "html", "htm", "pdf", "docx", "exe", "sousei", "build", "UTF", "NUL", "max_upload_mb"}


def english_words(page_html: str, *names: str) -> set[str]:
    """Latin words left in the visible text of ``page_html`` once the given names (file names,
    paths) and the allowed technical tokens are taken out."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", page_html))
    for name in names:
        text = text.replace(name, " ")
    return set(re.findall(r"[A-Za-z_]{2,}", text)) - TECHNICAL


def test_refusals_are_traditional_chinese_with_what_to_do(ui, engine, tmp_path):
    """A refused upload (bad type, binary .txt), a missing index and a too-long question are told in
    Chinese, naming the file and saying what to do; English only for technical tokens."""
    exe = tmp_path / "x.exe"
    exe.write_bytes(b"MZ")
    binary = tmp_path / "image.txt"
    binary.write_bytes(bytes(range(256)) * 4)
    for path, reason in ((exe, "不支援的檔案類型"), (binary, "二進位資料")):
        status, *_ = ui.add_articles(engine, [str(path)])
        assert NOTHING_ADDED in status and path.name in status and reason in status and "請" in status, status
        assert not english_words(status, path.name), status
    missing = Engine.with_encoder(
        Config.load(corpus_dir=tmp_path, index_dir=tmp_path / "none"), FakeEncoder(), say=lambda _m: None
    )
    reply = answer_html(ask_once(ui, missing, "地方創生是什麼？")[0])
    assert "找不到索引" in reply and "sousei build" in reply and "重新整理索引" in reply
    assert not english_words(reply, "none") and str(tmp_path) not in reply, reply  # the folder by its name only
    reply = answer_html(ask_once(ui, engine, "地" * 600)[0])
    assert "問題太長" in reply and not english_words(reply), reply


def test_upload_without_files_is_a_message(ui, engine):
    status, *_ = ui.add_articles(engine, None)
    assert ui.NO_FILES in status


def test_remove_asks_first_then_moves_to_trash_and_restore_brings_it_back(ui, engine):
    status, row = ui.ask_remove(engine, "b")
    assert "回收區" in status and row["visible"] is True
    status, table, choices, trash, row = ui.remove_article(engine, "b")
    assert "已移到回收區：「地域未來構想20」（b）" in status and row["visible"] is False
    assert (engine.config.corpus_dir / ".trash" / "b.txt").exists()
    assert not (engine.config.corpus_dir / "b.txt").exists()
    assert (
        trash["choices"] and trash["choices"][0][1] == "b"
        if isinstance(trash["choices"][0], (list, tuple))
        else "b" in trash["choices"]
    )
    chat, _ = ask_once(ui, engine, Q_FOUND)
    assert "3兆日圓" not in answer_html(chat)
    status, *_ = ui.restore_article(engine, "b")
    assert "已還原：「地域未來構想20」（b）" in status and (engine.config.corpus_dir / "b.txt").exists()
    chat, _ = ask_once(ui, engine, Q_FOUND)
    assert "3兆日圓" in answer_html(chat)


def test_remove_without_choice_is_a_message(ui, engine):
    status, row = ui.ask_remove(engine, None)
    assert ui.NO_ARTICLE_CHOSEN in status and row["visible"] is False


def test_edit_title_author_date_writes_the_sidecar(ui, engine):
    assert ui.article_meta(engine, "a")[0]
    status, table, *_ = ui.save_meta(engine, "a", "新標題\x1b[31m", "作者甲", "2024-05-01")
    assert "已更新：「新標題" in status and "新標題" in table and "作者甲" in table
    sidecar = __import__("json").loads((engine.config.corpus_dir / "a.txt.meta.json").read_text(encoding="utf-8"))
    # the sidecar keeps what was typed; the control characters are cleaned when it is read (below)
    assert sidecar == {"title": "新標題\x1b[31m", "author": "作者甲", "published": "2024-05-01"}
    title, author, published = ui.article_meta(engine, "a")
    assert title.startswith("新標題") and "\x1b" not in title  # control characters never reach the page
    assert (author, published) == ("作者甲", "2024-05-01")


def test_upload_paths_accepts_gradio_file_objects(ui, tmp_path):
    class FileObj:
        def __init__(self, path):
            self.path = path

    assert ui.upload_paths([str(tmp_path / "a.txt"), FileObj(str(tmp_path / "b.txt"))]) == [
        tmp_path / "a.txt",
        tmp_path / "b.txt",
    ]


# --------------------------------------------------------------------------- serving


def test_default_host_is_local_and_quiet(ui, caplog):
    with caplog.at_level(logging.WARNING, logger="sousei.ui"):
        assert ui.check_host("127.0.0.1") is True
    assert not caplog.records


def test_other_host_is_logged_with_a_warning(ui, caplog):
    said: list[str] = []
    with caplog.at_level(logging.WARNING, logger="sousei.ui"):
        assert ui.check_host("0.0.0.0", said.append) is False
    assert said and "0.0.0.0" in said[0] and "--admin-key" in said[0]


def test_admin_allowed_only_locally_or_with_the_key(ui):
    assert ui.admin_allowed(Config.load(), None)
    remote = Config.load(host="0.0.0.0")
    assert not ui.admin_allowed(remote, None) and not ui.admin_allowed(remote, "")
    keyed = Config.load(host="0.0.0.0", admin_key="s3cret")
    assert ui.admin_allowed(keyed, "s3cret") and not ui.admin_allowed(keyed, "wrong")


def test_launch_options_bind_config_host_and_upload_limit(ui):
    options = ui.launch_options(Config.load(max_upload_mb=3, port=7999))
    assert options["server_name"] == "127.0.0.1" and options["server_port"] == 7999
    assert options["max_file_size"] == 3 * 1024 * 1024
    assert options["share"] is False and options["inbrowser"] is False and options["quiet"] is True


def test_busy_port_is_one_clear_line(ui):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(__import__("ingest.errors").errors.SouseiError) as err:
            ui.check_port("127.0.0.1", port)
    message = str(err.value)
    assert "--port" in message and str(port) in message and "\n" not in message


def test_serve_listens_on_127_0_0_1_only(ui, engine):
    port = free_port()
    engine = Engine.with_encoder(_config_like(engine, port=port), engine.encoder(), say=lambda _m: None)
    app = ui.serve(engine, block=False)
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:
            assert response.status == 200 and ui.APP_TITLE in response.read().decode("utf-8")
        assert app.server_name == "127.0.0.1"
        listening = [
            c
            for c in __import__("psutil").net_connections(kind="inet")
            if c.status == "LISTEN" and c.laddr and c.laddr.port == port
        ]
        assert listening and all(c.laddr.ip == "127.0.0.1" for c in listening)
    finally:
        app.close()


def test_server_refuses_uploads_over_the_limit(ui, engine):
    """Gradio's own upload route enforces ``max_upload_mb`` before any handler runs."""
    import httpx

    port = free_port()
    config = _config_like(engine, port=port, max_upload_mb=1)
    engine = Engine.with_encoder(config, engine.encoder(), say=lambda _m: None)
    app = ui.serve(engine, block=False, warm=False)
    try:
        url = f"http://127.0.0.1:{port}/gradio_api/upload"
        small = httpx.post(url, files={"files": ("ok.txt", "地方創生".encode())}, timeout=30)
        assert small.status_code == 200
        big = httpx.post(url, files={"files": ("big.txt", b"x" * (1024 * 1024 + 10))}, timeout=30)
        assert big.status_code == 413
    finally:
        app.close()


# --------------------------------------------------------------------------- admin actions over raw HTTP


def _dependency(config: dict, elem_id: str) -> int:
    """The function number of what a button's click does (what a client finds in /config): the first step
    that takes inputs, the click's own or one chained after it (an article change's click first locks
    the buttons, taking none)."""
    component = next(c["id"] for c in config["components"] if c.get("props", {}).get("elem_id") == elem_id)
    deps = [{"id": i, **dep} for i, dep in enumerate(config["dependencies"])]
    step = next(d for d in deps if any(t[0] == component for t in d.get("targets", [])))
    while not step.get("inputs"):
        step = next(d for d in deps if d.get("trigger_after") == step["id"])
    return step["id"]


def _load_dependency(config: dict, elem_id: str) -> int:
    """The page-load event that fills a dropdown's choices for the session."""
    component = next(c["id"] for c in config["components"] if c.get("props", {}).get("elem_id") == elem_id)
    for i, dep in enumerate(config["dependencies"]):
        if any(t[1] == "load" for t in dep.get("targets", [])) and component in dep.get("outputs", []):
            return dep.get("id", i)
    raise AssertionError(elem_id)


def _queue_call(base: str, fn: int, data: list, session: str | None = None) -> dict:
    """One call through /gradio_api/queue/join, as any HTTP client can make it."""
    import json
    import uuid

    import httpx

    session = session or uuid.uuid4().hex[:10]
    joined = httpx.post(
        base + "gradio_api/queue/join",
        timeout=30,
        json={"data": data, "fn_index": fn, "session_hash": session, "event_data": None},
    )
    assert joined.status_code == 200, joined.text
    with httpx.stream("GET", base + "gradio_api/queue/data", params={"session_hash": session}, timeout=60) as stream:
        for line in stream.iter_lines():
            if line.startswith("data:"):
                message = json.loads(line[5:])
                if message.get("msg") == "process_completed":
                    return message
    raise AssertionError("no process_completed")


@pytest.mark.parametrize("admin_key", ["", "s3cret"])
def test_admin_actions_need_the_key_beyond_loopback(ui, engine, admin_key):
    """Served on 0.0.0.0: remove / rebuild / restore / metadata over raw HTTP are refused without
    the key (and disabled when none is set); with the key they work."""
    import httpx

    port = free_port()
    config = _config_like(engine, port=port, host="0.0.0.0", admin_key=admin_key or None)
    engine = Engine.with_encoder(config, engine.encoder(), say=lambda _m: None)
    app = ui.serve(engine, block=False, warm=False)
    corpus = engine.config.corpus_dir
    try:
        base = f"http://127.0.0.1:{port}/"
        config = httpx.get(base + "config", timeout=10).json()
        remove = _dependency(config, "sousei-confirm-remove")
        session = "attacker01"  # a session whose article and trash choices are filled, as the page does
        _queue_call(base, _load_dependency(config, "sousei-remove-choice"), [], session)
        for key in ("", "wrong"):
            done = _queue_call(base, remove, ["b", key], session)
            status = done["output"]["data"][0]
            assert (ui.ADMIN_REFUSED if admin_key else ui.ADMIN_DISABLED) in status
            assert (corpus / "b.txt").exists()
        rebuild = _dependency(config, "sousei-rebuild")
        assert "sousei-status-error" in _queue_call(base, rebuild, ["wrong"])["output"]["data"][0]
        save = _dependency(config, "sousei-save-meta")
        _queue_call(base, save, ["a", "改掉的標題", "", "", "wrong"], session)
        assert not (corpus / "a.txt.meta.json").exists()
        if admin_key:
            done = _queue_call(base, remove, ["b", admin_key], session)
            assert "已移到回收區" in done["output"]["data"][0] and not (corpus / "b.txt").exists()
            restore = _dependency(config, "sousei-restore")
            assert "sousei-status-error" in _queue_call(base, restore, ["b", "wrong"], session)["output"]["data"][0]
            assert not (corpus / "b.txt").exists()
            assert "已還原" in _queue_call(base, restore, ["b", admin_key], session)["output"]["data"][0]
            assert (corpus / "b.txt").exists()
    finally:
        app.close()


def test_oversized_request_bodies_are_refused_before_gradio(ui, engine):
    """A 10M-character question never reaches the queue (413); normal questions still work."""
    import httpx

    port = free_port()
    engine = Engine.with_encoder(_config_like(engine, port=port), engine.encoder(), say=lambda _m: None)
    app = ui.serve(engine, block=False, warm=False)
    try:
        base = f"http://127.0.0.1:{port}/"
        config = httpx.get(base + "config", timeout=10).json()
        ask = next(d.get("id", i) for i, d in enumerate(config["dependencies"]) if d.get("api_name") == "ask")
        big = httpx.post(
            base + "gradio_api/queue/join",
            timeout=60,
            json={"data": ["地" * 10_000_000, []], "fn_index": ask, "session_hash": "x1"},
        )
        assert big.status_code == 413
        done = _queue_call(base, ask, [Q_FOUND, []])
        assert (
            "3兆日圓" in done["output"]["data"][0][-1]["content"][0]["text"]
            if isinstance(done["output"]["data"][0][-1]["content"], list)
            else "3兆日圓" in done["output"]["data"][0][-1]["content"]
        )
        page = httpx.get(base, timeout=10).text
        assert 'lang="zh-Hant"' in page and 'navigator,"language"' in page
    finally:
        app.close()


@pytest.mark.parametrize("date", ["下週二", "2023-13-45", "2021-02-30", "20211029x"])
def test_a_date_that_is_no_date_is_refused_and_changes_nothing(ui, engine, date):
    sidecar = engine.config.corpus_dir / "a.txt.meta.json"
    before = sidecar.read_text(encoding="utf-8") if sidecar.exists() else None
    status, _table, choice, _trash = ui.save_meta(engine, "a", "新標題", "作者甲", date)
    assert "不是日期" in status and "已更新" not in status
    assert choice["value"] == "a"  # the article stays chosen (a tester's: the form was wiped)
    assert (sidecar.read_text(encoding="utf-8") if sidecar.exists() else None) == before


def test_dates_as_people_write_them_are_accepted():
    from ingest.library import valid_date

    assert all(valid_date(d) for d in ["2021", "2021-10", "2021-10-29", "2021/10/29", "2021.10.29", "2021年10月29日"])
    assert not any(valid_date(d) for d in ["", "下週二", "2023-13-45", "2021-02-30", "21-10-29", "2021年13月"])


# --------------------------------------------------------------------------- the article tab's wiring


def _wiring(app) -> tuple[dict, dict[str, int]]:
    config = app.get_config_file()
    named = [c for c in config["components"] if c.get("props", {}).get("elem_id")]
    ids = {c["props"]["elem_id"]: c["id"] for c in named}
    return config, ids


CHANGES = {  # the button of each article change, and the status line it tells its result on
    "sousei-add": "sousei-status",
    "sousei-rebuild": "sousei-status",
    "sousei-save-meta": "sousei-status-article",
    "sousei-confirm-remove": "sousei-status-article",
    "sousei-restore": "sousei-status-trash",
}
LOCKED: tuple[str, ...] = ("sousei-add", "sousei-rebuild", "sousei-save-meta", "sousei-remove", "sousei-confirm-remove")
LOCKED += ("sousei-cancel-remove", "sousei-restore")


@pytest.mark.parametrize("button", list(CHANGES))
def test_every_button_that_changes_articles_is_locked_while_any_change_runs(ui, engine, button):
    """A restore or a removal left the other buttons enabled (an add locked only the upload box and its
    button): every change's click first disables all the change buttons (an add's the upload box too), the
    change follows, then they come back, also after a failed change."""
    config, ids = _wiring(ui.make_app(engine))
    deps = {dep["id"]: dep for dep in config["dependencies"]}
    (first,) = [d for d in deps.values() if [ids[button], "click"] in [list(t) for t in d["targets"]]]
    locked = {ids[i] for i in LOCKED} | ({ids["sousei-upload"]} if button == "sousei-add" else set())
    assert set(first["outputs"]) == locked, "the click only locks"
    assert first["queue"] is False  # at once, not after the changes queued before it
    (change,) = [d for d in deps.values() if d.get("trigger_after") == first["id"]]
    assert change["outputs"][0] == ids[CHANGES[button]] and not change["trigger_only_on_success"]
    (after,) = [d for d in deps.values() if d.get("trigger_after") == change["id"]]
    assert set(after["outputs"]) == set(first["outputs"])
    assert not after["trigger_only_on_success"], "enabled again after a failed change too"


def test_the_button_clicked_says_what_runs_and_all_come_back(ui):
    for running, saying in (("add", ui.LABEL_ADDING), ("restore", ui.LABEL_RESTORING), ("confirm", ui.LABEL_REMOVING)):
        updates = ui.changing_started(running)
        buttons = updates[1:] if running == "add" else updates  # an add locks the upload box first
        assert len(buttons) == len(ui.CHANGE_BUTTONS) and not any(u["interactive"] for u in updates)
        labels = dict(zip(ui.CHANGE_BUTTONS, (b["value"] for b in buttons), strict=True))
        assert labels[running] == saying
        assert all(label == ui.CHANGE_BUTTONS[name] for name, label in labels.items() if name != running)
    box, *buttons = ui.changing_ended(True, "add")
    assert box["interactive"] is True and all(b["interactive"] is True for b in buttons)
    assert [b["value"] for b in buttons] == list(ui.CHANGE_BUTTONS.values())
    assert [b["value"] for b in ui.changing_ended(True, "restore")] == list(ui.CHANGE_BUTTONS.values())
    updates = ui.changing_ended(False, "add")  # disabled off loopback without a key stays so
    assert not any(u["interactive"] for u in updates)


def test_article_changes_show_one_progress_bar_on_the_status_line(ui, engine):
    """An add, rebuild, removal, restore or metadata edit updates four or five outputs; Gradio drew a
    progress bar over each (overlapping); only the status line shows it."""
    config, ids = _wiring(ui.make_app(engine))
    changing = [d for d in config["dependencies"] if ids["sousei-articles"] in d["outputs"] and len(d["outputs"]) > 3]
    changing = [d for d in changing if not any(t[1] == "load" for t in d["targets"])]
    assert len(changing) == 5  # add, rebuild, confirm removal, restore, save
    lines = {ids[i] for i in ("sousei-status", "sousei-status-article", "sousei-status-trash")}
    for dep in changing:
        assert dep.get("show_progress_on") == [dep["outputs"][0]] and dep["outputs"][0] in lines, dep


def test_the_article_tab_tells_when_a_file_was_copied_in_by_hand_until_a_rebuild(ui, engine):
    """A file copied into the corpus folder by hand (or one edited there) was never shown in the article tab:
    the tab tells, in the words `sousei articles` warns with (escaped), pointing to 重新整理索引; nothing when
    the folder and the index agree."""
    corpus = engine.config.corpus_dir
    assert ui.out_of_step_notice(engine) == ""
    assert ui.show_out_of_step(engine)["visible"] is False
    (corpus / "yubari.txt").write_text(NEW_ARTICLE, encoding="utf-8")  # behind the page's back
    (corpus / "<img src=x onerror=alert(1)>.txt").write_text(NEW_ARTICLE + "\n二\n", encoding="utf-8")
    notice = ui.out_of_step_notice(engine)
    assert "文章資料夾與索引不一致：2 個檔案還沒建立索引（" in notice and "yubari.txt" in notice, notice
    assert "&lt;img src=x onerror=alert(1)&gt;.txt" in notice and "<img" not in notice
    assert notice.endswith("；請按「重新整理索引」重建索引</p></div>") and "sousei build" not in notice
    shown = ui.show_out_of_step(engine)
    assert shown["visible"] is True and shown["value"] == notice
    status, *_ = ui.rebuild(engine)
    assert "索引已更新" in status
    assert ui.out_of_step_notice(engine) == ""
    (corpus / "yubari.txt").unlink()  # and one deleted by hand
    assert "已不在文章資料夾中（yubari）" in ui.out_of_step_notice(engine)


def test_where_the_page_cannot_change_articles_the_notice_keeps_the_command(ui, engine):
    """Served beyond loopback without an admin key the rebuild button is disabled: the notice says to run
    `sousei build` (on the server), as the CLI does."""
    closed = Engine.with_encoder(_config_like(engine, host="0.0.0.0"), FakeEncoder(), say=lambda _m: None)
    (engine.config.corpus_dir / "yubari.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    assert ui.out_of_step_notice(closed).endswith("；請執行 sousei build 重建索引</p></div>")


def test_the_notice_is_told_on_load_on_opening_the_tab_and_after_each_change_never_per_question(
    ui, engine, monkeypatch
):
    """Wiring: the notice (above the article table) is updated when the page loads, when the 文章管理 tab is
    opened and at the end of each article change; no chat event touches it, and a question never checks."""
    config, ids = _wiring(ui.make_app(engine))
    notice = ids["sousei-out-of-step"]
    assert _next_in_layout(config["layout"], notice) == ids["sousei-articles"]
    assert by_elem_id(ui.make_app(engine), "sousei-out-of-step")["props"]["visible"] is False
    deps = {d["id"]: d for d in config["dependencies"]}
    telling = [d for d in deps.values() if notice in d["outputs"]]
    assert all(d["outputs"] == [notice] and d["show_progress"] == "hidden" for d in telling)
    triggers = sorted(tuple(t) for d in telling for t in d["targets"] if t[1] in ("load", "select"))
    articles_tab = next(c["id"] for c in config["components"] if c.get("props", {}).get("id") == "articles")
    assert (articles_tab, "select") in triggers and any(t[1] == "load" for t in triggers)
    for button in CHANGES:
        step = next(d for d in deps.values() if [ids[button], "click"] in [list(t) for t in d["targets"]])
        while (after := [d for d in deps.values() if d.get("trigger_after") == step["id"]]) != []:
            (step,) = after
        assert step["outputs"] == [notice], button  # the last step of the change
    chat_ids = {ids[i] for i in ("sousei-send", "sousei-question", "sousei-log")}
    assert not [d for d in telling if any(t[0] in chat_ids for t in d["targets"])]

    def checked(_self):
        raise AssertionError("out_of_step checked for a question")

    monkeypatch.setattr(Engine, "out_of_step", checked)
    chat, _ = ask_once(ui, engine, Q_FOUND)
    assert "3兆日圓" in answer_html(chat) or "1.5兆日圓" in answer_html(chat)


NO_OP = {"__type__": "update"}  # gr.update(): the page redraws nothing


def drop_in_by_another_process(source, corpus) -> None:
    """A file copied into the corpus folder by a process other than the server (as ``cp`` by hand)."""
    code = "import shutil, sys; shutil.copy(sys.argv[1], sys.argv[2])"
    subprocess.run([sys.executable, "-c", code, str(source), str(corpus)], check=True, timeout=60)


def test_the_timer_tells_a_file_dropped_in_by_another_process_until_the_rebuild(ui, engine, tmp_path):
    """The notice was told only in the tab where a change was made (or on opening the tab): another open page
    kept a stale one. The timer's check tells a file copied in meanwhile, takes the notice away after a rebuild
    made elsewhere, and sends nothing when the text shown is still right."""
    assert ui.check_out_of_step(engine, "") == NO_OP  # in step, nothing shown: nothing to send
    source = tmp_path / "yubari.txt"
    source.write_text(NEW_ARTICLE, encoding="utf-8")
    drop_in_by_another_process(source, engine.config.corpus_dir)
    told = ui.check_out_of_step(engine, "")
    assert told["visible"] is True and "還沒建立索引（yubari.txt）" in told["value"], told
    assert told["value"] == ui.out_of_step_notice(engine)
    assert ui.check_out_of_step(engine, told["value"]) == NO_OP  # the same text shown: no redraw
    assert ui.check_out_of_step(engine, None) == told  # a page that has shown nothing yet
    ui.rebuild(engine)  # as another tab's 重新整理索引 does
    cleared = ui.check_out_of_step(engine, told["value"])
    assert cleared == {"__type__": "update", "value": "", "visible": False}, cleared
    assert ui.check_out_of_step(engine, "") == NO_OP


def test_the_timer_checks_nothing_while_an_article_change_runs(ui, engine, monkeypatch):
    """Engine.out_of_step waits for a running build: a tick during a rebuild held a worker until it ended. While
    a change of this server runs (from any page) the tick sends nothing and does not check; after it, it does."""
    import threading

    changes = ui.ChangesRunning()
    entered, release = threading.Event(), threading.Event()

    def slow_change(_engine):
        entered.set()
        assert release.wait(30)
        return "done"

    counted = changes.around(slow_change)
    assert counted.__name__ == "slow_change"  # Gradio and the wiring tests read the handler's name
    worker = threading.Thread(target=counted, args=(engine,))
    worker.start()
    try:
        assert entered.wait(30)
        (engine.config.corpus_dir / "yubari.txt").write_text(NEW_ARTICLE, encoding="utf-8")
        checks: list[int] = []
        real = Engine.out_of_step

        def counted_check(self):
            checks.append(1)
            return real(self)

        monkeypatch.setattr(Engine, "out_of_step", counted_check)
        assert ui.check_out_of_step(engine, "", changes) == NO_OP and checks == []
    finally:
        release.set()
        worker.join(30)
    told = ui.check_out_of_step(engine, "", changes)
    assert told["visible"] is True and "yubari.txt" in told["value"] and checks == [1]


def test_every_page_checks_the_notice_on_a_timer_showing_no_progress(ui, engine, monkeypatch):
    """Wiring: a gr.Timer of Config.notice_seconds (15 to 30 s by default) ticks check_out_of_step with the
    notice shown as its input and only output, no progress shown (it flickered on each tick otherwise), not
    in the API, a page sending no tick while its last is unanswered; every change handler is counted by
    ChangesRunning."""
    assert 15 <= NOTICE_SECONDS == engine.config.notice_seconds <= 30
    config, ids = _wiring(ui.make_app(engine))
    (timer,) = [c for c in config["components"] if c["type"] == "timer"]
    assert timer["props"]["value"] == NOTICE_SECONDS and timer["props"]["active"] is True
    (tick,) = [d for d in config["dependencies"] if [timer["id"], "tick"] in [list(t) for t in d["targets"]]]
    notice = ids["sousei-out-of-step"]
    assert tick["inputs"] == [notice] and tick["outputs"] == [notice]
    assert tick["show_progress"] == "hidden" and tick["api_visibility"] == "private"
    # "hidden" alone still drew Gradio's timer over the shown notice at each tick: no progress target at all
    assert tick["show_progress_on"] == []
    assert tick["trigger_mode"] == "once"
    assert NOTICE_SECONDS_ENV == browser_support.NOTICE_SECONDS_ENV  # how the browser test shortens it
    monkeypatch.setenv(NOTICE_SECONDS_ENV, "1.5")  # read by Config.load, at the edge, like every setting
    quick = replace(engine, config=Config.load(corpus_dir=engine.config.corpus_dir, index_dir=engine.config.index_dir))
    config, _ = _wiring(ui.make_app(quick))
    assert [c["props"]["value"] for c in config["components"] if c["type"] == "timer"] == [1.5]


def test_trash_list_shows_titles_with_id_and_removal_time(ui, engine):
    """The 回收區 dropdown showed bare ids (000_52ed3b7e36387b18); it shows the title the article had,
    with its id and when it was removed, the value staying the id."""
    *_, trash, _row = ui.remove_article(engine, "b")
    (label, value), *_ = trash["choices"]
    assert value == "b"
    assert re.fullmatch(r"地域未來構想20（b，\d{4}-\d\d-\d\d \d\d:\d\d:\d\d 移除）", label), label
    status, *_ = ui.restore_article(engine, value)
    assert "已還原" in status and not (engine.config.corpus_dir / ".trash" / "b.txt.removed.json").exists()


def test_a_file_of_another_type_is_refused_in_chinese_when_chosen(ui, engine, tmp_path, monkeypatch):
    """Gradio refused a .csv in an English toast; the box's upload event takes it out with the refusal
    ``sousei add`` gives (Traditional Chinese, naming the accepted types) and keeps the others."""
    cache = tmp_path / "gradio"
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(cache))
    (cache / "h1").mkdir(parents=True)
    (cache / "h2").mkdir()
    csv, txt = cache / "h1" / "表格.csv", cache / "h2" / "yubari.txt"
    csv.write_text("a,b\n1,2\n", encoding="utf-8")
    txt.write_text(NEW_ARTICLE, encoding="utf-8")
    status, kept = ui.check_uploads(engine, [str(csv), str(txt)])
    assert "sousei-status-error" in status and ui.UPLOAD_REFUSED in status and "表格.csv" in status
    assert "不支援的檔案類型" in status and all(ext in status for ext in (".txt", ".md", ".pdf", ".html", ".docx"))
    assert not english_words(status, "表格.csv", "csv"), status
    assert kept == [str(txt)] and not csv.exists() and txt.exists()
    unchanged = ui.check_uploads(engine, [str(txt)])
    assert all(update == {"__type__": "update"} for update in unchanged)
    app = ui.make_app(engine)
    config, ids = _wiring(app)
    assert any([ids["sousei-upload"], "upload"] in [list(t) for t in d["targets"]] for d in config["dependencies"])


def _next_in_layout(layout: dict, component: int) -> int | None:
    """The id of the component laid out right after ``component`` in the same column or row."""
    children = layout.get("children") or []
    for i, child in enumerate(children):
        if child["id"] == component:
            return children[i + 1]["id"] if i + 1 < len(children) else None
        found = _next_in_layout(child, component)
        if found is not None:
            return found
    return None


def _status_lines_told(config: dict, ids: dict[str, int], elem_id: str) -> set[int]:
    """The status lines that the events of ``elem_id`` (and the steps chained after them) write to."""
    lines = {ids[i] for i in ("sousei-status", "sousei-status-article", "sousei-status-trash")}
    deps = {d["id"]: d for d in config["dependencies"]}
    started = {d["id"] for d in deps.values() if any(t[0] == ids[elem_id] for t in d["targets"])}
    while True:
        chained = {d["id"] for d in deps.values() if d.get("trigger_after") in started} - started
        if not chained:
            break
        started |= chained
    return {out for dep_id in started for out in deps[dep_id]["outputs"] if out in lines}


def test_each_status_line_is_right_under_the_buttons_whose_results_it_tells(ui, engine):
    """The article tab's one status line sat at the bottom of the tab, far from the buttons whose results it
    told: the upload box's buttons, the article's (save, remove, its confirmation) and the trash's each have
    their own line right under them, and their results (the confirmation asked too) go to that line."""
    config, ids = _wiring(ui.make_app(engine))
    layout = config["layout"]
    assert _next_in_layout(layout, ids["sousei-rebuild"]) == ids["sousei-status"]
    assert _next_in_layout(layout, ids["sousei-remove"]) == ids["sousei-status-article"]
    assert _next_in_layout(layout, ids["sousei-status-article"]) == ids["sousei-confirm-row"]
    assert _next_in_layout(layout, ids["sousei-restore"]) == ids["sousei-status-trash"]
    told = {
        "sousei-upload": "sousei-status",
        "sousei-add": "sousei-status",
        "sousei-rebuild": "sousei-status",
        "sousei-save-meta": "sousei-status-article",
        "sousei-remove": "sousei-status-article",
        "sousei-confirm-remove": "sousei-status-article",
        "sousei-cancel-remove": "sousei-status-article",
        "sousei-restore": "sousei-status-trash",
    }
    for button, line in told.items():
        assert _status_lines_told(config, ids, button) == {ids[line]}, button


def test_the_removal_is_confirmed_by_the_articles_title(ui, engine):
    """The confirmation named the article by its id (b, or 000_52ed3b7e36387b18): it names its title, the id
    in parentheses; an article the index does not have is named by its id."""
    status, row = ui.ask_remove(engine, "b")
    assert ui.CONFIRM_REMOVE.format(article="「地域未來構想20」（b）") in html.unescape(status)
    ui.save_meta(engine, "a", '<img src=x onerror="alert(1)">甲', "", "")
    hostile, _row = ui.ask_remove(engine, "a")
    assert "「&lt;img src=x" in hostile and "<img" not in hostile  # the title, escaped
    unknown, _row = ui.ask_remove(engine, "nowhere")
    assert ui.CONFIRM_REMOVE.format(article="「nowhere」") in html.unescape(unknown)


def test_a_change_to_an_article_another_tab_removed_says_so_without_server_paths(ui, engine):
    """Saving the title of an article another tab had removed showed the corpus folder's path on the server
    (…/corpus 裡沒有代號為 'b' 的文章…): it says the article is gone and what to do, and the list no longer
    offers it; so does removing it again, and restoring what another tab restored. No status line shows a
    server path."""
    corpus = str(engine.config.corpus_dir)
    ui.remove_article(engine, "b")  # in another tab
    for status, _table, choices, *_ in (
        ui.save_meta(engine, "b", "新標題", "", ""),
        ui.remove_article(engine, "b"),
    ):
        assert ui.ARTICLE_GONE in status and "sousei-status-error" in status, status
        assert corpus not in status and "/" not in html.unescape(re.sub(r"<[^>]+>", "", status)), status
        assert "b" not in [value for _label, value in choices["choices"]]
    ui.restore_article(engine, "b")  # in another tab
    status, *_ = ui.restore_article(engine, "b")
    assert ui.TRASH_GONE in status and corpus not in status, status
    assert (engine.config.corpus_dir / "b.txt").exists()


def test_errors_shown_in_the_page_never_name_server_paths(ui, engine, tmp_path):
    """An error the engine raises with a path in it (a missing index, a corpus folder gone) is shown with
    the folder's or file's name only, in the chat, the viewer and a status line."""
    index = tmp_path / "deep" / "server-only" / "index"
    missing = Engine.with_encoder(
        Config.load(corpus_dir=tmp_path / "gone", index_dir=index), FakeEncoder(), say=lambda _m: None
    )
    reply = answer_html(ask_once(ui, missing, "地方創生是什麼？")[0])
    viewer = ui.show_source(missing, "#cite:a:1:0:0")
    status, *_ = ui.rebuild(missing)
    for shown in (reply, viewer, status):
        assert "server-only" not in shown and str(tmp_path) not in shown, shown
    assert "找不到索引" in reply and "文章資料夾" in status and "gone" in status


def test_two_removals_in_the_same_minute_show_different_times(ui, engine):
    """The trash list showed the time to the minute: two removals of the same article a few seconds apart
    (restored in between) read alike; the time is shown to the second."""
    import time as clock
    from pathlib import Path

    from chat.render import trash_label
    from ingest.library import TrashedArticle

    minute = 1_700_000_040.0 - clock.localtime(1_700_000_040.0).tm_sec  # a minute's first second, local time
    latest = TrashedArticle("b", Path("b.txt"), "地域未來構想20", minute + 41)
    older = TrashedArticle("b.20231114-221403", Path("b.20231114-221403.txt"), "地域未來構想20", minute + 3, True)
    assert latest.removed != older.removed  # to the minute, the two read alike
    labels = [trash_label(latest), trash_label(older)]
    seconds = [re.search(r"\d\d:\d\d:(\d\d) 移除", label).group(1) for label in labels]
    assert seconds == ["41", "03"], labels
    assert labels[1].endswith("移除，較舊的版本）") and labels[0].startswith("地域未來構想20（b，")
    *_, trash, _row = ui.remove_article(engine, "b")
    shown = [label for label, _value in trash["choices"]]  # the list uses these labels
    assert shown == [trash_label(entry) for entry in engine.trash_entries()] and shown, shown


# --------------------------------------------------------------------------- contrast, and Gradio's strings in Chinese


AA_TEXT = 4.5  # WCAG 2 AA contrast for normal text

# (text colour, background) pairs of Gradio theme variables the app's text is drawn with
TEXT_ON_BACKGROUND = (
    ("color-accent", "background-fill-primary"),  # the selected tab
    ("color-accent", "color-accent-soft"),  # a cited passage's [n] on its soft background
    ("button-primary-text-color", "button-primary-background-fill"),  # 送出, 加入並更新索引
    ("button-primary-text-color", "button-primary-background-fill-hover"),
    ("button-cancel-text-color", "button-cancel-background-fill"),  # 移到回收區, 確定移除
    ("button-cancel-text-color", "button-cancel-background-fill-hover"),
    ("input-placeholder-color", "input-background-fill"),  # the question box's example question
)

_NAMED = {"white": "#ffffff", "black": "#000000"}


def css_blocks(css: str, selector: str) -> dict[str, str]:
    """The custom properties declared in every ``selector { ... }`` block of ``css`` (later ones win)."""
    found: dict[str, str] = {}
    for match in re.finditer(r"([^{}]+)\{([^{}]*)\}", re.sub(r"/\*.*?\*/", "", css, flags=re.S)):
        if match.group(1).strip() == selector:
            found.update(dict(re.findall(r"--([\w-]+)\s*:\s*([^;]+?)\s*(?:;|$)", match.group(2))))
    return found


def resolve(name: str, values: dict[str, str], depth: int = 0) -> str:
    value = values[name]
    inner = re.fullmatch(r"var\(--([\w-]+)\)", value)
    assert depth < 20, name
    return resolve(inner.group(1), values, depth + 1) if inner else value


def rgb(colour: str) -> tuple[float, float, float]:
    colour = _NAMED.get(colour.strip().lower(), colour.strip())
    if re.fullmatch(r"#[0-9a-fA-F]{3}", colour):
        colour = "#" + "".join(c * 2 for c in colour[1:])
    assert re.fullmatch(r"#[0-9a-fA-F]{6}", colour), colour
    return tuple(int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


def luminance(colour: str) -> float:
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(fg: str, bg: str) -> float:
    a, b = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def test_contrast_ratio_arithmetic():
    assert contrast("#000", "white") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # the usual "just fails" grey


def theme_values(app_css: str, dark: bool) -> dict[str, str]:
    """The theme variables as the browser resolves them: Gradio's default theme, then the app's CSS
    (light: ``:root``; dark: the theme's own dark selector over the light values)."""
    import gradio as gr

    theme_css = gr.themes.Default()._get_theme_css()
    dark_selector = ":root.dark, :root .dark"
    values = {**css_blocks(theme_css, ":root"), **css_blocks(app_css, ":root")}
    if dark:
        values.update({**css_blocks(theme_css, dark_selector), **css_blocks(app_css, dark_selector)})
    return values


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_the_apps_colours_reach_aa_contrast(dark):
    """The tester measured the orange [n] and the selected tab at 2.6-2.8:1, 送出 2.8:1, the placeholder 1.9:1;
    with the colours the app's CSS sets every pair of text and its background is at least 4.5:1."""
    from chat.ui import CSS

    values = theme_values(CSS, dark)
    ratios = {(fg, bg): contrast(resolve(fg, values), resolve(bg, values)) for fg, bg in TEXT_ON_BACKGROUND}
    low = {pair: round(ratio, 2) for pair, ratio in ratios.items() if ratio < AA_TEXT}
    assert not low, low


# --------------------------------------------------------------------------- Gradio's own strings in Chinese


def test_gradios_strings_its_chinese_dictionary_lacks_are_given_in_chinese():
    """Gradio 6.31's zh-TW dictionary lacks some of its strings (the progress bar's name, the queue's
    place...), shown in English; launch gives them in Traditional Chinese, by their full keys."""
    import gradio as gr

    from chat.config import Config
    from chat.ui import GRADIO_ZH_TW, launch_options

    i18n = launch_options(Config.load())["i18n"]
    assert isinstance(i18n, gr.I18n)
    given = i18n.translations_dict["zh-TW"]
    assert given == GRADIO_ZH_TW and {"common.progress", "status.queue_position"} <= set(given)
    for key, text in given.items():
        assert re.fullmatch(r"[a-z_]+\.[a-z_]+", key), key  # a full key: looked up before Gradio's own
        assert not re.search(r"[A-Za-z]", re.sub(r"\{\w+\}", "", text)), text  # {position} is filled in


def test_the_question_box_is_named_in_chinese_for_screen_readers(ui, engine):
    """The question box had no label: a screen reader named it by Gradio's default, "Textbox"."""
    box = by_elem_id(ui.make_app(engine), "sousei-question")
    assert box["props"]["label"] == ui.LABEL_QUESTION and box["props"]["show_label"] is False


def test_the_progress_bar_counts_in_chinese():
    """Gradio counts a progress bar in "steps" unless told another unit."""
    from chat.ui import PROGRESS_UNIT, progress_reporter

    calls: list[tuple] = []
    report = progress_reporter(lambda *args, **kwargs: calls.append((args, kwargs)))
    assert report is not None
    report(3, 10, "計算向量")
    assert calls == [(((3, 10),), {"desc": "計算向量", "unit": PROGRESS_UNIT})]
    assert not re.search(r"[A-Za-z]", PROGRESS_UNIT)


# --------------------------------------------------------------------------- a third UI tester's findings


def test_the_oldest_turns_dropped_are_told_in_a_notice_line(ui, engine):
    """The chat keeps at most max_history_turns turns: from the 51st the earliest went without a word. Once the
    oldest turn kept is no longer the conversation's first, a fixed line above the log says so (after a reload
    too); a new conversation (清除對話) has none."""
    from dataclasses import replace

    engine.config = replace(engine.config, max_history_turns=2)
    chat: list = []
    first = ""
    seen = []
    for i in range(3):
        chat, _ = ask_once(ui, engine, f"第{i}個問題：處方箋如何配送？", chat)
        votes, notice, first = ui.after_turn(engine, chat, first)
        seen.append(notice["visible"])
        assert votes["feedback_value"] == [None] * (len(chat) // 2)
    assert seen == [False, False, True] and len(chat) == 4
    assert "較早的對話已移除" in notice["value"] and "最多保留 2 輪" in notice["value"]
    restored, notice, first = ui.restore_chat(engine, chat, first)  # a reload
    assert restored["value"] == chat and notice["visible"] is True
    cleared = ui.confirm_clear()
    assert cleared[1] == [] and cleared[4] == "" and cleared[3]["visible"] is False
    chat, _ = ask_once(ui, engine, "處方箋如何配送？")
    assert ui.after_turn(engine, chat, cleared[4])[1]["visible"] is False


def test_a_question_is_shown_as_typed_not_as_markdown(ui, engine):
    """1. **GIGA School** 是什麼？ was shown as a numbered list with bold text: the question is one HTML block
    (which the chat's Markdown leaves alone) with its text escaped; one kept from before is shown so on load."""
    chat, _ = ask_once(ui, engine, "1. **GIGA School** 是什麼？<b>x</b>")
    assert chat[0]["content"] == '<div class="sousei-question">1. **GIGA School** 是什麼？&lt;b&gt;x&lt;/b&gt;</div>'
    old = [{"role": "user", "content": "1. **GIGA School** 是什麼？"}, chat[1]]
    assert ui.restore_history(old)[0]["content"] == '<div class="sousei-question">1. **GIGA School** 是什麼？</div>'


def test_the_votes_given_are_shown_again_after_a_reload(ui, engine):
    """After a reload a 👍/👎 given earlier was not shown as selected (the feedback file kept it): the log's
    feedback_value (one per reply, in order) is set from the file."""
    chat, _ = ask_once(ui, engine, Q_FOUND)
    chat, _ = ask_once(ui, engine, "處方箋和藥劑要如何配送？", chat)
    chat, _ = ask_once(ui, engine, Q_FOUND, chat)
    ui.record_vote(engine, chat, Like(1, True))
    ui.record_vote(engine, chat, Like(5, False))
    restored, _notice, _first = ui.restore_chat(engine, chat, "")
    assert restored["feedback_value"] == ["Like", None, "Dislike"]
    assert ui.after_turn(engine, chat, "")[0]["feedback_value"] == ["Like", None, "Dislike"]


def test_a_refused_question_gets_no_vote_and_no_copy_button(ui, engine):
    """問題太長（501 字）… and 問題只是同樣的字詞一再重複 got 👍/👎 and 複製回答 like answers: they are
    refusals (.sousei-error), whose row the page shows without 👍/👎, with no copy button, and a vote on one
    (sent anyway) is not recorded."""
    chat, _ = ask_once(ui, engine, "地方創生" * 200)
    chat, _ = ask_once(ui, engine, "補助金 " * 30, chat)
    for reply in (chat[1], chat[3]):
        assert reply["content"].startswith('<div class="sousei-answer sousei-error"'), reply["content"][:200]
        assert "sousei-copy" not in reply["content"]
    assert "一再重複" in chat[3]["content"]
    ui.record_vote(engine, chat, Like(1, True))
    ui.record_vote(engine, chat, Like(3, False))
    assert engine.feedback() == []
    assert "#sousei-log .message-row:has(.sousei-error) + .message-buttons { display: none; }" in ui.CSS


def test_a_title_with_a_closing_tag_is_shown_as_typed_in_the_status_line(ui, engine):
    """Saving the title …（修訂版）<b>x</b> showed <b>x<b> in the status line (/b> was taken for a server path)."""
    status, table, *_ = ui.save_meta(engine, "a", "雪國（修訂版）<b>x</b>", "", "")
    assert "雪國（修訂版）&lt;b&gt;x&lt;/b&gt;" in status and "&lt;/b&gt;" in table


def test_a_refusal_in_the_page_points_to_the_pages_removal_and_partial_refusals_are_warnings(ui, engine, tmp_path):
    """A same-name refusal told a web admin to run `sousei remove a`; in the page it names 選擇文章 and
    移到回收區. The refused file of an upload that added another was a plain black line: it is a warning
    (marked as a refused upload is)."""
    clash = tmp_path / "a.txt"
    clash.write_text("另一篇內容不同的文章。\n\n地方創生的其他內容。\n", encoding="utf-8")
    new = tmp_path / "yubari.txt"
    new.write_text(NEW_ARTICLE, encoding="utf-8")
    status, *_ = ui.add_articles(engine, [str(clash), str(new)])
    assert "已加入：yubari.txt" in status and "sousei remove" not in status
    warning = re.search(r'<p class="sousei-status-warning">([^<]*)</p>', status)
    assert warning and "a.txt" in warning.group(1)
    assert "在「選擇文章」選 a，按「移到回收區」" in warning.group(1)
    assert ui.LABEL_REMOVE == "移到回收區" and ui.LABEL_CHOICE.startswith("選擇文章")
    refused = ui.error_status(SouseiError("a.txt：請把新檔案改名，或先移除舊文章（sousei remove a）"))
    assert "sousei remove" not in refused and "按「移到回收區」" in refused


def test_clearing_the_chat_asks_first(ui, engine):
    """清除對話 (and the log's trash icon, which the page script sends to it) wiped the whole chat at once:
    it shows a confirmation; only 確定清除 clears the log, the kept chat, the viewer and the notice."""
    config = ui.make_app(engine).get_config_file()
    ids = {c.get("props", {}).get("elem_id"): c["id"] for c in config["components"]}

    def on_click(elem_id: str) -> list[dict]:
        return [d for d in config["dependencies"] if [ids[elem_id], "click"] in [list(t) for t in d["targets"]]]

    assert [d["outputs"] for d in on_click("sousei-clear")] == [[ids["sousei-confirm-clear-row"]]]
    assert [d["outputs"] for d in on_click("sousei-cancel-clear")] == [[ids["sousei-confirm-clear-row"]]]
    confirmed = set(on_click("sousei-confirm-clear")[0]["outputs"])
    assert {
        ids["sousei-log"],
        ids["sousei-viewer"],
        ids["sousei-dropped"],
        ids["sousei-confirm-clear-row"],
    } <= confirmed
    assert by_elem_id(ui.make_app(engine), "sousei-confirm-clear-row")["props"]["visible"] is False
    assert "#sousei-log .top-panel button" in ui.VIEWER_JS and ui.ask_clear()["visible"] is True


def test_gradios_complete_and_connection_lost_are_chinese(ui):
    """A screen reader read "common.complete" after a vote, an upload, a save; the toast when the server
    stopped was "Error — Connection to the server was lost. Attempting reconnection..."."""
    assert ui.GRADIO_ZH_TW["common.complete"] == "完成"
    assert "Connection to the server was lost" in ui.VIEWER_JS and ".toast-body" in ui.VIEWER_JS
