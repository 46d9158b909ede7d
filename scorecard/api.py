"""REST API of the scorecard app: indicators, scorecards, items, milestones, cascade,
"my targets" and alignment — all scoped like the pages. Letters and actuals register
theirs from ``scorecard.api_tracking`` when that module is present.

Viewsets call the services. A service's validation error is a 400; a stale edit or a
change to a signed scorecard is a 409 Conflict (``code`` ``stale`` or ``locked``).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from org.scoping import ADMIN, CHANGE, EXECUTIVE, HR, MANAGER, VIEW, scope_of
from scorecard import expressions
from scorecard import serializers as s
from scorecard.api_common import WithinFilter, scope_action, service_errors
from scorecard.api_items import ItemViewSet, MilestoneViewSet
from scorecard.models import (
    Indicator,
    Scorecard,
)
from scorecard.selectors import alignment as alignment_selectors
from scorecard.selectors import indicators as indicator_selectors
from scorecard.selectors import lines
from scorecard.selectors import scorecards as selectors
from scorecard.services import indicators, scorecards
from scorecard.services.indicators import INDICATOR_FIELDS
from scorecard.views.common import year_of

# --- Indicators -------------------------------------------------------------------------


class IndicatorFilter(WithinFilter):
    within_lookup = "owner_unit__path"

    class Meta:
        model = Indicator
        fields = [
            "polarity",
            "frequency",
            "aggregation",
            "owner_unit",
            "active",
            "formula_is_expression",
        ]


class IndicatorViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Indicator],
):
    """The indicator dictionary. HR, executives and admins write it for their units."""

    serializer_class = s.IndicatorSerializer
    filterset_class = IndicatorFilter
    search_fields = ["code", "name", "definition"]
    ordering_fields = ["code", "name"]
    ordering = ["code"]

    def get_queryset(self) -> QuerySet[Indicator]:
        action_name = VIEW if self.action in {"list", "retrieve", "evaluate"} else CHANGE
        return indicator_selectors.indicators(self.request.user, action_name).select_related(
            "owner_unit"
        )

    def perform_create(self, serializer: s.IndicatorSerializer) -> None:
        if not indicators.may_curate(self.request.user):
            raise exceptions.PermissionDenied
        with service_errors():
            serializer.instance = indicators.indicator_create(
                actor=self.request.user, **serializer.validated_data
            )

    def perform_update(self, serializer: s.IndicatorSerializer) -> None:
        fields = {k: v for k, v in serializer.validated_data.items() if k in INDICATOR_FIELDS}
        with service_errors():
            serializer.instance = indicators.indicator_update(
                actor=self.request.user, indicator=serializer.instance, **fields
            )

    @extend_schema(request=s.EvaluateSerializer, responses=s.EvaluateResultSerializer)
    @action(detail=True, methods=["post"])
    def evaluate(self, request: Request, pk: Any = None) -> Response:
        """Evaluate the indicator's formula with the given measured values."""
        indicator = self.get_object()
        body = s.EvaluateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if not indicator.formula_is_expression:
            return Response(
                {"value": None, "error": _("This indicator's formula is text.")}, status=400
            )
        try:
            value = indicator_selectors.indicator_evaluate(
                request.user, indicator, body.validated_data["values"]
            )
        except expressions.ExpressionError as exc:
            return Response({"value": None, "error": str(exc)}, status=400)
        return Response({"value": format(value.normalize(), "f"), "error": ""})


# --- Scorecards ---------------------------------------------------------------------------


class ScorecardFilter(WithinFilter):
    owner = django_filters.ChoiceFilter(
        method="filter_owner", choices=[("unit", "unit"), ("employee", "employee")]
    )

    class Meta:
        model = Scorecard
        fields = ["year", "unit", "employee", "status", "plan"]

    def filter_owner(
        self, queryset: QuerySet[Scorecard], name: str, value: str
    ) -> QuerySet[Scorecard]:
        return queryset.filter(employee__isnull=(value == "unit"))


class ScorecardViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[Scorecard],
):
    """Scorecards in the caller's scope; managers, HR and executives create drafts."""

    serializer_class = s.ScorecardSerializer
    filterset_class = ScorecardFilter
    search_fields = ["unit__name", "unit__code", "employee__name", "employee__employee_no"]
    ordering_fields = ["year", "unit__path", "employee__name"]
    ordering = ["-year", "unit__path", "employee__name", "pk"]

    def get_queryset(self) -> QuerySet[Scorecard]:
        return selectors.with_summary(selectors.scorecards(self.request.user, scope_action(self)))

    def perform_create(self, serializer: s.ScorecardSerializer) -> None:
        data = serializer.validated_data
        with service_errors():
            card = scorecards.scorecard_create(
                actor=self.request.user,
                unit=data.get("unit"),
                employee=data.get("employee"),
                year=data["year"],
            )
        serializer.instance = self.get_queryset().get(pk=card.pk)


# --- My targets, alignment --------------------------------------------------------------------

YEAR = OpenApiParameter("year", OpenApiTypes.INT, description="Default: this year.")


class MyTargetsViewSet(viewsets.ViewSet):
    """The caller's own goals of a year, each with its line up to the company objective."""

    @extend_schema(parameters=[YEAR], responses=s.MyTargetsSerializer)
    def list(self, request: Request) -> Response:
        targets = lines.my_targets(request.user, year_of(request._request))
        data = s.MyTargetsSerializer(targets, context={"request": request}).data
        return Response(data)


class AlignmentViewSet(viewsets.ViewSet):
    """Objectives → unit items → employee items of a unit's subtree, with the problems."""

    @extend_schema(
        parameters=[
            YEAR,
            OpenApiParameter(
                "unit", OpenApiTypes.INT, description="Default: the top of your scope."
            ),
            OpenApiParameter("plan", OpenApiTypes.INT, description="Default: the approved plan."),
            OpenApiParameter("levels", OpenApiTypes.INT, description="Levels of sub-units (2)."),
        ],
        responses=s.AlignmentSerializer,
    )
    def list(self, request: Request) -> Response:
        from org import selectors as org_selectors

        if not scope_of(request.user).has_role(MANAGER, HR, EXECUTIVE, ADMIN):
            raise exceptions.NotFound
        params = request.query_params
        if params.get("unit", "").isdigit():
            unit = org_selectors.org_unit_get(request.user, int(params["unit"]))
        else:
            unit = org_selectors.org_tree_roots(request.user).first()
            if unit is None:
                raise exceptions.NotFound
        year = year_of(request._request)
        plans = alignment_selectors.plans_for(request.user, unit, year)
        plan = (
            plans.filter(pk=int(params["plan"])).first()
            if params.get("plan", "").isdigit()
            else alignment_selectors.default_plan(request.user, unit, year)
        )
        levels = min(int(params["levels"]), 6) if params.get("levels", "").isdigit() else 2
        view = alignment_selectors.alignment(
            request.user, unit=unit, year=year, plan=plan, levels=levels
        )
        return Response(s.AlignmentSerializer(view).data)


def register(router: BaseRouter) -> None:
    router.register("indicators", IndicatorViewSet, basename="indicator")
    router.register("scorecards", ScorecardViewSet, basename="scorecard")
    router.register("scorecard-items", ItemViewSet, basename="scorecard-item")
    router.register("milestones", MilestoneViewSet, basename="milestone")
    router.register("my-targets", MyTargetsViewSet, basename="my-targets")
    router.register("alignment", AlignmentViewSet, basename="alignment")
    try:
        from scorecard import api_tracking
    except ModuleNotFoundError as exc:
        if exc.name != "scorecard.api_tracking":
            raise
    else:
        api_tracking.register(router)
