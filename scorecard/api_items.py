"""API of scorecard items and milestones: edits with compare-and-set on the version,
monthly plans, cascade and bulk assignment, milestone completion."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from org.scoping import CHANGE, VIEW
from scorecard import serializers as s
from scorecard.api_common import WithinFilter, service_errors
from scorecard.models import (
    COMPLETE,
    Milestone,
    Scorecard,
    ScorecardItem,
)
from scorecard.selectors import scorecards as selectors
from scorecard.services import bulk_assign, cascade, milestones, scorecards

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
            raise exceptions.ValidationError({"version": _("Send the version you read.")})
        if data.pop("scorecard", serializer.instance.scorecard) != serializer.instance.scorecard:  # type: ignore[union-attr]
            raise exceptions.ValidationError(
                {"scorecard": _("An item cannot move to another scorecard.")}
            )
        if data.pop("kind", serializer.instance.kind) != serializer.instance.kind:  # type: ignore[union-attr]
            raise exceptions.ValidationError({"kind": _("The kind of an item cannot change.")})
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
            result = bulk_assign.item_bulk_assign(
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
            raise exceptions.ValidationError(
                {"item": _("A milestone cannot move to another item.")}
            )
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
