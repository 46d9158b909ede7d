"""Calibration (ranking, grade chart, forced-distribution check), a manager's team
results and an executive's distribution by unit."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from assessment import selectors
from assessment.charts import grade_bars
from assessment.forms import CalibrateForm
from assessment.models import CycleStatus, Grade
from assessment.services.common import is_subject
from assessment.services.results import CALIBRATORS
from org.models import OrgUnit
from org.scoping import actor_of, scope_of
from spm.paginator import page_of

PAGE_SIZE = 50


def _unit(request: HttpRequest, default: OrgUnit | None) -> OrgUnit | None:
    raw = request.GET.get("unit", "")
    if raw.isdigit():
        return OrgUnit.objects.restrict(request.user).filter(pk=int(raw)).first() or default
    return default


@login_required
def calibration(request: HttpRequest, pk: int) -> HttpResponse:
    """One calibration group (a unit's subtree): ranking, chart, forced distribution."""
    cycle = selectors.cycle_get(actor_of(request), pk)
    unit = _unit(request, None)
    check, page = selectors.calibration(actor_of(request), cycle, unit, request.GET.get("page"))
    scope = scope_of(actor_of(request))
    may_calibrate = cycle.status == CycleStatus.CALIBRATION and scope.has_role(*CALIBRATORS)
    proposed = set(check.proposed_downgrades)
    rows = [
        {
            "rank": n,
            "result": r,
            "downgrade": r.pk in proposed,
            "form": CalibrateForm(initial={"grade": r.effective_grade, "version": r.version})
            if may_calibrate
            and not is_subject(actor_of(request), r)
            and scope.covers(r.unit.path, CALIBRATORS)
            else None,
        }
        for n, r in enumerate(page, start=page.start_index())
    ]
    return render(
        request,
        "assessment/calibration.html",
        {
            "cycle": cycle,
            "unit": unit,
            "check": check,
            "rows": rows,
            "page": page,
            "grades": Grade.choices,
            "chart": grade_bars(
                check.counts,
                title=_("Grade distribution"),
                limit_excellent=check.allowed_excellent,
            ),
        },
    )


@login_required
def team_results(request: HttpRequest, pk: int) -> HttpResponse:
    """A manager's team: the results in the units they manage, their own left out."""
    cycle = selectors.cycle_get(actor_of(request), pk)
    scope = scope_of(actor_of(request))
    rows = selectors.listed(
        selectors.scored_results(actor_of(request), cycle).order_by("unit__path", "pk")
    )
    if scope.employee_id is not None:
        rows = rows.exclude(employee_id=scope.employee_id)
    page = page_of(request, rows, PAGE_SIZE)
    return render(request, "assessment/team_results.html", {"cycle": cycle, "page": page})


@login_required
def distribution(request: HttpRequest, pk: int) -> HttpResponse:
    """Grades per unit under a parent unit (the cycle's owner unit by default)."""
    cycle = selectors.cycle_get(actor_of(request), pk)
    parent = _unit(request, cycle.owner_unit)
    assert parent is not None
    table, totals = selectors.distribution_by_unit(actor_of(request), cycle, parent)
    return render(
        request,
        "assessment/distribution.html",
        {
            "cycle": cycle,
            "parent": parent,
            "table": table,
            "grades": Grade.choices,
            "chart": grade_bars(totals, title=_("Grade distribution")),
        },
    )
