"""Menu entries and the home panel of the light-up."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from org.scoping import Scope
from spm.nav import TRACKING, MenuItem, Panel


def menu(scope: Scope) -> list[MenuItem]:
    if not scope.is_authenticated:
        return []
    return [MenuItem(_("Light board"), "lightup-board", "traffic-light", group=TRACKING)]


def home_panels(request: HttpRequest, scope: Scope) -> list[Panel]:
    """Items by colour in the viewer's scope for the latest swept month; for executives,
    objectives by colour and the objectives at risk.

    The figures are read when the panel's template shows them (lazily): two queries of the
    tallies, and for HR and executives two more — the plan's objectives and the objective
    tallies of the whole group (~30,000 rows at 100,000 employees). The template names
    them without ``panel.`` (``period``, ``item_counts``, ``objectives``), which the home
    page's ``include ... with panel=`` does not define, so today it shows none of them
    and none is read; once it names them, they are read as before."""
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
    context["item_counts"] = SimpleLazyObject(lambda: colour_counts_in_scope(user, *period))
    if scope.has_role("executive", "hr", "admin"):
        context["objectives"] = SimpleLazyObject(lambda: selectors.objective_summary(user, period))
    return [Panel("lightup/_home_panel.html", context, order=45)]
