"""Time ``generate_enterprise`` on a throwaway PostgreSQL (or SQLite with ``--sqlite``).

python -m benchmarks.generate_time --employees 100000 [--sqlite]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import tempfile
import time

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

        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        call_command("generate_enterprise", employees=args.employees)
        print(
            f"generate_enterprise --employees {args.employees}: "
            f"{time.perf_counter() - started:.1f} s "
            f"({'SQLite' if args.sqlite else 'PostgreSQL'})"
        )


if __name__ == "__main__":
    main()
