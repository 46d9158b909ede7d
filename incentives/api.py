"""REST API of the incentives under /api/v1/: payouts with their explanation, scoped like
the pages (a peer never sees another person's bonus), and their CSV / XLSX export."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.routers import BaseRouter

from incentives import export, selectors
from incentives.models import Payout
from incentives.serializers import PayoutSerializer
from org.scoping import VIEW
from spm.api import ScopedViewSetMixin
from spm.cursor import KeysetPagination

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class PayoutViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Payout],
):
    """Payouts with their explanation (base x coefficient)."""

    serializer_class = PayoutSerializer
    filterset_fields = ["cycle", "unit", "employee", "grade"]
    pagination_class = KeysetPagination
    # By ids (no join, no sort of every payout in scope): pages seek in payout_cycle_unit_id.
    ordering = ["cycle_id", "unit_id", "pk"]

    def scoped(self, user: Any, action_name: str) -> QuerySet[Any]:
        return selectors.payouts(user, VIEW)

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.STR})
    @action(detail=False, methods=["get"], url_path="export-csv")
    def export_csv(self, request: Request) -> HttpResponse:
        rows = self.filter_queryset(self.get_queryset())
        response = HttpResponse(export.payouts_csv(rows), content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="payouts.csv"'
        return response

    @extend_schema(responses={(200, XLSX): OpenApiTypes.BINARY})
    @action(detail=False, methods=["get"], url_path="export-xlsx")
    def export_xlsx(self, request: Request) -> HttpResponse:
        rows = self.filter_queryset(self.get_queryset())
        response = HttpResponse(export.payouts_xlsx(rows), content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="payouts.xlsx"'
        return response


def register(router: BaseRouter) -> None:
    from incentives.api_schemes import (
        BaseBonusImportViewSet,
        PayoutSummaryViewSet,
        SchemeViewSet,
        WhatIfJobViewSet,
    )

    router.register("payout-summary", PayoutSummaryViewSet, basename="payout-summary")
    router.register("payouts", PayoutViewSet, basename="payout")
    router.register("bonus-schemes", SchemeViewSet, basename="bonus-scheme")
    router.register("what-if-jobs", WhatIfJobViewSet, basename="what-if-job")
    router.register("base-bonus-imports", BaseBonusImportViewSet, basename="base-bonus-import")
