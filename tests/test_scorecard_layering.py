"""The scorecard app's house rules, checked on its source: the rules are pure (no ORM), and
no import is silently optional. (No module reads the date itself: tests/test_no_direct_clock.py.)"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "scorecard"
RULES = APP / "rules"
SOURCES = sorted(p for p in APP.rglob("*.py") if "migrations" not in p.parts)


def _imported(tree: ast.AST) -> list[str]:
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names += [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
    return names


def _orm(name: str) -> bool:
    return name.startswith("django.db") or name.split(".")[-1] == "models" or ".models." in name


@pytest.mark.parametrize("path", sorted(RULES.glob("*.py")), ids=lambda p: p.name)
def test_a_rules_module_imports_no_orm(path: Path) -> None:
    imported = _imported(ast.parse(path.read_text()))
    assert not [name for name in imported if _orm(name)], f"{path.name} touches the database"


def test_the_orm_check_would_catch_a_model_import() -> None:
    tree = ast.parse("from scorecard.models import Scorecard\nfrom django.db.models import Q\n")
    assert [name for name in _imported(tree) if _orm(name)]


def test_no_scorecard_module_swallows_a_missing_module() -> None:
    swallowing = [
        str(path.relative_to(APP))
        for path in SOURCES
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ExceptHandler)
        and "ModuleNotFoundError" in ast.unparse(node.type or ast.Name("BaseException"))
    ]
    assert swallowing == []
