"""Bad questions through the real CLI (in-process and, for real stdout encoding, a subprocess)
and through ``Engine.ask``: each gets an answer or a clear message, never a traceback, fast.

The index is the seed corpus embedded by a tiny random-weight sentence-transformers model
(``tests.reliability_support.make_tiny_model``) loaded through ``--model PATH``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from chat.abstain import NOT_FOUND_LINE
from chat.answer import MESSAGE_EMPTY, MESSAGE_NO_TEXT, MESSAGE_REPEATED, MESSAGE_TRUNCATED
from chat.config import PROJECT_ROOT
from tests.reliability_support import TRACEBACK, built_setup, error_message, run_cli, tiny_model

CLI_SECONDS = 30.0  # generous: one CLI call loads the model and the index, on a busy 2-core machine
ASK_SECONDS = 5.0  # Engine.ask with the model and index already loaded

# name -> (question, the message the answer must carry; None = any answer or message)
BAD_QUERIES: dict[str, tuple[str, str | None]] = {
    "whitespace": (" \t\n\u3000\u00a0 ", MESSAGE_EMPTY),
    "long_10000": ("".join(f"地方創生的補助金第{i}" for i in range(1000))[:10_000], MESSAGE_TRUNCATED),
    "long_ascii_token": ("".join(f"abc{i}" for i in range(2_000))[:10_000], MESSAGE_TRUNCATED),
    "repeated_phrase": ("地方創生的補助金" * 1250, MESSAGE_REPEATED),
    "repeated_words": ("lorem ipsum dolor sit amet " * 12, MESSAGE_REPEATED),
    "repeated_char": ("哈" * 120, MESSAGE_REPEATED),
    "repeated_pair": ("ab" * 5_000, MESSAGE_REPEATED),
    "punctuation": ("？？！！……。，、；：「」『』!?.,;:-_()[]{}", MESSAGE_NO_TEXT),
    "emoji": ("😀🎉🔥👍🏽🇯🇵", MESSAGE_NO_TEXT),
    "emoji_and_words": ("🔥地方創生🔥補助金💴是多少？", None),
    "control_chars": ("\x00\x07\x1b[31m地方創生\x1b[0m\x7f\x08", None),
    "only_control": ("\x00\x01\x02\x1b\x7f", MESSAGE_EMPTY),
    "zero_width_bidi": ("\u202e\u200b地方\u200d創生\ufeff\u2066", None),
    "lone_surrogates": ("\udcff\udcfe地方創生\ud800", None),
    "mixed_scripts": ("地方創生 regional revitalisation 지방창생 地方創生とは Москва عربى", None),
    "sql": ("'; DROP TABLE passages; -- OR 1=1 /* */", None),
    "html": ("<script>alert(1)</script><img src=x onerror=alert(2)>", None),
    "template_and_format": ("{0} %s %n ${HOME} $(id) `id` {{7*7}}", None),
    "newlines_only": ("\n\r\n\r", MESSAGE_EMPTY),
    "negative_number": ("-1", None),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return built_setup(tmp_path_factory.mktemp("bad-queries"), tiny_model(tmp_path_factory))


@pytest.fixture(scope="module")
def engine(built):
    engine = built.engine()
    engine.answer("暖機")  # load model and index once, so timings below are per question
    return engine


def check_json_answer(result, expected_message: str | None) -> dict:
    assert TRACEBACK not in result.out + result.err
    assert result.code == 0, (result.code, result.err)
    lines = result.json_lines()
    assert len(lines) == 1, result.out
    answer = lines[0]
    assert set(answer) >= {"question", "found", "answer", "passages", "message"}
    assert answer["found"] or answer["message"], answer  # an answer, or a message saying why not
    if answer["found"]:
        assert answer["answer"] and all(q["text"] for q in answer["answer"])
    if expected_message is not None:
        assert answer["message"].startswith(expected_message), answer["message"]
    return answer


BLANK = {name for name, (_q, expected) in BAD_QUERIES.items() if expected == MESSAGE_EMPTY}
ASKED = sorted(set(BAD_QUERIES) - BLANK)  # a blank question is an error on the command line (below)


@pytest.mark.parametrize("name", ASKED)
def test_bad_query_cli_json(built, name, record_property):
    question, expected = BAD_QUERIES[name]
    result = run_cli(built.argv("ask", question, "--json"))
    check_json_answer(result, expected)
    record_property("seconds", round(result.seconds, 3))
    assert result.seconds < CLI_SECONDS


@pytest.mark.parametrize("name", ASKED)
def test_bad_query_cli_text(built, name):
    question, expected = BAD_QUERIES[name]
    result = run_cli(built.argv("ask", question))
    assert TRACEBACK not in result.out + result.err
    assert result.code == 0, result.err
    assert result.out.strip(), "the text answer is empty"
    if expected is not None:
        assert result.out.startswith(expected)


@pytest.mark.parametrize("name", ["empty", *sorted(BLANK)])
@pytest.mark.parametrize("json_flag", [(), ("--json",)])
def test_empty_or_blank_question_is_a_usage_message(built, name, json_flag):
    question = BAD_QUERIES[name][0] if name in BAD_QUERIES else ""
    result = run_cli(built.argv("ask", question, *json_flag))
    assert result.code == 1 and TRACEBACK not in result.err and result.out == ""
    assert "sousei ask" in error_message(result.err)


def test_no_question_at_all_is_a_usage_message(built):
    result = run_cli(built.argv("ask"))
    assert result.code == 1 and "sousei ask" in result.err


def test_found_question_still_works(built):
    """The control case: a real question gets quotes from the corpus (so the checks above can tell)."""
    result = run_cli(built.argv("ask", "2021年的地方創生臨時補助金是多少？", "--json"))
    answer = check_json_answer(result, None)
    assert answer["passages"], answer
    assert answer["found"] or answer["message"] == NOT_FOUND_LINE


@pytest.mark.parametrize("name", sorted(BAD_QUERIES) + ["empty"])
def test_bad_query_service_ask(engine, name, record_property):
    question, expected = BAD_QUERIES.get(name, ("", MESSAGE_EMPTY))
    start = time.perf_counter()
    answer = engine.answer(question)
    seconds = time.perf_counter() - start
    record_property("seconds", round(seconds, 4))
    assert answer.found or answer.message
    if expected is not None:
        assert answer.message.startswith(expected)  # a truncated question may also be not found
    assert seconds < ASK_SECONDS, seconds


def test_bad_query_service_ask_non_string(engine):
    """A caller handing something that is not a string (e.g. None from a cleared UI box)."""
    answer = engine.answer(None)
    assert answer.message == MESSAGE_EMPTY and not answer.found


def test_batch_file_problems_are_messages(built, tmp_path):
    missing = run_cli(built.argv("ask", "--batch", str(tmp_path / "nope.jsonl")))
    assert missing.code == 1 and "nope.jsonl" in missing.err and TRACEBACK not in missing.err
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1, "q": "地方創生"}\n{not json\n{"id": 3, "q": "地方創生"}\n', encoding="utf-8")
    result = run_cli(built.argv("ask", "--batch", str(bad)))
    assert result.code == 1 and "bad.jsonl:2" in result.err and TRACEBACK not in result.err
    first, error, third = result.json_lines()  # the bad line gets an error object; the batch goes on
    assert first["id"] == "1" and "found" in first
    assert error["id"] == "2" and error["line"] == 2 and "not valid JSON" in error["error"]
    assert third["id"] == "3" and "found" in third


def test_batch_of_every_bad_query_in_one_call(built, tmp_path):
    batch = tmp_path / "all.jsonl"
    batch.write_text(
        "".join(json.dumps({"id": name, "q": q}) + "\n" for name, (q, _m) in BAD_QUERIES.items()), encoding="utf-8"
    )
    result = run_cli(built.argv("ask", "--batch", str(batch)))
    assert result.code == 0 and TRACEBACK not in result.err
    got = {line["id"]: line for line in result.json_lines()}
    assert set(got) == set(BAD_QUERIES)
    for name, (_q, expected) in BAD_QUERIES.items():
        assert got[name]["found"] or got[name]["message"]
        if expected is not None:
            assert got[name]["message"].startswith(expected), name


@pytest.mark.slow
def test_bad_queries_through_a_real_process_stdout(built, tmp_path):
    """Real stdout (UTF-8 pipe): lone surrogates, control characters and a question given as bytes
    that are not UTF-8 (argv decoded with surrogateescape) must print, not crash."""
    batch = tmp_path / "all.jsonl"
    batch.write_text(
        "".join(json.dumps({"id": name, "q": q}) + "\n" for name, (q, _m) in BAD_QUERIES.items()), encoding="utf-8"
    )
    command = [sys.executable, "-m", "chat.cli", "ask", "--batch", str(batch), *built.options()]
    done = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, timeout=180)
    assert done.returncode == 0 and TRACEBACK.encode() not in done.stderr, done.stderr.decode(errors="replace")
    lines = [json.loads(line) for line in done.stdout.decode("utf-8").splitlines()]
    assert {line["id"] for line in lines} == set(BAD_QUERIES)

    big5_bytes = "地方創生補助金".encode("cp950")
    text = subprocess.run(
        [sys.executable.encode(), b"-m", b"chat.cli", b"ask", big5_bytes, *[o.encode() for o in built.options()]],
        cwd=PROJECT_ROOT,
        capture_output=True,
        timeout=180,
    )
    assert text.returncode == 0, text.stderr.decode(errors="replace")
    assert TRACEBACK.encode() not in text.stderr and text.stdout.strip()
