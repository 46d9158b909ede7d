"""Full tier: a job whose worker is killed mid-run is finished by another worker, once.

A real Celery worker claims an export, and is SIGKILLed while the export waits for a table
lock held by the test. Its lease lapses; the beat sweep re-queues the job; a new worker
finishes it. The job ends ``done`` after exactly two claims, with its file.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg2
import pytest
from django.db import connection
from django.db.models.functions import Now

from org.tasks import employee_directory_export
from spm.celery import app as celery_app
from spm.models import Job
from spm.tasks import job_sweep_stale
from tests.conftest import Cast, need
from tests.test_services_tier import (  # noqa: F401 (fixtures)
    REDIS_URL,
    no_shared_worker,
    shared_worker,
    start_worker,
    wait_until,
)

pytestmark = pytest.mark.services

LEASE_SECONDS = 3


class Workers:
    """Starts workers with a short job lease and always stops them all."""

    def __init__(self, media_root: Path) -> None:
        self.media_root = media_root
        self.started: list[subprocess.Popen[bytes]] = []

    def start(self) -> subprocess.Popen[bytes]:
        worker = start_worker(self.media_root)
        self.started.append(worker)
        wait_until(lambda: bool(celery_app.control.ping(timeout=0.5)), 60, "a worker to answer")
        return worker

    def stop_all(self) -> None:
        for worker in self.started:
            if worker.poll() is None:
                worker.terminate()
            worker.communicate(timeout=30)


@pytest.fixture
def workers(
    no_shared_worker: None,  # noqa: F811 - only these workers consume the queue
    transactional_db: Any,
    tmp_path: Path,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Workers]:
    need(connection.vendor == "postgresql", "PostgreSQL for the workers to share")
    need(bool(REDIS_URL), "Redis for the workers to consume from")
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SPM_JOB_LEASE_SECONDS = LEASE_SECONDS
    monkeypatch.setenv("SPM_JOB_LEASE_SECONDS", str(LEASE_SECONDS))  # the workers' lease
    pool = Workers(settings.MEDIA_ROOT)
    celery_app.conf.task_always_eager = False
    try:
        yield pool
    finally:
        celery_app.conf.task_always_eager = True
        pool.stop_all()


def _lock_employees() -> Any:
    """Another session holding the employee table, so the export blocks inside its work."""
    db = connection.settings_dict
    locker = psycopg2.connect(
        host=db["HOST"],
        port=db["PORT"],
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname=db["NAME"],
    )
    locker.cursor().execute("LOCK TABLE org_employee IN ACCESS EXCLUSIVE MODE")
    return locker


def test_a_job_whose_worker_was_killed_is_finished_once_by_another_worker(
    workers: Workers, cast: Cast
) -> None:
    first = workers.start()
    locker = _lock_employees()
    try:
        job = Job.objects.create(
            kind="employee_export", created_by=cast.hr.user, task=employee_directory_export.name
        )
        employee_directory_export.delay(job.pk)
        wait_until(lambda: Job.objects.get(pk=job.pk).status == Job.Status.RUNNING, 60, "the claim")
        first.kill()  # SIGKILL: no clean-up, no acknowledgement, the lease is not renewed
        first.wait(timeout=30)
    finally:
        locker.rollback()
        locker.close()
    assert Job.objects.get(pk=job.pk).attempts == 1

    workers.start()
    wait_until(
        lambda: Job.objects.filter(pk=job.pk, lease_until__lt=Now()).exists(),
        LEASE_SECONDS * 10,
        "the dead worker's lease to lapse",
    )
    assert job_sweep_stale.delay().get(timeout=30) == {"requeued": 1, "failed": 0}
    wait_until(lambda: Job.objects.get(pk=job.pk).finished, 60, "the re-queued export")

    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error
    assert job.attempts == 2
    assert job.result["rows"] == 7
    assert (Path(workers.media_root) / job.result_file.name).exists()
    # Once: another sweep and a late redelivery of the first message change nothing.
    assert job_sweep_stale.delay().get(timeout=30) == {"requeued": 0, "failed": 0}
    employee_directory_export.delay(job.pk).get(timeout=30)
    again = Job.objects.get(pk=job.pk)
    assert (again.attempts, again.finished_at) == (2, job.finished_at)
