"""Issue 8: API answers that were 500s or leaked existence (findings 8, 12 and 13)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from org.models import RoleAssignment
from tests.conftest import Cast
from tests.factories import RoleAssignmentFactory

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999999"


@pytest.fixture
def cast(shared_cast: Cast) -> Cast:
    return shared_cast


def _admin(cast: Cast) -> Client:
    RoleAssignmentFactory.create(
        user=cast.executive.user, role=RoleAssignment.Role.ADMIN, unit=cast.group
    )
    return cast.client("executive")


def _patch(client: Client, url: str, body: Any) -> Any:
    return client.patch(url, json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("role", ["employee", "manager", "hr", "executive"])
def test_an_org_unit_post_without_parent_is_a_400_for_every_member(cast: Cast, role: str) -> None:
    response = cast.client(role).post(
        "/api/v1/org-units/", {"code": "X1", "name": "X", "kind": "department"}
    )
    assert response.status_code == 400, response.content
    assert "parent" in response.json()["fields"]


def test_moving_a_unit_under_its_own_descendant_is_a_400(cast: Cast) -> None:
    response = _patch(
        _admin(cast),
        f"/api/v1/org-units/{cast.engineering.pk}/",
        {"parent": cast.site.pk, "version": 1},
    )
    assert response.status_code == 400, response.content
    assert "parent" in response.json()["fields"]


def test_an_employee_cannot_be_their_own_line_manager(cast: Cast) -> None:
    response = _patch(
        cast.client("hr"),
        f"/api/v1/employees/{cast.employee.pk}/",
        {"line_manager": cast.employee.pk, "version": 1},
    )
    assert response.status_code == 400, response.content
    assert "line_manager" in response.json()["fields"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/employees/?line_manager=",
        "/api/v1/employees/?unit=",
        "/api/v1/org-units/?parent=",
        "/api/v1/org-units/?within=",
        "/api/v1/scorecards/?employee=",
        "/api/v1/scorecard-items/?scorecard=",
        "/api/v1/actuals/?item=",
        "/api/v1/letters/?scorecard=",
        "/api/v1/milestones/?item=",
        "/api/v1/milestones/?unit=",
    ],
)
def test_a_filter_id_beyond_the_database_is_a_400_not_a_500(cast: Cast, url: str) -> None:
    response = cast.client("hr").get(url + HUGE)
    assert response.status_code == 400, response.content


@pytest.mark.parametrize("param", ["line_manager", "unit"])
def test_a_filter_answers_the_same_for_an_out_of_scope_id_and_a_missing_one(
    cast: Cast, param: str
) -> None:
    client = cast.client("sibling_manager")
    hidden = cast.manager.pk if param == "line_manager" else cast.engineering.pk
    out_of_scope = client.get(f"/api/v1/employees/?{param}={hidden}")
    missing = client.get(f"/api/v1/employees/?{param}=987654321")
    assert out_of_scope.status_code == missing.status_code == 200
    assert out_of_scope.json()["results"] == missing.json()["results"] == []


def test_deeply_nested_json_is_a_400_not_a_500(cast: Cast) -> None:
    body = "[" * 5000 + "]" * 5000
    response = cast.client("hr").patch(
        f"/api/v1/employees/{cast.employee.pk}/", body, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "parse_error"


def test_deeply_nested_json_is_a_400_where_a_viewset_names_its_own_parsers(cast: Cast) -> None:
    # the actuals take files too, so they list their parsers: the JSON one is the API's
    body = "[" * 5000 + "]" * 5000
    response = cast.client("manager").post(
        "/api/v1/actuals/", body, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "parse_error"


@pytest.mark.parametrize(
    "body", [{"name": "Engineering 2"}, {"sort_order": 3}, {"parent": None}, {"active": False}]
)
def test_an_admin_patch_of_an_org_unit_is_never_a_500(cast: Cast, body: dict[str, Any]) -> None:
    response = _patch(
        _admin(cast), f"/api/v1/org-units/{cast.engineering.pk}/", {**body, "version": 1}
    )
    assert response.status_code < 500, response.content


@pytest.mark.parametrize("body", [{"base_bonus": "999999.00"}, {"job_title": "Chief"}])
def test_hr_cannot_change_their_own_employee_record(cast: Cast, body: dict[str, Any]) -> None:
    before = (cast.hr.base_bonus, cast.hr.job_title)
    response = _patch(cast.client("hr"), f"/api/v1/employees/{cast.hr.pk}/", body)
    assert response.status_code == 403, response.content
    cast.hr.refresh_from_db()
    assert (cast.hr.base_bonus, cast.hr.job_title) == before


@pytest.mark.parametrize(
    "url", ["/api/v1/result-reviews/6.5e-3/", "/api/v1/scorecards/1.2.3/", "/api/v1/no-such-thing/"]
)
def test_an_api_url_no_route_matches_is_a_json_404(cast: Cast, url: str) -> None:
    # Found by fuzzing: an id like 6.5e-3 matched no route and Django answered its HTML page.
    response = cast.client("hr").get(url)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_page_no_route_matches_is_still_the_html_page(cast: Cast) -> None:
    response = cast.client("hr").get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
