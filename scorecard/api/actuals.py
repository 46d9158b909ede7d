"""REST API of monthly actuals, their CSV/XLSX import (big files as a background job) and
closed periods.

Scoped like the pages; every write calls a service. A stale edit of an actual answers
409 Conflict (code ``stale``) with the stored value, so the client can show it and decide.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from org.scoping import actor_of
from scorecard.models import ClosedPeriod, MonthlyActual, ScorecardItem
from scorecard.selectors import actuals as selectors
from scorecard.services import actuals as services
from scorecard.services.actuals_encoding import ENCODINGS
from scorecard.services.actuals_files import CONTENT_TYPES
from scorecard.services.actuals_import import EncodingUncertain, ImportFileError, import_template
from scorecard.services.actuals_import_jobs import actuals_import_submit
from scorecard.tasks import IMPORT_KIND
from spm.api import RejectUnknownFieldsMixin, ScopedPrimaryKeyField, WithinFilterSet
from spm.api_parsers import JSONParser
from spm.clock import clock
from spm.cursor import KeysetPagination
from spm.models import Job


class ActualSerializer(RejectUnknownFieldsMixin, serializers.ModelSerializer[MonthlyActual]):
    item = ScopedPrimaryKeyField(queryset=ScorecardItem.objects.all())
    item_name = serializers.CharField(source="item.name", read_only=True)
    year = serializers.IntegerField(source="item.scorecard.year", read_only=True)
    version = serializers.IntegerField(
        min_value=0, required=False, help_text="The version you edit: required to change a value."
    )

    class Meta:
        model = MonthlyActual
        fields = [
            "id",
            "item",
            "item_name",
            "year",
            "month",
            "value",
            "note",
            "evidence",
            "status",
            "entered_by",
            "entered_at",
            "approved_by",
            "approved_at",
            "version",
        ]
        read_only_fields = ["status", "entered_by", "entered_at", "approved_by", "approved_at"]
        # A second entry of the same month is a stale edit (409), decided by the service.
        validators: list[Any] = []


class ActualFilter(WithinFilterSet):
    year = django_filters.NumberFilter(field_name="item__scorecard__year")
    scorecard = django_filters.NumberFilter(field_name="item__scorecard")

    class Meta:
        model = MonthlyActual
        fields = ["item", "month", "status"]


class VersionSerializer(RejectUnknownFieldsMixin, serializers.Serializer[Any]):
    version = serializers.IntegerField(min_value=1)  # the version read: a person names it
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ActualViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[MonthlyActual],
):
    """Monthly actuals in scope. ``POST`` enters a month that has no value yet; ``PATCH``
    changes one and must send the ``version`` it read (409 if someone changed it since)."""

    serializer_class = ActualSerializer
    filterset_class = ActualFilter
    pagination_class = KeysetPagination
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    http_method_names = ["get", "post", "patch", "head", "options"]
    ordering_fields = ["month", "entered_at"]
    # No index orders 9 million actuals by them: a filtered list only (spm/cursor.py).
    bounded_ordering_fields = ["month", "entered_at"]
    # Newest first, read backwards from the primary key: a page stops after its rows. (By
    # item and month, PostgreSQL walked the items in id order and a group's first 30,000
    # items — its units' — have no actuals: 0.8 s before the first row.)
    ordering = ["-pk"]

    def get_queryset(self) -> QuerySet[MonthlyActual]:
        return selectors.actuals(self.request.user).select_related("item__scorecard")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        actual = services.actual_record(
            actor=actor_of(request),
            item=values["item"],
            month=values["month"],
            value=values["value"],
            note=values.get("note", ""),
            evidence=values.get("evidence"),
            expected_version=0,
            clock=clock(),
        )
        return Response(self.get_serializer(actual).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        actual = self.get_object()
        data = self.get_serializer(actual, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if "version" not in values:
            raise serializers.ValidationError({"version": "Send the version you are changing."})
        if (
            values.get("item", actual.item) != actual.item
            or values.get("month", actual.month) != actual.month
        ):
            raise serializers.ValidationError("The item and month of an actual cannot change.")
        actual = services.actual_record(
            actor=actor_of(request),
            item=actual.item,
            month=actual.month,
            value=values.get("value", actual.value),
            note=values.get("note", actual.note),
            evidence=values.get("evidence"),
            expected_version=values["version"],
            clock=clock(),
        )
        return Response(self.get_serializer(actual).data)

    def _review(self, service: Callable[..., MonthlyActual], **extra: Any) -> Response:
        found = self.get_object()  # out of scope is a 404 whatever the body
        data = VersionSerializer(data=self.request.data)
        data.is_valid(raise_exception=True)
        if service is services.actual_reject:
            extra["reason"] = data.validated_data["reason"]
        actual = service(
            actor=actor_of(self.request),
            actual=found,
            expected_version=data.validated_data["version"],
            **extra,
        )
        return Response(self.get_serializer(actual).data)

    @extend_schema(request=VersionSerializer, responses=ActualSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        """The unit head approves a submitted value."""
        return self._review(services.actual_approve)

    @extend_schema(request=VersionSerializer, responses=ActualSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        """The unit head sends a submitted value back, with a reason."""
        return self._review(services.actual_reject)


class ImportSerializer(RejectUnknownFieldsMixin, serializers.Serializer[Any]):
    file = serializers.FileField()
    encoding = serializers.ChoiceField(
        choices=list(ENCODINGS),
        required=False,
        help_text="The text encoding of a CSV file, when it is not certain (400 says so).",
    )


class ImportReportSerializer(serializers.Serializer[Any]):
    """What an import did, or which lines are wrong and why (schema of the response)."""

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        # Built here: a declared field named ``errors`` would hide ``Serializer.errors``.
        return {
            "ok": serializers.BooleanField(),
            "rows": serializers.IntegerField(),
            "created": serializers.IntegerField(),
            "updated": serializers.IntegerField(),
            "unchanged": serializers.IntegerField(),
            "skipped": serializers.IntegerField(),
            "errors": serializers.ListField(child=serializers.DictField()),
        }


class ImportJobSerializer(serializers.ModelSerializer[Job]):
    """A big import running in the background: poll ``url`` until ``status`` is ``done``
    or ``failed``; ``report`` is then the import's report (``problem`` when the file as a
    whole was refused: nothing was written either way)."""

    url = serializers.SerializerMethodField(help_text="Where to poll this job.")
    percent = serializers.IntegerField(read_only=True)
    report = serializers.SerializerMethodField()

    class Meta:
        model = Job
        fields = ["id", "status", "url", "done", "total", "percent", "error", "report"]
        read_only_fields = fields

    def get_url(self, job: Job) -> str:
        path = reverse("actualimport-detail", args=[job.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    @extend_schema_field(ImportReportSerializer(allow_null=True))
    def get_report(self, job: Job) -> dict[str, Any] | None:
        return job.result if job.finished and job.result else None


class ActualImportViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet[Job]):
    """Import actuals from a CSV or XLSX file: all rows or none.

    A small file is imported in the request (200 with the report, or 400 with the rows that
    are wrong and why). A file above the page's row threshold is handed to the same
    background job the import page uses: 202 with the job, whose ``url`` (``GET
    /actual-imports/{id}/``) shows its progress and, once finished, the report.
    """

    parser_classes = [MultiPartParser, FormParser]
    serializer_class = ImportJobSerializer

    def get_queryset(self) -> QuerySet[Job]:
        # A job is its starter's: anybody else's import is "not found".
        return Job.objects.filter(kind=IMPORT_KIND, created_by_id=self.request.user.pk)

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # ``?format=csv|xlsx`` chooses the template's file, not a DRF renderer: without
        # ``force`` DRF would answer 404 for a format it has no renderer for.
        return super().perform_content_negotiation(
            request, force=force or self.action == "template"
        )

    @extend_schema(
        request=ImportSerializer,
        responses={
            200: ImportReportSerializer,
            202: ImportJobSerializer,
            400: ImportReportSerializer,
        },
    )
    def create(self, request: Request) -> Response:
        data = ImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        try:
            outcome = actuals_import_submit(
                actor=actor_of(request),
                data=upload.read(),
                name=upload.name,
                encoding=data.validated_data.get("encoding"),
                clock=clock(),
            )
        except EncodingUncertain as exc:
            readings = [f"{name}: {' | '.join(lines)}" for name, lines in exc.candidates.items()]
            raise serializers.ValidationError({"encoding": exc.messages + readings}) from exc
        except ImportFileError as exc:
            raise serializers.ValidationError({"file": exc.messages}) from exc
        if isinstance(outcome, Job):
            outcome.refresh_from_db()  # an eager worker may have run it already
            body = self.get_serializer(outcome).data
            return Response(
                body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["url"]}
            )
        return Response(
            outcome.as_dict(),
            status=status.HTTP_200_OK if outcome.ok else status.HTTP_400_BAD_REQUEST,
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("year", int, required=True),
            OpenApiParameter("month", int, description="1-12; fills the month column."),
            OpenApiParameter("format", str, enum=["csv", "xlsx"], description="csv by default"),
        ],
        responses={(200, "text/csv"): bytes, (200, CONTENT_TYPES["xlsx"]): bytes},
    )
    @action(detail=False, methods=["get"])
    def template(self, request: Request) -> HttpResponse:
        """A template listing the items the caller may enter (``?year=&month=&format=xlsx``)."""
        year = request.query_params.get("year", "")
        month = request.query_params.get("month", "")
        if not year.isdigit() or (month and not (month.isdigit() and 1 <= int(month) <= 12)):
            raise serializers.ValidationError({"year": "Give a year, and optionally a month 1-12."})
        content, content_type, filename = import_template(
            actor=actor_of(request),
            year=int(year),
            month=int(month) if month else None,
            fmt="xlsx" if request.query_params.get("format") == "xlsx" else "csv",
        )
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class ClosedPeriodSerializer(RejectUnknownFieldsMixin, serializers.ModelSerializer[ClosedPeriod]):
    class Meta:
        model = ClosedPeriod
        fields = ["id", "year", "month", "closed_at", "closed_by"]
        read_only_fields = ["id", "closed_at", "closed_by"]
        validators: list[Any] = []  # closing a closed month again is not an error


class ClosedPeriodViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[ClosedPeriod],
):
    """Months closed for actuals. Everyone reads them; HR closes (POST) and reopens (DELETE)."""

    serializer_class = ClosedPeriodSerializer
    filterset_fields = ["year", "month"]
    ordering = ["-year", "-month"]

    def get_queryset(self) -> QuerySet[ClosedPeriod]:
        return ClosedPeriod.objects.all()

    def perform_create(self, serializer: serializers.BaseSerializer[ClosedPeriod]) -> None:
        serializer.instance = services.period_close(
            actor=actor_of(self.request), **serializer.validated_data
        )

    def perform_destroy(self, instance: ClosedPeriod) -> None:
        services.period_reopen(
            actor=actor_of(self.request),
            year=instance.year,
            month=instance.month,
        )
