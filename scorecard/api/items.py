"""API of scorecard items: edits with compare-and-set on the version, monthly plans,
cascade to sub-units and people, and bulk assignment by job title."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from org.models import Employee, OrgUnit
from org.scoping import CHANGE, VIEW, actor_of
from scorecard.models import Indicator, ItemMonthlyPlan, Scorecard, ScorecardItem
from scorecard.selectors import items as selectors
from scorecard.services import bulk_assign, cascade
from scorecard.services import items as services
from scorecard.services.cascade import SplitMode
from spm.api import (
    VERSION_QUERY,
    RejectUnknownFieldsMixin,
    ScopedPrimaryKeyField,
    ScopedViewSetMixin,
    WithinFilterSet,
    query_version,
    request_action,
)
from spm.cursor import KeysetPagination
from strategy.models import Objective


class MonthValueSerializer(serializers.Serializer[Any]):
    month = serializers.IntegerField(min_value=1, max_value=12)
    value = serializers.DecimalField(max_digits=18, decimal_places=4, allow_null=True)


class ItemSerializer(RejectUnknownFieldsMixin, serializers.ModelSerializer[ScorecardItem]):
    scorecard = ScopedPrimaryKeyField(queryset=Scorecard.objects.all())
    objective = ScopedPrimaryKeyField(
        queryset=Objective.objects.all(), required=False, allow_null=True
    )
    indicator = ScopedPrimaryKeyField(
        queryset=Indicator.objects.all(), required=False, allow_null=True
    )
    version = serializers.IntegerField(
        required=False,
        help_text="The version you read. Required to change an item: an edit based on an "
        "older version is refused with 409.",
    )
    monthly_plan = serializers.SerializerMethodField()

    class Meta:
        model = ScorecardItem
        fields = [
            "id",
            "scorecard",
            "kind",
            "parent",
            *ScorecardItem.EDITABLE_FIELDS,
            "version",
            "monthly_plan",
        ]
        read_only_fields = ["id", "parent", "monthly_plan"]
        extra_kwargs: dict[str, dict[str, Any]] = {"order": {"required": False}}

    @extend_schema_field(MonthValueSerializer(many=True))
    def get_monthly_plan(self, item: ScorecardItem) -> list[dict[str, Any]]:
        rows: list[ItemMonthlyPlan] = (
            item.plan_rows if hasattr(item, "plan_rows") else list(item.monthly_plans.all())
        )
        return [{"month": p.month, "value": str(p.value)} for p in rows]


class MonthlyPlanSerializer(RejectUnknownFieldsMixin, serializers.Serializer[Any]):
    version = serializers.IntegerField()
    months = MonthValueSerializer(many=True)


class AllocationSerializer(RejectUnknownFieldsMixin, serializers.Serializer[Any]):
    unit = ScopedPrimaryKeyField(queryset=OrgUnit.objects.all(), required=False, allow_null=True)
    employee = ScopedPrimaryKeyField(
        queryset=Employee.objects.all(), required=False, allow_null=True
    )
    share = serializers.DecimalField(
        max_digits=18, decimal_places=4, required=False, allow_null=True
    )
    weight = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False, allow_null=True
    )


class CascadeSerializer(RejectUnknownFieldsMixin, serializers.Serializer[Any]):
    mode = serializers.ChoiceField(choices=SplitMode.choices)
    allocations = AllocationSerializer(many=True)


class CascadeResultSerializer(serializers.Serializer[Any]):
    items = serializers.ListField(child=serializers.IntegerField())
    scorecards_created = serializers.IntegerField()
    warnings = serializers.ListField(child=serializers.CharField())


class BulkAssignSerializer(RejectUnknownFieldsMixin, serializers.Serializer[Any]):
    unit = ScopedPrimaryKeyField(queryset=OrgUnit.objects.all())
    job_title = serializers.CharField(required=False, allow_blank=True, default="")
    include_subunits = serializers.BooleanField(required=False, default=True)
    weight = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False, allow_null=True
    )


class BulkAssignResultSerializer(serializers.Serializer[Any]):
    created = serializers.IntegerField()
    already = serializers.IntegerField()
    locked = serializers.IntegerField()
    scorecards_created = serializers.IntegerField()


class ItemFilter(WithinFilterSet):
    year = django_filters.NumberFilter(field_name="scorecard__year")

    class Meta:
        model = ScorecardItem
        fields = ["scorecard", "kind", "objective", "indicator", "parent"]


class ItemViewSet(ScopedViewSetMixin, viewsets.ModelViewSet[ScorecardItem]):
    """Items of the scorecards in scope. Changing one needs the ``version`` you read."""

    serializer_class = ItemSerializer
    filterset_class = ItemFilter
    pagination_class = KeysetPagination
    search_fields = ["name"]
    ordering_fields = ["order", "pk"]
    # By "order" alone (not within a card) no index serves a million items (spm/cursor.py).
    bounded_ordering_fields = ["order"]
    # By the card's id, not "scorecard" (that follows the card's own ordering through two
    # joins): the page is read from item_card_order_idx and stops after its rows.
    ordering = ["scorecard_id", "order", "pk"]

    def scoped(self, user: Any, action: str) -> QuerySet[ScorecardItem]:
        # Cascading and assigning read the parent item; the services check the receivers.
        action = VIEW if self.action in {"cascade", "assign"} else request_action(self.request)
        return (
            selectors.items(user, action)
            .select_related("scorecard")
            .prefetch_related("monthly_plans")
        )

    def perform_create(self, serializer: serializers.BaseSerializer[ScorecardItem]) -> None:
        data = dict(serializer.validated_data)
        data.pop("version", None)
        card = data.pop("scorecard")
        if not Scorecard.objects.can(self.request.user, CHANGE, card.pk):
            raise exceptions.NotFound
        serializer.instance = services.item_create(
            actor=actor_of(self.request), scorecard=card, **data
        )

    def perform_update(self, serializer: serializers.BaseSerializer[ScorecardItem]) -> None:
        item = serializer.instance
        assert item is not None
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        if version is None:
            raise exceptions.ValidationError({"version": _("Send the version you read.")})
        if data.pop("scorecard", item.scorecard) != item.scorecard:
            raise exceptions.ValidationError(
                {"scorecard": _("An item cannot move to another scorecard.")}
            )
        if data.pop("kind", item.kind) != item.kind:
            raise exceptions.ValidationError({"kind": _("The kind of an item cannot change.")})
        serializer.instance = services.item_update(
            actor=actor_of(self.request), item=item, expected_version=version, **data
        )

    @extend_schema(parameters=[VERSION_QUERY])
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        item = self.get_object()
        services.item_delete(
            actor=actor_of(request), item=item, expected_version=query_version(request)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=MonthlyPlanSerializer, responses=ItemSerializer)
    @action(detail=True, methods=["put"], url_path="monthly-plan")
    def monthly_plan(self, request: Request, pk: Any = None) -> Response:
        """Set the plan value of the months given (``null`` clears a month)."""
        item = self.get_object()
        body = MonthlyPlanSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = {row["month"]: row["value"] for row in body.validated_data["months"]}
        item = services.item_set_monthly_plan(
            actor=actor_of(request),
            item=item,
            expected_version=body.validated_data["version"],
            values=values,
        )
        return Response(ItemSerializer(item, context=self.get_serializer_context()).data)

    @extend_schema(request=CascadeSerializer, responses=CascadeResultSerializer)
    @action(detail=True, methods=["post"])
    def cascade(self, request: Request, pk: Any = None) -> Response:
        """Decompose the item to sub-units' and employees' scorecards in one step."""
        parent = self.get_object()
        body = CascadeSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        allocations = [cascade.Allocation(**row) for row in body.validated_data["allocations"]]
        result = cascade.item_cascade(
            actor=actor_of(request),
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

    @extend_schema(request=BulkAssignSerializer, responses=BulkAssignResultSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: Any = None) -> Response:
        """Give the item's goal to every employee matching a unit and job title."""
        parent = self.get_object()
        body = BulkAssignSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        result = bulk_assign.item_bulk_assign(
            actor=actor_of(request), parent=parent, **body.validated_data
        )
        return Response(vars(result), status=status.HTTP_201_CREATED)
