"""Follow-up questions (chat.followup), `sousei ask --previous`, feedback and trash/restore in the CLI."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest

from chat.cli import main
from chat.config import Config
from chat.engine import Engine
from chat.feedback import vote_key
from chat.followup import (
    NearPrevious,
    Previous,
    anchors_of,
    carried_terms,
    cited_ids,
    is_follow_up,
    nearness,
    neighbours_of,
    resolve,
)
from index.records import Hit
from ingest.fileio import read_jsonl
from ingest.records import Passage
from tests.fakes import FakeEncoder

PREVIOUS = "2020年地方創生臨時補助金的預算有多少？"


@pytest.mark.parametrize(
    "question",
    ["那2021年呢？", "它的全名是什麼？", "還有哪些？", "為什麼？", "分別是哪些？", "區域別呢？", "What about 2021?"],
)
def test_short_questions_without_a_subject_are_follow_ups(question):
    assert is_follow_up(question)


@pytest.mark.parametrize(
    "question",
    ["日本的地方創生臨時補助金在2021年的預算是多少？", "處方箋和藥劑可以運用哪些方式配送到偏遠地區？", "", "？？"],
)
def test_questions_with_their_own_subject_are_not(question):
    assert not is_follow_up(question)


@pytest.mark.parametrize(
    "question", ["What is RESAS?", "DMO是什麼？", "「GIGA School」是什麼？", "ICT是什麼?", "JPQR?"]
)
def test_a_short_question_naming_an_acronym_or_a_quoted_name_is_not_a_follow_up(question):
    assert not is_follow_up(question)
    assert resolve(question, "キャッシュレス化を進める施策は何ですか？").searched == question


@pytest.mark.parametrize(
    ("question", "follows"),
    [
        ("生活人口是什麼意思？", False),  # found by the browser walk: searched with the previous question's terms
        ("關係人口指的是什麼？", False),
        ("數位轉型是什麼意思", False),
        ("那是什麼意思？", True),
        ("這個詞是什麼意思？", True),
        ("它是什麼意思", True),
        ("第二個是什麼意思", True),
    ],
)
def test_asking_what_a_named_term_means_is_not_a_follow_up(question, follows):
    assert is_follow_up(question) == follows


@pytest.mark.parametrize("question", ["誰寫的？", "這是誰寫的", "作者是誰？", "Who wrote it?"])
def test_asking_who_wrote_the_article_is_not_a_follow_up(question, monkeypatch):
    # the article's byline answers it, whatever came before; short and pointing back as they are
    assert not is_follow_up(question)
    monkeypatch.setattr("ingest.furniture._ASKS_AUTHOR", re.compile("(?!)"))  # never asks for the author
    assert is_follow_up(question)


@pytest.mark.parametrize("question", ["那RESAS呢？", "IoT呢？", "它的全名是什麼？", "Who runs it?"])
def test_pointing_back_still_makes_a_follow_up_with_a_name_in_it(question):
    assert is_follow_up(question)


def test_a_filler_pointer_in_a_question_naming_its_country_points_nowhere(monkeypatch):
    filler = "欸日本那個地方創升法到底是哪一年通過的啊"  # 那個: "um", not "that one"; seen in the browser
    assert not is_follow_up(filler)
    assert is_follow_up("那日本咧？他們除了訂法、設部會以外還有幹嘛？")  # opens by pointing back
    assert is_follow_up("那個計畫花了多少錢？")  # names no country
    monkeypatch.setattr("chat.followup.NAMING_TERMS", 99)
    assert is_follow_up(filler)


@pytest.mark.parametrize("question", ["最終想打造什麼樣的社會？", "目的是要打造什麼社會？", "目標是要達成什麼效果？"])
def test_opening_with_the_purpose_or_the_end_of_something_unnamed_is_a_follow_up(question):
    assert is_follow_up(question)  # 11, 10 and 10 characters: too long for the short-question rule
    assert resolve(question, "日本為了解決哪些問題而推動地方創生？").searched != question


def test_follow_up_carries_previous_terms_as_written_and_replaces_the_year():
    query = resolve("那2021年呢？", PREVIOUS)
    assert query.follow_up and query.searched.endswith("那2021年呢？")
    assert "臨時補助金" in query.searched  # Traditional, as the user wrote it
    assert "2020" not in query.searched  # the follow-up's year replaces the previous one


def test_a_country_or_body_in_the_follow_up_replaces_the_one_asked_before():
    query = resolve("那日本呢？", "韓國的地方消滅對策有哪些？")
    assert query.follow_up and "韓國" not in query.searched and "地方消滅對策" in query.searched
    assert "韓國" in resolve("有哪些做法？", "韓國的地方消滅對策有哪些？").searched  # nothing replaces it


def test_carried_terms_are_few_and_skip_what_the_follow_up_names():
    carried = carried_terms("日本總務省的ICT成長戰略從哪一年開始召開？", "總務省想打造什麼樣的社會？")
    assert len(carried) <= 2 and not any("總務省" == c for c in carried)


@pytest.mark.parametrize(
    ("previous", "carried"),
    [
        ("行政手續線上化可以運用哪些相關政策？", "行政手續線上化"),  # jieba: 線 / 上化
        ("地方公部門檢視需不需要利用IT資源的方針有幾項？", "地方公部門檢視需不需要利用IT資源"),  # 公 / 部門
        ("地域未來構想一的主題是什麼？", "地域未來構想一"),  # which 構想 is the point
    ],
)
def test_carried_terms_are_whole_words(previous, carried):
    assert carried_terms(previous, "還有呢？")[0] == carried


def test_english_function_words_are_not_carried():
    assert carried_terms("Why does RESAS keep its data open?", "那張圖的來源是哪個單位？") == [
        "RESAS",
        "keep",
        "data",
        "open",
    ]
    assert carried_terms("Who runs it and when did its meetings start?", "還有呢？") == ["runs", "meetings", "start"]


def test_a_carried_term_inside_another_is_not_carried_twice():
    assert carried_terms("抗疫四階段的第一個階段是什麼？", "第二個呢？") == ["抗疫四階段"]


def test_whole_words_take_no_stopword_and_merge_where_they_meet():
    from chat.followup import whole_word_spans

    text = "線上化的政策"
    assert whole_word_spans(text, [(1, 3)]) == [(0, 3)]  # 線 joins 上化; 的 stays out
    assert whole_word_spans(text, [(1, 3), (4, 6)]) == [(0, 3), (4, 6)]
    assert whole_word_spans("", []) == []


def test_first_question_or_full_question_is_searched_as_is():
    assert resolve("那2021年呢？", None).searched == "那2021年呢？"
    full = "處方箋和藥劑可以運用哪些方式配送到偏遠地區？"
    assert resolve(full, PREVIOUS) == resolve(full, None)


def test_hostile_previous_question_is_bounded():
    query = resolve("那呢？", "地方創生" * 100_000)
    assert len(query.searched) < 400


ARTICLE = """地域未來構想20

由於疫情肆虐，地方創生臨時補助金的預算在2020年達3兆日圓、2021年為1.5兆日圓。

處方箋和藥劑可以運用藥局物流、無人機等方式配送到偏遠地區。
"""


@pytest.fixture
def setup(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "b.txt").write_text(ARTICLE, encoding="utf-8")
    (corpus / "c.txt").write_text("夕張市\n\n北海道夕張市的雪融發電計畫預計每年發電4200萬度。\n", encoding="utf-8")
    config = Config.load(corpus_dir=corpus, index_dir=tmp_path / "index")
    engine = Engine.with_encoder(config, FakeEncoder(), say=lambda _m: None)
    engine.rebuild()
    return engine


def cli(engine, *args):
    return main([*args, "--corpus", str(engine.config.corpus_dir), "--index", str(engine.config.index_dir)])


@pytest.fixture
def fake_cli(monkeypatch, setup):
    """The CLI with the fake encoder (no model load)."""
    monkeypatch.setattr(
        "chat.cli._engine",
        lambda args: Engine.with_encoder(
            Config.load(
                corpus_dir=getattr(args, "corpus", None),
                index_dir=getattr(args, "index", None),
                feedback=getattr(args, "feedback", None),
            ),
            FakeEncoder(),
            say=lambda _m: None,
        ),
    )
    return setup


def test_service_ask_with_previous_searches_the_combined_text(setup):
    answer = setup.answer("2021年的呢？", previous="地方創生臨時補助金的預算在2020年有多少？")
    assert answer.question.startswith("地方創生臨時補助金") and answer.found


def test_cli_ask_previous_prints_what_was_searched(fake_cli, capsys):
    assert cli(fake_cli, "ask", "2021年的呢？", "--previous", "地方創生臨時補助金的預算在2020年有多少？", "--json") == 0
    out = json.loads(capsys.readouterr().out)
    assert out["question"] == "2021年的呢？" and out["searched"].startswith("地方創生臨時補助金")
    assert cli(fake_cli, "ask", "2021年的呢？", "--previous", "地方創生臨時補助金的預算在2020年有多少？") == 0
    assert capsys.readouterr().out.startswith("搜尋：地方創生臨時補助金")


def test_feedback_is_recorded_and_listed_as_json(fake_cli, capsys):
    fake_cli.record_feedback("問題一", ["b:1", "b:2"], "down")
    fake_cli.record_feedback("問題二", [], "up")
    assert cli(fake_cli, "feedback", "--json") == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(e["question"], e["vote"], e["passages"]) for e in lines] == [
        ("問題一", "down", ["b:1", "b:2"]),
        ("問題二", "up", []),
    ]
    assert all("T" in e["time"] for e in lines)
    assert fake_cli.config.feedback_file == fake_cli.config.index_dir.parent / "feedback.jsonl"


Q_GRANT = "地方創生臨時補助金的預算在2021年是多少？"
Q_DELIVERY = "處方箋和藥劑可以運用哪些方式配送到偏遠地區？"


def _shown(engine, question):
    """An answer to ``question`` shown (its id, the passage ids it cites, the answer)."""
    from chat.render import cited_order

    answer = engine.answer(question)
    cited = [hit.passage.id for hit in cited_order(answer)]
    assert cited, question  # the fixture answers it, citing a passage
    return engine.show(question, answer), cited, answer


def test_a_vote_on_an_answer_replaces_its_earlier_vote_through_the_engine(setup):
    from ingest.errors import SouseiError

    a1, cited1, _ = _shown(setup, Q_GRANT)
    a2, cited2, _ = _shown(setup, Q_DELIVERY)
    setup.record_feedback(Q_GRANT, cited1, "up", answer=a1)
    setup.record_feedback(Q_DELIVERY, cited2, "up", answer=a2)
    setup.record_feedback(Q_GRANT, cited1, "down", answer=a1)  # changed: replaces, not appended
    assert [(e["question"], e["vote"], e["answer"]) for e in setup.feedback()] == [
        (Q_DELIVERY, "up", vote_key(a2)),
        (Q_GRANT, "down", vote_key(a1)),
    ]
    assert setup.record_feedback(vote=None, answer=a2) is None  # taken back
    assert [(e["question"], e["passages"]) for e in setup.feedback()] == [(Q_GRANT, cited1)]
    with pytest.raises(SouseiError):  # a vote without an answer cannot be taken back
        setup.record_feedback("問題一", [], None)
    assert len(setup.feedback()) == 1


def test_a_vote_records_what_the_answer_showed_not_what_the_client_sends(setup):
    """A client named a real answer's id with another question and passage ids it was never shown: the vote
    records the question asked and the passages the answer cited."""
    answer_id, cited, _ = _shown(setup, Q_GRANT)
    other = [h.passage.id for h in setup.answer(Q_DELIVERY).hits if h.passage.id not in cited]
    stored = setup.record_feedback("從沒問過的問題", [*other, "forged:1"], "down", answer=answer_id)
    entries = setup.feedback()
    assert stored is not None and entries == [stored]
    assert (entries[0]["question"], entries[0]["passages"], entries[0]["answer"]) == (
        Q_GRANT,
        cited,
        vote_key(answer_id),
    )


def test_a_vote_on_an_answer_never_shown_is_refused_and_nothing_is_written(setup, tmp_path):
    """An id this server's key did not seal (forged, altered, or sealed by a server with another key): refused
    in Chinese, telling to ask again; the feedback file stays byte for byte as it was, missing or not."""
    from ingest.errors import SouseiError

    path = setup.config.feedback_file
    for vote in ("up", "down", None):
        with pytest.raises(SouseiError, match="請重新提問"):
            setup.record_feedback(Q_GRANT, ["b:1"], vote, answer="0" * 32)
    assert not path.exists()
    answer_id, cited, _ = _shown(setup, Q_GRANT)
    other, _, _ = _shown(setup, Q_DELIVERY)
    setup.record_feedback(vote="up", answer=answer_id)
    before = path.read_bytes()
    nonce, body, mac = answer_id.split(".")
    forgeries = [
        "0" * 32,
        answer_id[::-1],
        answer_id + "0",
        "",
        "h" + "0" * 31,
        f"{nonce}.{other.split('.')[1]}.{mac}",  # another answer's question and passages under this one's seal
        f"{other.split('.')[0]}.{body}.{mac}",  # another answer's key (taking its vote back)
        f"{nonce}.{body}.{mac}." + "x" * 10,
        f"{nonce}.{body}{'A' * 9000}.{mac}",
        f"{nonce}.{body}€.{mac}",  # not base64: the MAC is over the characters as sent
        f"{nonce}.{body}.{mac[:-1]}é",
    ]
    for forged in forgeries:
        for vote in ("down", None):  # nor can another's vote be changed or taken back
            with pytest.raises(SouseiError, match="請重新提問"):
                setup.record_feedback(Q_GRANT, cited, vote, answer=forged)
    other_key = replace(setup.config, index_dir=tmp_path / "elsewhere" / "index", feedback=str(path))
    elsewhere = Engine.with_encoder(other_key, FakeEncoder(), say=lambda _m: None)
    with pytest.raises(SouseiError, match="請重新提問"):
        elsewhere.record_feedback(vote="down", answer=answer_id)
    assert path.read_bytes() == before
    assert [(e["answer"], e["vote"]) for e in setup.feedback()] == [(vote_key(answer_id), "up")]


def test_an_answer_shown_before_a_restart_can_still_be_voted_on(setup):
    """The chat kept in a browser survives a restart (chat.secret): its answers' ids are sealed with the same
    key, so the next server records a vote on them, with what the first one showed."""
    answer_id, cited, _ = _shown(setup, Q_GRANT)
    setup.record_feedback(vote="up", answer=answer_id)
    restarted = Engine.with_encoder(setup.config, FakeEncoder(), say=lambda _m: None)  # the same files
    restarted.record_feedback("改過的問題", ["forged:1"], "down", answer=answer_id)
    assert [(e["answer"], e["question"], e["passages"], e["vote"]) for e in restarted.feedback()] == [
        (vote_key(answer_id), Q_GRANT, cited, "down")
    ]


def test_a_sealed_answer_keeps_what_was_shown_within_bounds():
    """The seal holds the question (at most 500 characters) and at most 20 passage ids; its id stays within
    MAX_SEALED and opens to exactly that. Each answer gets its own key, from any number of threads."""
    from concurrent.futures import ThreadPoolExecutor

    from chat.feedback import MAX_SEALED, AnswerSeal, ShownAnswer

    seal = AnswerSeal.from_secret("ab" * 32)
    sealed = seal.seal("問" * 10_000, [f"{'x' * 300}:{j}" for j in range(100)])
    assert len(sealed) <= MAX_SEALED
    opened = seal.open(sealed)
    assert opened is not None
    key, shown = opened
    assert re.fullmatch(r"[0-9a-f]{32}", key) and key == vote_key(sealed)
    assert shown.question == "問" * 500 and len(shown.passages) == 20 and all(len(p) == 200 for p in shown.passages)
    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(lambda i: seal.seal(f"問題{i}", [f"a:{i}"]), range(2000)))
    assert len({vote_key(i) for i in ids}) == 2000
    assert all(seal.open(i) == (vote_key(i), ShownAnswer(f"問題{n}", (f"a:{n}",))) for n, i in enumerate(ids[:50]))
    assert AnswerSeal.from_secret("cd" * 32).open(ids[0]) is None  # another server's key
    assert AnswerSeal.from_secret(None).open(ids[0]) is None  # a key of this process only


def test_any_number_of_answers_shown_keeps_the_first_votable(setup):
    """Nothing is kept per answer shown: one user asking thousands of questions pushes no other's answer
    out (the registry this replaced forgot the least recently used after 4096)."""
    answer = setup.answer(Q_GRANT)
    first = setup.show(Q_GRANT, answer)
    for _ in range(5000):
        setup.show(Q_GRANT, answer)
    assert setup.record_feedback(vote="up", answer=first) is not None
    assert [e["answer"] for e in setup.feedback()] == [vote_key(first)]


def test_bad_vote_is_refused_and_not_written(setup):
    from ingest.errors import SouseiError

    with pytest.raises(SouseiError):
        setup.record_feedback("q", [], "maybe")
    assert setup.feedback() == []


def test_remove_moves_to_trash_and_restore_brings_it_back(fake_cli, capsys):
    corpus = fake_cli.config.corpus_dir
    (corpus / "c.txt.meta.json").write_text('{"title": "夕張"}', encoding="utf-8")
    assert cli(fake_cli, "remove", "c") == 0
    assert not (corpus / "c.txt").exists() and (corpus / ".trash" / "c.txt").exists()
    assert (corpus / ".trash" / "c.txt.meta.json").exists()
    assert cli(fake_cli, "articles", "--json") == 0
    assert "夕張" not in capsys.readouterr().out
    assert cli(fake_cli, "restore", "c") == 0
    assert (corpus / "c.txt").exists() and (corpus / "c.txt.meta.json").exists()
    assert not (corpus / ".trash" / "c.txt").exists()
    capsys.readouterr()
    assert cli(fake_cli, "articles", "--json") == 0
    assert "夕張" in capsys.readouterr().out


def test_restore_refuses_unknown_ids_and_existing_articles(fake_cli, capsys):
    corpus = fake_cli.config.corpus_dir
    assert cli(fake_cli, "restore", "nope") == 1
    assert "沒有代號為 'nope' 的已移除文章" in capsys.readouterr().err
    assert cli(fake_cli, "remove", "c") == 0
    (corpus / "c.txt").write_text("新的夕張\n\n內容。\n", encoding="utf-8")
    assert cli(fake_cli, "restore", "c") == 1
    assert "已有代號為 'c' 的文章" in capsys.readouterr().err
    assert (corpus / "c.txt").read_text(encoding="utf-8").startswith("新的夕張")
    assert (corpus / ".trash" / "c.txt").exists()


def test_followup_eval_script_scores_dialogues(setup, tmp_path):
    """bench.followup_eval on two dialogues (fake encoder): the split filter and the counting."""
    from bench.followup_eval import run

    dialogues = tmp_path / "d.jsonl"
    rows = [
        {
            "id": "t1",
            "split": "test",
            "turns": [
                {"q": "地方創生臨時補助金的預算在2020年有多少？", "gold": ["3兆日圓"]},
                {"q": "2021年的呢？", "gold": ["3兆日圓"]},
            ],
        },
        {
            "id": "t2",
            "split": "train",
            "turns": [{"q": "夕張市發電多少？", "gold": ["不存在的句子"]}, {"q": "那呢？", "gold": ["不存在的句子"]}],
        },
    ]
    dialogues.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    result = run(dialogues, "test", setup)
    assert result["dialogues"] == 1 and result["follow_up_first_quote"] == 1.0
    assert run(dialogues, "train", setup)["follow_up_first_quote"] == 0.0


def test_dialogue_data_has_train_and_test_splits():
    from chat.config import PROJECT_ROOT

    rows = read_jsonl(PROJECT_ROOT / "tests" / "data" / "dialogues.jsonl")
    assert len(rows) >= 30 and all(len(r["turns"]) == 2 and r["turns"][1]["gold"] for r in rows)
    train = {r["id"] for r in rows if r["split"] == "train"}
    assert {i for i in train if i.startswith("w3d-")} == {f"w3d-{i}" for i in range(1, 19)}
    assert len(train) >= 60 and len(rows) - len(train) >= 60


# --------------------------------------------------------------------------- the previous answer's passages


def _passage(pid: str, doc: str, paragraph: int, context: str = "", text: str = "內容。") -> Passage:
    return Passage(pid, doc, "標題", paragraph, None, 0, len(text), text, context=context)


ANY_PASSAGE = _passage("p", "d", 1)


def test_nearness_prefers_the_same_passage_then_its_section_then_neighbours():
    anchor = _passage("a", "d1", 10, "一 › 1.")
    same_section = _passage("b", "d1", 20, "一 › 1.")
    neighbour = _passage("c", "d1", 12, "二")
    far = _passage("d", "d1", 30, "三")
    other_doc = _passage("e", "d2", 10, "一 › 1.")
    values = [nearness(p, anchor) for p in (anchor, same_section, neighbour, far, other_doc)]
    assert values[0] == 1.0 and values[1] > values[2] > values[3] == 0.0 and values[4] == 0.0
    assert nearness(_passage("f", "d1", 11, "一"), anchor) > 0.6  # a parent heading is the same section


class _Fixed:
    """A searcher that returns the same ranked hits whatever is asked, recording the query."""

    @property
    def fingerprint(self) -> str:
        return "fixed"

    def __init__(self, passages):
        self.hits = [Hit(p, 1.0 - 0.1 * i, i + 1) for i, p in enumerate(passages)]
        self.queries: list[str] = []

    def search(self, query: str, top_k: int = 5) -> list[Hit]:
        self.queries.append(query)
        return self.hits[:top_k]

    def query_vector(self, query):  # not used by NearPrevious.search
        raise AssertionError("not expected")

    def sentence_vectors(self, passage_id):
        raise AssertionError("not expected")

    def stats(self):
        raise AssertionError("not expected")

    def expansion_tokens(self, text):
        raise AssertionError("not expected")

    def series_asked(self, text, doc_ids):
        raise AssertionError("not expected")

    def topic_similarity(self, query_vector, center):
        raise AssertionError("not expected")

    def asked_closeness(self, query, doc_ids):
        raise AssertionError("not expected")


def test_near_previous_reranks_toward_the_anchor_and_searches_the_passage_text():
    far, near_one, anchor = _passage("x", "d2", 1), _passage("y", "d1", 3), _passage("z", "d1", 2)
    base = _Fixed([far, near_one])
    near = NearPrevious(base, (anchor,), passage_query="搜尋的文字")
    hits = near.search("問題本身", top_k=2)
    assert [h.passage.id for h in hits] == ["y", "x"] and [h.rank for h in hits] == [1, 2]
    assert hits[0].score > hits[1].score and base.queries == ["搜尋的文字"]
    assert [h.passage.id for h in NearPrevious(base, ()).search("q", top_k=2)] == ["x", "y"]  # no anchors: as is


def test_neighbours_are_the_next_paragraphs_of_an_anchor_in_its_section():
    anchor = _passage("a", "d1", 10, "一")
    passages = [
        anchor,
        _passage("before", "d1", 9, "一"),
        _passage("next", "d1", 11, "一"),
        _passage("two_on", "d1", 12, "一"),
        _passage("other_section", "d1", 11, "二"),
        _passage("other_doc", "d2", 11, "一"),
    ]
    assert [p.id for p in neighbours_of(passages, (anchor,), 1)] == ["next"]
    assert [p.id for p in neighbours_of(passages, (anchor,), 2)] == ["next", "two_on"]
    assert neighbours_of(passages, (), 1) == ()


def test_a_neighbour_the_search_missed_or_ranked_low_is_ranked_level_with_its_anchor():
    anchor, low, filler = _passage("a", "d1", 2, "一"), _passage("n", "d1", 3, "一"), _passage("f", "d3", 1)
    missed = _passage("m", "d1", 3, "一")
    base = _Fixed([anchor, filler, low])  # scores 1.0, 0.9, 0.8
    plain = NearPrevious(base, (anchor,)).search("q", top_k=3)
    assert [h.passage.id for h in plain][:2] == ["a", "n"] and plain[1].score < plain[0].score
    lifted = NearPrevious(base, (anchor,), neighbours=(low,)).search("q", top_k=3)
    assert [h.passage.id for h in lifted][:2] == ["a", "n"] and lifted[1].score == pytest.approx(lifted[0].score)
    joined = NearPrevious(_Fixed([anchor, filler]), (anchor,), neighbours=(missed,)).search("q", top_k=3)
    assert [h.passage.id for h in joined] == ["a", "m", "f"]
    alone = NearPrevious(_Fixed([filler]), (anchor,), neighbours=(missed,)).search("q", top_k=3)
    assert [h.passage.id for h in alone] == ["m", "f"]  # its anchor missed too: at the pool's lowest + nearness


@pytest.mark.parametrize(
    "question",
    ["這個數據出自哪項調查？", "它用什麼方式呈現資料？", "Is there a web link for it?", "其中醫療那塊分成哪兩類？"],
)
def test_questions_that_point_back_are_follow_ups_even_with_their_own_terms(question):
    assert is_follow_up(question)


def test_previous_as_a_question_is_answered_again_for_its_passages(setup):
    first = "地方創生臨時補助金的預算在2020年有多少？"
    answer = setup.answer(first)
    assert answer.found and Previous.of(first, answer).passage_ids == cited_ids(answer) != ()
    by_question = setup.answer("2021年的呢？", previous=first)
    assert by_question == setup.answer("2021年的呢？", previous=Previous.of(first, answer))
    assert by_question.found and by_question.question.startswith("地方創生臨時補助金")


def test_a_question_with_its_own_subject_ignores_the_previous_turn(setup):
    full = "北海道夕張市的雪融發電計畫預計每年發電多少？"
    previous = Previous("地方創生臨時補助金的預算在2020年有多少？", ("no-such-id",))
    assert setup.answer(full, previous=previous) == setup.answer(full)


def test_hostile_previous_turn_is_bounded_and_unknown_passages_are_skipped(setup):
    answer = setup.answer("那呢？", previous=Previous("地方創生" * 100_000, tuple(f"bogus-{i}" for i in range(10_000))))
    assert len(answer.question) < 700
    assert anchors_of(setup.index().passages, ["bogus", "also-bogus"]) == ()


def test_ui_passes_the_previous_question_and_its_cited_passages(setup):
    from chat.render import render_chat_answer
    from chat.ui import previous_turn

    first = "地方創生臨時補助金的預算在2020年有多少？"
    answer = setup.answer(first)
    history = [
        {"role": "user", "content": first},
        {"role": "assistant", "content": render_chat_answer(answer, first)},
        {"role": "user", "content": "2021年的呢？"},
    ]
    assert answer.found and answer.quotes
    assert previous_turn(history) == Previous.of(first, answer)
    assert previous_turn(history).quotes == tuple(q.text for q in answer.quotes)  # the quoted sentences too
    assert previous_turn([]) is None and previous_turn([{"role": "assistant", "content": "沒有標記"}]) is None
    # a question about the chatbot in between is passed over: the follow-up still asks about the first
    aside = "你是機器人嗎？"
    history[2:] = [
        {"role": "user", "content": aside},
        {"role": "assistant", "content": render_chat_answer(setup.answer(aside), aside)},
        {"role": "user", "content": "2021年的呢？"},
    ]
    assert previous_turn(history) == Previous.of(first, answer)
    assert previous_turn(history[2:]) is None


@pytest.mark.parametrize(
    "attribute",
    ['data-quoted="not json"', 'data-quoted="{&quot;a&quot;: 1}"', 'data-quoted="[1, 2]"', ""],
)
def test_quoted_sentences_sent_back_malformed_are_ignored(attribute):
    from chat.ui import previous_turn

    message = f'<div data-question="問題" data-cited="p1 p2" {attribute}></div>'
    assert previous_turn([{"role": "assistant", "content": message}]) == Previous("問題", ("p1", "p2"), ())


def test_quoted_sentences_sent_back_are_bounded():
    from chat.ui import MAX_QUOTE_CHARS, MAX_QUOTES_KEPT, previous_turn

    many = json.dumps(["長" * 10_000] * 50).replace('"', "&quot;")
    turn = previous_turn([{"role": "assistant", "content": f'<div data-question="問" data-quoted="{many}"></div>'}])
    assert turn is not None and len(turn.quotes) == MAX_QUOTES_KEPT
    assert all(len(q) == MAX_QUOTE_CHARS for q in turn.quotes)


# --------------------------------------------------------------------------- rules of issue 11's third pass


@pytest.mark.parametrize("question", ["RESAS", "臨時補助金", "分散型電源", "JPQR"])
def test_a_bare_keyword_is_a_search_not_a_follow_up(question):
    assert not is_follow_up(question)
    assert resolve(question, PREVIOUS).searched == question


@pytest.mark.parametrize("question", ["RESAS呢？", "臨時補助金是什麼"])
def test_the_same_keyword_asked_is_still_a_follow_up(question):
    assert is_follow_up(question)


@pytest.mark.parametrize("question", ["那業者收集的資料拿來做什麼？", "還有哪些部會提供補助經費？"])
def test_a_question_opening_by_pointing_back_is_a_follow_up_with_up_to_four_terms(question):
    assert is_follow_up(question)


def test_a_question_opening_by_pointing_back_with_its_own_long_subject_is_not():
    assert not is_follow_up("那縣市政府收集的數據後來拿來做什麼用途？")  # five terms of its own


def test_pointing_words_do_not_make_a_question_with_many_own_terms_a_follow_up():
    assert not is_follow_up("補助款斷掉之後，那些方案要靠什麼延續下去？")  # six own terms besides 那些


def test_carried_terms_are_the_rarest_in_the_articles(monkeypatch):
    import chat.followup
    from index.stats import CorpusStats

    previous = "日本總務省的ICT成長戰略從哪一年開始召開？"
    df = {"日本": 90, "总务省": 95, "ict": 30, "成长": 50, "战略": 2, "一年": 70, "开始": 80, "召开": 5}
    stats = CorpusStats(df=df, n_docs=100)
    # pieces as written (adjacent terms stay together); 哪一年 is the question's frame, not a term
    pieces = ["日本總務省", "ICT成長戰略", "開始召開"]
    assert chat.followup.MAX_CARRIED >= 3 and carried_terms(previous, "它想打造什麼樣的社會？", stats) == pieces
    monkeypatch.setattr(chat.followup, "MAX_CARRIED", 2)
    # at most MAX_CARRIED: those with the rarest term, in the question's order
    assert carried_terms(previous, "它想打造什麼樣的社會？", stats) == ["ICT成長戰略", "開始召開"]
    assert carried_terms(previous, "它想打造什麼樣的社會？") == ["日本總務省", "ICT成長戰略"]  # no stats: the first


def test_fuse_adds_the_weighted_second_search_and_lets_its_passages_in():
    from chat.followup import fuse

    a, b, c = _passage("a", "d1", 1), _passage("b", "d1", 2), _passage("c", "d1", 3)
    fused = fuse([Hit(a, 1.0, 1), Hit(b, 0.9, 2)], [Hit(c, 1.0, 1), Hit(b, 0.5, 2)], 0.3)
    assert [(h.passage.id, round(h.score, 2), h.rank) for h in fused] == [("b", 1.05, 1), ("a", 1.0, 2), ("c", 0.3, 3)]


def test_near_previous_also_searches_the_follow_up_alone():
    far, near_one = _passage("x", "d2", 1), _passage("y", "d1", 3)
    base = _Fixed([far, near_one])
    hits = NearPrevious(base, (), passage_query="搜尋的文字", alone="問題本身").search("問題本身", top_k=2)
    assert base.queries == ["搜尋的文字", "問題本身"] and [h.passage.id for h in hits] == ["x", "y"]
    NearPrevious(base, (), passage_query="同一句", alone="同一句").search("同一句", top_k=2)
    assert base.queries[2:] == ["同一句"]  # the same text is searched once


def test_near_previous_searches_its_passages_once_for_both_analyses_of_a_follow_up():
    base = _Fixed([_passage("x", "d2", 1), _passage("y", "d1", 3)])
    near = NearPrevious(base, (), passage_query="搜尋的文字", alone="問題本身")
    first = near.search("搜尋的文字", top_k=2)  # the decision, on the combined text
    assert near.search("問題本身", top_k=2) == first  # the sentences, on the follow-up's own words
    assert base.queries == ["搜尋的文字", "問題本身"]
    near.search("問題本身", top_k=1)
    assert base.queries[2:] == ["搜尋的文字", "問題本身"]  # another depth is searched again
    plain = NearPrevious(base, ())
    plain.search("甲", top_k=2)
    plain.search("乙", top_k=2)
    assert base.queries[4:] == ["甲", "乙"]  # without a passage text, each question is its own search


@pytest.mark.parametrize("question", ["為什麼？", "为啥要这样改", "停辦的話會怎樣？", "Why?"])
def test_a_follow_up_asking_why_favours_sentences_that_give_a_reason(question):
    from chat.answer import Sentence
    from chat.followup import REASON_BONUS, by_kind

    adjust = by_kind(question)
    assert adjust is not None
    assert adjust(Sentence("因為疫情導致外國勞動者被限制入境。", 0, 0), ANY_PASSAGE) == REASON_BONUS > 0
    assert adjust(Sentence("區域別：北海道、東北、關東。", 0, 1), ANY_PASSAGE) == 0.0


@pytest.mark.parametrize("question", ["還有哪些？", "那供應商咧？要幹嘛", "它的全名是什麼？"])
def test_other_follow_ups_rank_sentences_as_fitted(question):
    from chat.followup import by_kind

    assert by_kind(question) is None


def test_an_adjustment_reorders_the_quotes_and_none_changes_nothing(setup):
    from chat.answer import analyse_question

    searcher, decision = setup.index(), setup.decision()
    plain = analyse_question("地方創生臨時補助金的預算", searcher, 5, decision)
    assert analyse_question("地方創生臨時補助金的預算", searcher, 5, decision, None) == plain
    last = plain.scored[-1].sentence
    assert plain.scored[0].sentence != last
    lifted = analyse_question("地方創生臨時補助金的預算", searcher, 5, decision, lambda s, _p: 100.0 * (s == last))
    assert lifted.scored[0].sentence == last and lifted.answer.quotes[0].text == last.text


@pytest.mark.parametrize(
    ("question", "label"),
    [
        ("區域別呢？", "区域别"),
        ("那條件不利區域別呢？", "条件不利区域别"),
        ("物品呢？", "物品"),
        ("還有呢？", None),
        ("那呢？", None),
    ],
)
def test_the_label_a_follow_up_names(question, label):
    from chat.followup import named_label

    assert named_label(question) == label


def test_a_follow_up_naming_a_label_favours_the_sentence_labelled_so():
    from chat.answer import Sentence
    from chat.followup import LABEL_BONUS, by_kind

    adjust = by_kind("區域別呢？")
    assert adjust is not None
    assert adjust(Sentence("區域別：北海道、東北、關東", 0, 0), ANY_PASSAGE) == LABEL_BONUS > 0
    assert adjust(Sentence("3. 區域別：北海道、東北", 0, 1), ANY_PASSAGE) == LABEL_BONUS  # a numbered entry
    # another label ending the same way; named, but not as a label
    assert adjust(Sentence("條件不利區域別：過疏、偏遠地區、離島", 0, 2), ANY_PASSAGE) == 0.0
    assert adjust(Sentence("各區域別有不同的案例。", 0, 3), ANY_PASSAGE) == 0.0
    assert adjust(Sentence("區域別的分類依據是地理。", 0, 4), ANY_PASSAGE) == LABEL_BONUS  # opening with it
    traffic = by_kind("那交通呢？")  # opening with it after 在, 至於, 關於…
    assert traffic is not None
    assert traffic(Sentence("在交通、觀光、支付和物流方面,主要以小型自駕巴士接送", 0, 5), ANY_PASSAGE) == LABEL_BONUS
    assert traffic(Sentence("至於交通,可運用AR", 0, 6), ANY_PASSAGE) == LABEL_BONUS
    assert traffic(Sentence("智慧城市著重的面向包括醫療、交通", 0, 7), ANY_PASSAGE) == 0.0
    japan = by_kind("那日本呢？")
    assert japan is not None and japan(Sentence("日本面對地方創生國家戰略，除了…", 0, 0), ANY_PASSAGE) == LABEL_BONUS
    # the rest of the name said before: 構想三 after 地域未來構想二 is 地域未來構想三
    after = by_kind("那構想三呢？", Previous("地域未來構想二「確立新的生活型態」有哪些重點？"))
    assert after is not None
    assert after(Sentence("地域未來構想三:促進產生新的消費", 0, 0), ANY_PASSAGE) == LABEL_BONUS
    assert after(Sentence("地域未來構想二:確立新的生活型態", 0, 0), ANY_PASSAGE) == 0.0


# --------------------------------------------------------------------------- what a follow-up asks


def test_a_follow_up_asking_for_an_item_favours_the_sentence_opening_it_in_the_previous_answers_article():
    from chat.answer import Sentence
    from chat.followup import ORDINAL_BONUS, ORDINAL_FAR, by_kind

    anchor = _passage("a", "d", 5)
    previous = Previous("抗疫四階段的第一個階段是什麼？", ("a",), ("第一個是守護地方命脈;",))
    adjust = by_kind("第二個呢？", previous, (anchor,))
    assert adjust is not None
    second = Sentence("接著是維持雇用和事業;", 0, 1)
    assert adjust(second, anchor) == ORDINAL_BONUS > 0  # the previous answer's own passage
    next_paragraph = adjust(second, _passage("b", "d", 6))
    heading = Sentence("地域未來構想二:確立新的生活型態", 0, 0)
    far_on = adjust(heading, _passage("f", "d", 40, context="地域未來構想二"))  # sections further on
    assert ORDINAL_BONUS > next_paragraph > far_on == ORDINAL_BONUS * ORDINAL_FAR > 0
    assert adjust(second, _passage("c", "other", 6)) == 0.0  # another article's list
    assert adjust(Sentence("再來才是恢復經濟活動;", 0, 2), anchor) == ORDINAL_BONUS  # 再來 may be second
    assert adjust(Sentence("最後一個階段是要建構一個強韌的經濟結構。", 0, 3), anchor) == 0.0
    last = by_kind("那最後一個呢？", previous, (anchor,))
    assert last is not None and last(Sentence("以及,最後一個階段是要建構一個強韌的經濟結構。", 0, 3), anchor) > 0


def test_an_item_under_the_group_the_conversation_names_is_favoured_and_no_other_opening_that_place():
    from chat.answer import Sentence
    from chat.followup import ORDINAL_BONUS, by_kind

    heading = _passage("h", "d", 47, text="地域未來構想三:促進產生新的消費")
    previous = Previous("地域未來構想三包括哪些？", ("h",), ("地域未來構想三:促進產生新的消費",))
    item = "16.透過地域商社,強化在地經濟力:"
    adjust = by_kind("第二項呢？", previous, (heading,), items=(item,))
    assert adjust is not None
    assert adjust(Sentence(f"{item}\n\n這樣的社會設計者角色…", 1, 0), _passage("i", "d", 52)) == ORDINAL_BONUS
    for other in ("地域未來構想二:確立新的生活型態", "2.整備發燒篩檢站網絡的軟硬體投資:", "其次是物流。"):
        assert adjust(Sentence(other, 0, 0), heading) == 0.0
    plain = by_kind("第二項呢？", previous, (heading,))  # no group named: any sentence opening 2
    assert plain is not None and plain(Sentence("地域未來構想二:確立新的生活型態", 0, 0), heading) > 0


def test_near_previous_ranks_its_firsts_first_with_their_scores():
    anchor, other, item = _passage("a", "d1", 2), _passage("o", "d3", 1), _passage("i", "d1", 9)
    hits = NearPrevious(_Fixed([anchor, other, item]), (anchor,), firsts=(item,)).search("q", top_k=3)
    assert [h.passage.id for h in hits] == ["i", "a", "o"] and [h.rank for h in hits] == [1, 2, 3]
    assert hits[0].score < hits[1].score  # moved, not rescored
    missed = NearPrevious(_Fixed([anchor, other]), (anchor,), firsts=(item,)).search("q", top_k=2)
    assert [h.passage.id for h in missed] == ["i", "a"]  # the pool missed it: it joins, first


def test_an_item_is_read_in_its_passage_sequence_third_after_second():
    from chat.answer import Sentence, quote_units
    from chat.followup import ORDINAL_BONUS, ORDINAL_OTHER, by_kind

    text = (
        "政府的施政有四個階段,第一個是守護地方命脈;接著是維持雇用和事業;再來才是恢復經濟活動;以及,最後一個是建構結構。"
    )
    passage = _passage("a", "d", 5, text=text)
    units = [Sentence(text[u.start : u.end], 0, i) for i, u in enumerate(quote_units(text))]
    previous = Previous("抗疫四階段是什麼？", ("a",), (units[0].text,))
    second, third = by_kind("第二個呢？", previous, (passage,)), by_kind("第三個呢？", previous, (passage,))
    assert second is not None and third is not None
    # 再來 follows 接著; the other items give way to the asked one (最後一個階段 names the 階段 asked)
    other = -ORDINAL_BONUS * ORDINAL_OTHER
    assert [second(u, passage) for u in units] == [other, ORDINAL_BONUS, other, other]
    assert [third(u, passage) for u in units] == [other, other, ORDINAL_BONUS, other]
    # a passage without the asked item: nothing is taken from its items (最後 may be the second of two)
    two = _passage("b", "d", 5, text="第一個是守護地方命脈;最後是建構結構。")
    firsts = [Sentence(u, 0, i) for i, u in enumerate(("第一個是守護地方命脈;", "最後是建構結構。"))]
    assert [third(u, two) for u in firsts] == [0.0, 0.0]


def test_a_follow_up_asking_for_more_favours_what_follows_the_previous_quote():
    from chat.answer import Sentence
    from chat.followup import MORE_BONUS, NEXT_PARAGRAPHS, by_kind

    text = "自治體首先要協助改善的,是受災者支援制度。像是活用APP數據收集避難資料。"
    anchor = _passage("a", "d", 5, text=text)
    previous = Previous("自治體首先要協助改善什麼制度？", ("a",), ("自治體首先要協助改善的,是受災者支援制度。",))
    adjust = by_kind("具體有哪些做法？", previous, (anchor,))
    assert adjust is not None
    assert adjust(Sentence("像是活用APP數據收集避難資料。", 0, 1), anchor) == MORE_BONUS > 0
    assert adjust(Sentence("自治體首先要協助改善的,是受災者支援制度。", 0, 0), anchor) == 0.0  # the quote itself
    longer = Passage("a", "d", "標題", 5, None, 0, 0, text + "再來是建構新的避難生活。")
    assert adjust(Sentence("再來是建構新的避難生活。", 0, 2), longer) < MORE_BONUS  # a sentence further on
    later = adjust(Sentence("再來是建構新的避難生活。", 1, 0), _passage("b", "d", 6))
    farther = adjust(Sentence("更後面的段落。", 2, 0), _passage("c", "d", 5 + NEXT_PARAGRAPHS))
    assert MORE_BONUS > later > farther > 0
    assert adjust(Sentence("前面的段落。", 3, 0), _passage("e", "d", 4)) == 0.0  # before it
    assert adjust(Sentence("很遠的段落。", 4, 0), _passage("f", "d", 6 + NEXT_PARAGRAPHS)) == 0.0
    # without the previous quotes (``sousei ask --previous`` gives them; an old message may not)
    assert by_kind("具體有哪些做法？", Previous(previous.question, ("a",)), (anchor,)) is None


def test_a_decision_already_taken_is_used_instead_of_deciding_again(setup):
    from chat.abstain import Decision
    from chat.answer import analyse_question

    searcher, decision = setup.index(), setup.decision()
    own = analyse_question("那呢？", searcher, 5, decision)
    assert not own.answer.found and own.decision is not None and not own.decision.found
    taken = Decision(found=True, uncertain=False, confidence=0.9, reason="found: taken before")
    forced = analyse_question("那呢？", searcher, 5, decision, None, taken)
    assert forced.answer.found and forced.answer.quotes and forced.answer.reason == "found: taken before"
    refused = Decision(found=False, uncertain=False, confidence=0.1, reason="not found: taken before")
    plain = analyse_question("地方創生臨時補助金的預算", searcher, 5, decision)
    assert plain.answer.found
    assert not analyse_question("地方創生臨時補助金的預算", searcher, 5, decision, None, refused).answer.found


# --------------------------------------------------------------------------- the previous answer's own units

_TABLE = (
    "具體 ｜ 確保持續性 ｜ 推廣優良模式",
    "財政 ｜ 事業能在停止領補助金後持續營運。 ｜ 有必要讓財政困難的地方政府也能導入",
    "物品 ｜ 居民能夠很輕鬆地使用系統 ｜ 最一開始就要有橫向交流系統開發",
)


@pytest.mark.parametrize(
    "question",
    [
        "推廣優良模式那一欄呢？",
        "那在推廣優良模式方面呢？",
        "推廣優良模式那格咧？",
        "What about the 推廣優良模式 column?",
    ],
)
def test_naming_another_column_of_the_quoted_row_asks_for_that_rows_cell(question):
    from chat.answer import Sentence
    from chat.followup import COLUMN_BONUS, Previous, asked_cells, by_kind

    quoted = (_TABLE[2],)  # the 物品 row, quoted for its 確保持續性 cell
    assert asked_cells(question, quoted, _TABLE) == ("最一開始就要有橫向交流系統開發",)
    adjust = by_kind(question, Previous("表格中「物品」在確保持續性方面的課題是什麼？", (), quoted), (), _TABLE)
    assert adjust is not None
    assert adjust(Sentence(_TABLE[2], 0, 0), ANY_PASSAGE) == COLUMN_BONUS > 0
    assert adjust(Sentence(_TABLE[1], 0, 1), ANY_PASSAGE) == 0.0  # another row's cell of that column
    assert adjust(Sentence(_TABLE[0], 0, 2), ANY_PASSAGE) == 0.0  # the heading row names it, but is no answer


@pytest.mark.parametrize(
    ("question", "quoted"),
    [
        ("財政那列的推廣優良模式呢？", (_TABLE[2],)),  # names a row too: the label rule picks that row
        ("確保持續性呢？", ()),  # no row quoted before
        ("那財政呢？", (_TABLE[2],)),  # a row label, no column
        ("推廣優良模式那一欄呢？", ("日本總務省從2013年開始召開一系列的ICT成長戰略。",)),  # no table row quoted
    ],
)
def test_no_cell_is_asked_without_a_quoted_row_and_a_column_alone(question, quoted):
    from chat.followup import asked_cells

    assert asked_cells(question, quoted, _TABLE) == ()


def test_why_after_a_quote_opening_with_therefore_asks_for_the_sentence_before_it():
    from chat.answer import Sentence
    from chat.followup import CAUSE_BONUS, REASON_BONUS, by_kind

    reason = "也就是說各地在「受限於財政、人才以及推動體制」的不足之下，使得成效有限。"
    quote = "因此從2016年，總務省便以確保「計畫持續性」作為改進方向。"
    passage = _passage("p", "d", 8, text=reason + quote + "此外還有其他課題。")
    adjust = by_kind(
        "為什麼要這樣調整？", Previous("總務省從2016年起以哪兩大課題作為改進方向？", ("p",), (quote,)), (passage,)
    )
    assert adjust is not None
    assert adjust(Sentence(reason, 0, 0), passage) == REASON_BONUS + CAUSE_BONUS  # gives a reason, and leads to it
    assert adjust(Sentence(quote, 0, 1), passage) == 0.0  # 因此 there is what the why asks about
    assert adjust(Sentence("此外還有其他課題。", 0, 2), passage) == 0.0
    # a consequence asked ("會怎樣") keeps the quote's own reason words: the answer can be in it
    then = by_kind("停辦的話會怎樣？", Previous("哪些活動變得很困難？", ("p",), (quote,)), (passage,))
    assert then is not None and then(Sentence(quote, 0, 1), passage) == REASON_BONUS


def test_an_item_of_the_list_the_previous_answer_quoted_is_found_in_that_quote():
    from chat.answer import Sentence
    from chat.followup import ORDINAL_BONUS, by_kind, quoted_lists

    listing = "希望加速三項基本目標，分別是「活化區域產業」、「提升宜居程度」（醫療、教育），以及「提升業務的效率」。"
    elsewhere = "第二個是支援讓案子永續發展下去的支持系統。"
    assert quoted_lists((listing,), 2) == (listing,)
    assert quoted_lists(("首先是對於有意識、有意願作改變的地方，特別去導入相關資源。",), 2) == ()  # one item itself
    assert quoted_lists(("日本總務省從2013年開始召開ICT成長戰略。",), 2) == ()  # no list
    passage = _passage("p", "d", 19, text=listing)
    adjust = by_kind("第二個包括哪些領域？", Previous("計畫希望加速哪三項基本目標？", ("p",), (listing,)), (passage,))
    assert adjust is not None
    assert adjust(Sentence(listing, 0, 0), passage) == ORDINAL_BONUS
    assert adjust(Sentence(elsewhere, 0, 0), _passage("q", "d", 28, text=elsewhere)) == 0.0


def test_an_item_of_a_count_the_previous_answer_listed_inline_is_that_quote():
    from chat.answer import Sentence
    from chat.followup import ORDINAL_BONUS, by_kind, counts_items, quoted_lists
    from chat.terms import folded

    arrows = "藉由跨部會的政策配套措施，以資訊、人才及財政三支箭，搭配各地提出的地方版綜合戰略。"
    assert counts_items(folded(arrows), "支箭", 2)
    assert not counts_items(folded(arrows), "支箭", 4)  # three arrows have no fourth
    assert not counts_items(folded(arrows), "个阶段", 2)  # another count
    assert not counts_items(folded("政府的施政有四個階段,第一個是守護地方命脈;"), "个阶段", 2)  # items come later
    assert not counts_items(folded("以資訊、人才兩個面向和三支箭推動。"), "支箭", 2)  # two items, three arrows
    assert quoted_lists((arrows,), 2, "支箭") == (arrows,)
    assert quoted_lists((arrows,), 2) == ()  # without the counted noun it is no list (no 分別是)
    elsewhere = "第二個是支援讓案子永續發展下去的支持系統。"
    passage = _passage("p", "d", 3, text=arrows)
    previous = Previous("What are the three arrows of the strategy?", ("p",), (arrows,))
    adjust = by_kind("那第二支箭呢？", previous, (passage,))
    assert adjust is not None
    assert adjust(Sentence(arrows, 0, 0), passage) == ORDINAL_BONUS
    assert adjust(Sentence(elsewhere, 0, 0), _passage("q", "d", 28, text=elsewhere)) == 0.0


@pytest.mark.parametrize(
    "question",
    [
        "Why is it seen as such a powerful tool?",
        "Any examples of how IT can help on the sales side?",
        "Where does the figure come from?",
    ],
)
def test_english_function_words_do_not_count_as_a_follow_ups_own_subject(question):
    assert is_follow_up(question)


@pytest.mark.parametrize("question", ["What is the capital of France?", "How many people live in Seoul?"])
def test_an_english_question_with_its_own_subject_is_no_follow_up(question):
    assert not is_follow_up(question)


_MARKED = "2012年時只有2.3%的地方政府正著手推動相關政策。到了2014年則進展到5.9%的執行程度。[3]"


def test_a_source_follow_up_favours_the_footnote_the_previous_quotes_mark_points_to():
    from chat.answer import Sentence
    from chat.followup import NOTE_BONUS, by_kind, footnotes_of, quoted_marks

    passage = _passage("p", "d", 6, text=_MARKED)
    quote = "2012年時只有2.3%的地方政府正著手推動相關政策。"
    assert quoted_marks((quote,), (passage,)) == ("3",)  # the first mark after the quote in its paragraph
    assert quoted_marks(("打造「智慧白金社會」。[1]",), ()) == ("1",)  # a mark in the quote itself
    assert quoted_marks(("沒有註腳的句子。",), (passage,)) == ()
    note = _passage("n3", "d", 36, text="[3]総務省「地域におけるICT利活用の現状に関する調査研究」(平成26年)")
    others = [
        _passage("n1", "d", 34, text="[1]スマートプラチナ社会推進会議"),
        _passage("x3", "e", 9, text="[3]另一篇的註腳"),
    ]
    assert footnotes_of([passage, note, *others], (passage,), ("3",)) == (note,)  # its article's [3] only
    adjust = by_kind("這個數字是引自哪一份調查研究？", Previous("2012年…？", ("p",), (quote,)), (passage,), (), ("3",))
    assert adjust is not None
    assert adjust(Sentence(note.text, 0, 0), note) == NOTE_BONUS > 0
    assert adjust(Sentence(others[0].text, 0, 0), others[0]) == 0.0  # another footnote
    other = by_kind("那2014年呢？", Previous("2012年…？", ("p",), (quote,)), (passage,), (), ("3",))
    assert other is not None and other(Sentence(note.text, 0, 0), note) == 0.0  # no source asked


@pytest.mark.parametrize("question", ["目的呢？", "這樣做的用意是什麼？", "What is the purpose?"])
def test_a_follow_up_asking_what_for_favours_sentences_that_say_it(question):
    from chat.answer import Sentence
    from chat.followup import PURPOSE_BONUS, by_kind

    adjust = by_kind(question)
    assert adjust is not None
    assert (
        adjust(Sentence("希望透過這八項對策力抗疫情,打造零接觸社會的軟硬體建設:", 0, 0), ANY_PASSAGE)
        == PURPOSE_BONUS
        > 0
    )
    assert adjust(Sentence("在整備社會環境目標中有8項:3密對策、發燒篩檢。", 0, 1), ANY_PASSAGE) == 0.0


def test_a_sentence_opening_with_a_lead_in_before_the_aspect_named_gets_the_label_bonus(monkeypatch):
    import re

    from chat.answer import Sentence
    from chat.followup import LABEL_BONUS, by_kind

    adjust = by_kind("那交通呢？", Previous("醫療方面呢？", (), ("醫療面向分為兩部分。",)))
    assert adjust is not None
    traffic = Sentence("在交通、觀光、支付和物流方面,主要以小型自駕巴士在觀光地接送。", 0, 0)
    assert adjust(traffic, ANY_PASSAGE) == LABEL_BONUS
    assert adjust(Sentence("智慧城市著重的面向包括醫療、交通、觀光。", 0, 1), ANY_PASSAGE) == 0.0
    monkeypatch.setattr("chat.followup._LEAD_IN", re.compile(r"^(?!)"))  # 在 no longer read as a lead-in
    assert adjust(traffic, ANY_PASSAGE) == 0.0


def test_a_label_named_after_a_line_was_quoted_is_another_line_than_that_one():
    from chat.answer import Sentence
    from chat.followup import LABEL_BONUS, by_kind

    said = "條件不利區域別：過疏、偏遠地區、離島、半島、山村"
    adjust = by_kind("區域別呢", Previous("案例分類中的條件不利區域包括哪些？", (), (said,)))
    assert adjust is not None
    assert adjust(Sentence("區域別：北海道、東北、關東、信越", 0, 0), ANY_PASSAGE) == LABEL_BONUS
    # 條件不利 + 區域別 reads as the name the previous question gave, but that line was the answer
    assert adjust(Sentence(said, 0, 1), ANY_PASSAGE) == 0.0


@pytest.mark.parametrize(
    ("question", "new"),
    [
        ("空屋銀行是什麼？", True),  # found by the browser walk: searched with the previous question's 2018, 萬戶
        ("地域振興協力隊是什麼", True),
        ("故鄉納稅是啥？", True),
        ("臨時補助金是什麼", False),  # the previous question's own subject: still a follow-up
        ("主要目的是什麼？", False),  # an aspect of what was asked before
        ("第一項的背景是什麼？", False),
        ("第三個方針是什麼？", False),  # a position
        ("最後一項是什麼？", False),
        ("這個制度是什麼？", False),  # points back
        ("那空屋銀行是什麼？", False),  # opens by pointing back
        ("協力隊是什麼？", False),  # three characters: too short to be sure it names something
    ],
)
def test_asking_what_a_name_the_previous_question_lacks_is_a_new_question(question, new, monkeypatch):
    from chat.followup import asks_what_a_new_name_is

    assert asks_what_a_new_name_is(question, PREVIOUS) == new
    assert resolve(question, PREVIOUS).follow_up == (not new and is_follow_up(question))
    assert is_follow_up("空屋銀行是什麼？")  # short: without the previous question it would follow it
    monkeypatch.setattr("chat.followup.NEW_NAMES", False)
    assert resolve(question, PREVIOUS).follow_up == is_follow_up(question)


def test_a_follow_up_naming_only_a_figure_keeps_to_the_previous_answers_articles():
    from chat.answer import Sentence
    from chat.followup import OTHER_ARTICLE_PENALTY, in_articles, names_no_subject
    from ingest.records import Passage

    known = {"2020", "北海道", "单位", "开发"}.__contains__
    assert names_no_subject("What about 2020?", known) and names_no_subject("那2020年呢？", known)
    assert not names_no_subject("那北海道呢？", known) and not names_no_subject("它是哪個單位開發的？", known)
    seed = Passage("p1", "seed", "t", 1, None, 0, 9, "補助的預算在2020年達3兆日圓。")
    added = Passage("p2", "added", "t", 6, None, 0, 9, "2020 ｜ 180")
    adjust = in_articles(lambda s, p: 0.5, frozenset({"seed"}))
    assert adjust(Sentence(seed.text, 0, 0), seed) == 0.5
    assert adjust(Sentence(added.text, 1, 0), added) == 0.5 - OTHER_ARTICLE_PENALTY
    assert in_articles(None, frozenset({"seed"}))(Sentence(seed.text, 0, 0), seed) == 0.0


@pytest.mark.parametrize(
    ("question", "previous", "new"),
    [
        ("無現金支付的目的是什麼？", "超級城市是什麼？", True),  # a tester's: searched with 超級城市
        ("地方創生臨時補助金是多少？", "空屋銀行是什麼？", True),
        ("無現金支付的目的是什麼？", "超級城市會推動無現金支付嗎？", False),  # the previous question has it
        ("它的目的是什麼？", "超級城市是什麼？", False),  # points back
        ("那無現金支付呢？", "超級城市是什麼？", False),  # 那…呢 asks the same of another name
        ("目的是什麼？", "超級城市是什麼？", False),  # names nothing
        ("協力隊的目的是什麼？", "超級城市是什麼？", False),  # three characters: not sure it is a name
    ],
)
def test_a_question_about_a_long_name_the_previous_question_lacks_is_a_new_question(question, previous, new):
    from chat.followup import names_a_new_subject

    assert is_follow_up(question)  # without the previous question each would follow it
    assert names_a_new_subject(question, previous) == new
    assert resolve(question, previous).follow_up == (not new)


@pytest.mark.parametrize(
    ("question", "alone"),
    [
        ("那2020年呢？", False),  # a tester's: answered at 0.98 with a sentence saying 2020
        ("What about 2020?", False),
        ("還有呢？", False),
        ("那地方創生臨時補助金在2020年呢？", True),  # names its subject
        ("2020年的地方創生臨時補助金是多少？", True),
        ("那個臨時補助金可以用在哪裡", True),  # 那個 + a name: a question of its own
    ],
)
def test_a_question_that_asks_the_same_of_a_figure_needs_the_one_before_it(setup, question, alone, monkeypatch):
    from chat.followup import NEEDS_PREVIOUS_NOTE, needs_previous

    known = setup.index().stats().known
    assert needs_previous(question, known) == (not alone)
    answer = setup.answer(question)
    if not alone:
        assert not answer.found and answer.quotes == () and answer.hits  # the nearest paragraphs shown
        assert answer.message is not None and NEEDS_PREVIOUS_NOTE in answer.message
        assert setup.answer(question, previous="地方創生臨時補助金的預算在2021年有多少？").found
        monkeypatch.setattr("chat.followup.NEEDS_PREVIOUS", False)
        assert NEEDS_PREVIOUS_NOTE not in (setup.answer(question).message or "")


def test_a_previous_question_with_html_emphasis_sets_the_context():
    # searched as RESAS是什麼？ (chat.answer.searched_as), so its follow-up carries RESAS
    from chat.followup import sets_context

    assert sets_context("<b>RESAS</b>是什麼？") and not sets_context("<b onclick=x>RESAS</b>是什麼？")
    assert resolve("它是哪個單位建置的？", "<b>RESAS</b>是什麼？").searched == "RESAS 它是哪個單位建置的？"


@pytest.mark.parametrize("junk", ["👍👍👍", "？？？", "🙂 🙂", "<script>alert(1)</script>", "SELECT * FROM users;"])
def test_a_previous_turn_with_nothing_to_refer_to_is_no_context(setup, junk):
    # a UI tester's: 日本有幾個都道府縣？ after 👍👍👍 was searched as "👍👍👍 日本有幾個都道府縣？"; a CLI
    # tester's: 那2020年呢？ after <script>alert(1)</script> was answered at 0.96
    from chat.followup import sets_context

    assert not sets_context(junk)
    assert resolve("日本有幾個都道府縣？", junk) == resolve("日本有幾個都道府縣？")
    after = setup.answer("那2020年呢？", previous=junk)
    assert not after.found and after == setup.answer("那2020年呢？")  # as if asked first
