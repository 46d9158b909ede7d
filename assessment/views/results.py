"""The result page: the score with its explanation, and the forms of whoever may act on
it — the reviewer (key-task grades, qualitative rating, proposals), HR and executives
(decisions), the person assessed (self-assessment, acknowledgement)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessment import forms, selectors
from assessment.models import (
    COMPUTABLE_STATUSES,
    Adjustment,
    AssessmentResult,
    CycleStatus,
    DecisionStatus,
    Exemption,
    KeyTaskGrade,
    MilestoneConfirmation,
    QualitativeRating,
    Veto,
)
from assessment.services import decisions, inputs
from assessment.services.common import is_subject
from assessment.services.decisions import APPROVERS
from assessment.services.results import CALIBRATORS, result_acknowledge
from org.scoping import CHANGE, actor_of, scope_of
from scorecard.models import ItemKind, Milestone, ScorecardItem
from spm.forms import act, cleaned, posted_version, safe_next


def _may_review(user: Any, result: AssessmentResult) -> bool:
    return (
        result.cycle.status in COMPUTABLE_STATUSES
        and not is_subject(user, result)
        and AssessmentResult.objects.restrict(user, CHANGE).filter(pk=result.pk).exists()
    )


@login_required
def result_detail(request: HttpRequest, pk: int) -> HttpResponse:
    result = selectors.result_get(actor_of(request), pk)
    user = actor_of(request)
    scope = scope_of(user)
    subject = is_subject(user, result)
    visible = selectors.scores_visible(user, result)
    items = list(
        ScorecardItem.objects.filter(scorecard_id=result.scorecard_id).order_by("order", "pk")
    )
    grades = {g.item_id: g for g in KeyTaskGrade.objects.filter(result=result)}
    key_tasks = [(i, grades.get(i.pk)) for i in items if i.kind == ItemKind.KEY_TASK]
    confirmed = {c.milestone_id: c for c in MilestoneConfirmation.objects.filter(result=result)}
    milestones = [
        (m, confirmed.get(m.pk))
        for m in Milestone.objects.filter(item__scorecard_id=result.scorecard_id).order_by(
            "due_date", "pk"
        )
    ]
    path = result.unit.path
    decided = {
        "adjustments": list(Adjustment.objects.filter(result=result).order_by("pk")),
        "vetoes": list(Veto.objects.filter(result=result).order_by("pk")),
        "exemptions": list(
            Exemption.objects.filter(result=result).select_related("item").order_by("pk")
        ),
    }
    running = result.cycle.status in COMPUTABLE_STATUSES
    exemption_form = forms.ExemptionForm()
    exemption_form.fields["item"].choices = [(i.pk, i.name) for i in items]  # type: ignore[attr-defined]
    context = {
        "result": result,
        "visible": visible,
        "explanation": result.explanation if visible else {},
        "subject": subject,
        "may_review": _may_review(user, result),
        "may_approve_adjustments": running
        and not subject
        and scope.covers(path, APPROVERS[Adjustment]),
        "may_approve_red": running and not subject and scope.covers(path, APPROVERS[Veto]),
        "key_tasks": key_tasks,
        "milestones": milestones,
        "rating": QualitativeRating.objects.filter(result=result).first(),
        "decided": decided,
        "proposed": DecisionStatus.PROPOSED,
        "may_self_assess": subject
        and result.cycle.status in (CycleStatus.OPEN, CycleStatus.SELF_ASSESSMENT),
        "may_acknowledge": subject
        and result.cycle.status == CycleStatus.PUBLISHED
        and result.acknowledged_at is None,
        "may_calibrate": result.cycle.status == CycleStatus.CALIBRATION
        and not subject
        and scope.covers(path, CALIBRATORS),
        "forms": {
            "grade": forms.KeyTaskGradeForm(),
            "rating": forms.RatingForm(),
            "adjustment": forms.AdjustmentForm(),
            "veto": forms.VetoForm(),
            "exemption": exemption_form,
            "self": forms.SelfAssessmentForm(initial={"text": result.self_assessment}),
            "calibrate": forms.CalibrateForm(
                initial={"grade": result.effective_grade, "version": result.version}
            ),
        },
    }
    return render(request, "assessment/result_detail.html", context)


def _grade(request: HttpRequest, result: AssessmentResult) -> Any:
    data = cleaned(forms.KeyTaskGradeForm(request.POST, request.FILES))
    item = ScorecardItem.objects.filter(pk=data["item"]).first()
    if item is None:
        raise Http404
    return inputs.key_task_grade(
        actor=actor_of(request),
        result=result,
        item=item,
        grade=data["grade"],
        note=data["note"],
        evidence=data["evidence"],
        version=posted_version(request),
    )


def _confirm(request: HttpRequest, result: AssessmentResult) -> Any:
    milestone = Milestone.objects.filter(
        pk=request.POST.get("milestone") or 0, item__scorecard_id=result.scorecard_id
    ).first()
    if milestone is None:
        raise Http404
    raw = request.POST.get("completed_on", "")
    try:
        done = datetime.date.fromisoformat(raw) if raw else None
    except ValueError:
        raise ValidationError(_("Give the date as YYYY-MM-DD.")) from None
    return inputs.milestone_confirm(
        actor=actor_of(request),
        result=result,
        milestone=milestone,
        completed_on=done,
        version=posted_version(request),
    )


def _rate(request: HttpRequest, result: AssessmentResult) -> Any:
    return inputs.qualitative_rate(
        actor=actor_of(request),
        result=result,
        version=posted_version(request),
        **cleaned(forms.RatingForm(request.POST)),
    )


def _adjust(request: HttpRequest, result: AssessmentResult) -> Any:
    data = cleaned(forms.AdjustmentForm(request.POST, request.FILES))
    return decisions.adjustment_propose(actor=actor_of(request), result=result, **data)


def _veto(request: HttpRequest, result: AssessmentResult) -> Any:
    data = cleaned(forms.VetoForm(request.POST, request.FILES))
    return decisions.veto_propose(actor=actor_of(request), result=result, **data)


def _exempt(request: HttpRequest, result: AssessmentResult) -> Any:
    item = ScorecardItem.objects.filter(
        pk=request.POST.get("item") or 0, scorecard_id=result.scorecard_id
    ).first()
    if item is None:
        raise ValidationError(_("Choose an item of this scorecard."))
    return decisions.exemption_propose(
        actor=actor_of(request),
        result=result,
        item=item,
        reason=request.POST.get("reason", ""),
        evidence=request.FILES.get("evidence"),
    )


def _decide(request: HttpRequest, result: AssessmentResult) -> Any:
    kind = request.POST.get("kind")
    models: dict[str, Any] = {"adjustment": Adjustment, "veto": Veto, "exemption": Exemption}
    services: dict[str, Any] = {
        "adjustment": decisions.adjustment_decide,
        "veto": decisions.veto_decide,
        "exemption": decisions.exemption_decide,
    }
    if kind not in models:
        raise Http404
    row = models[kind].objects.filter(pk=request.POST.get("id") or 0, result=result).first()
    if row is None:
        raise Http404
    return services[kind](
        actor=actor_of(request),
        **{kind: row},
        approve=request.POST.get("approve") == "1",
        note=request.POST.get("note", ""),
        version=posted_version(request),
    )


def _self(request: HttpRequest, result: AssessmentResult) -> Any:
    return inputs.result_self_assess(
        actor=actor_of(request),
        result=result,
        text=request.POST.get("text", ""),
        version=posted_version(request),
    )


def _review_done(request: HttpRequest, result: AssessmentResult) -> Any:
    return inputs.result_review_done(
        actor=actor_of(request), result=result, version=posted_version(request)
    )


def _acknowledge(request: HttpRequest, result: AssessmentResult) -> Any:
    return result_acknowledge(
        actor=actor_of(request), result=result, version=posted_version(request)
    )


def _calibrate(request: HttpRequest, result: AssessmentResult) -> Any:
    from assessment.services.results import result_calibrate

    return result_calibrate(
        actor=actor_of(request),
        result=result,
        grade=request.POST.get("grade", ""),
        reason=request.POST.get("reason", ""),
        version=posted_version(request),
    )


ACTIONS: dict[str, Callable[[HttpRequest, AssessmentResult], Any]] = {
    "grade": _grade,
    "confirm": _confirm,
    "rate": _rate,
    "adjust": _adjust,
    "veto": _veto,
    "exempt": _exempt,
    "decide": _decide,
    "self": _self,
    "review-done": _review_done,
    "acknowledge": _acknowledge,
    "calibrate": _calibrate,
}


@login_required
@require_POST
def result_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One button or form of the result page; the service decides who may."""
    if action not in ACTIONS:
        raise Http404
    result = selectors.result_get(actor_of(request), pk)
    back = safe_next(request, request.POST.get("next")) or reverse(
        "assessment-result", args=[result.pk]
    )
    return act(request, lambda: ACTIONS[action](request, result), back)
