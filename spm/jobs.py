"""Services around :class:`spm.models.Job`: create, claim, advance, finish."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from spm.models import Job


def job_create(*, kind: str, user: Any, params: dict[str, Any], task: Any) -> Job:
    """Create a pending job and enqueue ``task(job_id)`` once the transaction commits."""
    with transaction.atomic():
        job = Job.objects.create(kind=kind, created_by=user, params=params)
        task.delay_on_commit(job.pk)
    return job


def job_claim(job_id: int) -> Job | None:
    """Move a pending job to running; ``None`` if gone or already claimed."""
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.PENDING).update(
        status=Job.Status.RUNNING
    )
    if not claimed:
        return None
    return Job.objects.get(pk=job_id)


def job_progress(job: Job, *, done: int, total: int | None = None) -> None:
    job.done = done
    fields = {"done": done}
    if total is not None:
        job.total = total
        fields["total"] = total
    Job.objects.filter(pk=job.pk).update(**fields)


def job_run(job_id: int, work: Callable[[Job], dict[str, Any]]) -> None:
    """Claim the job, run ``work`` and record its result or its error."""
    job = job_claim(job_id)
    if job is None:
        return
    try:
        result = work(job)
    except Exception as exc:
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.FAILED, error=str(exc), finished_at=timezone.now()
        )
        raise
    job.status = Job.Status.DONE
    job.result = result
    job.done = job.total
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "result", "done", "finished_at", "result_file"])
