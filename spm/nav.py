"""Navigation and home-page panels, contributed by each app's ``nav`` module.

An app with a ``nav.py`` defines ``menu(scope) -> list[MenuItem]`` and optionally
``home_panels(request, scope) -> list[Panel]``. The base template and the home page ask
every installed SPM app in dependency order, so no app edits another's templates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from django.http import HttpRequest
from django.utils.functional import Promise

from org.scoping import Scope

StrOrPromise = str | Promise

APPS = ("org", "strategy", "scorecard", "assessment", "incentives")


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


def _modules() -> list[Any]:
    found = []
    for app in APPS:
        try:
            found.append(import_module(f"{app}.nav"))
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.nav":
                raise
    return found


def menu(scope: Scope) -> list[MenuItem]:
    items: list[MenuItem] = []
    for module in _modules():
        items += module.menu(scope)
    return items


def home_panels(request: HttpRequest, scope: Scope) -> list[Panel]:
    panels: list[Panel] = []
    for module in _modules():
        if hasattr(module, "home_panels"):
            panels += module.home_panels(request, scope)
    return sorted(panels, key=lambda p: p.order)
