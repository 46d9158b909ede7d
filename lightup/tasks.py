"""Celery tasks of the light-up: the monthly beat, the on-demand job, the re-sweep after
an entry or an import. Each takes ints, re-computes from the database and is idempotent."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from lightup.board_pdf import board_pack_write
from lightup.board_xlsx import board_xlsx_write
from lightup.services import lightup_sweep
from lightup.sweep import CHUNK_ITEMS
from org.scoping import SYSTEM
from spm.clock import clock, previous_month
from spm.jobs import job_progress, job_run
from spm.models import Job


@shared_task(name="lightup.tasks.lightup_sweep_month")
def lightup_sweep_month(
    year: int,
    month: int,
    unit_ids: list[int] | None = None,
    chunk_items: int = CHUNK_ITEMS,
    item_ids: list[int] | None = None,
) -> dict[str, Any]:
    """Sweep one month (of some units; of some items of theirs, after their actuals
    changed). Safe to deliver twice: the sweep is an upsert, the tallies are recounted and
    every warning has its unique key."""
    return lightup_sweep(
        actor=SYSTEM,
        year=year,
        month=month,
        unit_ids=unit_ids,
        item_ids=item_ids,
        today=clock().today(),
        chunk_items=chunk_items,
    ).as_dict()


@shared_task(name="lightup.tasks.lightup_sweep_previous_month")
def lightup_sweep_previous_month() -> dict[str, Any]:
    """The beat job: on the 11th, once the grace period is over, sweep the month before."""
    year, month = previous_month(clock().today())
    return lightup_sweep_month(year, month)


@shared_task(name="lightup.tasks.lightup_sweep_job")
def lightup_sweep_job(job_id: int) -> None:
    """The sweep started from the light board, with its progress bar. The job is claimed by
    compare-and-set, so a second delivery does nothing."""

    def work(job: Job) -> dict[str, Any]:
        params = job.params
        result = lightup_sweep(
            actor=SYSTEM,
            year=int(params["year"]),
            month=int(params["month"]),
            today=clock().today(),
            progress=lambda done, total: job_progress(job, done=done, total=total),
        )
        return result.as_dict()

    job_run(job_id, work)


@shared_task(name="lightup.tasks.lightup_board_xlsx")
def lightup_board_xlsx(job_id: int) -> None:
    """Write the light board, as its requester sees it, to an XLSX file (the job's)."""
    job_run(job_id, board_xlsx_write)


@shared_task(name="lightup.tasks.lightup_board_pdf")
def lightup_board_pdf(job_id: int) -> None:
    """Write the board pack, as its requester sees the board, to a PDF file (the job's)."""
    job_run(job_id, board_pack_write)
