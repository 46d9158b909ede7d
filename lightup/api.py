"""REST API of the light-up: statuses with history and forecasts (read), sweeps (start)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from lightup import selectors
from lightup.models import Colour, LightStatus
from lightup.services import may_sweep
from lightup.tasks import lightup_sweep_job
from org.scoping import actor_of
from spm.api import ScopedViewSetMixin, WithinFilterSet
from spm.cursor import KeysetPagination
from spm.jobs import job_create


class LightStatusSerializer(serializers.ModelSerializer[LightStatus]):
    item_name = serializers.CharField(source="item.name", read_only=True)
    unit = serializers.IntegerField(source="item.scorecard.unit_id", read_only=True)

    class Meta:
        model = LightStatus
        fields = [
            "id",
            "item",
            "item_name",
            "unit",
            "year",
            "month",
            "colour",
            "deviation",
            "plan_to_date",
            "actual_to_date",
            "forecast",
            "predicted_miss",
            "missing",
            "red_streak",
            "computed_at",
        ]
        read_only_fields = fields


class LightStatusFilter(WithinFilterSet):
    colour = django_filters.ChoiceFilter(choices=Colour.choices)

    class Meta:
        model = LightStatus
        fields = ["item", "year", "month", "colour", "predicted_miss", "missing"]


class LightStatusViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[LightStatus],
):
    """Items' lights month by month, in the caller's scope. ``?item=<id>`` gives an item's
    colour history; ``?year=&month=`` one month's board; out-of-scope rows do not exist."""

    serializer_class = LightStatusSerializer
    filterset_class = LightStatusFilter
    # Cursor pages (no count): counting the group's lights up to the pager's cap read ten
    # thousand rows through the scope's joins for HR and executives before the first page.
    pagination_class = KeysetPagination
    ordering = ["item_id", "year", "month"]

    def scoped(self, user: Any, action: str) -> QuerySet[LightStatus]:
        return (
            selectors.statuses(user, action)
            .select_related("item__scorecard")
            .order_by("item_id", "year", "month")
        )

    @extend_schema(responses=LightStatusSerializer(many=True))
    @action(detail=False, methods=["get"])
    def forecasts(self, request: Request) -> Response:
        """The latest swept month's year-end forecasts that predict a miss."""
        period = selectors.latest_period()
        rows = self.filter_queryset(self.get_queryset())
        rows = rows.filter(predicted_miss=True)
        rows = rows.filter(year=period[0], month=period[1]) if period else rows.none()
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class SweepSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    month = serializers.IntegerField(min_value=1, max_value=12)


class LightSweepViewSet(viewsets.GenericViewSet[Any]):
    """Start a sweep of one month (HR and executives); poll the job for its progress."""

    serializer_class = SweepSerializer

    @extend_schema(
        request=SweepSerializer,
        responses={
            202: inline_serializer(
                "SweepStarted",
                {"job": serializers.IntegerField(), "status": serializers.CharField()},
            )
        },
    )
    def create(self, request: Request) -> Response:
        if not may_sweep(actor_of(request)):
            raise PermissionDenied
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        job = job_create(
            kind="lightup_sweep",
            user=request.user,
            params=dict(serializer.validated_data),
            task=lightup_sweep_job,
        )
        job.refresh_from_db()
        return Response({"job": job.pk, "status": job.status}, status=status.HTTP_202_ACCEPTED)


def register(router: BaseRouter) -> None:
    router.register("light-statuses", LightStatusViewSet, basename="light-status")
    router.register("light-sweeps", LightSweepViewSet, basename="light-sweep")
