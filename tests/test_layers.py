"""The package rule, read from the source's imports (also those inside functions): data flows down
rag (records, settings, errors, index, answering) ← ingest ← ui, and nothing imports eval except the CLI."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from rag.settings import PROJECT_ROOT

FORBIDDEN = {"rag": {"ingest", "ui", "eval"}, "ingest": {"ui", "eval"}, "ui": {"eval"}}
EDGE = {Path("rag/cli.py")}  # the CLI imports each command's dependencies, and only when it runs


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_module_imports_upward(package: str) -> None:
    upward = {
        str(path.relative_to(PROJECT_ROOT)): sorted(imported_packages(path) & FORBIDDEN[package])
        for path in sorted((PROJECT_ROOT / package).rglob("*.py"))
        if path.relative_to(PROJECT_ROOT) not in EDGE
    }
    assert not {module: names for module, names in upward.items() if names}


def test_the_rule_catches_an_upward_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from eval.report import write_report\n", encoding="utf-8")
    assert imported_packages(module) & FORBIDDEN["ui"] == {"eval"}
