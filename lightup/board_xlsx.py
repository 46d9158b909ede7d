"""The light board as an XLSX file, written by a background job with a progress bar
(:mod:`lightup.board_jobs`): every light in the scope of whoever started it, under the
filters they had, in their language, a chunk at a time (each chunk moves the bar).
"""

from __future__ import annotations

import io
from typing import Any

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook

from lightup import selectors
from lightup.board_jobs import board_job_inputs
from lightup.models import Colour
from spm.exports import safe_row
from spm.jobs import job_progress
from spm.models import Job

KIND = "lightup_board_xlsx"
CHUNK = 2000

HEADINGS = (
    gettext_noop("Unit"),
    gettext_noop("Owner"),
    gettext_noop("Item"),
    gettext_noop("Perspective"),
    gettext_noop("Light"),
    gettext_noop("Deviation %"),
    gettext_noop("Plan to date"),
    gettext_noop("Actual to date"),
    gettext_noop("Forecast"),
    gettext_noop("Predicted miss"),
    gettext_noop("Last month"),
)


def board_line(row: Any) -> list[Any]:
    """One light of the board as a spreadsheet line (in the order of ``HEADINGS``)."""
    card = row.item.scorecard
    return [
        card.unit.name,
        card.employee.name if card.employee_id else _("Unit scorecard"),
        row.item.name,
        row.item.objective.perspective.name if row.item.objective_id else "",
        str(Colour(row.colour).label),
        float(row.deviation_percent) if row.deviation is not None else None,
        float(row.plan_to_date) if row.plan_to_date is not None else None,
        float(row.actual_to_date) if row.actual_to_date is not None else None,
        float(row.forecast) if row.forecast is not None else None,
        _("yes") if row.predicted_miss else "",
        str(Colour(row.previous_colour).label) if getattr(row, "previous_colour", None) else "",
    ]


def board_xlsx_write(job: Job) -> dict[str, Any]:
    """The job's work: the workbook of the lights in its creator's scope."""
    with board_job_inputs(job) as (filters, user):
        rows = selectors.with_board_details(selectors.board_rows(user, filters), filters)
        total = rows.count()
        job_progress(job, done=0, total=total)
        book = Workbook(write_only=True)
        sheet = book.create_sheet(_("Light board"))
        sheet.append([_(h) for h in HEADINGS])
        done = 0
        for row in rows.iterator(chunk_size=CHUNK):
            sheet.append(safe_row(board_line(row)))
            done += 1
            if done % CHUNK == 0:
                job_progress(job, done=done)
        buffer = io.BytesIO()
        book.save(buffer)
    filename = f"light-board-{filters.year}-{filters.month:02d}.xlsx"
    job.result_file.save(filename, ContentFile(buffer.getvalue()), save=False)
    return {"filename": filename, "rows": done}
