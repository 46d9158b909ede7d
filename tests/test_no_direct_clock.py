"""Time is an input: no app reads the date or the time itself, outside ``spm/clock.py``.

Code that needs "today" or "now" takes a ``Clock`` (or a ``today``) or asks
``spm.clock.clock()``; the database's own clock (``Now()``) is fine for leases and
timestamps. A direct read would make a page, the demo or a test depend on the real date
(see ``make test-dates``).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("org", "strategy", "scorecard", "spm", "assessment", "incentives")
ALLOWED = {Path("spm/clock.py")}
# (object, attribute) pairs that read the wall clock.
FORBIDDEN = {
    ("date", "today"),
    ("datetime", "now"),
    ("datetime", "today"),
    ("datetime", "utcnow"),
    ("timezone", "now"),
    ("timezone", "localdate"),
    ("timezone", "localtime"),
    ("time", "time"),
}

# Importing the reading function itself hides the read from the call check above.
IMPORTED = {
    "django.utils.timezone": {"now", "localdate", "localtime"},
    "time": {"time"},
}


def _app_files() -> list[Path]:
    files = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "migrations" not in relative.parts and relative not in ALLOWED:
                files.append(path)
    return files


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def direct_clock_reads(source: str) -> list[tuple[int, str]]:
    """Calls such as ``date.today()`` or ``dt.datetime.now()``: (line, what was called).

    ``timezone.localtime(value)`` converts a given moment and is allowed; without an
    argument it reads the clock.
    """
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module in IMPORTED:
            found += [
                (node.lineno, f"from {node.module} import {alias.name}")
                for alias in node.names
                if alias.name in IMPORTED[node.module]
            ]
            continue
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        owner = _dotted(node.func.value).rsplit(".", 1)[-1]
        if (owner, node.func.attr) not in FORBIDDEN:
            continue
        if node.func.attr in {"localtime", "localdate"} and (node.args or node.keywords):
            continue
        found.append((node.lineno, f"{_dotted(node.func)}()"))
    return found


def test_the_scanner_finds_each_kind_of_direct_read() -> None:
    source = (
        "import datetime as dt\nfrom django.utils import timezone\nimport time\n"
        "a = dt.date.today()\nb = dt.datetime.now()\nc = timezone.now()\n"
        "d = timezone.localdate()\ne = time.time()\nf = datetime.today()\n"
        "ok = timezone.localtime(c)\nok2 = clock().today()\nok3 = timezone.localdate(c)\n"
        "from django.utils.timezone import now, make_aware\nfrom time import time, sleep\n"
    )
    assert sorted(line for line, _ in direct_clock_reads(source)) == [4, 5, 6, 7, 8, 9, 13, 14]


def test_no_app_reads_the_clock_outside_spm_clock() -> None:
    offenders = sorted(
        f"{path.relative_to(ROOT)}:{line}: {call}"
        for path in _app_files()
        for line, call in direct_clock_reads(path.read_text())
    )
    assert not offenders, "read the date through spm.clock instead:\n" + "\n".join(offenders)
