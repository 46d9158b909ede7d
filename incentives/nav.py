"""Menu entry and home panel of the incentives."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from org.scoping import Scope
from spm.nav import ASSESSMENT, MenuItem, Panel


def menu(scope: Scope) -> list[MenuItem]:
    if not scope.is_authenticated:
        return []
    return [MenuItem(_("Bonuses"), "incentives-home", "cash-coin", group=ASSESSMENT)]


def home_panels(request: HttpRequest, scope: Scope) -> list[Panel]:
    from assessment.models import CycleStatus
    from assessment.selectors import running_cycles
    from incentives import selectors

    user: Any = request.user
    reporter = selectors.may_report(user)
    context: dict[str, Any] = {
        "mine": selectors.latest_of_mine(user) if scope.employee_id is not None else None,
        "reporter": reporter,
        # Those the bonuses are worked out for (read once with the assessment panel's).
        "cycles": [
            cycle
            for cycle in running_cycles(user)
            if cycle.status in (CycleStatus.CALIBRATION, CycleStatus.FINALISED)
        ][:5]
        if reporter
        else [],
    }
    return [Panel("incentives/_home_panel.html", context, order=70)]
