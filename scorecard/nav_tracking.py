"""Menu entries and the home panel of responsibility letters and monthly actuals
(asked for by ``scorecard.nav``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from org.scoping import ADMIN, EXECUTIVE, HR, MANAGER, Scope
from spm.nav import MenuItem, Panel


def menu(scope: Scope) -> list[MenuItem]:
    return [
        MenuItem(_("Letters"), "letter-list", "pen"),
        MenuItem(_("Actuals"), "actual-list", "graph-up"),
    ]


def home_panels(request: HttpRequest, scope: Scope) -> list[Panel]:
    """What waits for the user: letters to sign or acknowledge, actuals to approve."""
    from scorecard.selectors.actuals import approval_queue
    from scorecard.selectors.letters import letters_awaiting

    context: dict[str, Any] = {"letters": list(letters_awaiting(request.user)[:5])}
    if scope.has_role(MANAGER, HR, EXECUTIVE, ADMIN):
        context["approvals"] = approval_queue(request.user).count()
    return [Panel("scorecard/letters/_home_panel.html", context, order=60)]
