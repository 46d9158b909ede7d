"""Milestone pages: add, edit and remove milestones of an item; record one reached."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from org.scoping import CHANGE, actor_of
from scorecard.forms.items import MilestoneCompleteForm, MilestoneForm
from scorecard.models import COMPLETE, ItemKind, Milestone
from scorecard.selectors import items as item_selectors
from scorecard.services import milestones as services
from spm.forms import act, form_save


def _milestone(request: HttpRequest, pk: int, action: str) -> Milestone:
    return get_object_or_404(
        Milestone.objects.restrict(request.user, action).select_related(
            "item__scorecard__unit", "item__scorecard__employee"
        ),
        pk=pk,
    )


@login_required
def milestone_new(request: HttpRequest, pk: int) -> HttpResponse:
    item = item_selectors.item_get(request.user, pk, CHANGE)
    if item.kind != ItemKind.MILESTONE or item.scorecard.locked:
        messages.error(request, _("Milestones are added to milestone items of a draft scorecard."))
        return redirect("scorecard-item", pk=item.pk)
    data = request.POST if request.method == "POST" else None
    form = MilestoneForm(data, user=actor_of(request), item=item)
    if form_save(
        request,
        form,
        lambda: services.milestone_create(actor=actor_of(request), item=item, **form.values()),
    ):
        messages.success(request, _("Milestone added."))
        return redirect("scorecard-item", pk=item.pk)
    return render(request, "scorecard/items/milestone_form.html", {"form": form, "item": item})


@login_required
def milestone_edit(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = _milestone(request, pk, CHANGE)
    item = milestone.item
    data = request.POST if request.method == "POST" else None
    form = MilestoneForm(data, instance=milestone, user=actor_of(request), item=item)
    if form_save(
        request,
        form,
        lambda: services.milestone_update(
            actor=actor_of(request), milestone=milestone, **form.values()
        ),
    ):
        messages.success(request, _("Milestone saved."))
        return redirect("scorecard-item", pk=item.pk)
    return render(
        request,
        "scorecard/items/milestone_form.html",
        {"form": form, "item": item, "milestone": milestone},
    )


@login_required
@require_POST
def milestone_delete(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = _milestone(request, pk, CHANGE)
    return act(
        request,
        lambda: services.milestone_delete(actor=actor_of(request), milestone=milestone),
        "scorecard-item",
        milestone.item_id,
        done=_("Milestone removed."),
    )


@login_required
def milestone_complete(request: HttpRequest, pk: int) -> HttpResponse:
    """The responsible unit (or whoever may edit the item) records the day it was reached."""
    milestone = _milestone(request, pk, COMPLETE)
    data = request.POST if request.method == "POST" else None
    form = MilestoneCompleteForm(data, initial={"completed_on": milestone.completed_on})
    if form_save(
        request,
        form,
        lambda: services.milestone_complete(
            actor=actor_of(request),
            milestone=milestone,
            completed_on=form.cleaned_data["completed_on"],
        ),
    ):
        messages.success(request, _("Milestone updated."))
        return redirect("scorecard-item", pk=milestone.item_id)
    return render(
        request, "scorecard/items/milestone_complete.html", {"form": form, "milestone": milestone}
    )
