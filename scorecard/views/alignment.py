"""The alignment page: objective → unit items → employee items, with warnings."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from org import selectors as org_selectors
from org.scoping import ADMIN, EXECUTIVE, HR, MANAGER, scope_of
from scorecard.selectors import alignment as selectors
from scorecard.selectors.scorecards import years
from scorecard.views.common import year_of
from spm.clock import clock
from spm.htmx import is_htmx_partial


@login_required
def alignment_view(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    if not scope.has_role(MANAGER, HR, EXECUTIVE, ADMIN):
        raise Http404
    unit_id = request.GET.get("unit", "")
    if unit_id.isdigit():
        unit = org_selectors.org_unit_get(request.user, int(unit_id))
    else:
        top = org_selectors.org_scope_roots(request.user).first()
        if top is None:
            raise Http404
        unit = top
    year = year_of(request)
    plans, plan = selectors.plan_choice(request.user, unit, year, request.GET.get("plan", ""))
    levels_text = request.GET.get("levels", "2")
    levels = min(int(levels_text), 6) if levels_text.isdigit() else 2
    context = {
        "view": selectors.alignment(request.user, unit=unit, year=year, plan=plan, levels=levels),
        "plans": plans,
        "years": years(request.user, clock().today().year),
        "units": org_selectors.org_units(request.user)
        .filter(active=True)
        .only("id", "name", "depth"),
        "ancestors": org_selectors.org_unit_ancestors(request.user, unit),
    }
    if is_htmx_partial(request):
        return render(request, "scorecard/_alignment_body.html", context)
    return render(request, "scorecard/alignment.html", context)
