"""A scheme's review settings page: its behaviour-anchored rating scales and its review
policy (whether HR reads who said what). Read wherever the scheme is; HR of its owner
unit edits them."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from assessment.models import AssessmentScheme
from org.scoping import CHANGE, VIEW, actor_of, get_scoped, scope_of
from reviews import forms, people, policy
from reviews.models import BarsAnchor, Behaviour, ReviewPolicy
from reviews.services import bars as bars_services
from reviews.services import policy as policy_services
from spm.forms import act, form_run


def _anchor_opened(request: HttpRequest, scheme: AssessmentScheme) -> dict[str, Any]:
    """The form's start when the page was opened to change one of the scheme's own anchors
    (``?behaviour=…&level=…``): its text and the version it is changed from."""
    level = request.GET.get("level", "")
    row = BarsAnchor.objects.filter(
        scheme=scheme, behaviour=request.GET.get("behaviour", ""), level=int(level)
    ).first() if level.isdigit() else None  # fmt: skip
    if row is None:
        return {}
    return {
        "behaviour": row.behaviour, "level": row.level, "description": row.description,
        "version": row.version,
    }  # fmt: skip


@login_required
def scheme_anchors(request: HttpRequest, pk: int) -> HttpResponse:
    """A scheme's rating scales and review policy; HR of its owner unit edits them."""
    user = actor_of(request)
    scheme = get_scoped(AssessmentScheme.objects.select_related("owner_unit"), user, pk, VIEW)
    may_edit = scope_of(user).may(BarsAnchor, CHANGE, scheme.owner_unit.path)
    may_set_policy = scheme.current and scope_of(user).may(
        ReviewPolicy, CHANGE, scheme.owner_unit.path
    )
    rules = policy.policy_of(scheme.pk)
    form = forms.AnchorForm(request.POST or None, initial=_anchor_opened(request, scheme))
    policy_form = forms.PolicyForm(
        request.POST if request.POST.get("policy") == "1" else None,
        initial={"hr_reads_answers": rules.hr_reads_answers, "version": rules.version},
    )
    if request.method == "POST":
        if request.POST.get("policy") == "1":
            if not may_set_policy:
                raise Http404
            if policy_form.is_valid():
                data = policy_form.cleaned_data
                policy_set = form_run(policy_form, lambda: policy_services.review_policy_set(
                    actor=user, scheme=scheme, hr_reads_answers=data["hr_reads_answers"],
                    version=data["version"],
                ))  # fmt: skip
                if policy_set is not None:
                    return redirect("reviews-anchors", pk)
        elif not may_edit:
            raise Http404
        elif request.POST.get("copy") == "1":
            return act(request, lambda: bars_services.bars_anchors_copy_defaults(
                actor=user, scheme=scheme), "reviews-anchors", pk)  # fmt: skip
        elif form.is_valid():
            data = form.cleaned_data
            if data["behaviour"] not in Behaviour.values:
                raise Http404
            anchor = form_run(form, lambda: bars_services.bars_anchor_set(
                actor=user, scheme=scheme, behaviour=data["behaviour"], level=data["level"],
                description=data["description"], version=data["version"],
            ))  # fmt: skip
            if anchor is not None:
                return redirect("reviews-anchors", pk)
    context = {
        "scheme": scheme,
        "scales": people.anchors(scheme.pk),
        "labels": dict(Behaviour.choices),
        "may_edit": may_edit,
        "form": form if request.POST.get("policy") != "1" else forms.AnchorForm(),
        "hr_reads_answers": rules.hr_reads_answers,
        "may_set_policy": may_set_policy,
        "policy_form": policy_form,
    }
    return render(request, "reviews/anchors.html", context)
