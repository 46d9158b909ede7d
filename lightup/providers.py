"""Colour on the strategy map: the status and KPI providers the strategy app asks.

An objective's colour comes from the latest light of the unit-scorecard items linked to
it — the worst colour by default, weighted by item weight when the default scheme says so
(DESIGN §3.7 "colour everywhere it belongs"). Each provider answers a whole batch of
objectives in one query (plus one to find the latest swept month).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, Subquery
from django.urls import reverse

from lightup import rules
from lightup.models import LightScheme, LightStatus, Rollup
from scorecard.models import ScorecardItem
from spm.clock import clock
from strategy.kpis import Kpi


def latest_month() -> tuple[int, int] | None:
    """The latest (year, month) the sweep has computed."""
    row = LightStatus.objects.order_by("-year", "-month").values_list("year", "month").first()
    return (row[0], row[1]) if row else None


def _rollup() -> str:
    found = LightScheme.objects.filter(is_default=True).values_list("objective_rollup", flat=True)
    return found.first() or Rollup.WORST


def objective_colours(
    objective_ids: Sequence[int], period: tuple[int, int] | None = None, rollup: str | None = None
) -> dict[int, str]:
    """``{objective id: colour}`` for the objectives that have coloured items."""
    period = period or latest_month()
    if period is None or not objective_ids:
        return {}
    year, month = period
    rows = LightStatus.objects.filter(
        year=year,
        month=month,
        item__objective_id__in=list(objective_ids),
        item__scorecard__employee__isnull=True,
    ).values_list("item__objective_id", "colour", "item__weight")
    readings: dict[int, list[tuple[str, Decimal]]] = {}
    for objective_id, colour, weight in rows:
        readings.setdefault(objective_id, []).append((colour, weight))
    combine = rules.weighted if (rollup or _rollup()) == Rollup.WEIGHTED else None
    return {
        pk: combine(found) if combine else rules.worst(c for c, _w in found)
        for pk, found in readings.items()
    }


def status_provider(objective_ids: Sequence[int]) -> Mapping[int, str]:
    return objective_colours(objective_ids)


def kpi_provider(user: Any, objective_ids: Sequence[int]) -> Mapping[int, Sequence[Kpi]]:
    """The unit-scorecard items linked to each objective that ``user`` may see, with their
    latest colour; one query."""
    period = latest_month()
    items = ScorecardItem.objects.restrict(user).filter(
        objective_id__in=list(objective_ids), scorecard__employee__isnull=True
    )
    if period is None:
        items = items.filter(scorecard__year=clock().today().year)
    else:
        year, month = period
        items = items.filter(scorecard__year=year).annotate(
            light=Subquery(
                LightStatus.objects.filter(item=OuterRef("pk"), year=year, month=month).values(
                    "colour"
                )[:1]
            )
        )
    rows = items.order_by("scorecard__unit__path", "order", "pk").values(
        "pk",
        "objective_id",
        "name",
        "indicator__code",
        "scorecard__unit__name",
        *(["light"] if period is not None else []),
    )
    found: dict[int, list[Kpi]] = {}
    for row in rows:
        found.setdefault(row["objective_id"], []).append(
            Kpi(
                code=row["indicator__code"] or "",
                name=row["name"],
                status=row.get("light") or rules.GREY,
                unit_name=row["scorecard__unit__name"],
                url=reverse("lightup-item", args=[row["pk"]]),
            )
        )
    return found
