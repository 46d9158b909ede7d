"""Issue 8, findings 3 and 7: hostile and odd spreadsheets.

A workbook is refused on its packed parts and its sheet dimension before a row is parsed,
rows are streamed and the reading stops at the row limit; big files run as a background job
with a progress bar. A header-only file, a formula Excel never computed and a month typed
as a date are reported, never taken silently; the API template answers ``?format=``.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from scorecard.models import ItemKind, MonthlyActual, ScorecardItem, ScorecardStatus
from scorecard.services import actuals_files, actuals_import_jobs
from scorecard.services.actuals_import import ImportFileError, actuals_import
from spm.models import Job
from tests.conftest import Cast
from tests.factories_tracking import unit_scorecard
from tests.test_scorecard_import import HEADER, csv_file, xlsx_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(shared_cast: Cast) -> Cast:
    """Every test here works on the cast: build it once for the module."""
    return shared_cast


SHEET = "xl/worksheets/sheet1.xml"


@pytest.fixture
def items(cast: Cast) -> list[ScorecardItem]:
    scorecard = unit_scorecard(cast.engineering, quantitative=2, status=ScorecardStatus.SIGNED)
    return list(scorecard.items.filter(kind=ItemKind.QUANTITATIVE))


def rewrite(workbook: io.BytesIO, change: Any, extra: dict[str, bytes] | None = None) -> bytes:
    """The workbook with its first sheet's XML passed through ``change`` (and extra parts)."""
    out = io.BytesIO()
    with zipfile.ZipFile(workbook) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in source.infolist():
            data = source.read(info.filename)
            z.writestr(info, change(data.decode()).encode() if info.filename == SHEET else data)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return out.getvalue()


def run(cast: Cast, data: bytes, name: str = "a.xlsx") -> Any:
    return actuals_import(actor=cast.manager.user, upload=io.BytesIO(data), name=name)


# --- Finding 3: the workbook bomb ------------------------------------------------------------


def test_a_workbook_that_unpacks_past_the_limit_is_refused_before_parsing(
    cast: Cast, items: list[ScorecardItem]
) -> None:
    padding = b" " * (actuals_files.MAX_UNPACKED + 1)  # packs to about 64 KB
    bomb = rewrite(xlsx_file([[items[0].pk, 2026, 1, 5, ""]]), str, {"xl/pad.xml": padding})
    assert len(bomb) < 1024 * 1024
    with pytest.raises(ImportFileError, match="unpacks to more than"):
        run(cast, bomb)
    assert not MonthlyActual.objects.exists()


def test_a_sheet_whose_dimension_claims_millions_of_rows_is_refused_unread(
    cast: Cast, items: list[ScorecardItem], monkeypatch: pytest.MonkeyPatch
) -> None:
    def claim(xml: str) -> str:
        return re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:E2000000"', xml)

    bomb = rewrite(xlsx_file([[items[0].pk, 2026, 1, 5, ""]]), claim)
    read: list[Any] = []
    monkeypatch.setattr(actuals_files, "_cell", lambda value: read.append(value) or "")
    with pytest.raises(ImportFileError, match="more than 50000 rows"):
        run(cast, bomb)
    assert read == []


def test_rows_are_streamed_and_the_reading_stops_at_the_row_limit(
    cast: Cast, items: list[ScorecardItem], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(actuals_files, "MAX_ROWS", 100)
    monkeypatch.setattr(actuals_files, "MAX_LINES", 200)
    rows = [[items[0].pk, 2026, 1, n, ""] for n in range(5000)]
    undimensioned = rewrite(xlsx_file(rows), lambda xml: re.sub(r"<dimension [^>]*/>", "", xml))
    read: list[Any] = []
    real = actuals_files._cell
    monkeypatch.setattr(actuals_files, "_cell", lambda value: read.append(value) or real(value))
    with pytest.raises(ImportFileError, match="more than 100 rows"):
        run(cast, undimensioned)
    assert len(read) <= len(HEADER) * 102  # the header, 100 rows, the one too many


def test_a_dimension_that_understates_the_rows_does_not_drop_any(
    cast: Cast, items: list[ScorecardItem]
) -> None:
    rows = [[items[0].pk, 2026, m, m, ""] for m in (1, 2, 3)]

    def understate(xml: str) -> str:
        return re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:E2"', xml)

    report = run(cast, rewrite(xlsx_file(rows), understate))
    assert report.ok and report.created == 3


def test_a_big_file_runs_as_a_job_with_a_progress_bar_and_its_report(
    cast: Cast,
    items: list[ScorecardItem],
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    monkeypatch.setattr(actuals_import_jobs, "BACKGROUND_ROWS", 2)
    rows = [[item.pk, 2026, m, m, ""] for item in items for m in (1, 2, 3)]
    upload = SimpleUploadedFile("a.csv", csv_file(rows).getvalue())
    client = cast.client("manager")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("actual-import"), {"file": upload})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"?job={job.pk}")
    assert job.status == Job.Status.DONE and job.done == job.total == len(rows) + 1
    assert job.result["created"] == len(rows)
    assert MonthlyActual.objects.count() == len(rows)
    page = client.get(response["Location"])
    assert b"progress-bar" in page.content and b'id="import-job-report"' in page.content
    partial = client.get(response["Location"], headers={"HX-Request": "true"})
    assert b"<html" not in partial.content and b"progress-bar" in partial.content
    assert cast.client("hr").get(response["Location"]).status_code == 404
    assert default_storage.listdir("imports")[1] == []  # the upload is gone once read


def test_a_job_whose_file_is_refused_reports_why_and_writes_nothing(
    cast: Cast,
    items: list[ScorecardItem],
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    monkeypatch.setattr(actuals_import_jobs, "BACKGROUND_ROWS", 1)
    rows = [[items[0].pk, 2026, 1, "", ""], [items[1].pk, 2026, 1, "", ""]]
    with django_capture_on_commit_callbacks(execute=True):
        job = actuals_import_jobs.actuals_import_submit(
            actor=cast.manager.user, data=csv_file(rows).getvalue(), name="a.csv"
        )
    assert isinstance(job, Job)
    job.refresh_from_db()
    assert job.result["ok"] is False and "nothing to import" in job.result["problem"]
    assert not MonthlyActual.objects.exists()


def test_a_small_file_is_imported_in_the_request(cast: Cast, items: list[ScorecardItem]) -> None:
    upload = SimpleUploadedFile("a.csv", csv_file([[items[0].pk, 2026, 1, 5, ""]]).getvalue())
    response = cast.client("manager").post(reverse("actual-import"), {"file": upload})
    assert response.status_code == 200 and response.context["report"].created == 1
    assert not Job.objects.exists()


# --- Finding 7: other import gaps ------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_header_only_file_is_an_error_not_an_import_of_nothing(cast: Cast, fmt: str) -> None:
    upload = csv_file([]) if fmt == "csv" else xlsx_file([])
    with pytest.raises(ImportFileError, match="no rows"):
        actuals_import(actor=cast.manager.user, upload=upload, name=f"a.{fmt}")


def test_a_file_without_a_single_value_is_an_error(cast: Cast, items: list[ScorecardItem]) -> None:
    with pytest.raises(ImportFileError, match="nothing to import"):
        run(cast, csv_file([[items[0].pk, 2026, 1, "", ""]]).getvalue(), "a.csv")


def _formula_book(items: list[ScorecardItem], cached: str | None) -> bytes:
    book = xlsx_file([[items[0].pk, 2026, 1, "=2+3", ""], [items[1].pk, 2026, 1, 7, ""]])
    if cached is None:
        return book.getvalue()
    # What Excel writes once it has computed the formula: the value beside it.
    return rewrite(
        book,
        lambda xml: re.sub(r"<f>2\+3</f><v>\s*</v>|<f>2\+3</f>", f"<f>2+3</f><v>{cached}</v>", xml),
    )


def test_a_formula_without_a_computed_value_is_a_row_error(
    cast: Cast, items: list[ScorecardItem]
) -> None:
    report = run(cast, _formula_book(items, None))
    assert [e.line for e in report.errors] == [2]
    assert "value: a formula Excel has not computed" in report.errors[0].messages[0]
    assert not MonthlyActual.objects.exists()


def test_a_formula_with_its_computed_value_imports_the_value(
    cast: Cast, items: list[ScorecardItem]
) -> None:
    report = run(cast, _formula_book(items, "5"))
    assert report.ok and report.created == 2
    assert MonthlyActual.objects.get(item=items[0]).value == 5


def test_a_month_typed_as_a_date_is_named_as_such(cast: Cast, items: list[ScorecardItem]) -> None:
    report = run(
        cast, xlsx_file([[items[0].pk, 2026, datetime.datetime(2026, 3, 1), 5, ""]]).getvalue()
    )
    (message,) = report.errors[0].messages
    assert "month “2026-03-01” is a date" in message and "00:00" not in message
    assert "2026-2026" not in message


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_api_template_answers_the_format_asked(
    cast: Cast, items: list[ScorecardItem], fmt: str
) -> None:
    response = cast.client("manager").get(
        f"/api/v1/actual-imports/template/?year=2026&format={fmt}"
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'.{fmt}"')
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet is not None and sheet.max_row == 1 + len(items)
    else:
        assert response.content.decode("utf-8-sig").count("\n") == 1 + len(items)


def test_the_api_template_still_refuses_a_missing_year_in_json(cast: Cast) -> None:
    response = cast.client("manager").get("/api/v1/actual-imports/template/?format=xlsx")
    assert response.status_code == 400 and "year" in response.json()["fields"]


def test_an_unreadable_workbook_is_a_file_error(cast: Cast) -> None:
    with pytest.raises(ImportFileError, match="not a readable XLSX"):
        run(cast, b"PK\x03\x04" + b"\x00" * 100)
