"""The what-if page (HR, or an executive): the cycle's bonuses under the current scheme and
under the terms typed in, side by side, computed by a background job the page polls;
nothing but the job is saved until the terms are applied as a new scheme version (by
someone whose own pay the scheme does not decide)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRefresh

from assessment.models import AssessmentCycle, CycleStatus
from incentives import compute, selectors
from incentives.charts import Bar, money_bars
from incentives.forms import WhatIfForm
from incentives.models import BonusScheme, Payout, UnitPool
from incentives.selectors import SCHEME_REVISERS, own_pay_under
from incentives.services import scheme_revise
from incentives.whatif_jobs import result_of, whatif_job, whatif_start
from org.models import OrgUnit
from org.scoping import Actor, actor_of, scope_of
from spm.forms import attach_errors, posted_version
from spm.htmx import is_htmx_partial

PAGE_SIZE = 50
KEPT = 500  # the largest changes a preview keeps (the page pages through them)
HIDDEN = {"csrfmiddlewaretoken", "preview", "version"}
POOL_DEPTH = 2  # pools are offered on the cycle's unit and two levels below it


def candidates(actor: Actor, cycle: AssessmentCycle, scheme: BonusScheme) -> list[OrgUnit]:
    owner = cycle.owner_unit
    pooled = UnitPool.objects.filter(scheme_id=scheme.pk).values("unit_id")
    units = OrgUnit.objects.restrict(actor).filter(path__startswith=owner.path)
    near = units.filter(depth__lte=owner.depth + POOL_DEPTH) | units.filter(pk__in=pooled)
    scope = scope_of(actor)
    return [u for u in near.distinct().order_by("path") if scope.covers(u.path, SCHEME_REVISERS)]


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


def _preview(request: HttpRequest, cycle: AssessmentCycle, form: WhatIfForm) -> HttpResponse:
    """Start the comparison of the form's terms as a job; its page polls for the result."""
    scheme, units = form.scheme, form.units
    paths = {u.pk: u.path for u in units}
    pools = {paths[k]: v for k, v in form.pools().items()}
    data = {k: v for k, v in request.POST.dict().items() if k not in HIDDEN}
    job = whatif_start(
        actor=actor_of(request),
        cycle=cycle,
        scheme=scheme,
        terms=form.terms(),
        pools={**outside_pools(scheme, units), **pools},
        limit=KEPT,
        form=data,
    )
    return redirect(f"{reverse('incentives-whatif', args=[cycle.pk])}?job={job.pk}")


def _apply(request: HttpRequest, cycle: AssessmentCycle, form: WhatIfForm) -> HttpResponse | None:
    """Apply the previewed terms as a new version (None: refused, the form says why)."""
    try:
        revised = scheme_revise(
            actor=actor_of(request),
            scheme=form.scheme,
            version=posted_version(request),
            terms=form.terms(),
            pools=form.pools(),
            cycle=cycle,
        )
    except PermissionDenied as exc:
        form.add_error(None, str(exc))
        return None
    except ValidationError as exc:
        attach_errors(form, exc)
        return None
    messages.success(
        request,
        _("Version %(version)s of the bonus scheme is now the current one.")
        % {"version": revised.version},
    )
    return redirect("incentives-report", cycle.pk)


@login_required
def whatif(request: HttpRequest, pk: int) -> HttpResponse:
    """The terms form; a preview (POST) starts a job and comes back with ``?job=`` to poll
    it and show its result; "apply" (POST) makes the terms a new version of the scheme."""
    actor = actor_of(request)
    cycle = selectors.whatif_cycle(actor, pk)
    scheme = compute.scheme_current(cycle) or BonusScheme(name=compute.DEFAULT_SCHEME, version=0)
    units = candidates(actor, cycle, scheme)
    job = whatif_job(actor, request.GET["job"], cycle=cycle) if "job" in request.GET else None
    if job is not None and is_htmx_partial(request):
        if job.finished:
            return HttpResponseClientRefresh()
        poll = {"job": job, "poll_url": request.get_full_path()}
        return render(request, "spm/_job_progress.html", poll)
    data = request.POST if request.method == "POST" else (job.params["form"] if job else None)
    form = WhatIfForm(data, scheme=scheme, units=units)
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            return _preview(request, cycle, form)
        applied = _apply(request, cycle, form)
        if applied is not None:
            return applied
    summary = result_of(job) if job is not None else None
    context: dict[str, Any] = {
        "cycle": cycle,
        "scheme": scheme,
        "form": form,
        "job": job,
        "used": Payout.objects.filter(cycle=cycle).exists(),
        "locked": cycle.status == CycleStatus.PUBLISHED,
        "own_pay": own_pay_under(actor, scheme, cycle),
        "comparison": summary,
    }
    if summary is not None:
        context["page"] = Paginator(summary.changes, PAGE_SIZE).get_page(request.GET.get("page"))
        context["chart"] = money_bars(
            [Bar(f"{b.label} · {_('now')}", b.current) for b in summary.by_grade]
            + [Bar(f"{b.label} · {_('proposed')}", b.proposed) for b in summary.by_grade],
            title=_("Bonuses by grade, now and proposed"),
        )
    return render(request, "incentives/whatif.html", context)
