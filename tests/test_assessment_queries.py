"""The cycle dashboard, team results and the result page cost the same number of queries
whatever the cycle's size (no N+1), asserted at two sizes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessment.models import AssessmentCycle, AssessmentResult
from assessment.services import decisions, inputs
from tests.conftest import Cast
from tests.factories import EmployeeFactory
from tests.factories_assessment import (
    annual_cycle,
    compute_now,
    result_of,
    worked_example_scorecard,
)
from tests.factories_scorecard import KeyTaskFactory

pytestmark = pytest.mark.django_db
SIZES = [1, 6]
NAV = 1  # the inbox's unread count in the navigation (notifications app)


def build(cast: Cast, n: int) -> tuple[AssessmentCycle, AssessmentResult]:
    """§3.8 on the employee with ``n`` more key tasks graded and ``n`` adjustments, and
    ``n`` more people in Engineering with the same scorecard; computed."""
    example = worked_example_scorecard(cast.employee)
    for _ in range(n):
        example.key_tasks.append(KeyTaskFactory(scorecard=example.scorecard))
        person = EmployeeFactory(unit=cast.engineering, line_manager=cast.manager)
        worked_example_scorecard(person)
    cycle = annual_cycle(cast)
    result = result_of(cycle, example.scorecard)
    for task in example.key_tasks:
        inputs.key_task_grade(actor=cast.manager.user, result=result, item=task, grade="good")
    for i in range(n):
        decisions.adjustment_propose(
            actor=cast.manager.user, result=result, kind="bonus", points=Decimal(1), reason=f"r{i}"
        )
    compute_now(cycle)
    return cycle, result


def count(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("role", "page", "expected"),
    [
        # session, user, scope; cycle; root units; the kept tallies and the user's own
        # results; the window of units the gaps are looked for in and their number;
        # the people without a scorecard and the items without actuals in it; results page
        # (rows: the tallies count them); menu and step buttons
        ("hr", "assessment-cycle", 12 + NAV),
        ("manager", "assessment-team", 6 + NAV),
        ("hr", "assessment-team", 6 + NAV),
        # session, user, scope; cycle; children; the kept tallies by child (the
        # totals too) and the user's own results; the menu
        ("executive", "assessment-distribution", 7 + NAV),
    ],
)
@pytest.mark.parametrize("size", SIZES)
def test_cycle_pages_query_count_does_not_grow(
    cast: Cast,
    django_assert_num_queries: Any,
    role: str,
    page: str,
    expected: int,
    size: int,
) -> None:
    cycle, _result = build(cast, size)
    client = cast.client(role)
    client.get(reverse(page, args=[cycle.pk]))  # warm up
    with django_assert_num_queries(expected):
        assert client.get(reverse(page, args=[cycle.pk])).status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_result_page_query_count_does_not_grow(
    cast: Cast, django_assert_num_queries: Any, size: int
) -> None:
    _cycle, result = build(cast, size)
    client = cast.client("manager")
    url = reverse("assessment-result", args=[result.pk])
    client.get(url)
    # session and scope; result; subject check; items; grades; adjustments, vetoes,
    # exemptions; milestones and their confirmations; review right; rating; menu
    with django_assert_num_queries(13 + NAV):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_results_api_pages_by_keyset_in_constant_queries(
    cast: Cast, django_assert_num_queries: Any, size: int
) -> None:
    build(cast, size)
    client = cast.client("hr")
    url = "/api/v1/assessment-results/?page_size=1"
    client.get(url)  # warm up
    expected = count(client, "/api/v1/assessment-results/?page_size=1")
    seen: list[int] = []
    next_url: str | None = url
    while next_url:
        with django_assert_num_queries(expected):
            body = client.get(next_url).json()
        assert "count" not in body
        seen += [row["id"] for row in body["results"]]
        next_url = body["next"]
    rows = AssessmentResult.objects.restrict(cast.hr.user).order_by("cycle_id", "unit_id", "pk")
    assert seen == list(rows.values_list("pk", flat=True))
    assert len(seen) >= 2  # more than one page


@pytest.mark.parametrize("size", SIZES)
def test_a_finalised_cycles_dashboard_looks_for_no_gaps(
    cast: Cast, django_assert_num_queries: Any, size: int
) -> None:
    cycle, _result = build(cast, size)
    client = cast.client("hr")
    url = reverse("assessment-cycle", args=[cycle.pk])
    assert 'id="missing"' in client.get(url).content.decode()  # open: the gaps are shown
    AssessmentCycle.objects.filter(pk=cycle.pk).update(status="finalised")
    client.get(url)  # warm up
    # as the open cycle's (above) without the root units, the window of units and their
    # number, and the two gaps
    with django_assert_num_queries(12 + NAV - 5):
        response = client.get(url)
    assert 'id="missing"' not in response.content.decode()
