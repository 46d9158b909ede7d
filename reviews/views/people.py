"""Pages of the critical-incident log and of feedback threads."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessment.models import AssessmentResult
from org.models import Employee
from org.scoping import ADMIN, CHANGE, HR, MANAGER, actor_of, get_scoped, scope_of
from reviews import forms, people
from reviews.models import CriticalIncident, FeedbackTopic
from reviews.services import feedback as feedback_services
from reviews.services import incidents as incident_services
from reviews.views.common import PAGE_SIZE, managed_people
from scorecard.models import ScorecardItem
from spm.forms import act, form_run, posted_version
from spm.htmx import is_htmx_partial
from spm.paginator import page_of


@login_required
def incident_list(request: HttpRequest) -> HttpResponse:
    """The incidents a manager or HR may read; a manager records new ones here."""
    user = actor_of(request)
    if not scope_of(user).has_role(MANAGER, HR, ADMIN):
        raise Http404
    rows = people.incidents(user).order_by("-occurred_on", "-pk")
    employee = request.GET.get("employee", "")
    if employee.isdigit():
        rows = rows.filter(employee_id=int(employee))
    form = None
    if scope_of(user).has_role(MANAGER, ADMIN):
        form = forms.IncidentForm(request.POST or None)
        form.fields["employee"].queryset = managed_people(user)  # type: ignore[attr-defined]
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            done = form_run(form, lambda: incident_services.incident_record(actor=user, **data))
            if done is not None:
                messages.success(request, _("The incident is recorded."))
                return redirect("reviews-incidents")
    context = {"page": page_of(request, rows, PAGE_SIZE), "form": form}
    template = (
        "reviews/_incident_rows.html" if is_htmx_partial(request) else "reviews/incidents.html"
    )
    return render(request, template, context)


@login_required
@require_POST
def incident_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor_of(request)
    row = get_scoped(CriticalIncident.objects.all(), user, pk, CHANGE)
    return act(
        request,
        lambda: incident_services.incident_delete(
            actor=user, incident=row, version=posted_version(request)
        ),
        "reviews-incidents",
    )


@login_required
def feedback_list(request: HttpRequest) -> HttpResponse:
    """The threads someone takes part in; ad-hoc feedback to a colleague starts here."""
    user = actor_of(request)
    rows = people.threads(user).order_by("-last_message_at", "-pk")
    form = forms.ThreadForm(request.POST or None)
    form.fields["employee"].choices = forms.people_choices(  # type: ignore[attr-defined]
        feedback_services.colleagues(user)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        who = Employee.objects.filter(pk=data["employee"]).first()
        thread = form_run(form, lambda: feedback_services.feedback_thread_start(
            actor=user, topic=FeedbackTopic.ADHOC, employee=who, subject=data["subject"],
            body=data["body"], private=data["private"],
        ))  # fmt: skip
        if thread is not None:
            return redirect("reviews-feedback-thread", thread.pk)
    page = page_of(request, rows, PAGE_SIZE)
    return render(request, "reviews/feedback_list.html", {"page": page, "form": form})


@login_required
@require_POST
def feedback_on(request: HttpRequest) -> HttpResponse:
    """Start a thread on a result or a scorecard item (from its page). A refused start shows
    the form again with its errors and everything typed, with a way back to that page."""
    user = actor_of(request)
    form = forms.TopicThreadForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        kwargs: dict[str, Any] = {}
        if data["topic"] == FeedbackTopic.RESULT:
            kwargs["result"] = AssessmentResult.objects.filter(pk=data["target"]).first()
        elif data["topic"] == FeedbackTopic.ITEM:
            kwargs["item"] = ScorecardItem.objects.filter(pk=data["target"]).first()
        if not any(kwargs.values()):
            raise Http404
        thread = form_run(form, lambda: feedback_services.feedback_thread_start(
            actor=user, topic=data["topic"], subject=data["subject"], body=data["body"], **kwargs
        ))  # fmt: skip
        if thread is not None:
            return redirect("reviews-feedback-thread", thread.pk)
    # Back to the page the form came from (named by what was posted; nothing is looked up).
    topic, target = request.POST.get("topic"), request.POST.get("target", "")
    pages = {FeedbackTopic.ITEM: "scorecard-item", FeedbackTopic.RESULT: "assessment-result"}
    back = reverse("reviews-feedback")
    if topic in pages and target.isdigit() and len(target) < 19:
        back = reverse(pages[FeedbackTopic(topic)], args=[int(target)])
    return render(request, "reviews/feedback_on.html", {"form": form, "back": back})


@login_required
def feedback_thread(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor_of(request)
    thread = people.thread_get(user, pk)
    form = forms.ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = form_run(form, lambda: feedback_services.feedback_reply(
            actor=user, thread=thread, body=form.cleaned_data["body"]
        ))  # fmt: skip
        if done is not None:
            return redirect("reviews-feedback-thread", pk)
    return render(request, "reviews/feedback_thread.html", {"thread": thread, "form": form})
