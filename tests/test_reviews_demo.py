"""The people-side demo: on the published first half, completed 360° reviews whose means
are the ratings the cycle was computed with, incidents, one interview, one appeal that
changed a grade and one improvement plan; a second run changes nothing."""

from __future__ import annotations

from datetime import date

import pytest

from assessment import demo as assessment_demo
from assessment.models import AssessmentCycle, AssessmentResult
from org.demo import seed_org
from reviews import demo, provider
from reviews.models import (
    Appeal,
    AppealStatus,
    CriticalIncident,
    ImprovementPlan,
    Interview,
    Review,
)
from scorecard.demo import letters_actuals as demo_tracking
from scorecard.demo import scorecards as scorecard_demo
from strategy import demo as strategy_demo
from tests.conftest import PinnedClock

pytestmark = pytest.mark.django_db


@pytest.mark.slow
@pytest.mark.parametrize(
    "day",
    [
        # the demo's year is the clock's: a day in this year, a January (the half published
        # on a previous year's data), the half's last day (published on five months, no
        # score near a boundary for a raise) and the year's last day
        date(2026, 11, 15),
        date(2027, 1, 15),
        date(2027, 6, 30),
        date(2027, 12, 31),
    ],
    ids=str,
)
def test_demo_reviews_incidents_interview_appeal_that_changes_a_grade_and_plan_on_any_day(
    clock: PinnedClock, day: date
) -> None:
    clock.on(day)
    org = seed_org()
    strategy_demo.seed(org)
    scorecard_demo.seed(org)
    demo_tracking.seed(org)
    assessment_demo.seed(org)
    summary = demo.seed(org)
    half = AssessmentCycle.objects.get(kind="semi_annual")
    reviewed = set(Review.objects.filter(result__cycle=half).values_list("result_id", flat=True))
    assert len(reviewed) >= 3, summary
    assert not Review.objects.filter(result__cycle=half, submitted_at__isnull=True).exists()
    assert set(Review.objects.filter(result__cycle=half).values_list("kind", flat=True)) >= {
        "self", "superior", "peer",
    }  # fmt: skip

    [appeal] = Appeal.objects.all()
    assert appeal.status == AppealStatus.CHANGED
    result = appeal.result
    assert result.cycle_id == half.pk
    assert appeal.previous_grade != result.effective_grade, summary
    assert f"to {result.effective_grade}" in summary
    assert result.history.filter(history_change_reason=f"appeal {appeal.pk} changed").exists()
    # the means stand for every result but the appealed one (its part was corrected)
    parts = provider.qualitative_parts(sorted(reviewed | {result.pk}))
    for row in AssessmentResult.objects.filter(pk__in=reviewed).exclude(pk=result.pk):
        assert parts[row.pk] == row.qualitative_part, row.pk
    assert appeal.corrected_qualitative is not None
    assert parts[result.pk] == result.qualitative_part == appeal.corrected_qualitative
    assert appeal.submitted_at.date() <= appeal.deadline

    li = org.logins["employee"]
    assert CriticalIncident.objects.filter(employee=li).count() == 2
    [talk] = Interview.objects.all()
    assert talk.employee_acknowledged_at is not None and talk.manager_acknowledged_at is None
    [plan] = ImprovementPlan.objects.all()
    assert plan.interview == talk and plan.actions.count() == 2

    counts = (Review.objects.count(), Appeal.objects.count(), CriticalIncident.objects.count())
    assert demo.seed(org) == "already seeded"
    assert (
        Review.objects.count(),
        Appeal.objects.count(),
        CriticalIncident.objects.count(),
    ) == counts
