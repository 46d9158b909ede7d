"""The demo's bonus scheme: after the demo seed, HR computes the annual cycle's scores (the
one computation) and finalises it, which starts the payout job: everyone assessed is
paid, the pool to the cent, scaled by its unit's grade. A second seed changes nothing, and
the report's button re-runs the payouts without changing any."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import Sum
from django.test import TestCase

from assessment import demo as assessment_demo
from assessment.models import AssessmentCycle, AssessmentResult
from assessment.services import cycles
from assessment.services.results import cycle_compute_start
from incentives import demo
from incentives.models import BonusScheme, Payout, UnitPool
from incentives.services import payouts_compute_start
from incentives.tasks import COMPUTE_KIND
from org.demo import seed_org
from scorecard.demo import letters_actuals as demo_tracking
from scorecard.demo import scorecards as scorecard_demo
from spm.models import Job
from strategy import demo as strategy_demo

pytestmark = pytest.mark.django_db


@pytest.mark.slow
def test_demo_annual_cycle_is_paid_once_hr_computes_and_finalises_it() -> None:
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
    hr = org.logins["hr"].user
    # the one computation: the annual cycle's scores, through the service and its task
    with TestCase.captureOnCommitCallbacks(execute=True):
        scores = cycle_compute_start(actor=hr, cycle=annual)
    scores.refresh_from_db()
    assert scores.status == Job.Status.DONE, scores.error
    annual = cycles.cycle_advance(actor=hr, cycle=annual, version=annual.version, to="calibration")
    with TestCase.captureOnCommitCallbacks(execute=True) as enqueued:
        annual = cycles.cycle_advance(
            actor=hr, cycle=annual, version=annual.version, to="finalised"
        )
    assert len(enqueued) == 1  # finalising enqueued the payout job, on commit
    job = Job.objects.get(kind=COMPUTE_KIND)
    assert job.status == Job.Status.DONE and job.created_by == hr and job.done == job.total
    people = AssessmentResult.objects.filter(cycle=annual, employee__isnull=False)
    assert people.count() == Payout.objects.filter(cycle=annual).count() > 0
    assert set(people.values_list("pk", flat=True)) == set(
        Payout.objects.filter(cycle=annual).values_list("result_id", flat=True)
    )
    assert job.result["payouts"] == people.count()
    pool = UnitPool.objects.select_related("unit").get(scheme=scheme)
    members = Payout.objects.filter(cycle=annual, pool_unit=pool.unit)
    assert members.count() == people.filter(unit__path__startswith=pool.unit.path).count()
    factor = Decimal(members.values_list("explanation__factor", flat=True)[0])
    assert factor != 1  # the unit's grade scales its pool
    paid = members.aggregate(s=Sum("amount"))["s"]
    assert paid == (pool.amount * factor).quantize(Decimal("0.01"))  # to the cent
    # the button on the report re-runs it: a new job that changes nothing
    with TestCase.captureOnCommitCallbacks(execute=True):
        again = payouts_compute_start(actor=hr, cycle=annual)
    again.refresh_from_db()
    assert again.pk != job.pk and again.result["changed"] == 0
