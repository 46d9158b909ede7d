"""``generate_enterprise`` gives every synthetic employee a scorecard of ten items whose
summed targets add up through the tree, and actuals up to last month (ten with the clock in
November)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Count, Sum

from org.generate import generate_enterprise
from scorecard import generate
from scorecard.models import ItemKind, MonthlyActual, Scorecard, ScorecardItem

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def november(settings: Any) -> None:
    settings.SPM_TODAY = datetime.date(2026, 11, 15)


def _generate(employees: int, prefix: str) -> Any:
    return generate_enterprise(employees=employees, prefix=prefix, progress=lambda _line: None)


def test_every_employee_gets_ten_items_linked_up_to_the_group_and_ten_months_of_actuals() -> None:
    result = _generate(120, "GEN")
    people = Scorecard.objects.filter(employee_id__in=result.employee_ids, year=2026)
    assert people.count() == 120
    assert set(people.annotate(n=Count("items")).values_list("n", flat=True)) == {10}
    assert Scorecard.objects.filter(unit_id__in=result.unit_ids, employee=None).count() == len(
        result.unit_ids
    )
    items = ScorecardItem.objects.filter(scorecard__in=people, kind=ItemKind.QUANTITATIVE)
    assert not items.filter(parent__isnull=True).exists()
    assert not items.filter(objective__isnull=True).exists()
    assert MonthlyActual.objects.filter(item__in=items).count() == items.count() * 10
    weights = people.annotate(w=Sum("items__weight")).values_list("w", flat=True)
    assert set(weights) == {100}
    group_profit = ScorecardItem.objects.get(
        scorecard__unit=result.group, scorecard__employee=None, indicator__code="GEN-PROFIT"
    )
    children = ScorecardItem.objects.filter(parent=group_profit).aggregate(t=Sum("target"))["t"]
    assert children == group_profit.target


def test_actuals_can_be_left_out_for_very_large_groups(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(generate, "ACTUAL_MONTHS", 0)
    result = _generate(40, "NOA")
    assert Scorecard.objects.filter(employee_id__in=result.employee_ids).count() == 40
    assert not MonthlyActual.objects.filter(item__scorecard__unit__code__startswith="NOA").exists()


def test_in_march_the_generated_year_has_two_months_of_actuals(settings: Any) -> None:
    settings.SPM_TODAY = datetime.date(2027, 3, 1)
    result = _generate(20, "MAR")
    items = ScorecardItem.objects.filter(
        scorecard__employee_id__in=result.employee_ids, kind=ItemKind.QUANTITATIVE
    )
    assert set(items.values_list("scorecard__year", flat=True)) == {2027}
    months = MonthlyActual.objects.filter(item__in=items).values_list("month", flat=True)
    assert set(months) == {1, 2}


def test_generated_targets_and_actuals_follow_the_documented_formulas() -> None:
    """On PostgreSQL the database computes them (``people_scorecards_sql``), elsewhere Python
    does; both must give ``person_target`` and ``actual_value`` exactly."""
    result = _generate(30, "FML")
    items = ScorecardItem.objects.filter(
        scorecard__employee_id__in=result.employee_ids, kind=ItemKind.QUANTITATIVE
    ).values_list("pk", "scorecard__employee_id", "order", "target", "aggregation", "baseline")
    checked = 0
    for pk, employee_id, order, target, aggregation, baseline in items:
        if order <= generate.SUMS:
            assert target == generate.person_target(employee_id, order)
            assert baseline == (target * Decimal("0.8")).quantize(Decimal("0.01"))
        for month, value in MonthlyActual.objects.filter(item_id=pk).values_list("month", "value"):
            assert value == generate.actual_value(target, aggregation, pk, month)
            checked += 1
    assert checked == 30 * 9 * 10
