"""Emptying the database after a transactional test: only the tables that hold rows.

A test that commits (``transactional_db``: the browser tests against the live server, the
real Celery worker, the races between connections) is followed by Django's ``flush``, which
truncates every table of every app and then re-creates the content types and permissions
through the ``post_migrate`` signal. On PostgreSQL that is ~1.9 s per test here (a
``TRUNCATE`` of some 200 tables gives each table and index a new file), while such a test
writes to a dozen tables.

:func:`empty_written_tables` asks every table at once whether it holds a row and deletes the
rows of those that do, in one transaction with the foreign keys checked at its end (Django
creates them ``DEFERRABLE INITIALLY DEFERRED`` on PostgreSQL and SQLite). The content types
and permissions, which the flush would only re-create as they were, are kept — unless a
test emptied them, when the ``post_migrate`` signal re-creates them as the flush would. The
database is left as Django's flush leaves it: every other table empty, sequences not reset
(``reset_sequences=False``, which is what pytest-django asks for too).

A module whose transactional tests all start from the same rows (the browser tests' world,
the demo's logins) builds them once and calls :func:`keep_as_baseline`: each table holding
rows is copied aside, and after every test of the module the tables are emptied and those
rows put back, ids and all — the next test starts from exactly the rows the first one did,
without building them again. :func:`drop_baseline` (at the module's end) empties everything.
"""

from __future__ import annotations

from typing import Any

from django.core.management.sql import emit_post_migrate_signal
from django.db import connections, transaction
from django.test import TransactionTestCase

# Rows the flush re-creates after emptying them (``post_migrate``): kept instead.
REBUILT_BY_POST_MIGRATE = ("django_content_type", "auth_permission")
# Where the baseline's copy of a table is kept (a table of its own in the test database).
BASELINE = "zz_baseline_"
_baselines: dict[str, list[str]] = {}  # database alias -> the tables copied aside
# SQLite refuses a compound SELECT of more than 500 parts.
PROBES_PER_QUERY = 200


def tables_with_rows(using: str) -> list[str]:
    connection = connections[using]
    quote = connection.ops.quote_name
    tables = sorted(
        connection.introspection.django_table_names(only_existing=True, include_views=False)
    )
    found: list[str] = []
    with connection.cursor() as cursor:
        for start in range(0, len(tables), PROBES_PER_QUERY):
            chunk = tables[start : start + PROBES_PER_QUERY]
            probe = " UNION ALL ".join(
                f"SELECT %s WHERE EXISTS (SELECT 1 FROM {quote(table)})"  # noqa: S608
                for table in chunk
            )
            cursor.execute(probe, chunk)
            found += [row[0] for row in cursor.fetchall()]
    return found


def empty_written_tables(using: str) -> None:
    """Delete every row of every Django table of ``using`` except the content types and
    permissions (see the module docstring)."""
    connection = connections[using]
    quote = connection.ops.quote_name
    found = tables_with_rows(using)
    written = [t for t in found if t not in REBUILT_BY_POST_MIGRATE]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for table in {*written, *_baselines.get(using, [])}:
            cursor.execute(f"DELETE FROM {quote(table)}")  # noqa: S608 - Django's own table names
        for table in _baselines.get(using, []):
            copy = quote(BASELINE + table)
            cursor.execute(f"INSERT INTO {quote(table)} SELECT * FROM {copy}")  # noqa: S608
    if not set(REBUILT_BY_POST_MIGRATE) <= set(found):
        emit_post_migrate_signal(verbosity=0, interactive=False, db=using)


def keep_as_baseline(using: str = "default") -> None:
    """From now on, a transactional test ends with the rows the tables hold now (see the
    module docstring). Call it with the rows committed, outside any test."""
    assert using not in _baselines, "a baseline is already kept"
    connection = connections[using]
    quote = connection.ops.quote_name
    tables = [t for t in tables_with_rows(using) if t not in REBUILT_BY_POST_MIGRATE]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        for table in tables:
            copy = quote(BASELINE + table)
            cursor.execute(f"CREATE TABLE {copy} AS SELECT * FROM {quote(table)}")  # noqa: S608
    _baselines[using] = tables


def drop_baseline(using: str = "default") -> None:
    """Forget the baseline and empty the tables, as after any transactional test."""
    connection = connections[using]
    tables = _baselines.pop(using, [])
    with transaction.atomic(using=using), connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DROP TABLE {connection.ops.quote_name(BASELINE + table)}")
    empty_written_tables(using)


def _fixture_teardown(self: TransactionTestCase) -> None:
    for using in self._databases_names(include_mirrors=False):  # type: ignore[attr-defined]
        empty_written_tables(using)


def install() -> None:
    """Make every ``TransactionTestCase`` (pytest-django's ``transactional_db`` and
    ``live_server`` included) end with :func:`empty_written_tables` instead of ``flush``.
    The suite uses neither ``available_apps`` nor ``serialized_rollback``, the two cases in
    which Django's teardown does something else; a test class that sets one keeps Django's."""
    original: Any = getattr(TransactionTestCase, "_fixture_teardown")  # noqa: B009 - private

    def teardown(self: TransactionTestCase) -> None:
        if self.available_apps is not None or self.serialized_rollback:
            original(self)
        else:
            _fixture_teardown(self)

    setattr(TransactionTestCase, "_fixture_teardown", teardown)  # noqa: B010 - private
