"""API of scorecards, and of "my targets": the caller's own goals with their line up to
the company objective."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from org.models import Employee, OrgUnit
from org.scoping import actor_of
from scorecard.api.items import ItemSerializer
from scorecard.models import Scorecard
from scorecard.selectors import lines
from scorecard.selectors import scorecards as selectors
from scorecard.services import scorecards as services
from scorecard.views.common import year_of
from spm.api import (
    RejectUnknownFieldsMixin,
    ScopedPrimaryKeyField,
    ScopedViewSetMixin,
    WithinFilterSet,
)
from spm.clock import clock
from spm.cursor import KeysetPagination
from spm.schema import SingleObjectSchema

YEAR = OpenApiParameter("year", OpenApiTypes.INT, description="Default: this year.")


class ScorecardSerializer(RejectUnknownFieldsMixin, serializers.ModelSerializer[Scorecard]):
    unit = ScopedPrimaryKeyField(queryset=OrgUnit.objects.all(), required=False)
    employee = ScopedPrimaryKeyField(
        queryset=Employee.objects.all(), required=False, allow_null=True
    )
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    employee_name = serializers.CharField(
        source="employee.name", read_only=True, default=None, allow_null=True
    )
    item_count = serializers.IntegerField(read_only=True)
    weight_total = serializers.DecimalField(max_digits=7, decimal_places=2, read_only=True)
    letter_status = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Scorecard
        fields = [
            "id",
            "unit",
            "unit_name",
            "employee",
            "employee_name",
            "year",
            "plan",
            "status",
            "item_count",
            "weight_total",
            "letter_status",
        ]
        read_only_fields = ["id", "plan", "status"]
        validators: list[Any] = []

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("unit") is None and attrs.get("employee") is None:
            raise serializers.ValidationError({"unit": _("Give a unit or an employee.")})
        return attrs


class ScorecardFilter(WithinFilterSet):
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
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[Scorecard],
):
    """Scorecards in the caller's scope; managers, HR and executives create drafts."""

    serializer_class = ScorecardSerializer
    filterset_class = ScorecardFilter
    pagination_class = KeysetPagination
    search_fields = ["unit__name", "unit__code", "employee__name", "employee__employee_no"]
    ordering_fields = ["year", "unit__path", "employee__name"]
    # Newest year first, then by id, read from the (-year, id) index: sorting a whole group
    # by unit path and name for one page cost seconds (``?ordering=unit__path`` still works).
    ordering = ["-year", "pk"]

    def scoped(self, user: Any, action: str) -> QuerySet[Scorecard]:
        return selectors.with_summary(selectors.scorecards(user, action))

    def perform_create(self, serializer: serializers.BaseSerializer[Scorecard]) -> None:
        data = serializer.validated_data
        card = services.scorecard_create(
            actor=actor_of(self.request),
            unit=data.get("unit"),
            employee=data.get("employee"),
            year=data["year"],
        )
        serializer.instance = self.get_queryset().get(pk=card.pk)


# --- My targets -------------------------------------------------------------------------


class LineStepSerializer(serializers.Serializer[Any]):
    item_id = serializers.IntegerField()
    name = serializers.CharField()
    owner = serializers.CharField()


class ObjectiveRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    owner_unit = serializers.CharField(source="owner_unit.name")


class TargetSerializer(serializers.Serializer[Any]):
    item = ItemSerializer()
    line = LineStepSerializer(many=True, source="line.steps")
    objectives = ObjectiveRefSerializer(many=True, source="line.objectives")
    latest_month = serializers.IntegerField(source="progress.latest_month", allow_null=True)
    latest_value = serializers.DecimalField(
        source="progress.latest_value", max_digits=18, decimal_places=4, allow_null=True
    )
    score_to_date = serializers.DecimalField(
        source="progress.score_display", max_digits=7, decimal_places=2, allow_null=True
    )


class LetterRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    version = serializers.IntegerField()
    status = serializers.CharField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)


class MyTargetsSerializer(serializers.Serializer[Any]):
    scorecard = ScorecardSerializer(allow_null=True)
    targets = TargetSerializer(many=True, source="rows")
    letter = LetterRefSerializer(allow_null=True)


class MyTargetsViewSet(viewsets.ViewSet):
    """The caller's own goals of a year, each with its line up to the company objective."""

    schema = SingleObjectSchema()

    @extend_schema(parameters=[YEAR], responses=MyTargetsSerializer)
    def list(self, request: Request) -> Response:
        targets = lines.my_targets(request.user, year_of(request._request), today=clock().today())
        data = MyTargetsSerializer(targets, context={"request": request}).data
        return Response(data)
