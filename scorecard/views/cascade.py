"""Decomposition pages: cascade an item to sub-units and people; bulk-assign a goal."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from org.models import Employee
from org.scoping import actor_of
from scorecard.forms.cascade import BulkAssignForm, CascadeForm, receivers
from scorecard.models import ScorecardItem
from scorecard.selectors import items as item_selectors
from scorecard.selectors import scorecards as selectors
from scorecard.services import bulk_assign
from scorecard.services import cascade as services
from spm.forms import form_save
from spm.htmx import is_htmx_partial

PREVIEW = 20


def _parent(request: HttpRequest, pk: int) -> ScorecardItem:
    item = item_selectors.item_get(request.user, pk)
    if item.scorecard.employee_id is not None:
        raise Http404
    return item


@login_required
def item_cascade(request: HttpRequest, pk: int) -> HttpResponse:
    """Split (or carry down) an item to chosen sub-units and people in one step."""
    parent = _parent(request, pk)
    unit = parent.scorecard.unit
    changeable = selectors.changeable_units(request.user)
    sub_units = list(changeable.filter(parent=unit))
    people = list(
        Employee.objects.restrict(request.user)
        .filter(active=True, unit=unit, unit__in=changeable)
        .order_by("name")
    )
    if not sub_units and not people:
        raise Http404
    data = request.POST if request.method == "POST" else None
    form = CascadeForm(
        data, receivers=receivers(sub_units, people), modes=services.allowed_modes(parent)
    )
    result = form_save(
        request,
        form,
        lambda: services.item_cascade(
            actor=actor_of(request),
            parent=parent,
            mode=form.cleaned_data["mode"],
            allocations=form.allocations(),
        ),
    )
    if result is not None:
        messages.success(
            request,
            ngettext(
                "Decomposed to %(count)d scorecard.",
                "Decomposed to %(count)d scorecards.",
                len(result.items),
            )
            % {"count": len(result.items)},
        )
        for warning in result.warnings:
            messages.warning(request, warning)
        return redirect("scorecard-item", pk=parent.pk)
    return render(request, "scorecard/items/cascade.html", {"form": form, "item": parent})


def _assign_form(request: HttpRequest, parent: ScorecardItem, data: object) -> BulkAssignForm:
    units = selectors.changeable_units(request.user).filter(
        path__startswith=parent.scorecard.unit.path
    )
    if not units.exists():
        raise Http404
    titles = list(
        Employee.objects.restrict(request.user)
        .filter(active=True, unit__path__startswith=parent.scorecard.unit.path)
        .order_by("job_title")
        .values_list("job_title", flat=True)
        .distinct()
    )
    initial = {"unit": parent.scorecard.unit_id, "include_subunits": True}
    return BulkAssignForm(data, units=units, job_titles=titles, initial=initial)


@login_required
def item_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """One goal to everyone matching a unit and job title: one action, not sixty."""
    parent = _parent(request, pk)
    posting = request.method == "POST"
    source = request.POST if posting else (request.GET if "unit" in request.GET else None)
    form = _assign_form(request, parent, source)
    preview = None
    if source is not None and form.is_valid():
        choice = {
            "unit": form.cleaned_data["unit"],
            "job_title": form.cleaned_data["job_title"],
            "include_subunits": form.cleaned_data["include_subunits"],
        }
        result = form_save(
            request,
            form,
            lambda: bulk_assign.item_bulk_assign(
                actor=actor_of(request),
                parent=parent,
                weight=form.cleaned_data["weight"],
                **choice,
            ),
        )
        if result is not None:
            messages.success(
                request,
                _(
                    "Goal assigned. New: %(created)d; already had it: %(already)d; "
                    "signed scorecards left out: %(locked)d."
                )
                % {"created": result.created, "already": result.already, "locked": result.locked},
            )
            return redirect("scorecard-item", pk=parent.pk)
        people = bulk_assign.bulk_assign_candidates(actor_of(request), parent, **choice)
        preview = {"count": people.count(), "first": list(people.select_related("unit")[:PREVIEW])}
    context = {"form": form, "item": parent, "preview": preview}
    if is_htmx_partial(request):
        return render(request, "scorecard/items/_assign_preview.html", context)
    return render(request, "scorecard/items/assign.html", context)
