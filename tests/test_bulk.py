"""``spm.bulk``: rows written by COPY (PostgreSQL) or prepared inserts (elsewhere) read back
exactly, awkward text included, and ``copy_models`` gives each instance its primary key;
``insert_select`` fills the columns it is not given with their defaults; keys checked once at
the end of a load still refuse a row that breaks them, and are all back afterwards."""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from org.models import OrgUnit
from scorecard.models import ActualStatus, MonthlyActual, ScorecardItem
from spm.bulk import bulk_load, copy_models, copy_rows, copy_select, insert_select
from tests.factories_scorecard import ItemFactory

pytestmark = pytest.mark.django_db

ENTERED = datetime.datetime(2026, 1, 31, tzinfo=datetime.UTC)
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


def test_insert_select_writes_given_columns_and_defaults_the_rest() -> None:
    item: ScorecardItem = ItemFactory.create()
    entered = datetime.datetime(2026, 4, 30, 8, 0, tzinfo=datetime.UTC)
    n = insert_select(
        MonthlyActual,
        {"item_id": "%(item)s", "month": "%(month)s", "value": "%(value)s"},
        "",
        {"item": item.pk, "month": 4, "value": Decimal("12.5")},
        now=entered,
    )
    assert n == 1
    row = MonthlyActual.objects.get(item=item, month=4)
    assert row.value == Decimal("12.5")
    assert row.status == MonthlyActual._meta.get_field("status").get_default()
    assert (row.note, row.version, row.entered_at) == ("", 1, entered)


def test_insert_select_refuses_a_column_the_table_does_not_have() -> None:
    with pytest.raises(ValueError, match="no column"):
        insert_select(
            MonthlyActual, {"nonsense": "1"}, "", {}, now=datetime.datetime.now(tz=datetime.UTC)
        )


@pytest.mark.services
def test_copy_select_stores_rows_computed_on_another_connection_with_defaults() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's COPY")
    item: ScorecardItem = ItemFactory.create()  # not visible to the other connection
    entered = datetime.datetime(2026, 5, 31, 8, 0, tzinfo=datetime.UTC)
    n = copy_select(
        MonthlyActual,
        {"item_id": "%(item)s", "month": "m", "value": "m * %(step)s"},
        "FROM generate_series(1, 12) AS m",
        {"item": item.pk, "step": Decimal("1.25")},
        now=entered,
    )
    assert n == 12
    rows = {a.month: a for a in MonthlyActual.objects.filter(item=item)}
    assert sorted(rows) == list(range(1, 13))
    assert rows[12].value == Decimal("15")
    assert rows[3].status == MonthlyActual._meta.get_field("status").get_default()
    assert (rows[3].note, rows[3].version, rows[3].entered_at) == ("", 1, entered)


@pytest.mark.services
def test_copy_select_fails_whole_when_the_other_connection_fails_midway() -> None:
    """A producer that breaks after some rows must not leave a short load behind."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's COPY")
    item: ScorecardItem = ItemFactory.create()
    with pytest.raises(DatabaseError, match="division by zero"), transaction.atomic():
        copy_select(
            MonthlyActual,
            {"item_id": "%(item)s", "month": "m", "value": "1 / (13 - m)"},
            "FROM generate_series(1, 13) AS m",  # twelve rows, then an error
            {"item": item.pk},
            now=datetime.datetime(2026, 5, 31, tzinfo=datetime.UTC),
        )
    assert not MonthlyActual.objects.filter(item=item).exists()


@pytest.mark.services
def test_copy_select_stops_the_other_connection_when_storing_fails() -> None:
    """The storing side refuses the first row while the other still has megabytes to send:
    the other connection must stop (not wait forever on a pipe nobody reads)."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's COPY")
    before = set(threading.enumerate())  # a test process may run threads of its own
    with pytest.raises(IntegrityError), transaction.atomic():
        copy_select(
            MonthlyActual,
            {"item_id": "NULL", "month": "m %% 12 + 1", "value": "m"},
            "FROM generate_series(1, 500000) AS m",
            {},
            now=datetime.datetime(2026, 5, 31, tzinfo=datetime.UTC),
        )
    assert set(threading.enumerate()) <= before  # the computing side's thread is gone


def _foreign_keys(table: str) -> list[str]:
    """The table's foreign keys and indexes, by definition."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid = %s::regclass ORDER BY conname",
            [table],
        )
        keys = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s ORDER BY 1", [table])
        return keys + [row[0] for row in cursor.fetchall()]


@pytest.mark.services
def test_a_bulk_load_refuses_a_broken_row_and_leaves_keys_and_indexes_as_they_were() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's foreign keys")
    table = MonthlyActual._meta.db_table
    before = _foreign_keys(table)
    assert before
    row = (
        10**12,
        1,
        Decimal(1),
        "",
        "",
        ActualStatus.APPROVED,
        datetime.datetime(2026, 1, 31, tzinfo=datetime.UTC),
        1,
    )
    columns = ("item_id", "month", "value", "note", "evidence", "status", "entered_at", "version")
    with (
        pytest.raises(IntegrityError),
        transaction.atomic(),
        bulk_load(MonthlyActual),
    ):
        assert not any("FOREIGN KEY" in k for k in _foreign_keys(table))
        copy_rows(table, columns, [row])
    assert _foreign_keys(table) == before
    with bulk_load(MonthlyActual):
        pass
    assert _foreign_keys(table) == before


def _keys_of(table: str) -> list[str]:
    """Every constraint on ``table`` and every key of another table pointing at it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE conrelid = %s::regclass OR confrelid = %s::regclass "
            "ORDER BY 1",
            [table, table],
        )
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.services
def test_a_load_without_primary_keys_refuses_a_duplicate_id_and_restores_every_key() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's primary keys")
    item: ScorecardItem = ItemFactory.create()
    table = ScorecardItem._meta.db_table
    before = _keys_of(table)
    assert any("PRIMARY KEY" in k for k in before)
    assert any(k.startswith(MonthlyActual._meta.db_table) for k in before)  # points at items
    with (
        pytest.raises(IntegrityError),
        transaction.atomic(),
        bulk_load(ScorecardItem, primary_keys=True),
    ):
        assert _keys_of(table) == [k for k in before if "CHECK" in k]
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {table} SELECT * FROM {table} WHERE id = %s", [item.pk])  # noqa: S608
    assert _keys_of(table) == before
    with bulk_load(ScorecardItem, primary_keys=True):
        pass
    assert _keys_of(table) == before
    assert ScorecardItem.objects.filter(pk=item.pk).count() == 1
