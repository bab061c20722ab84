"""The articles' own bilingual pairs, as a glossary that turns English words into Chinese terms.

Articles often name a thing in Chinese and give its English name or acronym in parentheses,
``地方經濟分析系統（Regional Economy Society Analyzing System, RESAS）``, or the reverse,
``GIGA School ( Global Innovation Gateway for All )``. :func:`extract_pairs` finds these pairs
in an article's cleaned text at build time (no hand-written entries); :func:`expansions` says
which native terms an English or mixed question names, so the keyword side of search can look
for the words the article actually uses. Pure functions over strings; jieba's part-of-speech
tagger trims a leading verb or connective off the Chinese side ("善用地方經濟分析系統").
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

GLOSSARY_FILE = "glossary.jsonl"
MAX_NATIVE_CHARS = 16  # a Chinese term longer than this is a clause, not a name
MAX_LATIN_CHARS = 80
LOOK_BACK_CHARS = 100  # text before a parenthesis that is looked at (keeps extraction linear)
# English function words ignored when a multi-word name is matched against a question.
_FUNCTION_WORDS = frozenset(
    "a an the of for and or as to in on at by with from into is are was were be what which who how "
    "does do did this that these those its it".split()
)
_OPEN, _CLOSE = "(（", ")）"
_PAREN = re.compile(r"[(（]([^()（）\n]{1,120})[)）]")
# the short name a parenthesis gives after its pair: "National Development Council, NDC，以下簡稱國發會"
_ALIAS_CLAUSE = re.compile(
    r"\s*[，,、；;]\s*(?:以下|下文)?(?:簡稱|简称|稱|称)\s*[「『“]?[^，,、；;」』”]{1,12}[」』”]?\s*$"
)
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-'][A-Za-z0-9]+)*")
_POSSESSIVE = re.compile(r"'s$", re.I)  # Japan's, RESAS's
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_LATIN_RUN_BEFORE = re.compile(r"([A-Za-z][A-Za-z0-9&.\- ]*[A-Za-z0-9])\s*$")
# Where a Chinese term cannot continue leftwards: punctuation, brackets, spaces, digits, Latin.
_BOUNDARY = re.compile(r"[\s\W\d_A-Za-z]|的|之")
_QUOTES = {"「": "」", "『": "』", "“": "”", "《": "》", "〈": "〉"}
# jieba part-of-speech tags that do not start a name: verbs, prepositions, conjunctions,
# adverbs, particles, numerals, pronouns, quantifiers, locality words.
_LEADING_TAGS = {"v", "p", "c", "d", "u", "m", "r", "q", "f", "uj", "ul", "ud", "ug", "uz", "uv", "y", "x"}


@dataclass(frozen=True)
class GlossaryEntry:
    """One pair an article states: ``native`` (what the article's text says, usually Chinese)
    is named in Latin script by each of ``latin`` (a full name and/or an acronym)."""

    native: str
    latin: tuple[str, ...]
    doc_id: str

    def to_dict(self) -> dict[str, object]:
        return {"native": self.native, "latin": list(self.latin), "doc_id": self.doc_id}

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> GlossaryEntry:
        latin = data["latin"]
        if not isinstance(data["native"], str) or not isinstance(latin, list) or not isinstance(data["doc_id"], str):
            raise ValueError(f"not a glossary entry: {data!r}")
        return cls(data["native"], tuple(str(x) for x in latin), data["doc_id"])


# --------------------------------------------------------------------------- extraction


def extract_pairs(text: str, doc_id: str = "") -> list[GlossaryEntry]:
    """The bilingual pairs stated in ``text`` (an article's cleaned text), in text order, each once."""
    entries: dict[tuple[str, tuple[str, ...]], GlossaryEntry] = {}
    for paragraph in text.split("\n"):
        for match in _PAREN.finditer(paragraph):
            after = paragraph[match.end() : match.end() + 1]
            before = paragraph[max(0, match.start() - LOOK_BACK_CHARS) : match.start()]
            entry = _pair_at(before, _ALIAS_CLAUSE.sub("", match.group(1)).strip(), after, doc_id)
            if entry is not None:
                entries.setdefault((entry.native, entry.latin), entry)
    return list(entries.values())


def _pair_at(before: str, inside: str, after: str, doc_id: str) -> GlossaryEntry | None:
    """The pair formed by the text just before a parenthesis and the parenthesis' content
    (``after`` is the character after the closing parenthesis)."""
    if _is_latin_name(inside):
        native = chinese_term_before(before, quoted=after in _QUOTES.values())
        if native is None:  # Latin before Latin: "GIGA School ( Global Innovation Gateway for All )"
            native = _latin_before(before)
        if native is None or _same_name(native, inside):
            return None
        return GlossaryEntry(native, split_latin(inside), doc_id)
    native_inside = _native_term(inside)
    latin_before = _latin_before(before)
    if native_inside is not None and latin_before is not None:  # "RESAS（地方經濟分析系統）"
        return GlossaryEntry(native_inside, split_latin(latin_before), doc_id)
    return None


def _is_latin_name(text: str) -> bool:
    """Latin script only (no CJK, no kana), with at least one letter, not too long."""
    return (
        bool(_LATIN_WORD.search(text))
        and not _CJK.search(text)
        and not _KANA.search(text)
        and len(text) <= MAX_LATIN_CHARS
    )


def _native_term(text: str) -> str | None:
    text = text.strip()
    if 2 <= len(_CJK.findall(text)) and len(text) <= MAX_NATIVE_CHARS and not _LATIN_WORD.search(text):
        return text
    return None


def _latin_before(before: str) -> str | None:
    match = _LATIN_RUN_BEFORE.search(before)
    if match is None or len(match.group(1)) > MAX_LATIN_CHARS:
        return None
    run = match.group(1).strip(" .-&")
    return run if _LATIN_WORD.search(run) and len(run) >= 2 else None


def chinese_term_before(before: str, quoted: bool = False) -> str | None:
    """The Chinese term that ends right before a parenthesis: the whole quotation when the
    parenthesis closes one (``quoted``: 「大處著想、小處著手、快速行動（Think big…）」), or else
    from the last punctuation / 的 / digit / Latin letter, without a leading verb or connective,
    at most ``MAX_NATIVE_CHARS``; None when fewer than two CJK characters remain."""
    before = before.rstrip()
    tail = (_open_quote_tail(before) or "").strip() if quoted else ""
    if tail and len(tail) <= MAX_NATIVE_CHARS and not _LATIN_WORD.search(tail) and not set(tail) & set(_OPEN + _CLOSE):
        term = tail
    else:
        cut = max((m.end() for m in _BOUNDARY.finditer(before)), default=0)
        term = _trim_leading(before[cut:]).strip()
    if len(term) > MAX_NATIVE_CHARS or len(_CJK.findall(term)) < 2:
        return None
    return term


def _open_quote_tail(before: str) -> str | None:
    """The text after a quote mark that is still open at the end of ``before``."""
    for position in range(len(before) - 1, -1, -1):
        char = before[position]
        if char in _QUOTES.values():
            return None
        if char in _QUOTES:
            tail = before[position + 1 :]
            return tail if 0 < len(tail) <= 40 else None
    return None


def _trim_leading(term: str) -> str:
    """``term`` without its leading verbs, prepositions, conjunctions and adverbs (jieba tags)."""
    from ingest.segment import fold

    folded = fold(term)
    if len(folded) != len(term) or not term:
        return term
    skip = 0
    words = [(w.word, w.flag) for w in _posseg().cut(folded)]
    # The name starts after the clause's last verb, in a clause too long to be a name or when a
    # modal, adverb or preposition shows that word is the predicate ("地方政府可以善用|地方經濟…").
    verbs = [
        i
        for i, (word, flag) in enumerate(words[:-1])
        if flag == "v" and len(word) >= 2 and (len(term) > MAX_NATIVE_CHARS or (i and words[i - 1][1] in _LEADING_TAGS))
    ]
    if verbs:
        skip = sum(len(word) for word, _ in words[: verbs[-1] + 1])
        words = words[verbs[-1] + 1 :]
    for position, (word, flag) in enumerate(words):
        if flag not in _LEADING_TAGS or position == len(words) - 1:
            break
        skip += len(word)
    return term[skip:]


@lru_cache(maxsize=1)
def _posseg() -> Any:  # a jieba.posseg.POSTokenizer (jieba has no type information)
    """jieba's part-of-speech tagger over the search tokenizer's dictionary (already loaded by a
    build, with the domain words and their tags), so only the tag table is read here (~0.5 s)."""
    import jieba.posseg

    from ingest.segment import jieba_tokenizer

    return jieba.posseg.POSTokenizer(jieba_tokenizer())


def split_latin(name: str) -> tuple[str, ...]:
    """A Latin name as its alternatives: "Mobility as a Service, MaaS" → ("Mobility as a Service",
    "MaaS"); a last comma part that is one word with two capitals is an acronym."""
    name = " ".join(name.replace("，", ",").split()).strip(" .")
    head, _, last = name.rpartition(",")
    last = last.strip(" .")
    if head.strip() and _is_acronym(last):
        return (head.strip(" ,."), last)
    return (name,)


def _is_acronym(word: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z][A-Za-z0-9\-]{1,11}", word)) and sum(c.isupper() for c in word) >= 2


def _same_name(native: str, latin: str) -> bool:
    return _squash(native) == _squash(latin)


def _squash(text: str) -> str:
    return re.sub(r"[\W_]+", "", text).lower()


def glossary_of(articles: Iterable[tuple[str, str]]) -> list[GlossaryEntry]:
    """The glossary of ``(doc_id, cleaned text)`` pairs, in article order."""
    return [entry for doc_id, text in articles for entry in extract_pairs(text, doc_id)]


def glossary_lines(entries: Sequence[GlossaryEntry]) -> str:
    """The glossary file's text: one JSON object per line."""
    return "".join(json.dumps(e.to_dict(), ensure_ascii=False) + "\n" for e in entries)


def parse_glossary(text: str) -> list[GlossaryEntry]:
    """Entries from :func:`glossary_lines` text; ``ValueError`` for a malformed line."""
    return [GlossaryEntry.from_dict(json.loads(line)) for line in text.splitlines() if line.strip()]


# --------------------------------------------------------------------------- question side


def _words(text: str) -> list[str]:
    """The Latin words of ``text``, a possessive's ending dropped (Taiwan's → Taiwan)."""
    latin = _LATIN_WORD.findall(unicodedata.normalize("NFKC", text).replace("’", "'"))
    return [_POSSESSIVE.sub("", word) for word in latin]


def _stem(word: str) -> str:
    """A plural's singular, roughly: policies → policy, taxes → tax, systems → system."""
    word = word.lower()
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("xes", "ches", "shes", "sses")):
        return word[:-2]
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


LEMMAS = True


@lru_cache(maxsize=16384)
def _forms(word: str) -> frozenset[str]:
    """The forms a word is matched by: its plural's singular and its lemmas (``lemminflect``:
    ensuring → ensure, mentioned → mention, taxes → tax); a glossary key matches a question word
    when their forms meet."""
    stem = _stem(word)
    if not LEMMAS:
        return frozenset({stem})
    from lemminflect import getAllLemmas  # its tables load on the first English question

    return frozenset({stem, *(lemma.lower() for lemmas in getAllLemmas(word.lower()).values() for lemma in lemmas)})


def _content(words: Sequence[str], forms: Callable[[str], frozenset[str]]) -> list[frozenset[str]]:
    return [forms(w) for w in words if w.lower() not in _FUNCTION_WORDS]


def _key_form(word: str) -> frozenset[str]:
    """A key's word as written (a plural's singular): keys are glosses in their base forms, so
    only the question's words are lemmatised (else "going" of 就要 would match a question's "go")."""
    return frozenset({_stem(word)})


def key_matches(key: str, question_words: Sequence[str]) -> bool:
    """Whether a Latin key of the glossary is named by a question (given as its Latin words).

    One word: a whole-word match, case-insensitive unless the key is a short acronym ("IT",
    "AI", "ICT" must be written in capitals, so "it" is not IT). Several words: the key's content
    words appear consecutively in the question's content words (the whole key, or a run of at
    least two words covering at least half of it: "Cloud First" names "Cloud First Policy"). A
    question's word names a key's word by any of its forms (``_forms``: "mentioned" names "mention")."""
    key_words = _words(key)
    if len(key_words) == 1:
        word = key_words[0]
        if len(word) <= 3 and sum(c.isupper() for c in word) >= 2:
            return word in question_words
        return any(_key_form(word) & _forms(w) for w in question_words)
    wanted, asked = _content(key_words, _key_form), _content(question_words, _forms)
    if not wanted:
        return False
    need = len(wanted) if len(wanted) <= 2 else max(2, (len(wanted) + 1) // 2)
    return _longest_common_run(wanted, asked) >= need


def _longest_common_run(a: Sequence[frozenset[str]], b: Sequence[frozenset[str]]) -> int:
    best = 0
    for i in range(len(a)):
        for j in range(len(b)):
            n = 0
            while i + n < len(a) and j + n < len(b) and a[i + n] & b[j + n]:
                n += 1
            best = max(best, n)
    return best


class GlossaryMatcher:
    """:func:`expansions` for many questions: each key is parsed once and indexed by its words,
    so a question only checks the keys that share a word with it."""

    def __init__(self, entries: Sequence[GlossaryEntry]) -> None:
        self.entries = tuple(entries)
        self._by_word: dict[str, list[tuple[int, str]]] = {}
        for number, entry in enumerate(self.entries):
            for key in entry.latin:
                words = _words(key)
                content = [w for w in words if w.lower() not in _FUNCTION_WORDS] or words
                for word in dict.fromkeys(_stem(w) for w in content):
                    self._by_word.setdefault(word, []).append((number, key))

    def _question_words(self, question: str) -> list[str]:
        """The Latin words of ``question``; a hyphenated word no key names whole stands for its
        parts ("population-size" → population, size; "follow-up" stays whole, a key names it)."""
        words: list[str] = []
        for word in _words(question):
            parts = [part for part in word.split("-") if len(part) > 1]
            whole = any(form in self._by_word for form in _forms(word))
            words.extend([word] if whole or not parts else parts)
        return words

    def expansions(self, question: str) -> list[str]:
        """The native terms of the entries whose Latin names ``question`` mentions, in glossary
        order, each once (none when the question has no Latin word)."""
        words = self._question_words(question)
        if not words or not self._by_word:
            return []
        candidates = {pair for word in {f for w in words for f in _forms(w)} for pair in self._by_word.get(word, ())}
        matched = sorted({number for number, key in candidates if key_matches(key, words)})
        return list(dict.fromkeys(self.entries[number].native for number in matched))

    def translated_words(self, question: str) -> frozenset[str]:
        """The Latin words (lowercased) of the keys of two or more content words that ``question``
        names and whose native term is Chinese ("regional revitalization" of 地方創生（Regional
        Revitalization）). Their Chinese term is searched for them (:meth:`expansions`); searched as
        English words too, they find the one passage that glosses the term in parentheses, above
        the passages that answer."""
        words = self._question_words(question)
        if not words or not self._by_word:
            return frozenset()
        candidates = {pair for word in {f for w in words for f in _forms(w)} for pair in self._by_word.get(word, ())}
        found: set[str] = set()
        for number, key in candidates:
            content = [w for w in _words(key) if w.lower() not in _FUNCTION_WORDS]
            if len(content) >= 2 and _CJK.search(self.entries[number].native) and key_matches(key, words):
                found.update(w.lower() for w in _words(key))
        return frozenset(found)


def expansions(question: str, entries: Sequence[GlossaryEntry]) -> list[str]:
    """The native terms of the entries whose Latin names ``question`` mentions, in glossary order,
    each once (none when the question has no Latin word)."""
    return GlossaryMatcher(entries).expansions(question)
