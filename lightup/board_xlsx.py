"""The light board as an XLSX file, written by a background job with a progress bar.

A board of a large group holds a million lights: too many to write while the browser
waits. The board's "Export to Excel" starts a job (:func:`board_xlsx_job_create`); the
Celery task :func:`lightup.tasks.lightup_board_xlsx` writes the lights in the scope of
whoever started it, under the filters they had, in their language, a chunk at a time
(each chunk moves the progress bar), and the job page offers the file.
"""

from __future__ import annotations

import dataclasses
import io
from typing import Any

from django.core.files.base import ContentFile
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook

from lightup import selectors
from lightup.models import Colour
from spm.exports import safe_row
from spm.jobs import job_create, job_progress
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


def board_xlsx_job_create(*, user: Any, filters: selectors.BoardFilters, task: Any) -> Job:
    """A pending export of the board as ``user`` sees it under ``filters``."""
    params = {**dataclasses.asdict(filters), "language": translation.get_language() or ""}
    return job_create(kind=KIND, user=user, params=params, task=task)


def board_xlsx_write(job: Job) -> dict[str, Any]:
    """The job's work: the workbook of the lights in its creator's scope."""
    params = dict(job.params)
    language = params.pop("language", "") or None
    fields = {f.name for f in dataclasses.fields(selectors.BoardFilters)}
    filters = selectors.BoardFilters(**{k: v for k, v in params.items() if k in fields})
    user = job.created_by
    if user is None:
        raise ValueError(_("The person who started this export no longer exists."))
    with translation.override(language):
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
