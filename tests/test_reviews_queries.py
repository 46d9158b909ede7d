"""The review and appeal lists cost the same number of queries at two sizes."""

from __future__ import annotations

from typing import Any

import pytest

from reviews import selectors
from reviews.models import Appeal, Review
from tests.conftest import Cast
from tests.factories import EmployeeFactory
from tests.factories_assessment import annual_cycle, result_of, worked_example_scorecard


def results(cast: Cast, size: int) -> list[Any]:
    cycle = annual_cycle(cast, open_it=False)
    people = [cast.employee] + [
        EmployeeFactory.create(unit=cast.engineering, line_manager=cast.manager)
        for _ in range(size - 1)
    ]
    cards = [worked_example_scorecard(p).scorecard for p in people]
    from assessment.services.cycles import cycle_open

    cycle = cycle_open(actor=cast.hr.user, cycle=cycle, version=cycle.version)
    return [result_of(cycle, card) for card in cards]


@pytest.mark.parametrize("size", [1, 4])
def test_my_reviews_list_query_count_does_not_grow(
    cast: Cast, size: int, django_assert_num_queries: Any
) -> None:
    rows = results(cast, size)
    Review.objects.bulk_create(
        Review(result=r, reviewer=cast.site_worker, kind="peer") for r in rows
    )
    with django_assert_num_queries(2):  # the scope (roles and employee: one), the list
        listed = [
            (r.result.employee, r.result.cycle.name)
            for r in selectors.my_reviews(cast.site_worker.user)
        ]
    assert len(listed) == size


@pytest.mark.parametrize("size", [1, 4])
def test_appeal_list_query_count_does_not_grow(
    cast: Cast, size: int, django_assert_num_queries: Any
) -> None:
    from spm.clock import clock

    rows = results(cast, size)
    Appeal.objects.bulk_create(
        Appeal(result=r, reason="x", submitted_at=clock().now(), deadline=clock().today())
        for r in rows
    )
    with django_assert_num_queries(1):  # HR's scope is cached on the user
        listed = [
            (a.result.employee, a.result.cycle.name) for a in selectors.appeals_for(cast.hr.user)
        ]
    assert len(listed) == size


NAV = 1  # the inbox's unread count in the navigation (notifications app)


def _rows(cast: Cast, size: int) -> None:
    from spm.clock import clock

    rows = results(cast, size)
    Review.objects.bulk_create(
        Review(result=r, reviewer=cast.site_worker, kind="peer") for r in rows
    )
    Appeal.objects.bulk_create(
        Appeal(result=r, reason="x", submitted_at=clock().now(), deadline=clock().today())
        for r in rows
    )


def _count(client: Any, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm up
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("who", "url", "expected"),
    [
        # session, user, scope; count + rows
        # (+1 on "reviews to give": the person's published results, linked below the list)
        ("site_worker", "/reviews/", 6 + NAV),
        ("hr", "/reviews/appeals/", 5 + NAV),
        ("site_worker", "/api/v1/reviews/", 5),
        ("hr", "/api/v1/appeals/", 5),
        # session, user, scope; the person, the units near them, those colleagues (each by
        # an index: at 100,000 people an OR over the joined unit scanned them all); the count
        # of threads (none here, so no row query)
        ("employee", "/reviews/feedback/", 7 + NAV),
    ],
)
@pytest.mark.parametrize("size", [1, 4])
def test_review_and_appeal_pages_and_endpoints_cost_the_same_at_two_sizes(
    cast: Cast, who: str, url: str, expected: int, size: int
) -> None:
    from django.test import Client

    _rows(cast, size)
    client = Client()
    client.force_login(getattr(cast, who).user)
    assert _count(client, url) == expected
