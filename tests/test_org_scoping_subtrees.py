"""A granted subtree below a root is filtered by its unit ids, read with the grants in the
same query: the row's own unit column, no join to the unit table (an index serves it
beside the "own rows" arm). A whole tree stays a path filter. A scope read before a unit
changed falls back to the path, so it never misses a new or moved unit."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from org.models import Employee, OrgUnit
from org.scoping import scope_of
from scorecard.models import Scorecard
from tests.conftest import Cast
from tests.factories import EmployeeFactory, OrgUnitFactory

pytestmark = pytest.mark.django_db


def sql_of(queryset: Any) -> str:
    return str(queryset.query)


def test_a_managers_scope_holds_the_ids_of_their_subtree(cast: Cast) -> None:
    scope = scope_of(cast.manager.user)
    assert scope.subtree_ids_of(cast.engineering.path) is not None
    assert set(scope.subtree_ids_of(cast.engineering.path) or ()) == {
        cast.engineering.pk,
        cast.site.pk,
    }


def test_the_scope_with_its_subtrees_is_read_in_one_query(cast: Cast) -> None:
    user = cast.manager.user
    with CaptureQueriesContext(connection) as queries:
        scope_of(user)
    assert len(queries.captured_queries) == 1


def test_a_managers_filter_reads_the_rows_unit_column_without_joining_the_units(
    cast: Cast,
) -> None:
    sql = sql_of(Employee.objects.restrict(cast.manager.user))
    assert "org_orgunit" not in sql
    assert "unit_id" in sql and " IN (" in sql
    rows = set(Employee.objects.restrict(cast.manager.user).values_list("pk", flat=True))
    assert rows == set(
        Employee.objects.filter(unit__path__startswith=cast.engineering.path).values_list(
            "pk", flat=True
        )
    )


def test_a_whole_tree_stays_a_path_filter(cast: Cast) -> None:
    """HR over the group: every row matches, which the planner knows from the path."""
    assert scope_of(cast.hr.user).subtree_ids_of(cast.group.path) is None
    assert "LIKE" in sql_of(Employee.objects.restrict(cast.hr.user)).upper()


def test_a_unit_added_after_the_scope_was_read_is_still_in_scope(cast: Cast) -> None:
    user = cast.manager.user
    scope_of(user)  # read (and cached on the user) before the new unit exists
    newcomer_unit = OrgUnitFactory(parent=cast.site)
    newcomer = EmployeeFactory(unit=newcomer_unit)
    card = Scorecard.objects.create(unit=newcomer_unit, employee=newcomer, year=2026)
    assert Employee.objects.restrict(user).filter(pk=newcomer.pk).exists()
    assert Scorecard.objects.restrict(user).filter(pk=card.pk).exists()


def test_a_unit_moved_out_after_the_scope_was_read_is_out_of_scope(cast: Cast) -> None:
    user = cast.manager.user
    scope_of(user)
    site = OrgUnit.objects.get(pk=cast.site.pk)
    site.parent = cast.finance
    site.save()
    assert not Employee.objects.restrict(user).filter(pk=cast.site_worker.pk).exists()


def test_within_a_unit_still_filters_by_its_subtree(cast: Cast) -> None:
    inside = Employee.objects.restrict(cast.hr.user).within(cast.engineering.pk)
    assert set(inside.values_list("pk", flat=True)) == {
        cast.manager.pk,
        cast.employee.pk,
        cast.site_worker.pk,
    }


def test_a_subtree_larger_than_the_cap_is_filtered_by_its_path(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("org.scoping.SUBTREE_IDS_MAX", 1)
    user = cast.manager.user
    assert scope_of(user).subtree_ids_of(cast.engineering.path) is None
    assert "LIKE" in sql_of(Employee.objects.restrict(user)).upper()
    assert Employee.objects.restrict(user).filter(pk=cast.site_worker.pk).exists()
