"""API of the milestones of milestone items, and of recording that one was reached."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from org.models import OrgUnit
from org.scoping import actor_of
from scorecard.models import COMPLETE, Milestone, ScorecardItem
from scorecard.services import milestones as services
from spm.api import (
    FilterSet,
    RejectUnknownFieldsMixin,
    ScopedPrimaryKeyField,
    ScopedViewSetMixin,
    request_action,
)
from spm.clock import clock
from spm.cursor import KeysetPagination


class MilestoneSerializer(RejectUnknownFieldsMixin, serializers.ModelSerializer[Milestone]):
    item = ScopedPrimaryKeyField(queryset=ScorecardItem.objects.all())
    responsible_unit = ScopedPrimaryKeyField(queryset=OrgUnit.objects.all())
    # Any active unit of the group: a hand-over crosses units (the service checks the rest).
    counterpart_unit = serializers.PrimaryKeyRelatedField(
        queryset=OrgUnit.objects.filter(active=True), required=False, allow_null=True
    )
    responsible_unit_name = serializers.CharField(source="responsible_unit.name", read_only=True)
    counterpart_unit_name = serializers.CharField(
        source="counterpart_unit.name", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = Milestone
        fields = [
            "id",
            "item",
            *Milestone.EDITABLE_FIELDS,
            "responsible_unit_name",
            "counterpart_unit_name",
            "completed_on",
        ]
        read_only_fields = ["id", "completed_on"]
        extra_kwargs: dict[str, dict[str, Any]] = {"order": {"required": False}}


class CompleteSerializer(RejectUnknownFieldsMixin, serializers.Serializer[Any]):
    completed_on = serializers.DateField(allow_null=True)


class MilestoneFilter(FilterSet):
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


class MilestoneViewSet(ScopedViewSetMixin, viewsets.ModelViewSet[Milestone]):
    """Milestones of the items in scope, and the hand-overs of the caller's units."""

    # Cursor pages: counting the milestones a whole group may see joins each to its
    # scorecard (the scope spans the item's card and the two units).
    pagination_class = KeysetPagination
    serializer_class = MilestoneSerializer
    filterset_class = MilestoneFilter
    ordering_fields = ["due_date", "order"]
    ordering = ["due_date", "order", "pk"]

    def scoped(self, user: Any, action: str) -> QuerySet[Milestone]:
        # Completing is its own action: the responsible and counterpart units may record it.
        action = COMPLETE if self.action == "complete" else request_action(self.request)
        return Milestone.objects.restrict(user, action).select_related(
            "responsible_unit", "counterpart_unit"
        )

    def perform_create(self, serializer: serializers.BaseSerializer[Milestone]) -> None:
        data = dict(serializer.validated_data)
        serializer.instance = services.milestone_create(actor=actor_of(self.request), **data)

    def perform_update(self, serializer: serializers.BaseSerializer[Milestone]) -> None:
        milestone = serializer.instance
        assert milestone is not None
        data = dict(serializer.validated_data)
        if data.pop("item", milestone.item) != milestone.item:
            raise exceptions.ValidationError(
                {"item": _("A milestone cannot move to another item.")}
            )
        serializer.instance = services.milestone_update(
            actor=actor_of(self.request), milestone=milestone, **data
        )

    def perform_destroy(self, instance: Milestone) -> None:
        services.milestone_delete(actor=actor_of(self.request), milestone=instance)

    @extend_schema(request=CompleteSerializer, responses=MilestoneSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: Any = None) -> Response:
        """Record the day the milestone was reached (``null`` reopens it)."""
        milestone = self.get_object()
        body = CompleteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        milestone = services.milestone_complete(
            actor=actor_of(request),
            milestone=milestone,
            completed_on=body.validated_data["completed_on"],
            clock=clock(),
        )
        return Response(MilestoneSerializer(milestone, context=self.get_serializer_context()).data)
