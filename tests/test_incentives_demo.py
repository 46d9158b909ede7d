"""The demo's bonus scheme: after the demo seed, computing the annual cycle's scores,
finalising it and one payout computation pay the whole group — pools to the cent, the
the pool scaled by its unit's grade — and a second seed changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import Sum

from assessment import demo as assessment_demo
from assessment.compute import compute_cycle
from assessment.models import AssessmentCycle, AssessmentResult
from assessment.services import cycles
from incentives import demo
from incentives.compute import compute_payouts
from incentives.models import BonusScheme, Payout, UnitPool
from org.demo import seed_org
from org.scoping import SYSTEM
from scorecard.demo import letters_actuals as demo_tracking
from scorecard.demo import scorecards as scorecard_demo
from spm.clock import FixedClock
from strategy import demo as strategy_demo

pytestmark = pytest.mark.django_db


@pytest.mark.slow
def test_demo_annual_cycle_pays_the_group_after_one_payout_computation() -> None:
    org = seed_org()
    strategy_demo.seed(org)
    scorecard_demo.seed(org)
    demo_tracking.seed(org)
    assessment_demo.seed(org)
    assert "1 unit pool(s)" in demo.seed(org)
    assert "kept" in demo.seed(org)
    scheme = BonusScheme.objects.get()
    assert scheme.unit_factor and scheme.cap_ratio == Decimal(2)

    annual = AssessmentCycle.objects.get(kind="annual")
    compute_cycle(annual.pk, now=FixedClock.on(annual.period_span.end).now())
    for step in ("calibration", "finalised"):
        annual = cycles.cycle_advance(actor=SYSTEM, cycle=annual, to=step)
    outcome = compute_payouts(annual.pk)
    people = AssessmentResult.objects.filter(cycle=annual, employee__isnull=False).count()
    assert outcome.computed == people == Payout.objects.filter(cycle=annual).count() > 0
    pool = UnitPool.objects.select_related("unit").get(scheme=scheme)
    members = Payout.objects.filter(pool_unit=pool.unit)
    assert members.count() == people
    factor = Decimal(members.values_list("explanation__factor", flat=True)[0])
    assert factor != 1  # the unit's grade scales its pool
    paid = members.aggregate(s=Sum("amount"))["s"]
    assert paid == (pool.amount * factor).quantize(Decimal("0.01"))
    assert compute_payouts(annual.pk).changed == 0
