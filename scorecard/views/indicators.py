"""Indicator dictionary pages: search the library, read, write (with the SMART
checklist) and try out a formula."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from org import selectors as org_selectors
from org.scoping import CHANGE, actor_of
from scorecard.forms.indicators import EvaluateForm, IndicatorForm
from scorecard.models import Aggregation, Frequency, Indicator, Polarity
from scorecard.rules import expressions, smart
from scorecard.selectors import indicators as selectors
from scorecard.services import indicators as services
from spm.forms import form_save
from spm.htmx import is_htmx_partial
from spm.paginator import page_of


def _filters(request: HttpRequest) -> dict[str, object]:
    unit = None
    unit_id = request.GET.get("owner_unit", "")
    if unit_id.isdigit():
        unit = org_selectors.org_unit_get(request.user, int(unit_id))
    active = request.GET.get("active", "1")
    return {
        "text": request.GET.get("q", "").strip(),
        "polarity": request.GET.get("polarity", ""),
        "frequency": request.GET.get("frequency", ""),
        "aggregation": request.GET.get("aggregation", ""),
        "owner_unit": unit,
        "active": {"1": True, "0": False}.get(active),
        "smart_incomplete": request.GET.get("smart") == "incomplete",
    }


@login_required
def indicator_list(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    found = selectors.indicator_search(request.user, **filters)  # type: ignore[arg-type]
    context = {
        "page": page_of(request, found),
        "filters": filters,
        "active": request.GET.get("active", "1"),
        "polarities": Polarity.choices,
        "frequencies": Frequency.choices,
        "aggregations": Aggregation.choices,
        "units": org_selectors.org_units(request.user)
        .filter(active=True)
        .only("id", "name", "depth"),
        "can_write": services.may_curate(actor_of(request)),
    }
    if is_htmx_partial(request):
        return render(request, "scorecard/indicators/_rows.html", context)
    return render(request, "scorecard/indicators/list.html", context)


@login_required
def indicator_detail(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = selectors.indicator_get(request.user, pk)
    codes = selectors.formula_inputs(indicator)
    return render(
        request,
        "scorecard/indicators/detail.html",
        {
            "indicator": indicator,
            "hints": smart.hints(indicator),
            "evaluate": EvaluateForm(codes=codes) if codes else None,
            "can_write": Indicator.objects.can(request.user, CHANGE, indicator.pk),
            "items_count": indicator.items.count(),
        },
    )


@login_required
@require_POST
def indicator_evaluate(request: HttpRequest, pk: int) -> HttpResponse:
    """Try the formula with sample values; answers a fragment (or the page without JS)."""
    indicator = selectors.indicator_get(request.user, pk)
    codes = selectors.formula_inputs(indicator)
    if not codes:
        raise Http404
    form = EvaluateForm(request.POST, codes=codes)
    result = error = None
    if form.is_valid():
        try:
            value = selectors.indicator_evaluate(request.user, indicator, form.values())
            result = format(value.normalize(), "f")
        except expressions.ExpressionError as exc:
            error = str(exc)
    context = {"indicator": indicator, "evaluate": form, "result": result, "error": error}
    if is_htmx_partial(request):
        return render(request, "scorecard/indicators/_evaluate.html", context)
    context.update(
        {
            "hints": smart.hints(indicator),
            "can_write": Indicator.objects.can(request.user, CHANGE, indicator.pk),
            "items_count": indicator.items.count(),
        }
    )
    return render(request, "scorecard/indicators/detail.html", context)


def _indicator_form(request: HttpRequest, indicator: Indicator | None) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = IndicatorForm(data, instance=indicator, user=actor_of(request))

    def save() -> Indicator:
        values = {name: form.cleaned_data[name] for name in Indicator.EDITABLE_FIELDS}
        if indicator is None:
            return services.indicator_create(actor=actor_of(request), **values)
        return services.indicator_update(actor=actor_of(request), indicator=indicator, **values)

    saved = form_save(request, form, save)
    if saved is not None:
        messages.success(request, _("Indicator saved."))
        for hint in smart.hints(saved):
            messages.warning(request, hint)
        return redirect("indicator-detail", pk=saved.pk)
    return render(
        request,
        "scorecard/indicators/form.html",
        {"form": form, "indicator": indicator, "checklist": smart.CHECKLIST},
    )


@login_required
def indicator_new(request: HttpRequest) -> HttpResponse:
    if not services.may_curate(actor_of(request)):
        raise Http404
    return _indicator_form(request, None)


@login_required
def indicator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _indicator_form(request, selectors.indicator_get(request.user, pk, CHANGE))
