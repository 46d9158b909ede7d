"""Per-unit locks for rows kept per org unit (tallies, headcounts)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection


def lock_units(table: str, unit_ids: Iterable[int]) -> None:
    """Hold a lock per unit of ``table``'s rows until the transaction ends, so that two
    writers of one unit's kept rows run one after the other and each reads what the other
    committed. PostgreSQL advisory locks keyed by (the table, the unit), taken in ascending
    unit order so that writers of overlapping units never deadlock; other databases (SQLite)
    let one writer in at a time anyway."""
    if connection.vendor != "postgresql":
        return
    units = sorted(set(unit_ids))
    if not units:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s::regclass::oid::int, u) "
            "FROM (SELECT u FROM unnest(%s::int[]) AS u ORDER BY u) AS ordered",
            [table, units],
        )
