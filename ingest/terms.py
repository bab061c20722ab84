"""A question's content terms: its search tokens minus the words that frame the question.

``index`` (the synonym expander) and ``chat`` (answers, abstention, follow-ups, rendering) read a
question's terms through :func:`question_terms`, so both sides agree on what the question is about.
Tokens are :func:`ingest.segment.tokenize`'s (folded to Simplified, lowercase).
"""

from __future__ import annotations

import re

from ingest.segment import fold, tokenize  # jieba/OpenCC load on first use, not at import

# Words that frame a question rather than name its subject ("how many kinds", "the English
# abbreviation"); folded forms. They are not looked for in the articles.
FRAME_TERMS = frozenset(
    """
    几个 几类 几项 几种 几年 几成 几次 几位 几天 哪年 哪一 哪种 哪家 哪间 哪位 哪方面 哪些是 分成 分为
    是指 指的是 意思 意义 含义 全名 全称 中文 英文 日文 缩写 简称 名称 叫做 称为 内容 重点 主题 目的 用途
    介绍 说明 解释 定义 例子 举例 具体 主要 相关 有关 关于 请 告诉 知道 想 问 一下 东西 情况 方面 部分
    为何 哪里 多久 多大 多长 多高 什么样 什么时候 时候 怎样 如何 是不是 有没有 能不能 可不可以
    还是 那个 这个 是从 除了 之外 以外 还有 里面 文中 文章 提到 请问
    """.split()
)
# Question phrases that jieba splits into a content-looking word ("哪一年" → 哪 / 一年); removed
# from the question before its terms are read (folded forms).
_FRAME_PHRASES = re.compile(
    r"哪一?[年个项种类位家间天次]|什么时候|何时|几[年个项种类位家次]|"
    r"第[0-9一二三四五六七八九十]+[支枝根种类]"  # 第二支箭: a position (jieba cuts 第二支 / 二支, no terms)
)
# a Han word of two characters or more: what the thesaurus, the Japanese glosses and the homophone
# look-up consider (one character, 处 or 方, matches almost anything)
HAN_WORD = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff]{2,}$")
_CJK_CHAR = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]$")


# Which item or how many: "第二", "第二个", "二个", "6项" (index.fusion.ordinal_items reads the
# item asked for; as a term it would only match prose that counts, "第二個是…").
_ORDINAL_TOKEN = re.compile(r"^(?:第[0-9一二三四五六七八九十]+[个项点条号]?|[0-9一二三四五六七八九十]+[个项点条])$")


def is_frame(token: str) -> bool:
    """A frame word, or a frame word glued to one more character (全名是, 几个月), or an ordinal."""
    if _ORDINAL_TOKEN.match(token):
        return True
    rest = token
    for frame in sorted(FRAME_TERMS, key=len, reverse=True):
        if frame in rest:
            rest = rest.replace(frame, "")
    return rest != token and len(rest) <= 1


def question_terms(question: str) -> tuple[str, ...]:
    """Distinct content terms of the question, in order of first appearance.

    Search tokens minus frame words, single CJK characters, single digits and single Latin
    letters (they match almost anything).
    """
    seen: dict[str, None] = {}
    for token in tokenize(_FRAME_PHRASES.sub(" ", fold(question))):
        if len(token) == 1 and (token.isascii() or _CJK_CHAR.match(token)):
            continue
        if is_frame(token):
            continue
        seen.setdefault(token, None)
    return tuple(seen)
