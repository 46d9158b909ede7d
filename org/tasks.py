"""Celery tasks of the org app."""

from __future__ import annotations

import io
from typing import Any

from celery import shared_task
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from openpyxl import Workbook

from spm.clock import clock
from spm.exports import safe_row
from spm.jobs import job_progress, job_run
from spm.models import Job

CHUNK = 2000


def _export(job: Job) -> dict[str, Any]:
    from org import selectors

    if job.created_by_id is None:
        raise ValueError("The user who asked for this export no longer exists.")
    user = get_user_model().objects.get(pk=job.created_by_id)
    params = job.params
    unit = None
    if params.get("unit_id"):
        unit = selectors.org_unit_get(user, params["unit_id"])
    people = selectors.employee_directory(
        user, text=params.get("text", ""), unit=unit, job_title=params.get("job_title", "")
    )
    total = people.count()
    job_progress(job, done=0, total=total)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Employees"))
    sheet.append(
        [
            _("Employee number"),
            _("Name"),
            _("Unit"),
            _("Job title"),
            _("Line manager"),
            _("Base bonus"),
        ]
    )
    done = 0
    # Chunks keep memory flat on a 100,000-person group and move the progress bar.
    rows = people.values_list(
        "employee_no", "name", "unit__name", "job_title", "line_manager__name", "base_bonus"
    )
    for start in range(0, total, CHUNK):
        for row in rows[start : start + CHUNK]:
            sheet.append(safe_row(row))
            done += 1
        job_progress(job, done=done)
    buffer = io.BytesIO()
    book.save(buffer)
    filename = f"employees-{clock().today():%Y%m%d}.xlsx"
    job.result_file.save(filename, ContentFile(buffer.getvalue()), save=False)
    return {"filename": filename, "rows": done}


@shared_task(name="org.tasks.employee_directory_export")
def employee_directory_export(job_id: int) -> None:
    """Write the directory in the job creator's scope to an XLSX file."""
    job_run(job_id, _export)
