"""A finalised cycle refuses every change: page, API, admin, a task re-run, a late actual
or a late adjustment. And the XLSX export never carries a live formula."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.test import TestCase
from django.urls import reverse
from openpyxl import load_workbook

from assessment.models import Adjustment, AssessmentResult, CycleStatus
from assessment.services import cycles
from assessment.services.results import cycle_compute_start
from assessment.tasks import cycle_compute
from scorecard.models import MonthlyActual
from spm.jobs import job_create
from tests.conftest import Cast
from tests.factories import UserFactory
from tests.factories_assessment import published_example

D = Decimal


@pytest.fixture
def world(cast: Cast) -> Any:
    return published_example(cast)


def snapshot(result: AssessmentResult) -> dict[str, Any]:
    return AssessmentResult.objects.filter(pk=result.pk).values().get()


def test_finalised_result_refuses_page_actions(cast: Cast, world: Any) -> None:
    _cycle, result = world
    before = snapshot(result)
    for role, action, data in [
        ("manager", "rate", {"rating": "10"}),
        ("manager", "adjust", {"kind": "deduction", "points": "5", "reason": "late"}),
        ("executive", "calibrate", {"grade": "basic", "reason": "late", "version": result.version}),
    ]:
        response = cast.client(role).post(
            reverse("assessment-result-action", args=[result.pk, action]), data, follow=True
        )
        assert response.status_code == 200
        assert "finalised" in response.content.decode()
    assert snapshot(result) == before
    assert not Adjustment.objects.filter(result=result, kind="deduction").exists()


def test_finalised_result_refuses_api_changes_with_409(cast: Cast, world: Any) -> None:
    _cycle, result = world
    before = snapshot(result)
    response = cast.client("executive").post(
        f"/api/v1/assessment-results/{result.pk}/calibrate/",
        {"grade": "basic", "reason": "late", "version": result.version},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "finalised"
    response = cast.client("manager").post(
        "/api/v1/assessment-adjustments/",
        {"result": result.pk, "kind": "bonus", "points": "2", "reason": "late"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert snapshot(result) == before


def test_finalised_result_is_read_only_in_the_admin(cast: Cast, world: Any) -> None:
    _cycle, result = world
    admin = UserFactory(is_staff=True, is_superuser=True)
    client = cast.client("anonymous")
    client.force_login(admin)
    url = reverse("admin:assessment_assessmentresult_change", args=[result.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="calibration_reason"' not in page.content.decode()  # read-only view
    before = snapshot(result)
    response = client.post(url, {"calibrated_grade": "basic", "calibration_reason": "admin"})
    assert response.status_code == 403
    delete = client.post(
        reverse("admin:assessment_assessmentresult_delete", args=[result.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    assert snapshot(result) == before


def test_task_rerun_and_late_actual_change_nothing(cast: Cast, world: Any) -> None:
    cycle, result = world
    before = snapshot(result)
    actual = MonthlyActual.objects.filter(item__scorecard=result.scorecard).first()
    actual.value = D(0)
    actual.save()
    with pytest.raises(Exception, match="finalised"):
        cycle_compute_start(actor=cast.hr.user, cycle=cycle)
    # A compute job queued before finalising, delivered now, refuses too.
    with TestCase.captureOnCommitCallbacks(execute=True):
        job = job_create(
            kind="assessment.compute", user=None, params={"cycle_id": cycle.pk}, task=cycle_compute
        )
    job.refresh_from_db()
    assert job.result["refused"] is True
    assert snapshot(result) == before


def test_cycle_cannot_go_back_once_published(cast: Cast, world: Any) -> None:
    cycle, _result = world
    assert cycle.status == CycleStatus.PUBLISHED
    with pytest.raises(Exception, match="moved on"):
        cycles.cycle_advance(
            actor=cast.hr.user, cycle=cycle, version=cycle.version, to=CycleStatus.CALIBRATION
        )


def test_export_neutralises_formula_cells(cast: Cast, world: Any) -> None:
    cycle, result = world
    reason = '=HYPERLINK("http://x")'
    AssessmentResult.objects.filter(pk=result.pk).update(calibration_reason=reason)
    response = cast.client("hr").get(reverse("assessment-cycle-export", args=[cycle.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][4] == D("89.47") or rows[1][4] == 89.47
    assert rows[1][7] == "'" + reason
    assert "89.47" in rows[1][13]
