"""Menu entries and the home panel of the light-up."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from org.scoping import Scope
from spm.nav import TRACKING, MenuItem, Panel


def menu(scope: Scope) -> list[MenuItem]:
    if not scope.is_authenticated:
        return []
    return [MenuItem(_("Light board"), "lightup-board", "traffic-light", group=TRACKING)]


def home_panels(request: HttpRequest, scope: Scope) -> list[Panel]:
    """Items by colour in the viewer's scope for the latest swept month; for HR and
    executives, objectives by colour and the objectives at risk. Read while the panels are
    built (inside the home page's memo), so the plan and the objectives' colours are the
    ones the strategy card (the executive's dashboard) reads."""
    from lightup import selectors
    from lightup.tally import colour_counts_in_scope

    if not scope.is_authenticated:
        return []
    period = selectors.latest_period()
    if period is None:
        return []
    user = request.user
    context: dict[str, Any] = {"period": period}
    # From the tallies the sweep keeps: counting the lights in scope read a million rows
    # for HR and executives at 100,000 employees.
    context["item_counts"] = colour_counts_in_scope(user, *period)
    if scope.has_role("executive", "hr", "admin"):
        context["objectives"] = selectors.objective_summary(user, period)
    return [Panel("lightup/_home_panel.html", context, order=45)]
