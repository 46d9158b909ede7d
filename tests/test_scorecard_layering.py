"""The scorecard app's house rules, checked on its source: the rules are pure (no ORM), no
module reads the date on its own, and no import is silently optional."""

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


READS_THE_DATE = {("timezone", "now"), ("timezone", "localdate"), ("date", "today")}
READS_THE_DATE |= {("datetime", "now"), ("datetime", "today")}


def _owner(node: ast.expr) -> str:
    """``timezone`` of ``timezone.now``, ``date`` of ``datetime.date.today``."""
    if isinstance(node, ast.Name):
        return node.id
    return node.attr if isinstance(node, ast.Attribute) else ""


def _date_reads(tree: ast.AST) -> list[str]:
    return [
        f"{_owner(node.value)}.{node.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and (_owner(node.value), node.attr) in READS_THE_DATE
    ]


def test_no_scorecard_module_reads_the_date_on_its_own() -> None:
    found = {
        str(path.relative_to(APP)): reads
        for path in SOURCES
        if (reads := _date_reads(ast.parse(path.read_text())))
    }
    assert found == {}, "ask spm.clock (a Clock argument or clock()) instead"


def test_the_date_check_would_catch_timezone_now() -> None:
    assert _date_reads(ast.parse("x = timezone.now()\ny = datetime.date.today()")) == [
        "timezone.now",
        "date.today",
    ]


def test_no_scorecard_module_swallows_a_missing_module() -> None:
    swallowing = [
        str(path.relative_to(APP))
        for path in SOURCES
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ExceptHandler)
        and "ModuleNotFoundError" in ast.unparse(node.type or ast.Name("BaseException"))
    ]
    assert swallowing == []
