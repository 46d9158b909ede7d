"""The KPIs shown with an objective on the map, supplied by the app that owns indicators.

Each objective owns 1-3 KPIs, but KPIs live in the scorecard app, which comes after this
one. That app registers a *KPI provider*; the objective panel then lists what it returns::

    from strategy.kpis import Kpi, register_kpi_provider

    @register_kpi_provider
    def scorecard_kpis(user, objective_ids):
        ...  # scoped to ``user``; one query for the whole batch
        return {objective_id: [Kpi(code=..., name=..., status=..., url=...)]}
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from strategy.rules import GREY


@dataclass(frozen=True)
class Kpi:
    """One key performance indicator attached to an objective, as the map shows it."""

    code: str
    name: str
    status: str = GREY
    unit_name: str = ""
    url: str = ""


# An objective's panel lists this many KPIs (an objective of the whole group is served by
# every unit's scorecard: thousands); a provider returns at most one more per objective, in
# the order to show them, so the panel knows there are more.
KPIS_SHOWN = 30

KpiProvider = Callable[[Any, Sequence[int]], Mapping[int, Sequence[Kpi]]]

_providers: list[KpiProvider] = []


def register_kpi_provider(provider: KpiProvider) -> KpiProvider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def unregister_kpi_provider(provider: KpiProvider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def objective_kpis(user: Any, objective_ids: Sequence[int]) -> dict[int, list[Kpi]]:
    """The KPIs ``user`` may see for each objective, in provider order."""
    found: dict[int, list[Kpi]] = {pk: [] for pk in objective_ids}
    if objective_ids:
        for provider in list(_providers):
            for pk, kpis in provider(user, objective_ids).items():
                if pk in found:
                    found[pk].extend(kpis)
    return found
