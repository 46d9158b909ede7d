"""The incentives in the full tier (PostgreSQL, Redis, a real Celery worker): finalising an
annual cycle enqueues its payout job on commit, the worker computes it with its progress,
and a what-if job started through the API is answered by the worker."""

from __future__ import annotations

import subprocess
from typing import Any

import pytest

from assessment.services import cycles
from incentives.models import Payout
from incentives.tasks import COMPUTE_KIND
from spm.models import Job
from tests.conftest import Cast
from tests.incentives_world import World, bonus_world
from tests.test_incentives_finalise import in_calibration
from tests.test_services_tier import celery_worker, shared_worker, wait_until  # noqa: F401

pytestmark = pytest.mark.services


@pytest.fixture
def world(cast: Cast, transactional_db: Any) -> World:
    return bonus_world(cast)


def test_finalising_enqueues_the_payout_job_a_real_worker_runs(
    world: World,
    cast: Cast,
    celery_worker: subprocess.Popen[bytes],  # noqa: F811 (the fixture imported above)
) -> None:
    cycle = in_calibration(world)
    cycle = cycles.cycle_finalise(actor=cast.hr.user, cycle=cycle, version=cycle.version)
    job = Job.objects.get(kind=COMPUTE_KIND, params__cycle_id=cycle.pk)
    assert job.created_by == cast.hr.user
    wait_until(lambda: Job.objects.get(pk=job.pk).finished, 120, "the payout job")
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error
    assert job.done == job.total == len(world.results) == job.result["payouts"]
    assert Payout.objects.filter(cycle=cycle).count() == len(world.results)


def test_a_whatif_job_is_answered_by_a_real_worker(
    world: World,
    cast: Cast,
    celery_worker: subprocess.Popen[bytes],  # noqa: F811
) -> None:
    client = cast.client("hr")
    body = {"cycle": world.cycle.pk, "good": "1.5"}
    url = f"/api/v1/bonus-schemes/{world.scheme.pk}/what-if/"
    started = client.post(url, body, content_type="application/json").json()

    def answered() -> bool:
        return bool(client.get(started["url"]).json()["status"] == "done")

    wait_until(answered, 120, "the what-if job")
    result = client.get(started["url"]).json()["result"]
    assert result["delta"] == "30000.00" and result["changed"] == 1
