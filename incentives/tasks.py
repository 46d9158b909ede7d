"""Celery task of the incentives: computing a finalised cycle's payouts with a progress bar."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from incentives.compute import CHUNK, compute_payouts
from spm.jobs import job_progress, job_run
from spm.models import Job

COMPUTE_KIND = "incentives.compute"


def _compute(job: Job) -> dict[str, Any]:
    cycle_id = int(job.params["cycle_id"])
    outcome = compute_payouts(
        cycle_id,
        chunk_size=int(job.params.get("chunk_size") or CHUNK),
        progress=lambda done, total: job_progress(job, done=done, total=total),
    )
    return {
        "cycle_id": cycle_id,
        "payouts": outcome.computed,
        "changed": outcome.changed,
        "refused": outcome.refused,
    }


@shared_task(name="incentives.tasks.payouts_compute")
def payouts_compute(job_id: int) -> None:
    """Compute every payout of the job's finalised cycle (idempotent)."""
    job_run(job_id, _compute)
