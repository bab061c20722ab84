"""Bad and hostile article files through ``sousei add`` (in-process CLI) into a private copy of
the seed corpus with its own index: each is accepted correctly or refused with a message naming
the file; nothing else in the corpus or the index changes; nothing is written outside the corpus.

Decision (documented in docs/reliability.md): the upload limit is ``max_upload_mb`` = 20 MB, so a
50 MB text is refused before it is read, with a message naming the file and the limit.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from ingest.library import NOTHING_ADDED
from tests import make_fixtures as mf
from tests.reliability_support import (
    TRACEBACK,
    assert_clean_failure,
    assert_old_articles_unchanged,
    built_setup,
    clone_setup,
    index_snapshot,
    run_cli,
    tiny_model,
    tree_snapshot,
)

FIFTY_MB = 50 * 1024 * 1024


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    return built_setup(tmp_path_factory.mktemp("bad-articles-base"), tiny_model(tmp_path_factory))


@pytest.fixture
def world(base, tmp_path):
    """A fresh copy of the built corpus and index, plus an uploads folder, all under tmp_path."""
    return clone_setup(base, tmp_path, uploads=True)


class Guard:
    """Snapshots of everything under the test's root, to prove what an ``add`` changed."""

    def __init__(self, setup, root: Path):
        self.setup, self.root = setup, root
        self.outside = tree_snapshot(root, skip=[setup.corpus, setup.index.parent])
        self.corpus = tree_snapshot(setup.corpus)
        self.index_files = tree_snapshot(setup.index)
        self.index = index_snapshot(setup.index)

    def assert_nothing_changed(self) -> None:
        assert tree_snapshot(self.setup.corpus) == self.corpus
        assert tree_snapshot(self.setup.index) == self.index_files
        self.assert_nothing_outside()

    def assert_nothing_outside(self) -> None:
        assert tree_snapshot(self.root, skip=[self.setup.corpus, self.setup.index.parent]) == self.outside

    def new_corpus_files(self) -> set[str]:
        after = tree_snapshot(self.setup.corpus)
        assert all(after.get(name) == digest for name, digest in self.corpus.items()), "an old file changed"
        return set(after) - set(self.corpus)


def add(world, *paths: Path):
    return run_cli(world.argv("add", *[str(p) for p in paths], "--json"))


def refuse(world, tmp_path, path: Path, *needles: str) -> None:
    guard = Guard(world, tmp_path)
    result = add(world, path)
    assert_clean_failure(result, path.name, *needles)
    guard.assert_nothing_changed()


def accept(world, tmp_path, *paths: Path) -> tuple[dict, set[str], dict]:
    """Add ``paths``; check old articles are untouched; return (report, new corpus files, index)."""
    guard = Guard(world, tmp_path)
    result = add(world, *paths)
    assert result.code == 0 and TRACEBACK not in result.err, result.err
    report = result.json_lines()[-1]
    assert isinstance(report, dict), report  # a JSON object, not a JSON-encoded string
    new_files = guard.new_corpus_files()
    after = index_snapshot(world.index)
    new_ids = {Path(name).stem for name in new_files}
    assert_old_articles_unchanged(guard.index, after, allowed_new=new_ids)
    guard.assert_nothing_outside()
    return report, new_files, after


def article_text(setup, doc_id: str) -> str:
    for line in (setup.index / "articles.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["doc_id"] == doc_id:
            return row["text"]
    raise AssertionError(f"{doc_id} is not in the index")


# --------------------------------------------------------------------------- refused


@pytest.mark.parametrize(
    ("writer", "needle"),
    [
        (mf.write_empty, "空的"),
        (mf.write_binary_as_txt, "二進位資料"),
        (mf.write_truncated_pdf, "PDF"),
        (mf.write_encrypted_pdf, "密碼保護"),
        (mf.write_html_no_body, "找不到文章內容"),
        (mf.write_renamed_zip, ".docx"),
        (mf.write_image_only_pdf, ""),
    ],
    ids=["empty", "binary_txt", "truncated_pdf", "encrypted_pdf", "html_no_body", "renamed_zip_docx", "image_only_pdf"],
)
def test_bad_file_is_refused_by_name_and_nothing_changes(world, tmp_path, writer, needle):
    refuse(world, tmp_path, writer(tmp_path / "uploads"), needle)


@pytest.mark.parametrize("name", ["notes.exe", "old.doc", "README", "slides.pptx", "data.txt.gz"])
def test_unsupported_extension_is_refused(world, tmp_path, name):
    path = mf.write_bytes(tmp_path / "uploads", name, "地方創生是日本的重要政策。".encode())
    refuse(world, tmp_path, path, "不支援的檔案類型")


def test_fifty_megabyte_text_is_refused_by_the_size_limit(world, tmp_path):
    path = tmp_path / "uploads" / "huge.txt"
    line = ("地方創生是日本的重要政策，總務省與內閣官房共同推動關係人口。" * 10 + "\n").encode("utf-8")
    with open(path, "wb") as handle:
        for _ in range(FIFTY_MB // len(line) + 1):
            handle.write(line)
    assert path.stat().st_size > FIFTY_MB
    refuse(world, tmp_path, path, "上傳上限", "max_upload_mb", "50.0 MB")


def test_one_bad_file_in_a_batch_is_refused_and_the_good_one_added(world, tmp_path):
    good = mf.write_gb18030(tmp_path / "uploads", "good.txt")
    bad = mf.write_truncated_pdf(tmp_path / "uploads", "broken.pdf")
    guard = Guard(world, tmp_path)
    result = add(world, good, bad)
    assert result.code == 1 and TRACEBACK not in result.err + result.out, result.err
    (report,) = [json.loads(line) for line in result.out.splitlines()]
    assert [item["file"] for item in report["refused"]] == ["broken.pdf"] and "不完整" in report["refused"][0]["reason"]
    assert guard.new_corpus_files() == {"good.txt"}
    guard.assert_nothing_outside()


def test_a_batch_of_bad_files_only_adds_nothing(world, tmp_path):
    bad = mf.write_truncated_pdf(tmp_path / "uploads", "broken.pdf")
    empty = mf.write_empty(tmp_path / "uploads")
    guard = Guard(world, tmp_path)
    assert_clean_failure(add(world, bad, empty), "broken.pdf", "empty.txt", NOTHING_ADDED)
    guard.assert_nothing_changed()


def test_missing_file_is_refused(world, tmp_path):
    refuse(world, tmp_path, tmp_path / "uploads" / "nowhere.txt", "")


def test_a_different_file_under_an_existing_name_is_refused(world, tmp_path):
    existing = sorted(world.corpus.glob("*.txt"))[0]
    path = mf.write_bytes(tmp_path / "uploads", existing.name, "另一篇完全不同的文章內容。".encode())
    refuse(world, tmp_path, path, "已有內容不同的同名檔案")


def test_symlink_in_corpus_pointing_outside_is_not_written_through(world, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("不要覆寫我。", encoding="utf-8")
    (world.corpus / "linked.txt").symlink_to(victim)
    path = mf.write_bytes(tmp_path / "uploads", "linked.txt", "新的上傳內容，與受害檔案不同。".encode())
    guard = Guard(world, tmp_path)
    result = add(world, path)
    assert result.code == 1 and "linked.txt" in result.err and TRACEBACK not in result.err
    assert victim.read_text(encoding="utf-8") == "不要覆寫我。"
    assert tree_snapshot(world.corpus) == guard.corpus


# --------------------------------------------------------------------------- accepted


@pytest.mark.parametrize(
    ("writer", "expected"),
    [
        (mf.write_big5, mf.BIG5_TEXT.strip()),
        (mf.write_gb18030, mf.GB_TEXT.strip()),
        (mf.write_utf16, "數位田園都市國家構想"),
        (mf.write_utf8_bom, mf.UTF8_BOM_TEXT.strip()),
    ],
    ids=["big5", "gb18030", "utf16", "utf8_bom"],
)
def test_legacy_encodings_are_decoded_and_indexed(world, tmp_path, writer, expected):
    path = writer(tmp_path / "uploads")
    report, new_files, after = accept(world, tmp_path, path)
    assert new_files == {path.name}
    assert expected in article_text(world, path.stem)
    assert any(row["doc_id"] == path.stem for row in after["passages"].values())
    assert report["documents"] == 3


def test_same_article_under_two_names_is_indexed_once(world, tmp_path):
    seed = sorted(world.corpus.glob("*.txt"))[0]
    twin = shutil.copyfile(seed, tmp_path / "uploads" / "twin-copy.txt")
    guard = Guard(world, tmp_path)
    result = add(world, Path(twin))  # not copied: the corpus already holds these bytes (ingest.library)
    assert_clean_failure(result, NOTHING_ADDED, f"twin-copy.txt 已在文章庫中：{seed.stem}（內容相同），未加入")
    guard.assert_nothing_changed()  # nothing rebuilt either
    again = add(world, seed)  # the very same file again: a no-op, not an error, and no rebuild
    assert again.code == 0 and again.json_lines() == [{"rebuilt": False, "unchanged": [seed.name], "refused": []}]
    guard.assert_nothing_changed()


@pytest.mark.parametrize(
    "hostile_name",
    [
        "..\\..\\outside.txt",
        "$(touch PWNED);rm -rf ~;.txt",
        'a b|c&d>e`id`\'"x".txt',
        "-rf --no-preserve-root.txt",
        ".hidden.txt",
        "\x1b[31mred\x07.txt",
    ],
)
def test_hostile_file_names_land_inside_the_corpus_with_safe_names(world, tmp_path, hostile_name):
    path = mf.write_bytes(tmp_path / "uploads", hostile_name, "地方創生：關係人口與數位田園都市。".encode())
    report, new_files, _after = accept(world, tmp_path, path)
    assert len(new_files) == 1
    (stored,) = new_files
    assert "/" not in stored and "\\" not in stored and not stored.startswith((".", "-"))
    assert not set(stored) & set(";&|`$<>()'\" \x1b\x07~")
    assert (world.corpus / stored).resolve().parent == world.corpus.resolve()
    assert not list(tmp_path.rglob("PWNED")) and not os.path.exists("PWNED")
    assert report["documents"] == 3


def test_dotdot_in_the_given_path_reads_that_file_and_writes_only_into_the_corpus(world, tmp_path):
    (tmp_path / "uploads" / "sub").mkdir()
    path = mf.write_bytes(tmp_path / "uploads", "up.txt", "上一層資料夾的文章：地方創生。".encode())
    _report, new_files, _after = accept(world, tmp_path, tmp_path / "uploads" / "sub" / ".." / "up.txt")
    assert new_files == {"up.txt"} and path.exists()


def test_upload_through_the_ui_handler_refuses_oversize_and_names_it(world, tmp_path):
    """The Gradio upload handler goes through the same limit (``Engine.add``)."""
    from chat import ui

    engine = world.engine(max_upload_mb=1)
    big = mf.write_bytes(tmp_path / "uploads", "big.txt", ("關係人口。" * 80_000).encode("utf-8"))
    assert big.stat().st_size > 1024 * 1024
    guard = Guard(world, tmp_path)
    status, *_rest = ui.add_articles(engine, [str(big)])
    assert "big.txt" in status and "上傳上限 1.0 MB" in status and "sousei-status-error" in status
    guard.assert_nothing_changed()
