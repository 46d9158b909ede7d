"""Every org page and endpoint against the role cast: status codes and exact list rows."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.access import (
    API,
    MEMBERS,
    PEOPLE,
    UNITS,
    VISIBLE_PEOPLE,
    VISIBLE_UNITS,
    assert_scoped,
    expect,
    seeing,
)
from tests.conftest import CAST, Cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(shared_cast: Cast) -> Cast:
    """Every test here works on the cast: build it once for the module."""
    return shared_cast


@pytest.mark.parametrize("url_name", ["home", "org-tree", "employee-list"])
def test_pages_need_a_login_and_open_for_every_member(cast: Cast, url_name: str) -> None:
    assert_scoped(cast, reverse(url_name), expect(MEMBERS))


def test_the_profile_page_sends_each_member_to_their_own_record(cast: Cast) -> None:
    responses = assert_scoped(cast, reverse("profile"), expect(MEMBERS, ok=302))
    for role in MEMBERS:
        own = reverse("employee-detail", args=[cast.member(role).pk])  # type: ignore[union-attr]
        assert responses[role]["Location"] == own


@pytest.mark.parametrize("unit_name", UNITS)
@pytest.mark.parametrize("url_name", ["org-unit-detail", "org-unit-children"])
def test_unit_pages_answer_404_outside_scope(cast: Cast, unit_name: str, url_name: str) -> None:
    url = reverse(url_name, args=[getattr(cast, unit_name).pk])
    assert_scoped(cast, url, expect(seeing(VISIBLE_UNITS, unit_name)))


@pytest.mark.parametrize("person", PEOPLE)
def test_employee_page_answers_404_outside_scope(cast: Cast, person: str) -> None:
    url = reverse("employee-detail", args=[getattr(cast, person).pk])
    assert_scoped(cast, url, expect(seeing(VISIBLE_PEOPLE, person)))


@pytest.mark.parametrize("role", MEMBERS)
def test_directory_lists_exactly_the_people_in_scope(cast: Cast, role: str) -> None:
    response = cast.client(role).get(reverse("employee-list"))
    listed = {e.pk for e in response.context["page"].object_list}
    assert listed == cast.ids(VISIBLE_PEOPLE[role])


TREE_ROOTS = {
    "employee": {"engineering"},
    "manager": {"engineering"},
    "sibling_manager": {"finance"},
    "hr": {"group"},
    "executive": {"group"},
}


@pytest.mark.parametrize("role", MEMBERS)
def test_tree_starts_at_the_top_of_each_scope(cast: Cast, role: str) -> None:
    roots = {u.pk for u in cast.client(role).get(reverse("org-tree")).context["roots"]}
    assert roots == cast.ids(TREE_ROOTS[role])


@pytest.mark.parametrize("role", MEMBERS)
def test_tree_search_finds_only_in_scope_units_and_people(cast: Cast, role: str) -> None:
    response = cast.client(role).get(reverse("org-tree"), {"q": "e"})
    units = {u.pk for u in response.context["unit_matches"]}
    people = {e.pk for e in response.context["employee_matches"]}
    # "e" is in every unit's name or code but the Group's, and in every employee number.
    assert units == cast.ids(VISIBLE_UNITS[role] - {"group"})
    assert people == cast.ids(VISIBLE_PEOPLE[role])


# --- API -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url,visible",
    [("/api/v1/org-units/", VISIBLE_UNITS), ("/api/v1/employees/", VISIBLE_PEOPLE)],
)
def test_api_lists_hold_exactly_the_rows_in_scope(
    cast: Cast, url: str, visible: dict[str, frozenset[str]]
) -> None:
    responses = assert_scoped(cast, url, expect(MEMBERS, anonymous=API))
    for role in MEMBERS:
        listed = {row["id"] for row in responses[role].json()["results"]}
        assert listed == cast.ids(visible[role]), role


@pytest.mark.parametrize("person", PEOPLE)
def test_api_employee_detail_is_404_outside_scope(cast: Cast, person: str) -> None:
    url = f"/api/v1/employees/{getattr(cast, person).pk}/"
    assert_scoped(cast, url, expect(seeing(VISIBLE_PEOPLE, person), anonymous=API))


@pytest.mark.parametrize("unit_name", UNITS)
def test_api_unit_detail_is_404_outside_scope(cast: Cast, unit_name: str) -> None:
    url = f"/api/v1/org-units/{getattr(cast, unit_name).pk}/"
    assert_scoped(cast, url, expect(seeing(VISIBLE_UNITS, unit_name), anonymous=API))


@pytest.mark.parametrize("role", CAST)
def test_only_hr_edits_an_employee_through_the_api(cast: Cast, role: str) -> None:
    response = cast.client(role).patch(
        f"/api/v1/employees/{cast.employee.pk}/",
        {"job_title": "Senior engineer", "version": 1},
        content_type="application/json",
    )
    # who sees the record but may not change it gets 403; who cannot see it, 404
    seen = {"employee": 403, "manager": 403, "executive": 403}
    assert response.status_code == expect({"hr"}, anonymous=API, **seen)[role]
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
    assert cast.employee.unit_id == cast.engineering.pk


def test_me_endpoint_reports_the_callers_roles(cast: Cast) -> None:
    responses = assert_scoped(cast, "/api/v1/me/", expect(MEMBERS, anonymous=API))
    role_name = {"sibling_manager": "manager"}
    for role in MEMBERS:
        body = responses[role].json()
        assert body["employee"]["id"] == cast.member(role).pk  # type: ignore[union-attr]
        assert role_name.get(role, role) in body["roles"], role


def test_token_authentication_works_for_the_api(cast: Cast) -> None:
    from django.test import Client
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=cast.manager.user)
    response = Client().get("/api/v1/employees/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    listed = {row["id"] for row in response.json()["results"]}
    assert listed == cast.ids(VISIBLE_PEOPLE["manager"])


def test_anonymous_cannot_start_a_directory_export(cast: Cast) -> None:
    from spm.models import Job

    response = cast.client("anonymous").post(reverse("employee-export"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not Job.objects.exists()


@pytest.mark.parametrize("role", MEMBERS)
def test_directory_export_holds_only_the_people_in_scope(
    cast: Cast, role: str, django_capture_on_commit_callbacks: Any
) -> None:
    from openpyxl import load_workbook

    from spm.models import Job

    with django_capture_on_commit_callbacks(execute=True):
        response = cast.client(role).post(reverse("employee-export"))
    job = Job.objects.get()
    assert response["Location"] == reverse("job-detail", args=[job.pk])
    assert job.status == Job.Status.DONE
    rows = list(load_workbook(job.result_file.open("rb")).active.iter_rows(values_only=True))
    names = {row[1] for row in rows[1:]}
    assert names == {getattr(cast, n).name for n in VISIBLE_PEOPLE[role]}
    # The job and its file belong to whoever started it.
    url = reverse("job-download", args=[job.pk])
    assert_scoped(cast, url, expect({role}))
