"""Colour on the strategy map: the status and KPI providers the strategy app asks.

An objective's colour comes from the latest light of the unit-scorecard items linked to
it — the worst colour by default, weighted by item weight when the default scheme says so
(DESIGN §3.7 "colour everywhere it belongs"). Each provider answers a whole batch of
objectives in one query.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import F, OuterRef, Subquery, Sum, Window
from django.db.models.functions import Coalesce, RowNumber
from django.urls import reverse

from lightup import rules
from lightup.models import LightScheme, LightStatus, ObjectiveTally, Rollup
from scorecard.lights import ItemLight
from scorecard.models import ScorecardItem
from spm.clock import clock
from spm.memo import remember, remembering
from strategy.kpis import KPIS_SHOWN, Kpi


def latest_month() -> tuple[int, int] | None:
    """The latest (year, month) the sweep has computed (read once for a page's panels)."""
    return remember("lightup.latest_month", _latest_month)


def _latest_month() -> tuple[int, int] | None:
    row = LightStatus.objects.order_by("-year", "-month").values_list("year", "month").first()
    return (row[0], row[1]) if row else None


def _latest(field: str) -> Subquery:
    return Subquery(LightStatus.objects.order_by("-year", "-month").values(field)[:1])


def objective_colours(
    objective_ids: Sequence[int], period: tuple[int, int] | None = None, rollup: str | None = None
) -> dict[int, str]:
    """``{objective id: colour}`` for the objectives that have coloured items, from the
    latest swept month (or ``period``). One query over the objective tallies the sweep
    keeps (:mod:`lightup.tally`; a few rows per unit serving the objective, rather than
    every linked item's light): the latest month and the default scheme's roll-up travel
    in it as subqueries.

    While a page's panels are built (:func:`spm.memo.page_memo`) the latest month is read
    on its own and the answer is remembered: the executive's home asks twice, for the
    strategy dashboard's map and for the light panel's objectives."""
    if not objective_ids:
        return {}
    if not remembering():
        return _objective_colours(objective_ids, period, rollup)
    if period is None:
        period = latest_month()
        if period is None:  # nothing swept: no tally either
            return {}
    key = ("lightup.objective_colours", tuple(sorted(objective_ids)), period, rollup)
    return dict(remember(key, lambda: _objective_colours(objective_ids, period, rollup)))


def _objective_colours(
    objective_ids: Sequence[int], period: tuple[int, int] | None, rollup: str | None
) -> dict[int, str]:
    rows = ObjectiveTally.objects.filter(objective_id__in=list(objective_ids))
    if period is None:
        rows = rows.filter(year=_latest("year"), month=_latest("month"))
    else:
        rows = rows.filter(year=period[0], month=period[1])
    default_rollup = LightScheme.objects.filter(is_default=True).values("objective_rollup")[:1]
    found = (
        rows.order_by()
        .values_list("objective_id", "colour")
        .annotate(weight=Sum("weight"), rollup=Subquery(default_rollup))
    )
    readings: dict[int, list[tuple[str, Decimal]]] = {}
    chosen = rollup
    for objective_id, colour, weight, stored_rollup in found:
        readings.setdefault(objective_id, []).append((colour, weight))
        chosen = chosen or stored_rollup
    if chosen == Rollup.WEIGHTED:
        return {pk: rules.weighted(found_) for pk, found_ in readings.items()}
    return {pk: rules.worst(c for c, _w in found_) for pk, found_ in readings.items()}


def status_provider(objective_ids: Sequence[int]) -> Mapping[int, str]:
    return objective_colours(objective_ids)


def kpi_provider(user: Any, objective_ids: Sequence[int]) -> Mapping[int, Sequence[Kpi]]:
    """The unit-scorecard items linked to each objective that ``user`` may see (of the
    latest swept year, else this year), with their latest colour: the first
    ``KPIS_SHOWN + 1`` of each in unit-tree order (an objective of the whole group is served
    by every unit: the panel shows the first and says there are more). Two queries: the
    items, ranked per objective, and their lights."""
    items = ScorecardItem.objects.restrict(user).filter(
        objective_id__in=list(objective_ids), scorecard__employee__isnull=True
    )
    rank = Window(
        RowNumber(),
        partition_by=[F("objective_id")],
        order_by=[F("scorecard__unit__path").asc(), F("order").asc(), F("pk").asc()],
    )
    rows = list(
        items.filter(scorecard__year=Coalesce(_latest("year"), clock().today().year))
        .annotate(rank=rank)
        .filter(rank__lte=KPIS_SHOWN + 1)
        .order_by("objective_id", "rank")
        .values("pk", "objective_id", "name", "indicator__code", "scorecard__unit__name")
    )
    # The latest swept month's light (no light yet: grey).
    lights = dict(
        LightStatus.objects.filter(
            item_id__in=[row["pk"] for row in rows], year=_latest("year"), month=_latest("month")
        )
        .order_by()  # keyed by item: the model's ordering would only join
        .values_list("item_id", "colour")
        if rows
        else []
    )
    found: dict[int, list[Kpi]] = {}
    for row in rows:
        found.setdefault(row["objective_id"], []).append(
            Kpi(
                code=row["indicator__code"] or "",
                name=row["name"],
                status=lights.get(row["pk"]) or rules.GREY,
                unit_name=row["scorecard__unit__name"],
                url=reverse("lightup-item", args=[row["pk"]]),
            )
        )
    return found


def item_light_provider(
    item_ids: Sequence[int], year: int, month: int | None
) -> Mapping[int, ItemLight]:
    """Each item's light of ``year``/``month`` (``None``: its latest computed month of the
    year); one query. Unordered: the answer is keyed by item, and the model's ordering (by
    item, which sorts by the item's card, unit and owner) would join four tables for nothing."""
    rows = LightStatus.objects.filter(item_id__in=list(item_ids), year=year).order_by()
    if month is None:
        latest_of_item = LightStatus.objects.filter(item=OuterRef("item"), year=year).order_by(
            "-month"
        )
        rows = rows.filter(month=Subquery(latest_of_item.values("month")[:1]))
    else:
        rows = rows.filter(month=month)
    return {
        item_id: ItemLight(colour, deviation, forecast, miss, found_month)
        for item_id, colour, deviation, forecast, miss, found_month in rows.values_list(
            "item_id", "colour", "deviation", "forecast", "predicted_miss", "month"
        )
    }
