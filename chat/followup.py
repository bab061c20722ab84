"""Follow-up questions without a generative model.

A short question that lacks its own subject ("那2020年呢？", "它的全名是什麼？", "還有哪些？")
is searched together with the previous question's content terms. :func:`resolve` decides
and returns what to search; the UI and ``sousei ask --previous`` both show it (搜尋：…).

The previous question's terms are cut from its own text (``chat.render.match_spans`` on the
folded terms), so what is shown reads in the user's script. Terms of the same kind as one
the follow-up names itself (a year or number when the follow-up gives one) are left out:
"那2021年呢？" after a question about 2020 searches 2021, not both. When the combined search
finds no answer, the follow-up is answered on its own (``chat.service.Service.ask``).

Tuned on the dialogues marked ``train`` in ``tests/data/dialogues.jsonl`` only
(``python -m bench.followup_eval --split test`` reports the others).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

    from chat.abstain import DecisionModel
    from chat.answer import SearcherLike
    from chat.records import Answer
    from index.records import Hit, SentenceVectors
    from index.search import Searcher
    from ingest.records import Passage

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
CARRY_TERMS = True  # search a follow-up with the previous question's terms
FALLBACK_ALONE = True  # when that finds nothing, search the follow-up alone
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
    carried = carried_terms(previous, question) if CARRY_TERMS else []
    if not carried:
        return Query(question, question, follow_up=True)
    return Query(question, " ".join([*carried, question.strip()]), follow_up=True)


# --------------------------------------------------------------------------- the previous answer


@dataclass(frozen=True)
class Previous:
    """The turn before a question: what was asked and the passages its answer cited (the chat
    keeps both in the answer message; ``sousei ask --previous`` gives only the question, and the
    service then answers it again to find its passages)."""

    question: str
    passage_ids: tuple[str, ...] = ()


SAME_PASSAGE = 0.6  # nearness of the previous answer's own passage
SAME_SECTION = 0.6  # ... of a passage under the same heading path
NEAR_WINDOW = 4  # paragraphs within which nearness fades to 0 in the same article
NEAR_WEIGHT = 0.5  # how much nearness adds to a passage's fused score
POOL = 20  # passages re-ranked
MAX_ANCHORS = 3  # passages of the previous answer that count


def section(passage: Passage) -> str:
    """The passage's heading path, or its own first line when it leads a section."""
    return passage.context or passage.text.split("\n", 1)[0].strip()


def nearness(passage: Passage, anchor: Passage) -> float:
    """0..1: how close ``passage`` is to ``anchor`` (the previous answer's passage) in its article."""
    if passage.doc_id != anchor.doc_id:
        return 0.0
    if passage.id == anchor.id:
        return SAME_PASSAGE
    mine, theirs = section(passage), section(anchor)
    same = SAME_SECTION if mine == theirs or mine.startswith(theirs) or theirs.startswith(mine) else 0.0
    fade = max(0.0, 1.0 - abs(passage.paragraph - anchor.paragraph) / NEAR_WINDOW)
    return min(1.0, same + (1.0 - same) * fade)


@dataclass(frozen=True)
class NearPrevious:
    """A searcher whose results are re-ranked toward the previous answer's passages: each of the
    top ``POOL`` passages gains ``NEAR_WEIGHT`` × its nearness to the closest anchor."""

    base: SearcherLike
    anchors: tuple[Passage, ...]

    @property
    def fingerprint(self) -> str:
        return self.base.fingerprint

    def search(self, query: str, top_k: int = 5) -> list[Hit]:
        hits = self.base.search(query, top_k=max(top_k, POOL))
        scored = [
            (h.score + NEAR_WEIGHT * max((nearness(h.passage, a) for a in self.anchors), default=0.0), h) for h in hits
        ]
        scored.sort(key=lambda pair: -pair[0])
        return [replace(h, score=score, rank=rank) for rank, (score, h) in enumerate(scored[:top_k], 1)]

    def query_vector(self, query: str) -> np.ndarray:
        return self.base.query_vector(query)

    def sentence_vectors(self, passage_id: str) -> SentenceVectors:
        return self.base.sentence_vectors(passage_id)

    def stats(self):
        return self.base.stats()


def anchors_of(passages: Sequence[Passage], passage_ids: Sequence[str]) -> tuple[Passage, ...]:
    """The indexed passages with these ids (ids no longer in the index are skipped)."""
    wanted = set(passage_ids)
    return tuple(p for p in passages if p.id in wanted)


def cited_ids(answer: Answer) -> tuple[str, ...]:
    """The passages an answer quotes, in citation order (none when not found)."""
    return tuple(dict.fromkeys(q.citation.passage_id for q in answer.quotes)) if answer.found else ()


def answer_after(
    question: str, previous: str | Previous | None, searcher: Searcher, top_k: int, decision: DecisionModel
) -> Answer:
    """Answer ``question`` asked after ``previous``. A follow-up is searched with the previous
    question's terms (:func:`resolve`) and its passages re-ranked toward those the previous
    answer cited (:class:`NearPrevious`; given as :class:`Previous`, or found by answering the
    previous question again); when that finds nothing, the follow-up alone is searched."""
    from chat.answer import answer_question

    if isinstance(previous, str):
        previous = Previous(previous)
    query = resolve(question, previous.question if previous else None)
    if previous is None or not query.follow_up:
        return answer_question(question, searcher, top_k=top_k, decision=decision)
    ids = previous.passage_ids or cited_ids(answer_question(previous.question, searcher, top_k, decision=decision))
    anchors = anchors_of(searcher.passages, ids[:MAX_ANCHORS])
    near: SearcherLike = NearPrevious(searcher, anchors) if anchors else searcher
    answer = answer_question(query.searched, near, top_k=top_k, decision=decision)
    if FALLBACK_ALONE and not answer.found and query.searched != question:
        answer = answer_question(question, near, top_k=top_k, decision=decision)
    return answer
