"""Item pages: one item, add, edit (with stale-edit refusal), remove, monthly plan."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Max, Min, Sum
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from org.scoping import CHANGE, actor_of
from scorecard.forms.items import ItemForm, MonthlyPlanForm
from scorecard.item_panels import panels_for
from scorecard.models import COMPLETE, ItemKind, Milestone, ScorecardItem
from scorecard.rules import scoring
from scorecard.selectors import items as item_selectors
from scorecard.selectors import scorecards as selectors
from scorecard.selectors.duties import own_cards_q
from scorecard.selectors.lines import item_lines
from scorecard.selectors.progress import progress_of
from scorecard.services import items as services
from scorecard.services.cascade import allowed_modes
from spm.clock import clock
from spm.forms import act, attach_errors, attach_stale, form_save, posted_version
from spm.paginator import PAGE_SIZE, capped_page


@login_required
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = item_selectors.item_page_get(request.user, pk)
    children = item_selectors.item_children(request.user, item)
    totals = children.aggregate(
        total=Sum("target"), low=Min("target"), high=Max("target"), n=Count("pk")
    )
    bounds = (
        [totals["total"]] if item.aggregation == scoring.SUM else [totals["low"], totals["high"]]
    )
    adds_up = (
        scoring.children_add_up(item.target, bounds, item.aggregation, item.polarity)
        if item.kind == ItemKind.QUANTITATIVE
        and item.target is not None
        and totals["total"] is not None
        else True
    )
    actuals = {a.month: a for a in getattr(item, "counted_actuals", [])}
    plan = {p.month: p.value for p in getattr(item, "plan_rows", [])}
    months = [{"month": m, "plan": plan.get(m), "actual": actuals.get(m)} for m in range(1, 13)]
    may_change = not item.scorecard.locked and selectors.may_change(request.user, item.scorecard)
    context = {
        "item": item,
        "progress": progress_of([item], today=clock().today())[item.pk],
        "line": item_lines([item])[item.pk],
        # Counted with the totals: the pager needs no count of its own, nor a read of no
        # children (most items are not decomposed).
        "page": capped_page(
            children if totals["n"] else [], PAGE_SIZE, request.GET.get("page"), count=totals["n"]
        ),
        # Only summed targets add up; a ratio's children are shown, never summed.
        "children_total": totals["total"] if item.aggregation == scoring.SUM else None,
        "adds_up": adds_up,
        "months": months,
        "milestones": getattr(item, "milestone_rows", []),
        # Only a milestone item shows its milestones.
        "completable": set(
            Milestone.objects.restrict(request.user, COMPLETE)
            .filter(item=item)
            .exclude(own_cards_q(actor_of(request), "item__scorecard"))
            .values_list("pk", flat=True)
        )
        if item.kind == ItemKind.MILESTONE
        else set(),
        "can_edit": may_change,
        "can_cascade": item.scorecard.employee_id is None
        and selectors.changeable_units(request.user)
        .filter(path__startswith=item.scorecard.unit.path)
        .exists(),
        "modes": allowed_modes(item),
        # What a line of the changes shows, not the item's every column at each version.
        "history": item.history.select_related("history_user")
        .only(
            "history_date",
            "history_type",
            "history_change_reason",
            "target",
            "history_user__username",
        )
        .order_by("-history_date")[:10],
        "actual_history_url": reverse("actual-history", args=[item.pk])
        if item.kind == ItemKind.QUANTITATIVE
        else None,
        # what higher apps add (feedback threads …), see scorecard.item_panels
        "item_panels": panels_for(request, item),
    }
    return render(request, "scorecard/items/detail.html", context)


def _locked_redirect(request: HttpRequest, scorecard_pk: int) -> HttpResponse:
    messages.error(request, _("This scorecard is signed and locked; amend it instead."))
    return redirect("scorecard-detail", pk=scorecard_pk)


@login_required
def item_new(request: HttpRequest, pk: int) -> HttpResponse:
    scorecard = selectors.scorecard_get(request.user, pk, CHANGE)
    kind = request.GET.get("kind") or request.POST.get("kind") or ItemKind.QUANTITATIVE
    if kind not in ItemKind.values:
        kind = ItemKind.QUANTITATIVE
    if scorecard.locked:
        return _locked_redirect(request, scorecard.pk)
    data = request.POST if request.method == "POST" else None
    form = ItemForm(data, user=actor_of(request), scorecard=scorecard, kind=kind)
    item = form_save(
        request,
        form,
        lambda: services.item_create(
            actor=actor_of(request), scorecard=scorecard, kind=kind, **form.goal()
        ),
    )
    if item is not None:
        messages.success(request, _("Item added."))
        return redirect("scorecard-item", pk=item.pk)
    return render(
        request,
        "scorecard/items/form.html",
        {"form": form, "scorecard": scorecard, "kind": kind, "kind_label": ItemKind(kind).label},
    )


def _save(
    request: HttpRequest,
    form: BaseForm,
    item: ScorecardItem,
    save: Callable[[], object],
    *,
    done: str,
) -> tuple[HttpResponse | None, ScorecardItem | None]:
    """Save a valid item form: the way back to the item, with ``done`` said; or no way
    (the form shows why) and, when the edit was stale, the stored item. A stale form keeps
    everything typed, now based on the stored version, so saving again knowingly replaces
    the other person's change."""
    try:
        save()
    except services.StaleItem as exc:
        stored = exc.current
        attach_stale(form, exc, stored.version if stored else form.cleaned_data["version"])
        return None, stored
    except ValidationError as exc:
        attach_errors(form, exc)
        return None, None
    messages.success(request, done)
    return redirect("scorecard-item", pk=item.pk), None


@login_required
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = item_selectors.item_get(request.user, pk, CHANGE)
    stored: Any = None
    if item.scorecard.locked and request.method != "POST":
        return _locked_redirect(request, item.scorecard_id)
    data = request.POST if request.method == "POST" else None
    form = ItemForm(
        data, instance=item, user=actor_of(request), scorecard=item.scorecard, kind=item.kind
    )
    if data is not None and form.is_valid():
        saved, stored = _save(
            request,
            form,
            item,
            lambda: services.item_update(
                actor=actor_of(request),
                item=item,
                expected_version=form.cleaned_data.get("version"),
                **form.goal(),
            ),
            done=_("Item saved."),
        )
        if saved is not None:
            return saved
    return render(
        request,
        "scorecard/items/form.html",
        {
            "form": form,
            "scorecard": item.scorecard,
            "item": item,
            "kind": item.kind,
            "kind_label": ItemKind(item.kind).label,
            "stored": stored,
        },
        status=409 if stored is not None else 200,
    )


@login_required
@require_POST
def item_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = item_selectors.item_get(request.user, pk, CHANGE)
    return act(
        request,
        lambda: services.item_delete(
            actor=actor_of(request), item=item, expected_version=posted_version(request)
        ),
        "scorecard-item",
        item.pk,
        done=_("Item removed."),
        then=lambda _deleted: redirect("scorecard-detail", pk=item.scorecard_id),
    )


@login_required
def item_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """The item's monthly plan, twelve values at once."""
    item = item_selectors.item_get(request.user, pk, CHANGE)
    if item.scorecard.locked:
        return _locked_redirect(request, item.scorecard_id)
    if item.kind != ItemKind.QUANTITATIVE:
        messages.error(request, _("Only quantitative items have a monthly plan."))
        return redirect("scorecard-item", pk=item.pk)
    initial: dict[str, Any] = {f"m{p.month}": p.value for p in getattr(item, "plan_rows", [])}
    initial["version"] = item.version
    data = request.POST if request.method == "POST" else None
    form = MonthlyPlanForm(data, initial=initial)
    if data is not None and form.is_valid():
        saved, _stored = _save(
            request,
            form,
            item,
            lambda: services.item_set_monthly_plan(
                actor=actor_of(request),
                item=item,
                expected_version=form.cleaned_data["version"],
                values=form.values(),
            ),
            done=_("Monthly plan saved."),
        )
        if saved is not None:
            return saved
    total = sum(p.value for p in getattr(item, "plan_rows", []))
    return render(
        request, "scorecard/items/plan.html", {"form": form, "item": item, "plan_total": total}
    )
