"""Bulk loading for the synthetic-data generators: PostgreSQL ``COPY``, plain inserts elsewhere.

``copy_rows(table, columns, rows)`` streams rows into a table; on PostgreSQL through
``COPY … FROM STDIN`` (psycopg2 ``copy_expert``), in text format, a chunk at a time; on other
databases with one prepared ``INSERT`` per row (``executemany``; SQLite runs it in C).

``copy_models(objs)`` writes unsaved model instances and sets their primary keys. On
PostgreSQL the ids are taken from the table's sequence first (one ``nextval`` query for the
lot), then the rows go in by ``COPY``; elsewhere it is ``bulk_create``. Like
``bulk_create``, it calls no ``save()``, sends no signals and writes no history rows — it is for
generated data only, never for a user's write.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connection, connections, models

CHUNK = 50_000
M = TypeVar("M", bound=models.Model)
PLAIN = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "DateField",
    "DateTimeField",
    "DecimalField",
    "EmailField",
    "ForeignKey",
    "IntegerField",
    "OneToOneField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallIntegerField",
    "TextField",
}


def _escape(value: str) -> str:
    return (
        value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    )


def _bool(value: bool) -> str:
    return "t" if value else "f"


def _iso(value: datetime.date) -> str:
    return value.isoformat()


# One converter per Python type to PostgreSQL's COPY text format (bool before int: exact type).
_CONVERT: dict[type, Any] = {
    bool: _bool,
    str: _escape,
    int: str,
    Decimal: str,
    float: repr,
    datetime.date: _iso,
    datetime.datetime: _iso,
}


def _text(value: Any) -> str:
    """One field in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    convert = _CONVERT.get(type(value))
    if convert is None:  # a subclass: text choices, lazy text, an aware datetime subclass
        convert = next((c for kind, c in _CONVERT.items() if isinstance(value, kind)), None)
    if convert is None:
        raise TypeError(f"copy_rows cannot write a {type(value).__name__}")
    return str(convert(value))


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write ``rows`` (tuples in ``columns`` order) into ``table``; returns how many."""
    count = 0
    qn = connection.ops.quote_name
    names = ", ".join(qn(c) for c in columns)
    if not is_postgres():
        sql = f"INSERT INTO {qn(table)} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608 - model names
        batch: list[Sequence[Any]] = []
        with connection.cursor() as cursor:
            for row in rows:
                batch.append(row)
                if len(batch) >= CHUNK:
                    cursor.executemany(sql, batch)
                    count += len(batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
                count += len(batch)
        return count
    sql = f"COPY {qn(table)} ({names}) FROM STDIN"
    buffer = io.StringIO()
    pending = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg2 cursor under Django's wrapper
        for row in rows:
            buffer.write("\t".join(_text(v) for v in row))
            buffer.write("\n")
            pending += 1
            if pending >= CHUNK:
                buffer.seek(0)
                raw.copy_expert(sql, buffer)
                count += pending
                buffer, pending = io.StringIO(), 0
        if pending:
            buffer.seek(0)
            raw.copy_expert(sql, buffer)
            count += pending
    return count


def reserve_ids(model: type[models.Model], n: int) -> list[int]:
    """``n`` fresh primary keys from the table's sequence (PostgreSQL only)."""
    if n == 0:
        return []
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, pk, n],
        )
        return [row[0] for row in cursor.fetchall()]


def copy_models(objs: list[M]) -> list[M]:
    """Insert unsaved instances of one model and set their primary keys (see the module)."""
    if not objs:
        return objs
    model = type(objs[0])
    if not is_postgres():
        return model._default_manager.bulk_create(objs, batch_size=5000)
    meta = model._meta
    for obj, pk in zip(objs, reserve_ids(model, len(objs)), strict=True):
        obj.pk = pk
    fields = list(meta.concrete_fields)
    conn = connections[DEFAULT_DB_ALIAS]
    # Plain columns are written as the attribute holds them; the rest (files, JSON, auto_now
    # dates, …) through the field's own pre_save and get_db_prep_save, like bulk_create.
    plain = [
        f.get_internal_type() in PLAIN
        and not getattr(f, "auto_now", False)
        and not getattr(f, "auto_now_add", False)
        for f in fields
    ]
    columns = list(zip(fields, plain, strict=True))

    def rows() -> Iterable[list[Any]]:
        for obj in objs:
            yield [
                getattr(obj, f.attname)
                if is_plain
                else f.get_db_prep_save(f.pre_save(obj, True), conn)
                for f, is_plain in columns
            ]

    copy_rows(meta.db_table, [f.column or f.attname for f in fields], rows())
    return objs
