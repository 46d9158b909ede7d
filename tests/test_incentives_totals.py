"""The kept payout totals (``PayoutTotal``) equal a fresh sum of the payouts after every
path that changes a payout — the first computation, a re-computation after a grade
changed, after a person moved to another unit, after a pool was added — and the payout
report read from them says what a sum of the payouts the user sees says (their own
payout left out before publication)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Count, Q, Sum

from assessment.models import AssessmentCycle, AssessmentResult, CycleStatus
from incentives import selectors, totals
from incentives.models import Payout, PayoutTotal, UnitPool
from org.models import Employee
from tests.conftest import Cast
from tests.incentives_world import bonus_world, finalise_directly, run

pytestmark = pytest.mark.django_db
D = Decimal


def rows(found: Any) -> set[tuple[Any, ...]]:
    return {(t.unit_id, t.grade, t.pool_unit_id, t.people, t.paid, t.base) for t in found}


def kept(cycle: AssessmentCycle) -> set[tuple[Any, ...]]:
    return rows(PayoutTotal.objects.filter(cycle=cycle))


def summed(cycle: AssessmentCycle) -> set[tuple[Any, ...]]:
    return rows(totals.fresh(cycle.pk))


def test_the_first_computation_keeps_the_totals(cast: Cast) -> None:
    world = bonus_world(cast)
    cycle = finalise_directly(world.cycle)
    run(cast.hr.user, cycle)
    assert kept(cycle) == summed(cycle)
    assert sum(t[3] for t in kept(cycle)) == Payout.objects.filter(cycle=cycle).count() == 4


def test_a_recomputation_after_a_grade_changed_keeps_them(cast: Cast) -> None:
    world = bonus_world(cast)
    cycle = finalise_directly(world.cycle)
    run(cast.hr.user, cycle)
    before = kept(cycle)
    AssessmentResult.objects.filter(pk=world.results["employee"].pk).update(grade="excellent")
    run(cast.hr.user, cycle)
    assert kept(cycle) == summed(cycle) != before


def test_a_person_who_moved_leaves_the_old_units_totals(cast: Cast) -> None:
    world = bonus_world(cast)
    cycle = finalise_directly(world.cycle)
    run(cast.hr.user, cycle)
    old = cast.employee.unit_id
    AssessmentResult.objects.filter(pk=world.results["employee"].pk).update(
        unit=cast.finance_clerk.unit
    )
    Employee.objects.filter(pk=cast.employee.pk).update(unit=cast.finance_clerk.unit)
    run(cast.hr.user, cycle)
    assert kept(cycle) == summed(cycle)
    assert not PayoutTotal.objects.filter(cycle=cycle, unit_id=old, grade="good").exists()


def test_a_pool_added_and_recomputed_keeps_them(cast: Cast) -> None:
    world = bonus_world(cast)
    cycle = finalise_directly(world.cycle)
    run(cast.hr.user, cycle)
    UnitPool.objects.create(scheme=world.scheme, unit=cast.engineering, amount=D("1000.00"))
    run(cast.hr.user, cycle)
    assert kept(cycle) == summed(cycle)
    assert PayoutTotal.objects.filter(cycle=cycle, pool_unit=cast.engineering).exists()


def test_refresh_rebuilds_what_the_payouts_say(cast: Cast) -> None:
    world = bonus_world(cast)
    cycle = finalise_directly(world.cycle)
    run(cast.hr.user, cycle)
    PayoutTotal.objects.filter(cycle=cycle).update(paid=D(0))
    totals.refresh(cycle.pk)
    assert kept(cycle) == summed(cycle)


def as_summed(user: Any, cycle: AssessmentCycle) -> dict[str, Any]:
    """The report's figures summed from the payouts the user sees."""
    rows = selectors.payouts(user).filter(cycle=cycle)
    got = rows.aggregate(
        paid=Sum("amount"), base=Sum("base", filter=Q(pool_unit__isnull=True)), n=Count("pk")
    )
    grades = dict(rows.order_by().values_list("grade").annotate(n=Count("pk")))
    units = dict(rows.order_by().values_list("unit_id").annotate(s=Sum("amount")))
    return {"paid": got["paid"] or D(0), "n": got["n"], "grades": grades, "units": units}


def pooled_and_computed(cast: Cast, *, published: bool) -> AssessmentCycle:
    """The bonus world with a pool on the site team, computed (and published if asked)."""
    world = bonus_world(cast)
    UnitPool.objects.create(scheme=world.scheme, unit=cast.site, amount=D("500.00"))
    cycle = finalise_directly(world.cycle)
    run(cast.hr.user, cycle)
    if published:
        AssessmentCycle.objects.filter(pk=cycle.pk).update(status=CycleStatus.PUBLISHED)
        cycle.refresh_from_db()
    return cycle


@pytest.mark.parametrize("role", ["hr", "executive", "manager"])
@pytest.mark.parametrize("published", [False, True])
def test_the_report_from_the_totals_equals_a_sum_of_the_visible_payouts(
    cast: Cast, role: str, published: bool
) -> None:
    cycle = pooled_and_computed(cast, published=published)
    user = getattr(cast, role).user
    report = selectors.report(user, cycle)
    expected = as_summed(user, cycle)
    assert (report.paid, report.people) == (expected["paid"], expected["n"])
    assert {g["grade"]: g["n"] for g in report.by_grade if g["n"]} == expected["grades"]
    assert {u["unit_id"]: u["paid"] for u in report.units.rows()} == expected["units"]
    if role == "manager" and not published:
        # the manager's own payout is still hidden from them
        assert report.people == Payout.objects.filter(cycle=cycle).count() - 1 - (
            Payout.objects.filter(cycle=cycle)
            .exclude(unit__path__startswith=cast.manager.unit.path)
            .count()
        )


@pytest.mark.parametrize("role", ["hr", "executive", "manager", "sibling_manager"])
@pytest.mark.parametrize("published", [False, True])
def test_the_report_read_a_unit_page_at_a_time_equals_a_fresh_sum(
    cast: Cast, role: str, published: bool
) -> None:
    """The report lists exactly the units with a row (the user's own unit goes when their
    hidden payout is all it was paid), and rows read a page at a time add up to a fresh
    sum of the payouts the user sees, unit by unit."""
    cycle = pooled_and_computed(cast, published=published)
    user = getattr(cast, role).user
    report = selectors.report(user, cycle)
    listed = list(report.units.listed)
    paged = [row for unit in listed for row in report.units.rows([unit])]
    assert [row["unit_id"] for row in paged] == [u.pk for u in listed]
    assert [u.path for u in listed] == sorted(u.path for u in listed)
    visible = selectors.payouts(user).filter(cycle=cycle).order_by()
    units = visible.values_list("unit_id").annotate(
        n=Count("pk"), paid=Sum("amount"), budget=Sum("base", filter=Q(pool_unit__isnull=True))
    )
    assert {r["unit_id"]: (r["n"], r["paid"], r["budget"]) for r in paged} == {
        unit: (n, paid, budget or D(0)) for unit, n, paid, budget in units
    }
    assert len(report.units.rows(listed[:1])) == min(1, len(listed))


def test_a_unit_paid_only_the_users_hidden_payout_is_not_listed(cast: Cast) -> None:
    world = bonus_world(cast)
    cycle = finalise_directly(world.cycle)
    run(cast.hr.user, cycle)
    mine = Payout.objects.get(cycle=cycle, employee=cast.manager)
    PayoutTotal.objects.filter(cycle=cycle, unit_id=mine.unit_id).delete()
    others = Payout.objects.filter(cycle=cycle, unit_id=mine.unit_id).exclude(pk=mine.pk)
    others.update(unit=cast.site)  # the manager alone paid in their unit
    totals.refresh(cycle.pk)
    report = selectors.report(cast.manager.user, cycle)
    assert mine.unit_id not in {u.pk for u in report.units.listed}
    assert {r["unit_id"] for r in report.units.rows()} == {u.pk for u in report.units.listed}
    assert mine.unit_id in {u.pk for u in selectors.report(cast.hr.user, cycle).units.listed}
