"""The Engine shared by CLI and UI: query cache, passage encoder choice, rebuilds seen across processes."""

from __future__ import annotations

import numpy as np

import chat.engine as service_module
from chat.config import Config
from chat.engine import Engine
from index.model.encoder import QueryCachingEncoder
from tests.fakes import FakeEncoder

ARTICLE = (
    "日本於2014年通過了「城鎮・人口・工作創生法」，希望打造一億人活躍的強韌社會。\n\n"
    "總務省每年補助地方政府推動ICT地域活性化政策。\n"
)
OTHER = "北海道夕張市的雪融發電計畫預計每年發電4200萬度，供應市內所有公共設施。\n"


def _engine(tmp_path, encoder) -> Engine:
    config = Config.load(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index")
    return Engine.with_encoder(config, encoder, say=lambda _m: None)


def test_query_cache_encodes_a_repeated_question_once():
    inner = FakeEncoder()
    cached = QueryCachingEncoder(inner)
    first = cached.encode_queries(["地方創生是什麼？"])
    second = cached.encode_queries(["地方創生是什麼？"])
    assert inner.calls == 1
    np.testing.assert_array_equal(first, second)
    second[0, 0] = 99.0  # callers cannot corrupt the cache
    assert cached.encode_queries(["地方創生是什麼？"])[0, 0] != 99.0
    cached.encode_queries(["別的問題"])
    assert inner.calls == 2 and cached.fingerprint == inner.fingerprint


def test_search_and_answer_share_one_query_encoding(tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    inner = FakeEncoder()
    engine = _engine(tmp_path, QueryCachingEncoder(inner))
    engine.rebuild()
    before = inner.calls
    engine.answer("總務省補助哪些政策？")
    after_first = inner.calls
    engine.answer("總務省補助哪些政策？")
    assert inner.calls == after_first  # nothing encoded again for the same question
    assert after_first > before


def test_a_test_or_sentence_transformers_encoder_also_embeds_passages(tmp_path):
    fake = FakeEncoder()
    assert _engine(tmp_path, fake).passage_encoder() is fake
    assert _engine(tmp_path, QueryCachingEncoder(fake)).passage_encoder() is fake


def test_a_rebuild_by_another_process_is_picked_up(tmp_path, monkeypatch):
    monkeypatch.setattr(service_module, "STALE_CHECK_SECONDS", 0.0)
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    serving = _engine(tmp_path, FakeEncoder())
    serving.rebuild()
    assert [a.doc_id for a in serving.articles()] == ["a"]
    (tmp_path / "corpus" / "b.txt").write_text(OTHER, encoding="utf-8")
    _engine(tmp_path, FakeEncoder()).rebuild()  # e.g. `sousei build` in a terminal
    assert sorted(a.doc_id for a in serving.articles()) == ["a", "b"]


TOPICS = [
    "溫泉觀光",
    "雪燈籠祭典",
    "漁港再生",
    "茶園體驗",
    "山村小學",
    "離島醫療",
    "空屋整修",
    "地方鐵道",
    "森林步道",
    "稻米品牌",
    "陶藝工坊",
    "夜市文化",
]


def test_answers_need_no_sentence_encoding_without_any_warm_up(tmp_path):
    """Every sentence vector is stored at build time: a fresh process's first answers encode only
    their question, and the warm-up has nothing left to embed."""
    (tmp_path / "corpus").mkdir()
    text = "\n\n".join(f"第{i}項計畫是{t}。{t}每年吸引許多旅客。" for i, t in enumerate(TOPICS, 1))
    (tmp_path / "corpus" / "many.txt").write_text(text + "\n", encoding="utf-8")
    report = _engine(tmp_path, FakeEncoder()).rebuild()
    assert report.sentences == 2 * len(TOPICS)
    inner = FakeEncoder()
    engine = _engine(tmp_path, QueryCachingEncoder(inner))  # a new process: nothing cached in memory
    assert engine.answer("夜市文化吸引旅客嗎？", top_k=3).hits
    assert inner.calls == 1  # the question, nothing else
    assert engine.warm_up("溫泉觀光是什麼計畫？") == 2 * len(TOPICS)
    assert inner.calls == 2


def test_add_keeps_the_good_files_and_puts_each_refusal_in_the_report(tmp_path):
    """Engine.add (the UI's add): a refused file does not stop the others; its reason leads the report's
    warnings, which the UI shows one per line."""
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    engine = _engine(tmp_path, FakeEncoder())
    engine.rebuild()
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    (uploads / "empty.txt").write_bytes(b"")
    (uploads / "yubari.txt").write_text(OTHER, encoding="utf-8")
    added, report = engine.add([uploads / "empty.txt", uploads / "yubari.txt"])
    assert [(item.name, item.status) for item in added] == [("yubari.txt", "added")]
    assert report.documents == 2 and report.warnings[0].startswith("empty.txt：") and "空的" in report.warnings[0]
    assert {a.doc_id for a in engine.articles()} == {"a", "yubari"}


def test_out_of_step_reports_a_file_copied_in_after_the_build_until_a_rebuild(tmp_path, monkeypatch):
    """Engine.out_of_step (what `sousei articles`, `sousei add` and the article tab ask): a file copied into
    the corpus folder after the build, with its old time (cp -p), is reported until a rebuild indexes it; the
    digests are kept where the CLI kept them, in the index's cache folder."""
    import os
    import shutil

    from index.store import index_paths
    from ingest import fileio
    from ingest.library import DIGESTS_FILE

    monkeypatch.setattr(fileio, "RACY_SECONDS", 0.0)  # the files were written a moment ago
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    engine = _engine(tmp_path, FakeEncoder())
    assert not engine.out_of_step()  # no index yet: nothing to compare
    engine.rebuild()
    assert not engine.out_of_step()
    outside = tmp_path / "yubari.txt"
    outside.write_text(OTHER, encoding="utf-8")
    os.utime(outside, (1_600_000_000, 1_600_000_000))
    shutil.copy2(outside, tmp_path / "corpus" / "b.txt")
    stale = engine.out_of_step()
    assert (stale.not_indexed, stale.changed, stale.gone) == (("b.txt",), (), ())
    assert "1 個檔案還沒建立索引（b.txt）" in stale.describe()
    assert (index_paths(tmp_path / "index").cache / DIGESTS_FILE).is_file()
    engine.rebuild()
    assert not engine.out_of_step()
    assert {a.doc_id for a in engine.articles()} == {"a", "b"}


def test_the_facade_names_articles_and_types_for_the_ui_and_the_cli(tmp_path):
    """What the UI asks of the corpus folder goes through the Engine (as the CLI's does): the types read,
    the refusal of another type, an article named by its id or file name, and whether it is still there."""
    from ingest.errors import SouseiError

    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    engine = _engine(tmp_path, FakeEncoder())
    assert set(Engine.article_types()) >= {".txt", ".md", ".pdf", ".html", ".docx"}
    assert engine.type_refusal(tmp_path / "x.txt") is None
    refusal = engine.type_refusal(tmp_path / "表格.csv")
    assert refusal is not None and "表格.csv" in refusal and "不支援的檔案類型" in refusal and ".docx" in refusal
    assert engine.article_id("a.txt") == engine.article_id("a") == "a"
    assert engine.has_article("a") and not engine.has_article("b")
    try:
        engine.article_id("b")
    except SouseiError as err:
        assert "a" in str(err)
    else:
        raise AssertionError("an id the corpus does not have was accepted")
    (tmp_path / "corpus" / "a.txt").unlink()
    assert not engine.has_article("a")


def test_the_ui_module_reaches_the_corpus_and_index_only_through_the_engine():
    """chat/ui.py wires functions the CLI also uses (the Engine, chat.*): it imports nothing of ingest or
    index but the error type and, for type hints only, index.build's Progress."""
    import ast
    from pathlib import Path

    import chat.ui

    tree = ast.parse(Path(chat.ui.__file__).read_text(encoding="utf-8"))
    modules = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    modules |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    reached = {m for m in modules if m.split(".")[0] in ("ingest", "index")}
    assert reached <= {"ingest.errors", "index.build"}, sorted(reached)
