"""Light board pages: the board, an item's chart, and the on-demand sweep."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lightup import selectors
from lightup.board_html import list_body_html
from lightup.chart import ChartData, item_chart_svg
from lightup.grid import board_grid, body_html
from lightup.models import Colour, LightStatus
from lightup.services import may_sweep
from lightup.tasks import lightup_sweep_job
from org.models import OrgUnit
from org.scoping import actor_of, get_scoped
from scorecard.models import ScorecardItem
from spm.clock import clock, previous_month
from spm.htmx import is_htmx_partial
from spm.jobs import job_create
from spm.saved_filters import with_saved_filters

PAGE_SIZE = 100


def _int(value: Any, low: int, high: int) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if low <= number <= high else None


def board_filters(request: HttpRequest) -> selectors.BoardFilters:
    """Filters from the query string; the month defaults to the latest swept month."""
    period = selectors.latest_period() or previous_month(clock().today())
    return selectors.BoardFilters(
        year=_int(request.GET.get("year"), 2000, 2100) or period[0],
        month=_int(request.GET.get("month"), 1, 12) or period[1],
        perspective=_int(request.GET.get("perspective"), 1, 2**62),
        unit=_int(request.GET.get("unit"), 1, 2**62),
        colour=request.GET.get("colour", "") if request.GET.get("colour") in Colour.values else "",
        owner=request.GET.get("owner", "").strip()[:100],
        only_unit=_int(request.GET.get("only_unit"), 1, 2**62),
        indicator=_int(request.GET.get("indicator"), 1, 2**62),
        item=request.GET.get("item", "").strip()[:200],
    )


@login_required
@with_saved_filters("board")
def board(request: HttpRequest) -> HttpResponse:
    from strategy.models import Perspective
    from strategy.selectors import current_plan

    filters = board_filters(request)
    tally = selectors.board_tally(request.user, filters)
    grid = request.GET.get("view") != "list"
    context: dict[str, Any] = {"view": "grid" if grid else "list"}
    if grid:
        units = tally.units if tally is not None else None
        context["grid"] = board_grid(request.user, filters, request.GET.get("page"), units)
        context["page"] = context["grid"].page
        context["grid_body"] = body_html(context["grid"], filters)
    else:
        page = selectors.board_page(
            request.user, filters, request.GET.get("page"), PAGE_SIZE, tally
        )
        for row in page.object_list:
            row.change = selectors.change_of(getattr(row, "previous_colour", None), row.colour)
        context["page"] = page
        context["list_body"] = list_body_html(page.object_list)
    if tally is not None:
        counts, before = tally.counts, tally.before_counts
    else:
        counts = selectors.colour_counts(selectors.board_rows(request.user, filters))
        before = {}
        if filters.month > 1:
            last_month = selectors.BoardFilters(**{**filters.__dict__, "month": filters.month - 1})
            before = selectors.colour_counts(selectors.board_rows(request.user, last_month))
    context |= {
        "filters": filters,
        "count_rows": [
            (value, label, counts[value], before.get(value)) for value, label in Colour.choices
        ],
        "colours": Colour.choices,
        "months": range(1, 13),
        "perspectives": Perspective.objects.filter(plan=current_plan(request.user))
        .order_by("order", "pk")
        .values("pk", "name"),
        "units": OrgUnit.objects.restrict(request.user)
        .filter(active=True, depth__lte=3)
        .order_by("path")
        .values("pk", "name", "depth"),
        "may_sweep": may_sweep(actor_of(request)),
    }
    if is_htmx_partial(request):
        return render(request, "lightup/_board_rows.html", context)
    return render(request, "lightup/board.html", context)


@login_required
def item_chart(request: HttpRequest, pk: int) -> HttpResponse:
    """An item's lights month by month: chart, forecast, deviation, colour history."""
    item = get_scoped(
        ScorecardItem.objects.select_related(
            "scorecard__unit", "scorecard__employee", "objective", "indicator"
        ),
        actor_of(request),
        pk,
        action="view",
    )
    year = item.scorecard.year
    history = {s.month: s for s in LightStatus.objects.filter(item=item, year=year)}
    latest = history[max(history)] if history else None
    data = ChartData(
        plan=[history[m].plan_to_date if m in history else None for m in range(1, 13)],
        actual=[history[m].actual_to_date if m in history else None for m in range(1, 13)],
        colours=[history[m].colour if m in history else None for m in range(1, 13)],
        forecast=latest.forecast if latest else None,
        labels=(_("plan to date"), _("actual to date"), _("forecast")),
    )
    return render(
        request,
        "lightup/item.html",
        {
            "item": item,
            "year": year,
            "history": [history[m] for m in sorted(history)],
            "latest": latest,
            "svg": item_chart_svg(data, title=item.name),
        },
    )


@login_required
@require_POST
def sweep(request: HttpRequest) -> HttpResponse:
    """HR and executives start a sweep of a month; the job page shows its progress."""
    if not may_sweep(actor_of(request)):
        raise PermissionDenied
    filters = board_filters(request)
    year = _int(request.POST.get("year"), 2000, 2100) or filters.year
    month = _int(request.POST.get("month"), 1, 12) or filters.month
    job = job_create(
        kind="lightup_sweep",
        user=request.user,
        params={"year": year, "month": month},
        task=lightup_sweep_job,
    )
    return redirect("job-detail", pk=job.pk)
