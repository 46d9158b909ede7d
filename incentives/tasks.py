"""Celery tasks of the incentives, each a job with a progress bar: computing a finalised
cycle's payouts, and the what-if of proposed terms on a cycle (which writes nothing but
its job's result)."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from incentives.compute import CHUNK, compute_payouts
from spm.jobs import job_progress, job_run
from spm.models import Job

COMPUTE_KIND = "incentives.compute"
WHATIF_KIND = "incentives.whatif"


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


def _whatif(job: Job) -> dict[str, Any]:
    from incentives.whatif_jobs import whatif_summary

    summary = whatif_summary(
        job.params, progress=lambda done, total: job_progress(job, done=done, total=total)
    )
    return summary.as_json()


@shared_task(name="incentives.tasks.whatif_compute")
def whatif_compute(job_id: int) -> None:
    """Compare the job's proposed terms with the current scheme on its cycle (reads only)."""
    job_run(job_id, _whatif)
