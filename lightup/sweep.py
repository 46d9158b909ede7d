"""The monthly sweep, set-based: a few queries per chunk of org units, never one per item.

On PostgreSQL one statement per chunk of units judges and stores its items
(:mod:`lightup.sweep_sql`, the rules written in SQL, proven equal to the pure ones).
Elsewhere (and with ``in_sql=False``) the database returns, per item, the summary of
its actuals up to the month (count, sum, Σ month, Σ month², Σ month x value, latest
month) and of its monthly plan; Python applies the pure rules of :mod:`lightup.rules`
and writes the statuses back with one upsert. The notifications of the chunk go out in
one insert that ignores rows already sent (the database keeps each warning unique).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    Sum,
)

from lightup import rules, sweep_pg, sweep_sql
from lightup.models import THRESHOLD_FIELDS, LightScheme, LightStatus
from lightup.notify import messages_for
from lightup.sweep_pg import ITEM_FIELDS
from lightup.tally import tally_refresh
from scorecard.models import (
    ActualStatus,
    ItemKind,
    ItemMonthlyPlan,
    Milestone,
    MonthlyActual,
    Scorecard,
    ScorecardItem,
)

CHUNK_ITEMS = 5000
ZERO = Decimal(0)
UPDATE_FIELDS = list(sweep_sql.UPDATE)
COLUMNS = ["item_id", "year", "month", *UPDATE_FIELDS]


@dataclass
class SweepResult:
    year: int
    month: int
    items: int = 0
    chunks: int = 0
    colours: dict[str, int] = field(default_factory=lambda: dict.fromkeys(rules.COLOURS, 0))
    messages: int = 0

    def add(self, part: SweepResult) -> None:
        """Count a chunk's result (run on its own) into this one."""
        self.items += part.items
        self.chunks += part.chunks
        self.messages += part.messages
        for colour, n in part.colours.items():
            self.colours[colour] += n

    def as_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "month": self.month,
            "items": self.items,
            "chunks": self.chunks,
            "colours": self.colours,
            "messages": self.messages,
        }


def unit_chunks(
    year: int, unit_ids: Sequence[int] | None = None, size: int = CHUNK_ITEMS
) -> list[list[int]]:
    """Units with scorecards of ``year`` in tree order, grouped so that a chunk holds
    about ``size`` items (a unit larger than that is a chunk of its own)."""
    cards = Scorecard.objects.filter(year=year)
    if unit_ids is not None:
        cards = cards.filter(unit_id__in=list(unit_ids))
    counts = (
        cards.values("unit_id", "unit__path")
        .annotate(n=Count("items"))
        .order_by("unit__path", "unit_id")
    )
    chunks: list[list[int]] = []
    current: list[int] = []
    filled = 0
    for row in counts:
        if current and filled + row["n"] > size:
            chunks.append(current)
            current, filled = [], 0
        current.append(row["unit_id"])
        filled += row["n"]
    if current:
        chunks.append(current)
    return chunks


def scheme_thresholds() -> dict[int | None, rules.Thresholds]:
    """Thresholds per scheme id; ``None`` is the default scheme (or the §3.7 defaults)."""
    found: dict[int | None, rules.Thresholds] = {None: rules.DEFAULT}
    for scheme in LightScheme.objects.all():
        found[scheme.pk] = scheme.thresholds()
        if scheme.is_default:
            found[None] = found[scheme.pk]
    return found


def item_thresholds(row: dict[str, Any], schemes: dict[int | None, rules.Thresholds]) -> Any:
    if row["light_override__scheme_id"] is None and all(
        row[f"light_override__{name}"] is None for name in THRESHOLD_FIELDS
    ):
        return schemes[None]  # most items: no override at all
    base = schemes.get(row["light_override__scheme_id"], schemes[None])
    changes = {
        name: row[f"light_override__{name}"]
        for name in THRESHOLD_FIELDS
        if row[f"light_override__{name}"] is not None
    }
    if not changes:
        return base
    try:
        return rules.Thresholds(**{**base.__dict__, **changes})
    except ValueError:
        return base  # an inconsistent override is refused by its form; never crash a sweep


def _series(items: Q, month: int) -> dict[int, rules.Series]:
    """Per item, the summary of counted (not rejected) actuals up to ``month``: one grouped
    query, plus one for the latest values."""
    counted = MonthlyActual.objects.filter(items, month__lte=month).exclude(
        status=ActualStatus.REJECTED
    )
    money = DecimalField(max_digits=30, decimal_places=8)
    sums = counted.values("item_id").annotate(
        n=Count("pk"),
        total=Sum("value"),
        last=Max("month"),
        sx=Sum("month"),
        sxx=Sum(ExpressionWrapper(F("month") * F("month"), output_field=money)),
        sxy=Sum(ExpressionWrapper(F("month") * F("value"), output_field=money)),
    )
    summary = {row["item_id"]: row for row in sums}
    # Latest value: mostly this month's; the few items that have not reported it yet
    # bring their earlier months in the same query and keep the last one.
    late = [pk for pk, row in summary.items() if row["last"] != month]
    wanted = Q(month=month) | Q(item_id__in=late) if late else Q(month=month)
    latest: dict[int, Any] = {}
    for item_id, m, value in counted.filter(wanted).values_list("item_id", "month", "value"):
        if m == summary[item_id]["last"]:
            latest[item_id] = value
    return {
        pk: rules.Series(
            count=row["n"],
            total=Decimal(row["total"]),
            last_month=row["last"],
            last_value=Decimal(latest[pk]),
            sum_x=Decimal(row["sx"]),
            sum_xx=Decimal(row["sxx"]),
            sum_xy=Decimal(row["sxy"]),
        )
        for pk, row in summary.items()
        if pk in latest
    }


def _plans(items: Q, month: int) -> dict[int, rules.PlanToDate]:
    """Monthly plan up to ``month``: sum of the planned months and the latest planned value."""
    rows = ItemMonthlyPlan.objects.filter(items, month__lte=month).order_by("item_id", "month")
    found: dict[int, rules.PlanToDate] = {}
    for item_id, value in rows.values_list("item_id", "value"):
        before = found.get(item_id, rules.PlanToDate(total=ZERO))
        found[item_id] = rules.PlanToDate(total=(before.total or ZERO) + value, latest=value)
    return found


def _milestones(items: Q) -> dict[int, list[rules.MilestoneState]]:
    found: dict[int, list[rules.MilestoneState]] = {}
    rows = Milestone.objects.filter(items).values_list("item_id", "due_date", "completed_on")
    for item_id, due, done in rows:
        found.setdefault(item_id, []).append(rules.MilestoneState(due, done))
    return found


def _previous_streaks(items: Q, year: int, month: int) -> dict[int, int]:
    if month == 1:
        return {}
    rows = LightStatus.objects.filter(items, year=year, month=month - 1, red_streak__gt=0)
    return dict(rows.values_list("item_id", "red_streak"))


def upsert(statuses: list[tuple[Any, ...]]) -> None:
    """Insert or overwrite the chunk's rows (tuples in the order of ``COLUMNS``), keyed by
    item, year and month: on PostgreSQL by COPY and one ``INSERT … ON CONFLICT``
    (:func:`lightup.sweep_pg.copy_upsert`), elsewhere by ``bulk_create``'s upsert."""
    if connection.vendor == "postgresql":
        sweep_pg.copy_upsert(COLUMNS, UPDATE_FIELDS, statuses)
        return
    LightStatus.objects.bulk_create(
        [LightStatus(**dict(zip(COLUMNS, row, strict=True))) for row in statuses],
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["item", "year", "month"],
        update_fields=UPDATE_FIELDS,
    )


def sweep_chunk(
    unit_ids: Sequence[int],
    *,
    year: int,
    month: int,
    today: datetime.date,
    now: datetime.datetime,
    schemes: dict[int | None, rules.Thresholds],
    notify: bool,
    email: bool = True,
    result: SweepResult,
    in_sql: bool = True,
    item_ids: Sequence[int] | None = None,
) -> None:
    """Compute, store and announce the lights of the items of ``unit_ids`` (one chunk).

    On PostgreSQL (unless ``in_sql`` is off) the chunk is judged in SQL
    (:mod:`lightup.sweep_sql`); otherwise Python applies the pure rules to the chunk's sums.
    Either way the units' light tallies are recounted in the same transaction (the caller
    holds the units' lock, :func:`lightup.tally.lock_units`).

    With ``item_ids`` (a re-sweep after their actuals changed) only those items are judged,
    with the units' items that have no light of the month yet (:func:`sweep_sql.due`): the
    other lights of the units stay as stored, and the tallies count them with the new ones —
    what a sweep of the whole units stores, when nothing else of their items changed.
    """
    from notifications.services import notifications_send

    if in_sql and connection.vendor == "postgresql":
        counts, written = sweep_sql.light_chunk(
            unit_ids,
            year=year,
            month=month,
            today=today,
            now=now,
            default=schemes[None],
            item_ids=item_ids,
        )
        for colour, n in counts.items():
            result.colours[colour] += n
        result.items += sum(counts.values())
        result.chunks += 1 if counts else 0
        if notify and counts:
            outbox = []
            only = written if item_ids is not None else None
            for row, light, streak in sweep_sql.notable(
                unit_ids, year=year, month=month, item_ids=only
            ):
                thresholds = item_thresholds(row, schemes)
                outbox += messages_for(
                    row, light, streak, year=year, month=month, thresholds=thresholds
                )
            if outbox:
                result.messages += notifications_send(messages=outbox, email=email)
        return
    read = _pg_inputs if connection.vendor == "postgresql" else _orm_inputs
    items, series, plans, milestones, streaks = read(unit_ids, year, month, item_ids)
    if not items:
        tally_refresh(unit_ids, year=year, month=month)  # their items may all be gone
        return
    as_of = rules.as_of_date(year, month, today)
    statuses: list[tuple[Any, ...]] = []
    outbox = []
    for row in items:
        thresholds = item_thresholds(row, schemes)
        light = _light(row, series, plans, milestones, year, month, today, as_of, thresholds)
        streak = streaks.get(row["pk"], 0) + 1 if light.colour == rules.RED else 0
        statuses.append(
            (  # in the order of COLUMNS
                row["pk"],
                year,
                month,
                light.colour,
                light.deviation,
                light.plan_to_date,
                light.actual_to_date,
                light.forecast,
                light.predicted_miss,
                light.missing,
                streak,
                now,
            )
        )
        result.colours[light.colour] += 1
        if notify:
            outbox += messages_for(
                row, light, streak, year=year, month=month, thresholds=thresholds
            )
    upsert(statuses)
    tally_refresh(unit_ids, year=year, month=month)  # the home page's counts
    result.items += len(items)
    result.chunks += 1
    if outbox:
        result.messages += notifications_send(messages=outbox, email=email)


def _pg_inputs(
    unit_ids: Sequence[int], year: int, month: int, item_ids: Sequence[int] | None = None
) -> tuple[Any, ...]:
    """The same as :func:`_orm_inputs`, in one statement (:func:`sweep_pg.chunk_inputs`)
    plus one for the milestones of the chunk's milestone items, if any."""
    items = sweep_pg.chunk_inputs(unit_ids, year=year, month=month, item_ids=item_ids)
    series = {row["pk"]: sweep_pg.series_of_row(row) for row in items if row["n"]}
    plans = {row["pk"]: sweep_pg.plan_of_row(row) for row in items if row["plan_total"] is not None}
    streaks = {row["pk"]: row["previous_streak"] for row in items if row["previous_streak"]}
    milestone_items = [row["pk"] for row in items if row["kind"] == ItemKind.MILESTONE]
    milestones = _milestones(Q(item_id__in=milestone_items)) if milestone_items else {}
    return items, series, plans, milestones, streaks


def _orm_inputs(
    unit_ids: Sequence[int], year: int, month: int, item_ids: Sequence[int] | None = None
) -> tuple[Any, ...]:
    """The chunk's items and their sums through the ORM (databases other than PostgreSQL);
    of a re-sweep of ``item_ids``, the items due (:func:`lightup.sweep_sql.due`)."""
    chunk_items = ScorecardItem.objects.filter(
        scorecard__year=year,
        scorecard__unit_id__in=list(unit_ids),
        kind__in=[ItemKind.QUANTITATIVE, ItemKind.MILESTONE],
    )
    if item_ids is not None:
        lit = LightStatus.objects.filter(item=OuterRef("pk"), year=year, month=month)
        chunk_items = chunk_items.filter(Q(pk__in=list(item_ids)) | ~Exists(lit))
    items = list(chunk_items.order_by("pk").values(*ITEM_FIELDS))
    if not items:
        return [], {}, {}, {}, {}
    # Every query of the chunk reaches its items by the same join, never by a list of ids.
    chunk = Q(item__scorecard__year=year, item__scorecard__unit_id__in=list(unit_ids))
    if item_ids is not None:
        chunk &= Q(item__in=chunk_items.order_by().values("pk"))
    kinds = {row["kind"] for row in items}
    quantitative = ItemKind.QUANTITATIVE in kinds
    series = _series(chunk, month) if quantitative else {}
    plans = _plans(chunk, month) if quantitative else {}
    milestones = _milestones(chunk) if ItemKind.MILESTONE in kinds else {}
    streaks = _previous_streaks(chunk, year, month)
    return items, series, plans, milestones, streaks


def _light(
    row: dict[str, Any],
    series: dict[int, rules.Series],
    plans: dict[int, rules.PlanToDate],
    milestones: dict[int, list[rules.MilestoneState]],
    year: int,
    month: int,
    today: datetime.date,
    as_of: datetime.date,
    thresholds: rules.Thresholds,
) -> rules.Light:
    if row["kind"] == ItemKind.MILESTONE:
        return rules.milestone_light(milestones.get(row["pk"], []), as_of, thresholds)
    item = rules.Quantitative(
        polarity=row["polarity"],
        aggregation=row["aggregation"],
        target=row["target"],
        range_low=row["range_low"],
        range_high=row["range_high"],
    )
    return rules.quantitative_light(
        item,
        series.get(row["pk"], rules.Series()),
        plans.get(row["pk"], rules.PlanToDate()),
        year=year,
        month=month,
        today=today,
        thresholds=thresholds,
    )
