"""The per-file CPU figures the harness prints (``tests/cpu_report.py``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.cpu_report import summary

ROOT = Path(__file__).resolve().parent.parent


def _lines(*records: dict[str, object]) -> str:
    return "".join(json.dumps(record) + "\n" for record in records)


def test_the_summary_adds_up_each_files_tests_over_processes_heaviest_first(
    tmp_path: Path,
) -> None:
    (tmp_path / "gw0.jsonl").write_text(
        _lines(
            {"collected": 3, "cpu": 6.0, "children": 0.0},
            {"test": "tests/test_a.py::test_one", "cpu": 1.0, "children": 0.5, "wall": 2.0},
            {"test": "tests/test_b.py::test_one", "cpu": 4.5, "children": 0.0, "wall": 5.0},
        )
    )
    (tmp_path / "gw1.jsonl").write_text(
        _lines(
            {"collected": 3, "cpu": 5.0, "children": 0.0},
            {"test": "tests/test_a.py::test_two[x]", "cpu": 2.0, "children": 3.0, "wall": 4.0},
        )
    )
    lines = summary(tmp_path, top=1).splitlines()
    assert lines[0].startswith("CPU by test file: 11 s in tests, 11 s starting and collecting in 2")
    assert lines[1:] == ["     6.5 s  (  3.0 +   3.5)  wall    6.0 s     2  tests/test_a.py"]


def test_nothing_is_printed_without_figures(tmp_path: Path) -> None:
    assert summary(tmp_path) == ""


def test_a_test_process_writes_a_line_per_test_and_one_for_collecting(tmp_path: Path) -> None:
    env = {**os.environ, "SPM_TEST_CPU_REPORT": str(tmp_path)}
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "tests/test_cpu_report.py::test_nothing_is_printed_without_figures"],
        cwd=ROOT, env=env, check=True, capture_output=True,
    )  # fmt: skip
    [written] = tmp_path.glob("*.jsonl")
    records = [json.loads(line) for line in written.read_text().splitlines()]
    assert records[0]["collected"] == 1 and records[0]["cpu"] > 0
    assert [r["test"] for r in records[1:]] == [
        "tests/test_cpu_report.py::test_nothing_is_printed_without_figures"
    ]
    assert {"cpu", "children", "wall"} <= set(records[1])
