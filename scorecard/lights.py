"""Each item's light (colour, deviation, forecast), fed by whoever computes it.

The scorecard app does not classify anything itself: the light-up app, above it, knows
each item's colour month by month. So the pages that list items ("my targets", a
scorecard, a unit's page, the actuals list) ask a small registry of *item light
providers* that later apps fill in from ``AppConfig.ready`` (the pattern of
:mod:`strategy.status`)::

    from scorecard.lights import register_item_light_provider

    @register_item_light_provider
    def light_up(item_ids: Sequence[int], year: int, month: int | None) -> Mapping[int, ItemLight]:
        ...  # one query for the whole batch, never one per item

``month=None`` asks for the latest computed month of ``year``. Without a provider, or
for an item not computed yet, there is no reading and the page says "No status yet".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class ItemLight:
    """One item's light of one month; ``deviation`` is a share (-0.05 is -5 %)."""

    colour: str
    deviation: Decimal | None
    forecast: Decimal | None
    predicted_miss: bool
    month: int

    @property
    def deviation_percent(self) -> Decimal | None:
        if self.deviation is None:
            return None
        return (self.deviation * 100).quantize(Decimal("0.1"))


ItemLightProvider = Callable[[Sequence[int], int, "int | None"], Mapping[int, ItemLight]]

_providers: list[ItemLightProvider] = []


def register_item_light_provider(provider: ItemLightProvider) -> ItemLightProvider:
    """Add ``provider`` (once, however often registered); returns it, to serve as a decorator."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def unregister_item_light_provider(provider: ItemLightProvider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def item_lights(
    item_ids: Iterable[int], year: int, month: int | None = None
) -> dict[int, ItemLight]:
    """``{item id: ItemLight}`` for the items that have a computed light (the first
    provider that answers for an item wins)."""
    ids = list(dict.fromkeys(int(pk) for pk in item_ids))
    found: dict[int, ItemLight] = {}
    if ids:
        for provider in list(_providers):
            for pk, light in provider(ids, year, month).items():
                found.setdefault(pk, light)
    return found


def attach_lights(
    rows: Iterable[Any], year: int, month: int | None = None, *, item: str = ""
) -> None:
    """Set ``light`` (an :class:`ItemLight` or ``None``) on each row: the row is the item,
    or carries it in attribute ``item``. One provider call for all rows."""
    rows = list(rows)
    items = [getattr(row, item) if item else row for row in rows]
    lights = item_lights((i.pk for i in items), year, month)
    for row, it in zip(rows, items, strict=True):
        row.light = lights.get(it.pk)
