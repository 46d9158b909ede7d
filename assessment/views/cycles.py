"""HR's pages: the cycle list (and a new cycle), the cycle dashboard with its step and
compute buttons, and the XLSX export."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessment import selectors
from assessment.export import results_workbook
from assessment.forms import CycleForm
from assessment.models import (
    COMPUTABLE_STATUSES,
    AssessmentCycle,
    AssessmentCycleQuerySet,
    CycleStatus,
)
from assessment.services import cycles as services
from assessment.services.results import cycle_compute_start
from org.scoping import CHANGE, actor_of, scope_of
from spm.forms import act, form_save, posted_version, start_job
from spm.htmx import is_htmx_partial
from spm.paginator import capped_page, page_of

PAGE_SIZE = 50


def may_run(user: Any, cycle: AssessmentCycle) -> bool:
    return scope_of(user).may(AssessmentCycle, CHANGE, cycle.owner_unit.path)


def may_create(user: Any) -> bool:
    scope = scope_of(user)
    return scope.superuser or bool(scope.paths(AssessmentCycleQuerySet.scope_rules[CHANGE]))


@login_required
def cycle_list(request: HttpRequest) -> HttpResponse:
    """The cycles the user takes part in; HR opens a new one here."""
    form: CycleForm | None = None
    if may_create(request.user):
        data = request.POST if request.method == "POST" else None
        form = bound = CycleForm(data, user=request.user)
        cycle = form_save(
            request,
            bound,
            lambda: services.cycle_create(actor=actor_of(request), **bound.cleaned_data),
        )
        if cycle is not None:
            messages.success(request, _("Cycle created as a draft."))
            return redirect("assessment-cycle", cycle.pk)
    rows = selectors.cycles(actor_of(request)).order_by("-year", "-period", "name")
    page = page_of(request, rows, PAGE_SIZE)
    return render(request, "assessment/cycle_list.html", {"page": page, "form": form})


@login_required
def cycle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The cycle dashboard: progress by step, gaps to close, results, the next step."""
    cycle = selectors.cycle_get(actor_of(request), pk)
    rows = selectors.listed(
        selectors.scored_results(actor_of(request), cycle).order_by("unit__path", "pk")
    )
    if is_htmx_partial(request):
        page = page_of(request, rows, PAGE_SIZE)
        return render(request, "assessment/_result_rows.html", {"cycle": cycle, "page": page})
    dashboard = selectors.cycle_dashboard(
        actor_of(request), cycle, gaps_after=request.GET.get("gaps", "")
    )
    # the dashboard's tallies count the rows: no count query for the pager
    page = capped_page(rows, PAGE_SIZE, request.GET.get("page"), count=dashboard.total)
    context = {
        "cycle": cycle,
        "page": page,
        "dashboard": dashboard,
        "may_run": may_run(request.user, cycle),
        "may_compute": may_run(request.user, cycle) and cycle.status in COMPUTABLE_STATUSES,
        "next_status": cycle.next_status,
        "next_label": CycleStatus(cycle.next_status).label if cycle.next_status else "",
        "steps": CycleStatus.choices,
    }
    return render(request, "assessment/cycle_detail.html", context)


@login_required
@require_POST
def cycle_advance(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = selectors.cycle_get(actor_of(request), pk)
    return act(
        request,
        lambda: services.cycle_advance(
            actor=actor_of(request),
            cycle=cycle,
            to=request.POST.get("to", ""),
            version=posted_version(request),
        ),
        "assessment-cycle",
        cycle.pk,
        done=_("The cycle moved to the next step."),
    )


@login_required
@require_POST
def cycle_compute(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = selectors.cycle_get(actor_of(request), pk)
    return start_job(
        request,
        lambda: cycle_compute_start(actor=actor_of(request), cycle=cycle),
        "assessment-cycle",
        cycle.pk,
    )


@login_required
def cycle_export(request: HttpRequest, pk: int) -> HttpResponse:
    """Every result the user sees in the cycle, with the explanation, as XLSX."""
    cycle = selectors.cycle_get(actor_of(request), pk)
    rows = (
        selectors.scored_results(actor_of(request), cycle)
        .filter(final_score__isnull=False)
        .order_by("unit__path", "pk")
    )
    visible = rows.iterator(chunk_size=2000)
    response = HttpResponse(
        results_workbook(visible),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="assessment-{cycle.pk}.xlsx"'
    return response
