"""`sousei add / remove / restore / articles / ask` run in-process (fake encoder): what the user sees."""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from pathlib import Path

import pytest

from chat.cli import main
from chat.config import Config
from chat.engine import Engine
from tests.fakes import FakeEncoder

ORIGINAL = "001_4942e598eceb2bee"


@pytest.fixture
def engine(tmp_path, monkeypatch) -> Engine:
    """A built two-article corpus; ``chat.cli`` uses the fake encoder (no model load)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / f"{ORIGINAL}.txt").write_text(
        "夕張市\n\n北海道夕張市的雪融發電計畫預計每年發電4200萬度。\n", encoding="utf-8"
    )
    (corpus / f"{ORIGINAL}.txt.meta.json").write_text('{"title": "夕張的雪融發電"}', encoding="utf-8")
    (corpus / "b.txt").write_text("地方創生\n\n地方創生臨時補助金的預算在2020年達3兆日圓。\n", encoding="utf-8")
    built = Engine.with_encoder(Config.load(corpus_dir=corpus, index_dir=tmp_path / "index"), FakeEncoder())
    built.rebuild()
    monkeypatch.setattr(
        "chat.cli._engine",
        lambda args: Engine.with_encoder(
            Config.load(corpus_dir=args.corpus, index_dir=args.index), FakeEncoder(), say=lambda _m: None
        ),
    )
    return built


def cli(engine: Engine, *args: str) -> int:
    return main([*args, "--corpus", str(engine.config.corpus_dir), "--index", str(engine.config.index_dir)])


def articles(engine: Engine, capsys) -> dict[str, str]:
    capsys.readouterr()
    assert cli(engine, "articles", "--json") == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    return {row["doc_id"]: row["title"] for row in rows}


@pytest.fixture
def rebuilds(monkeypatch) -> list[tuple]:
    """Every Engine.rebuild the CLI runs from here on."""
    calls: list[tuple] = []
    real_rebuild = Engine.rebuild

    def counted_rebuild(self, *args):
        calls.append(args)
        return real_rebuild(self, *args)

    monkeypatch.setattr(Engine, "rebuild", counted_rebuild)
    return calls


def state(engine: Engine) -> dict[Path, bytes]:
    """Every file of the corpus and the index with its bytes."""
    roots = (engine.config.corpus_dir, engine.config.index_dir)
    return {p: p.read_bytes() for root in roots for p in sorted(root.rglob("*")) if p.is_file()}


def test_add_of_an_identical_copy_keeps_the_original(engine, tmp_path, capsys, rebuilds):
    """A copy of an article under another name printed 「duplicate: … 未加入」, then rebuilt, exited 0 and
    reported duplicates: 0; it is an error naming the article (exit 1) and nothing is rebuilt."""
    corpus = engine.config.corpus_dir
    before = state(engine)
    copy = tmp_path / "x" / "0.txt"
    copy.parent.mkdir()
    copy.write_bytes((corpus / f"{ORIGINAL}.txt").read_bytes())
    capsys.readouterr()
    assert cli(engine, "add", str(copy)) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "AddedFile(" not in captured.err
    assert captured.err.splitlines() == [
        "error: 沒有加入任何文章；請修正或略過以下檔案：",
        f"- 0.txt 已在文章庫中：{ORIGINAL}（內容相同），未加入",
    ]
    assert rebuilds == [] and state(engine) == before
    assert articles(engine, capsys) == {ORIGINAL: "夕張的雪融發電", "b": "地方創生"}


@pytest.mark.parametrize("extra", [b"\n\n", b"\r\n\r\n   \n", "\ufeff".encode()], ids=["blank-lines", "crlf", "bom"])
def test_add_of_the_same_text_in_other_bytes_is_a_duplicate(engine, tmp_path, capsys, rebuilds, extra):
    """An article's text plus blank lines was added (exit 0, 「added:」) and then silently not indexed
    (the build's 「內容與 … 相同，只建立一次索引」): it is a duplicate naming the article, as a byte copy is."""
    corpus = engine.config.corpus_dir
    before = state(engine)
    original = (corpus / f"{ORIGINAL}.txt").read_bytes()
    copy = tmp_path / "x" / "same.txt"
    copy.parent.mkdir()
    copy.write_bytes(extra + original if extra.startswith(b"\xef") else original + extra)
    capsys.readouterr()
    assert cli(engine, "add", str(copy)) == 1
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        "error: 沒有加入任何文章；請修正或略過以下檔案：",
        f"- same.txt 已在文章庫中：{ORIGINAL}（內容相同），未加入",
    ]
    assert rebuilds == [] and state(engine) == before
    other = tmp_path / "x" / "other.txt"  # a different article given with it is still added
    other.write_text("內子町\n\n內子町保存了江戶時代的街道。\n", encoding="utf-8")
    assert cli(engine, "add", str(copy), str(other)) == 1
    out = capsys.readouterr().out
    assert f"duplicate: same.txt 已在文章庫中：{ORIGINAL}（內容相同），未加入" in out and "added: other.txt" in out
    assert set(articles(engine, capsys)) == {ORIGINAL, "b", "other"}


def test_add_prints_one_readable_line_per_file(engine, tmp_path, capsys, rebuilds):
    """Added: a line and a rebuild; the same file again: unchanged, exit 0, and no rebuild."""
    new = tmp_path / "uploads" / "文章名.txt"
    new.parent.mkdir()
    new.write_text("內子町\n\n內子町保存了江戶時代的街道。\n", encoding="utf-8")
    assert cli(engine, "add", str(new)) == 0
    stored = engine.config.corpus_dir.resolve() / "文章名.txt"
    assert capsys.readouterr().out.splitlines()[0] == f"added: 文章名.txt → {stored}"
    assert len(rebuilds) == 1
    before = state(engine)
    assert cli(engine, "add", str(new)) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"unchanged: 文章名.txt → {stored}",
        "沒有新的文章要加入，索引不必更新（未重建）",
    ]
    assert cli(engine, "add", str(new), "--json") == 0
    assert json.loads(capsys.readouterr().out) == {"rebuilt": False, "unchanged": ["文章名.txt"], "refused": []}
    assert len(rebuilds) == 1 and state(engine) == before


def test_add_of_a_symbolic_link_is_refused_and_changes_nothing(engine, tmp_path, capsys):
    """``ln -s /etc/passwd link.txt; sousei add link.txt`` copied the file the link points to into the
    corpus; the link is refused, naming it and what to do, and nothing is copied or rebuilt."""
    secret = tmp_path / "outside" / "passwd"
    secret.parent.mkdir()
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    link = tmp_path / "hostile" / "link.txt"
    link.parent.mkdir()
    link.symlink_to(secret)
    corpus, index = engine.config.corpus_dir, engine.config.index_dir
    before = {p: p.read_bytes() for p in [*corpus.rglob("*"), *index.rglob("*")] if p.is_file()}
    capsys.readouterr()
    assert cli(engine, "add", str(link)) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and f"link.txt：是符號連結（指向 {secret}）" in captured.err, captured
    assert "請直接加入檔案本身" in captured.err
    assert {p: p.read_bytes() for p in [*corpus.rglob("*"), *index.rglob("*")] if p.is_file()} == before


def test_add_of_a_folder_says_it_is_a_folder(engine, tmp_path, capsys):
    """``sousei add FOLDER`` said 不支援的檔案類型 （無副檔名）; it says the path is a folder and to list its files."""
    folder = tmp_path / "hostile"
    (folder / "sub.txt").mkdir(parents=True)  # a folder named like an article file too
    capsys.readouterr()
    for path in (folder, folder / "sub.txt"):
        assert cli(engine, "add", str(path)) == 1
        err = capsys.readouterr().err
        assert f"{path.name}：是資料夾，不是文章檔案" in err and f"sousei add {path}/*.txt" in err, err
        assert "不支援的檔案類型" not in err


def test_an_html_page_saved_as_txt_is_added_as_html(engine, tmp_path, capsys):
    """The tester's ``<html><body><p>只是測試</p></body></html>`` saved as .txt was listed with its markup as
    its title; it is read as the HTML page it is."""
    page = tmp_path / "hostile" / "html_as.txt"
    page.parent.mkdir()
    page.write_text("<html><body><p>只是測試</p></body></html>\n", encoding="utf-8")
    assert cli(engine, "add", str(page)) == 0
    assert articles(engine, capsys)["html_as"] == "只是測試"
    assert cli(engine, "ask", "只是測試", "--json") == 0
    assert "<p>" not in capsys.readouterr().out


def test_remove_takes_an_articles_file_name_too(engine, capsys):
    """``sousei remove 001_….txt`` (the id with its extension) was refused; it removes that article, and
    the trash notes its indexed title as for the id."""
    assert cli(engine, "remove", f"{ORIGINAL}.txt") == 0
    assert not (engine.config.corpus_dir / f"{ORIGINAL}.txt").exists()
    assert [(e.doc_id, e.title) for e in engine.trash_entries()] == [(ORIGINAL, "夕張的雪融發電")]
    assert ORIGINAL not in articles(engine, capsys)
    assert cli(engine, "remove", "b.md") == 1 and "沒有代號為 'b.md' 的文章" in capsys.readouterr().err


def test_the_trash_list_always_shows_the_id_to_type(engine, tmp_path, capsys):
    """An article whose title is its id (no heading) was listed as ``link（time 移除）``: the first item in
    the brackets, which the hint says to type, was the time. The id is always there."""
    link = write(tmp_path / "u" / "link.txt", "這是一篇沒有標題的短文，只有一句話，內容是地方創生的補助。\n")
    assert cli(engine, "add", str(link)) == 0 and articles(engine, capsys)["link"] == "link"
    assert cli(engine, "remove", "link") == 0
    capsys.readouterr()
    assert cli(engine, "restore") == 0
    listed, hint = capsys.readouterr().out.splitlines()
    assert re.fullmatch(r"link（link，\d{4}-\d\d-\d\d \d\d:\d\d:\d\d 移除）", listed), listed
    assert "括號裡的第一項" in hint


def test_add_shows_a_name_with_a_newline_or_escape_on_one_line(engine, tmp_path, capsys):
    """``added: new⏎line.txt`` was echoed raw (two lines); the name given is shown escaped, one line, with
    the stored (safe) name after the arrow; a refused one likewise, and an escape code cannot act."""
    new = write(tmp_path / "u" / "new\nline.txt", "內子町\n\n內子町保存了江戶時代的街道。\n")
    capsys.readouterr()
    assert cli(engine, "add", str(new)) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first == f"added: new\\nline.txt → {engine.config.corpus_dir.resolve() / 'new_line.txt'}", first
    red = write(tmp_path / "u" / "\x1b[31mred\n.txt", "")
    assert cli(engine, "add", str(red)) == 1
    err = capsys.readouterr().err
    assert "- \\x1b[31mred\\n.txt：檔案是空的" in err and "\x1b" not in err, err


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_trash_keeps_both_versions_and_restore_brings_back_the_latest(engine, tmp_path, capsys):
    v1 = write(tmp_path / "v1" / "uchiko.txt", "內子町\n\n第一版：內子町的木蠟產業。\n")
    v2 = write(tmp_path / "v2" / "uchiko.txt", "內子町\n\n第二版：內子町的町並保存。\n")
    for version in (v1, v2):
        assert cli(engine, "add", str(version)) == 0
        assert cli(engine, "remove", "uchiko") == 0
    trash = engine.config.corpus_dir / ".trash"
    kept = [p.read_bytes() for p in [trash / "uchiko.txt", *(trash / "older").glob("uchiko.*.txt")]]
    assert sorted(kept) == sorted([v1.read_bytes(), v2.read_bytes()])
    assert engine.trash() == ["uchiko"]
    assert cli(engine, "restore", "uchiko") == 0
    assert (engine.config.corpus_dir / "uchiko.txt").read_bytes() == v2.read_bytes()
    assert "uchiko" in articles(engine, capsys)


def test_older_copies_are_listed_and_restorable(engine, tmp_path, capsys):
    """remove → add (changed text) → remove → restore: the first version, kept in .trash/older, is still
    listed (with its id and time) and a second ``restore NAME`` says the corpus holds that name, not
    that the trash is empty; once removed, the older copy is restored by its id."""
    v1 = write(tmp_path / "v1" / "uchiko.txt", "內子町\n\n第一版：內子町的木蠟產業。\n")
    v2 = write(tmp_path / "v2" / "uchiko.txt", "內子町\n\n第二版：內子町的町並保存。\n")
    for version in (v1, v2):
        assert cli(engine, "add", str(version)) == 0
        assert cli(engine, "remove", "uchiko") == 0
    assert cli(engine, "restore", "uchiko") == 0
    capsys.readouterr()
    assert cli(engine, "restore", "uchiko") == 1
    err = capsys.readouterr().err
    assert "回收區是空的" not in err and "已有代號為 'uchiko' 的文章" in err and "sousei remove uchiko" in err
    assert cli(engine, "restore") == 0
    listed = capsys.readouterr().out.splitlines()
    assert re.fullmatch(r"內子町（(uchiko\.\d{8}-\d{6})，\S+ \S+ 移除，較舊的版本）", listed[0]), listed
    older_id = re.search(r"（([^，]+)，", listed[0])[1]
    assert cli(engine, "restore", "--json") == 0
    (row,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert (row["doc_id"], row["article"], row["older"]) == (older_id, "uchiko", True)
    assert cli(engine, "remove", "uchiko") == 0 and cli(engine, "restore", older_id) == 0
    assert (engine.config.corpus_dir / "uchiko.txt").read_bytes() == v1.read_bytes()
    assert "uchiko" in articles(engine, capsys)


def test_restore_without_an_id_lists_the_trash_by_title(engine, capsys):
    """``sousei remove`` notes the indexed title; ``sousei restore`` alone lists the trash with the
    labels the UI's 回收區 shows (title, id, when removed), newest first; an unknown id lists them too."""
    assert cli(engine, "remove", "b") == 0
    assert cli(engine, "remove", ORIGINAL) == 0
    capsys.readouterr()
    assert cli(engine, "restore") == 0
    lines = capsys.readouterr().out.splitlines()
    assert re.fullmatch(rf"夕張的雪融發電（{ORIGINAL}，\d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d 移除）", lines[0]), lines
    assert re.fullmatch(r"地方創生（b，\d{4}-\d\d-\d\d \d\d:\d\d:\d\d 移除）", lines[1]), lines
    assert [entry.label for entry in engine.trash_entries()] == lines[:2]
    assert cli(engine, "restore", "--json") == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["doc_id"], r["title"]) for r in rows] == [(ORIGINAL, "夕張的雪融發電"), ("b", "地方創生")]
    assert cli(engine, "restore", "nope") == 1
    assert f"夕張的雪融發電（{ORIGINAL}，" in capsys.readouterr().err
    assert cli(engine, "restore", "b") == 0 and cli(engine, "restore", ORIGINAL) == 0
    capsys.readouterr()
    assert cli(engine, "restore") == 0 and "回收區是空的" in capsys.readouterr().out


def test_add_adds_the_good_files_and_names_each_refused_one(engine, tmp_path, capsys, rebuilds):
    """Nine files, one empty, one a copy of a corpus article, one of a type sousei does not read: the six
    good ones are added with one rebuild, the duplicate is reported (and counted in the report's
    duplicates), the empty and the .doc get a ``refused:`` line saying why, and the exit code says not
    everything was added."""
    uploads = tmp_path / "uploads"
    good = [write(uploads / f"town{n}.txt", f"町{n}\n\n第{n}個町推動了地方創生計畫。\n") for n in range(6)]
    empty = write(uploads / "empty.txt", "")
    copy = uploads / "copy.txt"
    copy.write_bytes((engine.config.corpus_dir / "b.txt").read_bytes())
    doc = write(uploads / "notes.doc", "文字")
    capsys.readouterr()
    assert cli(engine, "add", *map(str, [*good[:3], empty, copy, doc, *good[3:]])) == 1
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    kinds = ["added"] * 3 + ["refused", "duplicate", "refused"] + ["added"] * 3  # in the order given
    assert [line.split(":")[0] for line in lines[:9]] == kinds, lines
    assert lines[3].startswith("refused: empty.txt：") and "空的" in lines[3]
    assert lines[4] == "duplicate: copy.txt 已在文章庫中：b（內容相同），未加入"
    assert lines[5].startswith("refused: notes.doc：不支援的檔案類型")
    assert "  duplicates: 1  " in lines[9], lines[9]
    assert "3 個檔案沒有加入" in captured.err and len(rebuilds) == 1
    assert cli(engine, "add", str(copy), str(write(uploads / "town9.txt", "町9\n\n第9個町。\n")), "--json") == 1
    report = json.loads(capsys.readouterr().out)
    assert (report["duplicates"], report["duplicate_pairs"], report["refused"]) == (1, [["copy.txt", "b.txt"]], [])
    assert {f"town{n}" for n in range(6)} <= set(articles(engine, capsys))
    assert not (engine.config.corpus_dir / "empty.txt").exists()


def test_add_json_lists_the_refused_files(engine, tmp_path, capsys):
    good = write(tmp_path / "u" / "town.txt", "內子町\n\n內子町保存了江戶時代的街道。\n")
    empty = write(tmp_path / "u" / "empty.txt", "")
    capsys.readouterr()
    assert cli(engine, "add", str(good), str(empty), "--json") == 1
    (report,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert report["documents"] == 3 and [r["file"] for r in report["refused"]] == ["empty.txt"]
    assert "空的" in report["refused"][0]["reason"]


def test_add_of_only_refused_files_adds_nothing(engine, tmp_path, capsys):
    empty = write(tmp_path / "u" / "empty.txt", "")
    before = sorted(p.name for p in engine.config.corpus_dir.iterdir())
    assert cli(engine, "add", str(empty)) == 1
    assert "沒有加入任何文章" in capsys.readouterr().err
    assert sorted(p.name for p in engine.config.corpus_dir.iterdir()) == before


# ---------------------------------------------------------------- ask


def test_ask_with_a_question_and_batch_is_a_usage_error(engine, tmp_path, capsys):
    batch = write(tmp_path / "q.jsonl", '{"id": "a", "q": "夕張的雪融發電量是多少？"}\n')
    capsys.readouterr()
    for extra, says in ((("x",), "不要兩者都給"), (("",), "不要兩者都給"), (("--previous", "夕張"), "--previous")):
        with pytest.raises(SystemExit) as exit_:
            cli(engine, "ask", *extra, "--batch", str(batch), "--json")
        assert exit_.value.code == 2  # argparse's usage error, before anything is answered
        captured = capsys.readouterr()
        assert captured.out == "" and captured.err.startswith("usage: sousei ask"), captured.err
        assert says in captured.err and "--batch" in captured.err, captured.err


@pytest.mark.parametrize("json_flag", [(), ("--json",)])
@pytest.mark.parametrize("question", ["", "   ", " \t\n\u3000", "\x00\x1b"])
def test_a_blank_question_is_an_error_like_an_empty_one(engine, capsys, question, json_flag):
    capsys.readouterr()
    assert cli(engine, "ask", question, *json_flag) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("error: 請給一個問題（不能是空白）") and 'sousei ask "問題"' in captured.err


def test_a_follow_up_to_a_follow_up_keeps_the_conversation_s_subject(engine, tmp_path, capsys):
    # a tester's: ask --previous "第二個呢？" "第三個呢？" was refused with no searchable term; each
    # --previous is now an earlier question, oldest first, and the follow-ups carry the subject on
    first, second, third = "夕張的雪融發電量是多少？", "那2020年呢？", "還有呢？"

    def searched(*args: str) -> str:
        capsys.readouterr()
        assert cli(engine, "ask", *args, "--json") == 0
        return json.loads(capsys.readouterr().out)["searched"]

    assert "夕張" in searched("--previous", first, "--previous", second, third)
    assert "夕張" not in searched("--previous", second, third)  # only the turn before: no subject
    lines = [{"id": "c", "q": third, "previous": [first, second]}, {"id": "d", "q": third, "previous": second}]
    batch = write(tmp_path / "q.jsonl", "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines))
    assert cli(engine, "ask", "--batch", str(batch)) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert "夕張" in rows[0]["searched"] and "夕張" not in rows[1]["searched"]
    bad = write(tmp_path / "bad.jsonl", json.dumps({"id": "e", "q": third, "previous": [1, 2]}) + "\n")
    assert cli(engine, "ask", "--batch", str(bad)) == 1
    assert json.loads(capsys.readouterr().out)["error"].startswith('"previous" must be')


def test_batch_lines_have_the_fields_of_ask_json_and_string_ids(engine, tmp_path, capsys):
    question = "夕張的雪融發電量是多少？"
    capsys.readouterr()
    assert cli(engine, "ask", question, "--json") == 0
    (single,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    lines = [{"id": "a", "q": question}, {"q": question}, {"id": 7, "q": question}, {"id": None, "q": question}]
    batch = write(tmp_path / "q.jsonl", "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines))
    assert cli(engine, "ask", "--batch", str(batch)) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [row["id"] for row in rows] == ["a", "2", "7", "4"]
    for row in rows:
        assert set(row) == set(single) | {"id"}
        assert row["question"] == single["question"] == question and row["searched"] == single["searched"]
    assert rows[0]["answer"] == single["answer"]


def test_feedback_shows_control_characters_escaped(engine, capsys, tmp_path, monkeypatch):
    votes = tmp_path / "votes.jsonl"
    hostile = {
        "time": "t\x1b[2J",
        "vote": "up\x07",
        "question": "問\x1b]0;pwned\x07題\n第二行\tx",
        "passages": ["a\x1bb"],
    }
    votes.write_text(json.dumps(hostile) + "\n", encoding="utf-8")
    monkeypatch.setenv("SOUSEI_FEEDBACK", str(votes))
    capsys.readouterr()
    assert cli(engine, "feedback") == 0
    out = capsys.readouterr().out
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f\t]", out) and out.count("\n") == 1
    assert "\\x1b]0;pwned\\x07" in out and "題\\n第二行\\tx" in out


def test_feedback_skips_bad_lines_and_refuses_a_folder(engine, capsys, tmp_path, monkeypatch):
    votes = tmp_path / "votes.jsonl"
    good = {"time": "t", "vote": "down", "question": "好問題", "passages": ["b:1"]}
    lines = ["[" * 100000, "{" * 50000, "not json", "[1, 2]", '{"passages": 5, "question": "怪"}', json.dumps(good)]
    votes.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setenv("SOUSEI_FEEDBACK", str(votes))
    capsys.readouterr()
    assert cli(engine, "feedback") == 0
    out = capsys.readouterr().out
    assert "好問題  b:1" in out and "怪  5" in out and len(out.splitlines()) == 2
    assert cli(engine, "feedback", "--json") == 0
    assert len(capsys.readouterr().out.splitlines()) == 2
    folder = tmp_path / "fbdir"
    folder.mkdir()
    monkeypatch.setenv("SOUSEI_FEEDBACK", str(folder))
    assert cli(engine, "feedback") == 1
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "資料夾" in err and "SOUSEI_FEEDBACK" in err and "Traceback" not in err


def test_add_again_after_an_add_killed_before_its_rebuild_rebuilds(engine, tmp_path, capsys, rebuilds):
    """`sousei add c0.txt` killed (kill -9) after the copy, before the rebuild: the file was in the corpus
    but not indexed, and the same add again said 「unchanged」, exit 0, no rebuild, so the article stayed
    unsearchable. Now `articles` warns that corpus and index disagree, and the add rebuilds."""
    new = tmp_path / "in" / "c0.txt"
    new.parent.mkdir()
    new.write_text("內子町\n\n內子町保存了江戶時代的街道。\n", encoding="utf-8")
    shutil.copyfile(new, engine.config.corpus_dir / "c0.txt")  # the copy the killed add made
    capsys.readouterr()
    assert cli(engine, "articles") == 0
    err = capsys.readouterr().err
    assert "文章資料夾與索引不一致" in err and "c0.txt" in err and "sousei build" in err
    assert cli(engine, "add", str(new)) == 0
    captured = capsys.readouterr()
    assert "unchanged" in captured.out and "documents: 3" in captured.out and "c0.txt" in captured.err
    assert len(rebuilds) == 1 and "c0" in articles(engine, capsys)
    assert cli(engine, "add", str(new)) == 0  # in step now: nothing to do
    assert len(rebuilds) == 1 and "索引不必更新" in capsys.readouterr().out
    assert cli(engine, "articles") == 0 and capsys.readouterr().err == ""


def test_articles_warns_when_an_indexed_article_is_gone_from_the_corpus(engine, capsys):
    (engine.config.corpus_dir / "b.txt").unlink()
    capsys.readouterr()
    assert cli(engine, "articles") == 0
    captured = capsys.readouterr()
    assert "b  地方創生" in captured.out
    assert "已不在文章資料夾中（b）" in captured.err and "sousei build" in captured.err


def _aged(path: Path) -> None:
    """The file's times an hour back, before the index's manifest (as cp -p, tar or rsync -t leave them)."""
    old = time.time() - 3600
    os.utime(path, (old, old))


def test_articles_warns_of_an_article_copied_in_with_its_old_time(engine, tmp_path, capsys, rebuilds):
    """`cp -p` (or an archive, rsync) keeps the new article's old time: it was never reported, so the
    user was never told to rebuild; and `sousei add` of it again then rebuilt nothing."""
    new = tmp_path / "in" / "c0.txt"
    new.parent.mkdir()
    new.write_text("內子町\n\n內子町保存了江戶時代的街道。\n", encoding="utf-8")
    _aged(new)
    shutil.copy2(new, engine.config.corpus_dir / "c0.txt")
    capsys.readouterr()
    assert cli(engine, "articles") == 0
    err = capsys.readouterr().err
    assert "1 個檔案還沒建立索引（c0.txt）" in err and "sousei build" in err
    assert cli(engine, "add", str(new)) == 0 and len(rebuilds) == 1 and "c0" in articles(engine, capsys)
    assert cli(engine, "articles") == 0 and capsys.readouterr().err == ""


def test_articles_warns_of_an_indexed_article_edited_in_place(engine, capsys, rebuilds):
    """Same name, other bytes, its old time put back: the index still quoted the old text, unreported."""
    article = engine.config.corpus_dir / "b.txt"
    times = article.stat()
    article.write_text("地方創生\n\n地方創生臨時補助金的預算在2021年為1.5兆日圓。\n", encoding="utf-8")
    os.utime(article, ns=(times.st_atime_ns, times.st_mtime_ns))
    capsys.readouterr()
    assert cli(engine, "articles") == 0
    err = capsys.readouterr().err
    assert "1 個檔案的內容在建立索引後改變了（b.txt）" in err and "請執行 sousei build 重建索引" in err
    assert cli(engine, "add", str(article)) == 0  # that very file: unchanged, but the index is behind
    assert len(rebuilds) == 1 and "b.txt" in capsys.readouterr().err
    assert cli(engine, "articles") == 0 and capsys.readouterr().err == ""


def test_a_file_the_build_refused_is_reported_once_its_bytes_change(engine, capsys):
    """A refused file (empty) is not reported as not indexed after the build that refused it, however
    recent its time; once it holds an article (other bytes) it is, however old its time."""
    empty = engine.config.corpus_dir / "empty.txt"
    empty.write_bytes(b"")
    assert cli(engine, "build") == 0
    future = time.time() + 60
    os.utime(empty, (future, future))  # opened and saved unchanged after the build
    capsys.readouterr()
    assert cli(engine, "articles") == 0 and capsys.readouterr().err == ""
    empty.write_text("內子町\n\n內子町保存了江戶時代的街道。\n", encoding="utf-8")
    _aged(empty)
    assert cli(engine, "articles") == 0
    assert "1 個檔案還沒建立索引（empty.txt）" in capsys.readouterr().err


def test_the_cli_asks_the_engine_whether_corpus_and_index_are_in_step(engine, capsys, monkeypatch):
    """`sousei articles` and `sousei add` go through the Engine facade (Engine.out_of_step, as the UI does),
    not ingest.library directly."""
    from ingest.library import OutOfStep

    asked: list[Engine] = []

    def out_of_step(self: Engine) -> OutOfStep:
        asked.append(self)
        return OutOfStep(("told-by-the-engine.txt",), ())

    monkeypatch.setattr(Engine, "out_of_step", out_of_step)
    capsys.readouterr()
    assert cli(engine, "articles") == 0
    assert "told-by-the-engine.txt" in capsys.readouterr().err and len(asked) == 1
