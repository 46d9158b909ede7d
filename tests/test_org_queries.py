"""Lists cost the same number of queries whatever their size (no N+1)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.conftest import Cast
from tests.factories import EmployeeFactory, OrgUnitFactory

pytestmark = pytest.mark.django_db


def grow(cast: Cast, units: int, people: int) -> None:
    for i in range(units):
        unit = OrgUnitFactory(parent=cast.engineering, name=f"Grown {i}")
        EmployeeFactory.create_batch(people, unit=unit, line_manager=cast.manager)


# Queries of any signed-in request: session, user, scope (role assignments and employee
# record in one statement).
PAGE_BASE = 3
NAV = 1  # the inbox's unread count in the navigation (notifications app)


@pytest.mark.parametrize("units,people", [(1, 1), (12, 5)])
def test_org_tree_page_query_count_is_constant(
    cast: Cast, django_assert_num_queries: Any, units: int, people: int
) -> None:
    grow(cast, units, people)
    client = cast.client("hr")
    # + the roots with their child and people counts (one query with subqueries)
    with django_assert_num_queries(PAGE_BASE + 1 + NAV):
        client.get(reverse("org-tree"))


@pytest.mark.parametrize("units,people", [(1, 1), (12, 5)])
def test_tree_children_fragment_query_count_is_constant(
    cast: Cast, django_assert_num_queries: Any, units: int, people: int
) -> None:
    grow(cast, units, people)
    client = cast.client("hr")
    # + the unit, + its children with counts
    with django_assert_num_queries(PAGE_BASE + 2):
        client.get(reverse("org-unit-children", args=[cast.engineering.pk]))


@pytest.mark.parametrize("units,people", [(1, 1), (12, 5)])
def test_directory_page_query_count_is_constant(
    cast: Cast, django_assert_num_queries: Any, units: int, people: int
) -> None:
    grow(cast, units, people)
    client = cast.client("manager")
    # + count, + page of people with unit and manager, + job titles, + units for the filter,
    # + the user's saved filters of the directory
    with django_assert_num_queries(PAGE_BASE + 5 + NAV):
        client.get(reverse("employee-list"))


@pytest.mark.parametrize("units,people", [(1, 1), (12, 5)])
def test_unit_page_query_count_is_constant(
    cast: Cast, django_assert_num_queries: Any, units: int, people: int
) -> None:
    grow(cast, units, people)
    client = cast.client("hr")
    # + unit, + ancestors, + children with counts, + people count, + people page
    with django_assert_num_queries(PAGE_BASE + 5 + NAV):
        client.get(reverse("org-unit-detail", args=[cast.engineering.pk]))


# API lists: the signed-in base, then count and page (org units), or one cursor page with
# no count (employees).
@pytest.mark.parametrize("units,people", [(1, 1), (12, 5)])
@pytest.mark.parametrize(("url", "extra"), [("/api/v1/org-units/", 2), ("/api/v1/employees/", 1)])
def test_api_list_query_count_is_constant(
    cast: Cast, django_assert_num_queries: Any, units: int, people: int, url: str, extra: int
) -> None:
    grow(cast, units, people)
    client = cast.client("executive")
    with django_assert_num_queries(PAGE_BASE + extra):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("role", ["employee", "manager", "sibling_manager", "hr", "executive"])
def test_directory_job_titles_are_the_distinct_titles_in_scope_in_order(
    cast: Cast, role: str
) -> None:
    from org import selectors
    from org.models import Employee

    grown = OrgUnitFactory(parent=cast.engineering, name="Grown")
    for title in ["Welder", "Analyst", "Welder", "Zoologist", "O'Brien & Co <lead>"]:
        EmployeeFactory(unit=grown, job_title=title, line_manager=cast.manager)
    EmployeeFactory(unit=cast.finance, job_title="Auditor")
    EmployeeFactory(unit=grown, job_title="Gone", active=False)
    user = cast.member(role).user  # type: ignore[union-attr]
    titles = selectors.job_titles(user)
    # What a DISTINCT over the same rows gives (the skip scan reads one row per title).
    assert titles == list(
        Employee.objects.restrict(user)
        .filter(active=True)
        .order_by("job_title")
        .values_list("job_title", flat=True)
        .distinct()
    )
    assert "Gone" not in titles
    assert ("Welder" in titles) == (role in {"manager", "hr", "executive"})
    assert ("Auditor" in titles) == (role in {"sibling_manager", "hr", "executive"})
