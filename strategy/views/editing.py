"""Executives' editing pages: the plan and everything it holds.

Every page answers 404 to a user who may not edit the plan (out of scope is "not found").
A form works as a page of its own and, through HTMX, inside the plan page: a valid save
re-renders the plan body in place; an invalid one re-renders the form with its errors.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget

from org.scoping import CHANGE, actor_of
from spm.clock import clock
from spm.forms import act, form_save, safe_next
from spm.htmx import is_htmx_partial
from strategy import selectors, services
from strategy.forms import (
    LinkForm,
    ObjectiveForm,
    PerspectiveForm,
    PlanContentForm,
    PlanCreateForm,
    PlanForm,
    StrategyForm,
    ThemeForm,
)
from strategy.models import StrategicPlan
from strategy.views.pages import plan_context

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _plan_body(request: HttpRequest, plan: StrategicPlan) -> HttpResponse:
    response = render(request, "strategy/_plan_body.html", plan_context(request, plan))
    return reswap(retarget(response, "#plan-body"), "outerHTML")


def _shown(request: HttpRequest, plan: StrategicPlan) -> HttpResponse:
    """The plan again: its body in place through HTMX, else its page."""
    if is_htmx_partial(request):
        return _plan_body(request, plan)
    return redirect("strategy-plan-detail", pk=plan.pk)


def _saved(request: HttpRequest, plan: StrategicPlan, message: StrOrPromise) -> HttpResponse:
    messages.success(request, message)
    return _shown(request, plan)


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
    title: StrOrPromise,
    done: StrOrPromise,
) -> HttpResponse:
    locked = _locked(request, plan)
    if locked is not None:
        return locked
    if form_save(request, form, lambda: save(form.cleaned_data)) is not None:
        back = safe_next(request, request.GET.get("next"))
        if back is not None and not is_htmx_partial(request):
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
    plan = form_save(
        request, form, lambda: services.plan_create(actor=actor_of(request), **form.cleaned_data)
    )
    if plan is not None:
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
    return act(
        request,
        lambda: services.plan_approve(actor=actor_of(request), plan=plan, clock=clock()),
        "strategy-plan-detail",
        plan.pk,
        done=lambda _approved: _("Version %(v)s approved.") % {"v": plan.version},
    )


@login_required
@require_POST
def plan_new_version(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(request.user, pk, CHANGE)
    return act(
        request,
        lambda: services.plan_new_version(actor=actor_of(request), plan=plan),
        "strategy-plan-detail",
        plan.pk,
        done=lambda draft: _("Draft version %(v)s started.") % {"v": draft.version},
        then=lambda draft: redirect("strategy-plan-detail", pk=draft.pk),
    )


@login_required
@require_POST
def plan_delete(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(request.user, pk, CHANGE)
    return act(
        request,
        lambda: services.plan_delete(actor=actor_of(request), plan=plan),
        "strategy-plan-detail",
        plan.pk,
        done=_("Draft deleted."),
        then=lambda _deleted: redirect("strategy-plan-list"),
    )


# --- Plan content: one create/edit/delete set per kind --------------------------------------
@dataclass(frozen=True)
class Content:
    """One kind of plan content as the editing pages see it: how to find one (404 out of
    scope), its form and its services. ``name`` is the keyword its update and delete
    services take the row by (``theme_update(theme=...)``)."""

    name: str
    form: type[PlanContentForm]
    get: Callable[..., Any]
    create: Callable[..., Any]
    update: Callable[..., Any]
    delete: Callable[..., Any]

    @classmethod
    def named(cls, name: str, form: type[PlanContentForm]) -> Content:
        """The kind whose selector and services carry the house names: ``<name>_get`` in
        ``strategy.selectors``; ``<name>_create``, ``_update``, ``_delete`` in
        ``strategy.services``. A missing one fails on import, not on the first request."""
        create, update, delete = (
            getattr(services, f"{name}_{verb}") for verb in ("create", "update", "delete")
        )
        return cls(name, form, getattr(selectors, f"{name}_get"), create, update, delete)


View = Callable[[HttpRequest, int], HttpResponse]


def create_page(kind: Content, *, title: StrOrPromise, done: StrOrPromise) -> View:
    """``plans/<pk>/<kind>/new/``: the form of a new row of the plan."""

    @login_required
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        plan = selectors.plan_get(request.user, pk, CHANGE)
        return _form_view(
            request,
            plan=plan,
            form=kind.form(_post(request), user=request.user, plan=plan),
            save=lambda data: kind.create(actor=actor_of(request), plan=plan, **data),
            title=title,
            done=done,
        )

    return view


def edit_page(kind: Content, *, title: StrOrPromise, done: StrOrPromise) -> View:
    """``<kind>/<pk>/edit/``: the form of one row."""

    @login_required
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        row = kind.get(request.user, pk, CHANGE)
        return _form_view(
            request,
            plan=row.plan,
            form=kind.form(_post(request), instance=row, user=request.user, plan=row.plan),
            save=lambda data: kind.update(actor=actor_of(request), **{kind.name: row}, **data),
            title=title,
            done=done,
        )

    return view


def delete_action(kind: Content, *, done: StrOrPromise) -> View:
    """``<kind>/<pk>/delete/`` (POST): remove one row and show the plan again."""

    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        row = kind.get(request.user, pk, CHANGE)
        return _act(
            request,
            row.plan,
            lambda: kind.delete(actor=actor_of(request), **{kind.name: row}),
            done,
        )

    return view


PERSPECTIVE = Content.named("perspective", PerspectiveForm)
THEME = Content.named("theme", ThemeForm)
STRATEGY = Content.named("strategy", StrategyForm)
OBJECTIVE = Content.named("objective", ObjectiveForm)
LINK = Content.named("link", LinkForm)

perspective_create = create_page(
    PERSPECTIVE, title=gettext_lazy("New perspective"), done=gettext_lazy("Perspective added.")
)
perspective_edit = edit_page(
    PERSPECTIVE, title=gettext_lazy("Edit perspective"), done=gettext_lazy("Perspective saved.")
)
perspective_delete = delete_action(PERSPECTIVE, done=gettext_lazy("Perspective deleted."))
theme_create = create_page(
    THEME, title=gettext_lazy("New strategic theme"), done=gettext_lazy("Theme added.")
)
theme_edit = edit_page(
    THEME, title=gettext_lazy("Edit strategic theme"), done=gettext_lazy("Theme saved.")
)
theme_delete = delete_action(THEME, done=gettext_lazy("Theme deleted."))
strategy_create = create_page(
    STRATEGY, title=gettext_lazy("New strategy"), done=gettext_lazy("Strategy added.")
)
strategy_edit = edit_page(
    STRATEGY, title=gettext_lazy("Edit strategy"), done=gettext_lazy("Strategy saved.")
)
strategy_delete = delete_action(STRATEGY, done=gettext_lazy("Strategy deleted."))
objective_create = create_page(
    OBJECTIVE, title=gettext_lazy("New objective"), done=gettext_lazy("Objective added.")
)
objective_edit = edit_page(
    OBJECTIVE, title=gettext_lazy("Edit objective"), done=gettext_lazy("Objective saved.")
)
objective_delete = delete_action(OBJECTIVE, done=gettext_lazy("Objective deleted."))
link_create = create_page(
    LINK, title=gettext_lazy("New cause-effect link"), done=gettext_lazy("Link added.")
)
link_delete = delete_action(LINK, done=gettext_lazy("Link deleted."))


# --- One-click changes: deletes and moves (POST only) ----------------------------------------
def _act(
    request: HttpRequest, plan: StrategicPlan, run: Callable[[], object], done: StrOrPromise
) -> HttpResponse:
    """Run a one-click change (delete, move) and show the plan again, errors as messages."""
    locked = _locked(request, plan)
    if locked is not None:
        return locked
    return act(request, run, lambda: _shown(request, plan), done=done)


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
