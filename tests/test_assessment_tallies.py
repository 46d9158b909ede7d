"""The kept tallies of a cycle's results (``assessment.tallies``) equal a fresh count after
every path that writes results or ratings, and what the cycle dashboard, calibration and
the distribution read from them equals what counting the results the reader sees gave
(the computation they replace, kept here as the reference), for every role, before and
after publication, in the whole scope and in a unit's subtree."""

from __future__ import annotations

import datetime
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Count, Exists, OuterRef, Q

from assessment import selectors, tallies
from assessment.compute import rescore_result
from assessment.models import (
    GRADE_ORDER_VALUES,
    AssessmentCycle,
    AssessmentResult,
    QualitativeRating,
    ResultTally,
)
from assessment.services import cycles, decisions, inputs
from assessment.services.results import result_acknowledge, result_calibrate
from org.models import OrgUnit
from spm.clock import FixedClock
from tests.conftest import Cast
from tests.factories import EmployeeFactory
from tests.factories_assessment import (
    YEAR,
    annual_cycle,
    compute_now,
    result_of,
    worked_example_scorecard,
)
from tests.factories_scorecard import ScorecardFactory

pytestmark = pytest.mark.django_db
D = Decimal
ROLES = ["hr", "executive", "manager", "sibling_manager", "employee"]


def kept(cycle: AssessmentCycle) -> dict[int, dict[str, int]]:
    return {
        t.unit_id: {f: getattr(t, f) for f in tallies.COUNTS}
        for t in ResultTally.objects.filter(cycle=cycle)
    }


def recounted(cycle: AssessmentCycle) -> dict[int, dict[str, int]]:
    """A fresh count per unit, by hand from the results (not through ``tallies``)."""
    table: dict[int, Counter[str]] = {}
    rated = set(QualitativeRating.objects.values_list("result_id", flat=True))
    for r in AssessmentResult.objects.filter(cycle=cycle):
        row = table.setdefault(r.unit_id, Counter())
        row["results"] += 1
        row["computed"] += r.final_score is not None
        row["self_assessed"] += r.self_assessed_at is not None
        row["reviewed"] += r.reviewed_at is not None
        row["rated"] += r.pk in rated
        row["acknowledged"] += r.acknowledged_at is not None
        if r.final_score is not None:
            row[r.effective_grade] += 1
    return {unit: {f: row[f] for f in tallies.COUNTS} for unit, row in table.items()}


def assert_fresh(cycle: AssessmentCycle) -> None:
    assert kept(cycle) == recounted(cycle)


def counted_as_before(
    user: Any, cycle: AssessmentCycle, within: OrgUnit | None = None
) -> dict[str, int]:
    """What the pages counted before the tallies: an aggregate over the results the user
    sees with their scores (``selectors.scored_results``)."""
    rows = selectors.scored_results(user, cycle)
    if within is not None:
        rows = rows.filter(unit__path__startswith=within.path)
    got = rows.aggregate(
        results=Count("id"),
        computed=Count("id", filter=Q(final_score__isnull=False)),
        self_assessed=Count("id", filter=Q(self_assessed_at__isnull=False)),
        reviewed=Count("id", filter=Q(reviewed_at__isnull=False)),
        acknowledged=Count("id", filter=Q(acknowledged_at__isnull=False)),
        rated=Count(
            "id", filter=Q(Exists(QualitativeRating.objects.filter(result=OuterRef("pk"))))
        ),
        **{
            g: Count("id", filter=Q(calibrated_grade=g) | Q(calibrated_grade="", grade=g))
            for g in GRADE_ORDER_VALUES
        },
    )
    return {f: got[f] for f in tallies.COUNTS}


def distribution_as_before(
    user: Any, cycle: AssessmentCycle, parent: OrgUnit
) -> tuple[dict[int, list[int]], dict[str, int]]:
    table: dict[int, Counter[str]] = {}
    totals: Counter[str] = Counter()
    children = list(OrgUnit.objects.restrict(user).filter(parent=parent))
    for r in selectors.scored_results(user, cycle).filter(unit__path__startswith=parent.path):
        totals[r.effective_grade] += 1
        for c in children:
            if r.unit.path.startswith(c.path):
                table.setdefault(c.pk, Counter())[r.effective_grade] += 1
    return (
        {c.pk: [table.get(c.pk, Counter())[g] for g in GRADE_ORDER_VALUES] for c in children},
        {g: totals[g] for g in GRADE_ORDER_VALUES},
    )


def assert_pages_count_as_before(cast: Cast, cycle: AssessmentCycle) -> None:
    for role in ROLES:
        user = getattr(cast, role).user
        for within in (None, cast.group, cast.hq, cast.engineering, cast.site):
            assert tallies.in_scope(user, cycle, within) == counted_as_before(
                user, cycle, within
            ), (role, within)
        for parent in (cast.group, cast.hq, cast.engineering):
            rows, totals = selectors.distribution_by_unit(user, cycle, parent)
            expected_rows, expected_totals = distribution_as_before(user, cycle, parent)
            assert {r["unit"].pk: r["counts"] for r in rows} == expected_rows, (role, parent)
            assert totals == expected_totals, (role, parent)


def world(cast: Cast, more: int = 3) -> tuple[AssessmentCycle, AssessmentResult]:
    """§3.8 on the employee; ``more`` people in the site team and finance; a unit
    scorecard of engineering (its head, the manager, is the one assessed); open."""
    example = worked_example_scorecard(cast.employee)
    for n in range(more):
        unit = cast.site if n % 2 else cast.finance
        person = EmployeeFactory(unit=unit, line_manager=cast.manager)
        worked_example_scorecard(person)
    worked_example_scorecard(cast.manager)
    worked_example_scorecard(cast.executive)
    ScorecardFactory(unit=cast.engineering, employee=None, year=YEAR)
    cycle = annual_cycle(cast)
    return cycle, result_of(cycle, example.scorecard)


def test_every_path_that_writes_results_keeps_the_tallies_fresh(cast: Cast) -> None:
    cycle, result = world(cast)
    clock = FixedClock.on(datetime.date(YEAR + 1, 1, 20))
    assert_fresh(cycle)  # opened: every result, none computed
    assert sum(t["results"] for t in kept(cycle).values()) == 7
    assert_pages_count_as_before(cast, cycle)

    compute_now(cycle)
    assert_fresh(cycle)
    assert sum(t["computed"] for t in kept(cycle).values()) == 7
    result.refresh_from_db()
    inputs.result_self_assess(
        actor=cast.employee.user, result=result, text="Done", version=result.version, clock=clock
    )
    assert_fresh(cycle)
    inputs.qualitative_rate(actor=cast.manager.user, result=result, rating=D(95))
    assert_fresh(cycle)
    result.refresh_from_db()
    inputs.result_review_done(
        actor=cast.manager.user, result=result, version=result.version, clock=clock
    )
    assert_fresh(cycle)
    assert_pages_count_as_before(cast, cycle)

    # a decision and a re-score (an appeal's path) change the score and perhaps the grade
    bonus = decisions.adjustment_propose(
        actor=cast.manager.user, result=result, kind="bonus", points=D(30), reason="Rescue"
    )
    decisions.adjustment_decide(
        actor=cast.hr.user, adjustment=bonus, version=bonus.version, approve=True
    )
    assert rescore_result(result.pk, now=clock.now(), reason="appeal")
    assert_fresh(cycle)
    compute_now(cycle)  # a re-run finds nothing to change
    assert_fresh(cycle)

    for step in ("self_assessment", "review", "calibration"):
        cycle = cycles.cycle_advance(
            actor=cast.hr.user, cycle=cycle, version=cycle.version, to=step
        )
    result.refresh_from_db()
    other = next(g for g in GRADE_ORDER_VALUES if g != result.grade and g != "unqualified")
    result_calibrate(
        actor=cast.executive.user, result=result, grade=other, reason="Peer", version=result.version
    )
    assert_fresh(cycle)
    assert_pages_count_as_before(cast, cycle)

    for step in ("finalised", "published"):
        cycle = cycles.cycle_advance(
            actor=cast.hr.user, cycle=cycle, version=cycle.version, to=step
        )
    result.refresh_from_db()
    result_acknowledge(actor=cast.employee.user, result=result, version=result.version, clock=clock)
    assert_fresh(cycle)
    assert sum(t["acknowledged"] for t in kept(cycle).values()) == 1
    assert_pages_count_as_before(cast, cycle)


def test_a_result_moved_or_deleted_and_a_rating_removed_leave_the_tallies_fresh(
    cast: Cast,
) -> None:
    """The paths of the admin (a save of any field, a delete) and of a cycle's deletion."""
    cycle, result = world(cast)
    compute_now(cycle)
    inputs.qualitative_rate(actor=cast.manager.user, result=result, rating=D(80))
    moved = AssessmentResult.objects.get(pk=result.pk)
    moved.unit = cast.finance  # from engineering
    moved.save()
    assert_fresh(cycle)
    assert kept(cycle)[cast.finance.pk]["rated"] == 1
    QualitativeRating.objects.get(result=result).delete()
    assert_fresh(cycle)
    AssessmentResult.objects.get(pk=result.pk).delete()
    assert_fresh(cycle)
    assert_pages_count_as_before(cast, cycle)
    cycle.delete()  # the tallies go with the cycle; its results' deletes refresh nothing
    assert not ResultTally.objects.exists()


def test_the_calibration_and_dashboard_counts_come_from_the_tallies(cast: Cast) -> None:
    """A tally changed behind the writers' back shows on the pages: they read it."""
    cycle, _result = world(cast)
    compute_now(cycle)
    dashboard = selectors.cycle_dashboard(cast.hr.user, cycle)
    assert dashboard.total == counted_as_before(cast.hr.user, cycle)["results"]
    ResultTally.objects.filter(cycle=cycle, unit=cast.finance).update(results=100, good=90)
    assert selectors.cycle_dashboard(cast.hr.user, cycle).total == dashboard.total + 100 - (
        tallies.fresh(cycle.pk, [cast.finance.pk])[0].results
    )
    check, _page = selectors.calibration(cast.hr.user, cycle, None, 1)
    assert check.counts["good"] >= 90
