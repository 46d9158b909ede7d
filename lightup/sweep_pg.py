"""The sweep's reads and writes on PostgreSQL: one statement in, one COPY and one upsert out.

:mod:`lightup.sweep` reads a chunk through the ORM (five queries: items, actuals summed,
latest values, plans, last month's streaks) and writes it with an upsert. On PostgreSQL
that cost more than the classification itself (profiled at 5,000 employees: reading and
converting rows through the ORM ~30 %, the upsert of twelve parameter arrays ~45 %), so
here:

- :func:`chunk_inputs` returns, in ONE statement, every item of the chunk with the fields
  the rules and the notifications need, the summary of its actuals (count, sums, latest
  month and value), its monthly plan to date and last month's red streak;
- :func:`copy_upsert` streams the chunk's lights into a temporary table with ``COPY`` and
  moves them into ``lightup_lightstatus`` with one ``INSERT … ON CONFLICT DO UPDATE``.

The rules stay in Python (:mod:`lightup.rules`): the database only sums. Both paths give
the same rows (``tests/test_lightup_services_tier.py`` compares them on PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import connection

from lightup import rules
from lightup.models import THRESHOLD_FIELDS, LightStatus
from lightup.sweep_sql import TABLES, chunk_params, due
from spm.bulk import copy_rows

STAGE = "lightup_stage"

# What the rules and the notifications read of an item (both paths give these keys).
ITEM_FIELDS = (
    "pk",
    "name",
    "kind",
    "polarity",
    "aggregation",
    "target",
    "range_low",
    "range_high",
    "scorecard__unit_id",
    "scorecard__unit__name",
    "scorecard__employee__name",
    "scorecard__employee__user_id",
    "scorecard__unit__head__user_id",
    "scorecard__unit__parent__head__user_id",
    "light_override__scheme_id",
    *(f"light_override__{name}" for name in THRESHOLD_FIELDS),
)
# The item's fields, then its sums, in the order of the statement's columns.
INPUT_FIELDS = (
    *ITEM_FIELDS,
    "n",
    "total",
    "last_month",
    "last_value",
    "sum_x",
    "sum_xx",
    "sum_xy",
    "plan_total",
    "plan_latest",
    "previous_streak",
)


def _sql(targeted: bool = False) -> str:
    t = TABLES
    only = f" AND {due()}" if targeted else ""
    overrides = ", ".join(f"o.{name}" for name in THRESHOLD_FIELDS)
    return f"""
WITH it AS (
    SELECT i.id, i.name, i.kind, i.polarity, i.aggregation, i.target, i.range_low,
           i.range_high, s.unit_id, s.employee_id
    FROM {t["item"]} i JOIN {t["card"]} s ON s.id = i.scorecard_id
    WHERE s.year = %(year)s AND s.unit_id = ANY(%(units)s) AND i.kind = ANY(%(kinds)s){only}
)
SELECT it.id, it.name, it.kind, it.polarity, it.aggregation, it.target, it.range_low,
       it.range_high, it.unit_id, u.name, e.name, e.user_id, h.user_id, ph.user_id,
       o.scheme_id, {overrides},
       act.n, act.total, act.last_month, act.last_value, act.sx, act.sxx, act.sxy,
       pl.total, pl.latest, prev.red_streak
FROM it
JOIN {t["unit"]} u ON u.id = it.unit_id
LEFT JOIN {t["person"]} e ON e.id = it.employee_id
LEFT JOIN {t["person"]} h ON h.id = u.head_id
LEFT JOIN {t["unit"]} pu ON pu.id = u.parent_id
LEFT JOIN {t["person"]} ph ON ph.id = pu.head_id
LEFT JOIN {t["override"]} o ON o.item_id = it.id
LEFT JOIN LATERAL (
    SELECT COUNT(*) AS n, SUM(a.value) AS total, MAX(a.month) AS last_month,
           (ARRAY_AGG(a.value ORDER BY a.month DESC))[1] AS last_value,
           SUM(a.month) AS sx, SUM(a.month * a.month) AS sxx, SUM(a.month * a.value) AS sxy
    FROM {t["actual"]} a
    WHERE a.item_id = it.id AND a.month <= %(month)s AND a.status <> %(rejected)s
) act ON act.n > 0
LEFT JOIN LATERAL (
    SELECT SUM(p.value) AS total, (ARRAY_AGG(p.value ORDER BY p.month DESC))[1] AS latest
    FROM {t["plan"]} p WHERE p.item_id = it.id AND p.month <= %(month)s
) pl ON true
LEFT JOIN {t["light"]} prev ON prev.item_id = it.id AND prev.year = %(year)s
     AND prev.month = %(previous)s AND prev.red_streak > 0
ORDER BY it.id
"""  # noqa: S608 - table names from the models


def chunk_inputs(
    unit_ids: Sequence[int], *, year: int, month: int, item_ids: Sequence[int] | None = None
) -> list[dict[str, Any]]:
    """Every light-able item of the chunk's units with its sums (see the module); of a
    re-sweep of ``item_ids``, those due (:func:`lightup.sweep_sql.due`)."""
    params = chunk_params(unit_ids, year=year, month=month, item_ids=item_ids)
    with connection.cursor() as cursor:
        cursor.execute(_sql(item_ids is not None), params)
        return [dict(zip(INPUT_FIELDS, row, strict=True)) for row in cursor.fetchall()]


def series_of_row(row: dict[str, Any]) -> rules.Series:
    if not row["n"]:
        return rules.Series()
    return rules.Series(
        count=row["n"],
        total=row["total"],
        last_month=row["last_month"],
        last_value=row["last_value"],
        sum_x=Decimal(row["sum_x"]),
        sum_xx=Decimal(row["sum_xx"]),
        sum_xy=row["sum_xy"],
    )


def plan_of_row(row: dict[str, Any]) -> rules.PlanToDate:
    return rules.PlanToDate(total=row["plan_total"], latest=row["plan_latest"])


def copy_upsert(columns: Sequence[str], update: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    """Insert or overwrite ``rows`` in the light table by way of a COPY into a temporary
    table (dropped at commit: call inside the chunk's transaction)."""
    table = LightStatus._meta.db_table
    names = ", ".join(columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {STAGE} "
            f"(LIKE {table} INCLUDING DEFAULTS) ON COMMIT DROP"
        )
        cursor.execute(f"ALTER TABLE {STAGE} DROP COLUMN IF EXISTS id")
        copy_rows(STAGE, columns, rows)
        updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in update)
        cursor.execute(
            f"INSERT INTO {table} ({names}) SELECT {names} FROM {STAGE} "  # noqa: S608
            f"ON CONFLICT (item_id, year, month) DO UPDATE SET {updates}"
        )
        cursor.execute(f"TRUNCATE {STAGE}")
