"""Bulk loading for the synthetic-data generators: PostgreSQL ``COPY``, plain inserts elsewhere.

``copy_rows(table, columns, rows)`` streams rows into a table; on PostgreSQL through
``COPY … FROM STDIN`` (psycopg2 ``copy_expert``), in text format, a chunk at a time; on other
databases with one prepared ``INSERT`` per row (``executemany``; SQLite runs it in C).

``copy_models(objs)`` writes unsaved model instances and sets their primary keys. On
PostgreSQL the ids are taken from the table's sequence first (one ``nextval`` query for the
lot; an instance given an id by ``reserve_ids`` keeps it), then the rows go in by ``COPY``;
elsewhere it is ``bulk_create``. Like ``bulk_create``, it calls no ``save()``, sends no
signals and writes no history rows — it is for generated data only, never for a user's write.

``insert_select(model, values, source, params, now=…)`` writes rows computed by the database
(``INSERT … SELECT``): ``values`` gives the SQL of some columns; every other column gets its
field's default, so a new field with a default needs no change here.

``copy_select(model, values, source, params, now=…)`` is ``insert_select`` with the rows
computed by a second connection and streamed into this transaction by binary ``COPY``
(PostgreSQL): the two backends work at the same time, on two cores, and the storing one does
about two thirds of an ``INSERT … SELECT``'s work. The rows must be computed from ``params``
alone (the other connection cannot see this transaction's rows).

``bulk_load(*models)`` wraps a bulk load on PostgreSQL. Django's foreign keys are
``DEFERRABLE INITIALLY DEFERRED``, so every row copied in queues one trigger per key that runs
at ``COMMIT`` — for a 100,000-person group about 12 million single-row lookups (the
``COMMIT`` alone took minutes) — and every index is updated row by row. Inside the load's
transaction the keys, unique constraints and plain indexes are dropped, then built again
from their own definitions: one sorted build per index and constraint, one join per key.
With ``primary_keys=True`` the primary keys go too, with the keys of other tables that point
at them (checked again at the end: for tables that are big, or empty): keeping it cost a
third of the time of an ``INSERT … SELECT`` of 900,000 actuals (its B-tree grown row by row,
each insert logged). With ``indexes=False`` (the load reads the tables) only the tables' own
foreign keys go. Nothing is weaker: a row that breaks a key fails the load, and a failure
rolls the drop back with everything else.

A load runs with ``synchronous_commit`` off and enough ``maintenance_work_mem`` that the
rebuilds of millions of rows sort in memory (the leader and its parallel workers share it),
with at least two parallel maintenance workers per index build.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import os
import threading
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.db.models import QuerySet

CHUNK = 50_000
PIPE = 1 << 20  # bytes read and written at a time by copy_select
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
    unnumbered = [obj for obj in objs if obj.pk is None]  # ids already taken are kept
    for obj, pk in zip(unnumbered, reserve_ids(model, len(unnumbered)), strict=True):
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


@contextlib.contextmanager
def bulk_load(
    *tables: type[models.Model], indexes: bool = True, primary_keys: bool = False
) -> Iterator[None]:
    """Check the foreign keys of ``tables`` once and (unless ``indexes`` is false: the load
    reads them) build their indexes, and with ``primary_keys`` their primary keys, once, at
    the end of a bulk load (see the module)."""
    if not is_postgres():
        yield
        return
    qn = connection.ops.quote_name
    with transaction.atomic():
        names = [model._meta.db_table for model in tables]
        with connection.cursor() as cursor:
            # A table with checks still queued cannot be altered: run what is queued now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET LOCAL synchronous_commit = off")
            # Constraints in the order they are built again: primary keys, unique
            # constraints, then the foreign keys — the tables' own, and (as their primary
            # keys go) those of any table that point at them.
            pks = indexes and primary_keys
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                "FROM pg_constraint WHERE (conrelid = ANY(%(names)s::regclass[]) "
                "AND (contype = 'f' OR (contype = 'u' AND %(indexes)s) "
                "OR (contype = 'p' AND %(pks)s))) "
                "OR (contype = 'f' AND confrelid = ANY(%(names)s::regclass[]) AND %(pks)s) "
                "ORDER BY array_position(ARRAY['p', 'u', 'f'], contype::text), conrelid, conname",
                {"names": names, "indexes": indexes, "pks": pks},
            )
            keys = cursor.fetchall()
            # Indexes that back no constraint.
            cursor.execute(
                "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
                "WHERE indrelid = ANY(%s::regclass[]) AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint WHERE conindid = indexrelid) "
                "ORDER BY indexrelid",
                [names if indexes else []],
            )
            plain = cursor.fetchall()
            for table, name, _definition in reversed(keys):  # keys before what they point at
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {qn(name)}")
            for index, _definition in plain:
                cursor.execute(f"DROP INDEX {index}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's keys: initially deferred
        yield
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
            # Each index is built by the backend and (at least) two parallel workers.
            cursor.execute(
                "SELECT set_config('max_parallel_maintenance_workers', greatest(2, "
                "current_setting('max_parallel_maintenance_workers')::int)::text, true)"
            )
            for _index, definition in plain:
                cursor.execute(definition)
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table, name, definition in keys:
                cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {qn(name)} {definition}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def analyse(*tables: type[models.Model]) -> None:
    """Refresh the planner's statistics of ``tables`` (PostgreSQL): a load that reads what it
    has just written must not be planned as if the tables were still empty."""
    if is_postgres():
        with connection.cursor() as cursor:
            names = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in tables)
            cursor.execute(f"ANALYZE {names}")


def _select_list(
    model: type[models.Model], values: dict[str, str], *, now: datetime.datetime, cast: bool
) -> tuple[list[str], list[str], dict[str, Any]]:
    """The columns of ``model`` written by an ``INSERT … SELECT`` or a ``COPY``, the SQL of
    each (``values`` or the field's default as a parameter; with ``cast``, cast to the
    column's type) and the parameters of the defaults."""
    qn = connection.ops.quote_name
    conn = connections[DEFAULT_DB_ALIAS]
    table = model._meta.db_table
    columns: list[str] = []
    expressions: list[str] = []
    defaults: dict[str, Any] = {}
    for f in model._meta.concrete_fields:
        column = str(f.column)
        automatic = f.primary_key and isinstance(f, models.AutoField | models.BigAutoField)
        if automatic and column not in values:  # from its sequence unless given (reserve_ids)
            continue
        columns.append(qn(column))
        if column in values:
            expression = values[column]
        else:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                default: Any = now
            else:
                default = f.get_db_prep_save(f.get_default(), conn)
            name = f"_default_{table}_{column}"
            defaults[name] = default
            expression = f"%({name})s"
        expressions.append(f"CAST({expression} AS {f.db_type(conn)})" if cast else expression)
    unknown = set(values) - {f.column for f in model._meta.concrete_fields}
    if unknown:
        raise ValueError(f"{model.__name__} has no column {sorted(unknown)}")
    return columns, expressions, defaults


def insert_select_sql(
    model: type[models.Model], values: dict[str, str], source: str, *, now: datetime.datetime
) -> tuple[str, dict[str, Any]]:
    """The statement of :func:`insert_select` and the parameters of its defaults, to run it
    alone or inside a larger statement (a ``WITH … INSERT … RETURNING``)."""
    columns, expressions, defaults = _select_list(model, values, now=now, cast=False)
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(expressions)} {source}"
    return sql, defaults


def insert_select(
    model: type[models.Model],
    values: dict[str, str],
    source: str,
    params: dict[str, Any],
    *,
    now: datetime.datetime,
) -> int:
    """``INSERT INTO <model> (…) SELECT … <source>``; returns the number of rows (see the module).

    ``values`` maps a column to its SQL expression; ``source`` is the ``FROM …`` part; both use
    named ``%(name)s`` parameters from ``params``. The automatic primary key comes from its
    sequence unless ``values`` gives it; ``auto_now``/``auto_now_add`` dates are ``now``; other
    columns their default."""
    sql, defaults = insert_select_sql(model, values, source, now=now)
    with connection.cursor() as cursor:
        cursor.execute(sql, {**params, **defaults})
        return int(cursor.rowcount)


def insert_query(model: type[models.Model], columns: list[str], rows: QuerySet[Any]) -> None:
    """``INSERT INTO <model> (columns) <rows' SELECT>``: a query's rows (a grouped count, say)
    stored without coming through Python; ``rows`` selects one value per column, in order."""
    sql, params = rows.query.sql_with_params()
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({names}) {sql}", params)


def copy_select(
    model: type[models.Model],
    values: dict[str, str],
    source: str,
    params: dict[str, Any],
    *,
    now: datetime.datetime,
) -> int:
    """:func:`insert_select` with the rows computed by a second connection (PostgreSQL only):
    ``COPY (SELECT … <source>) TO STDOUT`` there, streamed in binary into ``COPY <table> FROM
    STDIN`` on this one, in this transaction; returns the number of rows.

    The two run at the same time, each on its own core: the other computes and encodes rows,
    this one only decodes and stores them, in pages at a time (``COPY``'s multi-row insert),
    which costs this backend about two thirds of an ``INSERT … SELECT``'s time. The other
    connection sees nothing this transaction wrote: ``source`` must compute the rows from
    ``params`` (arrays) alone. If it fails, so does the ``COPY`` (never a short load)."""
    columns, expressions, defaults = _select_list(model, values, now=now, cast=True)
    table = connection.ops.quote_name(model._meta.db_table)
    produce_sql = f"COPY (SELECT {', '.join(expressions)} {source}) TO STDOUT (FORMAT binary)"
    read_end, write_end = os.pipe()
    reader, writer = os.fdopen(read_end, "rb"), os.fdopen(write_end, "wb", buffering=PIPE)
    failed: list[BaseException] = []

    def produce() -> None:
        other = connection.get_new_connection(connection.get_connection_params())
        try:
            with other.cursor() as cursor:
                cursor.copy_expert(cursor.mogrify(produce_sql, {**params, **defaults}), writer)
        except BaseException as exc:  # handed to the reading side, which fails with it
            failed.append(exc)
        finally:
            other.close()
            with contextlib.suppress(OSError):  # the reader may have gone (its COPY failed)
                writer.close()

    class Stream:
        def read(self, size: int = -1) -> bytes:
            data = reader.read(size)
            if not data and failed:
                raise failed[0]
            return data

    producer = threading.Thread(target=produce, name="copy-select")
    producer.start()
    with connection.wrap_database_errors:  # Django's exceptions, from either connection
        try:
            with connection.cursor() as cursor:
                cursor.cursor.copy_expert(
                    f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT binary)",
                    Stream(),
                    size=PIPE,
                )
                count = int(cursor.rowcount)
        finally:
            reader.close()  # a producer still writing fails now instead of blocking
            producer.join()
        if failed:
            raise failed[0]
    return count
