"""The API's big lists (employees, scorecards, items, actuals) page by keyset cursor: every
row once, in the list's order, in both directions, with no count, in a constant number of
queries whatever the size; an order a keyset cannot follow is refused with a reason."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from org.models import Employee
from scorecard.models import MonthlyActual, ScorecardItem
from spm.cursor import after
from tests.conftest import Cast
from tests.factories import EmployeeFactory, OrgUnitFactory
from tests.factories_scorecard import ItemFactory, ScorecardFactory

pytestmark = pytest.mark.django_db
BASE = 3  # any signed-in API request (tests/test_org_queries.py)


def walk(client: Any, url: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every page forwards from ``url``; returns the rows and the pages' bodies."""
    rows: list[dict[str, Any]] = []
    bodies = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        assert "count" not in body
        rows += body["results"]
        bodies.append(body)
        url = body["next"]
    return rows, bodies


def people(cast: Cast, n: int) -> None:
    unit = OrgUnitFactory(parent=cast.engineering, name="Grown")
    for i in range(n):
        # Twins: the same name, so the order needs the later keys too.
        EmployeeFactory(unit=unit, name=f"Twin {i // 2}", line_manager=cast.manager)


def test_employees_are_walked_once_each_in_name_order_and_back(cast: Cast) -> None:
    people(cast, 9)
    client = cast.client("hr")
    rows, bodies = walk(client, "/api/v1/employees/?page_size=2")
    expected = list(
        Employee.objects.restrict(cast.hr.user)
        .order_by("name", "employee_no", "pk")
        .values_list("pk", flat=True)
    )
    assert [r["id"] for r in rows] == expected
    assert bodies[0]["previous"] is None and bodies[-1]["next"] is None
    # Back from the third page: the second page again.
    second = client.get(bodies[2]["previous"]).json()
    assert second["results"] == bodies[1]["results"]
    assert client.get(second["previous"]).json()["results"] == bodies[0]["results"]


def test_an_ordering_the_client_asks_for_is_followed_across_pages(cast: Cast) -> None:
    people(cast, 7)
    rows, _ = walk(cast.client("hr"), "/api/v1/employees/?page_size=3&ordering=-employee_no")
    numbers = [r["employee_no"] for r in rows]
    assert numbers == sorted(numbers, reverse=True)
    assert len(numbers) == len(set(numbers)) == Employee.objects.restrict(cast.hr.user).count()


def test_scorecards_of_several_years_are_newest_year_first(cast: Cast) -> None:
    for year in (2025, 2026, 2027):
        for person in EmployeeFactory.create_batch(3, unit=cast.engineering):
            ScorecardFactory(unit=cast.engineering, employee=person, year=year)
    rows, _ = walk(cast.client("hr"), "/api/v1/scorecards/?page_size=2")
    keys = [(-r["year"], r["id"]) for r in rows]
    assert keys == sorted(keys) and len(keys) == 9


def test_actuals_are_newest_first(cast: Cast) -> None:
    card = ScorecardFactory(unit=cast.engineering)
    for _ in range(3):
        item = ItemFactory(scorecard=card)
        for month in (1, 2, 3):
            MonthlyActual.objects.create(item=item, month=month, value=Decimal(month))
    rows, _ = walk(cast.client("hr"), "/api/v1/actuals/?page_size=4")
    assert [r["id"] for r in rows] == list(
        MonthlyActual.objects.order_by("-pk").values_list("pk", flat=True)
    )


def test_an_order_on_a_field_that_may_be_empty_is_refused_with_a_reason(cast: Cast) -> None:
    response = cast.client("hr").get("/api/v1/scorecards/", {"ordering": "employee__name"})
    assert response.status_code == 400
    assert "employee__name" in response.json()["fields"]["ordering"][0]


def test_a_forged_cursor_is_not_found(cast: Cast) -> None:
    response = cast.client("hr").get("/api/v1/employees/", {"cursor": "bm90IGpzb24="})
    assert response.status_code == 404


def test_the_next_page_is_one_seek_on_the_first_key() -> None:
    where = after(("-year", "pk"), [2026, 7], backwards=False)
    # The first key bounds the scan; then strictly after (2026, 7) in (-year, pk) order.
    assert str(where) == (
        "(AND: ('year__lte', 2026), (OR: ('year__lt', 2026), (AND: ('pk__gt', 7), ('year', 2026))))"
    )


def grow(cast: Cast, n: int) -> None:
    card = ScorecardFactory(unit=cast.engineering)
    for _ in range(n):
        person = EmployeeFactory(unit=cast.engineering)
        ScorecardFactory(unit=cast.engineering, employee=person)
        item = ItemFactory(scorecard=card)
        MonthlyActual.objects.create(item=item, month=1, value=Decimal(1))


@pytest.mark.parametrize("n", [4, 12])
@pytest.mark.parametrize(
    ("url", "extra"),
    [
        ("/api/v1/employees/", 1),  # the page
        ("/api/v1/scorecards/", 1),  # the page with summaries
        ("/api/v1/scorecard-items/", 2),  # the page with scorecard, monthly plans
        ("/api/v1/actuals/", 1),  # the page with item and scorecard
    ],
)
def test_a_cursor_page_costs_the_same_queries_at_any_size_and_position(
    cast: Cast, django_assert_num_queries: Any, n: int, url: str, extra: int
) -> None:
    grow(cast, n)
    client = cast.client("hr")
    first = client.get(url, {"page_size": 2}).json()
    assert first["next"] and len(first["results"]) == 2
    with django_assert_num_queries(BASE + extra):
        second = client.get(first["next"])
    assert second.status_code == 200 and len(second.json()["results"]) == 2
    assert ScorecardItem.objects.exists()
