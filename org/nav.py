from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _

from org.scoping import ADMIN, EXECUTIVE, HR, MANAGER, Scope
from spm.nav import PEOPLE, MenuItem, Panel


def menu(scope: Scope) -> list[MenuItem]:
    items = [MenuItem(_("Org tree"), "org-tree", "diagram-3", group=PEOPLE)]
    if scope.has_role(MANAGER, HR, EXECUTIVE, ADMIN):
        items.append(MenuItem(_("Directory"), "employee-list", "people", group=PEOPLE))
    return items


def home_panels(request: HttpRequest, scope: Scope) -> list[Panel]:
    from org import headcount, selectors

    context: dict[str, Any] = {"scope": scope}
    if scope.employee_id is not None:
        context["me"] = selectors.home_me(request.user)
        if context["me"] is None:
            raise Http404
    if scope.has_role(MANAGER, HR, EXECUTIVE, ADMIN):
        # A line per root: its name and how many sub-units (not its head, nor every column).
        context["roots"] = selectors.home_roots(request.user)
        context["headcount"] = headcount.in_scope(request.user)
    return [Panel("org/_home_panel.html", context, order=90)]
