"""The payout summary's by-unit rows, written in one pass, are what DRF's field by field
walk of ``UnitRowSerializer`` writes."""

from __future__ import annotations

from decimal import Decimal

from rest_framework import serializers

from incentives.serializers import ReportSerializer, UnitRowSerializer

ROWS = [
    {"unit_id": 7, "unit__name": "R&D <east>", "n": 3, "paid": Decimal("1.5"),
     "budget": Decimal("120000"), "pooled": 0, "unit__path": "/1/7/"},
    {"unit_id": 8, "unit__name": "Plant", "n": 1, "paid": Decimal("0.005"),
     "budget": None, "pooled": 1, "unit__path": "/1/8/"},
    {"unit_id": 9, "unit__name": "Site", "n": 2, "paid": Decimal("-12.345"),
     "budget": Decimal("0"), "pooled": 2, "unit__path": "/1/9/"},
]  # fmt: skip


def test_the_one_pass_rows_equal_the_field_walk() -> None:
    fast = UnitRowSerializer(ROWS, many=True).data
    walked = serializers.ListSerializer(child=UnitRowSerializer(), instance=ROWS).data
    assert [dict(r) for r in walked] == list(fast)
    assert fast[0]["paid"] == "1.50" and fast[1]["budget"] is None


def test_the_paged_rows_use_them() -> None:
    assert type(UnitRowSerializer(many=True)).__name__ == "UnitRowsSerializer"
    assert "by_unit" not in ReportSerializer().fields
