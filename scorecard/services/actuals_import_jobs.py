"""Big actuals imports run as a background job with a progress bar; small ones in the request.

Whether a file is big is found cheaply (:func:`~scorecard.services.actuals_files.estimate_rows`:
the CSV's line count, the sheet's dimension), after every check of the file as a whole — so
a bad, bombed or ambiguously encoded file is refused in the request, before any job exists.
The uploaded bytes wait in the default storage under ``imports/`` until the job has read
them (``scorecard.tasks``); the job's result is the import report, or the reason the file
was refused.
"""

from __future__ import annotations

import io
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from org.scoping import Actor
from scorecard.services.actuals_files import estimate_rows
from scorecard.services.actuals_import import ImportReport, actuals_import
from scorecard.tasks import IMPORT_KIND, actuals_import_run
from spm.clock import Clock
from spm.jobs import job_create
from spm.models import Job

BACKGROUND_ROWS = 5_000  # about two seconds of work; beyond it the request does not wait


def actuals_import_submit(
    *,
    actor: Actor,
    data: bytes,
    name: str,
    encoding: str | None = None,
    clock: Clock | None = None,
) -> ImportReport | Job:
    """Import a small file now (its report), or queue a big one (the job to follow)."""
    rows, chosen = estimate_rows(data, name, encoding)
    if rows <= BACKGROUND_ROWS:
        return actuals_import(
            actor=actor, upload=io.BytesIO(data), name=name, encoding=chosen, clock=clock
        )
    suffix = ".xlsx" if name.lower().endswith(".xlsx") else ".csv"
    path = default_storage.save(f"imports/{uuid.uuid4().hex}{suffix}", ContentFile(data))
    return job_create(
        kind=IMPORT_KIND,
        user=actor,
        params={"path": path, "name": name, "encoding": chosen, "rows": rows},
        task=actuals_import_run,
    )
