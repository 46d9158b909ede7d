"""Strategy pages everyone in scope reads: the plan, its versions, the map and its exports,
one objective. Executives edit the map in place (see :func:`strategy_map`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django_htmx.http import reswap, retarget

from org.scoping import CHANGE, MANAGER, actor_of, scope_of
from spm.clock import clock
from spm.forms import form_save
from spm.htmx import is_htmx_partial
from strategy import selectors, services
from strategy.export import map_pdf
from strategy.forms import LinkForm, ObjectiveForm
from strategy.models import StrategicPlan


def _current_or_none(request: HttpRequest) -> StrategicPlan | None:
    return selectors.current_plan(request.user)


def plan_context(request: HttpRequest, plan: StrategicPlan) -> dict[str, Any]:
    """What the plan page and its HTMX refreshes render."""
    return {
        "plan": plan,
        "overview": selectors.plan_overview(request.user, plan),
        "can_edit": selectors.plan_can_edit(request.user, plan),
        "can_revise": plan.status == "approved"
        and StrategicPlan.objects.can(request.user, CHANGE, plan.pk),
        "successor": selectors.plan_draft_successor(request.user, plan),
        "history": selectors.plan_history(request.user, plan),
    }


@login_required
def strategy_home(request: HttpRequest) -> HttpResponse:
    """The strategy of the user's group: the current plan, and a manager's own part."""
    plan = _current_or_none(request)
    scope = scope_of(request.user)
    context: dict[str, Any] = {"my_objectives": None, "can_create": False}
    if scope.has_role(MANAGER):
        context["my_objectives"] = selectors.my_units_objectives(request.user)[:100]
    if plan is None:
        context["can_create"] = selectors.plan_owner_units(request.user).exists()
        return render(request, "strategy/no_plan.html", context)
    context.update(plan_context(request, plan))
    context["unit_strategy"] = selectors.unit_strategy(request.user, plan, scope.employee_unit_id)
    return render(request, "strategy/plan_detail.html", context)


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = selectors.plans(request.user).order_by("owner_unit__path", "-start_year", "-version")
    return render(
        request,
        "strategy/plan_list.html",
        {"plans": plans, "can_create": selectors.plan_owner_units(request.user).exists()},
    )


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(request.user, pk)
    context = plan_context(request, plan)
    if is_htmx_partial(request):
        return render(request, "strategy/_plan_body.html", context)
    return render(request, "strategy/plan_detail.html", context)


# --- The map -------------------------------------------------------------------------------
def _objective_url(pk: int) -> str:
    return reverse("strategy-objective-detail", args=[pk])


def map_context(
    request: HttpRequest,
    plan: StrategicPlan,
    *,
    objective_form: ObjectiveForm | None = None,
    link_form: LinkForm | None = None,
) -> dict[str, Any]:
    strategy_map = selectors.plan_map(request.user, plan)
    can_edit = selectors.plan_can_edit(request.user, plan)
    context: dict[str, Any] = {
        "plan": plan,
        "map": strategy_map,
        "svg": strategy_map.svg(link_for=_objective_url),
        "can_edit": can_edit,
    }
    if can_edit:
        context["objective_form"] = objective_form or ObjectiveForm(
            user=request.user, plan=plan, prefix="objective"
        )
        context["link_form"] = link_form or LinkForm(user=request.user, plan=plan, prefix="link")
    return context


@login_required
def strategy_map_current(request: HttpRequest) -> HttpResponse:
    plan = _current_or_none(request)
    if plan is None:
        return redirect("strategy-home")
    return redirect("strategy-map", pk=plan.pk)


@login_required
def strategy_map(request: HttpRequest, pk: int) -> HttpResponse:
    """The map; a POST from an executive adds an objective or a link on the spot."""
    if request.method != "POST":
        plan = selectors.plan_get(request.user, pk)
        context = map_context(request, plan)
        if is_htmx_partial(request):
            return render(request, "strategy/_map_workspace.html", context)
        return render(request, "strategy/map.html", context)
    plan = selectors.plan_get(request.user, pk, CHANGE)
    if not plan.is_draft:
        messages.warning(request, _("This version is locked; start a new version to change it."))
        return redirect("strategy-map", pk=plan.pk)
    which = request.POST.get("form")
    create: Callable[..., Any]
    if which == "objective":
        form: Any = ObjectiveForm(request.POST, user=request.user, plan=plan, prefix="objective")
        create, done = services.objective_create, _("Objective added.")
    elif which == "link":
        form = LinkForm(request.POST, user=request.user, plan=plan, prefix="link")
        create, done = services.link_create, _("Link added.")
    else:
        raise Http404
    forms: dict[str, Any] = {f"{which}_form": form}
    if form_save(
        request, form, lambda: create(actor=actor_of(request), plan=plan, **form.cleaned_data)
    ):
        messages.success(request, done)
        if not is_htmx_partial(request):
            return redirect("strategy-map", pk=plan.pk)
        forms = {}
    context = map_context(request, plan, **forms)
    if is_htmx_partial(request):
        response = render(request, "strategy/_map_workspace.html", context)
        return reswap(retarget(response, "#map-workspace"), "outerHTML")
    return render(request, "strategy/map.html", context)


def _board_title(plan: StrategicPlan) -> str:
    return _("%(name)s %(period)s — strategy map (version %(version)s, %(status)s)") % {
        "name": plan.name,
        "period": plan.period,
        "version": plan.version,
        "status": plan.get_status_display().lower(),
    }


def _download(plan: StrategicPlan, body: str | bytes, extension: str, kind: str) -> HttpResponse:
    """The map as a file, named after the plan, its period and version (ASCII: a plain
    header, no encoding)."""
    period = f"{plan.start_year}-{plan.end_year}"
    name = f"strategy-map-{slugify(plan.name) or 'plan'}-{period}-v{plan.version}.{extension}"
    response = HttpResponse(body, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def strategy_map_svg(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(request.user, pk)
    svg = selectors.plan_map(request.user, plan).svg(title=_board_title(plan))
    return _download(plan, svg, "svg", "image/svg+xml; charset=utf-8")


@login_required
def strategy_map_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(request.user, pk)
    title = _board_title(plan)
    svg = selectors.plan_map(request.user, plan).svg(title=title)
    pdf = map_pdf(svg, title=title, generated_at=clock().now())
    return _download(plan, pdf, "pdf", "application/pdf")


@login_required
def objective_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One objective: owner, KPIs, linked objectives. The map loads it into its side panel."""
    detail = selectors.objective_detail(request.user, pk)
    context = {
        "detail": detail,
        "objective": detail.objective,
        "can_edit": selectors.plan_can_edit(request.user, detail.objective.plan),
    }
    if is_htmx_partial(request):
        return render(request, "strategy/_objective_detail.html", context)
    return render(request, "strategy/objective_detail.html", context)
