"""Navigation and home-page panels, contributed by each app.

An app registers ``menu(scope) -> list[MenuItem]`` and optionally
``home_panels(request, scope) -> list[Panel]`` in :mod:`spm.registry` from its
``AppConfig.ready()``. The base template and the home page ask them in dependency order,
so no app edits another's templates.

The menu is grouped by the management loop — Strategy, Goals, Tracking, Assessment,
People — each entry naming its group; :func:`grouped_menu` arranges the entries under
their groups and marks the one the current page belongs to.

Every page shows the menu, so it must cost next to nothing: a contributor's menu depends on
the user's *roles* only (:func:`menu_key`: signed in or not, superuser, the roles of
:attr:`Scope.roles` — never a unit, an id or a query), and the entries with their URLs are
built once per process for each set of roles (:func:`menu_entries`), and their HTML once for
each set of roles, language and current entry (:func:`menu_html`): a page only looks it up.
A role granted or revoked changes the user's scope, read afresh by every request, and with it
the key: the next page shows it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
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


def menu_key(scope: Scope) -> tuple[bool, bool, frozenset[str]]:
    """All a menu may depend on: signed in, superuser, the roles."""
    return (scope.is_authenticated, scope.superuser, scope.roles)


# (menu key, registry version, URL conf, script prefix) -> (group, label, url) of each entry
_entries: dict[tuple[Any, ...], tuple[tuple[str, StrOrPromise, str], ...]] = {}
_ENTRIES_MAX = 512  # role sets x URL confs: a handful in a server, more in a test run


def entries_key(scope: Scope) -> tuple[Any, ...]:
    """All the menu's entries depend on: the roles, the contributors, the URLs."""
    return (
        menu_key(scope),
        registry.menus.version,
        get_urlconf() or settings.ROOT_URLCONF,
        get_script_prefix(),
    )


def menu_entries(scope: Scope) -> tuple[tuple[str, StrOrPromise, str], ...]:
    """The menu's entries as (group, label, URL), built once per process for each
    :func:`menu_key` (labels stay lazy: each page shows them in its own language)."""
    key = entries_key(scope)
    found = _entries.get(key)
    if found is None:
        built = []
        for item in menu(scope):
            try:
                built.append((item.group, item.label, item.url))
            except NoReverseMatch:  # an entry whose URL needs arguments the page lacks
                continue
        if len(_entries) >= _ENTRIES_MAX:
            _entries.clear()
        found = _entries[key] = tuple(built)
    return found


def grouped_menu(scope: Scope, path: str) -> list[MenuGroup]:
    """The menu under its groups (empty groups left out), the entry whose URL is the
    longest prefix of ``path`` marked active — so an item page under ``/scorecards/``
    marks "Scorecards", and the home page marks nothing."""
    entries = menu_entries(scope)
    active = active_url(entries, path)
    groups = {key: MenuGroup(key, label) for key, label in GROUPS.items()}
    for group, label, url in entries:
        groups[group].links.append(MenuLink(label, url, active=url == active))
    return [group for group in groups.values() if group.links]


def active_url(entries: tuple[tuple[str, StrOrPromise, str], ...], path: str) -> str | None:
    """The URL of the entry the page at ``path`` belongs to: the longest that prefixes it
    (never the home page's, which prefixes every path)."""
    matches = [url for _group, _label, url in entries if url != "/" and path.startswith(url)]
    return max(matches, key=len) if matches else None


# (entries key, language, current entry) -> the menu's HTML
_html: dict[tuple[Any, ...], SafeString] = {}


def menu_html(scope: Scope, path: str) -> SafeString:
    """The menu's groups as ``base.html`` shows them (``spm/_nav_menu.html``), rendered once
    per process for each set of entries (:func:`entries_key`: the roles, never the person),
    language and current entry: every page shows the menu, and its labels, links and marks
    depend on nothing else. A page only looks it up."""
    entries = menu_entries(scope)
    active = active_url(entries, path)
    key = (entries_key(scope), get_language(), active)
    found = _html.get(key)
    if found is None:
        html = render_to_string("spm/_nav_menu.html", {"nav_groups": grouped_menu(scope, path)})
        if len(_html) >= _ENTRIES_MAX * 8:  # current entries x languages
            _html.clear()
        # Without the file's last newline: base.html ends the line itself.
        found = _html[key] = mark_safe(html.removesuffix("\n"))  # noqa: S308  # rendered, escaped
    return found


def home_panels(request: HttpRequest, scope: Scope) -> list[Panel]:
    panels: list[Panel] = []
    for contribute in registry.home_panels:
        panels += contribute(request, scope)
    return sorted(panels, key=lambda p: p.order)
