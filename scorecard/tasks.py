"""Celery tasks of the scorecard app: big actuals imports, queued by
``scorecard.services.actuals_import_jobs``."""

from __future__ import annotations

import io
from typing import Any

from celery import shared_task
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage

from scorecard.services.actuals_import import ImportReport, actuals_import
from spm.jobs import JobLost, job_progress, job_run
from spm.models import Job

IMPORT_KIND = "actuals_import"


def _import(job: Job) -> dict[str, Any]:
    """The work of an import job: the report as a dict, with ``problem`` when the file as
    a whole was refused or lost a race (nothing was written then either)."""
    params = job.params
    total = max(int(params["rows"]), 1)
    job_progress(job, done=0, total=total)
    if job.created_by_id is None:
        raise ValueError("The user who started this import no longer exists.")
    user = get_user_model().objects.get(pk=job.created_by_id)
    lost = False
    try:
        with default_storage.open(params["path"], "rb") as handle:
            data = handle.read()
        report = actuals_import(
            actor=user,
            upload=io.BytesIO(data),
            name=params["name"],
            encoding=params.get("encoding"),
            progress=lambda done: job_progress(job, done=min(done, total)),
        )
    except JobLost:
        lost = True  # the worker that took the job over still needs the file
        raise
    except ValidationError as exc:  # ImportFileError, ImportConflict
        return ImportReport().as_dict() | {"ok": False, "problem": " ".join(exc.messages)}
    finally:
        if not lost:
            default_storage.delete(params["path"])
    return report.as_dict()


@shared_task(name="scorecard.tasks.actuals_import_run")
def actuals_import_run(job_id: int) -> None:
    """Run a queued actuals import: all rows or none, like one in the request."""
    job_run(job_id, _import)
