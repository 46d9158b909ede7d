"""The what-if page (HR): the cycle's bonuses under the current scheme and under the terms
typed in, side by side; nothing is saved until HR applies them as a new scheme version."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from assessment.models import AssessmentCycle, CycleStatus
from incentives import compute, selectors
from incentives import whatif as comparison
from incentives.charts import Bar, money_bars
from incentives.forms import WhatIfForm
from incentives.models import BonusScheme, Payout, UnitPool
from incentives.services import SCHEME_EDITORS, scheme_revise
from org.models import OrgUnit
from org.scoping import Actor, actor_of, scope_of
from spm.forms import attach_errors

PAGE_SIZE = 50
POOL_DEPTH = 2  # pools are offered on the cycle's unit and two levels below it


def candidates(actor: Actor, cycle: AssessmentCycle, scheme: BonusScheme) -> list[OrgUnit]:
    owner = cycle.owner_unit
    pooled = UnitPool.objects.filter(scheme_id=scheme.pk).values("unit_id")
    units = OrgUnit.objects.restrict(actor).filter(path__startswith=owner.path)
    near = units.filter(depth__lte=owner.depth + POOL_DEPTH) | units.filter(pk__in=pooled)
    scope = scope_of(actor)
    return [u for u in near.distinct().order_by("path") if scope.covers(u.path, SCHEME_EDITORS)]


def outside_pools(scheme: BonusScheme, units: list[OrgUnit]) -> dict[str, Decimal]:
    """The current pools the form does not offer (kept as they are by a revision)."""
    offered = {u.pk for u in units}
    return {
        path: amount
        for unit_id, path, amount in UnitPool.objects.filter(scheme_id=scheme.pk).values_list(
            "unit_id", "unit__path", "amount"
        )
        if unit_id not in offered
    }


@login_required
def whatif(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    cycle = selectors.whatif_cycle(actor, pk)
    scheme = compute.scheme_current(cycle) or BonusScheme(name=compute.DEFAULT_SCHEME, version=0)
    units = candidates(actor, cycle, scheme)
    data = request.POST if request.method == "POST" else request.GET
    bound = request.method == "POST" or "preview" in request.GET
    form = WhatIfForm(data if bound else None, scheme=scheme, units=units)
    if request.method == "POST" and form.is_valid():
        base = request.POST.get("version", "")
        try:
            revised = scheme_revise(
                actor=actor,
                scheme=scheme,
                version=int(base) if base.isdigit() else -1,
                terms=form.terms(),
                pools=form.pools(),
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request,
                _("Version %(version)s of the bonus scheme is now the current one.")
                % {"version": revised.version},
            )
            return redirect("incentives-report", cycle.pk)
    context: dict[str, Any] = {
        "cycle": cycle,
        "scheme": scheme,
        "form": form,
        "used": Payout.objects.filter(cycle=cycle).exists(),
        "locked": cycle.status == CycleStatus.PUBLISHED,
    }
    if bound and form.is_valid():
        proposed = BonusScheme(name=scheme.name, **form.terms())
        paths = {u.pk: u.path for u in units}
        pools = {paths[k]: v for k, v in form.pools().items()}
        result = comparison.compare(
            cycle, scheme, proposed, {**outside_pools(scheme, units), **pools}
        )
        context["comparison"] = result
        context["page"] = Paginator(result.changed, PAGE_SIZE).get_page(request.GET.get("page"))
        context["chart"] = money_bars(
            [Bar(f"{b.label} · {_('now')}", b.current) for b in result.by_grade]
            + [Bar(f"{b.label} · {_('proposed')}", b.proposed) for b in result.by_grade],
            title=_("Bonuses by grade, now and proposed"),
        )
    return render(request, "incentives/whatif.html", context)
