"""REST API of the bonus schemes: their versions (HR, executives), the what-if of proposed
terms on a cycle (a background job: POST returns it, ``what-if-jobs/<id>/`` answers its
progress and then the comparison; nothing else is saved), a revision (a new version,
compare-and-set on ``version``), the payout summary of a cycle, and the base-bonus
import."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from incentives import selectors
from incentives.imports import ImportFileError, base_bonus_import
from incentives.models import BonusScheme, UnitPool
from incentives.selectors import SCHEME_REVISERS
from incentives.serializers import (
    ReportSerializer,
    ReviseSerializer,
    SchemeSerializer,
    UnitRowSerializer,
    WhatIfJobSerializer,
    WhatIfSerializer,
)
from incentives.services import SCHEME_EDITORS, TERM_FIELDS, scheme_revise
from incentives.whatif_jobs import whatif_job, whatif_start
from org.scoping import actor_of, scope_of
from scorecard.api.actuals import ImportReportSerializer, ImportSerializer
from spm.api import ScopedViewSetMixin
from spm.cursor import KeysetPagination


def _terms(data: dict[str, Any]) -> dict[str, Any]:
    return {name: data[name] for name in TERM_FIELDS if name in data}


def _pools(data: dict[str, Any]) -> dict[int, Any] | None:
    """The pools given (unit id -> amount), or None to keep the scheme's."""
    if "pools" not in data:
        return None
    return {row["unit"].pk: row["amount"] for row in data["pools"]}


class SchemeViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[BonusScheme],
):
    """Bonus scheme versions with their pools; the what-if and a revision of one."""

    serializer_class = SchemeSerializer

    def scoped(self, user: Any, action_name: str) -> QuerySet[Any]:
        return selectors.schemes(user)

    @extend_schema(request=WhatIfSerializer, responses={202: WhatIfJobSerializer})
    @action(detail=True, methods=["post"], url_path="what-if")
    def what_if(self, request: Request, pk: Any = None) -> Response:
        """Start comparing the cycle's bonuses under this version and under the proposed
        terms, in the background (saves nothing else): poll the job returned."""
        scheme = self.get_object()
        data = WhatIfSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        user = actor_of(request)
        cycle = selectors.whatif_cycle(user, data.validated_data["cycle"])
        given = _pools(data.validated_data)
        pools = dict(UnitPool.objects.filter(scheme=scheme).values_list("unit__path", "amount"))
        if given is not None:
            scope = scope_of(user)
            pools = {p: a for p, a in pools.items() if not scope.covers(p, SCHEME_REVISERS)}
            pools.update({row["unit"].path: row["amount"] for row in data.validated_data["pools"]})
        job = whatif_start(
            actor=user,
            cycle=cycle,
            scheme=scheme,
            terms=_terms(data.validated_data),
            pools=pools,
            limit=data.validated_data["limit"],
        )
        job.refresh_from_db()
        body = WhatIfJobSerializer(job, context={"request": request}).data
        return Response(body, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=ReviseSerializer, responses={201: SchemeSerializer})
    @action(detail=True, methods=["post"])
    def revise(self, request: Request, pk: Any = None) -> Response:
        """A new version of the scheme with the terms given (409 if this one is stale)."""
        scheme = self.get_object()
        data = ReviseSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        given = _pools(data.validated_data)
        if given is None:
            given = dict(UnitPool.objects.filter(scheme=scheme).values_list("unit_id", "amount"))
        revised = scheme_revise(
            actor=actor_of(request),
            scheme=scheme,
            version=data.validated_data["version"],
            terms=_terms(data.validated_data),
            pools=given,
        )
        return Response(SchemeSerializer(revised).data, status=status.HTTP_201_CREATED)


class WhatIfJobViewSet(viewsets.ViewSet):
    """A what-if job its starter polls: progress, then the comparison (404 for others)."""

    @extend_schema(
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)],
        responses=WhatIfJobSerializer,
    )
    def retrieve(self, request: Request, pk: Any = None) -> Response:
        job = whatif_job(actor_of(request), pk)
        return Response(WhatIfJobSerializer(job, context={"request": request}).data)


class PayoutSummaryViewSet(viewsets.ViewSet):
    """A cycle's payout report: totals against the budget, by grade, pools; its units (a
    group holds ~3,300) are paged apart at ``payout-summary/units/`` (the ``units`` link)."""

    pagination_class: type[KeysetPagination] | None = None  # the summary is one object

    @extend_schema(
        parameters=[OpenApiParameter("cycle", int, required=True)],
        responses=ReportSerializer,
    )
    def list(self, request: Request) -> Response:
        user = actor_of(request)
        cycle = selectors.report_cycle(user, _cycle_of(request))
        units = f"{reverse('payout-summary-units')}?{urlencode({'cycle': cycle.pk})}"
        context = {"units": request.build_absolute_uri(units)}
        return Response(ReportSerializer(selectors.report(user, cycle), context=context).data)

    @extend_schema(
        parameters=[OpenApiParameter("cycle", int, required=True)],
        responses=UnitRowSerializer(many=True),
    )
    @action(detail=False, methods=["get"], pagination_class=KeysetPagination)
    def units(self, request: Request) -> Response:
        """The cycle's report by unit (people, paid, budget, how many in a pool), in the
        order of the org tree, a cursor page at a time (``next`` / ``previous``)."""
        user = actor_of(request)
        cycle = selectors.report_cycle(user, _cycle_of(request))
        units = selectors.unit_rows(user, cycle)
        paginator = KeysetPagination()
        page = paginator.paginate_queryset(units.listed, request, view=self)
        rows = UnitRowSerializer(units.rows(page), many=True).data
        return paginator.get_paginated_response(rows)


def _cycle_of(request: Request) -> int:
    raw = request.query_params.get("cycle", "")
    if not raw.isdigit():
        raise serializers.ValidationError({"cycle": "Give the cycle id."})
    return int(raw)


class BaseBonusImportViewSet(viewsets.ViewSet):
    """Import base bonuses from a CSV or XLSX file: all rows or none (400 with the report)."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request=ImportSerializer,
        responses={200: ImportReportSerializer, 400: ImportReportSerializer},
    )
    def create(self, request: Request) -> Response:
        if not scope_of(actor_of(request)).has_role(*SCHEME_EDITORS):
            raise Http404
        data = ImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        try:
            report = base_bonus_import(actor=actor_of(request), upload=upload, name=upload.name)
        except ImportFileError as exc:
            raise serializers.ValidationError({"file": exc.messages}) from exc
        return Response(
            report.as_dict(),
            status=status.HTTP_200_OK if report.ok else status.HTTP_400_BAD_REQUEST,
        )
