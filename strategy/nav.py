"""The strategy app's menu entries and home panels.

An executive's home opens on the strategy dashboard (mission, vision, the map, objectives
by status, objectives at risk); everybody else gets a short "our strategy" card.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
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


def home_panels(request: HttpRequest, scope: Scope) -> list[Panel]:
    from strategy import selectors
    from strategy.rules import RED

    plan = selectors.current_plan(request.user)
    if scope.has_role(EXECUTIVE, ADMIN):
        context: dict[str, Any] = {"plan": plan}
        if plan is not None:
            strategy_map = selectors.plan_map(request.user, plan)
            context.update(
                map=strategy_map,
                svg=strategy_map.svg(link_for=_objective_url),
                red_ids={pk for pk, status in strategy_map.statuses.items() if status == RED},
                successor=selectors.plan_draft_successor(request.user, plan),
            )
        return [Panel("strategy/_dashboard_panel.html", context, order=DASHBOARD_ORDER)]
    if plan is None:
        return []
    return [
        Panel(
            "strategy/_home_panel.html",
            {
                "plan": plan,
                "unit_strategy": selectors.unit_strategy(
                    request.user, plan, scope.employee_unit_id
                ),
            },
            order=95,
        )
    ]
