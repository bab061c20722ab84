"""Follow-up questions without a generative model.

A short question that lacks its own subject ("那2020年呢？", "它的全名是什麼？", "還有哪些？")
is searched together with the previous question's content terms. :func:`resolve` decides
and returns what to search; the UI and ``sousei ask --previous`` both show it (搜尋：…).

The previous question's terms are cut from its own text (``chat.render.match_spans`` on the
folded terms), so what is shown reads in the user's script. Terms of the same kind as one
the follow-up names itself (a year or number when the follow-up gives one) are left out:
"那2021年呢？" after a question about 2020 searches 2021, not both. When the combined search
finds no answer, the follow-up is answered on its own (``chat.engine.Engine.ask``).

Tuned on the dialogues marked ``train`` in ``tests/data/dialogues.jsonl`` only
(``python -m bench.followup_eval --split test`` reports the others).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Openings that point back to the previous question (folded to Simplified, as terms are).
_BACK_REFERENCES = (
    "那",
    "它",
    "他们",
    "她",
    "其",
    "这",
    "此",
    "该",
    "还有",
    "另外",
    "其他",
    "其余",
    "分别",
    "为什么",
    "为何",
    "最后",
    "第二",
    "第三",
    "然后",
    "再",
    "同样",
    "and ",
    "what about",
    "how about",
)
SHORT_CHARS = 9  # a question this short (without punctuation) rarely names its subject
MAX_OWN_TERMS = 1  # ... nor does one with at most this many content terms
MAX_TERMS_FOLLOW_UP = 3  # a question with more content terms than this names its own subject
MAX_CARRIED = 2  # previous-question terms carried over (tuned on the train dialogues)
MAX_PREVIOUS_CHARS = 300
_NUMBER = re.compile(r"\d")
_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)


@dataclass(frozen=True)
class Query:
    """What was asked, and what is searched for it."""

    question: str
    searched: str  # == question unless it is a follow-up
    follow_up: bool = False


def _core(text: str) -> str:
    return _PUNCT.sub("", text)


def own_terms(question: str) -> tuple[str, ...]:
    from chat.terms import maximal_terms, question_terms

    return maximal_terms(question_terms(question))


def is_follow_up(question: str) -> bool:
    """True when the question points back (那…呢, 它…) or is too short to name a subject."""
    from chat.terms import folded

    core = _core(question)
    if not core or len(own_terms(question)) > MAX_TERMS_FOLLOW_UP:
        return False
    start = folded(question.strip()).lower()
    if start.startswith(_BACK_REFERENCES):
        return True
    if start.endswith(("呢?", "呢？", "呢")) and len(own_terms(question)) <= 2:
        return True
    return len(core) <= SHORT_CHARS or len(own_terms(question)) <= MAX_OWN_TERMS


def carried_terms(previous: str, question: str) -> list[str]:
    """The previous question's content terms, as written there, minus what the follow-up replaces."""
    from chat.render import match_spans

    previous = previous[:MAX_PREVIOUS_CHARS]
    mine = own_terms(question)
    mine_has_number = bool(_NUMBER.search(question))
    carried: list[str] = []
    for a, b in match_spans(previous, own_terms(previous)):
        piece = previous[a:b]
        if mine_has_number and _NUMBER.search(piece):
            continue
        if any(piece_folded in mine for piece_folded in own_terms(piece)):
            continue
        if piece not in carried:
            carried.append(piece)
    return carried[:MAX_CARRIED]


def resolve(question: str, previous: str | None = None) -> Query:
    """The text to search for ``question`` asked after ``previous`` (``None``: a first question)."""
    question = question or ""
    if not previous or not previous.strip() or not is_follow_up(question):
        return Query(question, question)
    carried = carried_terms(previous, question)
    if not carried:
        return Query(question, question)
    return Query(question, " ".join([*carried, question.strip()]), follow_up=True)
