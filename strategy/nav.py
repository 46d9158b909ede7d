"""The strategy app's menu entries and home panels.

An executive's home opens on the strategy dashboard (mission, vision, the map, objectives
by status, objectives at risk); everybody else gets a short "our strategy" card.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from org.scoping import ADMIN, EXECUTIVE, Scope
from spm.nav import STRATEGY, MenuItem, Panel

DASHBOARD_ORDER = 10  # before the org panel (90): the executive's home is the dashboard


def menu(scope: Scope) -> list[MenuItem]:
    if not scope.is_authenticated:
        return []
    return [
        MenuItem(_("Strategy dashboard"), "strategy-home", "bullseye", group=STRATEGY),
        MenuItem(_("Strategy map"), "strategy-map-current", "diagram-2", group=STRATEGY),
    ]


def _objective_url(pk: int) -> str:
    return reverse("strategy-objective-detail", args=[pk])


# (everything the dashboard's map is drawn from, language, URLs) -> its SVG
_svgs: dict[tuple[Any, ...], str] = {}
_SVGS_MAX = 64  # plans x colourings x languages: a handful in a server


def dashboard_svg(strategy_map: Any) -> str:
    """The dashboard's map as SVG, drawn once per process for each map: its layout and
    drawing depend only on what the key holds (the bands, the objectives in their order
    with what their boxes say, the links, the colours, the language and the URLs), so a
    changed name, link or colour is a new key and is drawn afresh. Drawing it (~800 boxes'
    and lines' worth of text) cost more than reading the map."""
    key = (
        get_language(),
        get_urlconf() or settings.ROOT_URLCONF,
        get_script_prefix(),
        tuple((p.pk, p.name, p.order) for p in strategy_map.perspectives),
        tuple(
            (pk, o.perspective_id, o.code, o.name, o.owner_unit.name)
            for pk, o in strategy_map.objectives.items()
        ),
        tuple((link.cause_id, link.effect_id) for link in strategy_map.links),
        tuple(sorted(strategy_map.statuses.items())),
    )
    found = _svgs.get(key)
    if found is None:
        if len(_svgs) >= _SVGS_MAX:
            _svgs.clear()
        found = _svgs[key] = strategy_map.svg(link_for=_objective_url)
    return found


def home_panels(request: HttpRequest, scope: Scope) -> list[Panel]:
    from org.selectors import home_me
    from strategy import selectors
    from strategy.rules import RED

    plan = selectors.current_plan(request.user)
    if scope.has_role(EXECUTIVE, ADMIN):
        context: dict[str, Any] = {"plan": plan}
        if plan is not None:
            strategy_map = selectors.plan_map(request.user, plan)
            context.update(
                map=strategy_map,
                svg=dashboard_svg(strategy_map),
                red_ids={pk for pk, status in strategy_map.statuses.items() if status == RED},
                successor=selectors.plan_draft_successor(request.user, plan),
            )
        return [Panel("strategy/_dashboard_panel.html", context, order=DASHBOARD_ORDER)]
    if plan is None:
        return []
    # The unit's path comes with one's own record (read once with the "me" card).
    me = home_me(request.user) if scope.employee_unit_id is not None else None
    return [
        Panel(
            "strategy/_home_panel.html",
            {
                "plan": plan,
                "unit_strategy": selectors.unit_strategy_on_path(request.user, plan, me.unit.path)
                if me is not None
                else selectors.unit_strategy(request.user, plan, scope.employee_unit_id),
            },
            order=95,
        )
    ]
