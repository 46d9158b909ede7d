"""Cross-cutting Celery tasks."""

from __future__ import annotations

import socket
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from spm.models import Job


@shared_task(name="spm.tasks.worker_ping")
def worker_ping() -> dict[str, str]:
    """Answer from a worker; ``/health/`` uses it to prove a round trip through Redis."""
    return {"host": socket.gethostname(), "at": timezone.now().isoformat()}


@shared_task(name="spm.tasks.job_purge_finished")
def job_purge_finished(days: int = 30) -> int:
    """Delete finished jobs (and their files) older than ``days``. Safe to run twice."""
    cutoff = timezone.now() - timedelta(days=days)
    old = Job.objects.filter(finished_at__lt=cutoff)
    count = 0
    for job in old.iterator():
        if job.result_file:
            job.result_file.delete(save=False)
        job.delete()
        count += 1
    return count
