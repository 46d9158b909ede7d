"""The light board's exports as background jobs: one way to start them, one way to read
back what they were asked for.

A board of a large group holds a million lights: too many to write while the browser
waits. "Export to Excel" and "Board pack (PDF)" each start a job (:func:`board_job_create`)
that keeps the filters the board had and the language of whoever asked; the Celery task
(:mod:`lightup.tasks`) finds them again with :func:`board_job_inputs`, writes the file in
its creator's scope, moves the progress bar, and the job page offers the file.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from lightup import selectors
from spm.jobs import job_create
from spm.models import Job


def board_job_create(*, kind: str, user: Any, filters: selectors.BoardFilters, task: Any) -> Job:
    """A pending export (``kind``) of the board as ``user`` sees it under ``filters``."""
    params = {**dataclasses.asdict(filters), "language": translation.get_language() or ""}
    return job_create(kind=kind, user=user, params=params, task=task)


@contextmanager
def board_job_inputs(job: Job) -> Iterator[tuple[selectors.BoardFilters, Any]]:
    """The job's filters and the person who asked, with their language active."""
    params = dict(job.params)
    language = params.pop("language", "") or None
    fields = {f.name for f in dataclasses.fields(selectors.BoardFilters)}
    filters = selectors.BoardFilters(**{k: v for k, v in params.items() if k in fields})
    user = job.created_by
    if user is None:
        raise ValueError(_("The person who started this export no longer exists."))
    with translation.override(language):
        yield filters, user
