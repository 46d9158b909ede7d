"""Every payout endpoint and export against the role cast: a sibling manager never finds
the payout (404, absent from lists and exports); the employee sees their own only once
the cycle is published; a formula in a name is neutralised in CSV and XLSX."""

from __future__ import annotations

import io
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from assessment.models import AssessmentCycle
from assessment.services import cycles
from incentives.models import Payout
from tests.access import assert_scoped, build_cast, fresh, module_rows
from tests.conftest import CAST, Cast, tasks_in_process
from tests.test_assessment_services import review_worked_example
from tests.test_incentives_payouts import finalise, run_payouts, with_base

DETAIL = {
    "employee": 200,
    "manager": 200,
    "sibling_manager": 404,
    "hr": 200,
    "executive": 200,
    "anonymous": 401,
}
LIST_SEES = {"employee", "manager", "hr", "executive"}


def computed(cast: Cast, *, publish: bool) -> tuple[AssessmentCycle, Payout]:
    with_base(cast)
    cycle, result = review_worked_example(cast)
    cycle = finalise(cast, cycle)
    run_payouts(cast.hr.user, cycle)
    if publish:
        cycle = cycles.cycle_advance(
            actor=cast.hr.user, cycle=cycle, version=cycle.version, to="published"
        )
    return cycle, Payout.objects.get(result=result)


Published = tuple[Cast, tuple[AssessmentCycle, Payout]]


@pytest.fixture(scope="class")
def published_rows(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Published]:
    """The cast and its published payout, built once for the class below (which only reads
    them, or changes them inside its own savepoint) and rolled back after it."""

    def build() -> Published:
        cast = build_cast()
        with tasks_in_process():
            return cast, computed(cast, publish=True)

    yield from module_rows(django_db_blocker, build)


@pytest.mark.usefixtures("published_rows")
class TestThePublishedPayout:
    @pytest.fixture
    def cast(self, published_rows: Published, db: Any) -> Cast:
        return fresh(published_rows[0])

    @pytest.fixture
    def published(self, published_rows: Published, db: Any) -> tuple[AssessmentCycle, Payout]:
        return fresh(published_rows[1])

    def test_payout_detail_is_scoped(self, cast: Cast, published: Any) -> None:
        _cycle, payout = published
        responses = assert_scoped(cast, f"/api/v1/payouts/{payout.pk}/", DETAIL)
        assert responses["employee"].json()["amount"] == "120000.00"
        assert "100000.00 x 1.200" in responses["employee"].json()["explanation"]["formula"]

    @pytest.mark.parametrize("role", CAST)
    @pytest.mark.parametrize("path", ["", "export-csv/", "export-xlsx/"])
    def test_payout_list_and_exports_hold_only_what_the_role_may_see(
        self, cast: Cast, published: Any, role: str, path: str
    ) -> None:
        _cycle, payout = published
        response = cast.client(role).get(f"/api/v1/payouts/{path}")
        if role == "anonymous":
            assert response.status_code == 401
            return
        assert response.status_code == 200
        if path == "":
            ids = {row["id"] for row in response.json()["results"]}
            assert (payout.pk in ids) == (role in LIST_SEES)
        elif path == "export-csv/":
            assert (payout.employee.name in response.content.decode()) == (role in LIST_SEES)
        else:
            sheet = load_workbook(io.BytesIO(response.content)).active
            names = {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
            assert (payout.employee.name in names) == (role in LIST_SEES)

    def test_exports_neutralise_formula_cells(self, cast: Cast, published: Any) -> None:
        _cycle, payout = published
        type(payout.employee).objects.filter(pk=payout.employee_id).update(name="=HYPERLINK(1)")
        csv_text = cast.client("hr").get("/api/v1/payouts/export-csv/").content.decode()
        assert "'=HYPERLINK(1)" in csv_text
        content = cast.client("hr").get("/api/v1/payouts/export-xlsx/").content
        sheet = load_workbook(io.BytesIO(content)).active
        names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
        assert "'=HYPERLINK(1)" in names
        assert Decimal(str(next(sheet.iter_rows(min_row=2, values_only=True))[5])) == Decimal(
            "120000"
        )


def test_employee_does_not_see_own_payout_before_publishing(cast: Cast) -> None:
    _cycle, payout = computed(cast, publish=False)
    assert cast.client("employee").get(f"/api/v1/payouts/{payout.pk}/").status_code == 404
    assert cast.client("hr").get(f"/api/v1/payouts/{payout.pk}/").status_code == 200
