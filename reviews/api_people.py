"""REST API of the people side after a result: the critical-incident log, feedback
threads, performance interviews, appeals and improvement plans — scoped like the pages.
State changes go through :class:`spm.api.StepMixin` (scoped object → service → fresh row)."""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from org.scoping import Actor
from reviews import people, selectors
from reviews import serializers as s
from reviews.models import CriticalIncident
from reviews.services import appeals, feedback, incidents, interviews, plans
from spm.api import (
    VERSION_QUERY,
    ExpectedVersionSerializer,
    ScopedViewSetMixin,
    StepMixin,
    query_version,
)


def request_actor(request: Any) -> Actor:
    return cast(Actor, request.user)


class IncidentViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
    mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet[Any],
):  # fmt: skip
    """The critical-incident log: managers record, managers and HR read."""

    serializer_class = s.IncidentSerializer
    filterset_fields = ["employee", "kind"]
    ordering = ["-occurred_on", "-id"]

    def scoped(self, user: Any, action_name: str) -> QuerySet[Any]:
        return CriticalIncident.objects.restrict(user, action_name).select_related("employee")

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        serializer.instance = incidents.incident_record(actor=request_actor(self.request), **data)

    @extend_schema(parameters=[VERSION_QUERY])
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().destroy(request, *args, **kwargs)

    def perform_destroy(self, instance: Any) -> None:
        incidents.incident_delete(
            actor=request_actor(self.request), incident=instance,
            version=query_version(self.request),
        )  # fmt: skip

    @extend_schema(request=s.IncidentUpdateSerializer, responses=s.IncidentSerializer)
    @action(detail=True, methods=["post"])
    def correct(self, request: Request, pk: Any = None) -> Response:
        """Correct an incident (``version`` guards against a stale edit)."""
        incident = self.get_object()  # out of scope is a 404 whatever the body
        body = s.IncidentUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        row = incidents.incident_update(
            actor=request_actor(request), incident=incident, **body.validated_data
        )
        return Response(s.IncidentSerializer(row, context={"request": request}).data)


class ThreadViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
    mixins.CreateModelMixin, viewsets.GenericViewSet[Any],
):  # fmt: skip
    """Feedback threads the caller takes part in; start one, or reply."""

    serializer_class = s.FeedbackThreadSerializer
    filterset_fields = ["topic", "employee"]
    ordering = ["-last_message_at", "-id"]

    def scoped(self, user: Any, action_name: str) -> QuerySet[Any]:
        return people.threads(user).prefetch_related("messages__author")

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = feedback.feedback_thread_start(
            actor=request_actor(self.request), **serializer.validated_data
        )

    @extend_schema(request=s.FeedbackReplySerializer, responses=s.FeedbackThreadSerializer)
    @action(detail=True, methods=["post"])
    def reply(self, request: Request, pk: Any = None) -> Response:
        thread = self.get_object()
        body = s.FeedbackReplySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        feedback.feedback_reply(actor=request_actor(request), thread=thread, **body.validated_data)
        fresh = people.thread_get(request_actor(request), thread.pk)
        return Response(s.FeedbackThreadSerializer(fresh, context={"request": request}).data)


class InterviewViewSet(
    StepMixin, ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
    mixins.CreateModelMixin, viewsets.GenericViewSet[Any],
):  # fmt: skip
    """Performance interviews: the manager schedules and records; both acknowledge."""

    serializer_class = s.InterviewSerializer
    filterset_fields = ["employee"]
    ordering = ["-scheduled_for", "-id"]

    def scoped(self, user: Any, action_name: str) -> QuerySet[Any]:
        return people.interviews(user)

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = interviews.interview_schedule(
            actor=request_actor(self.request), **serializer.validated_data
        )

    @extend_schema(request=s.InterviewRecordSerializer, responses=s.InterviewSerializer)
    @action(detail=True, methods=["post"])
    def record(self, request: Request, pk: Any = None) -> Response:
        return self.step(
            request, s.InterviewRecordSerializer, interviews.interview_record, "interview"
        )

    @extend_schema(request=ExpectedVersionSerializer, responses=s.InterviewSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: Any = None) -> Response:
        return self.step(
            request, ExpectedVersionSerializer, interviews.interview_acknowledge, "interview"
        )


class AppealViewSet(
    StepMixin, ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
    mixins.CreateModelMixin, viewsets.GenericViewSet[Any],
):  # fmt: skip
    """Appeals with their deadlines: the person assessed submits; HR takes each under
    review and upholds or changes it (a change re-scores the result)."""

    serializer_class = s.AppealSerializer
    filterset_fields = ["status", "result"]
    ordering = ["-submitted_at", "-id"]

    def scoped(self, user: Any, action_name: str) -> QuerySet[Any]:
        return selectors.appeals_for(user)

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        serializer.instance = appeals.appeal_submit(
            actor=request_actor(self.request), result=data["result"], reason=data["reason"],
            evidence=data.get("evidence"),
        )  # fmt: skip

    @extend_schema(request=ExpectedVersionSerializer, responses=s.AppealSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: Any = None) -> Response:
        """HR: take the appeal under review."""
        return self.step(request, ExpectedVersionSerializer, appeals.appeal_review_start, "appeal")

    @extend_schema(request=s.AppealDecideSerializer, responses=s.AppealSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: Any = None) -> Response:
        """HR: uphold (``change`` false) or change with the corrected qualitative part."""
        return self.step(request, s.AppealDecideSerializer, appeals.appeal_decide, "appeal")


class ImprovementPlanViewSet(
    StepMixin, ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
    mixins.CreateModelMixin, viewsets.GenericViewSet[Any],
):  # fmt: skip
    """Improvement plans with their PDCA actions."""

    serializer_class = s.ImprovementPlanSerializer
    filterset_fields = ["employee", "year", "status"]
    ordering = ["-year", "-created_at", "-id"]

    def scoped(self, user: Any, action_name: str) -> QuerySet[Any]:
        return people.plans(user).prefetch_related("actions__owner")

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        employee = data.get("employee")
        unit = employee.unit if employee is not None else data.get("unit")
        if unit is None:
            raise ValidationError({"unit": _("Choose a person or a unit.")})
        serializer.instance = plans.plan_create(
            actor=request_actor(self.request), unit=unit, year=data["year"], title=data["title"],
            employee=employee, interview=data.get("interview"), appeal=data.get("appeal"),
        )  # fmt: skip

    @extend_schema(request=s.ImprovementActionSerializer, responses=s.ImprovementPlanSerializer)
    @action(detail=True, methods=["post"], url_path="actions")
    def add_action(self, request: Request, pk: Any = None) -> Response:
        plan = self.get_object()
        body = s.ImprovementActionSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        plans.plan_action_add(actor=request_actor(request), plan=plan, **body.validated_data)
        return self.answer(request, plan.pk)

    @extend_schema(request=ExpectedVersionSerializer, responses=s.ImprovementPlanSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: Any = None) -> Response:
        return self.step(request, ExpectedVersionSerializer, plans.plan_close, "plan")

    @extend_schema(request=None, responses={201: s.ImprovementPlanSerializer})
    @action(detail=True, methods=["post"])
    def seed(self, request: Request, pk: Any = None) -> Response:
        """From December: carry unfinished actions into next year's scorecard."""
        plan = self.get_object()
        plans.plan_seed_next_year(actor=request_actor(request), plan=plan)
        response = self.answer(request, plan.pk)
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(request=s.ActionStageSerializer, responses=s.ImprovementPlanSerializer)
    @action(detail=True, methods=["post"], url_path=r"actions/(?P<action_id>\d+)/stage")
    def stage(self, request: Request, pk: Any = None, action_id: str = "") -> Response:
        """The action's owner, or whoever runs the plan, moves it to a PDCA stage."""
        plan = self.get_object()
        row = plan.actions.filter(pk=int(action_id)).first()
        if row is None:
            raise Http404
        body = s.ActionStageSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        plans.plan_action_move(actor=request_actor(request), action=row, **body.validated_data)
        return self.answer(request, plan.pk)
