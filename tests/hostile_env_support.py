"""Run the real CLI on a read-only or full file system (issue 14, item 4).

``in_namespace(kind, setup, ...)`` starts ``unshare -m python -m tests.hostile_env_support``: in a
private mount namespace the child mounts the index state read-only (a bind mount remounted ``ro``)
or copies it onto a tiny tmpfs (a full disk), runs CLI commands in-process, and prints one JSON
object: exit codes, stderr, and snapshots taken inside the namespace. Nothing is mounted outside it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def namespaces_available() -> bool:
    """Whether this process may create a mount namespace and mount a tmpfs (root in a container)."""
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt && umount /mnt"],
        capture_output=True,
        timeout=30,
    )
    return probe.returncode == 0


def in_namespace(request: dict, timeout: float = 240) -> dict:
    command = ["unshare", "-m", sys.executable, "-m", "tests.hostile_env_support", json.dumps(request)]
    done = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True)


def _run(argv: list[str]) -> dict:
    from tests.reliability_support import run_cli

    result = run_cli(argv)
    return {"code": result.code, "out": result.out, "err": result.err}


def _listing(directory: Path) -> dict:
    from tests.reliability_support import tree_snapshot

    return tree_snapshot(directory)


def _read_only(request: dict) -> dict:
    state = Path(request["state"])
    corpus = Path(request["corpus"])
    for folder in (state, corpus):
        _mount("--bind", str(folder), str(folder))
        _mount("-o", "remount,bind,ro", str(folder))
    before = _listing(state)
    results = {name: _run(argv) for name, argv in request["commands"].items()}
    return {"results": results, "state_unchanged": _listing(state) == before}


def _full_disk(request: dict) -> dict:
    state = Path(request["state"])
    small = Path(request["mount_at"])
    small.mkdir(parents=True, exist_ok=True)
    page = 4096  # tmpfs allocates whole pages per file
    used = sum(-(-p.stat().st_size // page) * page if p.is_file() else page for p in state.rglob("*"))
    _mount("-t", "tmpfs", "-o", f"size={used + request['slack_bytes']}", "tmpfs", str(small))
    shutil.copytree(state, small / state.name, symlinks=True)
    corpus = Path(request["corpus"])
    before = {"state": _listing(small / state.name), "corpus": _listing(corpus)}
    results = {name: _run(argv) for name, argv in request["commands"].items()}
    after = {"state": _listing(small / state.name), "corpus": _listing(corpus)}
    temps = sorted(p.relative_to(small).as_posix() for p in small.rglob("*") if ".tmp-" in p.name)
    return {"results": results, "before": before, "after": after, "temps": temps}


def main(argv: list[str]) -> None:
    request = json.loads(argv[0])
    run = {"read_only": _read_only, "full_disk": _full_disk}[request["kind"]]
    print(json.dumps(run(request), ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])
