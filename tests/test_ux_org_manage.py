"""HR runs the organisation in the app: units created and moved, people added and
deactivated, roles granted and revoked — scoped like everything else and audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from org import services
from org.models import Employee, OrgUnit, RoleAssignment
from org.rules import GRANTABLE, grantable_roles
from org.scoping import ADMIN, EXECUTIVE, HR, MANAGER, SELF, scope_of
from tests.access import expect
from tests.conftest import Cast
from tests.factories import EmployeeFactory, RoleAssignmentFactory

pytestmark = pytest.mark.django_db
HR_ONLY = expect({"hr"})
NEW_PERSON = {
    "name": "Newcomer Niu",
    "employee_no": "E-NEW-1",
    "username": "niu",
    "password": "a-long-first-password-42",
    "job_title": "Engineer",
    "base_bonus": "1000",
}


@pytest.fixture
def cast(shared_cast: Cast) -> Cast:
    return shared_cast


def _status_of_every_role(cast: Cast, url: str, method: str = "get", **data: Any) -> dict[str, int]:
    from django.db import transaction

    statuses = {}
    for role in ("employee", "manager", "sibling_manager", "hr", "executive", "anonymous"):
        with transaction.atomic():
            response = getattr(cast.client(role), method)(url, data)
            statuses[role] = response.status_code
            transaction.set_rollback(True)
    return statuses


# --- Rules ----------------------------------------------------------------------------------
@given(superuser=st.booleans(), covering=st.sets(st.sampled_from([MANAGER, HR, EXECUTIVE, ADMIN])))
def test_nobody_grants_more_than_an_admin_and_only_admins_grant_admin(
    superuser: bool, covering: set[str]
) -> None:
    granted = grantable_roles(superuser=superuser, covering=covering)
    assert granted <= set(GRANTABLE)
    assert (ADMIN in granted) == (superuser or ADMIN in covering)
    if not superuser and not covering & {HR, ADMIN}:
        assert granted == frozenset()
    assert SELF not in granted


# --- Pages against the cast -----------------------------------------------------------------
@pytest.mark.parametrize(
    "name,args",
    [
        ("org-unit-new", []),
        ("org-unit-edit", ["engineering"]),
        ("employee-new", []),
        ("employee-status", ["employee"]),
        ("employee-roles", ["employee"]),
    ],
)
def test_only_hr_reaches_the_pages_that_run_the_org(cast: Cast, name: str, args: list[str]) -> None:
    url = reverse(name, args=[getattr(cast, a).pk for a in args])
    assert _status_of_every_role(cast, url) == HR_ONLY


def test_hr_creates_a_unit_under_one_in_its_scope_and_history_names_hr(cast: Cast) -> None:
    response = cast.client("hr").post(
        reverse("org-unit-new"),
        {"parent": cast.engineering.pk, "name": "Offshore team", "code": "OFF", "kind": "team"},
    )
    unit = OrgUnit.objects.get(code="OFF")
    assert response["Location"] == reverse("org-unit-detail", args=[unit.pk])
    assert unit.path.startswith(cast.engineering.path)
    assert unit.history.get().history_user == cast.hr.user
    # The manager of Engineering sees the new unit at once.
    assert OrgUnit.objects.restrict(cast.manager.user).filter(pk=unit.pk).exists()


def test_a_unit_form_with_garbage_shows_field_errors(cast: Cast) -> None:
    response = cast.client("hr").post(
        reverse("org-unit-new"), {"parent": "abc", "name": "", "code": "HQ", "kind": "moon"}
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"parent", "name", "code", "kind"}


def test_hr_moves_a_unit_and_its_subtree_and_cannot_put_it_under_itself(cast: Cast) -> None:
    client = cast.client("hr")
    url = reverse("org-unit-edit", args=[cast.engineering.pk])
    page = client.get(url)
    offered = {u.pk for u in page.context["form"].fields["parent"].queryset}
    assert cast.site.pk not in offered and cast.engineering.pk not in offered
    data = {"name": "Engineering", "code": "ENG", "kind": "department", "sort_order": 0}
    data["version"] = page.context["form"].initial["version"]
    refused = client.post(url, {**data, "parent": cast.site.pk})
    assert refused.status_code == 200 and "parent" in refused.context["form"].errors
    moved = client.post(url, {**data, "parent": cast.finance.pk})
    assert moved.status_code == 302, moved.context["form"].errors
    cast.site.refresh_from_db()
    assert cast.site.path == f"{cast.finance.path}{cast.engineering.pk}/{cast.site.pk}/"
    assert OrgUnit.history.filter(id=cast.engineering.pk).latest().history_user == cast.hr.user


def test_hr_of_one_unit_cannot_create_move_or_staff_outside_it(cast: Cast) -> None:
    finance_hr = EmployeeFactory.create(unit=cast.finance, name="Finance HR")
    RoleAssignmentFactory.create(user=finance_hr.user, role=HR, unit=cast.finance)
    client = Client()
    client.force_login(finance_hr.user)
    new = client.get(reverse("org-unit-new"))
    assert {u.pk for u in new.context["form"].fields["parent"].queryset} == {cast.finance.pk}
    outside = client.post(
        reverse("org-unit-new"),
        {"parent": cast.engineering.pk, "name": "X", "code": "X", "kind": "team"},
    )
    assert outside.status_code == 200 and "parent" in outside.context["form"].errors
    assert client.get(reverse("org-unit-edit", args=[cast.engineering.pk])).status_code == 404
    assert client.get(reverse("employee-roles", args=[cast.employee.pk])).status_code == 404
    with pytest.raises(Http404):
        services.org_unit_update(
            actor=finance_hr.user, unit=cast.finance, expected_version=1, parent=cast.hq
        )
    assert not OrgUnit.objects.filter(code="X").exists()


def test_hr_adds_a_person_who_can_sign_in(cast: Cast) -> None:
    response = cast.client("hr").post(
        reverse("employee-new"),
        {**NEW_PERSON, "unit": cast.site.pk, "line_manager": cast.manager.pk},
    )
    person = Employee.objects.get(employee_no="E-NEW-1")
    assert response["Location"] == reverse("employee-detail", args=[person.pk])
    assert (person.unit, person.line_manager, person.user.username) == (
        cast.site,
        cast.manager,
        "niu",
    )
    assert person.history.get().history_user == cast.hr.user
    signed_in = Client().post(
        reverse("login"), {"username": "niu", "password": NEW_PERSON["password"]}
    )
    assert signed_in.status_code == 302


def test_adding_a_person_refuses_a_weak_password_a_taken_login_and_a_taken_number(
    cast: Cast,
) -> None:
    response = cast.client("hr").post(
        reverse("employee-new"),
        {
            **NEW_PERSON,
            "unit": cast.site.pk,
            "password": "123",
            "username": "manager",
            "employee_no": cast.manager.employee_no,
        },
    )
    assert response.status_code == 200
    assert "employee_no" in response.context["form"].errors
    response = cast.client("hr").post(
        reverse("employee-new"),
        {**NEW_PERSON, "unit": cast.site.pk, "password": "123", "username": "manager"},
    )
    assert {"password", "username"} <= set(response.context["form"].errors)
    assert not Employee.objects.filter(employee_no="E-NEW-1").exists()


def test_deactivating_a_person_stops_their_sign_in_and_records_why(cast: Cast) -> None:
    url = reverse("employee-status", args=[cast.employee.pk])
    client = cast.client("hr")
    assert "reason" in client.post(url, {"reason": " "}).context["form"].errors
    client.post(url, {"reason": "left the company", "version": 1})
    cast.employee.refresh_from_db()
    assert not cast.employee.active and not cast.employee.user.is_active
    row = cast.employee.history.latest()
    assert (row.history_user, row.history_change_reason) == (cast.hr.user, "left the company")
    # Deactivated people leave the directory; HR can bring them back.
    listed = cast.client("hr").get(reverse("employee-list")).context["page"].object_list
    assert cast.employee not in listed
    client.post(url, {"reason": "rehired", "version": 2})
    cast.employee.refresh_from_db()
    assert cast.employee.active and cast.employee.user.is_active


def test_nobody_deactivates_or_grants_roles_to_themselves(cast: Cast) -> None:
    client = cast.client("hr")
    assert client.get(reverse("employee-status", args=[cast.hr.pk])).status_code == 404
    assert client.get(reverse("employee-roles", args=[cast.hr.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        services.employee_set_active(
            actor=cast.hr.user, employee=cast.hr, active=False, reason="x", expected_version=1
        )
    with pytest.raises(PermissionDenied):
        services.role_grant(
            actor=cast.hr.user, employee=cast.hr, role=ADMIN, unit=cast.group, expected_version=1
        )


# --- Roles ----------------------------------------------------------------------------------
def test_only_hr_grants_a_role_and_the_grantee_then_sees_the_unit(cast: Cast) -> None:
    url = reverse("employee-roles", args=[cast.site_worker.pk])
    data = {"role": MANAGER, "unit": cast.site.pk, "make_head": "on", "version": 1}
    statuses = _status_of_every_role(cast, url, "post", **data)
    assert statuses == expect({"hr"}, ok=302)
    cast.client("hr").post(url, data)
    grant = RoleAssignment.objects.get(user=cast.site_worker.user, role=MANAGER)
    assert grant.unit == cast.site
    assert grant.history.get().history_user == cast.hr.user
    cast.site.refresh_from_db()
    assert cast.site.head == cast.site_worker
    user = get_user_model().objects.get(pk=cast.site_worker.user_id)
    assert scope_of(user).covers(cast.site.path, {MANAGER})
    again = cast.client("hr").post(url, {**data, "version": 2})
    assert "role" in again.context["form"].errors


def test_hr_is_not_offered_and_cannot_grant_the_administrator_role(cast: Cast) -> None:
    url = reverse("employee-roles", args=[cast.employee.pk])
    page = cast.client("hr").get(url)
    offered = {value for value, _ in page.context["form"].fields["role"].choices}
    assert offered == {MANAGER, EXECUTIVE, HR}
    with pytest.raises(PermissionDenied):
        services.role_grant(
            actor=cast.hr.user, employee=cast.employee, role=ADMIN, unit=cast.hq, expected_version=1
        )
    assert not RoleAssignment.objects.filter(user=cast.employee.user, role=ADMIN).exists()


def test_hr_revokes_a_role_and_the_revocation_is_audited(cast: Cast) -> None:
    grant = RoleAssignment.objects.get(user=cast.manager.user, role=MANAGER)
    url = reverse("role-revoke", args=[grant.pk])
    for role in ("employee", "manager", "sibling_manager", "executive"):
        assert cast.client(role).post(url).status_code == 404, role
    assert cast.client("anonymous").post(url).status_code == 302
    response = cast.client("hr").post(url, {"version": 1})
    assert response["Location"] == reverse("employee-roles", args=[cast.manager.pk])
    assert not RoleAssignment.objects.filter(pk=grant.pk).exists()
    deleted = RoleAssignment.history.filter(id=grant.pk).latest()
    assert (deleted.history_type, deleted.history_user) == ("-", cast.hr.user)


@pytest.mark.parametrize("extra", [1, 6])
def test_roles_page_query_count_is_constant(
    cast: Cast, django_assert_num_queries: Any, extra: int
) -> None:
    from tests.factories import OrgUnitFactory
    from tests.test_org_queries import NAV, PAGE_BASE

    for _ in range(extra):
        unit = OrgUnitFactory.create(parent=cast.engineering)
        RoleAssignmentFactory.create(user=cast.employee.user, role=EXECUTIVE, unit=unit)
    client = cast.client("hr")
    # + the person, + any changeable unit?, + the role rows with their units,
    # + the units of the form, + the line managers are not on this form
    with django_assert_num_queries(PAGE_BASE + 4 + NAV):
        client.get(reverse("employee-roles", args=[cast.employee.pk]))


# --- Admin ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "language,title", [("en", "SPM administration"), ("zh-hans", "SPM 管理后台")]
)
def test_the_admin_is_branded_spm_in_each_language(cast: Cast, language: str, title: str) -> None:
    response = Client(headers={"accept-language": language}).get(reverse("admin:login"))
    assert title in response.content.decode()
    assert "Django administration" not in response.content.decode()


# --- Sortable directory ---------------------------------------------------------------------
def test_the_directory_sorts_by_a_column_both_ways_and_keeps_the_filter(cast: Cast) -> None:
    client = cast.client("hr")
    by_unit = client.get(reverse("employee-list"), {"sort": "unit", "q": "Worker"})
    assert [p.name for p in by_unit.context["page"].object_list] == ["Worker Wu"]
    everyone = client.get(reverse("employee-list"), {"sort": "unit"})
    units = [p.unit.path for p in everyone.context["page"].object_list]
    assert units == sorted(units) and len(set(units)) > 1
    flipped = client.get(reverse("employee-list"), {"sort": "-name"})
    listed = [p.name for p in flipped.context["page"].object_list]
    assert listed == sorted(listed, reverse=True)
    html = flipped.content.decode()
    assert 'aria-sort="descending"' in html and "sort=name" in html
    assert '<input type="hidden" name="sort" value="-name">' in html
    unknown = client.get(reverse("employee-list"), {"sort": "user__password"})
    assert unknown.context["sort"] == "name"
