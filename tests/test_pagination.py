"""API lists count at most ``CAP + 1`` rows for their pager, whatever the size of the list,
in one query, and still page through everything below the cap."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from org.models import Employee
from spm.paginator import CappedPaginator
from tests.conftest import Cast
from tests.factories import EmployeeFactory, OrgUnitFactory

pytestmark = pytest.mark.django_db


def grow(cast: Cast, people: int) -> None:
    unit = OrgUnitFactory(parent=cast.engineering, name="Grown")
    EmployeeFactory.create_batch(people, unit=unit, line_manager=cast.manager)


def test_count_stops_past_the_cap_and_says_so(cast: Cast, monkeypatch: Any) -> None:
    monkeypatch.setattr(CappedPaginator, "cap", 5)
    grow(cast, 8)
    rows = Employee.objects.order_by("name")
    paginator = CappedPaginator(rows, 2)
    with CaptureQueriesContext(connection) as queries:
        assert paginator.count == 6
    assert paginator.capped
    assert "LIMIT 6" in queries[0]["sql"]
    assert "ORDER BY" not in queries[0]["sql"]  # the scan may stop at the sixth row
    assert paginator.num_pages == 3


def test_below_the_cap_the_count_is_exact(cast: Cast, monkeypatch: Any) -> None:
    monkeypatch.setattr(CappedPaginator, "cap", 500)
    grow(cast, 3)
    paginator = CappedPaginator(Employee.objects.order_by("name"), 2)
    assert paginator.count == Employee.objects.count()
    assert not paginator.capped
    names = [e.name for n in paginator.page_range for e in paginator.page(n)]
    assert names == list(Employee.objects.order_by("name").values_list("name", flat=True))


@pytest.mark.parametrize("people", [7, 30])
def test_api_count_is_capped_in_one_query_at_any_size(
    cast: Cast, monkeypatch: Any, django_assert_num_queries: Any, people: int
) -> None:
    monkeypatch.setattr(CappedPaginator, "cap", 5)
    OrgUnitFactory.create_batch(people, parent=cast.engineering)
    client = cast.client("executive")
    # The signed-in base (3, see test_org_queries), the capped count, the page. (The big
    # lists — employees, scorecards, items, actuals — page by cursor: test_cursor_pagination.)
    with django_assert_num_queries(3 + 2):
        response = client.get("/api/v1/org-units/?page_size=2")
    assert response.status_code == 200
    assert response.json()["count"] == 6
    assert response.json()["next"]


def test_capped_last_page_is_the_last_full_page_under_the_cap(cast: Cast, monkeypatch: Any) -> None:
    monkeypatch.setattr(CappedPaginator, "cap", 5)
    grow(cast, 8)
    paginator = CappedPaginator(Employee.objects.order_by("name"), 2)
    assert paginator.num_pages == 3
    assert [e.name for e in paginator.page(3)] == list(
        Employee.objects.order_by("name").values_list("name", flat=True)[4:6]
    )


@pytest.mark.parametrize(
    "path",
    ["/org/people/", "/scorecards/", "/scorecards/actuals/approvals/", "/scorecards/letters/"],
)
def test_pages_use_the_capped_pager(cast: Cast, path: str) -> None:
    response = cast.client("hr").get(path)
    assert response.status_code == 200
    assert isinstance(response.context["page"].paginator, CappedPaginator)


def test_directory_says_more_than_when_capped(cast: Cast, monkeypatch: Any) -> None:
    monkeypatch.setattr(CappedPaginator, "cap", 3)
    grow(cast, 120)
    response = cast.client("hr").get("/org/people/")
    assert response.context["page"].paginator.capped
    assert "Page 1 of more than 1" in response.content.decode()
