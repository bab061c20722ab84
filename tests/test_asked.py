"""index.asked: questions asked before move their passage up, within the leading article only."""

from __future__ import annotations

import json

import numpy as np
import pytest

import index.asked
from chat.make_asked import DEFAULT_EXTRA, MEMORY_BATCHES, train_questions
from index.asked import (
    DATA_DIR,
    ENTRIES_FILE,
    THRESHOLD,
    WEIGHT,
    AskedEntry,
    AskedMemory,
    AskedTerms,
    load_asked,
    make_entries,
    numbers,
    save_asked,
    wording,
)
from index.build import build_index
from index.search import Searcher
from ingest.records import Article, ArticleMeta, Passage
from tests.fakes import FakeEncoder
from tests.index_fakes import ARTICLE_A, ARTICLE_B, ARTICLE_C, build_kwargs, open_kwargs, write_corpus

DATA = DATA_DIR.parents[1] / "tests" / "data"


def _article(doc_id: str, text: str) -> Article:
    return Article(doc_id, ArticleMeta(doc_id), text, (), content_hash=f"hash-{doc_id}")


def _passage(doc_id: str, n: int, text: str) -> Passage:
    return Passage(f"{doc_id}-{n}", doc_id, doc_id, n, None, 0, len(text), text)


PASSAGES = [
    _passage("a", 1, "總務省推動 ICT"),
    _passage("a", 2, "只有2.3%的地方政府"),
    _passage("b", 1, "REVIC 提供資金"),
]
ARTICLES = [_article("a", "總務省推動 ICT\n\n只有2.3%的地方政府"), _article("b", "REVIC 提供資金")]


def _memory(entries: list[AskedEntry], vectors: list[list[float]]) -> AskedMemory:
    return AskedMemory(tuple(entries), np.asarray(vectors, dtype=np.float32), "fp")


def test_rows_are_the_passages_of_its_article_holding_a_gold_string():
    memory = _memory(
        [
            AskedEntry("幾%？", ("2.3 %",), "hash-a"),  # spaces do not count, as in the eval
            AskedEntry("誰提供資金？", ("REVIC",), "hash-a"),  # its gold is in another article only
            AskedEntry("刪掉的文章", ("ICT",), "hash-gone"),  # its article is not indexed
            AskedEntry("兩段", ("ICT", "地方政府"), "hash-a"),
        ],
        [[1, 0]] * 4,
    )
    assert memory.rows(PASSAGES, ARTICLES) == [(1,), (), (), (0, 1)]


def test_wording_drops_spacing_punctuation_and_case():
    assert wording(" RESAS 是什麼？ ") == wording("resas是什麼?") == "resas是什麼"
    assert wording("RESAS是誰") != wording("RESAS是什麼")


def test_numbers_are_digits_and_ordinals_in_chinese_numerals():
    assert numbers("構想清單第５項、2012年的2.3%") == {"5", "2012", "2.3"}  # full-width digits read as digits
    assert numbers("第二十項是什麼？") == {"第二十"}
    assert numbers("RESAS是什麼？") == frozenset()


def test_an_entry_writing_other_numbers_does_not_count():
    memory = _memory(
        [AskedEntry("構想清單第6項的標題", ("x",), "h"), AskedEntry("構想清單的標題", ("y",), "h")], [[1, 0], [1, 0]]
    )
    boosts = memory.boosts(np.array([1.0, 0.0]), [(0,), (1,)], asked_numbers=numbers("構想清單第5項的標題"))
    assert set(boosts) == set()  # 第6項 is another item; an entry with no number is not this question either
    same = memory.boosts(np.array([1.0, 0.0]), [(0,), (1,)], asked_numbers=numbers("構想清單第6項是什麼"))
    assert set(same) == {0}


def test_boost_is_weight_times_cosine_above_threshold_the_closest_question_counting():
    memory = _memory(
        [AskedEntry("q1", ("x",), "h"), AskedEntry("q2", ("x",), "h"), AskedEntry("q3", ("y",), "h")],
        [[0.95, np.sqrt(1 - 0.95**2)], [0.9, np.sqrt(1 - 0.81)], [0.5, np.sqrt(0.75)]],
    )
    boosts = memory.boosts(np.array([1.0, 0.0]), [(0,), (0, 1), (2,)])
    assert boosts[0] == pytest.approx(WEIGHT * (0.95 - THRESHOLD), abs=1e-5)  # the closer of q1, q2
    assert boosts[1] == pytest.approx(WEIGHT * (0.9 - THRESHOLD), abs=1e-5)
    assert 2 not in boosts  # q3 is below the threshold


def test_an_entry_worded_as_the_question_is_left_out_when_asked():
    memory = _memory(
        [AskedEntry("RESAS 是什麼？", ("x",), "h"), AskedEntry("RESAS", ("y",), "h")], [[1, 0], [0.9, 0.43589]]
    )
    assert set(memory.boosts(np.array([1.0, 0.0]), [(0,), (1,)])) == {0, 1}
    left = memory.boosts(np.array([1.0, 0.0]), [(0,), (1,)], leave_out="resas是什麼?")  # case, space, punctuation
    assert set(left) == {1}


def test_an_entry_is_made_only_for_a_gold_string_in_exactly_one_article():
    questions = [
        {"q": "ICT?", "gold": ["ICT"]},
        {"q": "both?", "gold": ["ICT", "REVIC"]},  # its gold strings are in two articles
        {"q": "none?", "gold": ["火星"]},
        {"q": "unanswerable", "gold": []},
    ]
    assert make_entries(questions, ARTICLES) == [AskedEntry("ICT?", ("ICT",), "hash-a")]


def test_saved_memory_loads_only_for_its_model(tmp_path):
    encoder = FakeEncoder()
    entries = [AskedEntry("ICT?", ("ICT",), "hash-a"), AskedEntry("REVIC?", ("REVIC",), "hash-b")]
    save_asked(entries, encoder.encode_queries, encoder.model_id, "fp-1", tmp_path)
    memory = load_asked("fp-1", tmp_path)
    assert memory is not None and memory.entries == tuple(entries)
    assert np.allclose(memory.vectors, encoder.encode_queries(["ICT?", "REVIC?"]), atol=1e-3)  # float16 on disk
    assert load_asked("fp-2", tmp_path) is None  # another model's vectors are not comparable
    assert load_asked("fp-1", tmp_path / "missing") is None
    data = json.loads((tmp_path / ENTRIES_FILE).read_text(encoding="utf-8"))
    (tmp_path / ENTRIES_FILE).write_text(json.dumps({**data, "version": 0}), encoding="utf-8")
    assert load_asked("fp-1", tmp_path) is None


@pytest.fixture
def fake_searcher(tmp_path, fake_encoder):
    corpus = write_corpus(tmp_path / "corpus", a=ARTICLE_A, b=ARTICLE_B, c=ARTICLE_C)
    build_index(corpus, tmp_path / "index", fake_encoder, **build_kwargs())
    return Searcher.open(tmp_path / "index", fake_encoder, **open_kwargs())


def _with_memory(
    searcher: Searcher, question: str, gold: str, encoder: FakeEncoder, every_article: bool = False
) -> Searcher:
    """``searcher`` with the memory of ``question`` asked about ``gold``; ``every_article``: and of a
    question sharing no word with the tests' questions about the first passage of each article."""
    articles = searcher.articles()
    asked = [{"q": question, "gold": [gold]}]
    if every_article:
        firsts = {p.doc_id: p.text for p in reversed(searcher.passages)}
        asked += [{"q": "其餘章節寫了甚麼", "gold": [text]} for text in firsts.values()]
    entries = make_entries(asked, articles)
    memory = AskedMemory(tuple(entries), encoder.encode_queries([e.question for e in entries]), "fake-v1")
    return Searcher(searcher.index_dir, searcher._stored, encoder, searcher._tokenize, searcher.fusion, asked=memory)


def test_an_earlier_question_moves_its_passage_first_within_the_leading_article(fake_searcher, fake_encoder):
    question = "地方政府的情況"
    before = [h.passage.text for h in fake_searcher.search(question, top_k=5)]
    leading = fake_searcher.search(question, top_k=1)[0].passage.doc_id
    other = next(
        h.passage.text
        for h in fake_searcher.search(question, top_k=10)[1:]
        if h.passage.doc_id == leading and "地方政府" in h.passage.text
    )
    assert before[0] != other
    after = _with_memory(fake_searcher, question, other, fake_encoder).search(question, top_k=5)
    assert after[0].passage.text == other


def test_an_earlier_question_never_moves_a_question_to_another_article(fake_searcher, fake_encoder):
    question = "地方政府的情況"
    before = [h.passage.text for h in fake_searcher.search(question, top_k=5)]
    elsewhere = "疫情期間學校改為遠距授課。"  # article b; the question leads to article a
    after = _with_memory(fake_searcher, question, elsewhere, fake_encoder).search(question, top_k=5)
    assert [h.passage.text for h in after] == before


def test_restricted_keeps_the_entries_of_the_given_articles_with_their_vectors():
    memory = _memory(
        [AskedEntry("q1", ("x",), "hash-a"), AskedEntry("q2", ("y",), "hash-b"), AskedEntry("q3", ("z",), "hash-a")],
        [[1, 0], [0, 1], [0.6, 0.8]],
    )
    only_a = memory.restricted({"hash-a"})
    assert [e.question for e in only_a.entries] == ["q1", "q3"]
    assert np.allclose(only_a.vectors, np.array([[1, 0], [0.6, 0.8]])) and only_a.model_fingerprint == "fp"
    assert memory.restricted(set()).entries == ()
    assert memory.restricted(set()).boosts(np.array([1.0, 0.0]), []) == {}


def test_use_asked_swaps_the_memory_and_the_passages_it_names(fake_searcher, fake_encoder):
    question = "地方政府的情況"
    before = [h.passage.text for h in fake_searcher.search(question, top_k=5)]
    other = next(t for t in before[1:] if "地方政府" in t)
    searcher = _with_memory(fake_searcher, question, other, fake_encoder)
    remembered = searcher.asked
    assert searcher.search(question, top_k=1)[0].passage.text == other
    searcher.use_asked(None)
    assert searcher.asked is None and [h.passage.text for h in searcher.search(question, top_k=5)] == before
    assert remembered is not None
    searcher.use_asked(remembered.restricted(set()))  # the rows are worked out again for the new memory
    assert [h.passage.text for h in searcher.search(question, top_k=5)] == before
    searcher.use_asked(remembered)
    assert searcher.search(question, top_k=1)[0].passage.text == other


def test_transfer_fits_with_the_source_articles_memory_only_and_restores_it(fake_searcher, fake_encoder, monkeypatch):
    import chat.evaluate
    import chat.fit_decision as fit_decision
    import index.evaluate

    articles = fake_searcher.articles()
    entries = tuple(AskedEntry(f"q-{a.doc_id}", ("x",), a.content_hash) for a in articles)
    memory = AskedMemory(entries, fake_encoder.encode_queries([e.question for e in entries]), "fake-v1")
    fake_searcher.use_asked(memory)
    seen: dict[str, list] = {"measured": []}

    def measured(items, searcher, top_k=5, center=None):
        memory = None if searcher.asked is None else [e.question for e in searcher.asked.entries]
        seen["measured"].append(([item["q"] for item in items], memory))
        return [fit_decision.Sample(item, None) for item in items]

    def fitted(samples, *args):
        seen["fit_on"] = [s.item["q"] for s in samples]
        seen["ranked_on"] = [s.item["q"] for s in args[-1]]
        return "model", {}

    def report(searcher, questions, top_k=5, *, decision=None):
        seen["report_on"] = [q["q"] for q in questions]
        return {"first_sentence_gold_rate": 0.5, "answered_rate": 1.0, "abstain_rate": 0.0}

    monkeypatch.setattr(fit_decision, "measure_all", measured)
    monkeypatch.setattr(fit_decision, "fit", fitted)
    monkeypatch.setattr(chat.evaluate, "evaluate_answers", report)
    monkeypatch.setattr(index.evaluate, "evaluate_retrieval", lambda s, qs: {"hit@1": 1.0, "hit@5": 1.0, "mrr@10": 1.0})
    source, target = articles[0].doc_id, articles[1].doc_id
    samples = [
        fit_decision.Sample({"q": "s", "gold": ["x"], "article": source}, None),
        fit_decision.Sample({"q": "t", "gold": ["x"], "article": target}, None),
        fit_decision.Sample({"q": "n", "gold": [], "article": "none"}, None),
    ]
    test = [{"q": "s2", "gold": ["x"], "article": source}, {"q": "t2", "gold": ["x"], "article": target}]
    row = fit_decision.transfer(samples, test, fake_searcher, (source, target), 0.02, 0.05)
    # the fit's questions with the source article's memory; the ranker's (answerable) ones without any
    assert seen["measured"] == [(["s", "n"], [f"q-{source}"]), (["s"], None)]
    assert seen["fit_on"] == ["s", "n"] and seen["ranked_on"] == ["s"] and seen["report_on"] == ["t2"]
    assert row["fit_on"] == source and row["hit@1"] == 1.0
    assert fake_searcher.asked is memory  # the full memory is back


def test_the_ranker_is_measured_without_the_memory_and_the_memory_comes_back(fake_searcher, fake_encoder, monkeypatch):
    import chat.fit_decision as fit_decision

    articles = fake_searcher.articles()
    entries = tuple(AskedEntry(f"q-{a.doc_id}", ("x",), a.content_hash) for a in articles)
    memory = AskedMemory(entries, fake_encoder.encode_queries([e.question for e in entries]), "fake-v1")
    fake_searcher.use_asked(memory)
    seen = []

    def measured(items, searcher, top_k=5, center=None):
        seen.append(([item["q"] for item in items], searcher.asked))
        return []

    monkeypatch.setattr(fit_decision, "measure_all", measured)
    items = [{"q": "answered", "gold": ["x"]}, {"q": "not", "gold": []}]
    fit_decision.ranker_samples(items, fake_searcher)
    assert seen == [(["answered"], None)]
    assert fake_searcher.asked is memory


def test_asked_terms_are_bm25_over_the_earlier_questions_words_of_each_passage():
    # row 0 holds the words of e0 (a, b) and e1 (a); row 1 those of e1; row 2 none
    terms = AskedTerms.build([["a", "b"], ["a"]], [(0,), (0, 1)], passages=3)
    assert terms.lengths.tolist() == [3, 1, 0]
    idf_b = np.log(1 + (3 - 1 + 0.5) / (1 + 0.5))
    norm = 1.5 * (1 - 0.75 + 0.75 * 3 / 2)  # k1 (1 - b + b · length / mean length of the filled rows)
    assert terms.scores(["b"]) == pytest.approx([idf_b * 2.5 / (1 + norm), 0, 0])
    assert terms.scores(["b", "b", "zzz"]) == pytest.approx(terms.scores(["b"]))  # distinct words; unknown ones add 0
    assert terms.scores([]).tolist() == [0, 0, 0]


def test_asked_terms_leave_an_entry_out_of_its_rows():
    terms = AskedTerms.build([["a", "b"], ["a"]], [(0,), (0, 1)], passages=3)
    assert terms.scores(["b"], leave_out=[0]).tolist() == [0, 0, 0]  # b was e0's word only
    left = terms.scores(["a"], leave_out=[0])  # row 0 is then e1's words alone, as row 1 is
    assert left[0] == pytest.approx(left[1]) and left[0] > 0
    assert terms.scores(["a"])[0] != pytest.approx(left[0])


def test_memory_worded_as_finds_the_entries_worded_as_a_text():
    memory = _memory([AskedEntry("RESAS 是什麼？", ("x",), "h"), AskedEntry("RESAS", ("y",), "h")], [[1, 0], [1, 0]])
    assert memory.worded_as("resas是什麼?") == [0] and memory.worded_as("") == [] and memory.worded_as("別的") == []


def _terms_only(monkeypatch, weight: float) -> None:
    monkeypatch.setattr(index.asked, "THRESHOLD", 1.01)  # no cosine boost: the words alone
    monkeypatch.setattr(index.asked, "TERMS_WEIGHT", weight)


@pytest.mark.parametrize(("weight", "every_article"), [(0.0, True), (1.0, True), (1.0, False)])
def test_an_earlier_questions_words_move_its_passage_up_in_the_leading_article(
    fake_searcher, fake_encoder, monkeypatch, weight, every_article
):
    _terms_only(monkeypatch, weight)
    question = "地方政府：偏鄉醫師不足怎麼辦"  # 偏鄉醫師: in no passage, in an earlier question
    ranked = fake_searcher.search(question, top_k=10)
    assert len({h.passage.doc_id for h in ranked[: index.asked.TERMS_NEAR]}) > 1
    other = next(h.passage.text for h in ranked[1:] if h.passage.doc_id == ranked[0].passage.doc_id)
    searcher = _with_memory(fake_searcher, "偏鄉醫師不足怎麼辦", other, fake_encoder, every_article)
    # no move without the words, nor when a best candidate is in an article no earlier question is
    # about (as an added article would be: the question may be about it)
    moved = searcher.search(question, top_k=1)[0].passage.text == other
    assert moved is (bool(weight) and every_article)
    # hits report the passages' own BM25 and rank (what the found / not-found decision was fitted on)
    own = {h.passage.text: (h.bm25_score, h.bm25_rank) for h in ranked}
    assert {h.passage.text: (h.bm25_score, h.bm25_rank) for h in searcher.search(question, top_k=10)} == own


@pytest.mark.parametrize(
    "prefix",
    [
        "王小明寫的",  # names an author: it asks of the byline
        "第三個",  # an item by position: the series places it
    ],
)
def test_a_question_naming_an_author_or_an_item_by_position_gets_no_earlier_questions_words(
    fake_searcher, fake_encoder, monkeypatch, prefix
):
    _terms_only(monkeypatch, 1.0)
    plain = "地方政府：偏鄉醫師不足怎麼辦"
    question = prefix + plain
    ranked = fake_searcher.search(plain, top_k=10)
    other = next(h.passage.text for h in ranked[1:] if h.passage.doc_id == ranked[0].passage.doc_id)
    searcher = _with_memory(fake_searcher, "偏鄉醫師不足怎麼辦", other, fake_encoder, every_article=True)
    searcher.__dict__["authors"] = ("王小明",)  # as a byline 作者 王小明 would give
    assert searcher.search(plain, top_k=1)[0].passage.text == other  # the words move the plain question
    assert searcher.search(question, top_k=1)[0].passage.text != other


def test_an_earlier_questions_words_are_left_out_when_it_is_the_question_measured(
    fake_searcher, fake_encoder, monkeypatch
):
    _terms_only(monkeypatch, 1.0)
    question = "地方政府：偏鄉醫師不足怎麼辦"
    ranked = fake_searcher.search(question, top_k=5)
    other = next(h.passage.text for h in ranked[1:] if h.passage.doc_id == ranked[0].passage.doc_id)
    searcher = _with_memory(fake_searcher, question, other, fake_encoder, every_article=True)
    assert searcher.search(question, top_k=1)[0].passage.text == other
    searcher.leave_out_asked = True  # as sousei eval: the question is not its own evidence
    assert [h.passage.text for h in searcher.search(question, top_k=5)] == [h.passage.text for h in ranked]


def test_a_question_led_to_an_article_no_earlier_question_is_about_is_left_as_it_is(
    fake_searcher, fake_encoder, monkeypatch
):
    _terms_only(monkeypatch, 1.0)
    question = "地方政府：偏鄉醫師不足怎麼辦"
    before = fake_searcher.search(question, top_k=5)
    elsewhere = next(h.passage.text for h in before if h.passage.doc_id != before[0].passage.doc_id)
    after = _with_memory(fake_searcher, "偏鄉醫師不足怎麼辦", elsewhere, fake_encoder).search(question, top_k=5)
    # the words added for every question, the other article's passage would come first
    assert [h.passage.text for h in after] == [h.passage.text for h in before]


def test_the_fake_encoder_gets_no_shipped_memory(fake_searcher):
    assert fake_searcher._asked is None  # the shipped vectors are the real model's


def _lines(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_shipped_memory_holds_train_material_only():
    """The memory is the train material and the measured batches w9–w51 (chat.make_asked's
    defaults), never the bank's frozen test split, the dialogues' test split or a later batch."""
    data = json.loads((DATA_DIR / ENTRIES_FILE).read_text(encoding="utf-8"))
    asked = {e["q"] for e in data["entries"]}
    bank, dialogues = _lines(DATA / "qbank.jsonl"), _lines(DATA / "dialogues.jsonl")
    train = {q["q"] for q in bank if q["split"] == "train"}
    train |= {d["turns"][0]["q"] for d in dialogues if d["split"] == "train"}
    train |= {q["q"] for name in DEFAULT_EXTRA for q in _lines(DATA / name.split("/")[-1])}
    held_batches = sorted(p.stem for p in DATA.glob("fresh*.jsonl") if p.name not in MEMORY_BATCHES)
    assert held_batches == ["fresh33", "fresh34", "fresh35", "fresh36", "fresh37", "fresh38"]
    held = {q["q"] for q in bank if q["split"] == "test"} | {
        d["turns"][0]["q"] for d in dialogues if d["split"] == "test"
    }
    held |= {q["q"] for name in held_batches for q in _lines(DATA / f"{name}.jsonl")}
    assert len(asked) >= 3700 and asked <= train
    assert not asked & (held - train)
    decision = json.loads((DATA_DIR.parents[1] / "chat" / "data" / "decision.json").read_text(encoding="utf-8"))
    assert data["model_fingerprint"] == decision["model_fingerprint"]
    assert load_asked(data["model_fingerprint"]) is not None


def test_train_material_is_the_train_splits_answerable_questions_each_wording_once(tmp_path):
    bank, dialogues, extra = tmp_path / "bank.jsonl", tmp_path / "dialogues.jsonl", tmp_path / "extra.jsonl"
    rows = [
        {"q": "A?", "gold": ["a"], "split": "train"},
        {"q": "B?", "gold": ["b"], "split": "test"},
        {"q": "C?", "gold": [], "split": "train"},
        {"q": "A?", "gold": ["a2"], "split": "train"},
    ]
    bank.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    turns = [{"q": "D?", "gold": ["d"]}, {"q": "那E呢？", "gold": ["e"]}]
    dialogue_rows = [{"turns": turns, "split": "train"}, {"turns": [{"q": "F?", "gold": ["f"]}], "split": "test"}]
    dialogues.write_text("\n".join(json.dumps(d) for d in dialogue_rows), encoding="utf-8")
    extra.write_text(json.dumps({"q": "G?", "gold": ["g"]}), encoding="utf-8")
    chosen = train_questions(bank, dialogues, [extra])
    assert [(q["q"], q["gold"]) for q in chosen] == [("A?", ["a"]), ("D?", ["d"]), ("G?", ["g"])]
    assert [q["q"] for q in train_questions(bank, None, [])] == ["A?"]


@pytest.mark.slow
def test_shipped_vectors_are_the_default_models(real_encoder, real_seed_searcher):
    assert real_seed_searcher._asked is not None  # opening an index with the default model reads them
    memory = load_asked(str(real_encoder.fingerprint))
    assert memory is not None, "index/data/asked.* were made with another model: run python -m chat.make_asked"
    sample = [memory.entries[i].question for i in (0, len(memory.entries) // 2, len(memory.entries) - 1)]
    fresh = np.asarray(real_encoder.encode_queries(sample), dtype=np.float32)
    stored = memory.vectors[[0, len(memory.entries) // 2, len(memory.entries) - 1]]
    assert np.all(np.sum(fresh * stored, axis=1) > 0.999)
