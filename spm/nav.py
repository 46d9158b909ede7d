"""Navigation and home-page panels, contributed by each app.

An app registers ``menu(scope) -> list[MenuItem]`` and optionally
``home_panels(request, scope) -> list[Panel]`` in :mod:`spm.registry` from its
``AppConfig.ready()``. The base template and the home page ask them in dependency order,
so no app edits another's templates.

The menu is grouped by the management loop — Strategy, Goals, Tracking, Assessment,
People — each entry naming its group; :func:`grouped_menu` arranges the entries under
their groups and marks the one the current page belongs to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from org.scoping import Scope
from spm import registry

StrOrPromise = str | Promise

# The loop, in the order a year runs through it: group key -> label.
STRATEGY, GOALS, TRACKING, ASSESSMENT, PEOPLE = (
    "strategy",
    "goals",
    "tracking",
    "assessment",
    "people",
)
GROUPS: dict[str, StrOrPromise] = {
    STRATEGY: _("Strategy"),
    GOALS: _("Goals"),
    TRACKING: _("Tracking"),
    ASSESSMENT: _("Assessment"),
    PEOPLE: _("People"),
}


@dataclass(frozen=True)
class MenuItem:
    label: StrOrPromise
    url_name: str
    icon: str = ""
    args: tuple[Any, ...] = ()
    group: str = ""  # one of GROUPS; required (checked below)

    def __post_init__(self) -> None:
        if self.group not in GROUPS:
            raise ValueError(f"menu group {self.group!r} is not one of {sorted(GROUPS)}")

    @property
    def url(self) -> str:
        return reverse(self.url_name, args=self.args)


@dataclass
class MenuLink:
    """A menu entry as the page shows it: where it goes and whether it is the current page."""

    label: StrOrPromise
    url: str
    active: bool = False


@dataclass
class MenuGroup:
    key: str
    label: StrOrPromise
    links: list[MenuLink] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return any(link.active for link in self.links)


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


def grouped_menu(scope: Scope, path: str) -> list[MenuGroup]:
    """The menu under its groups (empty groups left out), the entry whose URL is the
    longest prefix of ``path`` marked active — so an item page under ``/scorecards/``
    marks "Scorecards", and the home page marks nothing."""
    groups = {key: MenuGroup(key, label) for key, label in GROUPS.items()}
    links: list[MenuLink] = []
    for item in menu(scope):
        try:
            link = MenuLink(item.label, item.url)
        except NoReverseMatch:  # an entry whose URL needs arguments the page lacks
            continue
        groups[item.group].links.append(link)
        links.append(link)
    matches = [link for link in links if link.url != "/" and path.startswith(link.url)]
    if matches:
        max(matches, key=lambda link: len(link.url)).active = True
    return [group for group in groups.values() if group.links]


def home_panels(request: HttpRequest, scope: Scope) -> list[Panel]:
    panels: list[Panel] = []
    for contribute in registry.home_panels:
        panels += contribute(request, scope)
    return sorted(panels, key=lambda p: p.order)
