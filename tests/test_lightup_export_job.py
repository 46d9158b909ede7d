"""The board's XLSX export runs as a background job: progress, filters, language, and
nobody else's file."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from lightup import board_xlsx
from lightup.selectors import BoardFilters
from lightup.services import lightup_sweep
from lightup.tasks import lightup_board_xlsx
from org.scoping import SYSTEM
from spm.models import Job
from tests.conftest import Cast
from tests.lightup_world import MONTH, TODAY, YEAR, World, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast: Cast) -> World:
    found = build(cast)
    lightup_sweep(actor=SYSTEM, year=YEAR, month=MONTH, today=TODAY)
    return found


def sheet_of(job: Job) -> list[tuple[Any, ...]]:
    job.refresh_from_db()
    book = load_workbook(io.BytesIO(job.result_file.open("rb").read()))
    assert book.active is not None
    return list(book.active.iter_rows(values_only=True))


def test_the_export_job_records_its_progress_and_the_count_of_rows(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(board_xlsx, "CHUNK", 2)  # a progress report every two rows
    seen: list[tuple[int, int]] = []
    real = board_xlsx.job_progress

    def spy(job: Job, *, done: int, total: int | None = None) -> None:
        real(job, done=done, total=total)
        seen.append((job.done, job.total))

    monkeypatch.setattr(board_xlsx, "job_progress", spy)
    job = board_xlsx.board_xlsx_job_create(
        user=world.cast.executive.user,
        filters=BoardFilters(year=YEAR, month=MONTH),
        task=lightup_board_xlsx,
    )
    lightup_board_xlsx(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert job.result == {"filename": f"light-board-{YEAR}-{MONTH:02d}.xlsx", "rows": 6}
    assert job.done == job.total == 6
    assert seen == [(0, 6), (2, 6), (4, 6), (6, 6)]
    assert len(sheet_of(job)) == 1 + 6


def test_the_export_keeps_the_filters_of_the_board(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    client = world.cast.client("executive")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("lightup-board-xlsx") + f"?year={YEAR}&month={MONTH}&colour=red")
    rows = sheet_of(Job.objects.get())
    assert {row[2] for row in rows[1:]} == {"Profit", "Site output"}


def test_the_export_is_written_in_the_language_of_whoever_asked(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    client = world.cast.client("executive")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("lightup-board-xlsx") + f"?year={YEAR}&month={MONTH}",
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )
    job = Job.objects.get()
    assert job.params["language"] == "zh-hans"
    headings = sheet_of(job)[0]
    assert headings[0] == "单位" and headings[2] == "指标项"


def test_the_export_needs_a_post_and_its_file_is_only_its_owners(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    client = world.cast.client("executive")
    assert client.get(reverse("lightup-board-xlsx")).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("lightup-board-xlsx") + f"?year={YEAR}&month={MONTH}")
    job = Job.objects.get()
    other = world.cast.client("hr").get(reverse("job-download", args=[job.pk]))
    assert other.status_code == 404
    page = client.get(reverse("job-detail", args=[job.pk]))
    assert reverse("job-download", args=[job.pk]).encode() in page.content
