"""Menu entries and the home panel of the light-up."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from org.scoping import Scope
from spm.nav import MenuItem, Panel


def menu(scope: Scope) -> list[MenuItem]:
    if not scope.is_authenticated:
        return []
    return [MenuItem(_("Light board"), "lightup-board", "traffic-light")]


def home_panels(request: HttpRequest, scope: Scope) -> list[Panel]:
    """Items by colour in the viewer's scope for the latest swept month; for executives,
    objectives by colour and the objectives at risk."""
    from lightup import selectors

    if not scope.is_authenticated:
        return []
    period = selectors.latest_period()
    if period is None:
        return []
    context: dict[str, Any] = {"period": period}
    context["item_counts"] = selectors.colour_counts(
        selectors.statuses(request.user).filter(year=period[0], month=period[1])
    )
    if scope.has_role("executive", "hr", "admin"):
        context["objectives"] = selectors.objective_summary(request.user, period)
    return [Panel("lightup/_home_panel.html", context, order=45)]
