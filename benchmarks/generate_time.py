"""Time ``generate_enterprise`` on a throwaway PostgreSQL (or SQLite with ``--sqlite``).

python -m benchmarks.generate_time --employees 100000 [--sqlite] [--profile]

It prints the wall time, the Python process's CPU (all its threads), the CPU of the
PostgreSQL backend of Django's connection (the one transaction of the load) and of all the
server's processes (with the second connection of ``spm.bulk.copy_select``, the parallel
index-build workers, the WAL writer and checkpointer), and the load average at the start and
the end: on a busy machine the wall time says little, the CPU times more.

``--profile`` also prints the statements that took longest (wall time and the PostgreSQL
backend's CPU, summed over statements of the same shape), the place to start optimising.
Statements run on the raw psycopg2 cursor (``copy_select``'s ``COPY``) are not in that table;
their backend CPU is in the totals.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.postgres import throwaway_postgres


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--employees", type=int, default=100_000)
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--profile", action="store_true", help="print the costliest statements")
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        if args.sqlite:
            tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="spm-bench-"))
            os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        else:
            stack.enter_context(throwaway_postgres())
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spm.settings")
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        load_at_start = os.getloadavg()[0]
        backend = server_pid(connection)
        cpu_server, cpu_all = server_cpu(backend), all_server_cpu(backend)
        cpu = time.process_time()
        started = time.perf_counter()
        profile = Profile(backend)
        with connection.execute_wrapper(profile) if args.profile else contextlib.nullcontext():
            call_command("generate_enterprise", employees=args.employees)
        wall = time.perf_counter() - started
        cpu = time.process_time() - cpu
        server = server_cpu(backend) - cpu_server
        everything = all_server_cpu(backend) - cpu_all
        print(
            f"generate_enterprise --employees {args.employees} "
            f"({'SQLite' if args.sqlite else 'PostgreSQL'}): {wall:.1f} s wall, "
            f"CPU {cpu:.1f} s in Python + {server:.1f} s in the PostgreSQL backend "
            f"({everything:.1f} s in all of the server's processes); "
            f"load average {load_at_start:.1f} at the start, {os.getloadavg()[0]:.1f} at the end"
        )
        if args.profile:
            print(profile.report())


class Profile:
    """An ``execute_wrapper`` that sums wall time and backend CPU per statement shape."""

    def __init__(self, pid: int | None) -> None:
        self.pid = pid
        self.totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        cpu, wall = server_cpu(self.pid), time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            shape = re.sub(r"\s+", " ", re.sub(r"\d+", "N", sql))[:150]
            total = self.totals[shape]
            total[0] += time.perf_counter() - wall
            total[1] += server_cpu(self.pid) - cpu
            total[2] += 1

    def report(self, top: int = 15) -> str:
        lines = ["| wall s | server CPU s | runs | statement |", "|---|---|---|---|"]
        ranked = sorted(self.totals.items(), key=lambda kv: -kv[1][0])[:top]
        for shape, (wall, cpu, runs) in ranked:
            lines.append(f"| {wall:.1f} | {cpu:.1f} | {runs:.0f} | `{shape}` |")
        return "\n".join(lines)


def server_pid(connection: Any) -> int | None:
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def _stat(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def all_server_cpu(backend: int | None) -> float:
    """CPU seconds of the whole PostgreSQL server of ``backend``: the postmaster and every
    process it started, the ones still running (backends, checkpointer, WAL writer) and the
    ones gone (parallel workers, other connections: counted in the postmaster's children's
    time once it has reaped them); 0 without one."""
    if backend is None:
        return 0.0
    postmaster = int(_stat(backend)[1])
    fields = _stat(postmaster)
    ticks = sum(int(f) for f in fields[11:15])  # its own time and its reaped children's
    for child in Path("/proc").iterdir():
        if not child.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError):
            stat = _stat(int(child.name))
            if int(stat[1]) == postmaster:
                ticks += int(stat[11]) + int(stat[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def server_cpu(pid: int | None) -> float:
    """CPU seconds of the PostgreSQL backend (same machine, from /proc); 0 without one."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    main()
