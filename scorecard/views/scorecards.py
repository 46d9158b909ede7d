"""Scorecard pages: browse, one scorecard, a unit's scorecards and team, "my targets"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from org import selectors as org_selectors
from org.models import Employee, OrgUnit
from org.scoping import ADMIN, CHANGE, EXECUTIVE, HR, MANAGER, actor_of, scope_of
from scorecard.forms.scorecards import ScorecardCreateForm
from scorecard.lights import attach_lights
from scorecard.models import ItemKind, Scorecard, ScorecardItem, ScorecardStatus
from scorecard.rules import scoring
from scorecard.selectors import items as item_selectors
from scorecard.selectors import lines
from scorecard.selectors import scorecards as selectors
from scorecard.selectors.duties import is_own_receiver
from scorecard.selectors.progress import progress_of
from scorecard.services import scorecards as services
from scorecard.views.common import year_of
from scorecard.views.rows import scorecard_rows_html
from spm.clock import clock
from spm.forms import act, form_save
from spm.htmx import is_htmx_partial
from spm.paginator import PAGE_SIZE, CappedPaginator, capped_page, page_of
from spm.saved_filters import with_saved_filters


@login_required
@with_saved_filters("scorecards")
def scorecard_list(request: HttpRequest) -> HttpResponse:
    """Every scorecard in scope (HR and executives browse the whole group)."""
    unit = None
    unit_id = request.GET.get("unit", "")
    if unit_id.isdigit():
        unit = org_selectors.org_unit_get(request.user, int(unit_id))
    # This year unless the filter says otherwise ("All years" sends an empty year): one
    # year lets the database read the cards in unit order from its indexes.
    year_text = request.GET.get("year", str(clock().today().year))
    filters = {
        "year": int(year_text) if year_text.isdigit() else None,
        "unit": unit,
        "owner": request.GET.get("owner", ""),
        "status": request.GET.get("status", ""),
        "text": request.GET.get("q", "").strip(),
    }
    cards = selectors.scorecard_browse(request.user, **filters)  # type: ignore[arg-type]
    page = page_of(request, cards.values_list("pk", flat=True))
    page.object_list = selectors.with_summary_in_order(list(page.object_list))
    context = {
        "page": page,
        "rows": scorecard_rows_html(page.object_list),
        "filters": filters,
        "years": selectors.years(request.user, clock().today().year),
        "statuses": ScorecardStatus.choices,
        "units": org_selectors.org_units(request.user)
        .filter(active=True)
        .only("id", "name", "depth"),
    }
    if is_htmx_partial(request):
        return render(request, "scorecard/_scorecard_rows.html", context)
    return render(request, "scorecard/scorecard_list.html", context)


def _warnings(items: list[ScorecardItem]) -> list[str]:
    found = []
    weighted = [i.weight for i in items if i.kind != ItemKind.KEY_TASK]
    total = scoring.weights_total(weighted)
    if items and total != 100:
        found.append(
            _("The quantitative and milestone weights add up to %(total)s, not 100.")
            % {"total": total.normalize()}
        )
    unlinked = [i.name for i in items if i.objective_id is None]
    if unlinked:
        found.append(_("Not linked to an objective: %(names)s.") % {"names": ", ".join(unlinked)})
    return found


@login_required
def scorecard_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scorecard = selectors.scorecard_get(request.user, pk)
    items = item_selectors.scorecard_items(scorecard)
    attach_lights(items, scorecard.year)
    progress = progress_of(items, today=clock().today())
    rows = [progress[i.pk] for i in items]
    context = {
        "scorecard": scorecard,
        "quantitative": [r for r in rows if r.item.kind == ItemKind.QUANTITATIVE],
        "milestone_items": [r for r in rows if r.item.kind == ItemKind.MILESTONE],
        "key_tasks": [r for r in rows if r.item.kind == ItemKind.KEY_TASK],
        "weight_total": scoring.weights_total(
            i.weight for i in items if i.kind != ItemKind.KEY_TASK
        ),
        "warnings": _warnings(items),
        "can_edit": not scorecard.locked and selectors.may_change(request.user, scorecard),
        "letters_url": reverse("scorecard-letters", args=[scorecard.pk]),
        "kinds": ItemKind.choices,
    }
    return render(request, "scorecard/scorecard_detail.html", context)


@login_required
def scorecard_new(request: HttpRequest) -> HttpResponse:
    """A new draft scorecard of a unit (an employee's is created from the unit page)."""
    scope = scope_of(request.user)
    if not scope.has_role(MANAGER, HR, EXECUTIVE, ADMIN):
        raise Http404
    units = selectors.changeable_units(request.user)
    data = request.POST if request.method == "POST" else None
    form = ScorecardCreateForm(
        data, units=units, initial={"year": year_of(request), "unit": request.GET.get("unit")}
    )

    def save() -> Scorecard:
        employee = None
        if form.cleaned_data.get("employee"):
            employee = org_selectors.employee_get(request.user, form.cleaned_data["employee"])
        return services.scorecard_create(
            actor=actor_of(request),
            unit=form.cleaned_data["unit"],
            employee=employee,
            year=form.cleaned_data["year"],
        )

    card = form_save(request, form, save)
    if card is not None:
        messages.success(request, _("Scorecard created."))
        return redirect("scorecard-detail", pk=card.pk)
    return render(request, "scorecard/scorecard_new.html", {"form": form})


@login_required
@require_POST
def scorecard_create_for(request: HttpRequest) -> HttpResponse:
    """One click on the unit page: the scorecard of the unit, or of one of its people."""
    year_text = request.POST.get("year", "")
    if not year_text.isdigit():
        raise Http404
    employee: Employee | None = None
    unit: OrgUnit | None = None
    if request.POST.get("employee", "").isdigit():
        employee = org_selectors.employee_get(request.user, int(request.POST["employee"]))
    else:
        unit = org_selectors.org_unit_get(request.user, request.POST.get("unit", "0"))
    back = employee.unit_id if employee is not None else unit.pk  # type: ignore[union-attr]
    return act(
        request,
        lambda: services.scorecard_create(
            actor=actor_of(request), unit=unit, employee=employee, year=int(year_text)
        ),
        f"{_unit_url(back)}?year={year_text}",
        done=_("Scorecard created."),
        then=lambda card: redirect("scorecard-detail", pk=card.pk),
    )


def _unit_url(pk: int) -> str:
    return reverse("scorecard-unit", args=[pk])


@login_required
def unit_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A manager's unit: its scorecard, its sub-units', its team's, and its hand-overs."""
    unit = org_selectors.org_unit_get(request.user, pk)
    year = year_of(request)
    # Counted without the cards (each person has at most one a year): the same count, for
    # a query the ORM builds in a fraction of the time.
    count = CappedPaginator(selectors.team(request.user, unit), PAGE_SIZE).count
    team = capped_page(
        selectors.team_cards(request.user, unit, year),
        PAGE_SIZE,
        request.GET.get("page"),
        count=count,
    )
    for person in team.object_list:  # one's own card is created by the next level up
        person.own = is_own_receiver(actor_of(request), unit=None, employee=person)
    card = None  # and the unit scorecard's items with their colours (not for team rows)
    card_items: list[ScorecardItem] = []
    if not is_htmx_partial(request):
        card, card_items = selectors.unit_card(request.user, unit, year)
        attach_lights(card_items, year)
    context = {
        "unit": unit,
        "year": year,
        "years": selectors.years(request.user, clock().today().year),
        "ancestors": org_selectors.org_unit_ancestors(request.user, unit),
        "card": card,
        "card_items": card_items,
        "sub_units": selectors.sub_unit_cards(request.user, unit, year),
        "page": team,
        "hand_overs": selectors.hand_overs(request.user, unit, year),
        "can_create": scope_of(request.user).may(Scorecard, CHANGE, unit.path),
        "own_unit": is_own_receiver(actor_of(request), unit=unit, employee=None),
    }
    if is_htmx_partial(request):
        return render(request, "scorecard/_team_rows.html", context)
    return render(request, "scorecard/unit.html", context)


@login_required
def my_targets(request: HttpRequest) -> HttpResponse:
    """The signed-in employee's goals, each with its line up to the company objective."""
    year = year_of(request)
    targets = lines.my_targets(request.user, year, today=clock().today(), summary=False)
    attach_lights([row.item for row in targets.rows], year)
    context = {
        "year": year,
        "years": selectors.years(request.user, clock().today().year),
        "targets": targets,
        "is_employee": scope_of(request.user).employee_id is not None,
        "letter_url": reverse("letter-detail", args=[targets.letter.pk])
        if targets.letter
        else None,
    }
    return render(request, "scorecard/my_targets.html", context)
