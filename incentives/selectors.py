"""Reads of payouts, always starting from ``restrict()``.

HR, executives and managers see the payouts in their subtree as soon as they are
computed; the person paid sees their own once the cycle is published; a peer never sees
another person's payout.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from assessment import selectors as assessment_selectors
from assessment.models import AssessmentCycle, AssessmentResult, CycleStatus, Grade
from incentives import compute, plan
from incentives.models import BonusScheme, Payout, PayoutTotal, UnitPool
from incentives.rules import cents
from org.models import OrgUnit
from org.scoping import ADMIN, EXECUTIVE, HR, MANAGER, VIEW, get_scoped, scope_of

REPORTERS = (MANAGER, HR, EXECUTIVE, ADMIN)
ZERO = Decimal("0.00")


def _sum(name: str, **kwargs: Any) -> Coalesce:
    money = DecimalField(max_digits=18, decimal_places=2)
    return Coalesce(Sum(name, **kwargs), Value(ZERO), output_field=money)


def payouts(user: Any, action: str = VIEW) -> QuerySet[Payout]:
    rows = Payout.objects.restrict(user, action).select_related(
        "unit", "employee", "cycle", "scheme", "pool_unit"
    )
    me = scope_of(user).employee_id
    if me is None:
        return rows
    return rows.exclude(Q(employee_id=me) & ~Q(cycle__status=CycleStatus.PUBLISHED))


def payout_get(user: Any, pk: Any, action: str = VIEW) -> Payout:
    return get_scoped(payouts(user, action), user, pk, action)


def may_report(user: Any) -> bool:
    """Who sees a cycle's payout report (each their own subtree): managers, HR, executives."""
    return scope_of(user).has_role(*REPORTERS)


def cycles(user: Any) -> QuerySet[AssessmentCycle]:
    """The cycles whose bonuses the user may look at (newest first)."""
    return assessment_selectors.cycles(user).select_related("owner_unit").order_by("-year", "-pk")


def report_cycle(user: Any, pk: Any) -> AssessmentCycle:
    """A cycle for its payout report: 404 out of scope or for someone without a role."""
    if not may_report(user):
        raise Http404
    cycle: AssessmentCycle = get_scoped(cycles(user), user, pk, VIEW)
    return cycle


def mine(user: Any) -> QuerySet[Payout]:
    """The user's own payouts of published cycles (newest first)."""
    me = scope_of(user).employee_id
    if me is None:
        return Payout.objects.none()
    return (
        payouts(user)
        .filter(employee_id=me, cycle__status=CycleStatus.PUBLISHED)
        .order_by("-cycle__year", "-cycle_id")
    )


def latest_of_mine(user: Any) -> Payout | None:
    """The home page's line: the user's latest payout of a published cycle (as the first of
    :func:`mine`), with what it shows — the amount and the cycle's name, not the payout's
    four other relations and its explanation. Filtered once: :func:`payouts` leaves out
    one's own payouts of unpublished cycles, which the filter on published cycles already
    does."""
    me = scope_of(user).employee_id
    if me is None:
        return None
    found: Payout | None = (
        Payout.objects.restrict(user, VIEW)
        .filter(employee_id=me, cycle__status=CycleStatus.PUBLISHED)
        .select_related("cycle")
        .only("amount", "cycle__name")
        .order_by("-cycle__year", "-cycle_id")
        .first()
    )
    return found


@dataclass
class UnitRows:
    """A report's by-unit rows, read for the units asked: a group holds ~3,300 units and a
    page shows 50. ``listed``: the units the report lists (in the user's view, with payouts
    in the cycle), by path — page it and read :meth:`rows` of the page."""

    listed: QuerySet[OrgUnit]
    totals: QuerySet[PayoutTotal] = field(repr=False)
    own: dict[str, Any] | None = field(default=None, repr=False)

    def rows(self, units: Iterable[OrgUnit | int] | None = None) -> list[dict[str, Any]]:
        """The rows (people, paid, budget, how many in a pool) of ``units`` (every unit
        listed if None), by path."""
        totals = self.totals
        if units is not None:
            totals = totals.filter(unit_id__in=[getattr(u, "pk", u) for u in units])
        alone = Q(pool_unit__isnull=True)
        found: list[dict[str, Any]] = [
            dict(row)
            for row in totals.order_by("unit__path")
            .values("unit_id", "unit__name", "unit__path")
            .annotate(
                n=Sum("people"),
                paid=_sum("paid"),
                budget=_sum("base", filter=alone),
                pooled=Coalesce(Sum("people", filter=~alone), 0),
            )
        ]
        if self.own is not None:
            _without(found, self.own, unit_id=self.own["unit_id"])
        return found


@dataclass
class Report:
    """What a role sees of a cycle's payouts (its own subtree): totals, the distribution by
    grade and by unit, the pools and their arithmetic, against the budget."""

    paid: Decimal
    budget: Decimal
    people: int
    by_grade: list[dict[str, Any]]
    pools: list[dict[str, Any]]
    scheme: BonusScheme | None
    units: UnitRows

    @property
    def difference(self) -> Decimal:
        return self.paid - self.budget


def _own_payout(user: Any, cycle: AssessmentCycle) -> dict[str, Any] | None:
    """The user's own payout in ``cycle`` while it is hidden from them (before
    publication), as the kept totals count it: the report leaves it out."""
    me = scope_of(user).employee_id
    if me is None or cycle.status == CycleStatus.PUBLISHED:
        return None
    return (
        Payout.objects.restrict(user)
        .filter(cycle=cycle, employee_id=me)
        .values("unit_id", "grade", "pool_unit_id", "amount", "base")
        .first()
    )


def _without(rows: list[dict[str, Any]], own: dict[str, Any] | None, **match: Any) -> None:
    """Take ``own`` (a payout) out of the grouped ``rows`` it falls in (those whose keys
    equal ``match``); a group left empty goes."""
    if own is None:
        return
    for row in rows:
        if all(row[k] == v for k, v in match.items()):
            alone = own["pool_unit_id"] is None
            row["n"] -= 1
            row["paid"] -= own["amount"]
            if "base" in row:
                row["base"] -= own["base"]
            if "budget" in row and alone:
                row["budget"] -= own["base"]
            if "pooled" in row and not alone:
                row["pooled"] -= 1
    rows[:] = [row for row in rows if row["n"] > 0]


def unit_rows(user: Any, cycle: AssessmentCycle) -> UnitRows:
    """The by-unit part of ``cycle``'s report for ``user`` (the API pages it alone)."""
    return _unit_rows(user, cycle, _own_payout(user, cycle))


def _unit_rows(user: Any, cycle: AssessmentCycle, own: dict[str, Any] | None) -> UnitRows:
    """``own``: the user's hidden payout. Their own unit is not listed when that payout is
    all it was paid (its row would be empty)."""
    rows = PayoutTotal.objects.restrict(user).filter(cycle=cycle)
    units = OrgUnit.objects.filter(pk__in=rows.values("unit_id")).order_by("path", "pk")
    if own is not None:
        paid = PayoutTotal.objects.filter(cycle=cycle, unit_id=own["unit_id"])
        if paid.aggregate(n=Coalesce(Sum("people"), 0))["n"] <= 1:
            units = units.exclude(pk=own["unit_id"])
    return UnitRows(listed=units, totals=rows, own=own)


def report(user: Any, cycle: AssessmentCycle) -> Report:
    """The budget of a person paid alone is their base bonus (their bonus at coefficient
    1.0); the budget of a pool is the pool times its unit-grade factor.

    Summed from the kept ``PayoutTotal`` rows of the units the user sees, less the user's
    own payout while it is hidden from them: the totals, grades and pools in one grouped
    read (by grade and paying pool: a few dozen groups for the whole group), the units a
    page at a time (:class:`UnitRows`)."""
    rows = PayoutTotal.objects.restrict(user).filter(cycle=cycle)
    own = _own_payout(user, cycle)
    groups = [
        dict(r)
        for r in rows.order_by()
        .values("grade", "pool_unit_id")
        .annotate(n=Sum("people"), paid=_sum("paid"), base=_sum("base"))
    ]
    if own is not None:
        _without(groups, own, grade=own["grade"], pool_unit_id=own["pool_unit_id"])
    people = sum(g["n"] for g in groups)
    paid = sum((g["paid"] for g in groups), ZERO)
    alone_base = sum((g["base"] for g in groups if g["pool_unit_id"] is None), ZERO)
    grades = dict(Grade.choices)
    by_grade = [
        {
            "grade": grade,
            "label": grades[grade],
            "n": sum(g["n"] for g in groups if g["grade"] == grade),
            "paid": sum((g["paid"] for g in groups if g["grade"] == grade), ZERO),
        }
        for grade in grades
    ]
    scheme_id = (
        Payout.objects.filter(cycle=cycle)
        .order_by("pk")
        .values_list("scheme_id", flat=True)
        .first()
        if people
        else None
    )
    scheme = BonusScheme.objects.filter(pk=scheme_id).first() if scheme_id else None
    pools: list[dict[str, Any]] = []
    if scheme is not None:
        paid_by_pool: dict[int, Decimal] = {}
        for g in groups:
            if g["pool_unit_id"] is not None:
                pool_id = g["pool_unit_id"]
                paid_by_pool[pool_id] = paid_by_pool.get(pool_id, ZERO) + g["paid"]
        factors = compute.terms_of(scheme, cycle)
        for pool in UnitPool.objects.filter(
            scheme=scheme, unit_id__in=list(paid_by_pool)
        ).select_related("unit"):
            if not scope_of(user).covers(pool.unit.path, REPORTERS):
                continue  # a pool partly outside the user's view: its sums would mislead
            pool_total = cents(pool.amount * plan.factor_of(pool.unit.path, factors))
            pools.append(
                {
                    "unit": pool.unit,
                    "amount": pool.amount,
                    "factor": plan.factor_of(pool.unit.path, factors),
                    "total": pool_total,
                    "paid": paid_by_pool[pool.unit_id],
                    "left": pool_total - paid_by_pool[pool.unit_id],
                }
            )
    budget = alone_base + sum((p["total"] for p in pools), ZERO)
    return Report(
        paid=paid,
        budget=budget,
        people=people,
        by_grade=by_grade,
        pools=pools,
        scheme=scheme,
        units=_unit_rows(user, cycle, own),
    )


SCHEME_READERS = (HR, EXECUTIVE, ADMIN)
# who revises a scheme or applies a what-if: HR, or an executive (the level above HR)
SCHEME_REVISERS = frozenset({HR, EXECUTIVE, ADMIN})


def schemes(user: Any) -> QuerySet[BonusScheme]:
    """Bonus schemes are the group's terms: HR, executives and administrators read them."""
    if not scope_of(user).has_role(*SCHEME_READERS):
        return BonusScheme.objects.none()
    return BonusScheme.objects.prefetch_related("pools").order_by("name", "-version")


def whatif_cycle(user: Any, pk: Any) -> AssessmentCycle:
    """A cycle HR (or an executive, the level above) may try terms on: in scope and run
    from a unit in their HR or executive scope."""
    cycle = report_cycle(user, pk)
    if not scope_of(user).covers(cycle.owner_unit.path, SCHEME_REVISERS):
        raise Http404
    return cycle


def own_pay_under(user: Any, scheme: BonusScheme, cycle: AssessmentCycle | None = None) -> bool:
    """Whether ``scheme`` (any version of it) decides the user's own pay: they have a
    payout under it, or a base bonus and a result in a cycle that uses it — one paid
    under it, ``cycle`` (the one a what-if is tried on), or one not yet published whose
    payouts are still to compute (a new version would pay it)."""
    me = scope_of(user).employee_id
    if me is None:
        return False
    if Payout.objects.filter(employee_id=me, scheme__name=scheme.name).exists():
        return True
    paid_under = Payout.objects.filter(scheme__name=scheme.name).values("cycle_id")
    unpaid = Q(cycle__payouts__isnull=True) & ~Q(cycle__status=CycleStatus.PUBLISHED)
    uses = Q(cycle__in=paid_under) | unpaid
    if cycle is not None:
        uses |= Q(cycle_id=cycle.pk)
    return (
        AssessmentResult.objects.filter(uses, employee_id=me, employee__base_bonus__gt=0)
        .distinct()
        .exists()
    )
