"""The bonus pages: one's own bonuses, a cycle's payout report (a manager's team, HR's and
executives' totals, distributions, chart and budget), a payout with its explanation, the
computation button and the exports."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessment.models import CycleStatus
from incentives import export, selectors
from incentives.charts import Bar, money_bars
from incentives.selectors import SCHEME_REVISERS
from incentives.services import SCHEME_EDITORS, payouts_compute_start
from incentives.tasks import COMPUTE_KIND
from org.scoping import actor_of, scope_of
from spm.forms import start_job
from spm.models import Job
from spm.paginator import capped_page

PAGE_SIZE = 50
UNIT_PAGE_SIZE = 50
CHART_UNITS = 15
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """One's own published bonuses and, for managers, HR and executives, the cycles."""
    user = actor_of(request)
    reporter = selectors.may_report(user)
    return render(
        request,
        "incentives/home.html",
        {
            "mine": list(selectors.mine(user).select_related("cycle")),
            "cycles": list(selectors.cycles(user)[:20]) if reporter else [],
            "reporter": reporter,
            "importer": scope_of(user).has_role(*SCHEME_EDITORS),
        },
    )


@login_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor_of(request)
    cycle = selectors.report_cycle(user, pk)
    data = selectors.report(user, cycle)
    scope = scope_of(user)
    rows = selectors.payouts(user).filter(cycle=cycle).order_by("unit__path", "employee__name")
    # the kept totals already count the payouts the user sees: no count of every payout
    page = capped_page(rows, PAGE_SIZE, request.GET.get("page"), count=data.people)
    hr = scope.covers(cycle.owner_unit.path, SCHEME_EDITORS)
    # the computation finalising the cycle started (or a re-run), while it runs
    running = (
        Job.objects.filter(kind=COMPUTE_KIND, params__cycle_id=cycle.pk, created_by_id=user.pk)
        .exclude(status__in=[Job.Status.DONE, Job.Status.FAILED])
        .order_by("-pk")
        .first()
        if hr
        else None
    )
    # a group holds ~3,300 units: a page of them at a time (``?units=``), read alone
    units = capped_page(data.units.listed, UNIT_PAGE_SIZE, request.GET.get("units"))
    units.object_list = data.units.rows(units.object_list)
    # the chart: the first units of the report, whichever page the table shows
    charted = (
        units.object_list if units.number == 1 else data.units.rows(data.units.listed[:CHART_UNITS])
    )
    context: dict[str, Any] = {
        "cycle": cycle,
        "report": data,
        "page": page,
        "units": units,
        "job": running,
        "may_compute": hr and cycle.status == CycleStatus.FINALISED,
        "may_whatif": scope.covers(cycle.owner_unit.path, SCHEME_REVISERS)
        and cycle.status != CycleStatus.PUBLISHED,
        "grade_chart": money_bars(
            [Bar(str(g["label"]), g["paid"]) for g in data.by_grade],
            title=_("Bonuses by grade"),
        ),
        "unit_chart": money_bars(
            [Bar(u["unit__name"], u["paid"], u["budget"] or None) for u in charted[:CHART_UNITS]],
            title=_("Bonuses by unit against the budget"),
        ),
    }
    return render(request, "incentives/report.html", context)


@login_required
@require_POST
def compute(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = selectors.report_cycle(actor_of(request), pk)
    return start_job(
        request,
        lambda: payouts_compute_start(actor=actor_of(request), cycle=cycle),
        "incentives-report",
        cycle.pk,
    )


@login_required
def export_file(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The report's payouts the user sees, as CSV or XLSX (every cell neutralised)."""
    cycle = selectors.report_cycle(actor_of(request), pk)
    rows = (
        selectors.payouts(actor_of(request))
        .filter(cycle=cycle)
        .order_by("unit__path", "employee__name")
        .iterator(chunk_size=2000)
    )
    if fmt == "xlsx":
        response = HttpResponse(export.payouts_xlsx(rows), content_type=XLSX)
    else:
        response = HttpResponse(export.payouts_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="payouts-{cycle.pk}.{fmt}"'
    return response


@login_required
def payout(request: HttpRequest, pk: int) -> HttpResponse:
    """A bonus and why: base x coefficient, or the pool share and its arithmetic."""
    row = selectors.payout_get(actor_of(request), pk)
    return render(request, "incentives/payout.html", {"payout": row, "why": row.explanation})
