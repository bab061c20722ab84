"""Latin-script text in no language the chatbot reads: "lorem ipsum dolor sit amet", "asdkjfh
qwoeiru zxcmvn", "Quelle est la politique…".

The writers of junk questions reach for lorem ipsum more than for anything else (15 of the blind
batches have it), and the fitted decision answered it as 可能相關: its words are unknown to the
articles, but Latin words unknown to the articles are what an English question about RESAS or
REVIC is made of too. What tells them apart is English: an English question's words are English
(or the articles' own names), a placeholder's are not.

A question with no Chinese or Japanese character and at least :data:`MIN_WORDS` words, of which
fewer than :data:`MIN_SHARE` are English (``lemminflect`` knows them, or they are function words)
or terms of the articles (RESAS, MaaS), is not found. Of the 5000-odd questions of the bank, the
blind batches and their dialogues, the answerable Latin-only ones have a share of 0.5 or more
("What's its English name?": 0.5; "what is RESAS": 0.67, as "resas" counts only when the index
has it); lorem ipsum has 0.12–0.2. Over all held-out sets: junk told 找不到 281 → 287 of 288, one
more everyday question; no answerable question moved. Train: lorem ipsum (the one junk question the
decision answered).

A question of numbers alone (1988 394 2018 846, 2 / 14: a table's row or a page number pasted into
the box) is text in no language too: it has no word saying what is asked, and its numbers match a
table row of an article that has one, so the decision answered it as 可能相關 from that row. Two or
more numbers and no letter of any script is not found, with a line asking for the question in
words; one number alone (2019) is still searched as a keyword. Of the 7800-odd questions of the
bank, the blind batches, the added articles' batches and the everyday and junk sets, 14 are numbers
alone, none answerable.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from chat.terms import asks_question
from ingest.segment import fold

MIN_WORDS = 3  # fewer words say too little: "git rebase", "foo bar"
MIN_SHARE = 1 / 3  # below this share of English or known words, not a language the chatbot reads
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
_NUMBER = re.compile(r"\d+(?:[.,:/]\d+)*")
_NOT_LATIN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_FUNCTION = frozenset(
    "a an the of to in on at by for from with and or but is are was were be been am do does did what which who "
    "whom whose when where why how that this these those it its they them their there here not no yes as than then "
    "so if any all some many much more most into about over under after before during between per can could will "
    "would should may might must has have had i you he she we me my your our his her".split()
)


def english_word(word: str) -> bool:
    """Whether ``word`` (lowercase) is an English word or function word."""
    from lemminflect import getAllLemmas  # loads its tables on first use

    return word in _FUNCTION or bool(getAllLemmas(word)) or bool(getAllLemmas(word.removesuffix("s")))


def unread_words(question: str, known: Callable[[str], bool]) -> str:
    """The first words of a Latin-only ``question`` whose words are mostly neither English nor
    ``known`` (a term of the articles), or "" for any other question."""
    text = question.lower()
    if _NOT_LATIN.search(text):
        return ""
    words = [w for w in _WORD.findall(text) if len(w) >= 2]
    if len(words) < MIN_WORDS:
        return ""
    read = sum(1 for w in words if english_word(w) or known(w))
    return " ".join(words[:3]) if read < MIN_SHARE * len(words) else ""


def bare_numbers(question: str) -> str:
    """The first numbers of a ``question`` made of two or more numbers and no letter of any script
    (punctuation, symbols and spaces between them), or "" for any other question."""
    if any(char.isalpha() for char in question):
        return ""
    numbers = _NUMBER.findall(question)
    return " ".join(numbers[:4]) if len(numbers) >= 2 else ""


# A sum to work out: 15的平方, 2的10次方, 15乘以3, 根號2, 3+4等於多少, 12×7. The articles hold no
# sums; a question of one number and an operation drew a row with that number as 可能相關 (a tester's
# 15的平方是多少 quoted 人口尺度別 15萬人以下). Not an area (平方公里), a date (2020/10/29) or a range
# (2020-2021); a sign between digits (3+4) only when nothing but asking words is left beside it, since
# the articles name 3+3方針.
_OPERATION = re.compile(
    r"[\d.]+\s*(?:的)?\s*(?:平方|立方|次方|次冪|次幂|階乘|阶乘)(?!公|米|尺|英|千|哩|呎|碼|码|m\b)"
    r"|(?:乘以|除以|乘上|加上|減去|减去)\s*[\d一二三四五六七八九十]"
    r"|根號|根号|平方根|開根|开根|\bsqrt\b|\bsquared\b|\bsquare root\b",
    re.IGNORECASE,
)
_SIGNS = re.compile(r"[\d.]+(?:\s*[+*×÷^]\s*[\d.]+)+")
_ASKING_ONLY = re.compile(r"^(?:[\s=?？。!！]|等於|等于|是|多少|幾|几|呢|嗎|吗|what|is|equals?)*$", re.IGNORECASE)


def arithmetic(question: str, written: Callable[[str], bool] = lambda text: False) -> str:
    """The operation of a sum the question asks to work out (15的平方, 3+4), or "". ``written``: whether
    the articles write a text (3+3, which names the 3+3方針, is no sum)."""
    text = unicodedata.normalize("NFKC", question)
    found = _OPERATION.search(text)
    if found:
        return found.group(0).strip()
    signs = _SIGNS.search(text)
    if signs is None or written(signs.group(0).replace(" ", "")):
        return ""
    return signs.group(0) if _ASKING_ONLY.match(text[: signs.start()] + text[signs.end() :]) else ""


# Code and markup pasted into the box: an SQL statement it starts with (SELECT * FROM RESAS WHERE…),
# an HTML / XML tag (<div>地方創生</div>), a template placeholder ({{name}}, ${x}, <% %>). The fitted
# decision refuses most code by its symbols, but an SQL statement naming the articles' words (RESAS,
# 北海道) was answered as 可能相關 from the passages it named: 1 of the 95 junk inputs of the train
# split, 4 of 335 held out; the same patterns match no answerable question, everyday question or
# dialogue turn of the bank and the blind batches. Every tag and template among their junk was refused
# already; the check says why.
_CODE = re.compile(
    r"^\s*(?:select\s+[\w(*)]+(?:\s+as\s+\w+)?(?:\s*,\s*[\w(*)]+(?:\s+as\s+\w+)?)*"
    r"\s+from\s+\w+|insert\s+into\s+\w+|update\s+\w+\s+set\s+\w+\s*="
    r"|delete\s+from\s+\w+|drop\s+(?:table|database)\s+\w+)"
    r"|<\s*/?\s*[a-z][a-z0-9]*(?:\s[^<>]*)?/?>"
    r"|\{\{[^{}]*\}\}|\$\{[^{}]*\}|<%[^%]*%>"
    r"|<!--[\s\S]*?-->|/\*[\s\S]*?\*/"  # an HTML or a C comment (<!-- 地方創生 -->, /* 總務省 */)
    r"|^\s*s/[^/\n]+/[^/\n]*/[gi]*\s*$",  # a sed substitution (s/地方創生/regional revitalisation/g)
    re.IGNORECASE | re.MULTILINE,
)


# Whole inputs that are an address or a data format: a URL, an e-mail address, a file path with
# little else ("~/Desktop/GIGA_School_2020.xlsx", "mailto:info@example.jp"), LaTeX, a JSON object.
# Of the 120 non-questions of the w44 train batch (written to be hard), 4 were 可能相關 and are now
# refused; no held-out question moved.
_ADDRESS = re.compile(
    r"(?:https?://|ftp://|www\.|mailto:)\S+|[\w.+-]+@[\w-]+\.[\w.]+|(?:~|\.{1,2})?/(?:[\w.-]+/)+[\w.-]*|[a-z]:\\\S+",
    re.IGNORECASE,
)
ADDRESS_REST = 3  # letters besides the addresses up to which the input is only an address
_FORMAT = re.compile(
    r"\\(?:hline|begin|end|frac|section|textbf|item)\b|\{\s*\"[^\"]{1,40}\"\s*:",
    re.IGNORECASE,
)


def code(question: str) -> str:
    """The start of the SQL statement, tag, template placeholder, data format or address that
    ``question`` holds (an address only when it is almost all of it), or ""."""
    match = _CODE.search(question) or _FORMAT.search(question)
    if match:
        return match.group(0).strip()[:40]
    addresses = _ADDRESS.findall(question)
    rest = _ADDRESS.sub("", question)
    if addresses and sum(1 for ch in rest if ch.isalpha()) <= ADDRESS_REST:
        return addresses[0][:40]
    return ""


# A term wrapped in noise on both sides: "@@@ 總務省 ###", "lol 地域未來構想 lol", "*** RESAS ***",
# "🤔 RESAS 🤔", "xxx GIGA xxx". Each side is a run of two or more symbols or emoji (one "-", "#" or
# "1." is a list or heading marker: "# 地方創生" is still searched as a keyword), or Latin letters that
# are neither English nor a term of the articles; brackets and quotes (「RESAS」？) are no noise. Written
# from the train split's junk (w4: asdf 地方創生 qwer, @@@ 總務省 ###, lol 地域未來構想 lol, refused by
# the decision only by their symbols' share) and non-questions written blind for it.
_AFFIX = re.compile(r"^(?P<pre>[^\w\u3040-\u9fff]*)(?P<core>.*?)(?P<post>[^\w\u3040-\u9fff]*)$", re.DOTALL)
_BRACKETS = "「」『』（）()[]【】〈〉《》\"'“”‘’?？!！。.,，、:：;；"
MIN_NOISE = 2  # symbols in a run that make it noise
# Noise on one side only is enough when it is two or more emoji and the rest is a bare term
# ("地方創生🔥🔥🔥", "RESAS 📊📈📉", "🏫💻 GIGA"): a post, not a question. One "#" or "-" is a heading mark.
MAX_TERM = 12


def _noise_symbols(run: str) -> bool:
    marks = [ch for ch in run if not ch.isspace()]
    emoji = any(unicodedata.category(ch) == "So" for ch in marks)
    others = [ch for ch in marks if ch not in _BRACKETS]
    return emoji or len(others) >= MIN_NOISE or (len(marks) >= 3 and len(set(marks)) == 1)


def _noise_word(word: str, known: Callable[[str], bool]) -> bool:
    w = word.lower()
    return bool(re.fullmatch(r"[a-z]{2,}", w)) and not english_word(w) and not known(w)


def wrapped(question: str, known: Callable[[str], bool]) -> str:
    """The term a ``question`` wraps in noise on both sides (symbols, emoji, Latin non-words), or ""."""
    text = unicodedata.normalize("NFKC", question).strip()
    parts = _AFFIX.match(text)
    if parts is None or not parts.group("core"):
        return ""
    core = parts.group("core").split()
    pre_noise = _noise_symbols(parts.group("pre"))
    post_noise = _noise_symbols(parts.group("post"))
    if not pre_noise and len(core) > 1 and not parts.group("pre").strip() and _noise_word(core[0], known):
        pre_noise, core = True, core[1:]
    if not post_noise and len(core) > 1 and not parts.group("post").strip() and _noise_word(core[-1], known):
        post_noise, core = True, core[:-1]
    if not core or any(_noise_word(w, known) for w in core):
        return ""
    if pre_noise and post_noise:
        return " ".join(core)[:40]
    one_side = _emoji_run(parts.group("pre")) or _emoji_run(parts.group("post"))
    return " ".join(core)[:40] if one_side and _bare_term(core) else ""


def _emoji_run(run: str) -> bool:
    return sum(unicodedata.category(ch) == "So" for ch in run) >= MIN_NOISE


def _bare_term(words: list[str]) -> bool:
    """A term and no question: at most two words, :data:`MAX_TERM` characters, no question word."""
    text = " ".join(words)
    return len(words) <= 2 and len(text) <= MAX_TERM and not asks_question(fold(text))


# A name in Latin letters that a Chinese or Japanese question uses and no article does: "怎麼用Excel做
# 樞紐分析表", "文章提到的JESAS分析系統", "V-RESASとは", "CIO補佐官". In a question written in Chinese or
# Japanese, Latin letters are a name the writer copied (RESAS, GIGA School, MaaS): one the articles never
# write is a product, programme or system they do not cover. Only words with a capital letter (iPhone,
# JESAS; not a colloquial "app"; not a short abbreviation such as SNS, URL or NPO, which translates what the
# articles say in Chinese), read against every indexed token as a part of it (QR in JPQR) and against the
# best passages with their spaces taken out (MyNaPoint in the extracted "MyNaPoi nt"). English
# questions are not read: their capitalised words are translations (MIC, METI) of what the articles say
# in Chinese. Of the train split, 37 Chinese or Japanese questions have such a name, none answerable.
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*")
LATIN_NAMES = True
MIN_NAME = 4  # capitals alone shorter than this are abbreviations (SNS, URL, NPO), not names


def unwritten_name(question: str, written: Callable[[str], bool]) -> str:
    """The first capitalised Latin name of a mostly Chinese or Japanese ``question`` that ``written``
    (folded, lowercase: whether any indexed token holds it) says no article writes, or ""."""
    if not LATIN_NAMES or not _NOT_LATIN.search(question):
        return ""
    letters = sum(ch.isascii() and ch.isalpha() for ch in question)
    english = any(word in _FUNCTION for word in _WORD.findall(question.lower()))
    if english and letters >= len(_NOT_LATIN.findall(question)):  # mostly English words: an English question
        return ""
    for match in _NAME.finditer(unicodedata.normalize("NFKC", question)):
        word = match.group()
        lower = word.lower()
        if not any(ch.isupper() for ch in word) or lower in _FUNCTION:
            continue
        if len(word) < MIN_NAME and not any(ch.islower() for ch in word[1:]):
            continue  # SNS, URL, NPO, KPI: abbreviations of what the articles say in Chinese
        forms = {lower, lower.removesuffix("s"), lower.replace("-", ""), lower.replace(".", "")}
        if not any(written(form) for form in forms if len(form) >= 2):
            return word
    return ""


# English figures written as the Chinese checks of chat.premise read them, so that an English question
# is checked against the articles' figures as a Chinese one is: "5 trillion yen" → 5兆, "1.5 billion" →
# 15億, "40 percent" → 40%, "the 25 concepts" → 25項概念, "the fifth goal" → 第5大目標, "passed in 2012"
# → 2012年通過. The nouns and verbs are those the articles count and date (三大目標, 20項…概念, 四個階段,
# 三支箭, 8項對策, 6項重點; 2014年通過, 2014年開始, 成立).
_SCALE = {"trillion": (1, "兆"), "billion": (10, "億"), "million": (100, "萬")}
_EN_AMOUNT = re.compile(r"\b(\d+(?:\.\d+)?)\s*(trillion|billion|million)\b", re.IGNORECASE)
_EN_PERCENT = re.compile(r"\b(\d+(?:\.\d+)?)\s*(?:percent|per cent)\b", re.IGNORECASE)
_NUMBER_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty"
).split()
_ORDINAL_WORDS = "first second third fourth fifth sixth seventh eighth ninth tenth".split()
_THINGS = {  # English noun → the classifier and thing the articles count it with
    "concept": "項概念",
    "goal": "大目標",
    "objective": "大目標",
    "arrow": "支箭",
    "phase": "個階段",
    "stage": "個階段",
    "countermeasure": "項對策",
    "measure": "項對策",
}
_QUALIFIER = r"(?:(?:main|major|key|big|broad|basic|core|overarching|policy)\s+)?"  # the three main goals
_EN_COUNT = re.compile(
    rf"\b(\d{{1,3}}|{'|'.join(_NUMBER_WORDS)})(?:(st|nd|rd|th)\b)?\s+{_QUALIFIER}({'|'.join(_THINGS)})s?\b",
    re.IGNORECASE,
)
_EN_ORDINAL = re.compile(rf"\b({'|'.join(_ORDINAL_WORDS)})\s+{_QUALIFIER}({'|'.join(_THINGS)})\b", re.IGNORECASE)
# words before a count that make it part of the whole (as 前 / 这 / 哪 / 每 in Chinese, chat.premise)
_NOT_A_TOTAL = re.compile(
    r"\b(?:first|last|next|previous|other|these|those|each|every|both|which|what|remaining|top|initial|final|"
    r"latter|former|of)\s+$",
    re.IGNORECASE,
)
_VERBS = {  # English verb → the word after a year in the articles
    "passed": "通過",
    "enacted": "通過",
    "adopted": "通過",
    "started": "開始",
    "began": "開始",
    "launched": "開始",
    "established": "成立",
    "founded": "成立",
    "created": "成立",
}
_EN_YEAR = re.compile(
    rf"\b({'|'.join(_VERBS)})\b(?:\s+[a-z-]+){{0,6}}?\s+in\s+((?:19|20)\d\d)\b|\bin\s+((?:19|20)\d\d)\s*,?\s+"
    rf"(?:[a-z-]+\s+){{0,2}}?(?:was\s+|were\s+)?({'|'.join(_VERBS)})\b",
    re.IGNORECASE,
)


def _amount(match: re.Match[str]) -> str:
    times, unit = _SCALE[match.group(2).lower()]
    return f"{float(match.group(1)) * times:g}{unit}"


def _count(match: re.Match[str]) -> str:
    number, suffix, thing = match.groups()
    if not suffix and _NOT_A_TOTAL.search(match.string, 0, match.start()):
        return match.group(0)  # "the first two stages", "which three goals": some of them, not how many
    n = number if number.isdigit() else str(_NUMBER_WORDS.index(number.lower()))
    kind = _THINGS[thing.lower()]
    return f"第{n}{kind[1:] if kind[0] == '項' else kind}" if suffix else f"{n}{kind}"


def _ordinal(match: re.Match[str]) -> str:
    n = _ORDINAL_WORDS.index(match.group(1).lower()) + 1
    kind = _THINGS[match.group(2).lower()]
    return f"第{n}{kind[1:] if kind[0] == '項' else kind}"


def _year(match: re.Match[str]) -> str:
    verb = match.group(1) or match.group(4)
    year = match.group(2) or match.group(3)
    return f"{match.group(0)}; {year}年{_VERBS[verb.lower()]};"


def as_chinese_figures(question: str) -> str:
    """``question`` with its English amounts, counts, ordinals and dated events written as the articles
    write them (5兆, 25項概念, 第5大目標, 2012年通過), or unchanged when it has Chinese or Japanese."""
    if _NOT_LATIN.search(question):
        return question
    text = _EN_AMOUNT.sub(_amount, question)
    text = _EN_PERCENT.sub(r"\1%", text)
    text = _EN_COUNT.sub(_count, text)
    text = _EN_ORDINAL.sub(_ordinal, text)
    return _EN_YEAR.sub(_year, text)
