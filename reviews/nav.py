"""Menu entries and the home panel of the people side: what waits for someone."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from org.scoping import ADMIN, HR, MANAGER, Scope
from spm.nav import ASSESSMENT, PEOPLE, MenuItem, Panel


def menu(scope: Scope) -> list[MenuItem]:
    if not scope.is_authenticated:
        return []
    items = [
        MenuItem(_("Reviews to give"), "reviews-mine", group=ASSESSMENT),
        MenuItem(_("Appeals"), "reviews-appeals", group=ASSESSMENT),
        MenuItem(_("Feedback"), "reviews-feedback", group=PEOPLE),
        MenuItem(_("Interviews"), "reviews-interviews", group=PEOPLE),
        MenuItem(_("Improvement plans"), "reviews-plans", group=PEOPLE),
    ]
    if scope.has_role(MANAGER, HR, ADMIN):
        items.append(MenuItem(_("Critical incidents"), "reviews-incidents", group=PEOPLE))
    return items


def home_panels(request: HttpRequest, scope: Scope) -> list[Panel]:
    if scope.employee_id is None:
        return []
    from reviews.people import waiting

    user: Any = request.user
    return [Panel("reviews/_home_panel.html", {"waiting": waiting(user)}, order=55)]
