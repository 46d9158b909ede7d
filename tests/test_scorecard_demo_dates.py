"""The demo's letters and actuals follow the clock: in January last year's twelve months, in
February January's actuals waiting for approval, nothing dated after today."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from org.demo import seed_org
from scorecard.demo import letters_actuals as demo_tracking
from scorecard.demo import scorecards as demo_scorecards
from scorecard.models import ActualStatus, MonthlyActual
from strategy import demo as strategy_demo

pytestmark = pytest.mark.django_db


def _seed_all() -> None:
    demo = seed_org()
    strategy_demo.seed(demo)
    demo_scorecards.seed(demo)
    demo_tracking.seed(demo)


def test_in_january_the_demo_shows_last_years_twelve_months(settings: Any) -> None:
    settings.SPM_TODAY = datetime.date(2027, 1, 10)
    _seed_all()
    actuals = MonthlyActual.objects.all()
    assert set(actuals.values_list("item__scorecard__year", flat=True)) == {2026}
    assert set(actuals.values_list("month", flat=True)) == set(range(1, 13))
    assert not actuals.filter(month=12).exclude(status=ActualStatus.SUBMITTED).exists()
    assert max(actuals.values_list("entered_at", flat=True)).date() <= datetime.date(2027, 1, 10)


def test_in_february_the_demo_has_januarys_actuals_waiting_for_approval(settings: Any) -> None:
    settings.SPM_TODAY = datetime.date(2027, 2, 3)
    _seed_all()
    actuals = MonthlyActual.objects.all()
    assert set(actuals.values_list("month", flat=True)) == {1}
    assert set(actuals.values_list("status", flat=True)) == {ActualStatus.SUBMITTED}
    # Entered "on the 5th of February" would be after today: entered today instead.
    assert max(actuals.values_list("entered_at", flat=True)).date() <= datetime.date(2027, 2, 3)
