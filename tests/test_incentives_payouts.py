"""DESIGN §3.8 money through the services and the Celery task (in-process): a good grade
on a base of 100,000 pays 120,000.00; with an approved safety veto it pays 0.00."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.http import Http404
from django.test import TestCase

from assessment.models import AssessmentCycle
from assessment.services import cycles, decisions
from incentives.models import Payout
from incentives.services import payouts_compute_start
from spm.errors import Conflict
from spm.models import Job
from tests.conftest import Cast
from tests.test_assessment_services import compute, review_worked_example

D = Decimal


def finalise(cast: Cast, cycle: AssessmentCycle) -> AssessmentCycle:
    for step in ("self_assessment", "review", "calibration", "finalised"):
        cycle = cycles.cycle_advance(
            actor=cast.hr.user, cycle=cycle, version=cycle.version, to=step
        )
    return cycle


def run_payouts(actor: Any, cycle: AssessmentCycle) -> Job:
    with TestCase.captureOnCommitCallbacks(execute=True):
        job = payouts_compute_start(actor=actor, cycle=cycle)
    job.refresh_from_db()
    return job


def with_base(cast: Cast) -> None:
    cast.employee.base_bonus = D("100000.00")
    cast.employee.save()


def test_worked_example_good_grade_pays_120_000(cast: Cast) -> None:
    with_base(cast)
    cycle, result = review_worked_example(cast)
    cycle = finalise(cast, cycle)
    job = run_payouts(cast.hr.user, cycle)
    assert job.status == Job.Status.DONE
    payout = Payout.objects.get(result=result)
    assert payout.amount == D("120000.00")
    assert payout.explanation["formula"] == "100000.00 x 1.200 = 120000.00"


def test_worked_example_with_veto_pays_nothing(cast: Cast) -> None:
    with_base(cast)
    cycle, result = review_worked_example(cast)
    veto = decisions.veto_propose(actor=cast.manager.user, result=result, reason="Safety")
    decisions.veto_decide(actor=cast.executive.user, veto=veto, version=veto.version, approve=True)
    compute(cast.hr.user, cycle)
    cycle = finalise(cast, cycle)
    run_payouts(cast.hr.user, cycle)
    payout = Payout.objects.get(result=result)
    assert payout.amount == D("0.00")
    assert payout.grade == "unqualified"


def test_rerun_changes_no_payout_and_writes_no_audit_row(cast: Cast) -> None:
    with_base(cast)
    cycle, _ = review_worked_example(cast)
    cycle = finalise(cast, cycle)
    run_payouts(cast.hr.user, cycle)
    history = Payout.history.count()
    job = run_payouts(cast.hr.user, cycle)
    assert job.result["changed"] == 0
    assert Payout.history.count() == history


def test_payouts_wait_for_the_finalised_cycle_and_only_hr_starts_them(cast: Cast) -> None:
    cycle, _ = review_worked_example(cast)
    with pytest.raises(Conflict):
        payouts_compute_start(actor=cast.hr.user, cycle=cycle)
    cycle = finalise(cast, cycle)
    for person in (cast.employee, cast.manager, cast.sibling_manager):
        with pytest.raises(Http404):
            payouts_compute_start(actor=person.user, cycle=cycle)
