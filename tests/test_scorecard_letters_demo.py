"""The demo's letters and actuals: signed letters, actuals up to last month (ten months with
the clock in November), two milestone completions, idempotent."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, NamedTuple

import pytest
from django.test import override_settings

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
from tests.access import fresh, module_rows

pytestmark = pytest.mark.django_db


class Seeded(NamedTuple):
    demo: DemoOrg
    summary: str  # what the tracking seed said on its first run


@pytest.fixture(scope="module")
def seeded_rows(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Seeded]:
    """The demo up to and including its tracking seed, run once for the module (each test
    reads it, or runs the seed again, in its own savepoint)."""
    with override_settings(SPM_TODAY=datetime.date(2026, 11, 15)):
        yield from module_rows(django_db_blocker, _seed)


@pytest.fixture
def seeded(seeded_rows: Seeded, db: Any) -> Seeded:
    return fresh(seeded_rows)


@pytest.fixture
def demo(seeded: Seeded) -> DemoOrg:
    return seeded.demo


def _seed() -> Seeded:
    demo = seed_org()
    # The seeds that run before this one in ``seed_demo``.
    strategy_demo.seed(demo)
    demo_scorecards.seed(demo)
    return Seeded(demo, demo_tracking.seed(demo))


def test_the_demo_signs_every_letter_and_records_ten_months(seeded: Seeded) -> None:
    summary = seeded.summary
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
    behind = 0
    for scorecard in Scorecard.objects.filter(year=2026):
        for item in scorecard.items.filter(kind=ItemKind.QUANTITATIVE, polarity="higher"):
            done = sum(item.actuals.values_list("value", flat=True), Decimal(0))
            plan = (item.target or Decimal(100)) * 10 / 12
            if item.aggregation == "sum" and item.target and done < plan * Decimal("0.85"):
                behind += 1
    assert behind >= 1


def test_one_milestone_is_done_on_time_and_one_late(demo: DemoOrg) -> None:
    done = Milestone.objects.filter(completed_on__isnull=False).order_by("due_date")
    deltas = [(m.completed_on - m.due_date).days for m in done]
    assert len(deltas) >= 2
    assert any(d <= 0 for d in deltas) and any(0 < d <= 30 for d in deltas)


def test_the_demo_seed_is_idempotent(demo: DemoOrg) -> None:
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
    employee = demo.logins["employee"]
    letter = Scorecard.objects.get(employee=employee, year=2026).letters.get(status="signed")
    assert letter.acknowledged_at is None
    assert letter.signed_by_head_at.date() == datetime.date(2026, 1, 15)
