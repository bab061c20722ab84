"""README.md's file map cannot drift: every tracked module is in it, every file it names exists."""

from __future__ import annotations

import fnmatch
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAPPED_PACKAGES = ("ingest", "index", "chat", "bench", "tests")


def map_rows(readme: str) -> list[str]:
    """The first cell of each row of the table under '## Map of the files'."""
    section = readme.split("## Map of the files", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| ---")]
    return [row.split("|")[1] for row in rows[1:]]  # rows[0] is the header


def named_paths(cell: str) -> list[str]:
    """The paths a first cell names: `a/b.py`, `c.py` (same folder as the name before it), globs."""
    names, folder = [], ""
    for name in re.findall(r"`([^`]+)`", cell):
        if "/" in name.rstrip("/"):
            folder = name.rsplit("/", 1)[0] + "/"
            names.append(name)
        else:
            names.append(name if name.endswith("/") or not folder else folder + name)
    return names


def tracked_python_files() -> list[str]:
    try:
        out = subprocess.run(["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True, check=True)
        files = out.stdout.split()
    except (OSError, subprocess.CalledProcessError):  # not a git checkout: what is on disk
        files = [p.relative_to(ROOT).as_posix() for p in ROOT.rglob("*.py") if "__pycache__" not in p.parts]
    return sorted(
        f
        for f in files
        if f.split("/", 1)[0] in MAPPED_PACKAGES
        and not f.endswith("__init__.py")  # package markers
        and not f.startswith("tests/artifacts/")
    )


def readme_names() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return [name for cell in map_rows(readme) for name in named_paths(cell)]


def test_named_paths_reads_folders_and_globs():
    cell = " `tests/a.py`, `b.py`, `tests/*_support.py`, `c.py` "
    assert named_paths(cell) == ["tests/a.py", "tests/b.py", "tests/*_support.py", "tests/c.py"]
    assert named_paths(" `corpus/` ") == ["corpus/"]
    assert named_paths(" `dev` ") == ["dev"]
    assert named_paths(" `.ci/run` ") == [".ci/run"]


def test_every_name_in_the_map_exists():
    names = readme_names()
    assert len(names) > 50
    missing = [name for name in names if not any(ROOT.glob(name.rstrip("/")))]
    assert not missing, f"README.md's file map names files that do not exist: {missing}"


def test_every_module_is_in_the_map():
    names = readme_names()
    unmapped = [f for f in tracked_python_files() if not any(fnmatch.fnmatchcase(f, name) for name in names)]
    assert not unmapped, f"add these to README.md's file map ('## Map of the files'): {unmapped}"
