"""The assessment demo: a published first half and an annual cycle ready to compute, with
the decisions the brief asks for; a second run changes nothing."""

from __future__ import annotations

import pytest

from assessment import demo
from assessment.compute import compute_cycle
from assessment.models import (
    Adjustment,
    AssessmentCycle,
    AssessmentResult,
    CycleStatus,
    DecisionStatus,
    Exemption,
    KeyTaskGrade,
    Veto,
)
from org.demo import seed_org
from scorecard import demo as scorecard_demo
from scorecard import demo_tracking
from spm.clock import FixedClock
from strategy import demo as strategy_demo

pytestmark = pytest.mark.django_db


@pytest.mark.slow
def test_demo_cycles_decisions_and_a_second_run_that_changes_nothing() -> None:
    org = seed_org()
    strategy_demo.seed(org)
    scorecard_demo.seed(org)
    demo_tracking.seed(org)
    summary = demo.seed(org)
    assert "2 assessment cycles" in summary
    half = AssessmentCycle.objects.get(kind="semi_annual")
    annual = AssessmentCycle.objects.get(kind="annual")
    assert half.status == CycleStatus.PUBLISHED
    assert annual.status == CycleStatus.REVIEW
    assert not AssessmentResult.objects.filter(cycle=half, final_score__isnull=True).exists()
    assert KeyTaskGrade.objects.filter(result__cycle=annual).exists()
    approved = DecisionStatus.APPROVED
    assert Adjustment.objects.filter(kind="deduction", status=approved).count() == 1
    assert Adjustment.objects.filter(kind="bonus", status=DecisionStatus.PROPOSED).count() == 1
    assert Exemption.objects.filter(status=approved).count() == 1
    assert Veto.objects.filter(status=approved).count() == 1
    li = org.logins["employee"]
    assert AssessmentResult.objects.filter(cycle=half, employee=li).exists()

    counts = (AssessmentResult.objects.count(), AssessmentResult.history.count())
    demo.seed(org)
    assert (AssessmentResult.objects.count(), AssessmentResult.history.count()) == counts

    compute_cycle(annual.pk, now=FixedClock.on(annual.period_span.end).now())
    vetoed = AssessmentResult.objects.get(cycle=annual, vetoes__status=approved)
    assert vetoed.grade == "unqualified" and vetoed.vetoed
