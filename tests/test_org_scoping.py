"""The org tree's materialised paths and the scoping mechanism built on them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from org import services
from org.models import OrgUnit
from org.scoping import SYSTEM, minimal_paths, scope_of
from tests.conftest import Cast
from tests.factories import EmployeeFactory, OrgUnitFactory

paths = st.lists(
    st.lists(st.integers(1, 6), min_size=1, max_size=4).map(
        lambda ids: "/" + "/".join(map(str, ids)) + "/"
    ),
    max_size=12,
)


@given(paths)
def test_minimal_paths_cover_exactly_the_same_subtrees(given_paths: list[str]) -> None:
    kept = minimal_paths(given_paths)
    for path in given_paths:
        assert any(path.startswith(k) for k in kept)
    for k in kept:
        assert k in given_paths
        assert not any(k != other and k.startswith(other) for other in kept)


@pytest.mark.django_db
def test_a_new_unit_gets_the_path_of_its_ancestors() -> None:
    root = OrgUnitFactory()
    child = OrgUnitFactory(parent=root)
    grandchild = OrgUnitFactory(parent=child)
    assert grandchild.path == f"/{root.pk}/{child.pk}/{grandchild.pk}/"
    assert grandchild.depth == 2
    assert grandchild.ancestor_ids() == [root.pk, child.pk]


@pytest.mark.django_db
def test_moving_a_unit_carries_its_whole_subtree(cast: Cast) -> None:
    services.org_unit_update(
        actor=SYSTEM, unit=cast.engineering, expected_version=None, parent=cast.finance
    )
    cast.site.refresh_from_db()
    assert cast.site.path == f"{cast.finance.path}{cast.engineering.pk}/{cast.site.pk}/"
    assert cast.site.depth == 4
    # The sibling manager now sees the moved subtree, and its people.
    assert set(OrgUnit.objects.restrict(cast.sibling_manager.user)) == {
        cast.finance,
        cast.engineering,
        cast.site,
    }


@pytest.mark.django_db
def test_a_unit_cannot_move_under_its_own_descendant(cast: Cast) -> None:
    with pytest.raises(ValidationError):
        services.org_unit_update(
            actor=SYSTEM, unit=cast.engineering, expected_version=None, parent=cast.site
        )


@pytest.mark.django_db
def test_an_admin_cannot_edit_a_unit_outside_its_scope(cast: Cast) -> None:
    from django.http import Http404

    from org.models import RoleAssignment

    # (not the cast's HR: HR runs the units of its own subtree, the whole group)
    finance_admin = EmployeeFactory.create(unit=cast.finance).user
    RoleAssignment.objects.create(user=finance_admin, role="admin", unit=cast.finance)
    with pytest.raises(Http404):
        services.org_unit_update(
            actor=finance_admin, unit=cast.engineering, expected_version=1, name="Renamed"
        )
    services.org_unit_update(
        actor=finance_admin, unit=cast.finance, expected_version=1, name="Finance & Treasury"
    )
    cast.finance.refresh_from_db()
    assert cast.finance.name == "Finance & Treasury"


@pytest.mark.django_db
def test_scope_lists_each_role_over_its_units(cast: Cast) -> None:
    scope = scope_of(cast.manager.user)
    assert scope.roles == {"manager", "employee"}
    assert scope.paths(["manager"]) == (cast.engineering.path,)
    assert scope_of(cast.hr.user).paths(["hr"]) == (cast.group.path,)


@pytest.mark.django_db
def test_an_inactive_employee_loses_their_own_records(cast: Cast) -> None:
    from org.models import Employee

    cast.employee.active = False
    cast.employee.save()
    user = type(cast.employee.user).objects.get(pk=cast.employee.user_id)
    assert not Employee.objects.restrict(user).exists()


@pytest.mark.django_db
def test_a_superuser_sees_everything() -> None:
    outsider = EmployeeFactory(user__is_superuser=True)
    OrgUnitFactory.create_batch(3)
    assert OrgUnit.objects.restrict(outsider.user).count() == OrgUnit.objects.count()
