"""Full tier (PostgreSQL): the actuals list's sorts by the month's value and status read
each item's actual through the unique (item, month) index, never by scanning actuals."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from scorecard.selectors.actuals import actual_entry_rows
from scorecard.services.actuals import actual_record
from tests.access import build_cast
from tests.conftest import need
from tests.factories_tracking import unit_scorecard

pytestmark = pytest.mark.services


@pytest.mark.parametrize("sort", ["value", "-value", "status", "-status"])
def test_sorting_by_the_months_value_or_status_uses_the_item_month_index(
    transactional_db: Any, sort: str
) -> None:
    need(connection.vendor == "postgresql", "PostgreSQL for EXPLAIN")
    cast = build_cast()
    item = unit_scorecard(cast.engineering, milestone=False).items.get()
    actual_record(actor=cast.manager.user, item=item, month=1, value=5)
    rows = actual_entry_rows(cast.hr.user, year=item.scorecard.year, month=1, sort=sort)
    with connection.cursor() as cursor:
        # A few rows would be scanned whole; ask for the plan at scale.
        cursor.execute("SET enable_seqscan = off")
        try:
            plan = rows[:50].explain()
        finally:
            cursor.execute("SET enable_seqscan = on")
    # The month's actual of each row: one index lookup on (item, month), nothing joined
    # or sorted for it (the model's default ordering would join scorecard, unit, employee).
    assert "Seq Scan on scorecard_monthlyactual" not in plan, plan
    assert "one_actual_per_item_month" in plan or "monthlyactual_item_id" in plan, plan
    assert "scorecard_scorecard_1" not in plan, plan
