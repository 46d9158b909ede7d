"""Finalising an annual cycle starts its payout computation: a job enqueued when the
finalise commits (none if it rolls back), started by the one who finalised, with its
progress bar on the report; starting again while it waits returns the same job; other
cycle kinds are paid only when HR computes them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction
from django.test import TestCase

from assessment.models import AssessmentCycle, AssessmentResult, CycleKind, CycleStatus
from assessment.services import cycles
from incentives.models import Payout
from incentives.services import payouts_compute_start
from incentives.tasks import COMPUTE_KIND
from spm.models import Job
from tests.conftest import Cast
from tests.incentives_world import World, bonus_world


def in_calibration(world: World) -> AssessmentCycle:
    AssessmentResult.objects.filter(cycle=world.cycle).update(final_score=Decimal(80))
    AssessmentCycle.objects.filter(pk=world.cycle.pk).update(status=CycleStatus.CALIBRATION)
    world.cycle.refresh_from_db()
    return world.cycle


def test_finalising_an_annual_cycle_enqueues_its_payouts_on_commit(cast: Cast) -> None:
    world = bonus_world(cast)
    cycle = in_calibration(world)
    with TestCase.captureOnCommitCallbacks(execute=False) as enqueued:
        cycle = cycles.cycle_finalise(actor=cast.hr.user, cycle=cycle, version=cycle.version)
    job = Job.objects.get(kind=COMPUTE_KIND)
    assert job.params == {"cycle_id": cycle.pk} and job.created_by == cast.hr.user
    assert job.status == Job.Status.PENDING and len(enqueued) == 1
    assert not Payout.objects.exists()  # nothing runs before the commit
    page = cast.client("hr").get(f"/incentives/cycles/{cycle.pk}/").content.decode()
    assert f'id="job-{job.pk}"' in page and 'role="progressbar"' in page
    # starting again while it waits: the same job, sent again (a claim runs it once)
    with TestCase.captureOnCommitCallbacks(execute=True):
        again = payouts_compute_start(actor=cast.hr.user, cycle=cycle)
    assert again.pk == job.pk and Job.objects.filter(kind=COMPUTE_KIND).count() == 1
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert Payout.objects.filter(cycle=cycle).count() == len(world.results)
    page = cast.client("hr").get(f"/incentives/cycles/{cycle.pk}/").content.decode()
    assert 'role="progressbar"' not in page and "Compute payouts" in page  # the re-run


def test_a_finalise_that_rolls_back_starts_nothing(cast: Cast) -> None:
    cycle = in_calibration(bonus_world(cast))
    callbacks = TestCase.captureOnCommitCallbacks(execute=True)
    with callbacks as enqueued, pytest.raises(RuntimeError), transaction.atomic():
        cycles.cycle_finalise(actor=cast.hr.user, cycle=cycle, version=cycle.version)
        raise RuntimeError("the request failed after finalising")
    assert enqueued == [] and not Job.objects.filter(kind=COMPUTE_KIND).exists()
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.CALIBRATION


def test_a_semi_annual_cycle_is_not_paid_on_finalising(cast: Cast) -> None:
    world = bonus_world(cast)
    AssessmentCycle.objects.filter(pk=world.cycle.pk).update(kind=CycleKind.SEMI_ANNUAL)
    cycle = in_calibration(world)
    cycles.cycle_finalise(actor=cast.hr.user, cycle=cycle, version=cycle.version)
    assert not Job.objects.filter(kind=COMPUTE_KIND).exists()
