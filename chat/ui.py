"""The Gradio UI: a thin wiring of :class:`chat.engine.Engine` and :mod:`chat.render`.

Two tabs (Traditional Chinese throughout, ``<html lang="zh-Hant">``):

* 問答 — the conversation on Gradio's own ``gr.Chatbot`` (messages format): the log scrolls
  inside itself with the question box below it; each answer message is
  ``chat.render.render_chat_answer`` (quotes with [n], the cited passages, the others folded,
  a copy button); 👍/👎 (the Chatbot's like/dislike) go to the feedback file, naming the answer by its
  id only (``Engine.show`` gave it; the engine records the question and passages it showed); the history is
  kept in the browser (``gr.BrowserState``) until 清除對話. A click on [n] or a cited passage
  shows the article in the 原文 viewer with the quoted sentence marked.
* 文章管理 — the article list, upload (``Engine.add``), rebuild, removal with confirmation to
  ``corpus/.trash`` and restore, and editing of title / author / date (the sidecar); above the list, a
  notice when the article folder and the index disagree (``Engine.out_of_step``), to fix with 重新整理索引,
  checked again by every open page each ``Config.notice_seconds`` (20 s). On a phone each article of the list is a card.

Served beyond loopback, the article actions need the admin key (``--admin-key`` /
``SOUSEI_ADMIN_KEY``) in every call, checked on the server; without a key they are disabled.
Every string from an article, a file name or the user goes through ``chat.render``
(``html.escape``). Nothing runs at import time: Gradio is imported by :func:`make_app`.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import hmac
import html
import json
import logging
import os
import re
import socket
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from ingest.errors import SouseiError

if TYPE_CHECKING:  # pragma: no cover
    import gradio as gr

    from chat.config import Config
    from chat.engine import Engine
    from chat.followup import Previous
    from index.build import Progress

log = logging.getLogger("sousei.ui")

APP_TITLE = "地方創生政策問答"
APP_INTRO = (
    "回答都是文章原句的引用。點選 [n] 或引用段落，可在「原文」看到該句在文章中的位置（寬螢幕在右側，手機在下方）。"
)
LABEL_CHAT_TAB = "問答"
LABEL_ARTICLES_TAB = "文章管理"
LABEL_CHAT = "對話"
LABEL_QUESTION = "問題"
PLACEHOLDER_QUESTION = "輸入問題（最多 {cap} 字），例如：2021年的地方創生臨時補助金是多少？"
LABEL_SEND = "送出"
LABEL_CLEAR = "清除對話"
LABEL_CONFIRM_CLEAR = "確定清除"
CONFIRM_CLEAR = "確定要清除整個對話嗎？清除後無法復原。"
DROPPED_TURNS = "較早的對話已移除（最多保留 {turns} 輪問答、{kb} KB 文字）。"
LABEL_VIEWER = "原文"
LABEL_UPLOAD = "上傳文章（.txt .md .pdf .html .docx，可一次選多個檔案）"
LABEL_ADD = "加入並更新索引"
LABEL_ADDING = "正在加入並更新索引…（完成後才能再選檔案）"
LABEL_REBUILDING = "正在重新整理索引…"
LABEL_SAVING = "正在儲存並更新索引…"
LABEL_REMOVING = "正在移到回收區並更新索引…"
LABEL_RESTORING = "正在還原並更新索引…"
LABEL_REBUILD = "重新整理索引"
LABEL_CHOICE = "選擇文章（編輯標題等，或移到回收區）"
LABEL_REMOVE = "移到回收區"
LABEL_CONFIRM_REMOVE = "確定移除"
LABEL_CANCEL = "取消"
LABEL_TRASH = "回收區"
LABEL_RESTORE = "還原文章"
LABEL_TITLE = "標題"
LABEL_AUTHOR = "作者"
LABEL_DATE = "日期"
LABEL_SAVE_META = "儲存標題／作者／日期"
LABEL_ADMIN_KEY = "管理金鑰"
EMPTY_CHAT = "還沒有問題。請在下方輸入問題，或點選範例問題。"
EMPTY_VIEWER = "點選回答中的 [n] 或引用段落，這裡會顯示它在原文中的位置。"
EMPTY_ARTICLES = "目前沒有文章。"
NO_FILES = "請先選擇要上傳的檔案。"
UPLOAD_REFUSED = "這些檔案不能加入，已從上傳清單移除："
NO_ARTICLE_CHOSEN = "請先選擇文章。"
NO_TRASH_CHOSEN = "請先在回收區選擇要還原的文章。"
ARTICLE_GONE = "這篇文章已不在文章資料夾裡（可能已在其他分頁移除）；清單已更新，請重新選擇文章。"
TRASH_GONE = "這篇文章已不在回收區（可能已在其他分頁還原）；回收區清單已更新，請重新選擇。"
CITATION_GONE = "找不到這個引用段落（文章可能已移除），請重新提問。"
CONFIRM_REMOVE = "確定要把{article}移到回收區嗎？之後可在回收區還原。"
REMOVED = "已移到回收區：{article}，可在回收區還原。"
RESTORED = "已還原：{article}"
UPDATED = "已更新：{article}"
ADMIN_REFUSED = "需要管理金鑰才能變更文章（伺服器開放給其他電腦時）。"
ADMIN_DISABLED = "這個伺服器開放給其他電腦使用，且未設定管理金鑰（--admin-key），文章管理已停用。"
QUESTION_TOO_LONG = "問題太長（{n} 字），請縮短到 {cap} 字以內。"
# what a refusal tells a reader of the page to do where it tells a command-line user `sousei remove ID`
REMOVE_IN_PAGE = "在「選擇文章」選 {doc_id}，按「移到回收區」"
# ... and where the out-of-step notice (ingest.library.OutOfStep.describe) tells one to run `sousei build`
REBUILD_IN_PAGE = f"請按「{LABEL_REBUILD}」重建索引"
WARNING_PREFIX = "注意："
PROGRESS_UNIT = "項"  # the progress bar's 3 / 10 項
TABLE_HEADERS = ("標題", "作者", "日期", "段落", "片段", "代號")

EXAMPLE_QUESTIONS = (
    "日本希望打造一個多少人活躍的強韌社會？",
    "2021年的地方創生臨時補助金是多少？",
    "處方箋和藥劑要如何配送？",
    "國家戰略特區針對哪些領域做法規調適？",
)

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
ASK_CONCURRENCY = 4
HISTORY_KEY = "sousei-chat-history"
FIRST_TURN_KEY = "sousei-chat-first"  # the conversation's first answer: the dropped-turns notice
UPLOAD_CACHE_SECONDS = 3600  # Gradio's copies of uploads are deleted after this (delete_cache)
# How often every open page checks the out-of-step notice itself (a file copied in by hand, or a change made in
# another tab, was told only where the tab was opened or a change made): cheap (Engine.out_of_step stats the
# files, reading only changed ones), so a notice is at most this late. The environment variable shortens it for
# the browser tests.

CSS = """
/* secondary text (搜尋：…, 第n段, 其他相關段落) readable: Gradio's subdued grey is ~1.8:1 on its light
   background; these are about 7:1 on light and dark */
:root { --sousei-subdued: #52525b; }
.dark { --sousei-subdued: #a1a1aa; }
/* text at least 4.5:1 (WCAG AA) in both themes: Gradio's orange accent (the selected tab, a passage's [n]) was
   2.8:1 on white and 2.6:1 on its soft background, white on the primary buttons (送出) 2.8:1, on the stop
   buttons 3.8:1, the placeholder 1.9:1 (3.1:1 dark). Its theme variables, set again (dark: its own selector) */
:root { --color-accent: #c2410c; --button-primary-background-fill: #c2410c; --button-primary-border-color: #c2410c;
        --button-primary-background-fill-hover: #9a3412; --button-primary-border-color-hover: #9a3412;
        --button-cancel-background-fill: #b91c1c; --button-cancel-background-fill-hover: #991b1b;
        --input-placeholder-color: #71717a; }
:root.dark, :root .dark { --color-accent: #fdba74; --button-primary-background-fill: #c2410c;
        --button-primary-border-color: #c2410c; --button-primary-background-fill-hover: #9a3412;
        --button-primary-border-color-hover: #9a3412; --button-cancel-background-fill: #b91c1c;
        --button-cancel-background-fill-hover: #991b1b; --input-placeholder-color: #a1a1aa; }
#sousei-log .sousei-answer { line-height: 1.6; }
.sousei-quote { margin: .1em 0 .4em 0; font-size: 1.05em; }
.sousei-quote-header { display: block; font-size: .85em; white-space: pre-line;
  color: var(--sousei-subdued); }
.sousei-searched { color: var(--sousei-subdued); font-size: .9em; margin: 0 0 .3em 0; }
.sousei-sources { margin: .4em 0 .2em 0; padding-left: 0; list-style: none; font-size: .92em; }
.sousei-source-item { cursor: pointer; margin: 0 0 .5em 0; padding: .3em .5em; border-radius: 6px;
                      background: var(--background-fill-secondary); }
.sousei-source-item:hover { outline: 1px solid var(--border-color-accent); }
.sousei-passage-text { margin-top: .2em; }
.sousei-others summary { cursor: pointer; color: var(--sousei-subdued); font-size: .92em; }
.sousei-passages-heading { font-weight: 600; margin: .3em 0; font-size: .92em; }
.sousei-nearest .sousei-source-item { border-left: 3px solid #c98a00; }
.sousei-not-found { font-weight: 600; color: #a15c00; }
.sousei-uncertain-note { font-weight: 600; color: #8a5a00; background: #fff6e0; padding: 4px 8px; border-radius: 6px; }
.sousei-title { font-weight: 600; }
.sousei-n { font-weight: 600; color: var(--color-accent); }
.sousei-loc { color: var(--sousei-subdued); font-size: .9em; margin-left: .3em; white-space: nowrap; }
a.sousei-cite { cursor: pointer; font-weight: 600; text-decoration: none; font-size: .85em;
                background: var(--color-accent-soft); border-radius: 4px; padding: 0 .25em; margin-left: .15em; }
mark.sousei-quoted { background: #fff0a0; color: inherit; padding: 0 1px; }
sup.sousei-footnote { font-size: .7em; color: var(--sousei-subdued); margin: 0 .1em; }
/* Gradio's "scroll to the newest" arrow: in the corner, not over the middle of an answer's text */
#sousei-log .scroll-down-button-container { left: auto !important; right: 10px; transform: none !important;
                                            opacity: .8; }
.sousei-copy-text { display: none; }
.sousei-copy { margin-top: .3em; font-size: .85em; padding: .15em .6em; border-radius: 6px;
               border: 1px solid var(--border-color-primary); background: var(--background-fill-primary);
               cursor: pointer; }
.sousei-empty { color: var(--sousei-subdued); }
#sousei-viewer .sousei-source { display: flex; flex-direction: column; max-height: 70vh; }
#sousei-viewer .sousei-source-head { flex: none; border-bottom: 1px solid var(--border-color-primary);
                                     padding: .2em 0 .3em 0; }
#sousei-viewer .sousei-source-body { flex: 1 1 auto; min-height: 0; overflow-y: auto; padding: 0 .4em 0 0; }
#sousei-viewer .sousei-source-title { margin: 0; font-size: 1.05em; line-height: 1.4; display: -webkit-box;
                                      -webkit-box-orient: vertical; -webkit-line-clamp: 2; overflow: hidden; }
#sousei-viewer .sousei-source-date { margin: 0; color: var(--sousei-subdued); font-size: .85em; }
#sousei-viewer .sousei-para { margin: .4em 0; line-height: 1.6; }
#sousei-viewer .sousei-cited { border-left: 3px solid #e0b000; padding: .2em .4em; }
.sousei-table-wrap { overflow-x: auto; max-width: 100%; }
.sousei-table { width: 100%; border-collapse: collapse; }
.sousei-table td:last-child { word-break: break-all; font-size: .85em; }  /* 代號: a long hash */
.sousei-table th, .sousei-table td { border-bottom: 1px solid var(--border-color-primary); padding: .3em .5em;
                                     text-align: left; }
/* Gradio's prose styles frame the table, its rows and cells in dark lines (more specific than the two rules
   above): the table keeps only its light row lines, and on a phone the cards were boxes inside a box */
#sousei-articles .sousei-table { border: 0; padding: 0; margin: 0; }
#sousei-articles .sousei-table tr { border: 0; }
#sousei-articles .sousei-table th, #sousei-articles .sousei-table td {
  border: 0; border-bottom: 1px solid var(--border-color-primary); }
.sousei-status p { margin: .2em 0; }
.sousei-status-line:has(.progress-text) { min-height: 6em; }  /* room for the one progress bar of a change */
.sousei-status-error { background: #fdecee; border-left: 3px solid #b00020; border-radius: 6px; padding: .4em .8em; }
.sousei-status-error p, .sousei-error .sousei-message { color: #8c0019; }
/* a refused file (or another warning) among the lines of an upload that added others: shown as the refusal
   of an upload that added none is (it was a plain line) */
.sousei-status p.sousei-status-warning { color: #8c0019; background: #fdecee; border-left: 3px solid #b00020;
                                          border-radius: 6px; padding: .3em .8em; }
/* a reply that is no answer (a refused question, an error) gets no 👍/👎: the Chatbot puts them under every
   reply, in the element after its row */
#sousei-log .message-row:has(.sousei-error) + .message-buttons { display: none; }
/* the corpus folder and the index disagree (a file copied in or edited by hand): amber, not an error's red */
.sousei-out-of-step { color: #6b3f00; background: #fff4d6; border-left: 3px solid #c98a00; border-radius: 6px;
                      padding: .4em .8em; }
.sousei-out-of-step p { margin: 0; overflow-wrap: anywhere; }
#sousei-dropped { color: var(--sousei-subdued); font-size: .9em; }
#sousei-dropped p { margin: 0; }
.sousei-error .sousei-message { font-weight: 600; margin: 0; }
@media (max-width: 640px) {
  /* a phone: 段落 and 片段 (counts) give their width to the title */
  .sousei-table th:nth-child(4), .sousei-table td:nth-child(4),
  .sousei-table th:nth-child(5), .sousei-table td:nth-child(5) { display: none; }
  #sousei-viewer .sousei-source { max-height: 60vh; }
  /* a phone: answers use the log's width (Gradio keeps 20px margins and 60px free beside a bubble) */
  #sousei-log .message-row.bot-row { max-width: calc(100% - 44px); margin-left: 8px; margin-right: 36px; }
  /* ... but for a column on the right, where the trash icon (top) and the scroll-down arrow (bottom) are: the
     arrow covered an answer's text */
  #sousei-log .scroll-down-button-container { right: 4px; }
  /* tap targets at least 24×24 px (👍/👎 and the trash icon were 18×18, a [n] 26×15) */
  #sousei-log .icon-button { min-width: 28px; min-height: 28px; justify-content: center; align-items: center; }
  #sousei-log a.sousei-cite { display: inline-block; min-width: 24px; min-height: 24px; line-height: 24px;
                              text-align: center; }
  /* the article table: each article a card (a table of 作者, 日期 and 代號 beside the title needed a sideways
     scroll at 390 px): the title on a line of its own, then 作者 / 日期 / 代號, each named (the header row is
     for screen readers only) and each on one line unless longer than the card (the author was one character
     a line, an id broken mid-word); an empty one (no author) is left out */
  .sousei-table, .sousei-table tbody { display: block; }
  .sousei-table thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%);
                        white-space: nowrap; }
  .sousei-table tr { display: flex; flex-wrap: wrap; column-gap: 1em; row-gap: .15em; padding: .5em .3em;
                     border-bottom: 1px solid var(--border-color-primary); }
  .sousei-table td { display: block; flex: 0 1 auto; max-width: 100%; border: 0; padding: 0; font-size: .85em;
                     overflow-wrap: anywhere; word-break: normal; }
  .sousei-table td:first-child { flex: 1 1 100%; font-size: 1em; font-weight: 600; }
  .sousei-table td:last-child { word-break: normal; }  /* the wide screen's break-all, undone */
  .sousei-table td:not(:first-child)::before { content: attr(data-label); color: var(--sousei-subdued);
                                               margin-right: .4em; }
  .sousei-table td:empty { display: none; }
  #sousei-articles .sousei-table tr { margin: 0; border-bottom: 1px solid var(--border-color-primary); }
  #sousei-articles .sousei-table td { border: 0; }
}
/* the log's own trash icon (清空對話) floats in its top right corner, over the messages: a question's bubble
   keeps clear of that corner's column (on a phone it ran under the icon), and so does a long article name
   in a dropdown of the article tab of the dropdown's arrow (the name is cut with … before the arrow) */
#sousei-log .message-row.user-row { margin-right: 32px; }
@media (max-width: 640px) { #sousei-log .message-row.user-row { margin-right: 36px; } }
#sousei-remove-choice input, #sousei-trash input { padding-right: 26px; text-overflow: ellipsis; }
"""

# Sets the page language before Gradio's scripts run: Chromium then uses the Traditional
# Chinese glyph forms, and Gradio's own strings (upload box, progress, errors) its zh-TW texts.
LOCALE_HEAD = (
    b'<script>try{Object.defineProperty(navigator,"language",{get:()=>"zh-TW"});'
    b'Object.defineProperty(navigator,"languages",{get:()=>["zh-TW","zh"]});}catch(e){}'
    b'document.documentElement.lang="zh-Hant";</script>'
)

# Runs when the viewer mounts (``element``, ``trigger``, ``watch`` are given by gr.HTML). One
# capturing listener on the document turns a click on a citation marker or a cited passage
# into the viewer's ``click`` event (passage id + quoted sentence), and a click on a copy
# button into a clipboard write of the answer as plain text.
VIEWER_JS = r"""
window.souseiShowCitation = (data) => trigger('click', data);
if (!window.souseiListener) {
  window.souseiListener = true;
  const copyText = (text) => {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    const area = document.createElement('textarea'); area.value = text; document.body.appendChild(area);
    area.select(); document.execCommand('copy'); area.remove(); return Promise.resolve();
  };
  document.addEventListener('click', (event) => {
    const copy = event.target.closest ? event.target.closest('button.sousei-copy') : null;
    if (copy) {
      event.preventDefault();
      const text = copy.parentElement.querySelector('.sousei-copy-text');
      copyText(text ? text.textContent : '').then(() => { copy.textContent = '已複製'; });
      return;
    }
    // the log's trash icon asks first, as 清除對話 does (it cleared the whole chat at once)
    const trash = event.target.closest ? event.target.closest('#sousei-log .top-panel button') : null;
    const clear = document.querySelector('#sousei-clear');
    if (trash && clear) {
      event.preventDefault();
      event.stopPropagation();
      clear.click();
      return;
    }
    const target = event.target.closest ? event.target.closest('a.sousei-cite, li.sousei-source-item') : null;
    if (!target || target.closest('#sousei-viewer')) return;
    const link = target.matches('a') ? target : target.querySelector('a.sousei-cite');
    const href = link ? link.getAttribute('href') || '' : '';
    if (!href.startsWith('#cite:')) return;
    event.preventDefault();
    event.stopPropagation();
    window.souseiShowCitation({href: href});
    // the same citation again returns the same viewer: no change to watch, so scroll to it here
    // (a new one scrolls again when it arrives)
    setTimeout(() => window.souseiScrollViewer && window.souseiScrollViewer(), 300);
  }, true);
  // The chat log: when a new answer arrives, scroll the log (inside itself) so that the newest
  // question and the start of its answer are in view (long answers are read from the top).
  let answers = 0;
  const follow = () => {
    const log = document.querySelector('#sousei-log');
    if (!log) return;
    const all = log.querySelectorAll('.sousei-answer');
    if (all.length === answers) return;
    const grew = all.length > answers;
    answers = all.length;
    if (!grew) return;
    const newest = all[all.length - 1];
    const box = [...log.querySelectorAll('*')].find((e) => e.contains(newest) && e.scrollHeight > e.clientHeight + 4
                  && /(auto|scroll)/.test(getComputedStyle(e).overflowY));
    if (!box) return;
    const row = newest.closest('.message-row');
    let asked = row ? row.previousElementSibling : null;
    while (asked && !asked.classList.contains('message-row')) asked = asked.previousElementSibling;
    const top = (asked || row || newest).getBoundingClientRect().top;
    box.scrollTop += top - box.getBoundingClientRect().top - 8;
    const view = box.getBoundingClientRect();          // the page itself: the log back in the window
    if (view.top < 0 || view.bottom > innerHeight) window.scrollBy(0, view.top - 8);
  };
  window.souseiFollow = follow;
  // Screen readers: Gradio labels each message with its raw content ("assistant's message: <div class=…");
  // the label becomes the message's text (an answer's plain-text copy: its quotes and references). The
  // message is a div with no role, on which a label is not read: each message is an article (of the log).
  const readable = () => {
    for (const m of document.querySelectorAll('#sousei-log [data-testid="bot"], #sousei-log [data-testid="user"]')) {
      const copy = m.querySelector('.sousei-copy-text');
      const text = (copy ? copy.textContent : m.textContent).replace(/\s+/g, ' ').trim();
      const label = (m.dataset.testid === 'bot' ? '回答：' : '問題：') + text;
      if (m.getAttribute('aria-label') !== label) m.setAttribute('aria-label', label);
      if (m.getAttribute('role') !== 'article') m.setAttribute('role', 'article');
    }
    // a citation link [n] is named by what it opens (引用1：〈title〉第3段, its title: chat.render.citation_name),
    // not "[1]"; set here because Gradio's chat sanitiser drops aria-* attributes from a message
    for (const a of document.querySelectorAll('#sousei-log a.sousei-cite[title]')) {
      if (a.getAttribute('aria-label') !== a.title) a.setAttribute('aria-label', a.title);
    }
  };
  // The upload box takes any file (a refused type is told in the status line, in Chinese); the file
  // picker still offers the article types first.
  const accept = () => {
    for (const input of document.querySelectorAll('#sousei-upload input[type=file]:not([accept])')) {
      input.setAttribute('accept', '__ACCEPT__');
    }
  };
  // Gradio's own English names that its translations do not cover (set in its components' code): in Chinese
  const chinese = [
    [/^chatbot conversation$/, '對話紀錄'], [/^Scroll down$/, '捲到最新的訊息'], [/^More tabs$/, '更多分頁'],
    [/^Liked$/, '已按讚（再按一次取消）'], [/^Disliked$/, '已按不讚（再按一次取消）'],
    [/^Select example (\d+): /, '範例問題$1：'], [/^Click to upload or drop files$/, '點擊上傳或拖放檔案'],
    [/^File upload$/, '上傳檔案'], [/^Loading response$/, '正在回答'], [/^Loading content$/, '載入中'],
    [/^queue: /, '排隊中：'], [/^processing \|/, '處理中 |'], [/^Empty value$/, '（空白）'],
    // a toast (the server stopped): its title is its type, its text and close button Gradio's English
    [/^\s*Error\s*$/, '錯誤'], [/^\s*Warning\s*$/, '注意'], [/^\s*Info\s*$/, '訊息'], [/^\s*Success\s*$/, '完成'],
    [/^Connection to the server was lost\. Attempting reconnection\.\.\.$/, '與伺服器的連線中斷，正在重新連線…'],
    [/^Connection Lost$/, '連線中斷'], [/^Close$/, '關閉'],
  ];
  const translate = (text) => chinese.reduce((t, [english, zh]) => t.replace(english, zh), text);
  const inChinese = () => {
    for (const e of document.querySelectorAll('[aria-label], [title]')) {
      for (const name of ['aria-label', 'title']) {
        const text = e.getAttribute(name);
        if (text && /[A-Za-z]/.test(text) && translate(text) !== text) e.setAttribute(name, translate(text));
      }
    }
    // text in place (its node kept: Gradio updates the same node): hidden names and the progress line
    for (const e of document.querySelectorAll('.sr-only, .progress-text, .toast-body, .toast-body *')) {
      for (const node of e.childNodes) {
        if (node.nodeType === Node.TEXT_NODE && translate(node.data) !== node.data) node.data = translate(node.data);
      }
    }
  };
  window.souseiReadable = readable;
  // the names are put in Chinese at once (before the page is drawn or read again), the rest on the next frame
  const changed = () => { inChinese(); requestAnimationFrame(() => { follow(); readable(); accept(); }); };
  new MutationObserver(changed).observe(
    document.body,
    {childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ['aria-label', 'title']});
}
const toQuote = () => {
  // the paragraphs scroll in their own box under the title, which therefore never covers a line
  const box = element.querySelector('.sousei-source-body');
  const mark = element.querySelector('#sousei-quoted') || element.querySelector('#sousei-cited');
  if (!box || !mark) return;
  const offset = mark.getBoundingClientRect().top - box.getBoundingClientRect().top + box.scrollTop;
  box.scrollTop = Math.max(0, offset - box.clientHeight / 4);
  const r = element.getBoundingClientRect();
  if (r.top < 0 || r.top > window.innerHeight * 0.5) element.scrollIntoView({block: 'start'});
};
window.souseiScrollViewer = toQuote;
watch('value', toQuote);
"""


def viewer_js() -> str:
    """:data:`VIEWER_JS` with the article types the upload picker offers."""
    from chat.engine import Engine

    return VIEWER_JS.replace("__ACCEPT__", ",".join(Engine.article_types()))


# The confirmation of 清除對話 is brought into view (on a phone it appeared below the screen's edge, and the log's
# trash icon, at the top of the log, asks for it too)
SHOW_CONFIRM_CLEAR_JS = """() => { setTimeout(() => {
  const row = document.querySelector('#sousei-confirm-clear-row');
  if (row) row.scrollIntoView({block: 'nearest'});
}, 50); }"""


# An article tab's status line (added, refused, removed ...), right under its buttons, is brought into
# view when it changes (on a phone it can be below the screen's edge). So is the progress bar of an add /
# rebuild / removal / restore / save, which is shown on that status line only.
STATUS_JS = """
watch('value', () => {
  if (!element.textContent.trim()) return;
  const r = element.getBoundingClientRect();
  if (r.top < 0 || r.bottom > window.innerHeight) element.scrollIntoView({block: 'center'});
});
const block = element.closest('.sousei-status-line');
let running = false;
if (block) new MutationObserver(() => {
  const bar = block.querySelector('.progress-text, .eta-bar');
  const now = !!bar && bar.getBoundingClientRect().height > 0;
  if (now && !running) {
    const r = (bar.closest('.wrap') || block).getBoundingClientRect();
    if (r.top < 0 || r.bottom > window.innerHeight) block.scrollIntoView({block: 'center'});
  }
  running = now;
}).observe(block, {childList: true, subtree: true, attributes: true, attributeFilter: ['class']});
"""


# --------------------------------------------------------------------------- small HTML pieces


_CLI_REMOVE = re.compile(r"sousei remove ([^\s）)]+)")


def for_the_page(line: str) -> str:
    """A message as a reader of the page needs it: without the server's file paths (an error naming the corpus
    folder showed where it is on the server), and with the page's way to remove an article where the CLI's
    ``sousei remove ID`` is given (a same-name refusal told a web admin to run it)."""
    from chat.render import hide_paths

    return _CLI_REMOVE.sub(lambda m: REMOVE_IN_PAGE.format(doc_id=m.group(1)), hide_paths(line))


def render_status(lines: Sequence[str], error: bool = False) -> str:
    """A status line of the article tab, one paragraph per line, escaped (:func:`for_the_page`). A line
    that is a warning (注意：…, e.g. a file refused while others were added) is marked as the refusal of a
    whole upload is (``error``)."""
    from chat.render import esc

    cls = "sousei-status sousei-status-error" if error else "sousei-status"
    paragraphs = []
    for line in lines:
        warning = not error and line.startswith(WARNING_PREFIX)
        tag = '<p class="sousei-status-warning">' if warning else "<p>"
        paragraphs.append(f"{tag}{esc(for_the_page(line))}</p>")
    return f'<div class="{cls}">' + "".join(paragraphs) + "</div>"


def error_status(err: Exception) -> str:
    """A refused upload, a missing index, ...: the message (the same Traditional Chinese text the
    CLI prints, ``ingest.errors``), one paragraph per line, escaped."""
    lines = str(err).splitlines() or [type(err).__name__]
    return render_status(lines, error=True)


def render_placeholder(text: str) -> str:
    from chat.render import esc

    return f'<p class="sousei-empty">{esc(text)}</p>'


# --------------------------------------------------------------------------- chat


def message_text(message: dict) -> str:
    """The text of a Chatbot message (Gradio 6 gives content as a list of parts)."""
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return str(content.get("text") or content.get("value") or "")
    if isinstance(content, (list, tuple)):
        return "".join(message_text({"content": part}) for part in content)
    return ""


_DATA_QUESTION = re.compile(r'data-question="([^"]*)"')
_DATA_SEARCHED = re.compile(r'data-searched="([^"]*)"')
_DATA_CITED = re.compile(r'data-cited="([^"]*)"')
_DATA_QUOTED = re.compile(r'data-quoted="([^"]*)"')
_DATA_ANSWER = re.compile(r'data-answer="([0-9a-f]{32}(?:\.[A-Za-z0-9_-]+\.[0-9a-f]{32})?)"')
MAX_QUOTES_KEPT = 3  # an answer quotes at most three sentences; more in a message was not ours
MAX_QUOTE_CHARS = 2000


def asked_question(message: dict) -> str:
    """The full question an answer message answers (kept in its ``data-question``)."""
    found = _DATA_QUESTION.search(message_text(message))
    return html.unescape(found.group(1)) if found else ""


def previous_question(history: Sequence[dict]) -> str | None:
    for message in reversed(history):
        if message.get("role") == "assistant":
            return asked_question(message) or None
    return None


def previous_turn(history: Sequence[dict]) -> Previous | None:
    """The last question (what it searched when it was a follow-up, ``data-searched``), the passages
    its answer cited (``data-cited``) and the sentences it quoted (``data-quoted``), for a follow-up; a
    question about the chatbot in between (你是機器人嗎) is passed over, so that "那2020年呢？" after it
    still asks about the turn before."""
    from chat.config import MAX_QUESTION_CHARS
    from chat.followup import Previous, sets_context

    for message in reversed(history):
        if message.get("role") == "assistant":
            question = asked_question(message)
            if question and not sets_context(question):
                continue
            text = message_text(message)
            cited = _DATA_CITED.search(text)
            ids = tuple(html.unescape(cited.group(1)).split()) if cited else ()
            searched = _DATA_SEARCHED.search(text)  # 第三個呢？ after 第二個呢？: what that one searched
            context = html.unescape(searched.group(1))[:MAX_QUESTION_CHARS] if searched else question
            return Previous(context, ids, quoted_sentences(text)) if question else None
    return None


def quoted_sentences(message: str) -> tuple[str, ...]:
    """The quoted sentences kept in an answer message's ``data-quoted`` (none when it is missing
    or not a JSON list of strings: the message text comes back from the browser)."""
    found = _DATA_QUOTED.search(message)
    if not found:
        return ()
    try:
        quoted = json.loads(html.unescape(found.group(1)))
    except ValueError:
        return ()
    if not isinstance(quoted, list) or not all(isinstance(q, str) for q in quoted):
        return ()
    return tuple(q[:MAX_QUOTE_CHARS] for q in quoted[:MAX_QUOTES_KEPT])


MAX_BODY = 256 * 1024  # bytes of an API request body (PageLanguage refuses a longer one with 413)
# The chat goes back to the server with every question (and from the browser's storage on load), so it
# is kept to half of that: a tester's chat of long answers reached 256 KB at its 45th question, and
# every later question (and the reload) failed with 413.
HISTORY_MAX_BYTES = MAX_BODY // 2


def bounded(history: Sequence[dict], max_turns: int, max_bytes: int = HISTORY_MAX_BYTES) -> list[dict]:
    """At most ``max_turns`` question/answer pairs, the newest, and as many of them as fit in
    ``max_bytes`` of UTF-8 text (counted with JSON's quoting, as the browser sends them)."""
    kept = list(history)[-2 * max_turns :] if max_turns > 0 else []
    sizes = [len(json.dumps(m, ensure_ascii=False).encode("utf-8", "replace")) + 1 for m in kept]  # + its comma
    while kept and sum(sizes) > max_bytes:
        drop = 2 if len(kept) > 1 else 1  # a question and its answer go together
        kept, sizes = kept[drop:], sizes[drop:]
    return kept


def answer_message(engine: Engine, question: str, previous: str | Previous | None) -> str:
    """The rendered answer (or the error message, e.g. no index yet) for the chat."""
    from chat.render import hide_paths, refused_input, render_chat_answer, render_refusal

    try:
        answer = engine.answer(question, previous=previous)
    except SouseiError as err:
        return render_refusal(hide_paths(str(err)))
    searched = answer.question if answer.question.strip() != question.strip() else None
    shown = "" if refused_input(answer) else engine.show(question, answer)  # the id its 👍/👎 will name
    return render_chat_answer(answer, question, searched, answer_id=shown)


def ask(engine: Engine, question: str, history: list[dict] | None):
    """Handler for 送出 / Enter / an example: returns (chat log, the copy kept in the browser, the
    textbox: cleared, or the question kept when it is refused as too long, to be shortened)."""
    from chat.render import render_question, render_refusal

    history = bounded(history or [], engine.config.max_history_turns)
    question = (question or "").strip()
    if not question:
        return history, history, ""
    cap = engine.config.max_question_chars
    if len(question) > cap:
        reply, box = render_refusal(QUESTION_TOO_LONG.format(n=len(question), cap=cap)), question
    else:
        reply, box = answer_message(engine, question, previous_turn(history)), ""
    history = history + [
        {"role": "user", "content": render_question(question)},
        {"role": "assistant", "content": reply},
    ]
    history = bounded(history, engine.config.max_history_turns)
    return history, history, box


def ask_example(engine: Engine, history: list[dict] | None, evt: gr.SelectData):
    value = evt.value if isinstance(evt.value, dict) else {"text": str(evt.value)}
    return ask(engine, str(value.get("text", "")), history)


def restore_history(history: list[dict] | None):
    """On page load: the chat kept in this browser (as much of it as fits the request limit), each question
    shown as typed (one kept from before ``chat.render.render_question`` too)."""
    from chat.render import literal_question

    shown = [
        {**m, "content": literal_question(m["content"])}
        if m.get("role") == "user" and isinstance(m.get("content"), str)
        else m
        for m in history or []
    ]
    return bounded(shown, len(shown), HISTORY_MAX_BYTES)


def clear_chat():
    return [], [], render_placeholder(EMPTY_VIEWER)


def first_answer(history: Sequence[dict]) -> str:
    """What names a conversation's oldest turn still kept: its answer's id (``answer_id``), "" when empty."""
    for message in history:
        if message.get("role") == "assistant":
            return answer_id(message)
    return ""


def dropped_notice(engine: Engine, history: Sequence[dict] | None, first: str | None) -> tuple[Any, str]:
    """After each turn (and on load): (the notice line above the log, the oldest turn of this conversation,
    kept in the browser). The log keeps at most ``max_history_turns`` turns and ``HISTORY_MAX_BYTES`` of text,
    the oldest going first: they disappeared without a word (a tester's finding). The notice is shown once
    the oldest turn kept is no longer the conversation's first."""
    import gradio as gr

    oldest = first_answer(history or [])
    first = (first or oldest) if oldest else ""
    if not oldest or oldest == first:
        return gr.update(visible=False, value=""), first
    text = DROPPED_TURNS.format(turns=engine.config.max_history_turns, kb=HISTORY_MAX_BYTES // 1024)
    return gr.update(visible=True, value=render_placeholder(text)), first


VOTE_SHOWN = {"up": "Like", "down": "Dislike"}
REFUSAL_START = '<div class="sousei-answer sousei-error"'  # chat.render.render_refusal


def shown_votes(engine: Engine, history: Sequence[dict] | None) -> list[str | None]:
    """The 👍/👎 given to each reply of the chat (Gradio's ``feedback_value``: one per assistant message, in
    order), as the feedback file keeps them: after a reload no vote was shown."""
    from chat.feedback import vote_key

    try:
        entries = engine.feedback()
    except (SouseiError, OSError):
        entries = []
    votes = {e.get("answer"): VOTE_SHOWN.get(str(e.get("vote"))) for e in entries if e.get("answer")}
    return [votes.get(vote_key(answer_id(m))) for m in history or [] if m.get("role") == "assistant"]


def after_turn(engine: Engine, history: list[dict] | None, first: str | None):
    """After a question (or an example) was answered, and on load: (the log's votes shown, the dropped-turns
    notice, the conversation's first turn)."""
    import gradio as gr

    notice, first = dropped_notice(engine, history, first)
    return gr.update(feedback_value=shown_votes(engine, history)), notice, first


def restore_chat(engine: Engine, history: list[dict] | None, first: str | None):
    """On page load: the chat kept in this browser with the votes given to it, and the dropped-turns notice."""
    import gradio as gr

    kept = restore_history(history)
    notice, first = dropped_notice(engine, kept, first)
    return gr.update(value=kept, feedback_value=shown_votes(engine, kept)), notice, first


def ask_clear():
    """清除對話 (or the log's trash icon): the confirmation first."""
    import gradio as gr

    return gr.update(visible=True)


def confirm_clear():
    """The chat, the kept copy, the viewer, the votes shown and the notice emptied; the confirmation hidden."""
    import gradio as gr

    chat, stored, viewer = clear_chat()
    return (
        gr.update(value=chat, feedback_value=[]),
        stored,
        viewer,
        gr.update(visible=False, value=""),
        "",
        gr.update(visible=False),
    )


def answer_id(message: dict) -> str:
    """The id of the answer a message shows (its ``data-answer``); for an answer kept from before answers
    had one, a digest of the message (the same message, the same id)."""
    text = message_text(message)
    found = _DATA_ANSWER.search(text)
    return found.group(1) if found else "h" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:31]


def vote_of(liked: Any) -> str | None:
    """Gradio's ``LikeData.liked`` as a vote: True / "Like" is up, False / "Dislike" down, "" (the vote
    clicked again, taken back) None."""
    if liked is True or liked == "Like":
        return "up"
    if liked is False or liked == "Dislike":
        return "down"
    if liked in ("", None):
        return None
    raise SouseiError(f"評價必須是讚或不讚，而不是 {liked!r}")


def record_vote(engine: Engine, history: list[dict] | None, evt: gr.LikeData, first: str | None = ""):
    """👍/👎 on an answer: one vote per answer (a changed vote replaces the earlier, one taken back is removed).
    Only the answer's id is read from the message: the question and the cited passages recorded are the ones
    the server showed with it, sealed into its id (``Engine.record_feedback``), not what the browser sends back.
    Returns (the log's votes shown, the notice line): a vote the engine refuses (an id its key did not seal:
    forged or altered) is not recorded, and the notice says to ask again; the vote shown is then put back to
    the recorded one (:func:`votes_recorded`, the next step: Gradio's like buttons change only when the value
    sent changes).
    Votes recorded earlier are still shown (``shown_votes`` reads the feedback file)."""
    import gradio as gr

    from chat.render import hide_paths

    unchanged = gr.update(), gr.update()
    history = history or []
    index = evt.index if isinstance(evt.index, int) else evt.index[0]
    if not 0 <= index < len(history) or history[index].get("role") != "assistant":
        return unchanged
    message = history[index]
    if message_text(message).startswith(REFUSAL_START):  # a refused question is no answer to vote on
        return unchanged
    vote = vote_of(evt.liked)
    try:
        engine.record_feedback(vote=vote, answer=answer_id(message))
    except SouseiError as err:
        shown = shown_votes(engine, history)
        reply = sum(1 for m in history[:index] if m.get("role") == "assistant")
        shown[reply] = VOTE_SHOWN.get(vote or "")  # as the page shows it now, so that the next step changes it
        return gr.update(feedback_value=shown), gr.update(visible=True, value=render_placeholder(hide_paths(str(err))))
    return gr.update(), dropped_notice(engine, history, first)[0]


def votes_recorded(engine: Engine, history: list[dict] | None):
    """After a vote: the log's votes shown as the feedback file keeps them (a refused vote is not shown)."""
    import gradio as gr

    return gr.update(feedback_value=shown_votes(engine, history))


def show_source(engine: Engine, href: str) -> str:
    """The cited paragraph inside its whole article, the quoted sentence marked
    (``href`` is a citation link, ``chat.render.citation_href``)."""
    from chat.render import hide_paths, parse_citation_href, render_message, render_viewer

    parsed = parse_citation_href(href)
    if parsed is None:
        return render_message(CITATION_GONE)
    passage_id, start, end = parsed
    try:
        passage = engine.passage(passage_id)
        if passage is None:
            return render_message(CITATION_GONE)
        article = engine.article(passage.doc_id)
    except SouseiError as err:
        return render_message(hide_paths(str(err)))
    quote = passage.text[start:end] if end > start else ""
    return render_viewer(article, passage, [quote] if quote else [])


def on_citation(engine: Engine, evt: gr.EventData) -> str:
    data = getattr(evt, "_data", None) or {}
    return show_source(engine, str(data.get("href", ""))[:300])


# --------------------------------------------------------------------------- articles


def admin_allowed(config, key: str | None) -> bool:
    """Article changes: always on loopback; beyond it only with the configured key."""
    if config.host in LOCAL_HOSTS:
        return True
    return bool(config.admin_key) and hmac.compare_digest(str(key or "").encode(), config.admin_key.encode())


def changes_enabled(config: Config) -> bool:
    """Whether this page can change articles at all: on loopback, or beyond it with an admin key set."""
    return config.host in LOCAL_HOSTS or bool(config.admin_key)


def out_of_step_notice(engine: Engine) -> str:
    """The article tab's notice when the corpus folder and the index disagree (``Engine.out_of_step``: a file
    copied in or edited by hand, one deleted): the text ``sousei articles`` warns with, escaped, saying to
    press 重新整理索引 where it says to run ``sousei build`` (kept where this page cannot change articles);
    "" when they agree. Run when the tab is opened or the page loaded, after each article change and every
    ``Config.notice_seconds`` (:func:`check_out_of_step`), never per question."""
    from chat.render import esc

    stale = engine.out_of_step()
    if not stale:
        return ""
    text = stale.describe(REBUILD_IN_PAGE) if changes_enabled(engine.config) else stale.describe()
    return f'<div class="sousei-out-of-step" role="status"><p>{esc(text)}</p></div>'


def show_out_of_step(engine: Engine) -> dict[str, Any]:
    """:func:`out_of_step_notice` for its place above the article table, hidden when empty."""
    import gradio as gr

    notice = out_of_step_notice(engine)
    return gr.update(value=notice, visible=bool(notice))


class ChangesRunning:
    """The article changes (add, rebuild, save, removal, restore) running in this server, from any page: the
    timer's check of the notice (:func:`check_out_of_step`) is skipped meanwhile. ``Engine.out_of_step`` would
    wait for the build, holding a worker of the queue for as long, and the change tells the notice itself when
    it ends."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running = 0

    def around(self, change: Callable[..., Any]) -> Callable[..., Any]:
        """``change``, counted while it runs (its name kept: Gradio and the tests read it)."""

        @functools.wraps(change)
        def counted(*args, **kwargs):
            with self._lock:
                self._running += 1
            try:
                return change(*args, **kwargs)
            finally:
                with self._lock:
                    self._running -= 1

        return counted

    @contextlib.contextmanager
    def idle(self) -> Iterator[bool]:
        """Whether no change runs; none starts until the block ends (the check is not raced by a build)."""
        with self._lock:
            yield self._running == 0


def check_out_of_step(engine: Engine, shown: str | None, changes: ChangesRunning | None = None) -> dict[str, Any]:
    """The timer's tick: :func:`show_out_of_step` when the notice's text differs from the one ``shown`` in the
    page (a file copied in by hand, a change made in another tab), else a no-op update (nothing sent to
    redraw); a no-op too while an article change of this server runs (see :class:`ChangesRunning`)."""
    import gradio as gr

    with (changes or ChangesRunning()).idle() as idle:
        if not idle:
            return gr.update()
        notice = out_of_step_notice(engine)
    if notice == (shown or ""):
        return gr.update()
    return gr.update(value=notice, visible=bool(notice))


def article_rows(engine: Engine) -> list[tuple[str, str, str, int, int, str]]:
    """(title, author, date, paragraphs, passages, doc_id) for every indexed article."""
    counts = engine.passage_counts()
    return [
        (
            a.meta.title,
            a.meta.author or "",
            a.meta.published or "",
            len(a.paragraphs),
            counts.get(a.doc_id, 0),
            a.doc_id,
        )
        for a in engine.articles()
    ]


def render_article_table(rows: Sequence[tuple]) -> str:
    from chat.render import esc

    if not rows:
        return render_placeholder(EMPTY_ARTICLES)
    # the roles: a phone lays the rows out as cards (CSS), which drops a table's meaning for screen readers;
    # data-label: a card's cells are named by their column, the header row being out of sight there
    head = "".join(f'<th role="columnheader">{esc(h)}</th>' for h in TABLE_HEADERS)
    body = "".join(
        '<tr role="row">'
        + "".join(
            f'<td role="cell" data-label="{esc(label)}">{esc(str(cell))}</td>'
            for label, cell in zip(TABLE_HEADERS, row)
        )
        + "</tr>"
        for row in rows
    )
    table = (
        f'<table class="sousei-table" role="table"><thead><tr role="row">{head}</tr></thead>'
        f"<tbody>{body}</tbody></table>"
    )
    return f'<div class="sousei-table-wrap">{table}</div>'


def article_choices(rows: Sequence[tuple]) -> list[tuple[str, str]]:
    return [(f"{row[0]}（{row[-1]}）", row[-1]) for row in rows]


def trash_choices(engine: Engine) -> list[tuple[str, str]]:
    """The 回收區 list: (title（id，time 移除）, id), most recently removed first, the time to the second
    (``sousei restore`` without an id prints the same labels, to the minute)."""
    from chat.render import trash_label

    return [(trash_label(entry), entry.doc_id) for entry in engine.trash_entries()]


def refresh_articles(engine: Engine, chosen: str | None = None):
    """Article table, the article dropdown (``chosen`` stays selected when still listed) and the
    trash dropdown."""
    import gradio as gr

    trash = gr.update(choices=trash_choices(engine), value=None)
    try:
        rows = article_rows(engine)
    except SouseiError as err:
        return error_status(err), gr.update(choices=[], value=None), trash
    choices = article_choices(rows)
    kept = chosen if chosen in {value for _, value in choices} else None
    return render_article_table(rows), gr.update(choices=choices, value=kept), trash


def progress_reporter(progress: Callable[..., Any] | None) -> Progress | None:
    """Adapts a ``gr.Progress`` to the ``(done, total, message)`` callback of ``Engine``."""
    if progress is None:
        return None

    def report(done: int, total: int, message: str) -> None:
        progress((done, total) if total else None, desc=message, unit=PROGRESS_UNIT)  # Gradio's default: steps

    return report


def report_lines(report) -> list[str]:
    lines = [
        f"索引已更新：文章 {report.documents} 篇、片段 {report.passages} 個"
        f"（新計算 {report.embedded}、沿用 {report.reused}），移除 {report.removed} 篇，"
        f"耗時 {report.seconds:.1f} 秒。"
    ]
    lines.extend(f"{WARNING_PREFIX}{w}" for w in report.warnings)
    return lines


def added_line(item) -> str:
    """One line per uploaded file: added, or already there (same name, or same bytes: not copied)."""
    name = Path(item).name
    if getattr(item, "status", "added") == "unchanged":
        return f"已有相同的檔案，未變更：{name}"
    if getattr(item, "status", "added") == "duplicate":
        return f"{Path(item.source).name} {item.duplicate_notice}"
    return f"已加入：{name}"


def upload_paths(files: Sequence[Any] | None) -> list[Path]:
    """Local paths of the files Gradio received (strings or objects with ``.name``/``.path``)."""
    paths = []
    for item in files or []:
        path = item if isinstance(item, (str, Path)) else getattr(item, "path", None) or item.name
        paths.append(Path(path))
    return paths


def gradio_cache_dir() -> Path:
    return Path(os.environ.get("GRADIO_TEMP_DIR") or Path(tempfile.gettempdir()) / "gradio").resolve()


def discard_uploads(paths: Sequence[Path]) -> None:
    """Gradio's copies of the uploads (inside its cache folder only) are deleted once handled."""
    cache = gradio_cache_dir()
    for path in paths:
        resolved = Path(path).resolve()
        if resolved.is_relative_to(cache) and resolved.is_file():
            resolved.unlink(missing_ok=True)


def _guarded(engine: Engine, key: str | None, n_outputs: int):
    """``None`` when the call may change articles; otherwise the refusal outputs."""
    if admin_allowed(engine.config, key):
        return None
    message = ADMIN_REFUSED if engine.config.admin_key else ADMIN_DISABLED
    return (render_status([message], error=True), *refresh_articles(engine))[:n_outputs]


def add_articles(engine: Engine, files, key: str | None = None, progress: Callable[..., Any] | None = None):
    """Copy the uploads into the corpus and rebuild; (status, table, choices, trash, cleared files)."""
    paths = upload_paths(files)
    try:
        refused = _guarded(engine, key, 4)
        if refused:
            return (*refused, None)
        if not paths:
            return (render_status([NO_FILES], error=True), *refresh_articles(engine), None)
        try:
            added, report = engine.add(paths, progress_reporter(progress))
        except SouseiError as err:
            return (error_status(err), *refresh_articles(engine), None)
        lines = [added_line(item) for item in added] + report_lines(report)
        return (render_status(lines), *refresh_articles(engine), None)
    finally:
        discard_uploads(paths)


def check_uploads(engine: Engine, files):
    """The upload box's upload event: a file of a type sousei does not read is taken out of the box at
    once, with the refusal ``sousei add`` gives it, in the status line; (status, files kept)."""
    import gradio as gr

    paths = upload_paths(files)
    refused = {path: reason for path in paths if (reason := engine.type_refusal(path))}
    if not refused:
        return gr.update(), gr.update()
    discard_uploads(list(refused))
    kept = [str(path) for path in paths if path not in refused]
    lines = [UPLOAD_REFUSED, *(f"- {reason}" for reason in refused.values())]
    return render_status(lines, error=True), kept or None


# The buttons that change articles (each is locked while any change runs), with their labels, and what
# the one clicked says meanwhile
CHANGE_BUTTONS = {
    "add": LABEL_ADD,
    "rebuild": LABEL_REBUILD,
    "save": LABEL_SAVE_META,
    "remove": LABEL_REMOVE,
    "confirm": LABEL_CONFIRM_REMOVE,
    "cancel": LABEL_CANCEL,
    "restore": LABEL_RESTORE,
}
CHANGE_RUNNING = {
    "add": LABEL_ADDING,
    "rebuild": LABEL_REBUILDING,
    "save": LABEL_SAVING,
    "confirm": LABEL_REMOVING,
    "restore": LABEL_RESTORING,
}


def changing_started(running: str) -> tuple:
    """Before an article change runs (add, rebuild, save, removal, restore): every button of
    :data:`CHANGE_BUTTONS` disabled, the one clicked saying what runs (a restore or removal left them
    enabled, an add locked its own button only, so a second change could be asked for meanwhile); for an
    add the upload box first (a file chosen during it would be cleared with the box, never added)."""
    import gradio as gr

    buttons = tuple(
        gr.update(interactive=False, value=CHANGE_RUNNING.get(name, label) if name == running else label)
        for name, label in CHANGE_BUTTONS.items()
    )
    return (gr.update(interactive=False), *buttons) if running == "add" else buttons


def changing_ended(enabled: bool = True, ended: str = "") -> tuple:
    """After the change ``ended`` (done, refused or failed): the buttons (and after an add the upload box)
    as they were, disabled when article changes are (off loopback without a key)."""
    import gradio as gr

    buttons = tuple(gr.update(interactive=enabled, value=label) for label in CHANGE_BUTTONS.values())
    return (gr.update(interactive=enabled), *buttons) if ended == "add" else buttons


def rebuild(engine: Engine, key: str | None = None, progress: Callable[..., Any] | None = None):
    refused = _guarded(engine, key, 4)
    if refused:
        return refused
    try:
        report = engine.rebuild(progress_reporter(progress))
    except SouseiError as err:
        return (error_status(err), *refresh_articles(engine))
    return (render_status(report_lines(report)), *refresh_articles(engine))


def article_name(engine: Engine, doc_id: str, title: str | None = None) -> str:
    """How a status line names an article: 「title」（id）, the title as indexed unless given; 「id」 when
    the title is not known (the index lacks the article, or has none)."""
    from chat.render import short_title

    if title is None:
        try:
            title = engine.article(doc_id).meta.title
        except SouseiError:
            title = None
    title = " ".join((title or "").split())
    return f"「{short_title(title)}」（{doc_id}）" if title and title != doc_id else f"「{doc_id}」"


def article_exists(engine: Engine, doc_id: str) -> bool:
    """Whether the corpus folder still has the article (another tab or ``sousei remove`` may have removed it
    since the list was shown)."""
    return engine.has_article(doc_id)


def ask_remove(engine: Engine, doc_id: str | None):
    """First step of a removal: the confirmation row with the article named by its title (and id)."""
    import gradio as gr

    if not doc_id:
        return render_status([NO_ARTICLE_CHOSEN], error=True), gr.update(visible=False)
    return render_status([CONFIRM_REMOVE.format(article=article_name(engine, doc_id))]), gr.update(visible=True)


def cancel_remove():
    import gradio as gr

    return render_status([]), gr.update(visible=False)


def remove_article(
    engine: Engine, doc_id: str | None, key: str | None = None, progress: Callable[..., Any] | None = None
):
    """Moves the article to the trash and rebuilds; (status, table, choices, trash, confirm row)."""
    import gradio as gr

    hide = gr.update(visible=False)
    refused = _guarded(engine, key, 4)
    if refused:
        return (*refused, hide)
    if not doc_id:
        return (render_status([NO_ARTICLE_CHOSEN], error=True), *refresh_articles(engine), hide)
    try:
        if not article_exists(engine, doc_id):  # removed meanwhile (in another tab)
            return (render_status([ARTICLE_GONE], error=True), *refresh_articles(engine), hide)
        name = article_name(engine, doc_id)  # before it leaves the index
        report = engine.remove(doc_id, progress_reporter(progress))
    except SouseiError as err:
        return (error_status(err), *refresh_articles(engine), hide)
    lines = [REMOVED.format(article=name), *report_lines(report)]
    return (render_status(lines), *refresh_articles(engine), hide)


def restore_article(
    engine: Engine, doc_id: str | None, key: str | None = None, progress: Callable[..., Any] | None = None
):
    refused = _guarded(engine, key, 4)
    if refused:
        return refused
    if not doc_id:
        return (render_status([NO_TRASH_CHOSEN], error=True), *refresh_articles(engine))
    entry = next((e for e in engine.trash_entries() if e.doc_id == doc_id), None)
    if entry is None:  # restored meanwhile (in another tab)
        return (render_status([TRASH_GONE], error=True), *refresh_articles(engine))
    try:
        report = engine.restore(doc_id, progress_reporter(progress))
    except SouseiError as err:
        return (error_status(err), *refresh_articles(engine))
    name = article_name(engine, entry.article_id, entry.title)
    return (render_status([RESTORED.format(article=name), *report_lines(report)]), *refresh_articles(engine))


def article_meta(engine: Engine, doc_id: str | None):
    """Title, author and date of the chosen article, for editing."""
    if not doc_id:
        return "", "", ""
    try:
        meta = engine.article(doc_id).meta
    except SouseiError:
        return "", "", ""
    return meta.title, meta.author or "", meta.published or ""


def save_meta(
    engine: Engine,
    doc_id: str | None,
    title: str,
    author: str,
    published: str,
    key: str | None = None,
    progress: Callable[..., Any] | None = None,
):
    refused = _guarded(engine, key, 4)
    if refused:
        return refused
    if not doc_id:
        return (render_status([NO_ARTICLE_CHOSEN], error=True), *refresh_articles(engine))
    try:
        if not article_exists(engine, doc_id):  # removed meanwhile (in another tab): what was typed has no article
            return (render_status([ARTICLE_GONE], error=True), *refresh_articles(engine))
        report = engine.edit_meta(doc_id, title, author, published, progress_reporter(progress))
    except SouseiError as err:  # the article stays chosen and what was typed stays, to be corrected
        return (error_status(err), *refresh_articles(engine, doc_id))
    lines = [UPDATED.format(article=article_name(engine, doc_id)), *report_lines(report)]
    return (render_status(lines), *refresh_articles(engine, doc_id))


# --------------------------------------------------------------------------- wiring


def _bind(fn: Callable[..., Any], engine: Engine) -> Callable[..., Any]:
    """``fn`` with ``engine`` as first argument, as a plain function (Gradio inspects handlers)."""

    def handler(*args):
        return fn(engine, *args)

    handler.__name__ = fn.__name__
    return handler


def _with_progress(fn: Callable[..., Any], engine: Engine) -> Callable[..., Any]:
    """A Gradio handler with a ``gr.Progress`` default argument (how Gradio shows a progress bar)."""
    import gradio as gr

    def handler(*args, progress=gr.Progress()):
        return fn(engine, *args, progress=progress)

    handler.__name__ = fn.__name__
    return handler


def _event_handlers(engine: Engine) -> dict[str, Callable[..., Any]]:
    """Chat handlers taking Gradio event data (the ``evt`` annotation tells Gradio to pass it)."""
    import gradio as gr

    def on_example(history, evt):
        return ask_example(engine, history, evt)

    def on_vote(history, first, evt):
        return record_vote(engine, history, evt, first)

    def on_viewer_click(evt):
        return on_citation(engine, evt)

    on_example.__annotations__ = {"evt": gr.SelectData}
    on_vote.__annotations__ = {"evt": gr.LikeData}
    on_viewer_click.__annotations__ = {"evt": gr.EventData}
    return {"example": on_example, "vote": on_vote, "citation": on_viewer_click}


def _chat_tab(engine: Engine):
    import gradio as gr

    from chat.secret import server_secret

    secret = server_secret(engine.config.browser_secret_file)
    stored = gr.BrowserState([], storage_key=HISTORY_KEY, secret=secret)
    first = gr.BrowserState("", storage_key=FIRST_TURN_KEY, secret=secret)
    with gr.Row(equal_height=False):
        with gr.Column(scale=3, min_width=320):
            notice = gr.HTML(visible=False, elem_id="sousei-dropped")
            chat = gr.Chatbot(
                label=LABEL_CHAT,
                show_label=False,
                elem_id="sousei-log",
                height="calc(100dvh - 330px)",
                min_height=260,
                autoscroll=False,
                sanitize_html=True,
                render_markdown=True,
                line_breaks=False,
                buttons=[],
                feedback_options=("Like", "Dislike"),
                placeholder=EMPTY_CHAT,
                examples=[{"text": q} for q in EXAMPLE_QUESTIONS],
                group_consecutive_messages=False,
                layout="bubble",
            )
            with gr.Row(equal_height=True):
                placeholder = PLACEHOLDER_QUESTION.format(cap=engine.config.max_question_chars)
                question = gr.Textbox(
                    label=LABEL_QUESTION,  # not shown; what a screen reader names the box (Gradio's default: Textbox)
                    show_label=False,
                    placeholder=placeholder,
                    lines=1,
                    max_lines=4,
                    scale=6,
                    elem_id="sousei-question",
                    container=False,
                )  # no max_length: a longer question is refused with its length and kept in the box
                send = gr.Button(LABEL_SEND, variant="primary", scale=1, min_width=70, elem_id="sousei-send")
            clear = gr.Button(LABEL_CLEAR, size="sm", elem_id="sousei-clear")
            with gr.Row(visible=False, elem_id="sousei-confirm-clear-row") as confirm_row:
                gr.Markdown(CONFIRM_CLEAR, elem_id="sousei-confirm-clear-text")
                confirm = gr.Button(LABEL_CONFIRM_CLEAR, variant="stop", size="sm", elem_id="sousei-confirm-clear")
                cancel = gr.Button(LABEL_CANCEL, size="sm", elem_id="sousei-cancel-clear")
        with gr.Column(scale=2, min_width=320):
            gr.Markdown(f"**{LABEL_VIEWER}**", elem_id="sousei-viewer-heading")
            viewer = gr.HTML(
                render_placeholder(EMPTY_VIEWER), container=True, elem_id="sousei-viewer", js_on_load=viewer_js()
            )

    outputs = [chat, stored, question]
    ask_handler = _bind(ask, engine)
    options: dict[str, Any] = {"concurrency_limit": ASK_CONCURRENCY, "show_progress": "minimal"}
    # then the votes shown and the dropped-turns notice (not in the ask API's outputs: its callers get the chat)
    turn = _bind(after_turn, engine)
    shown: list = [chat, notice, first]
    send.click(ask_handler, [question, chat], outputs, api_name="ask", **options).then(
        turn, [chat, first], shown, **QUICK
    )
    question.submit(ask_handler, [question, chat], outputs, api_visibility="private", **options).then(
        turn, [chat, first], shown, **QUICK
    )
    events = _event_handlers(engine)
    chat.example_select(events["example"], [chat], outputs, api_visibility="private", **options).then(
        turn, [chat, first], shown, **QUICK
    )
    # a vote names its answer's id only; a refused one (an id the server's key did not seal) is reported in
    # the notice line and the vote shown put back as recorded
    chat.like(events["vote"], [chat, first], [chat, notice], api_visibility="private", show_progress="hidden").then(
        _bind(votes_recorded, engine), [chat], [chat], **QUICK
    )
    # 清除對話 asks first (it wiped the whole chat at once); the page script sends the log's trash icon here too
    clear.click(ask_clear, None, [confirm_row], **QUICK).then(None, js=SHOW_CONFIRM_CLEAR_JS, **QUICK)
    cancel.click(lambda: gr.update(visible=False), None, [confirm_row], **QUICK)
    confirm.click(confirm_clear, None, [chat, stored, viewer, notice, first, confirm_row], api_visibility="private")
    # the log's own trash icon clears as 清除對話 does: the stored chat and the viewer too (it emptied
    # the log only, and the chat came back on reload; a UI tester's finding)
    chat.clear(clear_chat, None, [chat, stored, viewer], api_visibility="private")
    viewer.click(events["citation"], None, [viewer], api_visibility="private")
    return chat, stored, notice, first


def _admin_key_box(engine: Engine):
    import gradio as gr

    local = engine.config.host in LOCAL_HOSTS
    if local:
        return gr.Textbox(visible=False, value="", elem_id="sousei-admin-key")
    if not engine.config.admin_key:
        gr.Markdown(ADMIN_DISABLED, elem_id="sousei-admin-disabled")
    return gr.Textbox(
        label=LABEL_ADMIN_KEY, type="password", elem_id="sousei-admin-key", interactive=bool(engine.config.admin_key)
    )


def _status_line(elem_id: str):
    """A status line, right under the buttons whose results it tells (brought into view when it changes)."""
    import gradio as gr

    return gr.HTML(elem_id=elem_id, elem_classes=["sousei-status-line"], js_on_load=STATUS_JS)


def _article_forms(engine: Engine, enabled: bool) -> SimpleNamespace:
    """The article tab's components. Each group of buttons has its status line right under it: one line at
    the bottom of the tab was far from the buttons that caused its messages (a UI tester's finding)."""
    import gradio as gr

    c = SimpleNamespace(key=_admin_key_box(engine))
    c.notice = gr.HTML(visible=False, elem_id="sousei-out-of-step")  # out_of_step_notice
    c.table = gr.HTML(elem_id="sousei-articles")
    with gr.Row():
        with gr.Column():
            # no file_types: Gradio would refuse another type in an English toast; check_uploads
            # refuses it in Chinese (the picker still offers the article types: VIEWER_JS)
            c.uploads = gr.File(label=LABEL_UPLOAD, file_count="multiple", elem_id="sousei-upload", interactive=enabled)
            c.add = gr.Button(LABEL_ADD, variant="primary", elem_id="sousei-add", interactive=enabled)
            c.rebuild = gr.Button(LABEL_REBUILD, elem_id="sousei-rebuild", interactive=enabled)
            c.status = _status_line("sousei-status")
        with gr.Column():
            c.choice = gr.Dropdown(label=LABEL_CHOICE, choices=[], value=None, elem_id="sousei-remove-choice")
            c.title = gr.Textbox(label=LABEL_TITLE, elem_id="sousei-meta-title", max_length=300)
            with gr.Row():
                c.author = gr.Textbox(label=LABEL_AUTHOR, elem_id="sousei-meta-author", max_length=300)
                c.published = gr.Textbox(label=LABEL_DATE, elem_id="sousei-meta-date", max_length=300)
            c.save = gr.Button(LABEL_SAVE_META, elem_id="sousei-save-meta", interactive=enabled)
            c.remove = gr.Button(LABEL_REMOVE, variant="stop", elem_id="sousei-remove", interactive=enabled)
            c.article_status = _status_line("sousei-status-article")  # the confirmation asked here too
            with gr.Row(visible=False, elem_id="sousei-confirm-row") as c.confirm_row:
                c.confirm = gr.Button(LABEL_CONFIRM_REMOVE, variant="stop", elem_id="sousei-confirm-remove")
                c.cancel = gr.Button(LABEL_CANCEL, elem_id="sousei-cancel-remove")
            c.trash = gr.Dropdown(label=LABEL_TRASH, choices=[], value=None, elem_id="sousei-trash")
            c.restore = gr.Button(LABEL_RESTORE, elem_id="sousei-restore", interactive=enabled)
            c.trash_status = _status_line("sousei-status-trash")
    return c


def _busy(status) -> dict[str, Any]:
    """An article change: one progress bar, on its status line, not one over each output."""
    return {"api_visibility": "private", "show_progress_on": [status]}


def _articles_tab(engine: Engine, app: gr.Blocks, tab: gr.Tab) -> None:
    import gradio as gr

    enabled = changes_enabled(engine.config)
    c = _article_forms(engine, enabled)
    c.enabled = enabled
    c.show_notice = _bind(show_out_of_step, engine)
    listing = [c.table, c.choice, c.trash]
    private: dict[str, Any] = {"api_visibility": "private"}
    changes = ChangesRunning()  # one for the server: the changes of every page

    def change(fn: Callable[..., Any]) -> Callable[..., Any]:
        return _with_progress(changes.around(fn), engine)

    # another type: refused at once
    c.uploads.upload(_bind(check_uploads, engine), [c.uploads], [c.status, c.uploads], **QUICK)
    _wire_change(c, "add", change(add_articles), [c.uploads, c.key], [c.status, *listing, c.uploads])
    _wire_change(c, "rebuild", change(rebuild), [c.key], [c.status, *listing])
    c.choice.change(_bind(article_meta, engine), [c.choice], [c.title, c.author, c.published], **private)
    c.remove.click(_bind(ask_remove, engine), [c.choice], [c.article_status, c.confirm_row], **private)
    c.cancel.click(cancel_remove, None, [c.article_status, c.confirm_row], **private)
    removed = [c.article_status, *listing, c.confirm_row]
    _wire_change(c, "confirm", change(remove_article), [c.choice, c.key], removed)
    _wire_change(c, "restore", change(restore_article), [c.trash, c.key], [c.trash_status, *listing])
    meta = [c.choice, c.title, c.author, c.published, c.key]
    _wire_change(c, "save", change(save_meta), meta, [c.article_status, *listing])
    app.load(_bind(refresh_articles, engine), None, listing, **private)
    app.load(c.show_notice, None, [c.notice], **NOTICE)  # the page (re)loaded
    tab.select(c.show_notice, None, [c.notice], **NOTICE)  # the tab opened: a file copied in meanwhile

    # ... and every Config.notice_seconds by itself (a file copied in by hand, a change made in another tab); a page
    # sends its next tick only when the last one is answered
    def tick(shown):
        return check_out_of_step(engine, shown, changes)

    timer = gr.Timer(engine.config.notice_seconds)
    timer.tick(tick, [c.notice], [c.notice], trigger_mode="once", **NOTICE)


QUICK: dict[str, Any] = {"queue": False, "show_progress": "hidden", "api_visibility": "private"}
# the out-of-step notice: queued (it may wait for a rebuild), no progress shown (one bar per change). Gradio
# 6.31 still drew its timer (0.0s, 排隊中 1/1) over the shown notice for "hidden", at every tick of the timer:
# no progress targets at all (show_progress_on=[]) draws none
NOTICE: dict[str, Any] = {"show_progress": "hidden", "show_progress_on": [], "api_visibility": "private"}


def _wire_change(c: SimpleNamespace, name: str, change: Callable[..., Any], inputs: list, outputs: list) -> None:
    """An article change on button ``name``: every change button (for an add the upload box too) locked
    (:func:`changing_started`), the change (its one progress bar on its status line, ``outputs[0]``), then
    all unlocked again, also when it failed, and the out-of-step notice told again. (Gradio flashes a timer
    on a locked box, not on a button.)"""
    locked = [c.uploads] if name == "add" else []
    locked += [getattr(c, button) for button in CHANGE_BUTTONS]

    def started():
        return changing_started(name)

    def ended():
        return changing_ended(c.enabled, name)

    getattr(c, name).click(started, None, locked, **QUICK).then(change, inputs, outputs, **_busy(outputs[0])).then(
        ended, None, locked, **QUICK
    ).then(c.show_notice, None, [c.notice], **NOTICE)


def make_app(engine: Engine) -> gr.Blocks:
    """The Blocks app; wires handlers to ``engine`` (nothing is loaded until a request comes)."""
    import gradio as gr

    with gr.Blocks(
        title=APP_TITLE, analytics_enabled=False, delete_cache=(UPLOAD_CACHE_SECONDS, UPLOAD_CACHE_SECONDS)
    ) as app:
        gr.Markdown(f"## {APP_TITLE}\n{APP_INTRO}", elem_id="sousei-intro")
        with gr.Tabs():
            with gr.Tab(LABEL_CHAT_TAB, id="chat", elem_id="sousei-tab-chat"):
                chat, stored, notice, first = _chat_tab(engine)
            with gr.Tab(LABEL_ARTICLES_TAB, id="articles", elem_id="sousei-tab-articles") as articles:
                _articles_tab(engine, app, articles)
        app.load(_bind(restore_chat, engine), [stored, first], [chat, notice, first], api_visibility="private")
    return app


# --------------------------------------------------------------------------- serving


class PageLanguage:
    """ASGI middleware: the page is served as ``<html lang="zh-Hant">`` with the browser language
    set to zh-TW for Gradio's own strings; request bodies of API calls are capped in size."""

    def __init__(self, app, max_body: int = MAX_BODY) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope.get("path", "")
        if path.endswith(("/queue/join", "/run/predict")) or "/call/" in path:
            length = dict(scope.get("headers") or []).get(b"content-length", b"0")
            if length.isdigit() and int(length) > self.max_body:
                return await _plain(send, 413, f"請求太大（上限 {self.max_body // 1024} KB）")
        if scope.get("method") != "GET" or path.rstrip("/") not in ("", scope.get("root_path", "").rstrip("/")):
            return await self.app(scope, receive, send)
        return await self._page(scope, receive, send)

    async def _page(self, scope, receive, send):
        start: dict = {}
        chunks: list[bytes] = []

        async def capture(message):
            if message["type"] == "http.response.start":
                start.update(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = b"".join(chunks)
            headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
            if any(k.lower() == b"content-type" and v.startswith(b"text/html") for k, v in headers):
                body = body.replace(b'lang="en"', b'lang="zh-Hant"', 1).replace(b"<head>", b"<head>" + LOCALE_HEAD, 1)
            headers.append((b"content-length", str(len(body)).encode()))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, capture)


async def _plain(send, status: int, text: str) -> None:
    body = text.encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


def check_host(host: str, say: Callable[[str], None] | None = None) -> bool:
    """True when ``host`` is this machine only; otherwise logs (and says) a warning."""
    if host in LOCAL_HOSTS:
        return True
    message = (
        f"注意：在 {host} 上提供服務，同一網路的其他電腦都能開啟問答頁面；變更文章需要 --admin-key"
        f"（或 SOUSEI_ADMIN_KEY），沒有設定時停用（只給本機用：--host 127.0.0.1）"
    )
    log.warning(message)
    if say is not None:
        say(message)
    return False


def check_port(host: str, port: int) -> None:
    """A clear one-line error when the port is taken (before anything slow starts)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
        try:
            probe.bind((host, port))
        except OSError as err:
            if err.errno == errno.EADDRNOTAVAIL:
                raise SouseiError(f"{host} 不是這台電腦的位址；請用 --host 指定這台電腦自己的位址") from None
            raise SouseiError(
                f"{host} 的連接埠 {port} 已被占用；請用 --port N 指定其他連接埠（例如 ./dev app --port {port + 1}）"
            ) from None


def launch_options(config) -> dict:
    """Keyword arguments for ``Blocks.launch``: bind address, port, upload limit, styling."""
    from starlette.middleware import Middleware

    return {
        "server_name": config.host,
        "server_port": config.port,
        "max_file_size": int(config.max_upload_mb) * 1024 * 1024,
        "share": False,
        "inbrowser": False,
        "show_error": False,
        "ssr_mode": False,
        "mcp_server": False,
        "quiet": True,  # no share hint; serve() prints the address itself
        "footer_links": [],  # no footer: its links (API page, Gradio, settings) are not for readers
        "run_history": False,  # Gradio would keep every call's answer in the browser too
        "css": CSS,
        "i18n": gradio_translations(),
        "app_kwargs": {"middleware": [Middleware(PageLanguage)]},
    }


# Gradio's own strings that its Traditional Chinese dictionary lacks (Gradio 6.31 shows these in English),
# by their full keys: Gradio looks a full key up before its own nested dictionary.
GRADIO_ZH_TW = {
    "common.progress": "進度",
    "status.queue_position": "排隊中：第 {position} 位，共 {size} 位",
    "chatbot.copy_message": "複製訊息",
    "chatbot.copied_message": "已複製訊息",
    "chatbot.complete": "完成",
    "common.complete": "完成",  # read (hidden) after a vote, an upload, a save, a removal
    "common.download_all": "全部下載",
    "common.run": "執行",
    "common.runs": "執行紀錄",
    "common.runs_description": "查看這個瀏覽器保存的執行紀錄",
    "common.back_to_app": "應用程式",
    "common.back_to_app_description": "回到應用程式",
    "common.record": "錄製",
    "common.stop_recording": "停止錄製",
}


def gradio_translations():
    """``gr.I18n`` for ``launch``: :data:`GRADIO_ZH_TW` for the page's zh-TW (``PageLanguage`` sets it)."""
    import gradio as gr

    return gr.I18n(**{"zh-TW": dict(GRADIO_ZH_TW)})


def warm_up(engine: Engine) -> None:
    """Loads the model and opens the index and answers one example question (``Engine.warm_up``),
    so the first users do not wait for it. Runs in a background thread started by :func:`serve`."""
    try:
        engine.warm_up(EXAMPLE_QUESTIONS[0])
    except SouseiError as err:  # e.g. no index yet: the page says so when someone asks
        log.warning("warm-up skipped: %s", err)


def start_warm_up(engine: Engine) -> threading.Thread:
    thread = threading.Thread(target=warm_up, args=(engine,), name="sousei-warm-up", daemon=True)
    thread.start()
    return thread


def serve(engine: Engine, *, block: bool = True, warm: bool = True) -> gr.Blocks:
    """Start the web server on ``engine.config.host:port`` (127.0.0.1 unless asked otherwise).

    The model is loaded in the background meanwhile (``warm``). With ``block=False`` the
    server runs in background threads and the app is returned (``app.close()`` stops it).
    """
    config = engine.config
    check_host(config.host, engine.say)
    check_port(config.host, config.port)
    # Gradio summarises its event analytics with pandas after every event (for a monitoring page
    # sousei does not use): avoidable work and two pandas warnings per question
    os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", str(10**9))
    app = make_app(engine)
    app.queue(default_concurrency_limit=1)
    if warm:
        start_warm_up(engine)
    app.launch(prevent_thread_lock=True, **launch_options(config))
    shown = "127.0.0.1" if config.host in ("0.0.0.0", "::") else config.host
    engine.say(f"sousei：問答頁面在 http://{shown}:{config.port}/  （按 Ctrl+C 停止）")
    if block:
        app.block_thread()
    return app
