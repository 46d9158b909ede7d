"""Issue 9 (org edits): two HR users editing the same unit or person no longer overwrite
each other. Each edit carries the version its editor opened; the second save of the same
version is refused — 409 in the API, a form message on the page that keeps what was typed."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from org import services
from org.models import Employee, OrgUnit, RoleAssignment
from org.scoping import HR, MANAGER, SYSTEM
from org.versions import StaleOrgEdit
from tests.conftest import Cast
from tests.factories import EmployeeFactory, RoleAssignmentFactory

pytestmark = pytest.mark.django_db


def _two_hr(cast: Cast) -> tuple[Client, Client]:
    """The cast's HR and a second HR partner over the same group, each signed in."""
    other = EmployeeFactory.create(unit=cast.hq, name="HR Two")
    RoleAssignmentFactory.create(user=other.user, role=HR, unit=cast.group)
    second = Client()
    second.force_login(other.user)
    return cast.client("hr"), second


def _unit_form(client: Client, unit: OrgUnit) -> dict[str, Any]:
    page = client.get(reverse("org-unit-edit", args=[unit.pk]))
    form = page.context["form"]
    data = {name: form[name].value() for name in form.fields}
    return {k: "" if v is None else v for k, v in data.items()}


def test_the_second_of_two_hr_users_renaming_a_unit_is_refused_and_keeps_what_they_typed(
    cast: Cast,
) -> None:
    first, second = _two_hr(cast)
    url = reverse("org-unit-edit", args=[cast.engineering.pk])
    mine, theirs = _unit_form(first, cast.engineering), _unit_form(second, cast.engineering)
    assert mine["version"] == theirs["version"] == 1
    assert first.post(url, {**mine, "name": "Engineering (first)"}).status_code == 302
    refused = second.post(url, {**theirs, "name": "Engineering (second)", "sort_order": 7})
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "Someone else changed this record since you opened it" in html
    assert 'value="Engineering (second)"' in html and 'value="7"' in html
    cast.engineering.refresh_from_db()
    assert (cast.engineering.name, cast.engineering.version) == ("Engineering (first)", 2)
    # The form now carries the stored version: saving again deliberately replaces it.
    assert refused.context["form"]["version"].value() == "2"
    again = second.post(url, {**theirs, "name": "Engineering (second)", "version": 2})
    assert again.status_code == 302
    cast.engineering.refresh_from_db()
    assert (cast.engineering.name, cast.engineering.version) == ("Engineering (second)", 3)


def test_a_stale_move_of_a_unit_moves_nothing(cast: Cast) -> None:
    first, second = _two_hr(cast)
    url = reverse("org-unit-edit", args=[cast.site.pk])
    mine, theirs = _unit_form(first, cast.site), _unit_form(second, cast.site)
    first.post(url, {**mine, "name": "Site crew"})
    second.post(url, {**theirs, "parent": cast.finance.pk})
    cast.site.refresh_from_db()
    assert cast.site.parent_id == cast.engineering.pk and cast.site.name == "Site crew"


def test_the_second_of_two_deactivations_of_a_person_is_refused(cast: Cast) -> None:
    first, second = _two_hr(cast)
    url = reverse("employee-status", args=[cast.employee.pk])
    seen = [c.get(url).context["form"]["version"].value() for c in (first, second)]
    assert seen == [1, 1]
    first.post(url, {"reason": "left the company", "version": 1})
    refused = second.post(url, {"reason": "moved abroad", "version": 1})
    assert refused.status_code == 200
    assert 'value="moved abroad"' in refused.content.decode()
    assert "Someone else changed this record" in refused.content.decode()
    cast.employee.refresh_from_db()
    assert not cast.employee.active
    assert cast.employee.history.latest().history_change_reason == "left the company"
    # The page now offers what is stored: they are inactive, so it offers to reactivate.
    assert refused.context["employee"].active is False


def test_a_role_grant_on_a_stale_page_is_refused_and_grants_nothing(cast: Cast) -> None:
    first, second = _two_hr(cast)
    url = reverse("employee-roles", args=[cast.site_worker.pk])
    first.post(url, {"role": MANAGER, "unit": cast.site.pk, "version": 1})
    refused = second.post(url, {"role": HR, "unit": cast.site.pk, "version": 1})
    assert refused.status_code == 200 and refused.context["form"].non_field_errors()
    roles = set(RoleAssignment.objects.filter(user=cast.site_worker.user).values_list("role"))
    assert roles == {(MANAGER,)}


def test_a_role_revoke_from_a_stale_page_is_refused_with_a_message(cast: Cast) -> None:
    first, second = _two_hr(cast)
    grant = RoleAssignment.objects.get(user=cast.manager.user, role=MANAGER)
    url = reverse("employee-roles", args=[cast.manager.pk])
    first.post(url, {"role": HR, "unit": cast.engineering.pk, "version": 1})
    response = second.post(reverse("role-revoke", args=[grant.pk]), {"version": 1}, follow=True)
    assert RoleAssignment.objects.filter(pk=grant.pk).exists()
    assert "Someone else changed this record" in response.content.decode()


def test_the_api_answers_409_with_the_stored_unit_to_a_stale_patch(cast: Cast) -> None:
    first, second = _two_hr(cast)
    url = f"/api/v1/org-units/{cast.engineering.pk}/"
    assert first.get(url).json()["version"] == 1
    ok = first.patch(url, {"name": "Eng A", "version": 1}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = second.patch(url, {"name": "Eng B", "version": 1}, content_type="application/json")
    assert stale.status_code == 409, stale.content
    body = stale.json()
    assert body["code"] == "stale"
    assert (body["current"]["name"], body["current"]["version"]) == ("Eng A", 2)
    cast.engineering.refresh_from_db()
    assert cast.engineering.name == "Eng A"


def test_the_api_answers_409_to_a_stale_employee_patch_and_400_without_a_version(
    cast: Cast,
) -> None:
    first, second = _two_hr(cast)
    url = f"/api/v1/employees/{cast.employee.pk}/"
    body = {"job_title": "Lead", "version": 1}
    assert first.patch(url, body, content_type="application/json").status_code == 200
    stale = second.patch(url, {**body, "job_title": "Chief"}, content_type="application/json")
    assert stale.status_code == 409 and stale.json()["current"]["job_title"] == "Lead"
    missing = second.patch(url, {"job_title": "Chief"}, content_type="application/json")
    assert missing.status_code == 400 and "version" in missing.json()["fields"]
    assert Employee.objects.get(pk=cast.employee.pk).job_title == "Lead"


def test_a_person_edit_without_a_version_is_refused_but_a_system_job_needs_none(
    cast: Cast,
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.org_unit_update(
            actor=cast.hr.user, unit=cast.finance, expected_version=None, name="X"
        )
    assert "version" in refused.value.message_dict
    unit = services.org_unit_update(
        actor=SYSTEM, unit=cast.finance, expected_version=None, name="Finance"
    )
    assert unit.version == 2
    with pytest.raises(StaleOrgEdit):
        services.employee_update(
            actor=cast.hr.user, employee=cast.employee, expected_version=7, job_title="X"
        )
