"""Every org page and endpoint against the role cast: status codes and exact list rows."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.conftest import CAST, Cast

pytestmark = pytest.mark.django_db

# role -> names of the cast's employees the role may see
VISIBLE_PEOPLE = {
    "employee": {"employee"},
    "manager": {"manager", "employee", "site_worker"},
    "sibling_manager": {"sibling_manager", "finance_clerk"},
    "hr": {
        "employee",
        "manager",
        "sibling_manager",
        "hr",
        "executive",
        "site_worker",
        "finance_clerk",
    },
    "executive": {
        "employee",
        "manager",
        "sibling_manager",
        "hr",
        "executive",
        "site_worker",
        "finance_clerk",
    },
    "anonymous": set(),
}
VISIBLE_UNITS = {
    "employee": {"engineering"},
    "manager": {"engineering", "site"},
    "sibling_manager": {"finance"},
    "hr": {"group", "hq", "engineering", "site", "finance"},
    "executive": {"group", "hq", "engineering", "site", "finance"},
    "anonymous": set(),
}
PEOPLE = (
    "employee",
    "manager",
    "sibling_manager",
    "hr",
    "executive",
    "site_worker",
    "finance_clerk",
)
UNITS = ("group", "hq", "engineering", "site", "finance")


def _ids(cast: Cast, names: set[str]) -> set[int]:
    return {getattr(cast, name).pk for name in names}


@pytest.mark.parametrize("role", CAST)
@pytest.mark.parametrize("url_name", ["home", "org-tree", "employee-list", "profile"])
def test_pages_need_a_login_and_open_for_every_member(cast: Cast, role: str, url_name: str) -> None:
    response = cast.client(role).get(reverse(url_name))
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    elif url_name == "profile":
        assert response.status_code == 302
        assert response["Location"] == reverse("employee-detail", args=[cast.member(role).pk])
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("role", CAST)
@pytest.mark.parametrize("unit_name", UNITS)
@pytest.mark.parametrize("url_name", ["org-unit-detail", "org-unit-children"])
def test_unit_pages_answer_404_outside_scope(
    cast: Cast, role: str, unit_name: str, url_name: str
) -> None:
    response = cast.client(role).get(reverse(url_name, args=[getattr(cast, unit_name).pk]))
    if role == "anonymous":
        assert response.status_code == 302
    elif unit_name in VISIBLE_UNITS[role]:
        assert response.status_code == 200
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("role", CAST)
@pytest.mark.parametrize("person", PEOPLE)
def test_employee_page_answers_404_outside_scope(cast: Cast, role: str, person: str) -> None:
    response = cast.client(role).get(reverse("employee-detail", args=[getattr(cast, person).pk]))
    if role == "anonymous":
        assert response.status_code == 302
    elif person in VISIBLE_PEOPLE[role]:
        assert response.status_code == 200
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("role", CAST)
def test_directory_lists_exactly_the_people_in_scope(cast: Cast, role: str) -> None:
    if role == "anonymous":
        return
    response = cast.client(role).get(reverse("employee-list"))
    listed = {e.pk for e in response.context["page"].object_list}
    assert listed == _ids(cast, VISIBLE_PEOPLE[role])


@pytest.mark.parametrize("role", CAST)
def test_tree_starts_at_the_top_of_each_scope(cast: Cast, role: str) -> None:
    if role == "anonymous":
        return
    roots = {u.pk for u in cast.client(role).get(reverse("org-tree")).context["roots"]}
    expected = {
        "employee": {"engineering"},
        "manager": {"engineering"},
        "sibling_manager": {"finance"},
        "hr": {"group"},
        "executive": {"group"},
    }[role]
    assert roots == _ids(cast, expected)


@pytest.mark.parametrize("role", CAST)
def test_tree_search_finds_only_in_scope_units_and_people(cast: Cast, role: str) -> None:
    if role == "anonymous":
        return
    response = cast.client(role).get(reverse("org-tree"), {"q": "e"})
    units = {u.pk for u in response.context["unit_matches"]}
    people = {e.pk for e in response.context["employee_matches"]}
    assert units <= _ids(cast, VISIBLE_UNITS[role])
    assert people <= _ids(cast, VISIBLE_PEOPLE[role])
    assert cast.engineering.pk in units or role == "sibling_manager"


# --- API -------------------------------------------------------------------------------


def _api(cast: Cast, role: str, url: str, **kwargs: Any) -> Any:
    return cast.client(role).get(url, **kwargs)


@pytest.mark.parametrize("role", CAST)
def test_api_unit_list_holds_exactly_the_units_in_scope(cast: Cast, role: str) -> None:
    response = _api(cast, role, "/api/v1/org-units/")
    if role == "anonymous":
        assert response.status_code == 401
        return
    assert response.status_code == 200
    assert {row["id"] for row in response.json()["results"]} == _ids(cast, VISIBLE_UNITS[role])


@pytest.mark.parametrize("role", CAST)
def test_api_employee_list_holds_exactly_the_people_in_scope(cast: Cast, role: str) -> None:
    response = _api(cast, role, "/api/v1/employees/")
    if role == "anonymous":
        assert response.status_code == 401
        return
    assert {row["id"] for row in response.json()["results"]} == _ids(cast, VISIBLE_PEOPLE[role])


@pytest.mark.parametrize("role", CAST)
@pytest.mark.parametrize("person", PEOPLE)
def test_api_employee_detail_is_404_outside_scope(cast: Cast, role: str, person: str) -> None:
    response = _api(cast, role, f"/api/v1/employees/{getattr(cast, person).pk}/")
    if role == "anonymous":
        assert response.status_code == 401
    else:
        assert response.status_code == (200 if person in VISIBLE_PEOPLE[role] else 404)


@pytest.mark.parametrize("role", CAST)
@pytest.mark.parametrize("unit_name", UNITS)
def test_api_unit_detail_is_404_outside_scope(cast: Cast, role: str, unit_name: str) -> None:
    response = _api(cast, role, f"/api/v1/org-units/{getattr(cast, unit_name).pk}/")
    if role == "anonymous":
        assert response.status_code == 401
    else:
        assert response.status_code == (200 if unit_name in VISIBLE_UNITS[role] else 404)


@pytest.mark.parametrize("role", CAST)
def test_only_hr_edits_an_employee_through_the_api(cast: Cast, role: str) -> None:
    response = cast.client(role).patch(
        f"/api/v1/employees/{cast.employee.pk}/",
        {"job_title": "Senior engineer"},
        content_type="application/json",
    )
    expected = {"hr": 200, "anonymous": 401}.get(role, 404)
    assert response.status_code == expected
    cast.employee.refresh_from_db()
    assert (cast.employee.job_title == "Senior engineer") == (role == "hr")


def test_hr_cannot_move_an_employee_to_a_unit_it_cannot_see(cast: Cast) -> None:
    from tests.factories import OrgUnitFactory

    elsewhere = OrgUnitFactory(name="Another group")
    response = cast.client("hr").patch(
        f"/api/v1/employees/{cast.employee.pk}/",
        {"unit": elsewhere.pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "does_not_exist"
    assert list(body["fields"]) == ["unit"]
    cast.employee.refresh_from_db()
    assert cast.employee.unit_id != elsewhere.pk


@pytest.mark.parametrize("role", CAST)
def test_me_endpoint_reports_the_callers_roles(cast: Cast, role: str) -> None:
    response = _api(cast, role, "/api/v1/me/")
    if role == "anonymous":
        assert response.status_code == 401
        return
    body = response.json()
    assert body["employee"]["id"] == cast.member(role).pk
    expected_role = {"employee": "employee", "manager": "manager", "sibling_manager": "manager"}
    assert expected_role.get(role, role) in body["roles"]


def test_token_authentication_works_for_the_api(cast: Cast) -> None:
    from django.test import Client
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=cast.manager.user)
    response = Client().get("/api/v1/employees/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert {row["id"] for row in response.json()["results"]} == _ids(
        cast, VISIBLE_PEOPLE["manager"]
    )


@pytest.mark.parametrize("role", CAST)
def test_directory_export_holds_only_the_people_in_scope(
    cast: Cast, role: str, django_capture_on_commit_callbacks: Any
) -> None:
    from openpyxl import load_workbook

    from spm.models import Job

    with django_capture_on_commit_callbacks(execute=True):
        response = cast.client(role).post(reverse("employee-export"))
    if role == "anonymous":
        assert response.status_code == 302
        assert not Job.objects.exists()
        return
    job = Job.objects.get()
    assert response["Location"] == reverse("job-detail", args=[job.pk])
    assert job.status == Job.Status.DONE
    rows = list(load_workbook(job.result_file.open("rb")).active.iter_rows(values_only=True))
    names = {row[1] for row in rows[1:]}
    assert names == {getattr(cast, n).name for n in VISIBLE_PEOPLE[role]}
    # The job and its file belong to whoever started it.
    for other in CAST:
        if other in {role, "anonymous"}:
            continue
        assert cast.client(other).get(reverse("job-download", args=[job.pk])).status_code == 404
    assert cast.client(role).get(reverse("job-download", args=[job.pk])).status_code == 200
