"""``spm.bulk``: rows written by COPY (PostgreSQL) or prepared inserts (elsewhere) read back
exactly, awkward text included, and ``copy_models`` gives each instance its primary key."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from org.models import OrgUnit
from scorecard.models import ActualStatus, MonthlyActual, ScorecardItem
from spm.bulk import copy_models, copy_rows
from tests.factories_scorecard import ItemFactory

pytestmark = pytest.mark.django_db

AWKWARD = "tab\there, new\nline, back\\slash, \\N, carriage\rreturn, 中文"


def test_copy_models_sets_primary_keys_and_writes_every_field() -> None:
    units = copy_models(
        [OrgUnit(code=f"BULK-{i}", name=AWKWARD if i == 1 else f"Unit {i}") for i in range(3)]
    )
    assert all(u.pk for u in units)
    assert len({u.pk for u in units}) == 3
    stored = {u.pk: u for u in OrgUnit.objects.filter(code__startswith="BULK-")}
    assert stored[units[1].pk].name == AWKWARD
    assert stored[units[0].pk].code == "BULK-0"
    assert stored[units[0].pk].parent_id is None
    # The sequence moved on: an ordinary save after the bulk load does not collide.
    later = OrgUnit.objects.create(code="BULK-LATER", name="Later")
    assert later.pk not in stored


def test_copy_rows_reads_back_decimals_dates_and_text() -> None:
    item: ScorecardItem = ItemFactory.create()
    entered = datetime.datetime(2026, 3, 31, 12, 30, tzinfo=datetime.UTC)
    n = copy_rows(
        MonthlyActual._meta.db_table,
        ("item_id", "month", "value", "note", "evidence", "status", "entered_at", "version"),
        [
            (item.pk, 1, Decimal("12.34"), AWKWARD, "", ActualStatus.APPROVED, entered, 1),
            (item.pk, 2, Decimal("-0.5"), "", "", "approved", entered, 1),
        ],
    )
    assert n == 2
    rows = {a.month: a for a in MonthlyActual.objects.filter(item=item)}
    assert rows[1].value == Decimal("12.34")
    assert rows[1].note == AWKWARD
    assert rows[1].entered_at == entered
    assert rows[1].status == ActualStatus.APPROVED
    assert rows[2].value == Decimal("-0.5")
    assert rows[2].note == ""  # an empty string, not NULL
