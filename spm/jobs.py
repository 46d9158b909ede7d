"""Services around :class:`spm.models.Job`: create, claim, heartbeat, finish, sweep.

A claim is a lease measured by the database's clock (``Now()``), so every worker and the
beat sweep agree on it whatever their own clocks, and a pinned business day
(``SPM_TODAY``) cannot freeze it. Every state change is a compare-and-set on the job's
status and its claim number (``attempts``): a worker whose lease was taken over finds
its writes refused and stops, so a job finishes once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import DateTimeField, ExpressionWrapper, F, Q
from django.db.models.functions import Now
from django.utils.translation import gettext as _

from spm.models import Job


class JobLost(Exception):
    """The job was taken over (its lease lapsed and another claim won); stop working."""


def _lease_end() -> ExpressionWrapper:
    seconds = timedelta(seconds=settings.SPM_JOB_LEASE_SECONDS)
    return ExpressionWrapper(Now() + seconds, output_field=DateTimeField())


def _lapsed() -> Q:
    # A running job without a lease predates leases: its worker is long gone.
    return Q(lease_until__lt=Now()) | Q(lease_until__isnull=True)


def job_create(*, kind: str, user: Any, params: dict[str, Any], task: Any) -> Job:
    """Create a pending job and enqueue ``task(job_id)`` once the transaction commits."""
    with transaction.atomic():
        job = Job.objects.create(kind=kind, created_by=user, params=params, task=task.name)
        task.delay_on_commit(job.pk)
    return job


def job_claim(job_id: int) -> Job | None:
    """Take the job: pending, or running with a lapsed lease (its worker died).

    ``None`` if the job is gone, finished, or alive in another worker's hands. A claim
    past ``MAX_ATTEMPTS`` fails the job instead of running it yet again.
    """
    claimable = Q(status=Job.Status.PENDING) | (Q(status=Job.Status.RUNNING) & _lapsed())
    claimed = Job.objects.filter(claimable, pk=job_id).update(
        status=Job.Status.RUNNING,
        claimed_at=Now(),
        lease_until=_lease_end(),
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return None
    job = Job.objects.get(pk=job_id)
    if job.attempts > Job.MAX_ATTEMPTS:
        message = _("The job was interrupted %(count)s times; giving up.")
        _fail(job, message % {"count": Job.MAX_ATTEMPTS})
        return None
    return job


def _mine(job: Job) -> Any:
    """The job's row, as long as this claim still holds it."""
    return Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, attempts=job.attempts)


def job_heartbeat(job: Job) -> None:
    """Renew the lease; :class:`JobLost` if another claim took the job over."""
    if not _mine(job).update(lease_until=_lease_end()):
        raise JobLost(job.pk)


def job_progress(job: Job, *, done: int, total: int | None = None) -> None:
    """Record progress, which is also the heartbeat that keeps the lease."""
    job.done = done
    fields: dict[str, Any] = {"done": done, "lease_until": _lease_end()}
    if total is not None:
        job.total = total
        fields["total"] = total
    if not _mine(job).update(**fields):
        raise JobLost(job.pk)


def _fail(job: Job, error: str) -> int:
    return (
        Job.objects.filter(pk=job.pk, attempts=job.attempts)
        .exclude(status__in=[Job.Status.DONE, Job.Status.FAILED])
        .update(status=Job.Status.FAILED, error=error, finished_at=Now(), lease_until=None)
    )


def job_run(job_id: int, work: Callable[[Job], dict[str, Any]]) -> None:
    """Claim the job, run ``work`` and record its result or its error (once)."""
    job = job_claim(job_id)
    if job is None:
        return
    try:
        result = work(job)
    except JobLost:
        return  # another worker owns the job now; its outcome is theirs to record
    except Exception as exc:
        _fail(job, str(exc))
        raise
    finished = _mine(job).update(
        status=Job.Status.DONE,
        result=result,
        done=F("total"),
        result_file=job.result_file.name or "",
        finished_at=Now(),
        lease_until=None,
    )
    if not finished and job.result_file:
        job.result_file.delete(save=False)  # the job is somebody else's now


def job_sweep() -> dict[str, int]:
    """Running jobs whose lease lapsed (their worker died): re-queue them, or fail them
    after ``MAX_ATTEMPTS`` claims or when no known task can run them again."""
    requeued = failed = 0
    stale = Job.objects.filter(_lapsed(), status=Job.Status.RUNNING)
    for job in stale.only("pk", "attempts", "task"):
        task = current_app.tasks.get(job.task) if job.task else None
        if task is None or job.attempts >= Job.MAX_ATTEMPTS:
            failed += _fail(job, _("The worker running this job stopped; it was not finished."))
            continue
        with transaction.atomic():
            moved = _mine(job).update(status=Job.Status.PENDING, lease_until=None)
            if moved:
                task.delay_on_commit(job.pk)
        requeued += moved
    return {"requeued": requeued, "failed": failed}
