"""Issue 9, item 9: the actuals list sorts by its columns, keeping filters and the pager."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from scorecard.services.actuals import actual_record
from tests.conftest import Cast
from tests.factories import OrgUnitFactory, make_manager
from tests.factories_tracking import unit_scorecard
from tests.test_scorecard_actuals_access import NAV, PAGE_BASE

pytestmark = pytest.mark.django_db
PERIOD = {"year": 2026, "month": 1}


def _teams(cast: Cast, values: list[int | None]) -> None:
    """One team under Engineering per value, its one item holding that January actual."""
    for i, value in enumerate(values):
        unit = OrgUnitFactory(parent=cast.engineering, name=f"Team {chr(ord('A') + i)}")
        head = make_manager(unit, name=f"Head {i}")
        item = unit_scorecard(unit, milestone=False).items.get()
        item.name = f"Item {chr(ord('Z') - i)}"
        item.save(update_fields=["name"])
        if value is not None:
            actual_record(actor=head.user, item=item, month=1, value=value)


def _listed(cast: Cast, **params: Any) -> list[Any]:
    response = cast.client("manager").get(reverse("actual-list"), {**PERIOD, **params})
    assert response.status_code == 200
    return list(response.context["page"].object_list)


def _values(rows: list[Any]) -> list[Decimal | None]:
    return [row.actual.value if row.actual else None for row in rows]


def test_the_actuals_list_sorts_by_value_both_ways_with_missing_values_last(cast: Cast) -> None:
    _teams(cast, [5, None, 30, 12])
    up = _values(_listed(cast, sort="value", q="Team"))
    assert up == [5, 12, 30, None]
    down = _values(_listed(cast, sort="-value", q="Team"))
    assert down == [30, 12, 5, None]


def test_the_actuals_list_sorts_by_item_and_owner(cast: Cast) -> None:
    _teams(cast, [1, 2, 3])
    names = [row.name for row in _listed(cast, sort="item", q="Team")]
    assert names == sorted(names) and len(names) == 3
    owners = [row.owner for row in _listed(cast, sort="-owner", q="Team")]
    assert owners == sorted(owners, reverse=True)


def test_the_actuals_list_sorts_by_status(cast: Cast) -> None:
    _teams(cast, [1, None])
    statuses = [
        row.actual.status if row.actual else None for row in _listed(cast, sort="status", q="Team")
    ]
    assert statuses[-1] is None and statuses[0] is not None


def test_sort_links_keep_the_filters_and_the_pager_keeps_the_sort(cast: Cast) -> None:
    _teams(cast, [1, 2])
    response = cast.client("manager").get(
        reverse("actual-list"), {**PERIOD, "q": "Team", "sort": "-value", "page": "1"}
    )
    html = response.content.decode()
    assert 'aria-sort="descending"' in html
    # The value heading flips to ascending, keeps year, month and the search, drops the page.
    value = next(c for c in response.context["columns"] if c["key"] == "value")
    assert value["url"] == "?year=2026&month=1&q=Team&sort=value"
    assert '<input type="hidden" name="sort" value="-value">' in html


def test_an_unknown_sort_falls_back_to_the_default_order(cast: Cast) -> None:
    _teams(cast, [1, 2])
    default = [row.pk for row in _listed(cast)]
    for sort in ("scorecard__employee__user__password", "-", "entered_by", "value;drop"):
        assert [row.pk for row in _listed(cast, sort=sort)] == default


@pytest.mark.parametrize("n", [1, 8])
@pytest.mark.parametrize("sort", ["", "-value", "-scorecard"])
@pytest.mark.parametrize("role", ["manager", "hr"])
def test_a_sorted_actuals_list_runs_a_fixed_number_of_queries(
    cast: Cast, django_assert_num_queries: Any, n: int, sort: str, role: str
) -> None:
    _teams(cast, list(range(n)))
    client = cast.client(role)
    # Sorted or not: closed period, count, page of items, the month's actuals, the lights,
    # the saved filters.
    with django_assert_num_queries(PAGE_BASE + 6 + NAV):
        response = client.get(reverse("actual-list"), {**PERIOD, "sort": sort})
    assert len(response.context["page"].object_list) == n
