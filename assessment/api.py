"""REST API of the assessment under /api/v1/: cycles and their steps, results with their
explanation, key-task grades, adjustments, vetoes and exemptions — scoped like the pages.

Viewsets call the services and let their errors through: a ``ValidationError`` is a 400,
a stale edit or a finalised cycle a 409 (``code`` ``stale`` / ``finalised``), out of scope
a 404 (see :mod:`spm.api`).
"""

from __future__ import annotations

from typing import Any, cast

import django_filters
from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from assessment import selectors
from assessment import serializers as s
from assessment.models import (
    Adjustment,
    AssessmentCycle,
    AssessmentResult,
    Exemption,
    KeyTaskGrade,
    Veto,
)
from assessment.services import cycles, decisions, inputs, results
from org.scoping import CHANGE, VIEW, Actor
from spm.api import (
    ExpectedVersionSerializer,
    ScopedViewSetMixin,
    StepMixin,
    WithinFilterSet,
    request_action,
)
from spm.cursor import KeysetPagination


def _actor(request: Any) -> Actor:
    """The signed-in user of an API request (DRF authenticated it before any action)."""
    return cast(Actor, request.user)


class CycleViewSet(
    StepMixin,
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[AssessmentCycle],
):
    """Assessment cycles. HR creates a cycle and takes it step by step to published."""

    serializer_class = s.CycleSerializer
    filterset_fields = ["kind", "year", "status"]
    ordering = ["-year", "-period", "name"]

    def scoped(self, user: Any, action_name: str) -> QuerySet[Any]:
        return selectors.cycles(user, action_name).prefetch_related("root_units")

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        serializer.instance = cycles.cycle_create(actor=_actor(self.request), **data)

    @extend_schema(request=s.AdvanceSerializer, responses=s.CycleSerializer)
    @action(detail=True, methods=["post"])
    def advance(self, request: Request, pk: Any = None) -> Response:
        """Take the cycle's next step (``to`` must be that step; ``version`` guards)."""
        return self.step(request, s.AdvanceSerializer, cycles.cycle_advance, "cycle")

    @extend_schema(request=None, responses={202: s.JobSerializer})
    @action(detail=True, methods=["post"])
    def compute(self, request: Request, pk: Any = None) -> Response:
        """Compute every result of the cycle in the background; poll the job."""
        job = results.cycle_compute_start(actor=_actor(request), cycle=self.get_object())
        return Response({"job": job.pk, "url": reverse("job-detail", args=[job.pk])}, status=202)


class ResultFilter(WithinFilterSet):
    cycle = django_filters.NumberFilter()

    class Meta:
        model = AssessmentResult
        fields = ["cycle", "grade", "employee", "unit"]


class ResultViewSet(
    StepMixin,
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[AssessmentResult],
):
    """Results with their explanation; actions for the reviewer, the executive who
    calibrates and the person assessed."""

    serializer_class = s.ResultSerializer
    filterset_class = ResultFilter
    pagination_class = KeysetPagination
    # By ids, not "cycle" and "unit__path" (the cycle's own ordering and the unit's path
    # through joins, a sort of every row in scope): pages seek in result_cycle_unit_id.
    ordering = ["cycle_id", "unit_id", "pk"]

    def scoped(self, user: Any, action_name: str) -> QuerySet[Any]:
        # Actions check their own rights in the services; finding the row needs VIEW.
        return selectors.results(user, VIEW).select_related("qualitative_rating")

    @extend_schema(request=s.CalibrateSerializer, responses=s.ResultSerializer)
    @action(detail=True, methods=["post"])
    def calibrate(self, request: Request, pk: Any = None) -> Response:
        """Executive: set the calibrated grade, with a reason when it changes the grade."""
        return self.step(request, s.CalibrateSerializer, results.result_calibrate, "result")

    @extend_schema(request=s.RateSerializer, responses=s.ResultSerializer)
    @action(detail=True, methods=["post"])
    def rate(self, request: Request, pk: Any = None) -> Response:
        """Reviewer: the qualitative rating (0-100)."""
        self.act(request, s.RateSerializer, inputs.qualitative_rate, "result")
        return self.answer(request, pk)

    @extend_schema(request=s.SelfAssessSerializer, responses=s.ResultSerializer)
    @action(detail=True, methods=["post"], url_path="self-assess")
    def self_assess(self, request: Request, pk: Any = None) -> Response:
        """The person assessed: the self-assessment."""
        return self.step(request, s.SelfAssessSerializer, inputs.result_self_assess, "result")

    @extend_schema(request=ExpectedVersionSerializer, responses=s.ResultSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: Any = None) -> Response:
        """The person assessed acknowledges the published result, at the version read."""
        return self.step(request, ExpectedVersionSerializer, results.result_acknowledge, "result")


class KeyTaskGradeViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[KeyTaskGrade],
):
    """Key-task grades; posting grades a key task (or changes its grade)."""

    serializer_class = s.KeyTaskGradeSerializer
    filterset_fields = ["result", "item"]
    ordering = ["result", "item"]

    def scoped(self, user: Any, action_name: str) -> QuerySet[Any]:
        return KeyTaskGrade.objects.restrict(user, action_name)

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = inputs.key_task_grade(
            actor=_actor(self.request), **serializer.validated_data
        )


def _decision_viewset(model: type[Any], serializer: type[Any], propose: Any, decide: Any) -> Any:
    argument = model.__name__.lower()

    class DecisionViewSet(
        StepMixin,
        ScopedViewSetMixin,
        mixins.ListModelMixin,
        mixins.RetrieveModelMixin,
        mixins.CreateModelMixin,
        viewsets.GenericViewSet[Any],
    ):
        serializer_class = serializer
        filterset_fields = ["result", "status"]
        ordering = ["result", "id"]

        def scoped(self, user: Any, action_name: str) -> QuerySet[Any]:
            return model.objects.restrict(user, VIEW if action_name == CHANGE else action_name)

        def perform_create(self, ser: Any) -> None:
            ser.instance = propose(actor=_actor(self.request), **ser.validated_data)

        @extend_schema(request=s.DecideSerializer, responses=serializer)
        @action(detail=True, methods=["post"])
        def decide(self, request: Request, pk: Any = None) -> Response:
            """Approve or reject (someone other than the proposer; rejections say why)."""
            return self.step(request, s.DecideSerializer, decide, argument)

    DecisionViewSet.__name__ = f"{model.__name__}ViewSet"
    DecisionViewSet.__qualname__ = DecisionViewSet.__name__
    DecisionViewSet.__doc__ = f"{model._meta.verbose_name_plural}: proposals and decisions."
    return DecisionViewSet


AdjustmentViewSet = _decision_viewset(
    Adjustment, s.AdjustmentSerializer, decisions.adjustment_propose, decisions.adjustment_decide
)
VetoViewSet = _decision_viewset(
    Veto, s.VetoSerializer, decisions.veto_propose, decisions.veto_decide
)
ExemptionViewSet = _decision_viewset(
    Exemption, s.ExemptionSerializer, decisions.exemption_propose, decisions.exemption_decide
)


def register(router: BaseRouter) -> None:
    router.register("assessment-cycles", CycleViewSet, basename="assessment-cycle")
    router.register("assessment-results", ResultViewSet, basename="assessment-result")
    router.register("key-task-grades", KeyTaskGradeViewSet, basename="key-task-grade")
    router.register("assessment-adjustments", AdjustmentViewSet, basename="assessment-adjustment")
    router.register("assessment-vetoes", VetoViewSet, basename="assessment-veto")
    router.register("assessment-exemptions", ExemptionViewSet, basename="assessment-exemption")


__all__ = ["register", "request_action"]
