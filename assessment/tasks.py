"""Celery tasks of the assessment: computing a cycle's results with a progress bar; the
daily reminders at the deadlines of the cycles' steps."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from assessment.compute import CHUNK, PROCESSES, compute_cycle
from assessment.services.reminders import cycle_reminders_send
from spm.clock import clock
from spm.jobs import job_progress, job_run
from spm.models import Job

COMPUTE_KIND = "assessment.compute"


def _compute(job: Job) -> dict[str, Any]:
    cycle_id = int(job.params["cycle_id"])
    outcome = compute_cycle(
        cycle_id,
        now=clock().now(),
        chunk_size=int(job.params.get("chunk_size") or CHUNK),
        processes=int(job.params.get("processes") or PROCESSES),
        progress=lambda done, total: job_progress(job, done=done, total=total),
    )
    return {
        "cycle_id": cycle_id,
        "results": outcome.computed,
        "changed": outcome.changed,
        "refused": outcome.refused,
        "processes": outcome.processes,
    }


@shared_task(name="assessment.tasks.cycle_compute")
def cycle_compute(job_id: int) -> None:
    """Compute every result of the job's cycle (idempotent; refuses a finalised cycle)."""
    job_run(job_id, _compute)


@shared_task(name="assessment.tasks.cycle_reminders_daily")
def cycle_reminders_daily() -> dict[str, int]:
    """The beat job: the reminders the clock's day calls for (idempotent: each reminder
    has its dedupe key, so a second delivery sends nothing new)."""
    run = cycle_reminders_send(today=clock().today())
    return {"cycles": run.cycles, "offered": run.offered}
