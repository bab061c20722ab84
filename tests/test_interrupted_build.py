"""Interrupted rebuilds: ``sousei build`` is killed (SIGKILL) at random moments, at least 20
times; after each kill the index loads and answers exactly like one of the two complete states
(the previous index, or the finished new one), never a mix. A lock left by a killed build does not
block the next one; two builds at once leave a consistent index.

Most kills use :class:`tests.reliability_support.ForkRunner` (a real child process per CLI
call, without paying the interpreter start-up each time); the slow test also kills the literal
``python -m chat.cli build``. Set ``SOUSEI_KILL_SEED`` to replay a sequence of kill moments.
"""

from __future__ import annotations

import os
import random
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from index.build import build_index
from index.search import Searcher
from index.settings import IndexSettings
from index.store import index_paths
from tests.reliability_support import (
    PROBE_QUESTIONS,
    SEED_CORPUS,
    ForkRunner,
    Setup,
    answers,
    cli_subprocess,
    holds_open,
    kill_hard,
    make_setup,
    run_cli,
    tiny_model,
    wait_until,
)

if TYPE_CHECKING:
    from index.model.encoder import Encoder

MIN_KILLS = 20
MAX_ATTEMPTS = 45
WRITE_WINDOW = 0.25  # seconds after the temporary index directory appears (write + swap take less)
EXTRA_NAME = "yubari.txt"
EXTRA_ARTICLE = """夕張市雪融發電計畫

北海道夕張市的雪融發電計畫預計每年發電4200萬度，供應市內所有公共設施。

關係人口是指與地方有多樣連結的人，夕張市邀請都市居民參與雪融發電的維護工作。

計畫由總務省的地方創生臨時補助金支持，2021年的補助金額為3億日圓。
"""
QUESTIONS = PROBE_QUESTIONS + ("夕張市的雪融發電每年發電多少？",)


def comparable(answer_list: list[dict]) -> list[dict]:
    """Answers without scores (re-embedding may move a score in its 7th decimal)."""
    return [
        {**a, "passages": [{k: v for k, v in p.items() if k != "score"} for p in a["passages"]]} for a in answer_list
    ]


@dataclass
class States:
    """The two complete states of the corpus and what their index answers."""

    setup: Setup
    encoder: Encoder
    reference: dict[str, list[dict]] = field(default_factory=dict)  # "base" / "extra" -> answers
    doc_ids: dict[str, set[str]] = field(default_factory=dict)

    def write_corpus(self, state: str) -> None:
        extra = self.setup.corpus / EXTRA_NAME
        if state == "extra":
            extra.write_text(EXTRA_ARTICLE, encoding="utf-8")
        else:
            extra.unlink(missing_ok=True)

    def observe(self) -> str:
        """Open the index as a user would; return which complete state it is, checking its answers."""
        searcher = Searcher.open(self.setup.index, self.encoder)
        docs = {a.doc_id for a in searcher.articles()}
        matching = [name for name, ids in self.doc_ids.items() if ids == docs]
        assert len(matching) == 1, f"the index holds {sorted(docs)}, which is neither complete state"
        state = matching[0]
        assert comparable(answers(searcher, QUESTIONS)) == self.reference[state], f"answers differ in {state}"
        return state


@pytest.fixture(scope="module")
def states(tmp_path_factory) -> States:
    from index.model.sbert import load_encoder

    small = tmp_path_factory.mktemp("small-corpus")  # the smaller seed article: shorter builds, more kills
    for name in ("000_52ed3b7e36387b18.txt", "000_52ed3b7e36387b18.txt.meta.json"):
        shutil.copyfile(SEED_CORPUS / name, small / name)
    setup = make_setup(tmp_path_factory.mktemp("interrupted"), tiny_model(tmp_path_factory), corpus_from=small)
    encoder = load_encoder(str(setup.model), setup.model_cache)
    result = States(setup, encoder)
    for state in ("extra", "base"):  # ends on "base"; the embedding cache then holds both
        result.write_corpus(state)
        assert run_cli(setup.argv("build", "--json")).code == 0
        searcher = Searcher.open(setup.index, encoder)
        result.doc_ids[state] = {a.doc_id for a in searcher.articles()}
        result.reference[state] = comparable(answers(searcher, QUESTIONS))
    assert result.reference["base"] != result.reference["extra"]  # the states can be told apart
    return result


@pytest.fixture(scope="module")
def runner(tmp_path_factory):
    forker = ForkRunner(tmp_path_factory.mktemp("fork-logs"))
    yield forker
    forker.close()


def alive(pid: int) -> bool:
    """The child has not exited yet (a zombie waiting to be reaped counts as exited)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] != "Z"
    except (OSError, IndexError):
        return False


def leftovers(index_dir: Path) -> dict[str, bool]:
    paths = index_paths(index_dir)
    return {"temp_dir": bool(paths.temp_dirs()), "backup": paths.backup.exists(), "live": paths.live.exists()}


def calibrate(runner: ForkRunner, states: States) -> tuple[float, float]:
    """One uninterrupted build: (seconds from fork to exit, seconds from taking the lock to exit)."""
    lock = index_paths(states.setup.index).build_lock
    start = time.monotonic()
    pid, log = runner.start(states.setup.argv("build", "--json"))
    wait_until(lambda: holds_open(pid, lock), timeout=120, interval=0.002, what="the build lock")
    locked = time.monotonic()
    assert runner.wait(pid) == 0, log.read_text()
    end = time.monotonic()
    return end - start, end - locked


@pytest.mark.slow  # ~50 s of builds killed at random moments; ./dev test and CI run it
def test_kills_at_random_moments_leave_a_complete_index(states, runner, record_property):
    seed = int(os.environ.get("SOUSEI_KILL_SEED") or random.SystemRandom().randrange(1 << 30))
    rng = random.Random(seed)
    setup = states.setup
    lock = index_paths(setup.index).build_lock
    total, locked_part = calibrate(runner, states)
    current = states.observe()
    kills, completed, seen = (
        0,
        0,
        {
            "temp_dir": 0,
            "backup": 0,
            "state_changed": 0,
            "cold_cache": 0,
            "phase_any": 0,
            "phase_build": 0,
            "phase_write": 0,
        },
    )
    for attempt in range(MAX_ATTEMPTS):
        if kills >= MIN_KILLS:
            break
        target = "extra" if current == "base" else "base"
        states.write_corpus(target)
        if attempt % 4 == 3:  # now and then a cold embedding cache: kills land while embedding
            shutil.rmtree(setup.index.parent / f"{setup.index.name}.cache", ignore_errors=True)
            seen["cold_cache"] += 1
        pid, log = runner.start(setup.argv("build", "--json"))
        moment = rng.random()
        if moment < 0.25:
            time.sleep(rng.uniform(0, total))  # anywhere in the process's life
        elif moment < 0.65:
            wait_until(
                lambda: holds_open(pid, lock) or not alive(pid),  # noqa: B023 (waited for inside this iteration)
                timeout=120,
                interval=0.002,
                what="the build lock",
            )
            time.sleep(rng.uniform(0, locked_part))  # somewhere inside the build
        else:
            wait_until(
                lambda: index_paths(setup.index).temp_dirs() or not alive(pid),  # noqa: B023 (waited for inside this iteration)
                timeout=120,
                interval=0.001,
                what="the new index being written",
            )
            time.sleep(rng.uniform(0, WRITE_WINDOW))  # while writing / swapping the new index
        seen["phase_" + ("any" if moment < 0.25 else "build" if moment < 0.65 else "write")] += 1
        if alive(pid):
            os.kill(pid, 9)
        code = runner.wait(pid)
        if code == -9:
            kills += 1
        else:
            assert code == 0, log.read_text()
            completed += 1
        left = leftovers(setup.index)
        seen["temp_dir"] += left["temp_dir"]
        seen["backup"] += left["backup"]
        state = states.observe()  # loads (recovering a half-done swap) and answers
        assert state in (current, target)
        if code == 0:
            assert state == target
        seen["state_changed"] += state != current
        current = state
    record_property("kill_seed", seed)
    record_property("kills", kills)
    print(
        f"\nkill seed {seed}: {kills} kills survived, {completed} builds finished first, "
        f"leftovers seen {seen}, build {total:.2f} s ({locked_part:.2f} s holding the lock)"
    )
    assert kills >= MIN_KILLS, f"only {kills} kills in {MAX_ATTEMPTS} attempts (seed {seed})"

    states.write_corpus(current)
    # a stale lock: no wait
    report = build_index(setup.corpus, setup.index, states.encoder, IndexSettings(lock_timeout=5))
    assert report.documents == len(states.doc_ids[current])
    assert not index_paths(setup.index).temp_dirs() and not index_paths(setup.index).backup.exists()
    assert states.observe() == current


def test_lock_left_by_a_killed_build_does_not_block(states, runner):
    setup = states.setup
    lock = index_paths(setup.index).build_lock
    pid, _log = runner.start(setup.argv("build", "--json"))
    wait_until(lambda: holds_open(pid, lock), timeout=120, interval=0.002, what="the build lock")
    os.kill(pid, 9)
    assert runner.wait(pid) == -9
    assert lock.exists()  # the lock file stays; the kernel released the lock
    start = time.monotonic()
    report = build_index(setup.corpus, setup.index, states.encoder, IndexSettings(lock_timeout=2))
    assert time.monotonic() - start < 60
    assert report.documents in {len(ids) for ids in states.doc_ids.values()}
    result = run_cli(setup.argv("build", "--json"))  # and through the CLI
    assert result.code == 0, result.err


def test_two_builds_at_once_leave_a_consistent_index(states, runner):
    setup = states.setup
    current = states.observe()
    target = "extra" if current == "base" else "base"
    states.write_corpus(target)
    pids = [runner.start(setup.argv("build", "--json")) for _ in range(2)]
    codes = [runner.wait(pid) for pid, _log in pids]
    assert codes == [0, 0], [log.read_text() for _pid, log in pids]
    assert states.observe() == target
    assert not index_paths(setup.index).temp_dirs()


def test_two_builds_at_once_one_killed(states, runner):
    setup = states.setup
    lock = index_paths(setup.index).build_lock
    rng = random.Random(int(os.environ.get("SOUSEI_KILL_SEED") or 7))
    for _round in range(3):
        current = states.observe()
        target = "extra" if current == "base" else "base"
        states.write_corpus(target)
        first, _ = runner.start(setup.argv("build", "--json"))
        second, log = runner.start(setup.argv("build", "--json"))
        wait_until(
            lambda: holds_open(first, lock) or holds_open(second, lock),  # noqa: B023 (waited for inside this iteration)
            timeout=120,
            interval=0.002,
            what="a build holding the lock",
        )
        time.sleep(rng.uniform(0, 0.5))
        victim, survivor = rng.sample([first, second], 2)
        if Path(f"/proc/{victim}").exists():
            os.kill(victim, 9)
        runner.wait(victim)
        assert runner.wait(survivor) == 0, log.read_text()
        assert states.observe() == target  # the survivor finished the new state


@pytest.mark.slow
def test_killing_the_real_cli_process(states):
    """The literal ``python -m chat.cli build`` (own interpreter), killed inside its build, twice."""
    setup = states.setup
    lock = index_paths(setup.index).build_lock
    rng = random.Random()
    for _round in range(2):
        current = states.observe()
        target = "extra" if current == "base" else "base"
        states.write_corpus(target)
        proc = cli_subprocess(setup, "build", stdout=open(os.devnull, "w"), stderr=open(os.devnull, "w"))
        wait_until(
            lambda: holds_open(proc.pid, lock) or proc.poll() is not None,  # noqa: B023 (waited for inside this iteration)
            timeout=300,
            interval=0.002,
            what="the build lock",
        )
        time.sleep(rng.uniform(0, 0.8))
        killed = kill_hard(proc)
        assert killed or proc.returncode == 0
        assert states.observe() in (current, target)
