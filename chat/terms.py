"""Question terms and their weights, shared by answer composition, abstention and rendering.

Terms are the tokens of :func:`ingest.segment.tokenize` (folded to Simplified, lowercase,
stopwords and punctuation dropped), so a question meets the articles on the same tokens
the keyword index uses. Weights are inverse document frequencies over the indexed passages.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from index.stats import CorpusStats
from ingest.furniture import asks_credit as asks_credit  # re-exported: the one definition lives in ingest
from ingest.furniture import asks_source as asks_source
from ingest.segment import fold  # jieba/OpenCC load on first use, not at import
from ingest.terms import is_frame as is_frame  # re-exported: the one definition lives in ingest
from ingest.terms import question_terms as question_terms

_LATIN_WORD = re.compile(r"^[0-9a-z][0-9a-z.\-_']*$")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")


def maximal_terms(terms: Sequence[str]) -> tuple[str, ...]:
    """Terms not contained in a longer term (jieba search mode yields both 地方创生 and 地方)."""
    return tuple(t for t in terms if not any(t != u and t in u for u in terms))


@lru_cache(maxsize=4096)
def folded(text: str) -> str:
    return fold(text)


def term_in(term: str, folded_text: str) -> bool:
    """Whether a folded term occurs in folded text (Latin terms must match whole words)."""
    if _LATIN_WORD.match(term):
        return re.search(rf"(?<![0-9a-z]){re.escape(term)}(?![0-9a-z])", folded_text) is not None
    return term in folded_text


def term_groups(terms: Sequence[str]) -> list[tuple[str, tuple[str, ...]]]:
    """Each maximal term with the terms it contains (jieba search mode yields 地方创生 and 地方, 创生)."""
    return [(t, tuple(u for u in terms if u in t)) for t in maximal_terms(terms)]


def group_weight(group: tuple[str, tuple[str, ...]], stats: CorpusStats) -> float:
    return stats.idf(group[0])


def group_credit(group: tuple[str, tuple[str, ...]], present) -> float:
    """1 when the whole term is present, else the character share of its longest present part."""
    term, parts = group
    return max((len(p) / len(term) for p in parts if present(p)), default=0.0)


def weighted_coverage(terms: Sequence[str], folded_text: str, stats: CorpusStats) -> float:
    """IDF-weighted share of the question's terms found in ``folded_text`` (0 when no terms);
    a compound term not found whole gets partial credit for its longest part that is."""
    groups = term_groups(terms)
    total = sum(group_weight(g, stats) for g in groups)
    if total <= 0:
        return 0.0
    present = lambda t: term_in(t, folded_text)  # noqa: E731
    return sum(group_weight(g, stats) * group_credit(g, present) for g in groups) / total


def as_asked(question: str, match: re.Match[str]) -> str:
    """What ``match`` (found in the folded question) covers, as the question writes it (哪個縣 and
    第一屆, not the folded 哪个县 and 第一届), when folding kept the question's length; else the folded
    text."""
    shown = unicodedata.normalize("NFKC", question)
    return (shown[match.start() : match.end()] if len(shown) == len(fold(question)) else match.group(0)).strip()


def latin_share(text: str) -> float:
    """Share of the question's letters that are Latin rather than CJK (0..1)."""
    latin = len(_LATIN_LETTER.findall(text))
    cjk = len(_CJK.findall(text))
    return latin / (latin + cjk) if latin + cjk else 0.0


def has_searchable_text(text: str) -> bool:
    """At least one letter or digit (any script)."""
    return any(unicodedata.category(ch)[0] in ("L", "N") for ch in text)


# What a question asks for, from its wording (Traditional, Simplified, English, Japanese).
_ASKS_NUMBER = re.compile(
    r"多少|幾|几|哪一?年|何年|何時|何时|什麼時候|什么时候|多久|比例|百分|金額|金额|預算|预算|億|亿|兆|萬|万|"
    r"how (?:many|much|long)|what year|when|percent|amount|budget|いくら|何人|何割|いつ",
    re.IGNORECASE,
)
_ASKS_LIST = re.compile(
    r"哪些|哪幾|哪几|幾項|几项|幾個|几个|幾類|几类|分成|分為|分为|包括|包含|有什麼|有什么|列出|"
    r"which|what are|list|kinds|types|categories|どんな|どのような|何が",
    re.IGNORECASE,
)
_ASKS_DEFINITION = re.compile(
    r"是什麼|是什么|什麼是|什么是|全名|全稱|全称|指的是|意思|定義|定义|縮寫|缩写|英文|"
    r"what is|what does|stand for|mean|full name|とは|何ですか|正式名称",
    re.IGNORECASE,
)
NUMBER_IN_TEXT = re.compile(r"\d|[一二三四五六七八九十百千萬万億亿兆]+(?:[項项個个成年月日%％]|日圓|日元|人)")
ENUMERATION = re.compile(r"[、]")


# The kind of answer a question wants, finer than ``number`` (for the found / not-found decision):
# an amount, count or share (多少, 比例, 幾個 but not 哪幾個 or 第幾, how many, いくら); a year or date (哪一年,
# 何時, when, いつ); a person or organisation (誰, 哪個單位, who, which ministry, どこが).
_ASKS_QUANTITY = re.compile(
    r"多少|(?<![哪那第])[幾几](?![乎])|比例|比率|百分比|多大|多高|多長|多长|多久|"
    r"how (?:many|much|large|big|long)|what (?:percentage|share|proportion|amount)|population of|"
    r"\b(?:ratio|rate|percentage|proportion)\b|"
    r"いくら|いくつ|何割|何%|どのくらい|どれくらい|どれだけ|"
    r"何[万億千百]?(?:人|個|社|件|団体|か所|ヶ所|箇所|回|歳|円|台|校|世帯|種類)",
    re.IGNORECASE,
)
_ASKS_WHEN = re.compile(
    r"哪一?年|哪一?天|哪個月|哪个月|何年(?!間)|何月|何日(?!間)|何時(?!間)|何时|什麼時候|什么时候|幾年|几年|幾月|几月|"
    r"\bwhen\b|what year|which year|what date|"
    # いつ as a word: not inside one (新しい|つながり) nor いつも (always)
    r"(?:(?<![\u3041-\u3093])|(?<=[はのもが]))いつ(?=[でかまご頃に、。？?\s\u4e00-\u9fff]|$)",
    re.IGNORECASE,
)
# English "when" opening a clause, not asking: "When paying out grants, what…", "Describe how… when a
# disaster strikes" (a question word or an imperative before it). Only the word is dropped.
_WHEN_CLAUSE = re.compile(
    r"\bwhen(?=\s+\w+ing\b)|(\b(?:what|which|how|who|whom|where|why|describe|explain|list|name)\b.*?)\bwhen\b",
    re.IGNORECASE,
)


def _asks_when(text: str) -> bool:
    return bool(_ASKS_WHEN.search(_WHEN_CLAUSE.sub(lambda m: (m.group(1) or "") + " ", text)))


_ASKS_SHARE = re.compile(
    r"比例|比率|(?<![效速利汇匯頻频])率|百分|幾成|几成|幾%|多少%|何割|何%|割合|"
    r"percent|proportion|share of|\b(?:ratio|rate)\b",
    re.IGNORECASE,
)
# a person rather than a body: 局長是誰, 總務大臣現在是誰, 議長は誰, 哪位
_PERSON_TITLE = (
    r"(?:局長|局长|大臣|首相|總理|总理|市長|市长|町長|町长|知事|議長|议长|部長|部长|主席|總統|总统|社長|社长|"
    r"會長|会长|負責人|负责人|創辦人|创办人|作者|委員長|委员长|長官|长官|座長|座长|理事長|理事长|"
    r"總裁|总裁|董事長|董事长|執行長|执行长|行長|行长|院長|院长|校長|校长|主委)"  # 日本政策投資銀行的總裁是誰
)
_ASKS_PERSON = re.compile(
    rf"{_PERSON_TITLE}[^?？。]{{0,6}}(?:是誰|是谁|為誰|为谁|は誰|は だれ|誰)|哪位|哪一位|\bwho (?:is|was) the\b|"
    rf"(?:是誰|是谁)[^?？。]{{0,4}}{_PERSON_TITLE}|どの(?:首相|大臣)|"
    r"(?:成員|成员|委員|委员)(?:名單|名单)?(?:有|是|包括|包含)(?:哪些人|誰|谁)",
    re.IGNORECASE,
)
_ASKS_WHO = re.compile(
    r"(?<!為了)(?<!为了)誰(?!のため|に向け)|(?<!為了)(?<!为了)谁|哪位|哪家|哪間|哪间|哪(?:一|個|个|些)?(?:單位|单位|部會|部会|部門|部门|機關|机关|機構|机构|組織|组织|公司|銀行|银行|"
    r"大學|大学|團體|团体|企業|企业|人)|"
    r"\bwho(?:m|se)?\b|which (?:company|ministry|agency|organi[sz]ation|bank|department|office|body|university)|"
    r"どこが|どの(?:省|機関|組織|会社|団体|首相|大臣)",
    re.IGNORECASE,
)


# Where a question asks: a question word (folded text: Simplified, lowercase).
_QUESTION_WORD = re.compile(
    r"什么|哪|谁|多少|几|如何|怎么|怎样|为什么|为何|何|啥|吗|是否|なに|なん|どの|どう|どこ|いつ|だれ|いくつ"
)
_CLAUSE_END = re.compile(r"[,;。?!，；？！]+")
_ENGLISH_QUESTION = re.compile(r"[?？]|\b(?:what|how|why|who|when|where|which)\b")


def asks_question(folded_text: str) -> bool:
    """Whether folded text has a question word (Chinese, Japanese, English) or a question mark."""
    return bool(_QUESTION_WORD.search(folded_text) or _ENGLISH_QUESTION.search(folded_text))


def asking_clauses(asked: str) -> tuple[str, ...]:
    """Of a question of several clauses (folded), the last clause with a question word, then the
    clauses before it, nearest first: "疫情期間如果同時發生天災，自治體首先要協助改善受災者支援制度，
    文章裡提到要加速解決哪一種申請手續常常塞車的狀況，好讓支援更迅速？" asks in its third clause;
    the others set the scene. () for a question of one clause, one without a question word, or
    one mostly in Latin letters (its terms are the glossary's Chinese, not its words)."""
    if latin_share(asked) >= 0.5:
        return ()
    clauses = [c.strip() for c in _CLAUSE_END.split(asked) if c.strip()]
    asking = [i for i, clause in enumerate(clauses) if _QUESTION_WORD.search(clause)]
    if len(clauses) < 2 or not asking:
        return ()
    return tuple(reversed(clauses[: asking[-1] + 1]))


_STEM_TAIL = re.compile(r"(?:有|是|的|在|要|会|能|可以|应该|该|都|为|了)+$")


def _last_asking(asked: str) -> tuple[str, str]:
    """The last clause of a folded question with a question word, split at that word: what it says
    before the word and what after; ("", "") when no clause asks."""
    clauses = [c for c in re.split(r"[,;。?!，；？！:：\s]+", asked) if c]
    found = next((m for m in map(_QUESTION_WORD.search, reversed(clauses)) if m), None)
    return (found.string[: found.start()], found.string[found.end() :]) if found else ("", "")


def asked_stem(asked: str) -> str:
    """What the asking clause of a folded question says before its question word, less a trailing
    有 / 是 / 的…: 医疗面向分 of "应对疫情的智慧城市，医疗面向分为哪两部分"; "" when no clause asks."""
    return _STEM_TAIL.sub("", _last_asking(asked)[0])


def asked_predicate(asked: str) -> str:
    """What the asking clause of a folded question says after its question word and the noun that
    word asks for: 合作 of 社会设计者需要和哪些单位合作 (单位 the noun) and of 需要哪些人来合作; the
    last word of two characters or more, "" when there is none beyond the noun (借住在哪种场所)."""
    words = question_terms(_last_asking(asked)[1])
    return words[-1] if len(words) > 1 and len(words[-1]) >= 2 else ""


@dataclass(frozen=True)
class Asks:
    """What kind of answer the question's wording asks for."""

    number: bool
    listing: bool
    definition: bool
    labels: tuple[str, ...] = ()  # what it quotes (「人」): a table row's or column's label
    folded: str = ""  # the question folded as the index folds text: a line label it names whole (区域别 → 區域別：…)
    quantity: bool = False  # an amount, a count or a share (多少, 比例, 幾個, how many)
    when: bool = False  # a year or a date (哪一年, 何時, when)
    who: bool = False  # a person or an organisation (誰, 哪個單位, who)
    share: bool = False  # of quantities, a share (比例, 幾成, percent): a % or 成 answers it
    person: bool = False  # of who, a person by title (局長是誰, 大臣は誰): a named person answers it
    years: tuple[str, ...] = ()  # the years it names (2014年的…): a sentence on another year is not the answer

    @property
    def typed(self) -> bool:
        """The question wants a quantity, a date or a name: an answer must carry one."""
        return self.quantity or self.when or self.who


def question_asks(question: str) -> Asks:
    from index.fusion import quoted_labels

    text = unicodedata.normalize("NFKC", question)
    return Asks(
        number=bool(_ASKS_NUMBER.search(text)),
        listing=bool(_ASKS_LIST.search(text)),
        definition=bool(_ASKS_DEFINITION.search(text)),
        labels=tuple(quoted_labels(question)),
        folded=fold(question),
        quantity=bool(_ASKS_QUANTITY.search(text)),
        when=_asks_when(text),
        who=bool(_ASKS_WHO.search(text)),
        share=bool(_ASKS_SHARE.search(text)),
        person=bool(_ASKS_PERSON.search(text)),
        years=tuple(dict.fromkeys(years_in(text))),
    )


# A year: a four-digit number 1900–2099, not part of a longer number (1,2012 or 2012.5; NFKC makes
# the Chinese comma in "並不豐碩，2012年" a "," too, so only a digit before it counts) and not an
# amount or a count (2000億, 1500人).
YEAR = re.compile(
    r"(?<![\d.])(?<!\d,)((?:19|20)\d\d)(?![\d%])(?![.,]\d)"
    r"(?!\s*(?:億|亿|萬|万|兆|千|百|元|日圓|日圆|円|美元|人|名|個|个|家|件|所|項|项|座|台|次))"
)


def years_in(text: str) -> list[str]:
    """The years (:data:`YEAR`) written in ``text``, read after NFKC."""
    return YEAR.findall(unicodedata.normalize("NFKC", text))


def other_year(asked: Sequence[str], text: str) -> bool:
    """``text`` names a year, none of them one of the ``asked`` years (there are some): it speaks
    of another time than the question (2012年 … when 2014 is asked)."""
    named = set(years_in(text))
    return bool(asked) and bool(named) and not named & set(asked)


# What a sentence carries (NFKC text). A year or date: 2020年, 2020, 令和2年, 4月, 年度, 元年.
_DATE_IN_TEXT = re.compile(
    r"(?<!\d)(?:1[89]|20)\d{2}(?!\d)|(?:令和|平成|昭和)|(?<!\d)\d{1,2}\s*月|[一二三四五六七八九十]{1,3}月|年度|元年"
)
# An amount, count or share: a number with a unit (5兆日圓, 15.9%, 九成, 三支, 1,700個), a fraction
# (三分之一, 過半); a year (2020年) is a date, not an amount, and a lone 一 (一個, 一種) is an article.
_CJK_NUMERAL = "零〇一二三四五六七八九十百千萬万億亿兆兩两"
_UNIT = (
    r"(?:%|％|成|倍|萬|万|億|亿|兆|千|百|日圓|日圆|日元|円|元|美元|韓元|韩元|人|名|家|間|间|個|个|項|项|所|件|座|"
    r"頁|页|次|位|種|种|類|类|台|輛|辆|支|條|条|處|处|年|歲|岁|分之|"
    r"percent|per ?cent|million|billion|trillion|yen|people)"
)
_QUANTITY_IN_TEXT = re.compile(
    rf"(?<![\d.])(?!(?:1[89]|20)\d{{2}}\s*年)\d[\d,]*(?:\.\d+)?\s*{_UNIT}|"
    rf"(?:[{_CJK_NUMERAL}]{{2,}}|[二三四五六七八九十兩两半]){_UNIT}|過半|过半|半數|半数|一半|"
    rf"(?:一|每)(?:個|个)?(?:人|位|名)\s*[{_CJK_NUMERAL}\d]{_UNIT}",  # a ratio: 一人一台, 每人兩台
    re.IGNORECASE,
)
# A share: 15.9%, 七成, 三分之一, 過半.
_SHARE_IN_TEXT = re.compile(
    rf"\d\s*(?:%|％|percent|per ?cent)|[{_CJK_NUMERAL}\d][成割]|分之|過半|过半|半數|半数|一半", re.IGNORECASE
)
# A named person: a title next to a name (作者 謝子涵, 總務大臣高市早苗, 謝子涵先生), or a name taking a
# title (由大南信也擔任理事長; a tester's 綠谷的理事長是誰？ was refused as naming no person).
_PERSON_IN_TEXT = re.compile(
    rf"{_PERSON_TITLE}[\s:：為为是]*[\u4e00-\u9fff]{{2,4}}|[\u4e00-\u9fff]{{2,4}}(?:先生|女士|教授|博士|議員|议员)|"
    rf"[\u4e00-\u9fff]{{2,4}}(?:擔任|担任|出任|接任|就任)[^，。,;；]{{0,8}}?{_PERSON_TITLE}"  # 由大南信也擔任理事長
)
# A person or an organisation: a ministry, office, company… or a title; Latin acronyms (DBJ, DMO).
_NAME_IN_TEXT = re.compile(
    r"[省廳厅署局]|內閣|内阁|府(?!縣|县)|部會|部会|委員會|委员会|協會|协会|會議|会议|機構|机构|機關|机关|單位|单位|公司|"
    r"銀行|银行|法人|大學|大学|辦公室|办公室|組織|组织|團體|团体|業者|业者|企業|企业|政府|自治體|自治体|專家|专家|"
    r"作者|大臣|首相|市長|市长|町長|町长|局長|局长|部長|部长|議長|议长|主席|總統|总统|"
    r"\b[A-Z]{2,}\b|Ministry|Agency|Office|Council|Bank|University"
)


# An English question for a person by title (Who was Japan's Minister for…, the mayor … who): only
# for the premise check (chat.premise.absent_person), not the answer-kind features the decision was fitted on.
_ASKS_PERSON_EN = re.compile(
    r"\bwho (?:is|was|are|were)\b[^?]{0,40}?\b(minister|mayor|governor|president|prime minister|head|director|"
    r"chair(?:man|person)?|founder|leader|secretary)\b|"
    r"\b(minister|mayor|governor|president|prime minister|director|founder)\b[^?]{0,30}\bwho\b|"
    r"\bwhich (minister|politician|mayor|governor)\b|"
    r"\bwho (headed|heads|chaired|chairs)\b",  # not "who led / runs": a body may
    re.IGNORECASE,
)
_TITLE = re.compile(_PERSON_TITLE)


def person_asked(question: str) -> str:
    """The title of the person the question asks for (局長是誰 → 局長, Who was the Minister… →
    minister), or "" when it asks for no person."""
    text = unicodedata.normalize("NFKC", question)
    english = _ASKS_PERSON_EN.search(text)
    if not english and not _ASKS_PERSON.search(text):
        return ""
    title = _TITLE.search(text)
    if title:
        return title.group(0)
    return next(g for g in english.groups() if g) if english else "哪位"  # 哪位: asked for with no title


def states_date(text: str) -> bool:
    """``text`` states a year or a date (2020年, 令和2年, 4月, 年度, 元年)."""
    return _DATE_IN_TEXT.search(unicodedata.normalize("NFKC", text)) is not None


def names_person(text: str) -> bool:
    """``text`` names a person: a title next to a name (作者 謝子涵, 總務大臣高市早苗, 謝子涵先生)."""
    return _PERSON_IN_TEXT.search(unicodedata.normalize("NFKC", text)) is not None


def answer_type_spans(asks: Asks, text: str) -> list[tuple[int, int]]:
    """Where ``text`` (NFKC-normalised by the caller) carries an answer of the asked kind."""
    patterns = (
        (asks.quantity and not asks.share, _QUANTITY_IN_TEXT),
        (asks.quantity and asks.share, _SHARE_IN_TEXT),
        (asks.when, _DATE_IN_TEXT),
        (asks.who and not asks.person, _NAME_IN_TEXT),
        (asks.who and asks.person, _PERSON_IN_TEXT),
    )
    return sorted(m.span() for wanted, pattern in patterns if wanted for m in pattern.finditer(text))


def carries_answer_type(asks: Asks, text: str) -> bool:
    """Whether ``text`` carries an answer of the kind the question asks for (a quantity for 多少,
    a year or date for 哪一年, a name for 誰); True for a question that asks for none of them."""
    return not asks.typed or bool(answer_type_spans(asks, unicodedata.normalize("NFKC", text)))
