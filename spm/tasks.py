"""Cross-cutting Celery tasks."""

from __future__ import annotations

import socket
from datetime import timedelta

from celery import shared_task
from django.db.models.functions import Now

from spm.clock import clock
from spm.jobs import job_sweep
from spm.models import Job


@shared_task(name="spm.tasks.worker_ping")
def worker_ping() -> dict[str, str]:
    """Answer from a worker; ``/health/`` uses it to prove a round trip through Redis."""
    return {"host": socket.gethostname(), "at": clock().now().isoformat()}


@shared_task(name="spm.tasks.job_purge_finished")
def job_purge_finished(days: int = 30) -> int:
    """Delete finished jobs (and their files) older than ``days``. Safe to run twice."""
    old = Job.objects.filter(finished_at__lt=Now() - timedelta(days=days))
    count = 0
    for job in old.iterator():
        if job.result_file:
            job.result_file.delete(save=False)
        job.delete()
        count += 1
    return count


@shared_task(name="spm.tasks.job_sweep_stale")
def job_sweep_stale() -> dict[str, int]:
    """Beat, every minute: re-queue (or fail) running jobs whose worker stopped renewing
    the lease, so no job stays "running" forever. Safe to run twice or concurrently."""
    return job_sweep()
