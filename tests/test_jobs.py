"""Background jobs hold a lease: a job whose worker died is taken over, never stuck."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from celery import shared_task
from django.conf import settings
from django.db.models.functions import Now

from spm import jobs
from spm.models import Job
from spm.tasks import job_sweep_stale

pytestmark = pytest.mark.django_db

RUNS: list[int] = []


@shared_task(name="tests.test_jobs.count_run")
def count_run(job_id: int) -> None:
    jobs.job_run(job_id, lambda job: {"run": RUNS.append(job.pk) or len(RUNS)})


def _lapse(job: Job) -> None:
    """What a dead worker leaves behind: a running job whose lease ran out."""
    Job.objects.filter(pk=job.pk).update(lease_until=Now() - timedelta(seconds=1))


def _job(**fields: Any) -> Job:
    return Job.objects.create(kind="test", task=count_run.name, **fields)


def test_a_claim_takes_a_lease_and_a_second_claim_of_a_live_job_gets_nothing() -> None:
    job = _job()
    claimed = jobs.job_claim(job.pk)
    assert claimed is not None
    assert claimed.status == Job.Status.RUNNING
    assert claimed.attempts == 1
    assert claimed.lease_until is not None and claimed.claimed_at is not None
    assert claimed.lease_until > claimed.claimed_at
    assert jobs.job_claim(job.pk) is None


def test_a_redelivered_task_reclaims_a_job_whose_lease_lapsed() -> None:
    job = _job()
    first = jobs.job_claim(job.pk)
    assert first is not None
    _lapse(job)
    second = jobs.job_claim(job.pk)
    assert second is not None
    assert second.attempts == 2


def test_the_worker_that_lost_its_lease_can_neither_report_nor_finish() -> None:
    job = _job()
    first = jobs.job_claim(job.pk)
    assert first is not None
    _lapse(job)
    second = jobs.job_claim(job.pk)
    assert second is not None
    with pytest.raises(jobs.JobLost):
        jobs.job_progress(first, done=1, total=2)
    with pytest.raises(jobs.JobLost):
        jobs.job_heartbeat(first)
    jobs.job_progress(second, done=1, total=2)
    job.refresh_from_db()
    assert (job.done, job.total, job.status) == (1, 2, Job.Status.RUNNING)


def test_progress_renews_the_lease() -> None:
    job = _job()
    claimed = jobs.job_claim(job.pk)
    assert claimed is not None
    Job.objects.filter(pk=job.pk).update(lease_until=Now() + timedelta(seconds=5))
    jobs.job_progress(claimed, done=1, total=3)
    job.refresh_from_db()
    assert job.lease_until is not None and job.claimed_at is not None
    assert job.lease_until - job.claimed_at >= timedelta(seconds=settings.SPM_JOB_LEASE_SECONDS)


def test_the_sweep_requeues_a_stale_job_which_then_runs_once(
    django_capture_on_commit_callbacks: Any,
) -> None:
    RUNS.clear()
    job = _job()
    assert jobs.job_claim(job.pk) is not None
    _lapse(job)
    with django_capture_on_commit_callbacks(execute=True) as sent:
        assert job_sweep_stale() == {"requeued": 1, "failed": 0}
    assert len(sent) == 1  # the task, enqueued on commit (and run eagerly here)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert job.attempts == 2
    assert [job.pk] == RUNS
    assert job.lease_until is None
    # A late redelivery of the first message and another sweep change nothing.
    count_run(job.pk)
    assert job_sweep_stale() == {"requeued": 0, "failed": 0}
    assert [job.pk] == RUNS


def test_the_sweep_leaves_live_and_finished_jobs_alone() -> None:
    live = _job()
    assert jobs.job_claim(live.pk) is not None
    _job(status=Job.Status.DONE)
    _job()  # pending: its message is still on the way
    assert job_sweep_stale() == {"requeued": 0, "failed": 0}
    assert Job.objects.get(pk=live.pk).status == Job.Status.RUNNING


def test_the_sweep_fails_a_job_after_its_last_attempt() -> None:
    job = _job()
    for _ in range(Job.MAX_ATTEMPTS):
        assert jobs.job_claim(job.pk) is not None
        _lapse(job)
    assert job_sweep_stale() == {"requeued": 0, "failed": 1}
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "stopped" in job.error
    assert job.finished_at is not None


def test_the_sweep_fails_a_stale_job_no_task_can_run() -> None:
    job = Job.objects.create(kind="test", task="no.such.task", status=Job.Status.RUNNING)
    assert job_sweep_stale() == {"requeued": 0, "failed": 1}
    assert Job.objects.get(pk=job.pk).status == Job.Status.FAILED


def test_a_claim_past_the_last_attempt_fails_the_job_instead_of_running_it() -> None:
    RUNS.clear()
    job = _job(status=Job.Status.RUNNING, attempts=Job.MAX_ATTEMPTS)
    count_run(job.pk)
    job.refresh_from_db()
    assert RUNS == []
    assert job.status == Job.Status.FAILED
    assert str(Job.MAX_ATTEMPTS) in job.error


def test_an_error_in_the_work_fails_the_job_with_the_message() -> None:
    job = _job()

    def broken(_job: Job) -> dict[str, Any]:
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        jobs.job_run(job.pk, broken)
    job.refresh_from_db()
    assert (job.status, job.error) == (Job.Status.FAILED, "disk full")
