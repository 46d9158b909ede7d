"""Where the suite's CPU goes, file by file: ``make test`` prints the heaviest at the end.

The harness's ``Usage:`` line gives the run's total CPU; on two cores shared with others it
is that total, not the wall time, that a change to the suite moves. With
``SPM_TEST_CPU_REPORT`` naming a directory (the harness sets it), every test process writes
there one JSON line per test: the CPU seconds of the process during the test's setup, call
and teardown (all its threads: the live server's too), those of the child processes it
reaped meanwhile (Celery workers, ``manage.py`` commands, the compose file's commands; a
process's Chromium is reaped with its last test), and the wall seconds; and a line with
what starting up and collecting cost. :func:`summary` reads the lines back.
"""

from __future__ import annotations

import json
import os
import resource
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

import pytest

DIRECTORY = os.environ.get("SPM_TEST_CPU_REPORT", "")
_out: TextIO | None = None


def _cpu() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def _write(**record: Any) -> None:
    if _out is not None:
        _out.write(json.dumps(record) + "\n")
        _out.flush()


def pytest_configure(config: pytest.Config) -> None:
    global _out
    if DIRECTORY and _out is None:
        process = os.environ.get("PYTEST_XDIST_WORKER", "main")
        _out = Path(DIRECTORY, f"{process}.jsonl").open("a", encoding="utf-8")  # noqa: SIM115


def pytest_collection_finish(session: pytest.Session) -> None:
    own, children = _cpu()
    _write(collected=len(session.items), cpu=own, children=children)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Iterator[None]:
    own, children = _cpu()
    started = time.monotonic()
    yield
    own_after, children_after = _cpu()
    _write(
        test=item.nodeid,
        cpu=round(own_after - own, 3),
        children=round(children_after - children, 3),
        wall=round(time.monotonic() - started, 3),
    )


def pytest_unconfigure(config: pytest.Config) -> None:
    global _out
    if _out is not None:
        _out.close()
        _out = None


def summary(directory: Path, top: int = 15) -> str:
    """The heaviest files by CPU (own + children) and what collecting cost each process."""
    files: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0])
    startup: list[float] = []
    for path in sorted(directory.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if "collected" in record:
                startup.append(record["cpu"])
                continue
            row = files[record["test"].split("::")[0]]
            row[0] += record["cpu"]
            row[1] += record["children"]
            row[2] += record["wall"]
            row[3] += 1
    if not files:
        return ""
    total = sum(row[0] + row[1] for row in files.values())
    lines = [
        f"CPU by test file: {total:.0f} s in tests"
        + (
            f", {sum(startup):.0f} s starting and collecting in {len(startup)} test processes"
            if startup
            else ""
        )
        + f"; the {top} heaviest (own + reaped children, wall, tests):"
    ]
    heaviest = sorted(files.items(), key=lambda kv: -(kv[1][0] + kv[1][1]))[:top]
    for name, (own, children, wall, count) in heaviest:
        lines.append(
            f"  {own + children:6.1f} s  ({own:5.1f} + {children:5.1f})  "
            f"wall {wall:6.1f} s  {int(count):4}  {name}"
        )
    return "\n".join(lines)
