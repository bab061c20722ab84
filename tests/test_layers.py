"""The packages mirror the pipeline: ingest → index → chat. A lower layer never imports a higher one
(at module level or inside a function), so the index can be built and searched without the chat layer."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HIGHER = {"ingest": ("index", "chat", "bench"), "index": ("chat", "bench")}


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_imported_packages_reads_function_level_imports(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("import os\n\ndef f():\n    from chat.terms import folded\n    import index.search\n")
    assert imported_packages(module) == {"os", "chat", "index"}


@pytest.mark.parametrize("package", sorted(HIGHER))
def test_a_lower_layer_never_imports_a_higher_one(package):
    offending = {
        str(path.relative_to(ROOT)): sorted(imported_packages(path) & set(HIGHER[package]))
        for path in sorted((ROOT / package).rglob("*.py"))
    }
    assert {path: names for path, names in offending.items() if names} == {}
