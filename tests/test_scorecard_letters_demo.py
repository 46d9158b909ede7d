"""The demo's letters and actuals: signed letters, actuals up to last month (ten months with
the clock in November), two milestone completions, idempotent, nothing dated after today."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from org.demo import DemoOrg, seed_org
from scorecard.demo import letters_actuals as demo_tracking
from scorecard.demo import scorecards as demo_scorecards
from scorecard.models import (
    ActualStatus,
    ClosedPeriod,
    ItemKind,
    LetterStatus,
    Milestone,
    MonthlyActual,
    Scorecard,
    ScorecardStatus,
)
from strategy import demo as strategy_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings: Any) -> DemoOrg:
    settings.SPM_TODAY = datetime.date(2026, 11, 15)
    demo = seed_org()
    # The seeds that run before this one in ``seed_demo``.
    strategy_demo.seed(demo)
    demo_scorecards.seed(demo)
    return demo


def test_the_demo_signs_every_letter_and_records_ten_months(demo: DemoOrg) -> None:
    summary = demo_tracking.seed(demo)
    scorecards = Scorecard.objects.filter(year=2026)
    assert "letters signed" in summary
    assert set(scorecards.values_list("status", flat=True)) == {ScorecardStatus.SIGNED}
    for scorecard in scorecards:
        letter = scorecard.letters.get(status=LetterStatus.SIGNED)
        assert letter.signed_by_head_at and letter.countersigned_at
    items = scorecards.filter(items__kind=ItemKind.QUANTITATIVE).values_list("items", flat=True)
    actuals = MonthlyActual.objects.filter(item__in=items)
    assert actuals.count() == 10 * len(set(items))
    assert set(actuals.values_list("month", flat=True)) == set(range(1, 11))
    assert not actuals.filter(month=10).exclude(status=ActualStatus.SUBMITTED).exists()
    assert not actuals.filter(month__lte=9).exclude(status=ActualStatus.APPROVED).exists()
    assert set(ClosedPeriod.objects.values_list("month", flat=True)) == set(range(1, 10))


def test_some_items_are_behind_plan(demo: DemoOrg) -> None:
    demo_tracking.seed(demo)
    behind = 0
    for scorecard in Scorecard.objects.filter(year=2026):
        for item in scorecard.items.filter(kind=ItemKind.QUANTITATIVE, polarity="higher"):
            done = sum(item.actuals.values_list("value", flat=True), Decimal(0))
            plan = (item.target or Decimal(100)) * 10 / 12
            if item.aggregation == "sum" and item.target and done < plan * Decimal("0.85"):
                behind += 1
    assert behind >= 1


def test_one_milestone_is_done_on_time_and_one_late(demo: DemoOrg) -> None:
    demo_tracking.seed(demo)
    done = Milestone.objects.filter(completed_on__isnull=False).order_by("due_date")
    deltas = [(m.completed_on - m.due_date).days for m in done]
    assert len(deltas) >= 2
    assert any(d <= 0 for d in deltas) and any(0 < d <= 30 for d in deltas)


def test_the_demo_seed_is_idempotent(demo: DemoOrg) -> None:
    demo_tracking.seed(demo)
    counts = (
        MonthlyActual.objects.count(),
        MonthlyActual.history.count(),
        Milestone.objects.filter(completed_on__isnull=False).count(),
        Scorecard.objects.filter(letters__isnull=False).count(),
    )
    summary = demo_tracking.seed(demo)
    assert "0 letters signed" in summary and " 0 actuals" in summary
    assert counts == (
        MonthlyActual.objects.count(),
        MonthlyActual.history.count(),
        Milestone.objects.filter(completed_on__isnull=False).count(),
        Scorecard.objects.filter(letters__isnull=False).count(),
    )


def test_the_demo_employee_still_has_a_letter_to_acknowledge(demo: DemoOrg) -> None:
    demo_tracking.seed(demo)
    employee = demo.logins["employee"]
    letter = Scorecard.objects.get(employee=employee, year=2026).letters.get(status="signed")
    assert letter.acknowledged_at is None
    assert letter.signed_by_head_at.date() == datetime.date(2026, 1, 15)


def test_in_january_the_demo_shows_last_years_twelve_months(settings: Any) -> None:
    settings.SPM_TODAY = datetime.date(2027, 1, 10)
    demo = seed_org()
    strategy_demo.seed(demo)
    demo_scorecards.seed(demo)
    demo_tracking.seed(demo)
    actuals = MonthlyActual.objects.all()
    assert set(actuals.values_list("item__scorecard__year", flat=True)) == {2026}
    assert set(actuals.values_list("month", flat=True)) == set(range(1, 13))
    assert not actuals.filter(month=12).exclude(status=ActualStatus.SUBMITTED).exists()
    assert max(actuals.values_list("entered_at", flat=True)).date() <= datetime.date(2027, 1, 10)


def test_in_february_the_demo_has_januarys_actuals_waiting_for_approval(settings: Any) -> None:
    settings.SPM_TODAY = datetime.date(2027, 2, 3)
    demo = seed_org()
    strategy_demo.seed(demo)
    demo_scorecards.seed(demo)
    demo_tracking.seed(demo)
    actuals = MonthlyActual.objects.all()
    assert set(actuals.values_list("month", flat=True)) == {1}
    assert set(actuals.values_list("status", flat=True)) == {ActualStatus.SUBMITTED}
    # Entered "on the 5th of February" would be after today: entered today instead.
    assert max(actuals.values_list("entered_at", flat=True)).date() <= datetime.date(2027, 2, 3)
