"""An item's progress so far: latest actual, value and plan to date, score to date.

The numbers come from :mod:`scorecard.rules`; this module only gathers the rows (already
prefetched by the caller, see :func:`load_progress_rows`) and hands plain values over.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Prefetch, Value, prefetch_related_objects

from scorecard.models import (
    ActualStatus,
    ItemKind,
    ItemMonthlyPlan,
    Milestone,
    MonthlyActual,
    ScorecardItem,
)
from scorecard.rules import scoring


@dataclass
class ItemProgress:
    """What a page shows about an item's progress in its year."""

    item: ScorecardItem
    latest_month: int | None = None
    latest_value: Decimal | None = None
    value_to_date: Decimal | None = None
    plan_to_date: Decimal | None = None
    score: Decimal | None = None
    milestones_done: int = 0
    milestones_total: int = 0

    @property
    def score_display(self) -> Decimal | None:
        return scoring.display(self.score)


def load_progress_rows(items: Sequence[ScorecardItem]) -> None:
    """Read what :func:`progress_of` reads, and the pages show beside it: the monthly plans
    of every item, the counted actuals of the quantitative items and the milestones of the
    milestone items — the only ones that show or score them (a key task has neither) —
    three queries at most for any number of items, none for a kind that is not there."""
    plans = Prefetch(
        "monthly_plans", queryset=ItemMonthlyPlan.objects.order_by("month"), to_attr="plan_rows"
    )
    actuals = Prefetch(
        "actuals",
        queryset=MonthlyActual.objects.exclude(status=ActualStatus.REJECTED).order_by("month"),
        to_attr="counted_actuals",
    )
    quantitative = [item for item in items if item.kind == ItemKind.QUANTITATIVE]
    for item in items:
        if item.kind != ItemKind.QUANTITATIVE:
            item.counted_actuals = []  # type: ignore[attr-defined]
    prefetch_related_objects(list(items), plans)
    if quantitative:
        prefetch_related_objects(quantitative, actuals)
    _load_milestones(items)


class MonthValue(NamedTuple):
    """A month's plan or counted actual, as :func:`progress_of` and the pages read it."""

    month: int
    value: Decimal


def load_progress_values(items: Sequence[ScorecardItem]) -> None:
    """What :func:`load_progress_rows` reads, the plans and actuals as :class:`MonthValue`
    rows (month and value) instead of models: the pages that only show and score them build
    a model for none of the hundreds of rows a scorecard has (twelve plans and up to twelve
    actuals an item). The milestones stay models (their units are shown)."""
    by_id = {item.pk: item for item in items}
    quantitative = [item.pk for item in items if item.kind == ItemKind.QUANTITATIVE]
    for item in items:
        item.plan_rows = []  # type: ignore[attr-defined]
        item.counted_actuals = []  # type: ignore[attr-defined]
    if not by_id:
        return
    # One read: the plans of every item and the counted actuals of the quantitative ones.
    rows = (
        ItemMonthlyPlan.objects.filter(item_id__in=list(by_id))
        .order_by()
        .annotate(counted=Value(False))
        .values_list("item_id", "month", "value", "counted")
    )
    if quantitative:
        actuals = (
            MonthlyActual.objects.filter(item_id__in=quantitative)
            .exclude(status=ActualStatus.REJECTED)
            .order_by()
            .annotate(counted=Value(True))
            .values_list("item_id", "month", "value", "counted")
        )
        rows = rows.union(actuals, all=True)
    for item_id, month, value, counted in sorted(rows.order_by(), key=lambda row: row[1]):
        item = by_id[item_id]
        got = item.counted_actuals if counted else item.plan_rows  # type: ignore[attr-defined]
        got.append(MonthValue(month, value))
    _load_milestones(items)


def _load_milestones(items: Sequence[ScorecardItem]) -> None:
    staged = [item for item in items if item.kind == ItemKind.MILESTONE]
    for item in items:
        if item.kind != ItemKind.MILESTONE:
            item.milestone_rows = []  # type: ignore[attr-defined]
    if staged:
        milestones = Prefetch(
            "milestones",
            # The model's order within an item, without the item's own (which joins the
            # scorecard, its unit and its employee to sort rows already grouped by item).
            queryset=Milestone.objects.select_related(
                "responsible_unit", "counterpart_unit"
            ).order_by("due_date", "order", "pk"),
            to_attr="milestone_rows",
        )
        prefetch_related_objects(staged, milestones)


def as_of_for(year: int, today: datetime.date) -> datetime.date:
    """The day a year's progress is measured at: today, or the end of a past year."""
    if today.year > year:
        return datetime.date(year, 12, 31)
    if today.year < year:
        return datetime.date(year, 1, 1)
    return today


def _quantitative(row: ItemProgress) -> None:
    item = row.item
    actuals = {a.month: a.value for a in getattr(item, "counted_actuals", [])}
    plan = {p.month: p.value for p in getattr(item, "plan_rows", [])}
    if not actuals:
        return
    row.latest_month = max(actuals)
    row.latest_value = actuals[row.latest_month]
    row.value_to_date = scoring.aggregate(actuals, item.aggregation, row.latest_month)
    tiers = item.tiers
    if tiers.problems():
        return
    if tiers.target is not None:
        row.plan_to_date = scoring.plan_to_date(
            tiers.target, item.aggregation, row.latest_month, plan
        )
    row.score = scoring.score_to_date(tiers, item.aggregation, actuals, row.latest_month, plan)


def _milestones(row: ItemProgress, as_of: datetime.date) -> None:
    milestones = getattr(row.item, "milestone_rows", [])
    row.milestones_total = len(milestones)
    row.milestones_done = sum(1 for m in milestones if m.completed_on and m.completed_on <= as_of)
    outcomes = [scoring.MilestoneOutcome(m.due_date, m.completed_on, m.weight) for m in milestones]
    try:
        row.score = scoring.milestone_score_to_date(outcomes, as_of)
    except ValueError:
        row.score = None  # mixed weights: shown as a warning on the item, not scored


def progress_of(items: Iterable[ScorecardItem], *, today: datetime.date) -> dict[int, ItemProgress]:
    """Progress per item id, from rows read by :func:`load_progress_rows`."""
    found: dict[int, ItemProgress] = {}
    for item in items:
        row = ItemProgress(item=item)
        if item.kind == ItemKind.QUANTITATIVE:
            _quantitative(row)
        elif item.kind == ItemKind.MILESTONE:
            _milestones(row, as_of_for(item.scorecard.year, today))
        found[item.pk] = row
    return found
