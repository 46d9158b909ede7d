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
(a mean: the kernel counts it in 10 ms ticks), the longest time the garbage collector took
inside one request and the number of queries of one request (garbage is collected before
each timed request, outside its time: see :func:`measure`). On a
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
import gc
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
    gc: list[float]  # of the wall time, the garbage collector's, per request, ms


def backend_ticks(pid: int | None) -> int | None:
    """CPU clock ticks of one PostgreSQL backend (``/proc/<pid>/stat``), None when it is
    not on this machine: one small read, not a walk of ``/proc``."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return sum(int(f) for f in fields[11:15])


def measure(get: Callable[[], Any], repeat: int) -> Sample:
    """``repeat`` requests after one warm-up. On a shared machine the wall time mostly says
    how long a request waited for a core; the SQL time, the Python CPU time and the
    PostgreSQL backend's CPU time say how much work it was.

    Only the request is timed: the backend's CPU is read before and after it, outside the
    window (a walk of ``/proc`` took 3 ms of CPU and 20 ms of wall time, and was counted in
    every request). Python CPU is ``time.process_time`` (nanoseconds, not the 10 ms ticks of
    ``os.times``). Before each timed request the garbage left by the earlier ones is
    collected, outside the timing: otherwise a full collection of this process's heap (the
    benchmark's own objects: the test client's responses and contexts, the cast, what the
    sections prepared) lands in one request now and then, 0.2-1.7 s of a 10-40 ms page, a
    pause a server process with a request's garbage to collect would not have. The
    collections a request triggers itself still count in its time (the ``GC`` figure)."""
    from django.db import connection

    count = 0
    waited = 0.0
    collecting = 0.0

    def counting(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal count, waited
        count += 1
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            waited += time.perf_counter() - started

    def collector(phase: str, info: dict[str, Any]) -> None:
        nonlocal collecting
        collecting += time.perf_counter() * (-1 if phase == "start" else 1)

    # Not CaptureQueriesContext: request_started resets the query log it reads.
    with connection.execute_wrapper(counting):
        status = get().status_code  # warm-up, and the query count of one request
        queries = count
        pid = None
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                pid = cursor.fetchone()[0]
        times, sql, cpu, collected, backend = [], [], [], [], 0
        for _ in range(repeat):
            gc.collect()  # outside the timing: see above
            waited = collecting = 0.0
            ticks = backend_ticks(pid)
            gc.callbacks.append(collector)
            try:
                wall, used = time.perf_counter(), time.process_time()
                get()
                used, wall = time.process_time() - used, time.perf_counter() - wall
            finally:
                gc.callbacks.remove(collector)
            after = backend_ticks(pid)
            if ticks is not None and after is not None:
                backend += after - ticks
            times.append(wall * 1000)
            cpu.append(used * 1000)
            sql.append(waited * 1000)
            collected.append(collecting * 1000)
    on_machine = pid is not None and backend_ticks(pid) is not None
    ms_per_tick = 1000 / os.sysconf("SC_CLK_TCK")
    mean_backend = backend * ms_per_tick / repeat if on_machine and repeat else None
    return Sample(times, sql, cpu, mean_backend, queries, status, collected)


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

        # Not ``setup_test_environment``: it makes every template render send a signal the
        # test client answers by copying the context, per template and include — work (and
        # garbage) a server does not have. Of it, only what the pages need: any host, and
        # mail kept in memory.
        settings.ALLOWED_HOSTS = ["*"]
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        generated = populate(args.employees, args.keep, fresh=fresh)
        people, ids = cast(PREFIX)
        pages: list[tuple[str, str]] = []
        for name in SECTIONS:
            if args.section and not {name, name.rsplit(".", 1)[-1]} & set(args.section):
                continue
            section = importlib.import_module(name)
            ids |= section.prepare()
            pages += [p for p in section.PAGES if not args.only or p[0] in args.only]
        # What this process holds by now (Django, the cast, the sections' data) is never
        # garbage: out of the collector's sight, as a server process's modules after start-up
        # (``spm.wsgi``), so that a collection costs what a request left, not the heap.
        gc.collect()
        gc.freeze()
        engine = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
        print(
            f"\n{engine}, {args.employees} employees ({generated}), "
            f"{args.repeat} requests each, server time (Django test client); "
            f"load average at the start {os.getloadavg()[0]:.1f}. Garbage is collected "
            "before each timed request, outside its time; GC is the collections the request "
            "itself set off (the most of one request):\n"
        )
        print(
            "| page | as | median | p95 | SQL | Python CPU | PostgreSQL CPU | GC | queries "
            "| status |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|")
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
                    f"| {statistics.median(got.cpu):,.1f} ms | {backend} "
                    f"| {max(got.gc):,.1f} ms | {got.queries} | {got.status} |",
                    flush=True,
                )
        # The machine is shared: a figure means little without the load it was taken at.
        print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main(sys.argv[1:])
