"""Appeal pages: the person assessed appeals from their result's reviews page; the appeal
list (their own, their team's, or HR's subtree) shows each deadline; HR takes an appeal
under review and upholds or changes it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from assessment import selectors as assessment_selectors
from assessment.services.common import covered_by, is_subject
from org.scoping import VIEW, actor_of, get_scoped
from reviews import forms, selectors
from reviews.models import AppealStatus
from reviews.services import appeals as services
from reviews.views.common import PAGE_SIZE
from spm.forms import act, cleaned, posted_version
from spm.htmx import is_htmx_partial
from spm.paginator import page_of


@login_required
def appeal_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.appeals_for(actor_of(request))
    status = request.GET.get("status", "")
    if status in AppealStatus.values:
        rows = rows.filter(status=status)
    context = {
        "page": page_of(request, rows, PAGE_SIZE),
        "statuses": AppealStatus.choices,
        "status": status,
    }
    template = (
        "reviews/_appeal_rows.html" if is_htmx_partial(request) else "reviews/appeal_list.html"
    )
    return render(request, template, context)


@login_required
@require_POST
def appeal_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """The person assessed appeals result ``pk``."""
    user = actor_of(request)
    result = assessment_selectors.result_get(user, pk)
    form = forms.AppealForm(request.POST, request.FILES)
    return act(
        request,
        lambda: services.appeal_submit(actor=user, result=result, **cleaned(form)),
        "reviews-result", pk,
    )  # fmt: skip


@login_required
def appeal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor_of(request)
    appeal = get_scoped(selectors.appeals_for(user), user, pk, VIEW)
    result = appeal.result
    decider = covered_by(user, result.unit.path, services.DECIDERS) and not is_subject(user, result)
    context: dict[str, Any] = {
        "appeal": appeal,
        "result": result,
        "decider": decider,
        "form": forms.DecideForm(initial={"version": appeal.version}),
        "statuses": AppealStatus,
    }
    return render(request, "reviews/appeal_detail.html", context)


@login_required
@require_POST
def appeal_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """HR: take under review, uphold, or change (with the corrected qualitative part)."""
    user = actor_of(request)
    appeal = get_scoped(selectors.appeals_for(user), user, pk, VIEW)
    version = posted_version(request)
    if action == "review":
        return act(
            request,
            lambda: services.appeal_review_start(actor=user, appeal=appeal, version=version),
            "reviews-appeal", pk,
        )  # fmt: skip
    if action not in ("uphold", "change"):
        raise Http404
    form = forms.DecideForm(request.POST)

    def decide() -> Any:
        data = cleaned(form)
        return services.appeal_decide(
            actor=user, appeal=appeal, change=action == "change", note=data["note"],
            corrected_qualitative=data["corrected_qualitative"], version=version,
        )  # fmt: skip

    return act(request, decide, "reviews-appeal", pk)
