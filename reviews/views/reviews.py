"""The 360° pages: the reviews someone is asked to give (their self-assessment among them),
the review form against the behaviour-anchored scales, and a result's reviews — groups for
whoever may read the result, completion and who is asked for HR."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessment import selectors as assessment_selectors
from assessment.models import COMPUTABLE_STATUSES, CycleStatus
from assessment.services.common import covered_by, is_subject
from org.models import Employee
from org.scoping import VIEW, actor_of, get_scoped, scope_of
from reviews import forms, people, policy, rules, selectors
from reviews.models import Review, ReviewerKind
from reviews.services import appeals as appeal_services
from reviews.services import reviews as services
from reviews.views.common import PAGE_SIZE
from scorecard.models import ScorecardItem
from spm.forms import act, form_run, posted_version
from spm.htmx import is_htmx_partial
from spm.paginator import page_of


@login_required
def my_reviews(request: HttpRequest) -> HttpResponse:
    user = actor_of(request)
    rows = selectors.my_reviews(user)
    me = scope_of(user).employee_id
    results = (
        assessment_selectors.results(user)
        .filter(employee_id=me, cycle__status=CycleStatus.PUBLISHED)
        .select_related("cycle")
        .order_by("-cycle__year", "-cycle__period")[:10]
        if me is not None
        else []
    )
    context = {"page": page_of(request, rows, PAGE_SIZE), "results": list(results)}
    return render(request, "reviews/my_reviews.html", context)


@login_required
def review_form(request: HttpRequest, pk: int) -> HttpResponse:
    """The reviewer rates each behaviour against its scale; a superior sees the critical
    incidents of the period beside the form."""
    user = actor_of(request)
    review = get_scoped(
        Review.objects.select_related("result__cycle__scheme", "result__employee"), user, pk, VIEW
    )
    open_ = review.result.cycle.status in COMPUTABLE_STATUSES
    form = forms.ReviewForm(
        request.POST or None,
        initial={
            "integrity": review.integrity,
            "synergy": review.synergy,
            "systematicness": review.systematicness,
            "comment": review.comment,
            "version": review.version,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = form_run(
            form,
            lambda: services.review_submit(
                actor=user, review=review, integrity=data["integrity"], synergy=data["synergy"],
                systematicness=data["systematicness"], comment=data["comment"],
                version=data["version"],
            ),
        )  # fmt: skip
        if done is not None:
            messages.success(request, _("Your review is saved."))
            return redirect("reviews-mine")
    context: dict[str, Any] = {
        "review": review,
        "form": form,
        "open": open_,
        "scales": people.anchors(review.result.cycle.scheme_id),
        "hr_reads": review.kind != rules.SELF
        and policy.hr_reads_answers(review.result.cycle.scheme_id),
        "incidents": people.incidents_beside(user, review) if review.kind == rules.SUPERIOR else [],
    }
    return render(request, "reviews/review_form.html", context)


@login_required
def result_reviews(request: HttpRequest, pk: int) -> HttpResponse:
    """A result's reviews as its reader may see them: groups of at least three answers
    (the page says when groups were merged), HR's completion and reviewer list — and who
    said what where the scheme's review policy lets HR read it — and for the person
    assessed the appeal window."""
    user = actor_of(request)
    result = assessment_selectors.result_get(user, pk)
    hr = covered_by(user, result.unit.path, services.HR_ROLES) and not is_subject(user, result)
    hr_reads = hr and selectors.hr_reads(user, result)
    visible = assessment_selectors.scores_visible(user, result)
    deadline = appeal_services.deadline_of(result)
    subject = is_subject(user, result)
    context: dict[str, Any] = {
        "result": result,
        "summary": selectors.review_summary(user, pk) if visible else None,
        "hr": hr,
        "completion": selectors.completion(user, pk) if hr else {},
        "slots": selectors.reviewers(user, pk) if hr else [],
        "hr_reads": hr_reads,
        "answers": selectors.answers(user, pk) if hr_reads else [],
        "kinds": dict(ReviewerKind.choices),
        "running": result.cycle.status in COMPUTABLE_STATUSES,
        "deadline": deadline,
        "subject": subject,
        "appeals": list(selectors.appeals_for(user).filter(result=result)),
        "appeal_form": forms.AppealForm() if subject else None,
        "may_appeal": subject and appeal_services.may_appeal_now(result),
        "people": Employee.objects.restrict(user, VIEW)
        .filter(active=True)
        .exclude(pk=result.employee_id)
        .order_by("name", "pk")[:200]
        if hr
        else [],
        "reviewer_kinds": [c for c in ReviewerKind.choices if c[0] != rules.SELF],
        "threads": list(people.threads(user).filter(result=result).order_by("-last_message_at")),
        "feedback_open": result.cycle.status == CycleStatus.PUBLISHED
        and result.employee_id is not None,
        "items": list(
            ScorecardItem.objects.filter(scorecard_id=result.scorecard_id)
            .order_by("order", "pk")
            .values_list("pk", "name")
        ),
    }
    template = (
        "reviews/_result_reviews.html"
        if is_htmx_partial(request)
        else "reviews/result_reviews.html"
    )
    return render(request, template, context)


@login_required
@require_POST
def result_reviewers(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """HR suggests reviewers from the org tree, adds one, or withdraws one."""
    user = actor_of(request)
    result = assessment_selectors.result_get(user, pk)
    if action == "suggest":
        return act(request, lambda: services.reviews_suggest(actor=user, result=result),
                   "reviews-result", pk)  # fmt: skip
    if action == "assign":
        reviewer = Employee.objects.filter(pk=request.POST.get("reviewer") or 0).first()
        if reviewer is None:
            raise Http404
        kind = request.POST.get("kind", "")
        return act(
            request,
            lambda: services.review_assign(
                actor=user, result=result, reviewer=reviewer, kind=kind,
                version=posted_version(request),
            ),
            "reviews-result", pk,
        )  # fmt: skip
    if action == "remove":
        row = Review.objects.filter(pk=request.POST.get("review") or 0, result=result).first()
        if row is None:
            raise Http404
        return act(
            request,
            lambda: services.review_remove(
                actor=user, review=row, version=posted_version(request)
            ),
            "reviews-result", pk,
        )  # fmt: skip
    raise Http404
