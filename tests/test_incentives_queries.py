"""The payout list and its exports answer in a constant number of queries."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessment.models import AssessmentResult
from incentives import totals
from incentives.models import Payout
from tests.conftest import Cast
from tests.factories import EmployeeFactory
from tests.factories_scorecard import ScorecardFactory
from tests.test_incentives_access import computed


def add_payouts(cast: Cast, model: Payout, n: int) -> None:
    """``n`` more payouts in the same cycle and unit (rows written directly)."""
    for _ in range(n):
        person = EmployeeFactory.create(unit=model.unit)
        card = ScorecardFactory.create(unit=model.unit, employee=person)
        (result,) = AssessmentResult.objects.bulk_create(
            [AssessmentResult(cycle=model.cycle, scorecard=card, unit=model.unit, employee=person)]
        )
        Payout.objects.bulk_create(
            [
                Payout(
                    cycle=model.cycle,
                    result=result,
                    employee=person,
                    unit=model.unit,
                    scheme=model.scheme,
                    grade="good",
                    base=Decimal(1000),
                    coefficient=Decimal("1.2"),
                    amount=Decimal(1200),
                    explanation={"formula": "1000 x 1.2 = 1200.00"},
                )
            ]
        )
    totals.refresh(model.cycle_id, [model.unit_id])  # as compute._write does


@pytest.mark.parametrize("path", ["", "export-csv/", "export-xlsx/"])
def test_payout_list_query_count_does_not_grow(
    cast: Cast, django_assert_num_queries: Any, path: str
) -> None:
    _cycle, payout = computed(cast, publish=False)
    client = cast.client("hr")
    url = f"/api/v1/payouts/{path}"
    client.get(url)  # warm the session and scope caches
    add_payouts(cast, payout, 1)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    add_payouts(cast, payout, 6)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_payouts_page_by_keyset_every_row_once_in_cycle_unit_order(cast: Cast) -> None:
    _cycle, payout = computed(cast, publish=False)
    add_payouts(cast, payout, 5)
    client = cast.client("hr")
    url: str | None = "/api/v1/payouts/?page_size=2"
    seen: list[int] = []
    while url:
        body = client.get(url).json()
        assert "count" not in body
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    expected = list(
        Payout.objects.restrict(cast.hr.user)
        .order_by("cycle_id", "unit_id", "pk")
        .values_list("pk", flat=True)
    )
    assert seen == expected and len(seen) > 2
