"""CC-CEDICT glosses of the corpus's words (ingest.dictionary) and plural stemming of English keys."""

from __future__ import annotations

from index.build import build_index
from index.search import Searcher
from index.store import load_store
from ingest.dictionary import SOURCE, dictionary_entries
from ingest.glossary import _stem, key_matches
from tests.index_fakes import build_kwargs, open_kwargs, write_corpus


def _glosses(vocabulary, **kwargs) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for entry in dictionary_entries(vocabulary, **kwargs):
        assert entry.doc_id == SOURCE
        found.setdefault(entry.native, set()).update(entry.latin)
    return found


def test_only_words_of_the_corpus_get_english_glosses():
    found = _glosses(["物流", "温室气体", "教育", "税", "不是一个词"])
    assert "logistics" in found["物流"]
    assert "greenhouse gas" in found["温室气体"]
    assert {"education", "educate"} <= found["教育"]
    assert "税" not in found  # one character: too ambiguous to stand for an English word
    assert set(found) == {"物流", "温室气体", "教育"}


def test_the_projects_own_entries_gloss_loanwords_cc_cedict_lacks():
    """キャッシュレス / cashless, テレワーク / telework: CC-CEDICT has no entry for the words Taiwanese
    writing uses (無現金, 遠端); ingest/data/cedict_extra.txt gives them, for words of the corpus only."""
    found = _glosses(["无现金", "远端", "智慧城市"])
    assert {"cashless", "cash-free"} <= found["无现金"]
    assert {"telework", "remote"} <= found["远端"]
    assert "smart city" in found["智慧城市"]
    assert "超级城市" not in _glosses(["无现金"])


def test_glosses_are_short_and_a_gloss_keeps_its_shortest_words():
    entries = dictionary_entries(["教育", "教学", "教导", "教授", "执教", "施教"], per_gloss=2)
    per_gloss: dict[str, list[str]] = {}
    for entry in entries:
        (gloss,) = entry.latin
        assert 1 <= len(gloss.split()) <= 2 and gloss == gloss.lower()
        per_gloss.setdefault(gloss, []).append(entry.native)
    assert per_gloss and all(len(words) <= 2 for words in per_gloss.values())
    assert dictionary_entries([]) == []


def test_function_phrases_are_no_glosses():
    found = _glosses(["一旦", "那么", "这种", "什么样", "马上", "一方"])
    # 一旦 "in case (sth happens)", 那么 "in that case" / "like that", 这种 "this kind of",
    # 什么样 "what kind?", 马上 "on horseback", 一方 "one side": none of them means "case" or "kind"
    assert "case" not in found.get("一旦", set()) and "that case" not in found.get("那么", set())
    assert "kind" not in found.get("这种", set()) and "this kind" not in found.get("这种", set())
    assert "什么样" not in found and "one side" not in found["一方"]
    assert "horseback" not in found["马上"] and "once" not in found["马上"]  # "at once"; "once" is a function word
    assert {"area", "region"} <= found["一方"] and "immediately" in found["马上"]  # their own meanings stay


def test_plural_english_words_match_their_singular_keys():
    assert [_stem(w) for w in ["policies", "taxes", "systems", "business", "bus"]] == [
        "policy",
        "tax",
        "system",
        "business",
        "bus",
    ]
    assert key_matches("logistics", ["share", "Logistics"]) and key_matches("tax", ["taxes"])
    assert key_matches("greenhouse gas", ["greenhouse", "gas", "emissions"])
    assert not key_matches("greenhouse gas", ["gas", "station"])


def test_an_english_question_reaches_a_chinese_only_passage_through_the_dictionary(tmp_path, fake_encoder):
    article = "日本鼓勵業者整合物流資訊。\n\n學校改為遠距授課。"
    corpus, index_dir = write_corpus(tmp_path / "corpus", d=article), tmp_path / "index"
    build_index(corpus, index_dir, fake_encoder, **build_kwargs())
    question = "Which companies should share logistics information?"
    wanted = "日本鼓勵業者整合物流資訊。"

    searcher = Searcher.open(index_dir, fake_encoder, **open_kwargs())
    assert [h.passage.text for h in searcher.search(question, top_k=1, mode="bm25")] == [wanted]
    plain = Searcher(index_dir, load_store(index_dir), fake_encoder, open_kwargs()["tokenizer"], expand=lambda q: [])
    assert wanted not in [h.passage.text for h in plain.search(question, top_k=3, mode="bm25")]
