"""The people-side demo: on the published first half, completed 360° reviews whose means
are the ratings the cycle was computed with, incidents, one interview, one appeal that
changed a grade and one improvement plan; a second run changes nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

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
def test_demo_reviews_incidents_interview_appeal_and_plan_and_a_second_run_changes_nothing(
    clock: PinnedClock,
) -> None:
    # A day after the first half has closed with all its actuals: on 30 June the half is
    # published on five months, and no score lies near enough a grade boundary for an
    # appeal to change one (the seeder then files none).
    clock.on(date(2026, 11, 15))
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
    assert appeal.previous_grade != result.effective_grade, summary
    # the means stand for every result but the appealed one (its part was corrected to 100)
    parts = provider.qualitative_parts(sorted(reviewed | {result.pk}))
    for row in AssessmentResult.objects.filter(pk__in=reviewed).exclude(pk=result.pk):
        assert parts[row.pk] == row.qualitative_part, row.pk
    assert parts[result.pk] == Decimal(100)

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
