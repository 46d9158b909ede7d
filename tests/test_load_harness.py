"""The load test's own pieces (benchmarks/load/run.py): it serves with the compose file's
gunicorn command, counts the CPU of whole process trees and reports every endpoint."""

from __future__ import annotations

import shlex
import subprocess
import sys
import time
from pathlib import Path

import yaml

from benchmarks.load.run import Phase, compose_web, table, tree_cpu

ROOT = Path(__file__).resolve().parent.parent


def test_the_load_test_serves_with_the_compose_files_gunicorn_command_on_loopback() -> None:
    web = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["web"]
    line = web["command"][-1]
    written = shlex.split(line[line.index("gunicorn ") :])
    command = compose_web(4321)
    assert command[:2] == [sys.executable, "-m"]
    bind = written.index("--bind")
    assert command[2:] == [*written[: bind + 1], "127.0.0.1:4321", *written[bind + 2 :]]


BURN = "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.3: pass\n"
WAIT = "import sys; sys.stdin.read()"


def cpu_of(command: str) -> float:
    """``tree_cpu`` of a process running ``command`` and then waiting for its input."""
    process = subprocess.Popen([sys.executable, "-c", command], stdin=subprocess.PIPE)
    try:
        for _ in range(300):  # a loaded machine: up to a minute for 0.3 s of CPU
            if tree_cpu(process.pid) >= 0.3:
                break
            time.sleep(0.2)
        return tree_cpu(process.pid)
    finally:
        assert process.stdin is not None
        process.stdin.close()
        process.wait(30)


def test_the_cpu_of_a_process_tree_counts_a_running_child() -> None:
    burner = f"import subprocess, sys; subprocess.Popen([sys.executable, '-c', {BURN + WAIT!r}])"
    assert cpu_of(f"{burner}\n{WAIT}") >= 0.3


def test_the_cpu_of_a_process_tree_counts_a_child_it_has_reaped() -> None:
    burner = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {BURN!r}])"
    assert cpu_of(f"{burner}\n{WAIT}") >= 0.3


def test_the_table_lists_every_endpoint_its_errors_and_the_share_of_each_ceiling() -> None:
    def row(name: str, count: int, rate: float, failures: int = 0) -> dict[str, str]:
        return {
            "Name": name,
            "Request Count": str(count),
            "Requests/s": str(rate),
            "Median Response Time": "120",
            "95%": "300",
            "Failure Count": str(failures),
        }

    mix = Phase(
        "The mix",
        [row("home", 100, 5.0, 2), row("Aggregated", 100, 5.0, 2)],
        {"gunicorn": 1.0, "PostgreSQL": 2.0},
        (1.0, 2.0),
        Path("mix"),
    )
    ceiling = Phase("the ceiling", [row("Aggregated", 400, 20.0)], {}, (1.0, 1.0), Path("top"))
    printed = table(mix, [ceiling])
    assert "| home | 100 | 5.0 | 120 ms | 300 ms | 2 |" in printed
    assert "| **all of the mix** | 100 | 5.0 | 120 ms | 300 ms | 2 |" in printed
    assert "Throughput: 25.0% of the ceiling." in printed
    assert "CPU seconds gunicorn 1.0, PostgreSQL 2.0" in printed
    # 100 requests served: 10 ms of gunicorn, 20 ms of PostgreSQL each
    assert "CPU a request (the figure to compare on a shared machine): gunicorn 10.0 ms, " in (
        printed
    )
    assert "PostgreSQL 20.0 ms:" in printed
