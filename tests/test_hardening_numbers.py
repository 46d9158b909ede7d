"""Issue 8, finding 2: one decimal check for every entry path; nothing the column cannot
hold is stored (no inf, no overflow, no silent rounding)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from scorecard.models import ItemKind, MonthlyActual, ScorecardItem, ScorecardStatus
from scorecard.services.actuals import actual_record, fits_column
from scorecard.services.actuals_import import actuals_import
from tests.conftest import Cast
from tests.factories_tracking import unit_scorecard
from tests.test_scorecard_import import csv_file, xlsx_file

TOO_BIG = ["1e15", "1e400", "100000000000000", "2e16", "-1e15"]
TOO_FINE = ["0.00001", "1.23456"]
HELD = ["99999999999999.9999", "-99999999999999.9999", "12345678901234.5678", "0", "1e3"]


@pytest.mark.parametrize("text", TOO_BIG + TOO_FINE)
def test_a_number_the_column_cannot_hold_is_refused(text: str) -> None:
    with pytest.raises(ValidationError):
        fits_column(Decimal(text), MonthlyActual, "value")


@pytest.mark.parametrize("text", HELD)
def test_a_number_the_column_holds_passes_unchanged(text: str) -> None:
    assert fits_column(Decimal(text), MonthlyActual, "value") == Decimal(text)


@given(st.decimals(allow_nan=False, allow_infinity=False))
def test_whatever_passes_fits_decimal_18_4(number: Decimal) -> None:
    try:
        fits_column(number, MonthlyActual, "value")
    except ValidationError:
        return
    assert abs(number) < Decimal(10) ** 14
    assert number == number.quantize(Decimal("0.0001"))


@pytest.fixture
def item(cast: Cast) -> ScorecardItem:
    scorecard = unit_scorecard(cast.engineering, status=ScorecardStatus.SIGNED)
    found = scorecard.items.filter(kind=ItemKind.QUANTITATIVE).first()
    assert found is not None
    return found


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["1e15", "1e400", "inf", "NaN"])
def test_the_service_behind_page_and_api_refuses_it(
    cast: Cast, item: ScorecardItem, text: str
) -> None:
    with pytest.raises(ValidationError):
        actual_record(actor=cast.manager.user, item=item, month=1, value=text, expected_version=0)
    assert not MonthlyActual.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["1e15", "1e400", 2e16, "inf"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_import_refuses_it_and_writes_nothing(
    cast: Cast, item: ScorecardItem, value: object, fmt: str
) -> None:
    rows = [[item.pk, item.scorecard.year, 1, value, ""]]
    upload = csv_file(rows) if fmt == "csv" else xlsx_file(rows)
    report = actuals_import(actor=cast.manager.user, upload=upload, name=f"a.{fmt}")
    assert not report.ok
    assert not MonthlyActual.objects.exists()
