"""REST API of the scorecard app: indicators, scorecards, items, milestones, cascade,
"my targets" and alignment — all scoped like the pages. Letters and actuals register
theirs from ``scorecard.api_tracking`` when that module is present.

Viewsets call the services. A service's validation error is a 400; a stale edit or a
change to a signed scorecard is a 409 Conflict (``code`` ``stale`` or ``locked``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from org.models import OrgUnit
from org.scoping import ADMIN, CHANGE, EXECUTIVE, HR, MANAGER, VIEW, scope_of
from scorecard import expressions
from scorecard import serializers as s
from scorecard.models import (
    COMPLETE,
    Indicator,
    Milestone,
    Scorecard,
    ScorecardItem,
    ScorecardLocked,
)
from scorecard.selectors import alignment as alignment_selectors
from scorecard.selectors import indicators as indicator_selectors
from scorecard.selectors import lines
from scorecard.selectors import scorecards as selectors
from scorecard.services import cascade, indicators, milestones, scorecards
from scorecard.services.indicators import INDICATOR_FIELDS
from scorecard.views.common import year_of


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


@contextmanager
def service_errors() -> Iterator[None]:
    """Translate the services' errors into API answers."""
    try:
        yield
    except scorecards.StaleItem as exc:
        raise Conflict(detail={"detail": exc.messages[0], "code": "stale"}) from exc
    except ScorecardLocked as exc:
        raise Conflict(detail={"detail": exc.messages[0], "code": "locked"}) from exc
    except DjangoValidationError as exc:
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        raise exceptions.ValidationError(detail) from exc


def _action(viewset: Any) -> str:
    return VIEW if viewset.action in {"list", "retrieve"} else CHANGE


class WithinFilter(django_filters.FilterSet):
    within = django_filters.NumberFilter(method="filter_within", label="Within unit (subtree)")
    within_lookup = "unit__path"

    def filter_within(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        unit = OrgUnit.objects.filter(pk=value).only("path").first()
        if unit is None:
            return queryset.none()
        return queryset.filter(**{f"{self.within_lookup}__startswith": unit.path})


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
                {"value": None, "error": "This indicator's formula is text."}, status=400
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
        return selectors.with_summary(selectors.scorecards(self.request.user, _action(self)))

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


# --- Items ----------------------------------------------------------------------------------


class ItemFilter(WithinFilter):
    within_lookup = "scorecard__unit__path"
    year = django_filters.NumberFilter(field_name="scorecard__year")

    class Meta:
        model = ScorecardItem
        fields = ["scorecard", "kind", "objective", "indicator", "parent"]


class ItemViewSet(viewsets.ModelViewSet[ScorecardItem]):
    """Items of the scorecards in scope. Changing one needs the ``version`` you read."""

    serializer_class = s.ItemSerializer
    filterset_class = ItemFilter
    search_fields = ["name"]
    ordering_fields = ["order", "pk"]
    ordering = ["scorecard", "order", "pk"]

    def get_queryset(self) -> QuerySet[ScorecardItem]:
        action_name = VIEW if self.action in {"list", "retrieve", "cascade", "assign"} else CHANGE
        return (
            selectors.items(self.request.user, action_name)
            .select_related("scorecard")
            .prefetch_related("monthly_plans")
        )

    def perform_create(self, serializer: s.ItemSerializer) -> None:
        data = dict(serializer.validated_data)
        data.pop("version", None)
        card = data.pop("scorecard")
        if not Scorecard.objects.can(self.request.user, CHANGE, card.pk):
            raise exceptions.NotFound
        with service_errors():
            serializer.instance = scorecards.item_create(
                actor=self.request.user, scorecard=card, **data
            )

    def perform_update(self, serializer: s.ItemSerializer) -> None:
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        if version is None:
            raise exceptions.ValidationError({"version": "Send the version you read."})
        if data.pop("scorecard", serializer.instance.scorecard) != serializer.instance.scorecard:  # type: ignore[union-attr]
            raise exceptions.ValidationError(
                {"scorecard": "An item cannot move to another scorecard."}
            )
        if data.pop("kind", serializer.instance.kind) != serializer.instance.kind:  # type: ignore[union-attr]
            raise exceptions.ValidationError({"kind": "The kind of an item cannot change."})
        with service_errors():
            serializer.instance = scorecards.item_update(
                actor=self.request.user, item=serializer.instance, expected_version=version, **data
            )

    @extend_schema(
        parameters=[
            OpenApiParameter("version", OpenApiTypes.INT, description="The version you read.")
        ]
    )
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        item = self.get_object()
        version = request.query_params.get("version", "")
        with service_errors():
            scorecards.item_delete(
                actor=request.user,
                item=item,
                expected_version=int(version) if version.isdigit() else None,
            )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=s.MonthlyPlanSerializer, responses=s.ItemSerializer)
    @action(detail=True, methods=["put"], url_path="monthly-plan")
    def monthly_plan(self, request: Request, pk: Any = None) -> Response:
        """Set the plan value of the months given (``null`` clears a month)."""
        item = self.get_object()
        body = s.MonthlyPlanSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = {row["month"]: row["value"] for row in body.validated_data["months"]}
        with service_errors():
            item = scorecards.item_set_monthly_plan(
                actor=request.user,
                item=item,
                expected_version=body.validated_data["version"],
                values=values,
            )
        return Response(s.ItemSerializer(item, context=self.get_serializer_context()).data)

    @extend_schema(request=s.CascadeSerializer, responses=s.CascadeResultSerializer)
    @action(detail=True, methods=["post"])
    def cascade(self, request: Request, pk: Any = None) -> Response:
        """Decompose the item to sub-units' and employees' scorecards in one step."""
        parent = self.get_object()
        body = s.CascadeSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        allocations = [cascade.Allocation(**row) for row in body.validated_data["allocations"]]
        with service_errors():
            result = cascade.item_cascade(
                actor=request.user,
                parent=parent,
                mode=body.validated_data["mode"],
                allocations=allocations,
            )
        data = {
            "items": [i.pk for i in result.items],
            "scorecards_created": result.scorecards_created,
            "warnings": [str(w) for w in result.warnings],
        }
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.BulkAssignSerializer, responses=s.BulkAssignResultSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: Any = None) -> Response:
        """Give the item's goal to every employee matching a unit and job title."""
        parent = self.get_object()
        body = s.BulkAssignSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        with service_errors():
            result = cascade.item_bulk_assign(
                actor=request.user, parent=parent, **body.validated_data
            )
        return Response(vars(result), status=status.HTTP_201_CREATED)


# --- Milestones -------------------------------------------------------------------------------


class MilestoneFilter(django_filters.FilterSet):
    unit = django_filters.NumberFilter(
        method="filter_unit", label="Responsible or counterpart unit"
    )
    year = django_filters.NumberFilter(field_name="item__scorecard__year")

    class Meta:
        model = Milestone
        fields = ["item", "responsible_unit", "counterpart_unit"]

    def filter_unit(
        self, queryset: QuerySet[Milestone], name: str, value: Any
    ) -> QuerySet[Milestone]:
        return queryset.filter(responsible_unit_id=value) | queryset.filter(
            counterpart_unit_id=value
        )


class MilestoneViewSet(viewsets.ModelViewSet[Milestone]):
    """Milestones of the items in scope, and the hand-overs of the caller's units."""

    serializer_class = s.MilestoneSerializer
    filterset_class = MilestoneFilter
    ordering_fields = ["due_date", "order"]
    ordering = ["due_date", "order", "pk"]

    def get_queryset(self) -> QuerySet[Milestone]:
        action_name = {"list": VIEW, "retrieve": VIEW, "complete": COMPLETE}.get(
            self.action, CHANGE
        )
        return Milestone.objects.restrict(self.request.user, action_name).select_related(
            "responsible_unit", "counterpart_unit"
        )

    def perform_create(self, serializer: s.MilestoneSerializer) -> None:
        data = dict(serializer.validated_data)
        with service_errors():
            serializer.instance = milestones.milestone_create(actor=self.request.user, **data)

    def perform_update(self, serializer: s.MilestoneSerializer) -> None:
        data = dict(serializer.validated_data)
        if data.pop("item", serializer.instance.item) != serializer.instance.item:  # type: ignore[union-attr]
            raise exceptions.ValidationError({"item": "A milestone cannot move to another item."})
        with service_errors():
            serializer.instance = milestones.milestone_update(
                actor=self.request.user, milestone=serializer.instance, **data
            )

    def perform_destroy(self, instance: Milestone) -> None:
        with service_errors():
            milestones.milestone_delete(actor=self.request.user, milestone=instance)

    @extend_schema(request=s.CompleteSerializer, responses=s.MilestoneSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: Any = None) -> Response:
        """Record the day the milestone was reached (``null`` reopens it)."""
        milestone = self.get_object()
        body = s.CompleteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors():
            milestone = milestones.milestone_complete(
                actor=request.user,
                milestone=milestone,
                completed_on=body.validated_data["completed_on"],
            )
        return Response(
            s.MilestoneSerializer(milestone, context=self.get_serializer_context()).data
        )


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
