"""Time of one month's light-up sweep for a synthetic group on PostgreSQL, against a floor.

    .venv/bin/python -m benchmarks.bench_lightup [--employees 100000]
        [--database-url postgres://... | --start-postgres] [--quick] [--python] [--notify]

Without ``--database-url`` a throwaway PostgreSQL is started (the test harness's) and
``generate_enterprise`` builds the group in it (about 10 items and 10 months of actuals
per person; ~1.5 min for 20,000 and ~9 min for 100,000 people here, at load ~15;
the server and its data are deleted afterwards). With a URL whose database already holds a
generated group, generation is skipped.

Then, for October of the generated year, judged on 30 November (after the grace period):

- the floor: the classification reduced to its core (plan to date, deviation with the
  polarity's sign, the default §3.7 thresholds, grey for a missing month, the worst
  milestone) as ONE plain SQL statement, ``INSERT … SELECT … ON CONFLICT DO UPDATE`` into
  the same table. It does LESS than the sweep — no forecast, predicted miss, per-item
  thresholds, red streak, or exact half-to-even rounding — so it is a true lower bound;
- ``lightup_sweep`` (set-based, chunked by unit; on PostgreSQL each chunk judged by one
  SQL statement, :mod:`lightup.sweep_sql`, all of the above included; two chunks at a time
  on two connections, as the Celery task runs it: ``--connections`` changes that,
  ``--serial`` times a sweep on one connection too), without notifications (``--notify``
  adds a run that sends them; ``--python`` times the sweep judging in Python by the pure
  rules as well); ``--quick`` measures both into an empty table only, else also over
  their own rows and the floor with JIT on;

and prints for each the wall time, the CPU seconds of the server's client backends (all of
the run's connections, sampled; not autovacuum) and of this process, the load average
before and after, and the ratios sweep/floor. The floor is one statement, so one core;
the sweep uses two: its wall time can be below the floor's, its CPU time cannot.

The machine is 2 cores shared by several engineers (load average 8-23 while measuring), so
the wall time mostly measures the wait for a core; the CPU time is the steadier figure.

Where the CPU went (1 Dec 2026, 100,000 employees: 932,620 items, 9,000,018 actuals;
eight chunks, 39,940 items, backend CPU, load 10-15): reading the chunk's actuals by the
``item_id`` index ~7 us per item (a chunk's items are spread over the id range, so a
range scan was no cheaper); aggregates, fractions and divisions ~12 us; the upsert ~18
us (heap, three indexes, WAL; the deferred foreign-key check ~1 us; the half-to-even
rounding and the ON CONFLICT arbiter nothing measurable; JIT is off). Two changes paid:
the latest value as ``SUM(value) FILTER (WHERE month = <the month>)`` plus a key lookup
for the few items that have not reported it (it was a numeric ``MAX(month x 10^15 +
value)`` over every actual: -12 % on those chunks), and inserting in item order (the
unique index grows at one end instead of at random leaves: -12 %). Later, an interleaved
A/B of main's chunk statement against this one on 12 chunks (load 7-9) gave only -4 %
(3.14-3.17 s against 3.01-3.06 s): on this machine the CPU time of the same code varies
by up to ±40 % from one hour to the next. Both changes went into the floor too (its
latest value was an ordered ``ARRAY_AGG``), which stays the best single statement found.
The gain that holds is the second connection: two chunks at a time use both cores.

- Before (main at 767b7dd; CPU of the one backend), ``--quick``: floor 153.1 s wall,
  39.9 s CPU (load 6.8 -> 10.3); sweep (one connection) 194.7 s wall, 45.4 s CPU (load
  10.5 -> 9.4): ratio 1.27 wall, 1.14 CPU. On a quiet machine (load < 1, RESULTS.md):
  floor 46.6 s, sweep 54.7 s.
- After, ``--quick --serial``: floor 111.9 s wall, 27.2 s CPU (load 11.4 -> 11.9); sweep
  on two connections 96.3 s wall, 36.7 s CPU (load 11.9 -> 16.0): ratio 0.86 wall, 1.35
  CPU; on one connection 239.0 s wall, 38.8 s CPU (load 16.0 -> 22.7). Two connections
  cost no more CPU than one.
- Again (same code, ``--quick``): at load 21-23 floor 285.4 s / 40.4 s CPU, sweep 146.2 s /
  50.6 s (ratio 0.51 wall, 1.25 CPU); at load 9-10 floor 127.3 s / 39.2 s, sweep 88.0 s /
  54.0 s (ratio 0.69 wall, 1.38 CPU). Main's code in between (load 13-20): floor 247.4 s
  / 44.1 s, sweep 228.5 s / 54.1 s. On two free cores the sweep's wall time should be about half
  its CPU time and the floor's all of it: NOT measured here (never two free cores); the
  quiet-machine run decides the "under 30 s".
- The light tallies (1 Dec 2026, kept group, ``--quick``, load 8-17; CPU = PostgreSQL
  backends / Python). Main, each chunk recounting its units' tallies through the ORM:
  51.2 / 4.8 s and 56.2 / 5.6 s (quiet: 34.5 s wall, floor 38.1 s). One refresh after the
  last chunk (branch ``tally``): lights 52.2 / 1.1 s, then the refresh 3.2 / 0.2 s (quiet:
  27.1 s + 3.6 s) — and two sweeps of one unit collided on the tallies' key. Now, counted
  in each chunk's statement from the rows it writes: 54.2, 52.9, 52.7, 52.3 / 1.0-1.1 s,
  the tallies checked equal to the lights each time; an A/B of the chunk statement with
  and without them (32 chunks, alternating): +7 % CPU. Quiet figure: for the lead's run.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MONTH = 10
TODAY = datetime.date(2026, 11, 30)

FLOOR_SQL = """
WITH items AS (
    SELECT i.id, i.kind, i.polarity, i.aggregation, i.target
    FROM scorecard_scorecarditem i JOIN scorecard_scorecard s ON s.id = i.scorecard_id
    WHERE s.year = %(year)s AND i.kind IN ('quantitative', 'milestone')
), act AS (
    SELECT g.*, g.now IS NOT NULL AS reported, COALESCE(g.now, (SELECT v.value
        FROM scorecard_monthlyactual v WHERE v.item_id = g.item_id AND v.month = g.last_month)
    ) AS last_value FROM (
        SELECT a.item_id, COUNT(*) AS n, SUM(a.value) AS total, MAX(a.month) AS last_month,
               SUM(a.value) FILTER (WHERE a.month = %(month)s) AS now
        FROM scorecard_monthlyactual a JOIN items ON items.id = a.item_id
        WHERE a.month <= %(month)s AND a.status <> 'rejected'
        GROUP BY a.item_id
    ) g
), pl AS (
    SELECT g.item_id, g.total, COALESCE(g.now, (SELECT v.value FROM scorecard_itemmonthlyplan v
        WHERE v.item_id = g.item_id AND v.month = g.last_month)) AS latest
    FROM (
        SELECT p.item_id, SUM(p.value) AS total, MAX(p.month) AS last_month,
               SUM(p.value) FILTER (WHERE p.month = %(month)s) AS now
        FROM scorecard_itemmonthlyplan p JOIN items ON items.id = p.item_id
        WHERE p.month <= %(month)s GROUP BY p.item_id
    ) g
), ms AS (
    SELECT m.item_id, MAX(CASE
        WHEN m.completed_on IS NOT NULL AND m.completed_on <= %(as_of)s THEN 0
        WHEN m.due_date < %(as_of)s THEN 2
        WHEN m.due_date <= %(as_of)s + 30 THEN 1 ELSE 0 END) AS sev
    FROM scorecard_milestone m JOIN items ON items.id = m.item_id GROUP BY m.item_id
), q AS (
    SELECT items.id, items.kind, items.polarity, act.n, COALESCE(act.reported, false) AS reported,
        CASE items.aggregation WHEN 'sum' THEN act.total WHEN 'average' THEN act.total / act.n
             ELSE act.last_value END AS actual,
        CASE WHEN items.aggregation = 'sum'
             THEN COALESCE(pl.total, items.target * act.last_month / 12.0)
             ELSE COALESCE(pl.latest, items.target) END AS plan,
        ms.sev
    FROM items LEFT JOIN act ON act.item_id = items.id LEFT JOIN pl ON pl.item_id = items.id
    LEFT JOIN ms ON ms.item_id = items.id
), d AS (
    SELECT q.*, CASE WHEN q.plan IS NULL OR q.plan = 0 OR q.actual IS NULL THEN NULL
        ELSE (CASE WHEN q.polarity = 'lower' THEN -1 ELSE 1 END) * (q.actual - q.plan) / ABS(q.plan)
        END AS dev
    FROM q
)
INSERT INTO lightup_lightstatus (item_id, year, month, colour, deviation, plan_to_date,
    actual_to_date, forecast, predicted_miss, missing, red_streak, computed_at)
SELECT id, %(year)s, %(month)s,
    CASE WHEN kind = 'milestone' THEN
            CASE COALESCE(sev, -1) WHEN -1 THEN 'grey' WHEN 0 THEN 'green' WHEN 1 THEN 'yellow'
            ELSE 'red' END
         WHEN NOT reported AND %(overdue)s THEN 'grey'
         WHEN n IS NULL THEN 'grey'
         WHEN dev IS NULL OR dev >= -0.05 THEN 'green'
         WHEN dev >= -0.15 THEN 'yellow' ELSE 'red' END,
    ROUND(dev, 6), ROUND(plan, 4), ROUND(actual, 4), NULL, false,
    kind = 'quantitative' AND NOT reported AND %(overdue)s, 0, now()
FROM d
ORDER BY id
ON CONFLICT (item_id, year, month) DO UPDATE SET colour = EXCLUDED.colour,
    deviation = EXCLUDED.deviation, plan_to_date = EXCLUDED.plan_to_date,
    actual_to_date = EXCLUDED.actual_to_date, missing = EXCLUDED.missing,
    computed_at = EXCLUDED.computed_at
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--employees", type=int, default=100_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--notify", action="store_true")
    parser.add_argument(
        "--start-postgres",
        action="store_true",
        help="start a throwaway PostgreSQL (the default when no --database-url is given)",
    )
    parser.add_argument(
        "--python",
        action="store_true",
        help="also time the sweep judging in Python (in_sql=False: the pure rules)",
    )
    parser.add_argument(
        "--connections",
        type=int,
        default=0,
        help="chunks judged at once, each on its own connection (default: the sweep's own, "
        "lightup.services.SWEEP_CONNECTIONS)",
    )
    parser.add_argument(
        "--serial",
        action="store_true",
        help="also time the sweep on one connection, into an empty table",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="one floor (JIT off) and one sweep, both into an empty table; no ANALYZE "
        "when the tables were analysed before (for the 100,000-person group)",
    )
    args = parser.parse_args()

    if args.start_postgres or not args.database_url:
        from benchmarks.postgres import throwaway_postgres

        with throwaway_postgres() as url:  # deleted afterwards (3 GB at 100,000 people)
            args.database_url = url
            run(args)
        return
    run(args)


def load() -> str:
    """The machine's load average (1, 5, 15 min): the machine is shared."""
    return "load {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())


def _stat(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def backend_cpu(pid: int) -> float | None:
    """CPU seconds (user + system) the server process ``pid`` has used, when it runs on this
    machine: on a shared machine the wall time mostly measures the wait for a core."""
    fields = _stat(pid)
    if fields is None:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Backends:
    """CPU seconds used by the server's client backends (of the benchmark's own database
    user, so not autovacuum or another session's) while it is open: every child of the
    postmaster is sampled five times a second, so the connections a sweep opens and closes
    count as well as the benchmark's own (each loses at most its last 0.2 s)."""

    def __init__(self, pid: int) -> None:
        fields = _stat(pid)
        self.postmaster = int(fields[1]) if fields else None
        try:  # "postgres: <user> <database> <client>": the benchmark's user and database
            self.title = b" ".join(Path(f"/proc/{pid}/cmdline").read_bytes().split()[:3])
        except OSError:
            self.postmaster = None
        self.seen: dict[int, float] = {}
        self.start: dict[int, float] = {}
        self.done = threading.Event()

    def _children(self) -> list[int]:
        listed = Path(f"/proc/{self.postmaster}/task/{self.postmaster}/children")
        try:
            return [int(pid) for pid in listed.read_text().split()]
        except OSError:  # a kernel without the list: every process
            return [int(e.name) for e in Path("/proc").iterdir() if e.name.isdigit()]

    def _sample(self) -> None:
        for pid in self._children():
            fields = _stat(pid)
            if fields is None or int(fields[1]) != self.postmaster:
                continue
            try:
                title = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if not title.startswith(self.title):
                continue
            self.seen[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def __enter__(self) -> Backends:
        if self.postmaster is not None:
            self._sample()
            self.start = dict(self.seen)
            self.thread = threading.Thread(target=self._run, daemon=True)
            self.thread.start()
        return self

    def _run(self) -> None:
        while not self.done.wait(0.2):
            self._sample()

    def __exit__(self, *exc: object) -> None:
        self.done.set()
        if self.postmaster is not None:
            self.thread.join()
            self._sample()

    @property
    def cpu(self) -> float | None:
        if self.postmaster is None:
            return None
        return sum(cpu - self.start.get(pid, 0.0) for pid, cpu in self.seen.items())


class Measured:
    """Wall time, the server's and this process's CPU time, load before and after."""

    def __init__(self, label: str, pid: int) -> None:
        self.label, self.pid = label, pid

    def __enter__(self) -> Measured:
        self.load_before = load()
        self.backends = Backends(self.pid).__enter__()
        self.python = time.process_time()
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.started
        self.backends.__exit__()
        self.server_cpu = self.backends.cpu
        python = time.process_time() - self.python
        cpu = "?" if self.server_cpu is None else f"{self.server_cpu:.1f}"
        print(
            f"  {self.label:<44} {self.wall:7.1f} s  (PostgreSQL CPU {cpu} s, Python CPU "
            f"{python:.1f} s; {self.load_before} -> {load()})",
            flush=True,
        )


def ratio(sweep: Measured, floor: Measured) -> str:
    cpu = (
        f", CPU {sweep.server_cpu / floor.server_cpu:.2f}"
        if sweep.server_cpu and floor.server_cpu
        else ""
    )
    return f"ratio sweep/floor: wall {sweep.wall / floor.wall:.2f}{cpu}"


def run(args: argparse.Namespace) -> None:
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spm.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models import Sum

    from lightup import rules
    from lightup.models import LightStatus, LightTally, ObjectiveTally
    from lightup.services import SWEEP_CONNECTIONS, lightup_sweep
    from org.scoping import SYSTEM
    from scorecard.models import MonthlyActual, Scorecard, ScorecardItem

    call_command("migrate", verbosity=0)
    if not Scorecard.objects.exists():
        started = time.perf_counter()
        call_command("generate_enterprise", employees=args.employees, prefix="LU", verbosity=0)
        print(f"generated {args.employees:,} employees in {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT last_analyze IS NULL AND last_autoanalyze IS NULL FROM "
            "pg_stat_user_tables WHERE relname = 'scorecard_monthlyactual'"
        )
        never_analysed = cursor.fetchone()[0]
        if never_analysed or not args.quick:
            cursor.execute("ANALYZE")
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    year = Scorecard.objects.order_by("-year").values_list("year", flat=True).first()
    assert year is not None
    items = ScorecardItem.objects.filter(
        scorecard__year=year, kind__in=["quantitative", "milestone"]
    ).count()
    actuals = MonthlyActual.objects.count()
    print(
        f"{connection.vendor}: {items:,} items to light up ({actuals:,} actuals), "
        f"{year}-{MONTH:02d} judged on {TODAY}"
    )
    params = {
        "year": year,
        "month": MONTH,
        "as_of": rules.as_of_date(year, MONTH, TODAY),
        "overdue": rules.is_overdue_report(year, MONTH, TODAY),
    }

    def floor(label: str, jit: bool = False) -> Measured:
        """The floor statement in its own transaction, with PostgreSQL's JIT compiler off
        (as the sweep runs it: the fairer floor) or on (the server's default)."""
        with Measured(label, pid) as measured, transaction.atomic(), connection.cursor() as c:
            if not jit:
                c.execute("SET LOCAL jit = off")
            c.execute(FLOOR_SQL, params)
        return measured

    connections = args.connections or SWEEP_CONNECTIONS

    def sweep(
        label: str, notify: bool = False, in_sql: bool = True, connections: int = connections
    ) -> Measured:
        with Measured(label, pid) as measured:
            result = lightup_sweep(
                actor=SYSTEM,
                year=year,
                month=MONTH,
                today=TODAY,
                notify=notify,
                email=False,
                in_sql=in_sql,
                connections=connections,
            )
        print(f"    {result.items:,} items in {result.chunks} chunks: {result.colours}")
        # The tallies it kept (in each chunk's statement) count exactly the lights it wrote.
        tallied = dict(
            LightTally.objects.filter(year=year, month=MONTH)
            .order_by()
            .values_list("colour")
            .annotate(n=Sum("lights"))
        )
        assert tallied == {c: n for c, n in result.colours.items() if n}, tallied
        print("    its tallies: the same counts")
        return measured

    def empty() -> None:
        # The tallies the sweep keeps go with the lights they count.
        tables = (LightStatus, LightTally, ObjectiveTally)
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE " + ", ".join(m._meta.db_table for m in tables))

    empty()
    floor_new = floor("floor (one SQL statement), empty table:")
    empty()
    sweep_new = sweep(f"lightup_sweep (SQL, {connections} connections), empty table:")
    print(f"  {ratio(sweep_new, floor_new)} (empty table)")
    if args.serial:
        empty()
        serial = sweep("lightup_sweep (SQL, 1 connection), empty table:", connections=1)
        print(f"  {ratio(serial, floor_new)} (empty table, one connection)")
    if not args.quick:
        floor_again = floor("floor, over its own rows:")
        floor("floor with JIT on (server default), over its rows:", jit=True)
        sweep_again = sweep("lightup_sweep (SQL), over its own rows:")
        print(f"  {ratio(sweep_again, floor_again)} (over existing rows)")
    if args.python:
        empty()
        sweep("lightup_sweep (Python rules), empty table:", in_sql=False)
    if args.notify:
        sweep("lightup_sweep with notifications:", notify=True)


if __name__ == "__main__":
    main()
