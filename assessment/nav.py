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

    user: Any = request.user
    context: dict[str, Any] = {
        "cycles": selectors.running_cycles(user)[:5],
        "mine": None,
    }
    if scope.employee_id is not None:
        # The latest: read with the results "waiting for you" may appeal.
        published = selectors.published_results(user, scope.employee_id)
        context["mine"] = published[0] if published else None
    return [Panel("assessment/_home_panel.html", context, order=60)]
