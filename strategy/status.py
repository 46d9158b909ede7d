"""The colour of each objective on the map, fed by whoever knows it.

The strategy app does not measure anything itself: the scorecard / light-up app knows
whether an objective's KPIs are green, yellow or red. So the colour comes from a small
registry of *status providers* that later apps fill in (e.g. in ``AppConfig.ready``)::

    from strategy.status import register_status_provider

    @register_status_provider
    def light_up(objective_ids: Sequence[int]) -> Mapping[int, str]:
        ...  # one query for the whole batch, never one per objective

With no provider every objective is grey ("no data yet"). With several, the worst
reading wins (:func:`strategy.rules.combine_statuses`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from strategy.rules import GREY, STATUSES, combine_statuses

StatusProvider = Callable[[Sequence[int]], Mapping[int, str]]

_providers: list[StatusProvider] = []


def register_status_provider(provider: StatusProvider) -> StatusProvider:
    """Add ``provider`` (once, however often registered); returns it, to serve as a decorator."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def unregister_status_provider(provider: StatusProvider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def _ids(objectives: Iterable[Any]) -> list[int]:
    return [int(getattr(obj, "pk", obj)) for obj in objectives]


def objective_statuses(objectives: Iterable[Any]) -> dict[int, str]:
    """``{objective id: "green" | "yellow" | "red" | "grey"}`` for objectives or their ids."""
    ids = _ids(objectives)
    readings: dict[int, list[str]] = {pk: [] for pk in ids}
    if ids:
        for provider in list(_providers):
            for pk, status in provider(ids).items():
                if pk in readings and status in STATUSES:
                    readings[pk].append(status)
    return {pk: combine_statuses(found) if found else GREY for pk, found in readings.items()}
