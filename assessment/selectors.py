"""Reads of the assessment a user makes; every one starts from ``restrict``.

An employee sees their own result, but its scores and explanation only once the cycle is
published (:func:`scores_visible`); reviewers, HR and executives see them as computed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.paginator import Page
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from assessment import tallies
from assessment.models import (
    COMPUTABLE_STATUSES,
    GRADE_ORDER_VALUES,
    AssessmentCycle,
    AssessmentResult,
    CycleStatus,
    Grade,
)
from assessment.rules import allowed_excellent
from assessment.rules.distribution import DistributionCheck
from assessment.services.common import is_subject
from org.models import OrgUnit
from org.scoping import VIEW, Actor, get_scoped, scope_of
from scorecard.models import ItemKind, MonthlyActual, Scorecard, ScorecardItem
from spm.memo import remember
from spm.paginator import capped_page

ZERO = Decimal(0)
CALIBRATION_PAGE = 50  # ranked results a calibration page shows
# Units a cycle dashboard looks for gaps in at a time: at 100,000 people about 300 people
# and 2,700 items to check for actuals (10 ms), where the whole group is 929,000 (2.7 s).
GAP_UNITS = 10


def cycles(user: Any, action: str = VIEW) -> QuerySet[AssessmentCycle]:
    return AssessmentCycle.objects.restrict(user, action).select_related("owner_unit")


def running_cycles(user: Any) -> list[AssessmentCycle]:
    """The cycles ``user`` may see that are not published yet, newest first (year, then the
    latest created), with what a line shows of them (name, status): the home page's
    assessment panel lists the first of them and the bonus panel those in calibration or
    finalised, from this one read (:func:`spm.memo.remember` while the page is built).
    A handful: a cycle is published once its year is assessed."""

    def read() -> list[AssessmentCycle]:
        return list(
            cycles(user)
            .exclude(status=CycleStatus.PUBLISHED)
            .select_related(None)
            .only("name", "status")
            .order_by("-year", "-pk")
        )

    return remember(("assessment.running_cycles", getattr(user, "pk", None)), read)


def published_results(user: Any, employee_id: int) -> list[AssessmentResult]:
    """The results of ``employee_id`` in published cycles that ``user`` may see, the latest
    cycle first (year, then period), with what the home page's lines show of them (the
    cycle's name and publication time; the explanation is expanded on reading): the
    assessment panel's latest result and the results still open to appeal of "waiting for
    you", from this one read (:func:`spm.memo.remember` while the page is built). One a
    published cycle: a handful."""

    def read() -> list[AssessmentResult]:
        return list(
            AssessmentResult.objects.restrict(user, VIEW)
            .filter(employee_id=employee_id, cycle__status=CycleStatus.PUBLISHED)
            .select_related("cycle")
            .only("cycle__name", "cycle__published_at")
            .order_by("-cycle__year", "-cycle__period")
        )

    return remember(("assessment.published_results", getattr(user, "pk", None), employee_id), read)


def cycle_get(user: Any, pk: Any, action: str = VIEW) -> AssessmentCycle:
    return get_scoped(cycles(user, action), user, pk, action)


def results(user: Any, action: str = VIEW) -> QuerySet[AssessmentResult]:
    return AssessmentResult.objects.restrict(user, action).select_related(
        "unit", "employee", "cycle"
    )


def result_get(user: Any, pk: Any, action: str = VIEW) -> AssessmentResult:
    return get_scoped(results(user, action), user, pk, action)


def listed(rows: QuerySet[AssessmentResult]) -> QuerySet[AssessmentResult]:
    """``rows`` as a list of results shows them: without the explanation (expanded on
    reading), the self-assessment and the cycle's scheme, which no row shows."""
    return rows.defer("explanation", "self_assessment", "cycle__scheme_snapshot")


def scored_results(user: Any, cycle: AssessmentCycle) -> QuerySet[AssessmentResult]:
    """The cycle's results whose scores ``user`` may read: all in scope, except, before
    publication, the user's own (their employee result, or their unit's as its head)."""
    rows = results(user).filter(cycle=cycle)
    if cycle.status == CycleStatus.PUBLISHED:
        return rows
    me = scope_of(user).employee_id
    if me is None:
        return rows
    return rows.exclude(employee_id=me).exclude(employee__isnull=True, unit__head_id=me)


def scores_visible(user: Actor, result: AssessmentResult) -> bool:
    """The person assessed sees scores once published; everyone else in scope at once."""
    return result.cycle.status == CycleStatus.PUBLISHED or not is_subject(user, result)


@dataclass
class Dashboard:
    """HR's view of a running cycle."""

    total: int
    computed: int
    self_assessed: int
    reviewed: int
    rated: int
    acknowledged: int
    grades: dict[str, int]
    without_scorecard: list[Any]
    without_scorecard_count: int
    missing_actuals: list[Any]
    missing_actuals_count: int
    gaps: bool = True  # the gaps to close are looked for (while the cycle still computes)
    # the units the gaps were looked for in: a window of the units the user sees under the
    # cycle's roots, in tree order (all of them when they are few)
    gap_units: int = 0  # how many units the window holds
    gap_units_total: int = 0  # how many units the user sees under the cycle's roots
    gap_first: Any = None  # the window's first and last unit
    gap_last: Any = None
    gaps_next: str = ""  # the ``gaps`` parameter of the next window ("": none)
    gaps_after: str = ""  # the ``gaps`` parameter of this window ("": the first)


def cycle_dashboard(
    user: Any, cycle: AssessmentCycle, *, sample: int = 20, gaps_after: str = ""
) -> Dashboard:
    """Progress by step (the kept tallies, :func:`tallies.in_scope`), people with no
    scorecard, items missing actuals (fixed queries).

    The gaps (no scorecard, no actuals) are looked for only while the cycle still
    computes: once finalised no path changes a score, so they can no longer be closed.
    Finding the items without an actual is an anti-join of items with the actuals (2.7 s
    for the whole group at 100,000 people), so they are looked for in :data:`GAP_UNITS`
    units at a time: the units the user sees under the cycle's roots, in tree order, from
    the one after the path ``gaps_after`` (a keyset; "" for the first). The page says
    which units it looked in and links to the next ones; a scope of fewer units is looked
    at whole."""
    stats = tallies.in_scope(user, cycle)
    progress: dict[str, Any] = {
        "total": stats["results"],
        "computed": stats["computed"],
        "self_assessed": stats["self_assessed"],
        "reviewed": stats["reviewed"],
        "rated": stats["rated"],
        "acknowledged": stats["acknowledged"],
        "grades": {g: stats[g] for g in GRADE_ORDER_VALUES},
    }
    if cycle.status not in COMPUTABLE_STATUSES:
        return Dashboard(
            **progress,
            without_scorecard=[],
            without_scorecard_count=0,
            missing_actuals=[],
            missing_actuals_count=0,
            gaps=False,
        )
    in_cycle = Q(pk__in=[])
    for root in cycle.root_units.all():
        in_cycle |= Q(path__startswith=root.path)
    units = OrgUnit.objects.restrict(user).filter(in_cycle)
    window = list(units.filter(path__gt=gaps_after).order_by("path")[: GAP_UNITS + 1])
    more = len(window) > GAP_UNITS
    window = window[:GAP_UNITS]
    ids = [u.pk for u in window]
    people = (
        scope_employees(user)
        .filter(unit_id__in=ids, active=True)
        .exclude(Exists(Scorecard.objects.filter(employee=OuterRef("pk"), year=cycle.year)))
        .select_related("unit")
        .order_by("unit__path", "name")
    )
    period = cycle.period_span
    missing = (
        ScorecardItem.objects.filter(
            kind=ItemKind.QUANTITATIVE,
            scorecard_id__in=scored_results(user, cycle)
            .filter(unit_id__in=ids)
            .values("scorecard_id"),
        )
        .exclude(
            Exists(
                MonthlyActual.objects.filter(
                    item=OuterRef("pk"),
                    month__gte=period.first_month,
                    month__lte=period.last_month,
                )
            )
        )
        .select_related("scorecard__unit", "scorecard__employee")
        .order_by("scorecard__unit__path", "pk")
    )
    # the window bounds them: all of them in one query each, then counted here
    without_scorecard, missing_actuals = list(people), list(missing)
    return Dashboard(
        **progress,
        without_scorecard=without_scorecard[:sample],
        without_scorecard_count=len(without_scorecard),
        missing_actuals=missing_actuals[:sample],
        missing_actuals_count=len(missing_actuals),
        gap_units=len(window),
        gap_units_total=units.count(),
        gap_first=window[0] if window else None,
        gap_last=window[-1] if window else None,
        gaps_next=window[-1].path if more else "",
        gaps_after=gaps_after,
    )


def scope_employees(user: Any) -> Any:
    from org.models import Employee

    return Employee.objects.restrict(user)


def _ranking_key(r: AssessmentResult) -> tuple[Decimal, Decimal, int]:
    """Where ``r`` stands in the ranking (smaller first), as :func:`rules.rank` orders."""
    return (-(r.final_score or ZERO), -(r.quantitative_part or ZERO), r.pk)


def calibration(
    user: Any, cycle: AssessmentCycle, unit: OrgUnit | None = None, page: Any = None
) -> tuple[DistributionCheck, Page]:
    """One calibration group (the cycle's computed results in ``unit``'s subtree, or all
    the user sees): the forced-distribution check and one page of the ranking.

    The database counts the grades, ranks and finds the first excellent over the quota
    (the quota-th excellent in ranking order: it and every excellent after it are
    proposed for downgrade, as :func:`rules.check_distribution` says), so a group of the
    whole company is never read whole; the check's ``ranking`` is left empty and its
    ``proposed_downgrades`` are those of the page."""
    rows = scored_results(user, cycle).filter(final_score__isnull=False)
    if unit is not None:
        rows = rows.filter(unit__path__startswith=unit.path)
    counts = tallies.in_scope(user, cycle, unit)
    allowed = allowed_excellent(counts["computed"], cycle.rules)
    over = max(counts[Grade.EXCELLENT] - allowed, 0)
    order = (
        F("final_score").desc(),
        Coalesce("quantitative_part", Value(ZERO)).desc(),
        "pk",
    )
    ranked = capped_page(
        listed(rows.order_by(*order)), CALIBRATION_PAGE, page, count=counts["computed"]
    )
    downgrades: list[int] = []
    if over:
        excellent = Q(calibrated_grade=Grade.EXCELLENT) | Q(
            calibrated_grade="", grade=Grade.EXCELLENT
        )
        first = rows.filter(excellent).order_by(*order)[allowed]
        downgrades = [
            r.pk
            for r in ranked
            if r.effective_grade == Grade.EXCELLENT and _ranking_key(r) >= _ranking_key(first)
        ]
    check = DistributionCheck(
        ranking=[],
        counts={str(g): counts.get(g, 0) for g in GRADE_ORDER_VALUES},
        allowed_excellent=allowed,
        over_by=over,
        proposed_downgrades=downgrades,
    )
    return check, ranked


def distribution_by_unit(
    user: Any, cycle: AssessmentCycle, parent: OrgUnit
) -> tuple[list[Any], dict[str, int]]:
    """Grade counts per child unit of ``parent`` (each child's whole subtree) and in all of
    ``parent``'s subtree, added up from the kept tallies (:func:`tallies.by_child`)."""
    children = list(
        OrgUnit.objects.restrict(user).filter(parent=parent).order_by("sort_order", "name")
    )
    counted = tallies.by_child(user, cycle, parent)
    table = {c.pk: counted.get(c.path, {}) for c in children}
    totals: Counter[str] = Counter()
    for counts in counted.values():
        totals.update({g: counts[g] for g in GRADE_ORDER_VALUES})
    rows = [
        {"unit": c, "counts": [table[c.pk].get(g, 0) for g in GRADE_ORDER_VALUES]} for c in children
    ]
    return rows, {g: totals.get(g, 0) for g in GRADE_ORDER_VALUES}
