"""Writing computed results and their audit rows (the last step of :mod:`assessment.compute`)."""

from __future__ import annotations

import json
from typing import Any

from django.db import connection

from assessment.models import AssessmentResult

RESULT_FIELDS = (
    "quantitative_part",
    "qualitative_part",
    "final_score",
    "grade",
    "vetoed",
    "explanation",
    "inputs_digest",
)


def write_results(
    changed: list[AssessmentResult], now: Any, reason: str = "computed", user: Any = None
) -> None:
    """Write the changed rows and their audit rows.

    On PostgreSQL one statement per chunk: the new values travel as arrays, an ``UPDATE …
    FROM unnest(arrays) RETURNING`` writes them and the same statement copies the written
    rows into the history table (the audit rows of a bulk update, written by SQL; Django's
    ``bulk_update`` builds a CASE per column and row, and preparing history model instances
    field by field costs more than the scoring itself). Elsewhere one prepared UPDATE per
    row and ``bulk_history_create``."""
    if connection.vendor == "postgresql":
        _write_postgresql(changed, now, reason, user)
        return
    ops = connection.ops
    table = AssessmentResult._meta.db_table
    columns = [*RESULT_FIELDS, "computed_at", "version"]
    sql = (
        f"UPDATE {table} SET {', '.join(f'{c} = %s' for c in columns)} "  # noqa: S608 - fixed names
        "WHERE id = %s"
    )
    rows = [
        (
            ops.adapt_decimalfield_value(r.quantitative_part, 9, 2),
            ops.adapt_decimalfield_value(r.qualitative_part, 9, 2),
            ops.adapt_decimalfield_value(r.final_score, 9, 2),
            r.grade,
            r.vetoed,
            ops.adapt_json_value(r.explanation, None),
            r.inputs_digest,
            ops.adapt_datetimefield_value(r.computed_at),
            r.version,
            r.pk,
        )
        for r in changed
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    AssessmentResult.history.bulk_history_create(
        changed,
        batch_size=500,
        update=True,
        default_change_reason=reason,
        default_date=now,
        default_user=user,
    )


HISTORY_OWN = ("history_date", "history_change_reason", "history_type", "history_user_id")


def _write_postgresql(changed: list[AssessmentResult], now: Any, reason: str, user: Any) -> None:
    table = AssessmentResult._meta.db_table
    history = AssessmentResult.history.model._meta
    source = {f.column for f in AssessmentResult._meta.concrete_fields}
    copied = [f.column for f in history.concrete_fields if f.column in source]
    own = {f.column for f in history.concrete_fields} - source - {history.pk.column}
    if own != set(HISTORY_OWN):  # a history field this statement does not know how to fill
        raise RuntimeError(f"unexpected history columns {sorted(own)}")
    sets = ", ".join(f"{c} = new.{c}" for c in (*RESULT_FIELDS, "version"))
    sql = (
        "WITH new (id, quantitative_part, qualitative_part, final_score, grade, vetoed, "  # noqa: S608
        "explanation, inputs_digest, version) AS (SELECT n.id, n.q, n.l, n.f, n.g, n.v, "
        "n.e::jsonb, n.d, n.ver FROM unnest(%s::bigint[], %s::numeric[], %s::numeric[], "
        "%s::numeric[], %s::text[], %s::boolean[], %s::text[], %s::text[], %s::integer[]) "
        "AS n (id, q, l, f, g, v, e, d, ver)), "
        f"written AS (UPDATE {table} AS t SET {sets}, computed_at = %s "
        f"FROM new WHERE t.id = new.id RETURNING {', '.join(f't.{c}' for c in copied)}) "
        f"INSERT INTO {history.db_table} ({', '.join([*copied, *HISTORY_OWN])}) "
        f"SELECT {', '.join(copied)}, %s, %s, '~', %s FROM written"
    )
    params = [
        [r.pk for r in changed],
        [r.quantitative_part for r in changed],
        [r.qualitative_part for r in changed],
        [r.final_score for r in changed],
        [r.grade for r in changed],
        [r.vetoed for r in changed],
        [json.dumps(r.explanation, separators=(",", ":")) for r in changed],
        [r.inputs_digest for r in changed],
        [r.version for r in changed],
        now,
        now,
        reason,
        getattr(user, "pk", None),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def write_digests(unchanged: list[AssessmentResult]) -> None:
    """Store the inputs digest of results whose computed values did not change (computed
    before the digest existed): a cache, so no new version and no audit row."""
    AssessmentResult.objects.bulk_update(unchanged, ["inputs_digest"], batch_size=1000)
