"""The kept headcount of each unit (org.headcount): after every way an employee joins,
moves, leaves or comes back, and every move of a unit, it equals a fresh count, and each
member's scope total equals the count of the employees they see."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from org import headcount, selectors, services
from org.models import Employee, OrgUnit, RoleAssignment, UnitHeadcount
from org.scoping import SYSTEM
from tests.access import MEMBERS
from tests.conftest import Cast
from tests.factories import EmployeeFactory, OrgUnitFactory, RoleAssignmentFactory

pytestmark = pytest.mark.django_db


def assert_fresh(cast: Cast) -> None:
    """Every unit's kept count is the fresh count, and every member's scope total is the
    number of active employees they see."""
    kept = dict(UnitHeadcount.objects.values_list("unit_id", "active"))
    for unit in OrgUnit.objects.all():
        fresh = Employee.objects.filter(unit=unit, active=True).count()
        assert kept.get(unit.pk, 0) == fresh, unit
    for role in MEMBERS:
        user = getattr(cast, role).user
        user = type(user).objects.get(pk=user.pk)  # a fresh scope
        seen = Employee.objects.restrict(user).filter(active=True).count()
        assert headcount.in_scope(user) == seen, role


def test_the_cast_is_counted(cast: Cast) -> None:
    assert UnitHeadcount.objects.get(unit=cast.engineering).active == 2
    assert_fresh(cast)


def test_hiring_moving_leaving_and_coming_back_keep_the_counts(cast: Cast) -> None:
    hr = cast.hr.user
    hired = services.employee_create(
        actor=hr,
        username="newcomer",
        password="A-long-enough-pass-42",
        employee_no="N-1",
        name="New Niu",
        unit=cast.site,
        job_title="Fitter",
    )
    assert_fresh(cast)
    assert UnitHeadcount.objects.get(unit=cast.site).active == 2
    loaded = Employee.objects.get(pk=hired.pk)
    moved = services.employee_update(
        actor=hr, employee=loaded, expected_version=loaded.version, unit=cast.finance
    )
    assert_fresh(cast)
    assert UnitHeadcount.objects.get(unit=cast.site).active == 1
    left = services.employee_set_active(
        actor=hr, employee=moved, active=False, reason="left", expected_version=moved.version
    )
    assert_fresh(cast)
    services.employee_set_active(
        actor=hr, employee=left, active=True, reason="back", expected_version=left.version
    )
    assert_fresh(cast)
    assert UnitHeadcount.objects.get(unit=cast.finance).active == 3


def test_direct_saves_deletes_and_partial_loads_keep_the_counts(cast: Cast) -> None:
    unit = OrgUnitFactory(parent=cast.site, name="Night shift")
    people = EmployeeFactory.create_batch(3, unit=unit)
    assert_fresh(cast)
    # Loaded without its unit, then moved: the unit the row was in is recounted too.
    partial = Employee.objects.only("id", "name").get(pk=people[0].pk)
    partial.unit_id = cast.hq.pk
    partial.save()
    assert_fresh(cast)
    # Moved through another instance while this one was loaded, then moved again.
    stale = Employee.objects.get(pk=people[0].pk)
    other = Employee.objects.get(pk=people[0].pk)
    other.unit = cast.finance
    other.save()
    stale.refresh_from_db()
    stale.unit = cast.site
    stale.save()
    assert_fresh(cast)
    people[1].delete()
    assert_fresh(cast)
    # A save of other fields leaves the counts alone (and they stay right).
    people[2].name = "Renamed"
    people[2].save(update_fields=["name"])
    assert_fresh(cast)


def test_a_moved_unit_carries_its_count_into_the_new_subtree(cast: Cast) -> None:
    # The site team (one worker) moves from engineering to finance: the manager of
    # engineering no longer sees its worker, the sibling manager of finance does.
    site = OrgUnit.objects.get(pk=cast.site.pk)
    services.org_unit_update(
        actor=SYSTEM, unit=site, expected_version=site.version, parent=cast.finance
    )
    assert_fresh(cast)
    new = OrgUnitFactory(parent=cast.finance, name="Fresh unit")
    assert_fresh(cast)
    assert UnitHeadcount.objects.filter(unit=new).first() is None  # nobody yet: no row


def test_refresh_all_repairs_a_wrong_count(cast: Cast) -> None:
    UnitHeadcount.objects.filter(unit=cast.engineering).update(active=99)
    headcount.refresh_all()
    assert_fresh(cast)


def test_the_home_page_shows_the_kept_headcount(cast: Cast) -> None:
    EmployeeFactory.create_batch(4, unit=cast.site)
    body = cast.client("hr").get(reverse("home")).content.decode()
    seen = Employee.objects.restrict(cast.hr.user).filter(active=True).count()
    assert seen == 11
    assert f'<p class="spm-stat mb-0">{seen}</p>' in body


@pytest.mark.parametrize("role", ["manager", "hr"])
def test_the_scope_headcount_is_one_query_at_two_sizes(cast: Cast, role: str) -> None:
    counts = []
    for units in (1, 12):
        for i in range(units):
            unit = OrgUnitFactory(parent=cast.engineering, name=f"Grown {len(counts)} {i}")
            EmployeeFactory.create_batch(3, unit=unit)
        user = type(cast.hr.user).objects.get(pk=getattr(cast, role).user.pk)
        headcount.in_scope(user)  # the scope itself (read once per request anyway)
        with CaptureQueriesContext(connection) as queries:
            assert headcount.in_scope(user) == (
                Employee.objects.restrict(user).filter(active=True).count()
            )
        counts.append(len(queries) - 1)  # less the fresh count of the check
    assert counts == [1, 1]


def test_the_self_arm_counts_an_employee_outside_their_grants(cast: Cast) -> None:
    # The employee works in engineering and is granted finance only: finance's people and
    # themselves.
    RoleAssignmentFactory.create(
        user=cast.employee.user, role=RoleAssignment.Role.MANAGER, unit=cast.finance
    )
    user = type(cast.hr.user).objects.get(pk=cast.employee.user.pk)
    seen = Employee.objects.restrict(user).filter(active=True).count()
    assert seen == UnitHeadcount.objects.get(unit=cast.finance).active + 1 == 3
    assert headcount.in_scope(user) == seen


def test_the_tree_shows_each_units_kept_count(cast: Cast) -> None:
    empty = OrgUnitFactory(parent=cast.engineering, name="Nobody here yet")
    EmployeeFactory.create_batch(2, unit=cast.site)
    EmployeeFactory(unit=cast.site, active=False)
    user = cast.hr.user
    children = selectors.org_unit_children(user, cast.engineering)
    assert {u.pk: u.employee_count for u in children} == {cast.site.pk: 3, empty.pk: 0}
    (root,) = selectors.org_tree_roots(user)
    assert (root, root.employee_count) == (cast.group, 0)
    body = cast.client("hr").get(reverse("org-unit-detail", args=[cast.engineering.pk]))
    assert "3 people" in body.content.decode()
