"""Server time of the assessment, incentives and reviews pages and list endpoints, per role.

    python -m benchmarks.run --keep DIR --section pages_results [--repeat 5]
                             [--only "team results"]

A section of the page table (``benchmarks.run``): :data:`PAGES` names every page and list
endpoint of the three apps (URL templates with ``{name}`` ids), :func:`prepare` creates once
in the kept database what they need and returns the ids. The first run is slow (an annual
cycle over the whole group is opened and computed with ``compute_cycle``, as
``bench_assessment.py`` does, taken to finalised — which computes its payouts — and
published; then one feedback thread, one interview and one appeal); later runs find the
cycle (by name) and reuse it. The runner here is ``benchmarks.run``'s: the same cast, the
same measurement, the same table.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

CYCLE_NAME = "Pages annual BENCH"

PAGES: list[tuple[str, str]] = [
    ("cycles", "/assessment/"),
    ("cycle dashboard", "/assessment/cycles/{cycle}/"),
    ("calibration", "/assessment/cycles/{cycle}/calibration/"),
    ("team results", "/assessment/cycles/{cycle}/team/"),
    ("distribution", "/assessment/cycles/{cycle}/distribution/"),
    ("assessment schemes", "/assessment/schemes/"),
    ("result page", "/assessment/results/{result}/"),
    ("incentives home", "/incentives/"),
    ("payout report", "/incentives/cycles/{cycle}/"),
    ("what-if", "/incentives/cycles/{cycle}/what-if/"),
    ("payout page", "/incentives/payouts/{payout}/"),
    ("my reviews", "/reviews/"),
    ("result reviews", "/reviews/results/{result}/"),
    ("appeals", "/reviews/appeals/"),
    ("appeal page", "/reviews/appeals/{appeal}/"),
    ("incidents", "/reviews/incidents/"),
    ("feedback", "/reviews/feedback/"),
    ("feedback thread", "/reviews/feedback/{thread}/"),
    ("interviews", "/reviews/interviews/"),
    ("interview page", "/reviews/interviews/{interview}/"),
    ("improvement plans", "/reviews/plans/"),
    ("API assessment-cycles", "/api/v1/assessment-cycles/"),
    ("API assessment-results", "/api/v1/assessment-results/"),
    ("API key-task-grades", "/api/v1/key-task-grades/"),
    ("API assessment-adjustments", "/api/v1/assessment-adjustments/"),
    ("API assessment-vetoes", "/api/v1/assessment-vetoes/"),
    ("API assessment-exemptions", "/api/v1/assessment-exemptions/"),
    ("API payout-summary", "/api/v1/payout-summary/?cycle={cycle}"),
    ("API payout-summary units", "/api/v1/payout-summary/units/?cycle={cycle}"),
    ("API payouts", "/api/v1/payouts/"),
    ("API bonus-schemes", "/api/v1/bonus-schemes/"),
    ("API reviews", "/api/v1/reviews/"),
    ("API bars-anchors", "/api/v1/bars-anchors/"),
    ("API review-policies", "/api/v1/review-policies/"),
    ("API critical-incidents", "/api/v1/critical-incidents/"),
    ("API feedback-threads", "/api/v1/feedback-threads/"),
    ("API interviews", "/api/v1/interviews/"),
    ("API appeals", "/api/v1/appeals/"),
    ("API improvement-plans", "/api/v1/improvement-plans/"),
]

# The day the prepared cycle is worked on and published: the appeal window counts from it.
DAY = dt.date(2027, 1, 15)


def _say(text: str) -> None:
    print(f"[prepare {time.strftime('%H:%M:%S')}] {text}", flush=True)


def _cycle() -> Any:
    """The prepared annual cycle over the whole group, computed, finalised (its payouts
    computed) and published; each step is skipped when an earlier run took it."""
    from assessment.compute import compute_cycle
    from assessment.models import AssessmentCycle, AssessmentResult, CycleStatus
    from assessment.services.cycles import STEP_SERVICES, cycle_create, cycle_publish
    from assessment.services.schemes import scheme_create
    from incentives.compute import compute_payouts
    from incentives.models import Payout
    from org.models import OrgUnit
    from org.scoping import SYSTEM
    from scorecard.models import Scorecard
    from spm.clock import FixedClock

    clock = FixedClock.on(DAY)
    cycle = AssessmentCycle.objects.filter(name=CYCLE_NAME).first()
    if cycle is None:
        group = OrgUnit.objects.get(code="BENCH-GRP")
        year = Scorecard.objects.order_by("-year").values_list("year", flat=True).first()
        scheme = scheme_create(actor=SYSTEM, code="PAGES", name="Pages", owner_unit=group)
        cycle = cycle_create(
            actor=SYSTEM,
            name=CYCLE_NAME,
            kind="annual",
            year=year or DAY.year - 1,
            owner_unit=group,
            root_units=[group],
            scheme=scheme,
        )
        _say(f"cycle {cycle.pk} created for {cycle.year}")
    order: list[str] = [
        CycleStatus.DRAFT,
        CycleStatus.OPEN,
        CycleStatus.SELF_ASSESSMENT,
        CycleStatus.REVIEW,
        CycleStatus.CALIBRATION,
    ]
    while cycle.status in order:
        uncomputed = AssessmentResult.objects.filter(cycle=cycle, final_score__isnull=True)
        if cycle.status in (CycleStatus.OPEN, CycleStatus.CALIBRATION) and uncomputed.exists():
            started = time.perf_counter()
            scored = compute_cycle(cycle.pk, now=clock.now(), processes=1)
            _say(f"computed {scored.computed} in {time.perf_counter() - started:.0f} s")
        step = order[order.index(cycle.status) + 1] if cycle.status != order[-1] else None
        to = step or CycleStatus.FINALISED
        started = time.perf_counter()
        cycle = STEP_SERVICES[CycleStatus(to)](actor=SYSTEM, cycle=cycle, version=None)
        _say(f"cycle -> {to} in {time.perf_counter() - started:.0f} s")
    if cycle.status == CycleStatus.FINALISED:
        if not Payout.objects.filter(cycle=cycle).exists():
            started = time.perf_counter()
            paid = compute_payouts(cycle.pk)
            _say(f"{paid.computed} payouts in {time.perf_counter() - started:.0f} s")
        cycle = cycle_publish(actor=SYSTEM, cycle=cycle, version=None, clock=clock)
        _say("cycle published")
    return cycle


def prepare() -> dict[str, int]:
    """What the pages need, created once (reused when present); their ids."""
    from django.db import connection

    from assessment.models import AssessmentResult
    from benchmarks.run import cast
    from incentives.models import Payout
    from reviews.models import Appeal, FeedbackThread, Interview
    from reviews.services.appeals import appeal_submit
    from reviews.services.feedback import feedback_thread_start
    from reviews.services.interviews import interview_schedule
    from spm.clock import FixedClock

    clock = FixedClock.on(DAY)
    people, _ = cast("BENCH")
    employee, manager = people["employee"], people["manager"]
    cycle = _cycle()
    result = AssessmentResult.objects.get(cycle=cycle, employee=employee)
    payout = Payout.objects.get(cycle=cycle, employee=employee)
    thread = FeedbackThread.objects.filter(employee=employee, subject=CYCLE_NAME).first()
    if thread is None:
        thread = feedback_thread_start(
            actor=manager.user,
            topic="adhoc",
            subject=CYCLE_NAME,
            body="Well done this year.",
            employee=employee,
            clock=clock,
        )
    interview = Interview.objects.filter(employee=employee, result=result).first()
    if interview is None:
        interview = interview_schedule(
            actor=manager.user,
            employee=employee,
            scheduled_for=clock.now() + dt.timedelta(days=3),
            place="Room 1",
            result=result,
        )
    appeal = Appeal.objects.filter(result=result).first()
    if appeal is None:
        appeal = appeal_submit(
            actor=employee.user,
            result=result,
            reason="The March actuals are missing.",
            clock_=clock,
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in ("assessment_assessmentresult", "incentives_payout"):
                cursor.execute(f"ANALYZE {table}")
    return {
        "cycle": cycle.pk,
        "result": result.pk,
        "payout": payout.pk,
        "thread": thread.pk,
        "interview": interview.pk,
        "appeal": appeal.pk,
    }
