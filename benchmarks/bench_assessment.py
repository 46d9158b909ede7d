"""Time of computing the annual assessment cycle of the synthetic group, on PostgreSQL,
against the floor: the same quantitative arithmetic as one plain SQL statement.

    .venv/bin/python benchmarks/bench_assessment.py --employees 20000 --start-postgres
    .venv/bin/python benchmarks/bench_assessment.py --employees 100000 \\
        --database-url postgres://...
    .venv/bin/python benchmarks/bench_assessment.py --kept /work/benchdata/pg100k \\
        --cycle 1 --empty

``--kept DIR`` runs the server of a kept data directory (one that an earlier run with a
new ``DIR`` generated); ``--cycle N --empty`` then times that cycle from empty results
(its values, explanations and digests cleared and the table rewritten first, untimed).
``--processes`` (default: ``assessment.compute.PROCESSES``, the machine's cores, at most 4)
is how many chunks are computed at once. ``--start-postgres`` runs a throwaway PostgreSQL
(the test harness's: initdb in a temporary directory, loopback only, fsync off) and
removes it afterwards. The script then:

1. builds the group with ``generate_enterprise`` (every unit and employee gets a scorecard
   of ten quantitative items — unit scorecards also a milestone project, people a key
   task — and ten months of actuals);
2. creates the group scheme and the annual cycle over the whole group and opens it (one
   result per scorecard);
3. times ``compute_cycle`` — exactly what the Celery task runs: chunks by org unit, a fixed
   number of queries per chunk, the pure rules, bulk update with audit rows — once from
   empty results and once again (a re-run that finds nothing to change);
4. times one SQL statement that computes every final score of the cycle with the same
   rules (period values, tiers, milestones with the grace period, rescaled weights,
   key-task points, capped bonus points, deductions, exemptions, qualitative part) without
   writing anything, and checks that it agrees with the engine to the cent (the run fails
   when a single score differs). PostgreSQL divides ``numeric`` values to about 16
   significant digits, so a score exactly on a half cent (say 63.015, a sum of thirds)
   came out as 63.01499999… and rounded down; the engine's Decimal arithmetic keeps 28
   digits and rounds it up, as §3.5 says (checked again at 60 digits). The floor therefore
   rounds to 10 decimals (the precision the explanation shows) before rounding to cents;
5. prints the times and the ratio engine / floor.

Every figure measured so far, with what each version changed: ``benchmarks/RESULTS.md``,
section "Assessment compute". Measured on the shared build machine, the wall times are
inflated by the load: the script prints the CPU times (this process and its computing
children; every process of the PostgreSQL server) and the load average with each.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FLOOR_SQL = """
WITH res AS (
    SELECT r.id, r.scorecard_id FROM assessment_assessmentresult r WHERE r.cycle_id = %(cycle)s
), exempt AS (
    SELECT e.result_id, e.item_id FROM assessment_exemption e
    JOIN res ON res.id = e.result_id WHERE e.status = 'approved'
), items AS (
    SELECT res.id AS result_id, i.id, i.kind, i.weight, i.polarity, i.aggregation,
           i.baseline, i.target, i.challenge
    FROM scorecard_scorecarditem i JOIN res ON res.scorecard_id = i.scorecard_id
    WHERE i.kind IN ('quantitative', 'milestone')
      AND NOT EXISTS (SELECT 1 FROM exempt x WHERE x.result_id = res.id AND x.item_id = i.id)
), vals AS (
    SELECT a.item_id, SUM(a.value) AS s, AVG(a.value) AS av,
           (ARRAY_AGG(a.value ORDER BY a.month DESC))[1] AS last
    FROM scorecard_monthlyactual a JOIN items i ON i.id = a.item_id AND i.kind = 'quantitative'
    WHERE a.month BETWEEN %(first)s AND %(last)s AND a.status <> 'rejected'
    GROUP BY a.item_id
), q AS (
    SELECT i.result_id, i.weight, i.baseline, i.target, i.challenge,
           CASE WHEN i.polarity = 'higher' THEN 1 ELSE -1 END AS sg,
           CASE i.aggregation WHEN 'sum' THEN v.s WHEN 'average' THEN v.av ELSE v.last END AS x
    FROM items i LEFT JOIN vals v ON v.item_id = i.id WHERE i.kind = 'quantitative'
), scored AS (
    SELECT result_id, weight,
           CASE WHEN x IS NULL THEN 0
                WHEN sg * x >= sg * challenge THEN 120
                WHEN sg * x < sg * baseline THEN 0
                WHEN sg * x < sg * target
                    THEN 60 + (sg * x - sg * baseline) * 40 / (sg * target - sg * baseline)
                ELSE 100 + (sg * x - sg * target) * 20 / (sg * challenge - sg * target)
           END AS score
    FROM q
    UNION ALL
    SELECT i.result_id, i.weight,
           SUM(COALESCE(m.weight, 1) * CASE
                WHEN d.done IS NULL OR d.done > %(end)s THEN 0
                WHEN d.done <= m.due_date THEN 100
                WHEN d.done <= m.due_date + %(grace)s THEN 80
                ELSE 60 END) / SUM(COALESCE(m.weight, 1))
    FROM items i
    JOIN scorecard_milestone m ON m.item_id = i.id
    LEFT JOIN assessment_milestoneconfirmation c
        ON c.milestone_id = m.id AND c.result_id = i.result_id
    CROSS JOIN LATERAL (SELECT CASE WHEN c.id IS NULL THEN m.completed_on
                                    ELSE c.completed_on END AS done) d
    WHERE i.kind = 'milestone'
    GROUP BY i.result_id, i.id, i.weight
), weighted AS (
    SELECT result_id, SUM(score * weight) / NULLIF(SUM(weight), 0) AS w
    FROM scored GROUP BY result_id
), kt AS (
    SELECT g.result_id, SUM(CASE g.grade WHEN 'high_quality' THEN 2 WHEN 'good' THEN 1
                                 WHEN 'completed' THEN 0 WHEN 'uncompleted' THEN -2
                                 ELSE -5 END) AS pts
    FROM assessment_keytaskgrade g JOIN res ON res.id = g.result_id
    WHERE NOT EXISTS (SELECT 1 FROM exempt x WHERE x.result_id = g.result_id
                                              AND x.item_id = g.item_id)
    GROUP BY g.result_id
), adj AS (
    SELECT a.result_id,
           LEAST(SUM(CASE WHEN a.kind = 'bonus' THEN a.points ELSE 0 END), %(cap)s)
           - SUM(CASE WHEN a.kind = 'deduction' THEN a.points ELSE 0 END) AS pts
    FROM assessment_adjustment a JOIN res ON res.id = a.result_id
    WHERE a.status = 'approved' GROUP BY a.result_id
), parts AS (
    SELECT res.id, COALESCE(weighted.w, 0) + COALESCE(kt.pts, 0) + COALESCE(adj.pts, 0) AS qp,
           qr.rating
    FROM res LEFT JOIN weighted ON weighted.result_id = res.id
    LEFT JOIN kt ON kt.result_id = res.id LEFT JOIN adj ON adj.result_id = res.id
    LEFT JOIN assessment_qualitativerating qr ON qr.result_id = res.id
)
SELECT id, ROUND(ROUND(CASE WHEN rating IS NULL THEN qp
                            ELSE (1 - %(qw)s) * qp + %(qw)s * rating END, 10), 2) AS final
FROM parts
"""


class Meter:
    """Wall time, CPU time of this process and its children (the computation's forked
    processes), CPU time of the PostgreSQL server (every process of it: the backends of
    all connections, including those already closed, and its background work), with the
    load average: on a shared machine the wall time mostly says how long the phase waited
    for a core, the CPU times say how much work it was."""

    def __init__(self, postmaster: int | None) -> None:
        self.postmaster = postmaster

    def _server(self) -> float | None:
        """CPU seconds of the server's processes: the postmaster's own and its finished
        children's (``cutime``, ``cstime``) plus those of its live children."""
        if self.postmaster is None or not Path(f"/proc/{self.postmaster}").exists():
            return None  # a server on another machine
        fields = _stat(self.postmaster)
        ticks = sum(int(fields[i]) for i in (11, 12, 13, 14))
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                child = _stat(int(entry.name))
                if child and int(child[1]) == self.postmaster:
                    ticks += int(child[11]) + int(child[12])
        return ticks / os.sysconf("SC_CLK_TCK")

    @staticmethod
    def _cpu() -> float:
        times = os.times()
        return times.user + times.system + times.children_user + times.children_system

    def __enter__(self) -> Meter:
        self.started = (time.perf_counter(), self._cpu(), self._server())
        return self

    def __exit__(self, *exc: object) -> None:
        wall, cpu, backend = self.started
        self.wall = time.perf_counter() - wall
        self.cpu = self._cpu() - cpu
        after = self._server()
        self.backend = None if backend is None or after is None else after - backend

    def __str__(self) -> str:
        backend = "" if self.backend is None else f", PostgreSQL CPU {self.backend:.1f} s"
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        return (f"{self.wall:.2f} s (Python CPU {self.cpu:.1f} s{backend}; "
                f"load average {load})")  # fmt: skip


def _stat(pid: int) -> list[str]:
    """``/proc/<pid>/stat`` after the command name (field 3 on), empty once it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return []
    return text.rsplit(")", 1)[1].split()


def _ppid(pid: int) -> int | None:
    fields = _stat(pid)
    return int(fields[1]) if fields else None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--employees", type=int, default=20_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--start-postgres", action="store_true")
    parser.add_argument(
        "--cycle", type=int, default=0,
        help="time this opened, not yet computed cycle of the database instead of "
        "generating a group and opening one",
    )  # fmt: skip
    parser.add_argument(
        "--processes", type=int, default=0,
        help="processes computing chunks at once (default: assessment.compute.PROCESSES)",
    )  # fmt: skip
    parser.add_argument(
        "--empty", action="store_true",
        help="with --cycle: empty the cycle's computed values first (and VACUUM FULL), so "
        "the first run computes and writes every result",
    )  # fmt: skip
    parser.add_argument(
        "--kept", default="",
        help="run a kept server on this directory (benchmarks.postgres.kept_postgres): a "
        "new one generates the group, an existing one is used as it is (with --cycle)",
    )  # fmt: skip
    args = parser.parse_args()
    if args.kept:
        from benchmarks.postgres import kept_postgres

        with kept_postgres(Path(args.kept)) as (url, _fresh):
            args.database_url = url
            try:
                run(args)
            finally:
                from django.db import connections

                connections.close_all()
        return
    pg = None
    workdir = None
    if args.start_postgres:
        from tests.harness import Postgres, postgres_bindir

        bindir = postgres_bindir()
        if bindir is None:
            raise SystemExit("initdb not found")
        workdir = Path(tempfile.mkdtemp(prefix="spm-bench-"))
        workdir.chmod(0o755)
        pg = Postgres(bindir, workdir)
        args.database_url = pg.start()
    if not args.database_url.startswith("postgres"):
        raise SystemExit("give --start-postgres or a PostgreSQL --database-url")
    try:
        run(args)
    finally:
        if pg is not None:
            from django.db import connections

            connections.close_all()  # an open session can keep the server from stopping
            pg.stop()
        if workdir is not None:
            import shutil

            shutil.rmtree(workdir, ignore_errors=True)


def run(args: argparse.Namespace) -> None:
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spm.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from assessment.compute import PROCESSES, compute_cycle
    from assessment.models import AssessmentCycle, AssessmentResult
    from spm.clock import FixedClock

    call_command("migrate", verbosity=0)
    if args.cycle:
        cycle = AssessmentCycle.objects.get(pk=args.cycle)
        if args.empty:
            _empty(cycle)
    else:
        cycle = _generated_cycle(args.employees)
    now = FixedClock.on(cycle.period_span.end).now()
    with connection.cursor() as cursor:
        # Statistics as autovacuum keeps them in service (a freshly generated group has
        # none, and the floor's plan without them scans every actual for each item).
        cursor.execute("ANALYZE")

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        server = _ppid(cursor.fetchone()[0])  # the postmaster, parent of every backend
    processes = args.processes or PROCESSES
    print(f"{processes} processes; load average at start {os.getloadavg()}")
    with Meter(server) as first:
        outcome = compute_cycle(cycle.pk, now=now, processes=processes)
    print(f"compute_cycle (first run): {outcome.computed} results, {outcome.changed} written "
          f"in {first}")  # fmt: skip
    with Meter(server) as again:
        rerun = compute_cycle(cycle.pk, now=now, processes=processes)
    print(f"compute_cycle (re-run): {rerun.changed} written in {again}")

    rules = cycle.rules
    period = cycle.period_span
    params: dict[str, Any] = {
        "cycle": cycle.pk,
        "first": period.first_month,
        "last": period.last_month,
        "end": period.end,
        "grace": rules.grace_days,
        "cap": rules.bonus_cap,
        "qw": rules.qualitative_weight,
    }
    with connection.cursor() as cursor, Meter(server) as floor:
        cursor.execute(FLOOR_SQL, params)
        floor_rows = cursor.fetchall()
    engine_rows = dict(
        AssessmentResult.objects.filter(cycle=cycle).values_list("id", "final_score")
    )
    mismatches = [(pk, final, engine_rows.get(pk)) for pk, final in floor_rows
                  if engine_rows.get(pk) != final]  # fmt: skip
    print(f"SQL floor (one statement, read only): {len(floor_rows)} scores in {floor}; "
          f"{len(mismatches)} differ from the engine")  # fmt: skip
    print(f"ratio engine / floor: {first.wall / floor.wall:.1f}x (re-run "
          f"{again.wall / floor.wall:.1f}x)")  # fmt: skip
    if floor.backend:
        work = first.cpu + (first.backend or 0)
        print(f"ratio of CPU time (Python + PostgreSQL) engine / floor: "
              f"{work / floor.backend:.1f}x (re-run "
              f"{(again.cpu + (again.backend or 0)) / floor.backend:.1f}x)")  # fmt: skip
    if mismatches or len(floor_rows) != len(engine_rows):
        for pk, final, computed in mismatches[:20]:
            print(f"  result {pk}: floor {final}, engine {computed}")
        raise SystemExit("the engine and the floor disagree")


def _empty(cycle: Any) -> None:
    """The cycle's results as ``cycle_open`` left them (no values, no explanation, no
    digest), the table rewritten without the dead rows."""
    from django.db import connection

    from assessment.models import AssessmentResult

    started = time.perf_counter()
    AssessmentResult.objects.filter(cycle=cycle).update(
        quantitative_part=None, qualitative_part=None, final_score=None, grade="",
        vetoed=False, explanation={}, inputs_digest="", computed_at=None,
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM FULL ANALYZE {AssessmentResult._meta.db_table}")
    print(f"emptied the cycle's results in {time.perf_counter() - started:.1f} s")


def _generated_cycle(employees: int) -> Any:
    """Generate the group, create the scheme and the annual cycle, open it."""
    from assessment.models import AssessmentResult
    from assessment.services.cycles import cycle_create, cycle_open
    from assessment.services.schemes import scheme_create
    from org.generate import generate_enterprise
    from org.scoping import SYSTEM

    started = time.perf_counter()
    prefix = f"B{int(time.time()) % 100000}"
    generated = generate_enterprise(employees=employees, prefix=prefix, seed=1)
    print(
        f"generate_enterprise: {len(generated.employee_ids)} employees, "
        f"{len(generated.unit_ids)} units in {time.perf_counter() - started:.1f} s"
    )
    scheme = scheme_create(actor=SYSTEM, code=prefix, name="Bench", owner_unit=generated.group)
    cycle = cycle_create(
        actor=SYSTEM,
        name=f"Annual {prefix}",
        kind="annual",
        year=2026,
        owner_unit=generated.group,
        root_units=[generated.group],
        scheme=scheme,
    )
    started = time.perf_counter()
    cycle = cycle_open(actor=SYSTEM, cycle=cycle, version=None)
    results = AssessmentResult.objects.filter(cycle=cycle).count()
    print(f"cycle_open: {results} results in {time.perf_counter() - started:.1f} s")
    return cycle


if __name__ == "__main__":
    main()
