"""Corpus management: safe names, adding files (validated, atomic, inside the corpus), removal."""

from __future__ import annotations

import json
import os
import re
import time
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest import fileio, library
from ingest.errors import SouseiError
from ingest.fileio import sha256_hex
from ingest.library import (
    AddedFile,
    add_files,
    remove_article,
    restore_article,
    safe_name,
    trash_entries,
    trashed_articles,
)
from ingest.load import corpus_files, load_file
from tests import make_fixtures as mf

MB = 1_000_000
SHELL_META = set(";&|`$<>(){}[]*?!\"'\\/#~%^=,@+ \t\n")


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file under ``directory`` (hidden ones included) with its bytes."""
    return {
        p.relative_to(directory).as_posix(): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


@pytest.fixture
def corpus(tmp_path) -> Path:
    directory = tmp_path / "corpus"
    directory.mkdir()
    mf.write_big5(directory, "existing.txt")
    (directory / "existing.txt.meta.json").write_text('{"title": "舊文章"}', encoding="utf-8")
    return directory


@pytest.fixture
def uploads(tmp_path) -> Path:
    directory = tmp_path / "uploads"
    directory.mkdir()
    return directory


# ---------------------------------------------------------------- safe_name


@pytest.mark.parametrize(
    ("given_name", "expected"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("..\\..\\windows\\win.ini.txt", "win.ini.txt"),
        ("a;rm -rf ~.txt", "a_rm_-rf.txt"),
        ("$(reboot).pdf", "reboot.pdf"),
        ("`x`|y&z>w.docx", "x_y_z_w.docx"),
        ("a\x00b\nc\x7f.md", "a_b_c.md"),
        ("-rf.txt", "rf.txt"),
        (".hidden.txt", "hidden.txt"),
        ("日本の地方創生（概要）.PDF", "日本の地方創生_概要.pdf"),
        ("地方創生 報告.html", "地方創生_報告.html"),
        ("", "article"),
        ("..", "article"),
        ("../", "article"),
        (".txt", "article.txt"),
        ("CON.txt", "CON_.txt"),
        ("report.v2.txt", "report.v2.txt"),
    ],
)
def test_safe_name_cases(given_name, expected):
    assert safe_name(given_name) == expected


def test_safe_name_limits_length_and_keeps_extension():
    name = safe_name("字" * 300 + ".txt")
    assert name.endswith(".txt") and len(name.encode("utf-8")) <= 255 and name.startswith("字字")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_safe_name_properties(text):
    name = safe_name(text)
    assert name and name not in {".", ".."}
    assert not name.startswith((".", "-"))
    assert not SHELL_META & set(name)
    assert all(unicodedata.category(c)[0] != "C" for c in name)
    assert len(name.encode("utf-8")) <= 255
    assert safe_name(name) == name


# ---------------------------------------------------------------- add_files


def test_add_files_copies_valid_files(corpus, uploads):
    (corpus / "existing.txt").write_text("另一篇\n\n內容。\n", encoding="utf-8")  # not a twin of big5
    big5 = mf.write_big5(uploads, "地方創生 報告.txt")
    docx = mf.write_docx(uploads)
    added = add_files(corpus, [big5, docx], max_bytes=5 * MB)
    assert [(a.name, a.status) for a in added] == [("地方創生_報告.txt", "added"), ("report.docx", "added")]
    assert (corpus / "地方創生_報告.txt").read_bytes() == big5.read_bytes()
    assert (corpus / "report.docx").read_bytes() == docx.read_bytes()
    assert added[0].doc_id == "地方創生_報告" and added[0].source == big5
    assert Path(os.fspath(added[1])) == corpus / "report.docx"
    assert load_file(added[0].path, corpus).pages == (mf.BIG5_TEXT,)
    assert not [p for p in corpus.iterdir() if p.name.startswith(".")]  # no temp files left


def test_identical_file_is_unchanged_not_an_error(corpus, uploads):
    again = mf.write_big5(uploads, "existing.txt")
    before = snapshot(corpus)
    (result,) = add_files(corpus, [again], max_bytes=MB)
    assert result.status == "unchanged" and result.duplicate_of is None
    assert snapshot(corpus) == before


def test_different_file_with_same_name_is_refused(corpus, uploads):
    other = mf.write_gb18030(uploads, "existing.txt")
    before = snapshot(corpus)
    with pytest.raises(SouseiError, match="existing.txt：.*內容不同的同名檔案.*改名"):
        add_files(corpus, [other], max_bytes=MB)
    assert snapshot(corpus) == before


def test_same_doc_id_with_other_extension_is_refused(corpus, uploads):
    with pytest.raises(SouseiError, match="代號 'existing' 已被 existing.txt 使用"):
        add_files(corpus, [mf.write_markdown(uploads, "existing.md")], max_bytes=MB)


def test_same_article_under_another_name_is_not_copied(corpus, uploads):
    before = snapshot(corpus)
    (result,) = add_files(corpus, [mf.write_big5(uploads, "copy.txt")], max_bytes=MB)
    assert result.status == "duplicate" and result.duplicate_of == "existing.txt"
    assert result.path == corpus.resolve() / "existing.txt" and result.source.name == "copy.txt"
    assert snapshot(corpus) == before  # the original and its metadata stay; no copy
    assert result.describe() == "duplicate: copy.txt 已在文章庫中：existing（內容相同），未加入"


def test_twins_in_one_batch_are_copied_once(corpus, uploads):
    first, second = mf.write_gb18030(uploads / "a", "one.txt"), mf.write_gb18030(uploads / "b", "two.txt")
    added = add_files(corpus, [first, second], max_bytes=MB)
    assert [(a.status, a.duplicate_of) for a in added] == [("added", None), ("duplicate", "one.txt")]
    assert not (corpus / "two.txt").exists() and added[1].path == added[0].path


def test_added_file_describes_itself_in_one_line(corpus, uploads):
    (result,) = add_files(corpus, [mf.write_gb18030(uploads, "新文章.txt")], max_bytes=MB)
    assert result.describe() == f"added: 新文章.txt → {corpus.resolve() / '新文章.txt'}"
    (again,) = add_files(corpus, [result.path], max_bytes=MB)
    assert again.describe() == f"unchanged: 新文章.txt → {corpus.resolve() / '新文章.txt'}"


def test_two_uploads_clashing_in_one_batch(corpus, uploads):
    first = mf.write_big5(uploads / "a", "new.txt")
    second = mf.write_gb18030(uploads / "b", "new.txt")
    with pytest.raises(SouseiError, match="new.txt"):
        add_files(corpus, [first, second], max_bytes=MB)
    assert not (corpus / "new.txt").exists()


def write_zip_as_txt(directory: Path) -> Path:
    return mf.write_renamed_zip(directory, "notes.txt")


BAD_FILES = [
    (mf.write_empty, "空的"),
    (write_zip_as_txt, "內容卻是 ZIP 壓縮檔"),
    (mf.write_binary_as_txt, "二進位資料"),
    (mf.write_truncated_pdf, "不完整"),
    (mf.write_encrypted_pdf, "密碼保護"),
    (mf.write_image_only_pdf, "OCR"),
    (mf.write_html_no_body, "找不到文章內容"),
    (mf.write_renamed_zip, ".docx"),
]


@pytest.mark.parametrize(("writer", "reason"), BAD_FILES, ids=[w.__name__ for w, _ in BAD_FILES])
def test_bad_file_refused_and_nothing_added(corpus, uploads, writer, reason):
    good = mf.write_gb18030(uploads, "good.txt")
    bad = writer(uploads)
    before = snapshot(corpus)
    with pytest.raises(SouseiError) as info:
        add_files(corpus, [good, bad], max_bytes=5 * MB)
    message = str(info.value)
    assert bad.name in message and reason in message and message.startswith(library.NOTHING_ADDED)
    assert snapshot(corpus) == before  # the valid file was not copied either


def test_unsupported_extension_refused(corpus, uploads):
    path = mf.write_bytes(uploads, "notes.doc", "文字".encode())
    with pytest.raises(SouseiError, match=r"notes\.doc：不支援的檔案類型 '\.doc'"):
        add_files(corpus, [path], max_bytes=MB)


def test_size_limit(corpus, uploads):
    path = mf.write_bytes(uploads, "big.txt", ("地方創生。" * 1000).encode())
    with pytest.raises(SouseiError, match="big.txt.*上傳上限.*max_upload_mb"):
        add_files(corpus, [path], max_bytes=1000)
    assert not (corpus / "big.txt").exists()


def test_missing_upload(corpus, uploads):
    with pytest.raises(SouseiError, match="gone.txt"):
        add_files(corpus, [uploads / "gone.txt"], max_bytes=MB)


def test_shell_metacharacter_name_lands_inside_the_corpus(tmp_path, corpus, uploads):
    source = mf.write_gb18030(uploads, "a;rm -rf $(echo x)|y.txt")
    outside_before = {p for p in tmp_path.rglob("*") if not p.is_relative_to(corpus)}
    (result,) = add_files(corpus, [source], max_bytes=MB)
    assert result.path.parent == corpus.resolve() and result.name == "a_rm_-rf_echo_x_y.txt"
    assert {p for p in tmp_path.rglob("*") if not p.is_relative_to(corpus)} == outside_before


def test_symlink_in_corpus_pointing_outside_is_not_followed(tmp_path, corpus, uploads):
    victim = mf.write_bytes(tmp_path, "victim.txt", "不可被覆寫。".encode())
    (corpus / "evil.txt").symlink_to(victim)
    (corpus / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    for name in ("evil.txt", "dangling.txt"):
        with pytest.raises(SouseiError, match="同名的連結或資料夾，指向別處"):
            add_files(corpus, [mf.write_gb18030(uploads, name)], max_bytes=MB)
    assert victim.read_text(encoding="utf-8") == "不可被覆寫。"
    assert not (tmp_path / "nowhere.txt").exists()


def test_a_symbolic_link_to_add_is_refused_not_followed(tmp_path, corpus, uploads):
    """``add`` of a link (to a file outside, to an article file, dangling) copies nothing: it names the link
    and says to add the file itself; the add_accepted the CLI and UI use refuses it the same way."""
    secret = mf.write_bytes(tmp_path / "outside", "secret.txt", b"root:x:0:0:root:/root:/bin/bash\n")
    links = {"link.txt": secret, "inside.txt": corpus / "existing.txt", "dangling.txt": tmp_path / "nowhere.txt"}
    for name, target in links.items():
        (uploads / name).symlink_to(target)
    before = snapshot(corpus)
    with pytest.raises(SouseiError) as info:
        add_files(corpus, [uploads / name for name in links], max_bytes=MB)
    message = str(info.value)
    for name, target in links.items():
        assert f"{name}：是符號連結（指向 {target}）" in message, message
    assert message.count("請直接加入檔案本身") == 3 and snapshot(corpus) == before
    good = mf.write_gb18030(uploads, "good.txt")
    added, refused = library.add_accepted(corpus, [uploads / "link.txt", good], max_bytes=MB)
    assert [a.name for a in added] == ["good.txt"] and [r.source.name for r in refused] == ["link.txt"]
    assert not any(b"root:x" in p.read_bytes() for p in corpus.iterdir() if p.is_file())


def test_a_hard_link_or_a_file_under_a_linked_folder_is_the_file_itself(tmp_path, corpus, uploads):
    """Only the named file's own kind counts: a hard link is that file (no other name is the original), and
    a folder on the way that is a link (/tmp on macOS) is just a way to reach a regular file."""
    os.link(mf.write_gb18030(tmp_path / "elsewhere", "one.txt"), uploads / "hard.txt")
    (tmp_path / "linked").symlink_to(mf.write_markdown(tmp_path / "real", "two.md").parent)
    added = add_files(corpus, [uploads / "hard.txt", tmp_path / "linked" / "two.md"], max_bytes=MB)
    assert [(a.name, a.status) for a in added] == [("hard.txt", "added"), ("two.md", "added")]
    assert not (corpus / "hard.txt").is_symlink() and (corpus / "hard.txt").stat().st_nlink == 1


def test_a_file_swapped_for_a_link_after_its_checks_is_not_read_through_it(tmp_path, corpus, uploads, monkeypatch):
    """The bytes copied are read without following a link: a file replaced by one after it was checked and
    read is refused, not copied from the link's target."""
    source = mf.write_gb18030(uploads, "swap.txt")
    secret = mf.write_bytes(tmp_path / "outside", "secret.txt", source.read_bytes())  # same bytes: the hash agrees
    real_read = library.Reader.read

    def read_then_swap(self, path, name):
        outcome = real_read(self, path, name)
        path.unlink()
        path.symlink_to(secret)
        return outcome

    monkeypatch.setattr(library.Reader, "read", read_then_swap)
    before = snapshot(corpus)
    with pytest.raises(SouseiError, match="swap.txt：無法讀取"):
        add_files(corpus, [source], max_bytes=MB)
    assert snapshot(corpus) == before


def test_write_never_replaces_a_file_that_appeared_meanwhile(corpus):
    destination = corpus / "race.txt"
    destination.write_bytes(b"first writer")
    with pytest.raises(SouseiError, match="同時有另一個同名檔案"):
        library._write_new_file(corpus.resolve(), destination, b"second writer")
    assert destination.read_bytes() == b"first writer"
    assert not [p for p in corpus.iterdir() if p.name.startswith(".")]


def test_hostile_articles_are_accepted_as_text(corpus, uploads):
    files = [mf.write_hostile_html(uploads, "hostile_page.html"), mf.write_hostile_md(uploads, "hostile_note.md")]
    added = add_files(corpus, files, max_bytes=MB)
    assert [a.status for a in added] == ["added", "added"]


def test_add_creates_missing_corpus_directory(tmp_path, uploads):
    corpus = tmp_path / "new" / "corpus"
    (result,) = add_files(corpus, [mf.write_big5(uploads)], max_bytes=MB)
    assert result.path.exists() and [p.name for p in corpus_files(corpus)] == ["big5.txt"]


def test_added_file_record():
    record = AddedFile(source=Path("/u/x.txt"), path=Path("/c/x.txt"), status="added")
    assert record.doc_id == "x" and record.name == "x.txt" and os.fspath(record) == "/c/x.txt"


# ---------------------------------------------------------------- remove_article


def test_remove_article_moves_file_and_sidecar_to_trash(corpus, uploads):
    add_files(corpus, [mf.write_gb18030(uploads, "keep.txt")], max_bytes=MB)
    (corpus / "existing.txt.meta.json").write_text('{"title": "t"}', encoding="utf-8")
    content = (corpus / "existing.txt").read_bytes()
    removed = remove_article(corpus, "existing")
    assert removed == corpus / ".trash" / "existing.txt" and removed.read_bytes() == content
    assert (corpus / ".trash" / "existing.txt.meta.json").exists()
    assert sorted(p.name for p in corpus.iterdir() if not p.name.startswith(".")) == ["keep.txt"]


def test_remove_by_file_name_is_the_article_of_that_name(corpus):
    """``remove existing.txt`` (the id with its extension) was refused; an article's file name names it."""
    assert library.article_id(corpus, "existing.txt") == library.article_id(corpus, "existing") == "existing"
    assert remove_article(corpus, "existing.txt") == corpus / ".trash" / "existing.txt"
    assert not (corpus / "existing.txt").exists() and (corpus / ".trash" / "existing.txt.meta.json").exists()


def test_a_name_that_is_one_articles_id_and_anothers_file_name_is_refused(corpus):
    mf.write_markdown(corpus, "existing.txt.md")  # id "existing.txt": the other article's file name
    before = snapshot(corpus)
    with pytest.raises(SouseiError, match=r"代號 'existing.txt' 對應到好幾個檔案（existing.txt, existing.txt.md）"):
        remove_article(corpus, "existing.txt")
    assert snapshot(corpus) == before
    assert remove_article(corpus, "existing.txt.md").name == "existing.txt.md"  # a whole name is one file


def test_remove_unknown_id_lists_ids(corpus):
    before = snapshot(corpus)
    for doc_id in ("nope", "../corpus/existing", "existing.md", "existing.", ""):
        with pytest.raises(SouseiError, match="沒有代號為 .* 的文章.*existing"):
            remove_article(corpus, doc_id)
    assert snapshot(corpus) == before


def test_remove_ambiguous_id_is_refused(corpus):
    mf.write_markdown(corpus, "existing.md")
    with pytest.raises(SouseiError, match="好幾個檔案"):
        remove_article(corpus, "existing")
    assert (corpus / "existing.txt").exists() and (corpus / "existing.md").exists()


def test_removing_a_name_again_keeps_the_earlier_removal(corpus, uploads):
    v1 = (corpus / "existing.txt").read_bytes()
    remove_article(corpus, "existing")
    add_files(corpus, [mf.write_gb18030(uploads, "existing.txt")], max_bytes=MB)
    v2 = (corpus / "existing.txt").read_bytes()
    remove_article(corpus, "existing")
    trash = corpus / ".trash"
    assert (trash / "existing.txt").read_bytes() == v2 and not (trash / "existing.txt.meta.json").exists()
    (older,) = sorted((trash / "older").glob("existing.*.txt"))
    assert older.read_bytes() == v1
    assert older.with_name(older.name + ".meta.json").read_text(encoding="utf-8") == '{"title": "舊文章"}'
    assert [p.name for p in trashed_articles(corpus)] == ["existing.txt"]  # one restorable id
    restore_article(corpus, "existing")
    assert (corpus / "existing.txt").read_bytes() == v2 and not (corpus / "existing.txt.meta.json").exists()
    assert older.read_bytes() == v1


def test_older_removals_never_overwrite_each_other(corpus, uploads):
    versions = [(corpus / "existing.txt").read_bytes()]
    remove_article(corpus, "existing")
    for number in range(3):  # within one second: the same time stamp, so numbered names
        (corpus / "existing.txt").write_text(f"第{number}版\n\n內容{number}。\n", encoding="utf-8")
        versions.append((corpus / "existing.txt").read_bytes())
        remove_article(corpus, "existing")
    kept = {p.read_bytes() for p in (corpus / ".trash" / "older").glob("existing.*.txt")}
    assert kept | {(corpus / ".trash" / "existing.txt").read_bytes()} == set(versions)


def test_trash_entries_name_title_and_removal_time(corpus, uploads):
    """The trash listing: the title given at removal (else the sidecar's, else none: the id alone), when it
    was removed, most recent first; the note follows an earlier removal to older/ and goes on restore."""
    remove_article(corpus, "existing", title="標題  一")
    (entry,) = trash_entries(corpus)
    assert (entry.doc_id, entry.title) == ("existing", "標題 一")
    assert re.fullmatch(r"標題 一（existing，\d{4}-\d\d-\d\d \d\d:\d\d:\d\d 移除）", entry.label), entry.label
    add_files(corpus, [mf.write_gb18030(uploads, "existing.txt")], max_bytes=MB)
    remove_article(corpus, "existing")  # no title known and no sidecar: the id alone
    entry, earlier = trash_entries(corpus)
    assert entry.title is None and re.fullmatch(r"existing（existing，\S+ \S+ 移除）", entry.label), entry.label
    assert earlier.older and earlier.title == "標題 一" and earlier.article_id == "existing"
    assert len(list((corpus / ".trash" / "older").glob("existing.*.txt.removed.json"))) == 1
    (corpus / ".trash" / "existing.txt.removed.json").unlink()  # removed by hand or an older sousei
    (corpus / ".trash" / "existing.txt.meta.json").write_text('{"title": "側檔標題"}', encoding="utf-8")
    assert trash_entries(corpus)[0].title == "側檔標題"
    restore_article(corpus, "existing")
    assert trash_entries(corpus) == [earlier] and not list((corpus / ".trash").glob("*.removed.json"))


def test_older_copies_are_listed_and_restored_by_their_id(corpus, uploads):
    """A name removed again keeps its earlier removal in older/: the trash lists it (older, its own id
    ``existing.<time>``, its title and removal time), and restore takes that id, or the article's id
    when the trash holds no later copy (the newest older one comes back)."""
    v1 = (corpus / "existing.txt").read_bytes()
    remove_article(corpus, "existing", title="第一版")
    add_files(corpus, [mf.write_gb18030(uploads, "existing.txt")], max_bytes=MB)
    v2 = (corpus / "existing.txt").read_bytes()
    remove_article(corpus, "existing", title="第二版")
    latest, earlier = trash_entries(corpus)
    assert (latest.doc_id, latest.older, earlier.older) == ("existing", False, True)
    assert re.fullmatch(r"existing\.\d{8}-\d{6}", earlier.doc_id) and earlier.article_id == "existing"
    assert re.fullmatch(rf"第一版（{earlier.doc_id}，\S+ \S+ 移除，較舊的版本）", earlier.label), earlier.label
    assert restore_article(corpus, "existing").read_bytes() == v2  # the latest first
    with pytest.raises(SouseiError, match=r"已有代號為 'existing' 的文章.*較舊的版本.*sousei remove existing"):
        restore_article(corpus, "existing")  # then the older copy, which the corpus's file blocks
    remove_article(corpus, "existing")
    assert restore_article(corpus, earlier.doc_id) == corpus / "existing.txt"
    assert (corpus / "existing.txt").read_bytes() == v1
    assert (corpus / "existing.txt.meta.json").read_text(encoding="utf-8") == '{"title": "舊文章"}'
    assert [e.doc_id for e in trash_entries(corpus)] == ["existing"] and not list(
        (corpus / ".trash" / "older").iterdir()
    )


# ---------------------------------------------------------------- add_accepted


def test_add_accepted_copies_the_good_files_and_names_each_refused_one(corpus, uploads):
    good = mf.write_gb18030(uploads, "good.txt")
    empty = mf.write_empty(uploads)
    doc = mf.write_bytes(uploads, "notes.doc", "文字".encode())
    copy = mf.write_big5(uploads / "b", "copy.txt")  # the bytes of existing.txt
    added, refused = library.add_accepted(corpus, [empty, good, doc, copy], max_bytes=MB)
    assert [(item.source, item.status) for item in added] == [(good, "added"), (copy, "duplicate")]
    assert [item.source for item in refused] == [empty, doc]
    assert "空的" in refused[0].reason and refused[1].describe().startswith("refused: notes.doc：不支援的檔案類型")
    assert (corpus / "good.txt").read_bytes() == good.read_bytes() and not (corpus / "copy.txt").exists()


def test_add_accepted_with_every_file_refused_adds_nothing(corpus, uploads):
    before = snapshot(corpus)
    with pytest.raises(SouseiError) as info:
        library.add_accepted(corpus, [mf.write_empty(uploads)], max_bytes=MB)
    assert str(info.value).startswith(library.NOTHING_ADDED) and snapshot(corpus) == before


def test_add_accepted_copying_nothing_raises_nothing_added(corpus, uploads):
    """Only duplicates, or only files already there: nothing is copied, and :class:`NothingAdded` (the
    engine then rebuilds nothing) lists each file in the order given."""
    before = snapshot(corpus)
    copy, again = mf.write_big5(uploads / "b", "copy.txt"), mf.write_big5(uploads, "existing.txt")
    with pytest.raises(library.NothingAdded) as info:
        library.add_accepted(corpus, [copy, mf.write_empty(uploads), again], max_bytes=MB)
    assert str(info.value).splitlines() == [
        library.NOTHING_ADDED,
        "- copy.txt 已在文章庫中：existing（內容相同），未加入",
        "- empty.txt：檔案是空的（0 bytes）；請放入文章內容或移除它",
        "- existing.txt 已在文章庫中（existing.txt，內容相同）",
    ]
    assert [item.status for item in info.value.duplicates] == ["duplicate"] and len(info.value.refused) == 1
    with pytest.raises(library.NothingAdded) as info:
        library.add_accepted(corpus, [again], max_bytes=MB)
    assert str(info.value).startswith(library.ALREADY_THERE) and not info.value.duplicates
    assert snapshot(corpus) == before


# ---------------------------------------------------------------- out_of_step


def _built_corpus(tmp_path: Path, **extra: str) -> tuple[Path, Path]:
    """a.txt and b.txt indexed (the fake ingest, which reads only .txt: any other article file is one
    the build refused), plus ``extra`` files by name; returns (corpus, index)."""
    from index.build import build_index
    from tests.fakes import FakeEncoder
    from tests.index_fakes import ARTICLE_A, ARTICLE_B, build_kwargs, write_corpus

    corpus = write_corpus(tmp_path / "corpus", a=ARTICLE_A, b=ARTICLE_B)
    for name, text in extra.items():
        (corpus / name).write_text(text, encoding="utf-8")
    build_index(corpus, tmp_path / "index", FakeEncoder(), **build_kwargs())
    return corpus, tmp_path / "index"


def _age(path: Path, seconds: float = 3600) -> None:
    """Set the file's times well before the index's manifest (what cp -p, tar or rsync -t leave)."""
    old = time.time() - seconds
    os.utime(path, (old, old))


def test_a_new_file_keeping_an_old_time_is_reported_as_not_indexed(tmp_path):
    """`cp -p`, an archive or rsync keeps a new article's old time: it was never reported (the rule
    was "written after the manifest"), so the user was never told to rebuild."""
    corpus, index = _built_corpus(tmp_path)
    assert not library.out_of_step(corpus, index)
    (corpus / "c.txt").write_text("內子町\n\n內子町保存了江戶時代的街道。\n", encoding="utf-8")
    _age(corpus / "c.txt")
    stale = library.out_of_step(corpus, index)
    assert (stale.not_indexed, stale.changed, stale.gone) == (("c.txt",), (), ())
    assert "1 個檔案還沒建立索引（c.txt）" in stale.describe()


def test_an_indexed_file_edited_in_place_is_reported_as_changed(tmp_path):
    """Same name, other bytes: the manifest's content_hash no longer matches, whatever the file's time."""
    corpus, index = _built_corpus(tmp_path)
    article = corpus / "a.txt"
    times = article.stat()
    article.write_bytes(article.read_bytes().replace(b"2.3%", b"2.4%"))  # the same size
    stale = library.out_of_step(corpus, index)
    assert (stale.not_indexed, stale.changed, stale.gone) == ((), ("a.txt",), ())
    os.utime(article, ns=(times.st_atime_ns, times.st_mtime_ns))  # its old time back
    stale = library.out_of_step(corpus, index)
    assert stale.changed == ("a.txt",) and bool(stale)
    assert stale.describe() == (
        "文章資料夾與索引不一致：1 個檔案的內容在建立索引後改變了（a.txt）；請執行 sousei build 重建索引"
    )


def test_a_refused_file_is_reported_only_once_its_bytes_change(tmp_path):
    """The build records each file it refused with its bytes: unchanged, it is not reported however
    recent its time (opened and saved, touched); fixed (other bytes), it is, however old its time."""
    corpus, index = _built_corpus(tmp_path, **{"notes.md": "# 筆記\n"})
    notes = corpus / "notes.md"
    os.utime(notes, (time.time() + 60, time.time() + 60))  # touched after the build, bytes unchanged
    assert not library.out_of_step(corpus, index)
    notes.write_text("# 筆記\n\n內子町保存了江戶時代的街道。\n", encoding="utf-8")
    _age(notes)
    stale = library.out_of_step(corpus, index)
    assert (stale.not_indexed, stale.changed, stale.gone) == (("notes.md",), (), ())


def test_a_twin_and_a_gone_article_are_reported_as_before(tmp_path):
    from tests.index_fakes import ARTICLE_A

    corpus, index = _built_corpus(tmp_path, **{"copy.txt": ARTICLE_A})
    os.utime(corpus / "copy.txt", (time.time() + 60, time.time() + 60))
    assert not library.out_of_step(corpus, index)  # kept once as a twin of a.txt
    (corpus / "b.txt").unlink()
    stale = library.out_of_step(corpus, index)
    assert (stale.not_indexed, stale.changed, stale.gone) == ((), (), ("b",))


def test_a_twin_edited_in_place_is_reported_as_not_indexed(tmp_path):
    """A file kept once as a twin of another was never reported once edited: it is an article of its own
    now, not in the index, whatever its time. A manifest that recorded no bytes for its twins (built
    before they were recorded) takes a twin as it is, as before."""
    from tests.index_fakes import ARTICLE_A

    corpus, index = _built_corpus(tmp_path, **{"copy.txt": ARTICLE_A})
    twin = corpus / "copy.txt"
    assert not library.out_of_step(corpus, index)
    times = twin.stat()
    twin.write_text(ARTICLE_A.replace("2.3%", "2.4%"), encoding="utf-8")
    os.utime(twin, ns=(times.st_atime_ns, times.st_mtime_ns))  # its old time back
    stale = library.out_of_step(corpus, index)
    assert (stale.not_indexed, stale.changed, stale.gone) == (("copy.txt",), (), ())
    manifest = index / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    assert [name for name, _digest in data["refused"]] == ["copy.txt"]
    data["refused"] = []
    manifest.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert not library.out_of_step(corpus, index)


def test_a_manifest_without_refused_files_falls_back_to_times(tmp_path):
    """An index built before builds recorded their refused files: still read, and a file neither indexed
    nor a twin is not indexed only when written after the manifest (as before); an indexed file
    edited in place is reported by its content_hash, which such a manifest has too."""
    from index.store import read_manifest

    corpus, index = _built_corpus(tmp_path, **{"notes.md": "# 筆記\n"})
    manifest = index / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    assert data.pop("refused") == [["notes.md", sha256_hex("# 筆記\n")]]
    manifest.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert read_manifest(index).refused == () and read_manifest(index).documents == 2
    _age(notes := corpus / "notes.md")
    assert not library.out_of_step(corpus, index)
    (corpus / "c.txt").write_text("內子町\n", encoding="utf-8")
    os.utime(corpus / "c.txt", (time.time() + 60, time.time() + 60))
    (corpus / "a.txt").write_text("改寫過的文章。\n", encoding="utf-8")
    _age(corpus / "a.txt")
    stale = library.out_of_step(corpus, index)
    assert (stale.not_indexed, stale.changed, stale.gone) == (("c.txt",), ("a.txt",), ())
    notes.write_text("# 筆記\n\n內子町保存了江戶時代的街道。\n", encoding="utf-8")
    _age(notes)
    assert library.out_of_step(corpus, index).not_indexed == ("c.txt",)  # by time: an old manifest cannot tell


def test_out_of_step_reads_a_file_again_only_when_its_stat_changes(tmp_path, monkeypatch):
    """The digests are kept by path and stat (size, mtime, ctime, inode), in memory and in the cache
    file the CLI gives: an unchanged corpus is not read again, by the next command either."""
    corpus, index = _built_corpus(tmp_path, **{"notes.md": "# 筆記\n"})
    reads: list[str] = []
    real = fileio.sha256_file

    def counted(path: Path) -> str:
        reads.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(fileio, "sha256_file", counted)
    monkeypatch.setattr(fileio, "RACY_SECONDS", 0.0)  # the files were written a moment ago
    cache_file = tmp_path / "index.cache" / library.DIGESTS_FILE
    assert not library.out_of_step(corpus, index, digests=fileio.DigestCache(cache_file))
    assert sorted(reads) == ["a.txt", "b.txt", "notes.md"] and cache_file.is_file()
    reads.clear()
    assert not library.out_of_step(corpus, index, digests=fileio.DigestCache(cache_file))
    assert reads == []  # the next command: nothing read
    article = corpus / "a.txt"
    times = article.stat()
    article.write_bytes(article.read_bytes().replace(b"2.3%", b"2.4%"))
    os.utime(article, ns=(times.st_atime_ns, times.st_mtime_ns))  # same size, same mtime, inode: ctime differs
    assert library.out_of_step(corpus, index, digests=fileio.DigestCache(cache_file)).changed == ("a.txt",)
    assert reads == ["a.txt"]


def test_a_file_changed_a_moment_ago_is_hashed_but_not_remembered(tmp_path):
    """A second write in the same timestamp tick would keep the file's stat: a digest is kept only for
    a file whose times are RACY_SECONDS old."""
    fresh = tmp_path / "fresh.txt"
    fresh.write_text("一\n", encoding="utf-8")
    cache = fileio.DigestCache(tmp_path / "digests.json")
    assert cache.digest(fresh) == sha256_hex("一\n")
    cache.save()
    assert not (tmp_path / "digests.json").exists()
    assert cache.digest(tmp_path / "missing.txt") is None


def test_a_damaged_digest_cache_file_only_costs_reading_again(tmp_path):
    corpus, index = _built_corpus(tmp_path)
    for damaged in ("[" * 100000, "{not json", '{"x": [1, 2]}', "[1, 2]", '{"a": [1, 2, 3, 4, "short"]}'):
        (tmp_path / "digests.json").write_text(damaged, encoding="utf-8")
        assert not library.out_of_step(corpus, index, digests=fileio.DigestCache(tmp_path / "digests.json"))
