"""Executives' editing pages: the plan and everything it holds.

Every page answers 404 to a user who may not edit the plan (out of scope is "not found").
A form works as a page of its own and, through HTMX, inside the plan page: a valid save
re-renders the plan body in place; an invalid one re-renders the form with its errors.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget

from org.scoping import CHANGE, actor_of
from spm.clock import clock
from spm.forms import attach_errors
from spm.htmx import is_htmx_partial
from strategy import selectors, services
from strategy.forms import (
    LinkForm,
    ObjectiveForm,
    PerspectiveForm,
    PlanCreateForm,
    PlanForm,
    StrategyForm,
    ThemeForm,
)
from strategy.models import StrategicPlan
from strategy.views.pages import plan_context


def _saved(request: HttpRequest, plan: StrategicPlan, message: str) -> HttpResponse:
    messages.success(request, message)
    if is_htmx_partial(request):
        response = render(request, "strategy/_plan_body.html", plan_context(request, plan))
        return reswap(retarget(response, "#plan-body"), "outerHTML")
    return redirect("strategy-plan-detail", pk=plan.pk)


def _locked(request: HttpRequest, plan: StrategicPlan) -> HttpResponse | None:
    """Approved versions are not edited; say so and go back to the plan."""
    if plan.is_draft:
        return None
    messages.warning(request, _("This version is locked; start a new version to change it."))
    url = reverse("strategy-plan-detail", args=[plan.pk])
    return HttpResponseClientRedirect(url) if is_htmx_partial(request) else redirect(url)


def _form_view(
    request: HttpRequest,
    *,
    plan: StrategicPlan,
    form: BaseForm,
    save: Callable[[dict[str, Any]], Any],
    title: str,
    done: str,
) -> HttpResponse:
    locked = _locked(request, plan)
    if locked is not None:
        return locked
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            back = request.GET.get("next", "")
            if not is_htmx_partial(request) and url_has_allowed_host_and_scheme(
                back, {request.get_host()}, require_https=request.is_secure()
            ):
                # Back where the edit started (the strategy map, an objective's page).
                messages.success(request, done)
                return redirect(back)
            return _saved(request, plan, done)
    inline = is_htmx_partial(request)
    context = {
        "form": form,
        "plan": plan,
        "title": title,
        "action": request.get_full_path(),
        "inline": inline,
    }
    return render(request, "strategy/_form.html" if inline else "strategy/form_page.html", context)


def _post(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


# --- The plan ------------------------------------------------------------------------------
@login_required
def plan_create(request: HttpRequest) -> HttpResponse:
    if not selectors.plan_owner_units(request.user).exists():
        raise Http404
    form = PlanCreateForm(_post(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(actor=actor_of(request), **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Draft plan created with the four BSC perspectives."))
            return redirect("strategy-plan-detail", pk=plan.pk)
    return render(
        request,
        "strategy/form_page.html",
        {"form": form, "title": _("New strategic plan"), "action": request.get_full_path()},
    )


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(request.user, pk, CHANGE)
    return _form_view(
        request,
        plan=plan,
        form=PlanForm(_post(request), instance=plan),
        save=lambda data: services.plan_update(actor=actor_of(request), plan=plan, **data),
        title=_("Plan, mission, vision and values"),
        done=_("Plan saved."),
    )


@login_required
@require_POST
def plan_approve(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(request.user, pk, CHANGE)
    try:
        services.plan_approve(actor=actor_of(request), plan=plan, clock=clock())
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Version %(v)s approved.") % {"v": plan.version})
    return redirect("strategy-plan-detail", pk=plan.pk)


@login_required
@require_POST
def plan_new_version(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(request.user, pk, CHANGE)
    try:
        draft = services.plan_new_version(actor=actor_of(request), plan=plan)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("strategy-plan-detail", pk=plan.pk)
    messages.success(request, _("Draft version %(v)s started.") % {"v": draft.version})
    return redirect("strategy-plan-detail", pk=draft.pk)


@login_required
@require_POST
def plan_delete(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(request.user, pk, CHANGE)
    try:
        services.plan_delete(actor=actor_of(request), plan=plan)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("strategy-plan-detail", pk=plan.pk)
    messages.success(request, _("Draft deleted."))
    return redirect("strategy-plan-list")


# --- Plan content: one create/edit/delete triple per kind ------------------------------------
@login_required
def perspective_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(request.user, pk, CHANGE)
    return _form_view(
        request,
        plan=plan,
        form=PerspectiveForm(_post(request)),
        save=lambda data: services.perspective_create(actor=actor_of(request), plan=plan, **data),
        title=_("New perspective"),
        done=_("Perspective added."),
    )


@login_required
def perspective_edit(request: HttpRequest, pk: int) -> HttpResponse:
    perspective = selectors.perspective_get(request.user, pk, CHANGE)
    return _form_view(
        request,
        plan=perspective.plan,
        form=PerspectiveForm(_post(request), instance=perspective),
        save=lambda data: services.perspective_update(
            actor=actor_of(request), perspective=perspective, **data
        ),
        title=_("Edit perspective"),
        done=_("Perspective saved."),
    )


@login_required
def theme_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(request.user, pk, CHANGE)
    return _form_view(
        request,
        plan=plan,
        form=ThemeForm(_post(request)),
        save=lambda data: services.theme_create(actor=actor_of(request), plan=plan, **data),
        title=_("New strategic theme"),
        done=_("Theme added."),
    )


@login_required
def theme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    theme = selectors.theme_get(request.user, pk, CHANGE)
    return _form_view(
        request,
        plan=theme.plan,
        form=ThemeForm(_post(request), instance=theme),
        save=lambda data: services.theme_update(actor=actor_of(request), theme=theme, **data),
        title=_("Edit strategic theme"),
        done=_("Theme saved."),
    )


@login_required
def strategy_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(request.user, pk, CHANGE)
    return _form_view(
        request,
        plan=plan,
        form=StrategyForm(_post(request), user=request.user, plan=plan),
        save=lambda data: services.strategy_create(actor=actor_of(request), plan=plan, **data),
        title=_("New strategy"),
        done=_("Strategy added."),
    )


@login_required
def strategy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    strategy = selectors.strategy_get(request.user, pk, CHANGE)
    return _form_view(
        request,
        plan=strategy.plan,
        form=StrategyForm(_post(request), instance=strategy, user=request.user, plan=strategy.plan),
        save=lambda data: services.strategy_update(
            actor=actor_of(request), strategy=strategy, **data
        ),
        title=_("Edit strategy"),
        done=_("Strategy saved."),
    )


@login_required
def objective_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(request.user, pk, CHANGE)
    return _form_view(
        request,
        plan=plan,
        form=ObjectiveForm(_post(request), user=request.user, plan=plan),
        save=lambda data: services.objective_create(actor=actor_of(request), plan=plan, **data),
        title=_("New objective"),
        done=_("Objective added."),
    )


@login_required
def objective_edit(request: HttpRequest, pk: int) -> HttpResponse:
    objective = selectors.objective_get(request.user, pk, CHANGE)
    plan = objective.plan
    return _form_view(
        request,
        plan=plan,
        form=ObjectiveForm(_post(request), instance=objective, user=request.user, plan=plan),
        save=lambda data: services.objective_update(
            actor=actor_of(request), objective=objective, **data
        ),
        title=_("Edit objective"),
        done=_("Objective saved."),
    )


@login_required
def link_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(request.user, pk, CHANGE)
    return _form_view(
        request,
        plan=plan,
        form=LinkForm(_post(request), user=request.user, plan=plan),
        save=lambda data: services.link_create(actor=actor_of(request), plan=plan, **data),
        title=_("New cause-effect link"),
        done=_("Link added."),
    )


# --- One-click changes: deletes and moves (POST only) ----------------------------------------
def _act(
    request: HttpRequest, plan: StrategicPlan, run: Callable[[], object], done: str
) -> HttpResponse:
    """Run a one-click change (delete, move) and show the plan again, errors as messages."""
    locked = _locked(request, plan)
    if locked is not None:
        return locked
    try:
        run()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        if is_htmx_partial(request):
            return _saved_without_message(request, plan)
        return redirect("strategy-plan-detail", pk=plan.pk)
    return _saved(request, plan, done)


def _saved_without_message(request: HttpRequest, plan: StrategicPlan) -> HttpResponse:
    response = render(request, "strategy/_plan_body.html", plan_context(request, plan))
    return reswap(retarget(response, "#plan-body"), "outerHTML")


@login_required
@require_POST
def perspective_move(request: HttpRequest, pk: int) -> HttpResponse:
    perspective = selectors.perspective_get(request.user, pk, CHANGE)
    offset = -1 if request.POST.get("direction") == "up" else 1
    return _act(
        request,
        perspective.plan,
        lambda: services.perspective_move(
            actor=actor_of(request), perspective=perspective, offset=offset
        ),
        _("Perspective moved."),
    )


@login_required
@require_POST
def perspective_delete(request: HttpRequest, pk: int) -> HttpResponse:
    perspective = selectors.perspective_get(request.user, pk, CHANGE)
    return _act(
        request,
        perspective.plan,
        lambda: services.perspective_delete(actor=actor_of(request), perspective=perspective),
        _("Perspective deleted."),
    )


@login_required
@require_POST
def theme_delete(request: HttpRequest, pk: int) -> HttpResponse:
    theme = selectors.theme_get(request.user, pk, CHANGE)
    return _act(
        request,
        theme.plan,
        lambda: services.theme_delete(actor=actor_of(request), theme=theme),
        _("Theme deleted."),
    )


@login_required
@require_POST
def strategy_delete(request: HttpRequest, pk: int) -> HttpResponse:
    strategy = selectors.strategy_get(request.user, pk, CHANGE)
    return _act(
        request,
        strategy.plan,
        lambda: services.strategy_delete(actor=actor_of(request), strategy=strategy),
        _("Strategy deleted."),
    )


@login_required
@require_POST
def objective_delete(request: HttpRequest, pk: int) -> HttpResponse:
    objective = selectors.objective_get(request.user, pk, CHANGE)
    return _act(
        request,
        objective.plan,
        lambda: services.objective_delete(actor=actor_of(request), objective=objective),
        _("Objective deleted."),
    )


@login_required
@require_POST
def link_delete(request: HttpRequest, pk: int) -> HttpResponse:
    link = selectors.link_get(request.user, pk, CHANGE)
    return _act(
        request,
        link.plan,
        lambda: services.link_delete(actor=actor_of(request), link=link),
        _("Link deleted."),
    )
