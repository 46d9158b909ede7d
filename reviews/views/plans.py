"""Pages of performance interviews, improvement plans and a scheme's rating scales."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessment.services.common import actor_employee_id
from org.models import Employee
from org.scoping import ADMIN, CHANGE, HR, MANAGER, VIEW, actor_of, get_scoped, scope_of
from reviews import forms, people
from reviews.models import ImprovementPlan, Interview, PlanAction
from reviews.services import interviews as interview_services
from reviews.services import plans as plan_services
from reviews.views.common import PAGE_SIZE, managed_people
from spm.clock import clock
from spm.forms import act, form_run, posted_version
from spm.paginator import page_of


@login_required
def interview_list(request: HttpRequest) -> HttpResponse:
    user = actor_of(request)
    rows = people.interviews(user).order_by("-scheduled_for", "-pk")
    form = None
    if scope_of(user).has_role(MANAGER, ADMIN):
        form = forms.InterviewForm(request.POST or None)
        form.fields["employee"].queryset = managed_people(user)  # type: ignore[attr-defined]
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            row = form_run(form, lambda: interview_services.interview_schedule(actor=user, **data))
            if row is not None:
                return redirect("reviews-interview", row.pk)
    page = page_of(request, rows, PAGE_SIZE)
    return render(request, "reviews/interviews.html", {"page": page, "form": form})


@login_required
def interview_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor_of(request)
    interview = get_scoped(people.interviews(user), user, pk, VIEW)
    me = actor_employee_id(user)
    holds = me != interview.employee_id and scope_of(user).covers(
        interview.unit.path, {MANAGER, ADMIN}
    )
    form = forms.InterviewRecordForm(
        request.POST or None,
        initial={
            "strengths": interview.strengths, "gaps": interview.gaps,
            "agreed_actions": interview.agreed_actions, "version": interview.version,
        },
    )  # fmt: skip
    if request.method == "POST" and holds and form.is_valid():
        data = form.cleaned_data
        done = form_run(
            form,
            lambda: interview_services.interview_record(actor=user, interview=interview, **data),
        )
        if done is not None:
            messages.success(
                request, _("The interview is recorded; both of you acknowledge it now.")
            )
            return redirect("reviews-interview", pk)
    acknowledges = interview.recorded_at is not None and (
        (me == interview.employee_id and interview.employee_acknowledged_at is None)
        or (me == interview.manager_id and interview.manager_acknowledged_at is None)
    )
    context = {"interview": interview, "holds": holds, "form": form, "acknowledges": acknowledges}
    return render(request, "reviews/interview_detail.html", context)


@login_required
@require_POST
def interview_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor_of(request)
    interview = get_scoped(Interview.objects.all(), user, pk, VIEW)
    return act(request, lambda: interview_services.interview_acknowledge(
        actor=user, interview=interview, version=posted_version(request)
    ), "reviews-interview", pk)  # fmt: skip


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    user = actor_of(request)
    rows = people.plans(user).order_by("-year", "-created_at", "-pk")
    form = None
    if scope_of(user).has_role(MANAGER, HR, ADMIN):
        form = forms.PlanForm(request.POST or None, initial={"year": clock().today().year})
        form.fields["employee"].queryset = managed_people(user)  # type: ignore[attr-defined]
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            who = data["employee"]
            plan = form_run(form, lambda: plan_services.plan_create(
                actor=user, unit=who.unit, employee=who, year=data["year"], title=data["title"]
            ))  # fmt: skip
            if plan is not None:
                return redirect("reviews-plan", plan.pk)
    return render(
        request, "reviews/plans.html", {"page": page_of(request, rows, PAGE_SIZE), "form": form}
    )


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor_of(request)
    plan = people.plan_get(user, pk)
    runs = ImprovementPlan.objects.can(user, CHANGE, plan.pk)
    form = forms.ActionForm(request.POST or None)
    owners = list(Employee.objects.filter(active=True, unit__path__startswith=plan.unit.path)
                  .select_related("unit").order_by("name", "pk")[:200])  # fmt: skip
    form.fields["owner"].choices = forms.people_choices(owners)  # type: ignore[attr-defined]
    if request.method == "POST" and runs and form.is_valid():
        data = form.cleaned_data
        owner = Employee.objects.filter(pk=data["owner"]).first()
        if owner is None:
            raise Http404
        done = form_run(form, lambda: plan_services.plan_action_add(
            actor=user, plan=plan, description=data["description"], owner=owner,
            due_on=data["due_on"],
        ))  # fmt: skip
        if done is not None:
            return redirect("reviews-plan", pk)
    me = actor_employee_id(user)
    context: dict[str, Any] = {
        "plan": plan,
        "runs": runs,
        "form": form,
        "me": me,
        "stages": forms.ActionStage.choices,
    }
    return render(request, "reviews/plan_detail.html", context)


@login_required
@require_POST
def plan_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = actor_of(request)
    plan = people.plan_get(user, pk)
    version = posted_version(request)
    if action == "close":
        return act(request, lambda: plan_services.plan_close(
            actor=user, plan=plan, version=version), "reviews-plan", pk)  # fmt: skip
    if action == "seed":
        return act(request, lambda: plan_services.plan_seed_next_year(actor=user, plan=plan),
                   "reviews-plan", pk)  # fmt: skip
    if action == "stage":
        row = PlanAction.objects.filter(pk=request.POST.get("action") or 0, plan=plan).first()
        if row is None:
            raise Http404
        return act(request, lambda: plan_services.plan_action_move(
            actor=user, action=row, stage=request.POST.get("stage", ""), version=version
        ), "reviews-plan", pk)  # fmt: skip
    raise Http404
