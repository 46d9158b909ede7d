"""Time ``generate_enterprise`` on a throwaway PostgreSQL (or SQLite with ``--sqlite``).

python -m benchmarks.generate_time --employees 100000 [--sqlite]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.postgres import throwaway_postgres


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--employees", type=int, default=100_000)
    parser.add_argument("--sqlite", action="store_true")
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
        backend = server_pid(connection)
        cpu_server = server_cpu(backend)
        cpu = time.process_time()
        started = time.perf_counter()
        call_command("generate_enterprise", employees=args.employees)
        wall = time.perf_counter() - started
        cpu = time.process_time() - cpu
        server = server_cpu(backend) - cpu_server
        print(
            f"generate_enterprise --employees {args.employees} "
            f"({'SQLite' if args.sqlite else 'PostgreSQL'}): {wall:.1f} s wall, "
            f"CPU {cpu:.1f} s in Python + {server:.1f} s in the PostgreSQL backend; "
            f"load average {os.getloadavg()[0]:.1f}"
        )


def server_pid(connection: Any) -> int | None:
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def server_cpu(pid: int | None) -> float:
    """CPU seconds of the PostgreSQL backend (same machine, from /proc); 0 without one."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    main()
