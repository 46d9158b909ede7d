"""Navigation and home-page panels, contributed by each app.

An app registers ``menu(scope) -> list[MenuItem]`` and optionally
``home_panels(request, scope) -> list[Panel]`` in :mod:`spm.registry` from its
``AppConfig.ready()``. The base template and the home page ask them in dependency order,
so no app edits another's templates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.utils.functional import Promise

from org.scoping import Scope
from spm import registry

StrOrPromise = str | Promise


@dataclass(frozen=True)
class MenuItem:
    label: StrOrPromise
    url_name: str
    icon: str = ""
    args: tuple[Any, ...] = ()


@dataclass
class Panel:
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100


def menu(scope: Scope) -> list[MenuItem]:
    items: list[MenuItem] = []
    for contribute in registry.menus:
        items += contribute(scope)
    return items


def home_panels(request: HttpRequest, scope: Scope) -> list[Panel]:
    panels: list[Panel] = []
    for contribute in registry.home_panels:
        panels += contribute(request, scope)
    return sorted(panels, key=lambda p: p.order)
