"""The board's XLSX export and PDF board pack run as background jobs: progress, filters,
language (and a CJK font in the PDF), nobody else's file, nothing drawn inside a request."""

from __future__ import annotations

import io
import itertools
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from lightup import board_pdf, board_xlsx
from lightup.models import LightStatus
from lightup.selectors import BoardFilters
from lightup.services import lightup_sweep
from lightup.tasks import lightup_board_pdf, lightup_board_xlsx
from org.scoping import SYSTEM
from spm import pdf_fonts
from spm.models import Job
from tests.conftest import Cast
from tests.lightup_world import MONTH, TODAY, YEAR, World, build, run_board_job

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
    job, seen = run_board_job(monkeypatch, world, board_xlsx, lightup_board_xlsx)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert job.result == {"filename": f"light-board-{YEAR}-{MONTH:02d}.xlsx", "rows": 6}
    assert job.done == job.total == 6
    assert seen == [(0, 6), (2, 6), (4, 6), (6, 6)]
    assert len(sheet_of(job)) == 1 + 6


def exported(world: World, capture: Any, url: str, query: str = "", language: str = "") -> Job:
    """The job the executive's POST to the export ``url`` started (and ran on commit)."""
    with capture(execute=True):
        world.cast.client("executive").post(
            reverse(url) + f"?year={YEAR}&month={MONTH}{query}", HTTP_ACCEPT_LANGUAGE=language
        )
    return Job.objects.get()


def test_the_export_keeps_the_filters_of_the_board(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    job = exported(world, django_capture_on_commit_callbacks, "lightup-board-xlsx", "&colour=red")
    rows = sheet_of(job)
    assert {row[2] for row in rows[1:]} == {"Profit", "Site output"}


def test_the_export_is_written_in_the_language_of_whoever_asked(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    job = exported(
        world,
        django_capture_on_commit_callbacks,
        "lightup-board-xlsx",
        "",
        language="zh-hans",
    )
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


# --- the PDF board pack ---------------------------------------------------------------


def pdf_of(job: Job) -> bytes:
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error
    return job.result_file.open("rb").read()


def test_the_pack_job_records_its_progress_and_the_lines_it_lists(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    job, seen = run_board_job(monkeypatch, world, board_pdf, lightup_board_pdf)
    content = pdf_of(job)
    assert content.startswith(b"%PDF")
    lines = job.result["rows"]
    assert job.result["filename"] == f"board-pack-{YEAR}-{MONTH:02d}.pdf"
    assert (
        lines == LightStatus.objects.filter(year=YEAR, month=MONTH).exclude(colour="green").count()
    )
    assert job.done == job.total == lines + 1  # the last step draws the PDF
    assert seen[0] == (0, lines + 1) and seen[-1] == (lines, lines + 1)
    assert all(b - a <= 2 for (a, _), (b, _) in itertools.pairwise(seen))


def test_the_pack_keeps_the_filters_of_the_board(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    job = exported(world, django_capture_on_commit_callbacks, "lightup-board-pdf", "&colour=red")
    assert job.kind == board_pdf.KIND and job.params["colour"] == "red"
    pdf_of(job)
    assert job.result["rows"] == 2  # Profit and Site output, the two reds


@pytest.mark.parametrize("font_on_machine", [True, False])
def test_the_pack_is_written_in_chinese_with_a_cjk_font(
    world: World,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
    font_on_machine: bool,
) -> None:
    if not font_on_machine:
        monkeypatch.setattr(pdf_fonts, "CJK_FONT_FILES", ())
    pdf_fonts.cjk_font_file.cache_clear()
    try:
        job = exported(
            world,
            django_capture_on_commit_callbacks,
            "lightup-board-pdf",
            "",
            language="zh-hans",
        )
        content = pdf_of(job)
        embedded = pdf_fonts.cjk_font_file() is not None
    finally:
        pdf_fonts.cjk_font_file.cache_clear()
    assert job.params["language"] == "zh-hans"
    with translation.override("zh-hans"):
        html = board_pdf.board_pack_html(
            user=job.created_by, filters=BoardFilters(year=YEAR, month=MONTH), lines=[]
        )
    assert 'lang="zh-hans"' in html and "单位" in html
    if embedded:
        assert b"/FontFile2" in content  # the machine's CJK TrueType font, embedded
    else:
        assert pdf_fonts.CID_FONT.encode() in content  # the reader's own Song face


def test_the_pack_needs_a_post_and_its_file_is_only_its_owners(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    client = world.cast.client("executive")
    assert client.get(reverse("lightup-board-pdf")).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(reverse("lightup-board-pdf") + f"?year={YEAR}&month={MONTH}")
    job = Job.objects.get()
    assert started["Location"] == reverse("job-detail", args=[job.pk])
    assert world.cast.client("hr").get(reverse("job-download", args=[job.pk])).status_code == 404
    page = client.get(reverse("job-detail", args=[job.pk]))
    assert reverse("job-download", args=[job.pk]).encode() in page.content
    download = client.get(reverse("job-download", args=[job.pk]))
    assert download.getvalue().startswith(b"%PDF")
    assert 'filename="board-pack-' in download["Content-Disposition"]
