"""Decomposition pages: cascade an item to sub-units and people; bulk-assign a goal."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from org import selectors as org_selectors
from org.models import Employee
from org.scoping import actor_of
from scorecard.forms.cascade import BulkAssignForm, CascadeForm, receivers
from scorecard.models import Scorecard, ScorecardItem, ScorecardStatus
from scorecard.rules import cascade as rules
from scorecard.selectors import items as item_selectors
from scorecard.selectors import scorecards as selectors
from scorecard.selectors.duties import others_people, others_units
from scorecard.services import bulk_assign
from scorecard.services import cascade as services
from spm.forms import form_run, form_save
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
    # Never the user's own card (a unit they head, themself): the next level up sets it.
    sub_units = others_units(actor_of(request), changeable.filter(parent=unit))
    people = others_people(
        actor_of(request),
        Employee.objects.restrict(request.user)
        .filter(active=True, unit=unit, unit__in=changeable)
        .order_by("name"),
    )
    if not sub_units and not people:
        raise Http404
    # Not offered: whoever already received this goal, and signed (locked) scorecards.
    children = list(
        ScorecardItem.objects.filter(parent=parent)
        .select_related("scorecard__unit", "scorecard__employee")
        .order_by("scorecard__unit__path", "scorecard__employee__name")
    )
    received = {_owner_key(c.scorecard) for c in children}
    signed = {
        _owner_key(card)
        for card in Scorecard.objects.filter(
            year=parent.scorecard.year, status=ScorecardStatus.SIGNED
        )
        .filter(Q(employee__isnull=True, unit__in=sub_units) | Q(employee__in=people))
        .select_related("unit", "employee")
    }
    left_out = received | signed
    offered = [r for r in receivers(sub_units, people) if r.key not in left_out]
    data = request.POST if request.method == "POST" else None
    form = CascadeForm(data, receivers=offered, modes=services.allowed_modes(parent))
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
    given = rules.already_given([c.target for c in children])
    names = {r.key: r.label for r in receivers(sub_units, people)}
    return render(
        request,
        "scorecard/items/cascade.html",
        {
            "form": form,
            "item": parent,
            "children": children,
            "given": given,
            "left": parent.target - given if parent.target is not None else None,
            "signed": sorted(names[k] for k in signed if k in names),
        },
    )


def _owner_key(card: Scorecard) -> str:
    """The receiver key (see ``scorecard.forms.cascade.receivers``) of a scorecard's owner."""
    return f"e{card.employee_id}" if card.employee_id is not None else f"u{card.unit_id}"


def _assign_form(request: HttpRequest, parent: ScorecardItem, data: object) -> BulkAssignForm:
    units = selectors.changeable_units(request.user).filter(
        path__startswith=parent.scorecard.unit.path
    )
    if not units.exists():
        raise Http404
    titles = org_selectors.distinct_titles(
        Employee.objects.restrict(request.user).filter(
            active=True, unit__path__startswith=parent.scorecard.unit.path
        )
    )
    initial = {"unit": parent.scorecard.unit_id, "include_subunits": True}
    return BulkAssignForm(data, units=units, job_titles=titles, initial=initial)


@login_required
def item_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """One goal to everyone matching a unit and job title: one action, not sixty."""
    parent = _parent(request, pk)
    # Preview and assign both POST (the CSRF token never lands in a URL); "preview" only
    # shows who would receive the goal.
    source = request.POST if request.method == "POST" else None
    posting = source is not None and "preview" not in source
    form = _assign_form(request, parent, source)
    preview = None
    if source is not None and form.is_valid():
        choice = {
            "unit": form.cleaned_data["unit"],
            "job_title": form.cleaned_data["job_title"],
            "include_subunits": form.cleaned_data["include_subunits"],
        }
        result = None
        if posting:
            result = form_run(
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
                ngettext(
                    "Goal assigned to %(count)d person.",
                    "Goal assigned to %(count)d people.",
                    result.created,
                )
                % {"count": result.created},
            )
            if result.already or result.locked:
                messages.info(
                    request,
                    _("Left out: %(already)d already had it; %(locked)d have a signed scorecard.")
                    % {"already": result.already, "locked": result.locked},
                )
            return redirect("scorecard-item", pk=parent.pk)
        people = bulk_assign.bulk_assign_candidates(actor_of(request), parent, **choice)
        preview = {"count": people.count(), "first": list(people.select_related("unit")[:PREVIEW])}
    context = {"form": form, "item": parent, "preview": preview}
    if is_htmx_partial(request):
        return render(request, "scorecard/items/_assign_preview.html", context)
    return render(request, "scorecard/items/assign.html", context)
