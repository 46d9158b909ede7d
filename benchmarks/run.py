"""Server time of every page and list endpoint, per role, on a generated group.

    python -m benchmarks.run [--employees 100000] [--repeat 15] [--sqlite] [--only alignment]
                             [--section pages_core] [--keep /work/benchdata/pg100k]

Starts a throwaway PostgreSQL the way ``tests.harness`` does (``--sqlite``: a temporary SQLite
file instead), migrates, runs ``generate_enterprise``, gives one person of the group HR and
one the executive role over the whole group, then requests each page of the ``SECTIONS``
(:mod:`benchmarks.pages_core`: the pages and list endpoints of org, strategy, scorecard,
lightup and notifications; ``--section`` picks some) as an employee, a team manager, HR and
the executive with Django's test client and prints a Markdown table:
median and p95 server time over ``--repeat`` requests (after one warm-up), the median time
spent waiting for the database and of Python CPU, the PostgreSQL backend's CPU per request
(a mean: the kernel counts it in 10 ms ticks) and the number of queries of one request. On a
loaded machine the wall times mostly measure the wait for a core; the CPU columns are the
steadier figures. ``make bench`` runs it at 100,000 employees.

``--keep DIR`` keeps the PostgreSQL data directory in ``DIR`` (outside the checkout): the first
run generates the group there, later runs start the server on it again, apply any new
migrations and measure at once (generating 100,000 people is the slow part).
``--database-url URL`` measures on a server that is already running and holds a group
(migrated, not generated).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from benchmarks.postgres import kept_postgres, throwaway_postgres

# The modules whose pages the table lists, in order: each exposes ``PAGES`` (name, URL
# template) and ``prepare() -> dict[str, int]`` (creates once, in the kept database, what its
# pages need and returns the ids their URL templates name, beyond those of :func:`cast`).
SECTIONS: list[str] = ["benchmarks.pages_core", "benchmarks.pages_results"]
PREFIX = "BENCH"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def cast(prefix: str) -> tuple[dict[str, Any], dict[str, int]]:
    """The four people of the table and the ids the page URLs need."""
    from org.models import Employee, OrgUnit, RoleAssignment
    from scorecard.models import Scorecard, ScorecardItem

    group = OrgUnit.objects.get(code=f"{prefix}-GRP")
    staff = Employee.objects.filter(unit__kind="team").exclude(job_title="Head of unit")
    employee = staff.order_by("pk").first()
    assert employee is not None
    team = employee.unit
    manager = Employee.objects.get(pk=team.head_id)
    hr, executive = (
        Employee.objects.filter(unit__kind="department").order_by("pk")[i] for i in (0, 1)
    )
    RoleAssignment.objects.get_or_create(user=hr.user, role="hr", unit=group)
    RoleAssignment.objects.get_or_create(user=executive.user, role="executive", unit=group)
    card = Scorecard.objects.filter(employee=employee).order_by("pk").first()
    assert card is not None
    item = ScorecardItem.objects.filter(scorecard=card).order_by("order").first()
    assert item is not None
    ids = {"unit": team.pk, "card": card.pk, "item": item.pk, "person": employee.pk}
    people = {"employee": employee, "manager": manager, "HR": hr, "executive": executive}
    return people, ids


def populate(employees: int, keep: Path | None, *, fresh: bool) -> str:
    """Migrate, generate the group unless ``keep`` already holds it, analyse; says which."""
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    if fresh:
        started = time.perf_counter()
        call_command("generate_enterprise", employees=employees, prefix="BENCH")
        generated = f"generated in {time.perf_counter() - started:.0f} s"
        if keep:
            (keep / "generated.txt").write_text(f"{employees} {generated}\n")
    elif keep is None:
        generated = "reused: a running server"
    else:
        marker = keep / "generated.txt"
        if not marker.exists():
            raise SystemExit(f"{keep} holds no finished generation: delete it and run again")
        generated = "reused: " + marker.read_text().strip()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return generated


@dataclass
class Sample:
    """One page for one person: wall times of the requests, and what they cost."""

    times: list[float]  # wall time of each request, ms
    sql: list[float]  # time spent waiting for the database, per request, ms
    cpu: list[float]  # this process's CPU time, per request, ms
    backend: float | None  # PostgreSQL backend CPU per request, ms (mean: 10 ms ticks)
    queries: int
    status: int


def measure(get: Callable[[], Any], repeat: int) -> Sample:
    """``repeat`` requests after one warm-up. On a shared machine the wall time mostly says
    how long a request waited for a core; the SQL time, the Python CPU time and the
    PostgreSQL backend's CPU time say how much work it was."""
    from django.db import connection

    from benchmarks.bench_assessment import Meter

    count = 0
    waited = 0.0

    def counting(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal count, waited
        count += 1
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            waited += time.perf_counter() - started

    # Not CaptureQueriesContext: request_started resets the query log it reads.
    with connection.execute_wrapper(counting):
        status = get().status_code  # warm-up, and the query count of one request
        queries = count
        pid = None
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                pid = cursor.fetchone()[0]
        times, sql, cpu, backend = [], [], [], 0.0
        for _ in range(repeat):
            waited = 0.0
            with Meter(pid) as meter:
                get()
            times.append(meter.wall * 1000)
            cpu.append(meter.cpu * 1000)
            sql.append(waited * 1000)
            backend = backend + meter.backend if meter.backend is not None else backend
    mean_backend = backend * 1000 / repeat if pid is not None and repeat else None
    return Sample(times, sql, cpu, mean_backend, queries, status)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--employees", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--sqlite", action="store_true", help="SQLite instead of PostgreSQL")
    parser.add_argument("--only", action="append", default=[], help="page names to run")
    parser.add_argument(
        "--section",
        action="append",
        default=[],
        help="sections to run (a module of SECTIONS, or its last part: pages_core)",
    )
    parser.add_argument(
        "--keep", type=Path, help="keep (or reuse) the PostgreSQL data directory in this folder"
    )
    parser.add_argument("--database-url", help="a running PostgreSQL that holds a group")
    args = parser.parse_args(argv)
    with contextlib.ExitStack() as stack:
        fresh = True
        if args.sqlite:
            tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="spm-bench-"))
            os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        elif args.database_url:
            os.environ["DATABASE_URL"] = args.database_url
            fresh = False
        elif args.keep:
            _, fresh = stack.enter_context(kept_postgres(args.keep.resolve()))
        else:
            stack.enter_context(throwaway_postgres())
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spm.settings")
        os.environ.setdefault("SPM_TASKS_EAGER", "1")
        import django

        django.setup()
        from django.conf import settings
        from django.db import connection
        from django.test import Client
        from django.test.utils import setup_test_environment

        setup_test_environment()
        settings.ALLOWED_HOSTS = ["*"]
        generated = populate(args.employees, args.keep, fresh=fresh)
        people, ids = cast(PREFIX)
        pages: list[tuple[str, str]] = []
        for name in SECTIONS:
            if args.section and not {name, name.rsplit(".", 1)[-1]} & set(args.section):
                continue
            section = importlib.import_module(name)
            ids |= section.prepare()
            pages += [p for p in section.PAGES if not args.only or p[0] in args.only]
        engine = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
        print(
            f"\n{engine}, {args.employees} employees ({generated}), "
            f"{args.repeat} requests each, server time (Django test client); "
            f"load average at the start {os.getloadavg()[0]:.1f}:\n"
        )
        print("| page | as | median | p95 | SQL | Python CPU | PostgreSQL CPU | queries | status |")
        print("|---|---|---|---|---|---|---|---|---|")
        for name, url in pages:
            try:
                path = url.format(**ids)
            except KeyError as missing:
                print(f"| {name} | - | no {missing.args[0]} in the database: not measured |")
                continue
            for role, person in people.items():
                client = Client()
                client.force_login(person.user)
                got = measure(partial(client.get, path), args.repeat)
                backend = "-" if got.backend is None else f"{got.backend:,.0f} ms"
                print(
                    f"| {name} | {role} | {statistics.median(got.times):,.0f} ms "
                    f"| {percentile(got.times, 0.95):,.0f} ms "
                    f"| {statistics.median(got.sql):,.0f} ms "
                    f"| {statistics.median(got.cpu):,.0f} ms | {backend} "
                    f"| {got.queries} | {got.status} |",
                    flush=True,
                )
        # The machine is shared: a figure means little without the load it was taken at.
        print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main(sys.argv[1:])
