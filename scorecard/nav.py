"""Menu entries and home panels of the scorecard app, letters and actuals included."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from org.scoping import ADMIN, EXECUTIVE, HR, MANAGER, Scope
from spm.nav import GOALS, TRACKING, MenuItem, Panel

# The home panel counts the actuals awaiting the user's approval up to this many.
APPROVALS_COUNTED = 100


def menu(scope: Scope) -> list[MenuItem]:
    items: list[MenuItem] = []
    if scope.employee_id is not None:
        items.append(MenuItem(_("My targets"), "my-targets", "bullseye", group=GOALS))
    items.append(MenuItem(_("Scorecards"), "scorecard-list", "card-checklist", group=GOALS))
    if scope.has_role(MANAGER, HR, EXECUTIVE, ADMIN):
        items.append(MenuItem(_("Alignment"), "scorecard-alignment", "diagram-2", group=GOALS))
    items.append(MenuItem(_("Indicators"), "indicator-list", "book", group=GOALS))
    items.append(MenuItem(_("Letters"), "letter-list", "pen", group=GOALS))
    items.append(MenuItem(_("Actuals"), "actual-list", "graph-up", group=TRACKING))
    return items


def home_panels(request: HttpRequest, scope: Scope) -> list[Panel]:
    from org.models import OrgUnit
    from scorecard.selectors.scorecards import own_card_summary
    from scorecard.views.common import year_of

    panels: list[Panel] = []
    year = year_of(request)
    context: dict[str, Any] = {"scope": scope, "year": year}
    if scope.employee_id is not None:
        context["mine"] = own_card_summary(request.user, scope.employee_id, year)
    if scope.has_role(MANAGER, HR, EXECUTIVE, ADMIN):
        ids = [
            pk for role in (MANAGER, HR, EXECUTIVE, ADMIN) for pk in scope.unit_ids.get(role, ())
        ]
        context["units"] = list(
            OrgUnit.objects.filter(pk__in=ids).only("name").order_by("path")[:5]
        )
    panels.append(Panel("scorecard/_home_panel.html", context, order=50))
    panels.append(_letters_actuals_panel(request, scope))
    return panels


def _letters_actuals_panel(request: HttpRequest, scope: Scope) -> Panel:
    """What waits for the user: letters to sign or acknowledge, actuals to approve."""
    from scorecard.selectors.actuals import approval_queue
    from scorecard.selectors.letters import letters_awaiting

    # What a line shows: whose card, which year, the version and state (not the snapshot).
    letters = letters_awaiting(request.user).only(
        "version", "status", "scorecard__year", "scorecard__unit__name", "scorecard__employee__name"
    )
    context: dict[str, Any] = {"letters": list(letters[:5])}
    if scope.has_role(MANAGER, HR, EXECUTIVE, ADMIN):
        # Counted up to a bound: for HR the queue is the whole group's submitted actuals,
        # and the panel only needs "more than APPROVALS_COUNTED" past it.
        queue = approval_queue(request.user).order_by().values("pk")
        found = queue[: APPROVALS_COUNTED + 1].count()
        context["approvals"] = min(found, APPROVALS_COUNTED)
        context["approvals_more"] = found > APPROVALS_COUNTED
    return Panel("scorecard/letters/_home_panel.html", context, order=60)
