"""Panels that higher apps add to a scorecard item's page, without scorecard importing
them (the registry pattern of :mod:`spm.registry`; cf. :mod:`strategy.status`).

A provider is registered in its app's ``AppConfig.ready()``::

    from scorecard.item_panels import item_panels

    item_panels.register("reviews.feedback", feedback_panel, order=55)

and called with the request and the item (already scoped to the reader: out of scope is
a 404 before any provider runs). It answers a :class:`ItemPanel` — a template of its own
app and that template's context — or ``None`` where the reader gets nothing from it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest

from spm.registry import Registry


@dataclass(frozen=True)
class ItemPanel:
    """One panel: ``template`` is included with ``panel`` (this object) in its context."""

    template: str
    context: Mapping[str, Any] = field(default_factory=dict)


ItemPanelProvider = Callable[[HttpRequest, Any], ItemPanel | None]

item_panels: Registry[ItemPanelProvider] = Registry("item panels")


def panels_for(request: HttpRequest, item: Any) -> list[ItemPanel]:
    """The panels the registered providers give ``request``'s reader on ``item``'s page."""
    found = (provider(request, item) for provider in item_panels)
    return [panel for panel in found if panel is not None]
