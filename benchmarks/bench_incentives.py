"""Time of computing the payouts of the synthetic group's annual cycle on PostgreSQL, and
of the what-if over the same cycle.

    .venv/bin/python benchmarks/bench_incentives.py --employees 20000 --start-postgres
    .venv/bin/python benchmarks/bench_incentives.py --employees 100000 --start-postgres

The script:

1. builds the group with ``generate_enterprise`` — the org part only: the strategy and
   scorecard generators (items, targets, months of actuals) are switched off for this run,
   because payouts read none of it — and gives every employee and every unit an empty
   scorecard for the year (COPY, ``spm.bulk.copy_models``);
2. opens an annual cycle over the group (one result per scorecard, through
   ``cycle_open``), then gives every result a grade with one SQL ``UPDATE`` (a fixed,
   skewed distribution by id; one in 97 vetoed) — the scores themselves are the
   assessment benchmark's business (``bench_assessment.py``) — and finalises the cycle;
3. writes the scheme: the §3.5 coefficients, a cap of twice the base bonus, the unit-grade
   factor on, and a pool on each of the first three companies (the sum of its people's
   base bonuses), so both paths — pools allocated to the cent, people paid alone — run;
4. times ``compute_payouts`` — exactly what the Celery task runs — from empty, and a
   re-run that finds nothing to change;
5. checks the result: every pool pays out its amount x factor to the cent, and the people
   paid alone get, in total, what one SQL statement computes from their base bonus and
   coefficient (the "floor", timed too);
6. times the what-if of a changed coefficient over the whole cycle (``whatif.compare``),
   then the same what-if as the job the page and the API start (``whatif_start``; the
   task runs in-process here), which must give the same totals.

Measured on the shared 2-core build machine, 30 Nov 2026, PostgreSQL 15 with fsync off,
load average 9-17 from other engineers' runs (two other 100k benchmarks at the same time),
so absolute times are inflated several-fold:

- 5,000 employees: first run 9.98 s (501 payouts/s), re-run 1.69 s (nothing written),
  3 pools of 806 exact to the cent, the 2,582 people paid alone equal to the SQL floor;
  what-if 1.86 s.
- 100,000 employees (3,262 units; org generated in 114 s, cycle opened and graded in
  323 s): first run **275.1 s** (363 payouts/s, every payout and its audit row written),
  re-run 46.9 s (0 written), the 3 pools (786 people each) exact to the cent, the 97,642
  people paid alone 17,491,550,400.00 — equal to the SQL floor (0.78 s, read only); what-if
  over the whole cycle 25.5 s. Most of the first run is ``bulk_create_with_history``
  (Django's insert of the payout and its history row), not the rules.

Again after the what-if became a job, same machine, 30 Nov 2026 evening, load average
15-20 (every figure inflated accordingly):

- 20,000 employees (662 units; org 47.8 s, cycle opened and graded 87.5 s): first run
  46.25 s (432 payouts/s), 3 pools of 806 exact to the cent, the 17,582 people paid alone
  equal to the SQL floor; what-if ``compare`` 12.18 s, the what-if job 16.73 s (progress
  60,000/60,000, same totals).
- 100,000 employees (3,262 units; org 145.7 s, cycle opened and graded 353.4 s): first
  run 341.91 s (292 payouts/s), re-run 74.31 s (0 written), the 3 pools (786 people each)
  exact to the cent, the 97,642 people paid alone 17,491,550,400.00 = the SQL floor;
  what-if ``compare`` 75.86 s, the what-if job 65.85 s (progress 300,000/300,000, same
  totals: 17,923,571,500.00 -> 18,426,202,300.00, 31,214 people change).
"""

from __future__ import annotations

import argparse
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GRADE_SQL = """
UPDATE assessment_assessmentresult SET
    grade = CASE WHEN id %% 20 < 3 THEN 'excellent' WHEN id %% 20 < 9 THEN 'good'
                 WHEN id %% 20 < 16 THEN 'qualified' WHEN id %% 20 < 19 THEN 'basic'
                 ELSE 'unqualified' END,
    vetoed = (id %% 97 = 0)
WHERE cycle_id = %s
"""

FLOOR_SQL = """
SELECT COALESCE(SUM(ROUND(e.base_bonus * CASE WHEN r.vetoed THEN %(unqualified)s ELSE
    CASE r.grade WHEN 'excellent' THEN %(excellent)s WHEN 'good' THEN %(good)s
                 WHEN 'qualified' THEN %(qualified)s WHEN 'basic' THEN %(basic)s
                 ELSE %(unqualified)s END END, 2)), 0)
FROM assessment_assessmentresult r
JOIN org_employee e ON e.id = r.employee_id
JOIN org_orgunit u ON u.id = r.unit_id
WHERE r.cycle_id = %(cycle)s AND NOT (u.path LIKE ANY (%(pools)s))
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--employees", type=int, default=20_000)
    parser.add_argument("--start-postgres", action="store_true")
    parser.add_argument("--profile", action="store_true", help="cProfile the first run")
    args = parser.parse_args()
    if not args.start_postgres:
        raise SystemExit("give --start-postgres (a throwaway PostgreSQL is started)")
    from benchmarks.postgres import throwaway_postgres

    with throwaway_postgres():
        try:
            run(args)
        finally:
            from django.db import connections

            connections.close_all()  # an open session can keep the server from stopping


def run(args: argparse.Namespace) -> None:
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spm.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Sum

    from assessment.models import AssessmentCycle, AssessmentResult, CycleStatus
    from assessment.services.cycles import cycle_create, cycle_open
    from assessment.services.schemes import scheme_create
    from incentives import compute, whatif
    from incentives.models import BonusScheme, Payout, UnitPool
    from incentives.rules import cents
    from incentives.whatif_jobs import result_of, whatif_start
    from org.generate import generate_enterprise
    from org.models import Employee, OrgUnit
    from org.scoping import SYSTEM
    from scorecard.models import Scorecard
    from spm import registry
    from spm.bulk import copy_models

    call_command("migrate", verbosity=0)
    for name in registry.generators.names():
        registry.generators.unregister(name)  # the org only: payouts read no goals
    year = 2026
    started = time.perf_counter()
    prefix = f"I{int(time.time()) % 100000}"
    generated = generate_enterprise(employees=args.employees, prefix=prefix, seed=1)
    print(
        f"generate_enterprise (org only): {len(generated.employee_ids)} employees, "
        f"{len(generated.unit_ids)} units in {time.perf_counter() - started:.1f} s"
    )
    started = time.perf_counter()
    people = Employee.objects.filter(pk__in=generated.employee_ids).values_list("pk", "unit_id")
    cards = [Scorecard(unit_id=unit, employee_id=pk, year=year) for pk, unit in people]
    cards += [Scorecard(unit_id=unit, year=year) for unit in generated.unit_ids]
    copy_models(cards)
    print(f"scorecards: {len(cards)} in {time.perf_counter() - started:.1f} s")

    group = generated.group
    scheme = scheme_create(actor=SYSTEM, code=prefix, name="Bench", owner_unit=group)
    cycle = cycle_create(
        actor=SYSTEM,
        name=f"Annual {prefix}",
        kind="annual",
        year=year,
        owner_unit=group,
        root_units=[group],
        scheme=scheme,
    )
    started = time.perf_counter()
    cycle = cycle_open(actor=SYSTEM, cycle=cycle, version=None)
    with connection.cursor() as cursor:
        cursor.execute(GRADE_SQL, [cycle.pk])
    AssessmentCycle.objects.filter(pk=cycle.pk).update(status=CycleStatus.FINALISED)
    results = AssessmentResult.objects.filter(cycle=cycle, employee__isnull=False).count()
    print(f"cycle opened and graded: {results} employee results in "
          f"{time.perf_counter() - started:.1f} s")  # fmt: skip

    companies = list(OrgUnit.objects.filter(parent=group).order_by("path")[:3])
    bonus = BonusScheme.objects.create(
        name="Bench bonus", version=1, cap_ratio=Decimal(2), unit_factor=True
    )
    for unit in companies:
        total = Employee.objects.filter(unit__path__startswith=unit.path).aggregate(
            s=Sum("base_bonus")
        )["s"] or Decimal(0)
        UnitPool.objects.create(scheme=bonus, unit=unit, amount=total)

    started = time.perf_counter()
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        outcome = profiler.runcall(compute.compute_payouts, cycle.pk)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    else:
        outcome = compute.compute_payouts(cycle.pk)
    first = time.perf_counter() - started
    print(f"compute_payouts (first run): {outcome.computed} payouts, {outcome.changed} "
          f"written in {first:.2f} s ({outcome.computed / first:.0f} per second)")  # fmt: skip
    started = time.perf_counter()
    again = compute.compute_payouts(cycle.pk)
    print(f"compute_payouts (re-run): {again.changed} written in "
          f"{time.perf_counter() - started:.2f} s")  # fmt: skip

    terms = compute.terms_of(bonus, cycle)
    for unit in companies:
        paid = Payout.objects.filter(cycle=cycle, pool_unit=unit).aggregate(s=Sum("amount"))["s"]
        from incentives.plan import factor_of

        due = cents(terms.pools[unit.path] * factor_of(unit.path, terms))
        members = Payout.objects.filter(cycle=cycle, pool_unit=unit).count()
        print(f"pool {unit.code}: {members} people, due {due}, paid {paid}, "
              f"{'exact' if paid == due else 'MISMATCH'}")  # fmt: skip
    alone = Payout.objects.filter(cycle=cycle, pool_unit__isnull=True)
    params: dict[str, Any] = dict(terms.coefficients)
    params |= {"cycle": cycle.pk, "pools": [f"{u.path}%" for u in companies]}
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(FLOOR_SQL, params)
        (floor_total,) = cursor.fetchone()
    floor = time.perf_counter() - started
    engine_total = alone.aggregate(s=Sum("amount"))["s"] or Decimal(0)
    capped = alone.filter(explanation__capped=True).count()
    print(f"paid alone: {alone.count()} people, engine {engine_total}, SQL floor "
          f"{floor_total} ({capped} capped) in {floor:.2f} s; ratio engine / floor "
          f"{first / floor:.0f}x (the floor writes nothing)")  # fmt: skip

    started = time.perf_counter()
    proposed = whatif.proposal(bonus, {"good": Decimal("1.3")})
    result = whatif.compare(cycle, bonus, proposed, terms.pools)
    print(f"what-if (good 1.2 -> 1.3): {len(result.people)} people, {len(result.changed)} "
          f"change, total {result.current} -> {result.proposed} in "
          f"{time.perf_counter() - started:.2f} s")  # fmt: skip

    # The same what-if as the page and the API run it: a job (in-process here, as
    # ``make demo`` runs tasks), its progress written as it goes, its summary stored.
    started = time.perf_counter()
    job = whatif_start(
        actor=SYSTEM, cycle=cycle, scheme=bonus, terms={"good": Decimal("1.3")}, pools=terms.pools
    )
    job.refresh_from_db()
    summary = result_of(job)
    elapsed = time.perf_counter() - started
    assert summary is not None, job.error
    same = (summary.current, summary.proposed) == (result.current, result.proposed)
    print(f"what-if job: {job.status}, progress {job.done}/{job.total}, "
          f"{summary.changed} change ({len(summary.changes)} kept), total "
          f"{summary.current} -> {summary.proposed} "
          f"({'same as compare' if same else 'MISMATCH'}) in {elapsed:.2f} s")  # fmt: skip


if __name__ == "__main__":
    main()
