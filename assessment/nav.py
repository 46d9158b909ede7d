"""Menu entry and home panel of the assessment."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from org.scoping import Scope
from spm.nav import ASSESSMENT, MenuItem, Panel


def menu(scope: Scope) -> list[MenuItem]:
    if not scope.is_authenticated:
        return []
    return [MenuItem(_("Assessment"), "assessment-cycles", "clipboard-check", group=ASSESSMENT)]


def home_panels(request: HttpRequest, scope: Scope) -> list[Panel]:
    from assessment import selectors
    from assessment.models import CycleStatus

    user: Any = request.user
    context: dict[str, Any] = {
        "cycles": selectors.running_cycles(user)[:5],
        "mine": None,
    }
    if scope.employee_id is not None:
        context["mine"] = (
            selectors.results(user)
            .filter(employee_id=scope.employee_id, cycle__status=CycleStatus.PUBLISHED)
            .order_by("-cycle__year", "-cycle__period")
            # The line names the cycle; the result's explanation is expanded on reading.
            .select_related(None)
            .select_related("cycle")
            .only("cycle__name")
            .first()
        )
    return [Panel("assessment/_home_panel.html", context, order=60)]
