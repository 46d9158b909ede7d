"""The sweep's classification as SQL, for PostgreSQL: a chunk is lit by one statement.

:mod:`lightup.rules` holds the rules of record; this module writes the same rules a
second time, in SQL, because on PostgreSQL moving every item's sums to Python, judging
them there and copying the lights back cost more than the judging (at 20,000 employees:
reading 34 %, Python 41 %, writing 25 % of the sweep). Here one ``INSERT … SELECT … ON
CONFLICT DO UPDATE`` per chunk of units reads each item's actuals, plan, milestones,
thresholds (override over its scheme over the default scheme) and last month's streak,
computes plan to date, deviation, colour, forecast, predicted miss and streak, stores the
rows, counts them into the units' light tallies and returns the count of each colour.
Only the items that call for a message (yellow, red, late, or red for a while) come back
to Python, and only when notifications are on.

``tests/test_lightup_sweep_sql.py`` proves on PostgreSQL that this path and the pure
rules write identical rows, on generated items and at every boundary of §3.7 (colours,
and the half-way points where a stored number rounds). Both round once: the rules compute
exactly (fractions) and round half to even at the end; here every number is kept as an
exact fraction (sums and products are exact in PostgreSQL) and divided ONCE, to 30
decimals, then rounded half to even. (Chained divisions, in Python's 28-digit context or
PostgreSQL's, broke exact halves: a trend's forecast of 84.99975 came out 84.9997 by the
rule and 84.9998 in SQL before.)
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Sequence
from typing import Any

from django.db import connection

from lightup import rules
from lightup.models import (
    THRESHOLD_FIELDS,
    ItemLightOverride,
    LightScheme,
    LightStatus,
    LightTally,
    ObjectiveTally,
)
from org.models import Employee, OrgUnit
from scorecard.models import (
    ActualStatus,
    ItemKind,
    ItemMonthlyPlan,
    Milestone,
    MonthlyActual,
    Scorecard,
    ScorecardItem,
)

TABLES = {
    "item": ScorecardItem._meta.db_table,
    "card": Scorecard._meta.db_table,
    "unit": OrgUnit._meta.db_table,
    "person": Employee._meta.db_table,
    "actual": MonthlyActual._meta.db_table,
    "plan": ItemMonthlyPlan._meta.db_table,
    "milestone": Milestone._meta.db_table,
    "override": ItemLightOverride._meta.db_table,
    "scheme": LightScheme._meta.db_table,
    "light": LightStatus._meta.db_table,
    "tally": LightTally._meta.db_table,
    "objective_tally": ObjectiveTally._meta.db_table,
}
SHORT = {
    "yellow_below": "yellow",
    "red_below": "red",
    "milestone_warning_days": "warn",
    "grace_days": "grace",
    "escalate_after_reds": "esc",
}


# Added to a numerator, a zero with 30 decimals makes PostgreSQL divide to (at least) 30
# decimals; every numerator below carries at most 30, so the addition is exact.
WIDE = "0." + "0" * 30


def _div(numerator: str, denominator: str) -> str:
    """``numerator / denominator`` (the denominator positive) in ONE division, to 30 decimals."""
    return f"((({numerator}) + {WIDE}) / ({denominator}))"


def _even(expr: str, places: int) -> str:
    """``expr`` rounded to ``places`` decimals, half to even (as :func:`lightup.rules.rounded`).

    Exact for the one division :func:`_div` gives: an exact half (…5 in the decimal after
    ``places``) terminates within 30 decimals, so the division hits it; any other quotient
    N/D of these columns (four decimals, D below 10^17) lies more than 10^-28 from a half,
    far beyond the division's error of 10^-30. The same holds for the colour thresholds.
    """
    near = f"ROUND({expr}, {places})"  # half away from zero: differs on exact halves only
    half, unit = f"0.5e-{places}", f"1e-{places}"
    return (
        f"(CASE WHEN ABS({near} - ({expr})) = {half} AND MOD({near} * 1e{places}, 2) <> 0 "
        f"THEN {near} - SIGN({expr}) * {unit} ELSE {near} END)"
    )


def _latest(table: str, r: str) -> str:
    """The value of the group's latest month (its rows ``r`` of ``table``, one per item and
    month; ``r_last`` its latest month): the month's own value, read by a filtered sum as
    the rows stream by — the latest month is the month judged for nearly every item — else
    looked up by the (item, month) key, for the few items whose latest month is earlier.
    (Cheaper than ordering each group's values, or than a maximum over month x 10^15 +
    value: a numeric product and sum for every row.)"""
    lookup = f"SELECT v.value FROM {table} v WHERE v.item_id = {r}.item_id AND v.month = {r}_last"  # noqa: S608
    return f"COALESCE({r}_now, ({lookup}))"


def _last_and_now(r: str) -> str:
    """The aggregates :func:`_latest` reads: the group's latest month and this month's value."""
    return (
        f"MAX({r}.month) AS {r}_last, "
        f"SUM({r}.value) FILTER (WHERE {r}.month = %(month)s) AS {r}_now"
    )


def _colour(r: str) -> str:
    """§3.7 colour of the deviation against the item's thresholds (``NULL``: green)."""
    return (
        f"CASE WHEN {r}.dev IS NULL OR {r}.dev >= {r}.yellow THEN 'green' "
        f"WHEN {r}.dev >= {r}.red THEN 'yellow' ELSE 'red' END"
    )


def due(item: str = "i") -> str:
    """Of a re-sweep of some items (``%(items)s``): the items it lights — those, and the
    items of its units that have no light of the month yet (a new item, or a month never
    swept), so that it stores the lights a sweep of the whole units would."""
    light = TABLES["light"]
    return (
        f"({item}.id = ANY(%(items)s) OR NOT EXISTS (SELECT FROM {light} l "
        f"WHERE l.item_id = {item}.id AND l.year = %(year)s AND l.month = %(month)s))"
    )


def _thresholds(targeted: bool = False) -> str:
    """Per item: the override's thresholds over its scheme's over the default's; an
    inconsistent merge falls back to the scheme (as :func:`lightup.sweep.item_thresholds`).
    Every light-able item of the chunk's units, or (``targeted``) those :func:`due`."""
    merged = []
    for name, short in SHORT.items():
        base = f"COALESCE(sc.{name}, %(d_{short})s)"
        merged.append(f"{base} AS b_{short}, COALESCE(o.{name}, {base}) AS m_{short}")
    ok = "(m_red <= m_yellow AND m_yellow <= 0 AND m_warn >= 0 AND m_grace >= 0 AND m_esc >= 1)"
    final = ", ".join(f"CASE WHEN {ok} THEN m_{s} ELSE b_{s} END AS {s}" for s in SHORT.values())
    only = f" AND {due()}" if targeted else ""
    return f"""
it AS (
    SELECT i.id, i.kind, i.polarity, i.aggregation, i.target, i.range_low, i.range_high,
           s.unit_id, s.employee_id IS NULL AS unit_card, i.objective_id, i.weight,
           {", ".join(merged)}
    FROM {TABLES["item"]} i JOIN {TABLES["card"]} s ON s.id = i.scorecard_id
    LEFT JOIN {TABLES["override"]} o ON o.item_id = i.id
    LEFT JOIN {TABLES["scheme"]} sc ON sc.id = o.scheme_id
    WHERE s.year = %(year)s AND s.unit_id = ANY(%(units)s) AND i.kind = ANY(%(kinds)s){only}
), t AS (
    SELECT id, kind, polarity, aggregation, target, range_low, range_high,
           unit_id, unit_card, objective_id, weight, {final} FROM it
)"""  # noqa: S608 - table names from the models


def _fractions() -> str:
    """Actual, plan and forecast to date, each as an exact fraction ``<x>_n / <x>_d`` with a
    positive denominator (sums and products of numerics are exact in PostgreSQL; only
    division rounds, so each stored number is divided once, at the end).

    Forecast (:func:`lightup.rules.forecast`) in closed form, with n months, S their sum,
    X = Σ m, B = n Σ m·v - X S, den = n Σ m² - X², L the last month, R = 12 - L months
    left and M = Σ m over them: sums S·12/n; a trend (n ≥ 3, den ≠ 0) at December
    (S·den + B(12n - X)) / (n·den); an average over the year with the trend
    (S·den(n+R) + B(nM - RX)) / (n·den(n+R)), without it (S + v·R) / (n + R); else the
    latest value v.
    """
    trend = f"(a.n >= {rules.TREND_MIN_POINTS} AND a.den <> 0)"
    left = "(12 - a.last_month)"
    later = "(78 - a.last_month * (a.last_month + 1) / 2)"  # Σ m, last < m ≤ 12
    return f"""
        CASE WHEN t.aggregation = 'last' THEN a.last_value ELSE a.total END AS actual_n,
        CASE WHEN t.aggregation = 'average' THEN a.n ELSE 1 END AS actual_d,
        CASE WHEN t.aggregation = 'sum' THEN COALESCE(pl.total, t.target * a.last_month)
             ELSE COALESCE(pl.latest, t.target) END AS plan_n,
        CASE WHEN t.aggregation = 'sum' AND pl.total IS NULL THEN 12 ELSE 1 END AS plan_d,
        CASE WHEN t.aggregation = 'sum' THEN a.total * 12
             WHEN t.aggregation = 'average' AND {trend}
             THEN a.total * a.den * (a.n + {left}) + a.b * (a.n * {later} - {left} * a.sx)
             WHEN t.aggregation = 'average' THEN a.total + a.last_value * {left}
             WHEN {trend} THEN a.total * a.den + a.b * (12 * a.n - a.sx)
             ELSE a.last_value END AS fc_n,
        CASE WHEN t.aggregation = 'sum' THEN a.n
             WHEN t.aggregation = 'average' AND {trend} THEN a.n * a.den * (a.n + {left})
             WHEN t.aggregation = 'average' THEN a.n + {left}
             WHEN {trend} THEN a.n * a.den
             ELSE 1 END AS fc_d"""


def _is_range(r: str) -> str:
    return f"({r}.polarity = 'range' AND {r}.range_low IS NOT NULL AND {r}.range_high IS NOT NULL)"


def _deviation(r: str) -> str:
    """:func:`lightup.rules.quantitative_light`'s deviation (``NULL`` where it has none),
    compared and divided exactly: the range to date is ``range_<end> · L / 12`` for sums."""
    bd = f"(CASE WHEN {r}.aggregation = 'sum' THEN 12 ELSE 1 END)"
    low, high = (
        f"(CASE WHEN {r}.aggregation = 'sum' THEN {r}.range_{end} * {r}.last_month "
        f"ELSE {r}.range_{end} END)"
        for end in ("low", "high")
    )
    actual = f"({r}.actual_n * {bd})"  # the actual over the bound's denominator…
    below = f"({actual} < {low} * {r}.actual_d)"  # … against the bounds over the actual's
    bound = f"(CASE WHEN {below} THEN {low} ELSE {high} END)"
    off = _div(f"-ABS({actual} - {bound} * {r}.actual_d)", f"{r}.actual_d * ABS({bound})")
    sign = f"(CASE WHEN {r}.polarity = 'lower' THEN -1 ELSE 1 END)"
    behind = _div(
        f"{sign} * ({r}.actual_n * {r}.plan_d - {r}.plan_n * {r}.actual_d)",
        f"{r}.actual_d * ABS({r}.plan_n)",
    )
    return f"""CASE WHEN {r}.kind = 'milestone' OR {r}.n IS NULL
                  OR (NOT {r}.reported AND {r}.overdue) THEN NULL
             WHEN {_is_range(r)} THEN CASE
                  WHEN {actual} BETWEEN {low} * {r}.actual_d AND {high} * {r}.actual_d THEN 0
                  WHEN {bound} = 0 THEN NULL ELSE {off} END
             WHEN {r}.target IS NULL THEN NULL
             WHEN {r}.plan_n = 0 THEN CASE WHEN {r}.actual_n = 0 THEN NULL
                  WHEN {r}.polarity = 'higher' THEN 0 ELSE {r}.red - 1 END
             ELSE {behind} END"""


def statement(targeted: bool = False) -> str:
    """The chunk's statement: it lights every item of the chunk's units, or (``targeted``)
    the items :func:`due` of a re-sweep, and returns the count of each colour written (and,
    targeted, the ids written of each colour)."""
    t = TABLES
    columns = ", ".join(("item_id", "year", "month", *UPDATE))
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in UPDATE)
    unlit = "kind = 'milestone' OR late OR n IS NULL"  # no actual, forecast or miss
    return f"""
WITH {_thresholds(targeted)[1:]},
q AS MATERIALIZED (
    SELECT t.*, a.n, a.last_month, p.red_streak AS before,
        COALESCE(a.last_month = %(month)s, false) AS reported,
        %(today)s::date >= %(month_end)s::date + t.grace AS overdue,
        {_fractions()},
        ms.sev
    FROM t
    LEFT JOIN (
        SELECT x.*, x_last AS last_month, {_latest(t["actual"], "x")} AS last_value
        FROM (
            SELECT x.item_id, COUNT(*) AS n, SUM(x.value) AS total, {_last_and_now("x")},
                   SUM(x.month) AS sx,
                   COUNT(*) * SUM(x.month * x.month) - SUM(x.month) * SUM(x.month) AS den,
                   COUNT(*) * SUM(x.month * x.value) - SUM(x.month) * SUM(x.value) AS b
            FROM t JOIN {t["actual"]} x ON x.item_id = t.id
            WHERE t.kind = 'quantitative' AND x.month <= %(month)s AND x.status <> %(rejected)s
            GROUP BY x.item_id
        ) x
    ) a ON a.item_id = t.id
    LEFT JOIN (
        SELECT y.item_id, y.total, {_latest(t["plan"], "y")} AS latest
        FROM (
            SELECT y.item_id, SUM(y.value) AS total, {_last_and_now("y")}
            FROM t JOIN {t["plan"]} y ON y.item_id = t.id
            WHERE t.kind = 'quantitative' AND y.month <= %(month)s
            GROUP BY y.item_id
        ) y
    ) pl ON pl.item_id = t.id
    LEFT JOIN LATERAL (
        SELECT MAX(CASE WHEN m.completed_on IS NOT NULL AND m.completed_on <= %(as_of)s THEN 0
                        WHEN m.due_date < %(as_of)s THEN 2
                        WHEN m.due_date - %(as_of)s::date <= t.warn THEN 1 ELSE 0 END) AS sev
        FROM {t["milestone"]} m WHERE m.item_id = t.id AND t.kind = 'milestone'
    ) ms ON true
    LEFT JOIN {t["light"]} p ON p.item_id = t.id AND p.year = %(year)s
         AND p.month = %(previous)s AND p.red_streak > 0
), d AS MATERIALIZED (
    SELECT q.*, {_deviation("q")} AS dev,
        q.kind = 'quantitative' AND NOT q.reported AND q.overdue AS late,
        {_div("q.actual_n", "q.actual_d")} AS actual,
        {_div("q.plan_n", "q.plan_d")} AS planned,
        {_div("q.fc_n", "q.fc_d")} AS projected
    FROM q
), lit AS (
    SELECT d.*,
        CASE WHEN d.kind = 'milestone' THEN CASE COALESCE(d.sev, -1) WHEN -1 THEN 'grey'
                  WHEN 0 THEN 'green' WHEN 1 THEN 'yellow' ELSE 'red' END
             WHEN d.late OR d.n IS NULL THEN 'grey'
             WHEN d.target IS NULL AND NOT {_is_range("d")} THEN 'grey'
             ELSE {_colour("d")} END AS colour
    FROM d
)
, written AS (
    INSERT INTO {t["light"]} ({columns})
    SELECT id, %(year)s, %(month)s, colour,
        {_even("dev", rules.DEVIATION_PLACES)},
        CASE WHEN colour = 'grey' OR kind = 'milestone' OR {_is_range("lit")}
             THEN NULL ELSE {_even("planned", rules.VALUE_PLACES)} END,
        CASE WHEN {unlit} THEN NULL ELSE {_even("actual", rules.VALUE_PLACES)} END,
        CASE WHEN {unlit} THEN NULL ELSE {_even("projected", rules.VALUE_PLACES)} END,
        CASE WHEN {unlit} OR fc_n IS NULL THEN false
             WHEN polarity = 'range' THEN range_low IS NOT NULL AND range_high IS NOT NULL
                  AND NOT fc_n BETWEEN range_low * fc_d AND range_high * fc_d
             WHEN target IS NULL THEN false
             WHEN polarity = 'lower' THEN fc_n > target * fc_d ELSE fc_n < target * fc_d END,
        late,
        CASE WHEN colour = 'red' THEN COALESCE(before, 0) + 1 ELSE 0 END,
        %(now)s
    FROM lit
    ORDER BY id  -- in the order of the unique index: each entry lands next to the last
    ON CONFLICT (item_id, year, month) DO UPDATE SET {updates}
    RETURNING item_id, colour
){_tallies(targeted)}
SELECT colour, COUNT(*){", ARRAY_AGG(item_id)" if targeted else ""} FROM written GROUP BY colour
"""  # noqa: S608 - table names from the models


def _tallies(targeted: bool = False) -> str:
    """The chunk's light tallies (:mod:`lightup.tally`), counted from the very rows the
    statement writes: the chunk holds every item of its units that has a light, so its
    written rows are all their lights of the month. A ``targeted`` re-sweep writes only
    some of them: it counts its written rows with the stored lights of the units' other
    light-able items (read, as every part of the statement, from before its writes: each
    item is counted once, by its new light or by its stored one), which are together
    every light a sweep of the whole units would write. Each unit's counts are upserted and
    the colours it no longer has deleted (rows disjoint from the upserted ones, so the
    statement never touches a row twice). Exact also with two sweeps at once only because
    the chunk's transaction holds its units' lock (:func:`lightup.tally.lock_units`) from
    before this statement's snapshot: otherwise the delete would miss a tally row another
    sweep committed meanwhile."""
    t = TABLES
    lights = "SELECT t.unit_id, t.unit_card, t.objective_id, t.weight, w.colour\n"
    lights += "    FROM written w JOIN t ON t.id = w.item_id"
    if targeted:
        lights += f"""
    UNION ALL
    SELECT s.unit_id, s.employee_id IS NULL, i.objective_id, i.weight, l.colour
    FROM {t["item"]} i JOIN {t["card"]} s ON s.id = i.scorecard_id
    JOIN {t["light"]} l ON l.item_id = i.id AND l.year = %(year)s AND l.month = %(month)s
    WHERE s.year = %(year)s AND s.unit_id = ANY(%(units)s) AND i.kind = ANY(%(kinds)s)
      AND i.id <> ALL(%(items)s)"""  # noqa: S608
    return f"""
, lights AS (
    {lights}
), counted AS (
    SELECT unit_id, CASE WHEN unit_card THEN objective_id END AS objective_id,
           colour, COUNT(*) AS lights,
           COALESCE(SUM(weight) FILTER (WHERE weight > 0), 0) AS weight
    FROM lights
    GROUP BY unit_id, 2, colour
), light_counts AS (
    SELECT unit_id, colour, SUM(lights) AS lights FROM counted GROUP BY unit_id, colour
), light_stored AS (
    INSERT INTO {t["tally"]} (unit_id, year, month, colour, lights)
    SELECT unit_id, %(year)s, %(month)s, colour, lights FROM light_counts
    ON CONFLICT (unit_id, year, month, colour) DO UPDATE SET lights = EXCLUDED.lights
), light_gone AS (
    DELETE FROM {t["tally"]} g
    WHERE g.unit_id = ANY(%(units)s) AND g.year = %(year)s AND g.month = %(month)s
      AND NOT EXISTS (
          SELECT FROM light_counts c WHERE c.unit_id = g.unit_id AND c.colour = g.colour)
), objective_counts AS (
    SELECT * FROM counted WHERE objective_id IS NOT NULL  -- unit scorecards' linked items
), objective_stored AS (
    INSERT INTO {t["objective_tally"]} (unit_id, objective_id, year, month, colour, lights, weight)
    SELECT unit_id, objective_id, %(year)s, %(month)s, colour, lights, weight
    FROM objective_counts
    ON CONFLICT (unit_id, objective_id, year, month, colour)
    DO UPDATE SET lights = EXCLUDED.lights, weight = EXCLUDED.weight
), objective_gone AS (
    DELETE FROM {t["objective_tally"]} g
    WHERE g.unit_id = ANY(%(units)s) AND g.year = %(year)s AND g.month = %(month)s
      AND NOT EXISTS (
          SELECT FROM objective_counts c WHERE c.unit_id = g.unit_id
              AND c.objective_id = g.objective_id AND c.colour = g.colour)
)"""  # noqa: S608 - table names from the models


# What a sweep writes of a light: every field but the key (item, year, month).
UPDATE = tuple(
    f.name
    for f in LightStatus._meta.concrete_fields
    if f.name not in {"id", "item", "year", "month"}
)


# The type of each parameter of the statements here, for :func:`execute_prepared`.
PARAM_TYPES = {
    "year": "integer",
    "month": "integer",
    "previous": "integer",
    "units": "integer[]",
    "items": "integer[]",
    "kinds": "text[]",
    "rejected": "text",
    "today": "date",
    "month_end": "date",
    "as_of": "date",
    "now": "timestamptz",
    **{f"d_{short}": "numeric" for short in ("yellow", "red")},
    **{f"d_{short}": "integer" for short in ("warn", "grace", "esc")},
}


def execute_prepared(cursor: Any, sql: str, params: dict[str, Any]) -> None:
    """Execute ``sql`` (its parameters ``%(name)s`` of :data:`PARAM_TYPES`) as a prepared
    statement of the connection's session, planned once with a generic plan.

    For the re-sweep of a few items after a save: planning its statement cost more than
    running it (measured at 100,000 employees: 7 of 10 ms, and 4 of 4 ms for
    :func:`notable`). The statement is prepared on first use in a session (named by its
    text, so another text never runs under an old name; looked up in
    ``pg_prepared_statements``, which a rolled-back or new session cannot fool); the
    generic plan is forced for the rest of the caller's transaction, the plan a few items
    want (index lookups by item and unit; a re-sweep of a whole unit runs unprepared).
    Looked up, prepared and executed in the caller's transaction, so also behind a pooler
    that hands out server sessions per transaction; PostgreSQL plans it again by itself
    when a table it reads changes or is analysed.
    """
    names = [name for name in PARAM_TYPES if f"%({name})s" in sql]
    body = sql
    for n, name in enumerate(names, 1):
        body = body.replace(f"%({name})s", f"${n}")
    if "%(" in body:
        raise ValueError("a parameter of unknown type")
    prepared = "lightup_" + hashlib.sha256(body.encode()).hexdigest()[:16]
    cursor.execute("SELECT FROM pg_prepared_statements WHERE name = %s", [prepared])
    if cursor.fetchone() is None:
        types = ", ".join(PARAM_TYPES[name] for name in names)
        cursor.execute(f"PREPARE {prepared} ({types}) AS {body}")
    cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
    placeholders = ", ".join(["%s"] * len(names))
    cursor.execute(f"EXECUTE {prepared} ({placeholders})", [params[name] for name in names])


def chunk_params(
    unit_ids: Sequence[int], *, year: int, month: int, item_ids: Sequence[int] | None = None
) -> dict[str, Any]:
    """The parameters every statement about a chunk's items of a month takes (and the
    changed items of a re-sweep, when given)."""
    params = {
        "year": year,
        "month": month,
        "previous": month - 1,
        "units": list(unit_ids),
        "kinds": [ItemKind.QUANTITATIVE.value, ItemKind.MILESTONE.value],
        "rejected": ActualStatus.REJECTED.value,
    }
    if item_ids is not None:
        params["items"] = sorted(set(item_ids))
    return params


def light_chunk(
    unit_ids: Sequence[int],
    *,
    year: int,
    month: int,
    today: datetime.date,
    now: datetime.datetime,
    default: rules.Thresholds,
    item_ids: Sequence[int] | None = None,
) -> tuple[dict[str, int], list[int]]:
    """Light the items of ``unit_ids`` for ``month`` in one statement: the count of each
    colour written, and the items written. ``default`` are the thresholds of the default
    scheme. With ``item_ids`` (a re-sweep after their actuals changed) only those and the
    units' items that have no light of the month yet (:func:`due`); the units' tallies
    count the other items' stored lights."""
    targeted = item_ids is not None
    params: dict[str, Any] = {
        **chunk_params(unit_ids, year=year, month=month, item_ids=item_ids),
        "today": today,
        "month_end": rules.month_end(year, month),
        "as_of": rules.as_of_date(year, month, today),
        "now": now,
        **{f"d_{short}": getattr(default, name) for name, short in SHORT.items()},
    }
    assert set(SHORT) == set(THRESHOLD_FIELDS)
    with connection.cursor() as cursor:
        if targeted:
            execute_prepared(cursor, statement(targeted), params)
        else:
            cursor.execute(statement(targeted), params)
        rows = cursor.fetchall()
    counts = {row[0]: row[1] for row in rows}
    written = sorted(pk for row in rows for pk in row[2]) if targeted else []
    return counts, written


NOTABLE = """
SELECT i.id, i.name, i.kind, i.polarity, i.aggregation, i.target, i.range_low,
       i.range_high, s.unit_id, u.name, e.name, e.user_id, h.user_id, ph.user_id,
       o.scheme_id, {overrides},
       l.colour, l.deviation, l.plan_to_date, l.actual_to_date, l.forecast,
       l.predicted_miss, l.missing, l.red_streak
FROM {light} l
JOIN {item} i ON i.id = l.item_id
JOIN {card} s ON s.id = i.scorecard_id
JOIN {unit} u ON u.id = s.unit_id
LEFT JOIN {person} e ON e.id = s.employee_id
LEFT JOIN {person} h ON h.id = u.head_id
LEFT JOIN {unit} pu ON pu.id = u.parent_id
LEFT JOIN {person} ph ON ph.id = pu.head_id
LEFT JOIN {override} o ON o.item_id = i.id
WHERE l.year = %(year)s AND l.month = %(month)s AND s.year = %(year)s
  AND s.unit_id = ANY(%(units)s) AND i.kind = ANY(%(kinds)s)
  AND (l.colour IN ('yellow', 'red') OR l.missing OR l.red_streak > 0){only}
ORDER BY i.id
"""
LIGHT_FIELDS = tuple(name for name in UPDATE if name != "computed_at")


def notable(
    unit_ids: Sequence[int], *, year: int, month: int, item_ids: Sequence[int] | None = None
) -> list[tuple[dict[str, Any], rules.Light, int]]:
    """The chunk's items (of ``item_ids`` when given) whose stored light may call for a
    message (yellow, red, late, or red for a while), each as (item fields of
    ``sweep_pg.ITEM_FIELDS``, light, streak)."""
    from lightup.sweep_pg import ITEM_FIELDS

    overrides = ", ".join(f"o.{name}" for name in THRESHOLD_FIELDS)
    params = chunk_params(unit_ids, year=year, month=month, item_ids=item_ids)
    only = "\n  AND i.id = ANY(%(items)s)" if item_ids is not None else ""
    found = []
    with connection.cursor() as cursor:
        sql = NOTABLE.format(overrides=overrides, only=only, **TABLES)
        if item_ids is not None:
            execute_prepared(cursor, sql, params)
        else:
            cursor.execute(sql, params)
        for values in cursor.fetchall():
            row = dict(zip((*ITEM_FIELDS, *LIGHT_FIELDS), values, strict=True))
            light = rules.Light(**{k: row[k] for k in LIGHT_FIELDS if k != "red_streak"})
            found.append((row, light, int(row["red_streak"])))
    return found
