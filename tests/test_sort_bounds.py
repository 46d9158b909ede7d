"""Issue 14: an order no index reads (an item's name, a month's value, the line manager; the
API's actuals by month) sorts a list only when it has at most the pager's cap of rows. A
longer list keeps its default order and says why (pages), or is refused with what to do
(API, 400): the database would sort every row of a group for each page (11 s to sort HR's
900,000 items by value, 30 s for 9 million actuals by month)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from spm.paginator import CappedPaginator
from tests.conftest import Cast
from tests.test_ux_actuals_sort import PERIOD, _listed, _teams, _values

pytestmark = pytest.mark.django_db
SAID = "Sorting by Actual is offered for lists of at most 2 rows"


@pytest.fixture
def cap_of_two(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(CappedPaginator, "cap", 2)


def test_a_list_under_the_cap_sorts_by_any_column(cast: Cast) -> None:
    _teams(cast, [5, 30, 12])
    assert _values(_listed(cast, sort="-value", q="Team")) == [30, 12, 5]


def test_a_list_over_the_cap_keeps_the_default_order_and_says_why(
    cast: Cast, cap_of_two: None
) -> None:
    _teams(cast, [5, 30, 12])
    default = [row.pk for row in _listed(cast, q="Team")]
    response = cast.client("manager").get(
        reverse("actual-list"), {**PERIOD, "q": "Team", "sort": "-value"}
    )
    assert [row.pk for row in response.context["page"].object_list] == default
    assert response.context["sort"] == "scorecard"
    html = response.content.decode()
    assert SAID in html and "narrow it with the filters" in html
    # The headings and the pager say the order shown, not the one asked for.
    assert 'name="sort"' not in html  # the default order needs no hidden sort field
    value = next(c for c in response.context["columns"] if c["key"] == "value")
    assert value["state"] == "none"
    # Said once: the message is not kept for the next page.
    again = cast.client("manager").get(reverse("actual-list"), {**PERIOD, "q": "Team"})
    assert SAID not in again.content.decode()


def test_the_reason_is_said_in_chinese(cast: Cast, cap_of_two: None) -> None:
    _teams(cast, [5, 30, 12])
    response = cast.client("manager").get(
        reverse("actual-list"),
        {**PERIOD, "q": "Team", "sort": "item"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    html = response.content.decode()
    assert "行" in html and "筛选" in html and "Sorting by" not in html


def test_a_filter_that_narrows_the_list_under_the_cap_lets_it_sort(
    cast: Cast, cap_of_two: None
) -> None:
    _teams(cast, [5, 30, 12])
    assert _values(_listed(cast, sort="-value", q="Team A")) == [5]
    narrowed = _listed(cast, sort="item", q="Team")  # three rows: over the cap
    assert [row.name for row in narrowed] != sorted(row.name for row in narrowed)


def test_a_partial_page_keeps_the_default_order_without_a_message(
    cast: Cast, cap_of_two: None
) -> None:
    _teams(cast, [5, 30, 12])
    client = cast.client("manager")
    response = client.get(
        reverse("actual-list"), {**PERIOD, "q": "Team", "sort": "value"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and response.context["sort"] == "scorecard"
    # Nothing was left for the next full page to show out of place.
    page = client.get(reverse("actual-list"), {**PERIOD, "q": "Team"}).content.decode()
    assert "Sorting by" not in page


def test_the_directory_sorts_by_line_manager_only_under_the_cap(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = cast.client("hr")
    under = client.get(reverse("employee-list"), {"sort": "line_manager"})
    assert under.context["sort"] == "line_manager"
    monkeypatch.setattr(CappedPaginator, "cap", 2)
    over = client.get(reverse("employee-list"), {"sort": "-line_manager"})
    assert over.context["sort"] == "name"
    assert "Sorting by Line manager is offered for lists of at most 2 rows" in (
        over.content.decode()
    )


@pytest.mark.parametrize(
    ("url", "ordering", "field"),
    [
        ("/api/v1/actuals/", "month", "month"),
        ("/api/v1/actuals/", "-entered_at", "entered_at"),
        ("/api/v1/scorecard-items/", "-order", "order"),
    ],
)
def test_the_api_refuses_an_unindexed_ordering_of_a_long_list_with_what_to_do(
    cast: Cast, cap_of_two: None, url: str, ordering: str, field: str
) -> None:
    _teams(cast, [5, 30, 12])
    client = cast.client("hr")
    refused = client.get(url, {"ordering": ordering})
    assert refused.status_code == 400
    said = refused.json()["fields"]["ordering"][0]
    assert f"ordered by {field} only when it has at most 2 rows" in said
    # The default order pages as before, and a filter narrowing the list lets it order.
    assert client.get(url).status_code == 200


def test_the_api_orders_a_filtered_list_under_the_cap(cast: Cast, cap_of_two: None) -> None:
    _teams(cast, [5, 30, 12])
    item = _listed(cast, q="Team A")[0]
    response = cast.client("hr").get("/api/v1/actuals/", {"ordering": "-month", "item": item.pk})
    assert response.status_code == 200, response.content
    assert [row["item"] for row in response.json()["results"]] == [item.pk]


@pytest.mark.parametrize("n", [1, 6])
def test_a_refused_sort_costs_no_more_queries_than_the_default_order(
    cast: Cast, cap_of_two: None, django_assert_max_num_queries: Any, n: int
) -> None:
    _teams(cast, list(range(n)))
    client = cast.client("manager")
    client.get(reverse("actual-list"), {**PERIOD, "q": "Team"})
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as default:
        client.get(reverse("actual-list"), {**PERIOD, "q": "Team"})
    with django_assert_max_num_queries(len(default) + 1):  # + the message's session write
        client.get(reverse("actual-list"), {**PERIOD, "q": "Team", "sort": "value"})
