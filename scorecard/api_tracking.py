"""REST API of responsibility letters, monthly actuals, their import and closed periods.

Scoped like the pages (querysets start from the selectors, out of scope is 404); every
write calls a service. A stale edit of an actual answers 409 Conflict with the stored value.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from org.models import OrgUnit
from org.scoping import VIEW
from scorecard.models import (
    ClosedPeriod,
    MonthlyActual,
    ResponsibilityLetter,
    Scorecard,
    ScorecardItem,
)
from scorecard.pdf import letter_pdf
from scorecard.selectors import actuals as actual_selectors
from scorecard.selectors import letters as letter_selectors
from scorecard.services import actuals as actual_services
from scorecard.services import letters as letter_services
from scorecard.services.imports import ImportFileError, actuals_import, import_template


def _call(service: Callable[..., Any], **kwargs: Any) -> Any:
    """Run a service; its validation errors become a 400 with the same messages."""
    try:
        return service(**kwargs)
    except actual_services.StaleActual:
        raise
    except DjangoValidationError as exc:
        raise serializers.ValidationError(serializers.as_serializer_error(exc)) from exc


class InScope(serializers.PrimaryKeyRelatedField):  # type: ignore[type-arg]
    """A primary key that must lie in the caller's scope ("does not exist" otherwise)."""

    def get_queryset(self) -> QuerySet[Any]:
        return super().get_queryset().restrict(self.context["request"].user, VIEW)  # type: ignore[union-attr]


# --- Letters ---------------------------------------------------------------------------


class LetterSerializer(serializers.ModelSerializer[ResponsibilityLetter]):
    signer_name = serializers.CharField(source="signer.name", read_only=True)
    issuer_name = serializers.CharField(source="issuer.name", read_only=True)

    class Meta:
        model = ResponsibilityLetter
        fields = [
            "id",
            "scorecard",
            "version",
            "status",
            "reason",
            "signer",
            "signer_name",
            "issuer",
            "issuer_name",
            "signed_by_head_at",
            "countersigned_at",
            "acknowledged_at",
            "created_at",
            "snapshot",
        ]
        read_only_fields = fields


class LetterIssueSerializer(serializers.Serializer[Any]):
    scorecard = InScope(queryset=Scorecard.objects.all())
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField()


class LetterFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="scorecard__year")

    class Meta:
        model = ResponsibilityLetter
        fields = ["scorecard", "status", "version"]


class LetterViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[ResponsibilityLetter]
):
    """Responsibility letters in scope. ``POST`` issues the next version of a scorecard's
    letter; ``sign``, ``countersign``, ``acknowledge`` and ``amend`` act on one letter."""

    serializer_class = LetterSerializer
    filterset_class = LetterFilter
    ordering_fields = ["created_at", "version"]
    ordering = ["-created_at", "-pk"]

    def get_queryset(self) -> QuerySet[ResponsibilityLetter]:
        return letter_selectors.letters(self.request.user).select_related("signer", "issuer")

    @extend_schema(request=LetterIssueSerializer, responses={201: LetterSerializer})
    def create(self, request: Request) -> Response:
        data = LetterIssueSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        letter = _call(
            letter_services.letter_issue,
            actor=request.user,
            scorecard=data.validated_data["scorecard"],
            reason=data.validated_data["reason"],
        )
        return Response(LetterSerializer(letter).data, status=status.HTTP_201_CREATED)

    def _act(self, service: Callable[..., ResponsibilityLetter]) -> Response:
        letter = _call(service, actor=self.request.user, letter=self.get_object())
        return Response(LetterSerializer(letter).data)

    @extend_schema(request=None, responses=LetterSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: str) -> Response:
        """The unit head (or, for an employee scorecard, the employee) signs."""
        return self._act(letter_services.letter_sign)

    @extend_schema(request=None, responses=LetterSerializer)
    @action(detail=True, methods=["post"])
    def countersign(self, request: Request, pk: str) -> Response:
        """The issuer countersigns; the scorecard locks."""
        return self._act(letter_services.letter_countersign)

    @extend_schema(request=None, responses=LetterSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str) -> Response:
        """The employee acknowledges their signed letter."""
        return self._act(letter_services.letter_acknowledge)

    @extend_schema(
        request=ReasonSerializer,
        responses=inline_serializer(
            "Amended", {"scorecard": serializers.IntegerField(), "status": serializers.CharField()}
        ),
    )
    @action(detail=True, methods=["post"])
    def amend(self, request: Request, pk: str) -> Response:
        """Unlock this letter's signed scorecard for an amendment."""
        letter = self.get_object()
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        scorecard = _call(
            letter_services.scorecard_amend,
            actor=request.user,
            scorecard=letter.scorecard,
            reason=data.validated_data["reason"],
        )
        return Response({"scorecard": scorecard.pk, "status": scorecard.status})

    @extend_schema(responses={(200, "application/pdf"): bytes})
    @action(detail=True, methods=["get"])
    def pdf(self, request: Request, pk: str) -> HttpResponse:
        """The letter version as PDF, rendered from its snapshot."""
        return HttpResponse(letter_pdf(self.get_object()), content_type="application/pdf")


# --- Actuals ---------------------------------------------------------------------------


class ActualSerializer(serializers.ModelSerializer[MonthlyActual]):
    item = InScope(queryset=ScorecardItem.objects.all())
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


class ActualFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="item__scorecard__year")
    scorecard = django_filters.NumberFilter(field_name="item__scorecard")
    within = django_filters.NumberFilter(method="filter_within", label="Within unit (subtree)")

    class Meta:
        model = MonthlyActual
        fields = ["item", "month", "status"]

    def filter_within(
        self, queryset: QuerySet[MonthlyActual], name: str, value: Any
    ) -> QuerySet[MonthlyActual]:
        unit = OrgUnit.objects.filter(pk=value).only("path").first()
        return (
            queryset.filter(item__scorecard__unit__path__startswith=unit.path)
            if unit
            else queryset.none()
        )


class VersionSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(min_value=1, required=False)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


def _conflict(exc: actual_services.StaleActual) -> Response:
    current = ActualSerializer(exc.current).data if exc.current is not None else None
    return Response(
        {"detail": exc.messages[0], "current": current}, status=status.HTTP_409_CONFLICT
    )


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
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    http_method_names = ["get", "post", "patch", "head", "options"]
    ordering_fields = ["month", "entered_at"]
    ordering = ["item__scorecard__year", "item_id", "month"]

    def get_queryset(self) -> QuerySet[MonthlyActual]:
        return actual_selectors.actuals(self.request.user).select_related("item__scorecard")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            actual = _call(
                actual_services.actual_record,
                actor=request.user,
                item=values["item"],
                month=values["month"],
                value=values["value"],
                note=values.get("note", ""),
                evidence=values.get("evidence"),
                expected_version=0,
            )
        except actual_services.StaleActual as exc:
            return _conflict(exc)
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
        try:
            actual = _call(
                actual_services.actual_record,
                actor=request.user,
                item=actual.item,
                month=actual.month,
                value=values.get("value", actual.value),
                note=values.get("note", actual.note),
                evidence=values.get("evidence"),
                expected_version=values["version"],
            )
        except actual_services.StaleActual as exc:
            return _conflict(exc)
        return Response(self.get_serializer(actual).data)

    def _review(self, service: Callable[..., MonthlyActual], **extra: Any) -> Response:
        data = VersionSerializer(data=self.request.data)
        data.is_valid(raise_exception=True)
        if service is actual_services.actual_reject:
            extra["reason"] = data.validated_data["reason"]
        try:
            actual = _call(
                service,
                actor=self.request.user,
                actual=self.get_object(),
                expected_version=data.validated_data.get("version"),
                **extra,
            )
        except actual_services.StaleActual as exc:
            return _conflict(exc)
        return Response(self.get_serializer(actual).data)

    @extend_schema(request=VersionSerializer, responses=ActualSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        """The unit head approves a submitted value."""
        return self._review(actual_services.actual_approve)

    @extend_schema(request=VersionSerializer, responses=ActualSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        """The unit head sends a submitted value back, with a reason."""
        return self._review(actual_services.actual_reject)


class ImportSerializer(serializers.Serializer[Any]):
    file = serializers.FileField()


class ImportReportSerializer(serializers.Serializer[Any]):
    ok = serializers.BooleanField()
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    skipped = serializers.IntegerField()
    errors = serializers.ListField(child=serializers.DictField())


class ActualImportViewSet(viewsets.ViewSet):
    """Import actuals from a CSV or XLSX file: all rows or none (400 with the report)."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request=ImportSerializer,
        responses={200: ImportReportSerializer, 400: ImportReportSerializer},
    )
    def create(self, request: Request) -> Response:
        data = ImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        try:
            report = actuals_import(actor=request.user, upload=upload, name=upload.name)
        except ImportFileError as exc:
            raise serializers.ValidationError({"file": exc.messages}) from exc
        return Response(
            report.as_dict(),
            status=status.HTTP_200_OK if report.ok else status.HTTP_400_BAD_REQUEST,
        )

    @extend_schema(responses={(200, "text/csv"): bytes})
    @action(detail=False, methods=["get"])
    def template(self, request: Request) -> HttpResponse:
        """A template listing the items the caller may enter (``?year=&month=&format=xlsx``)."""
        year = request.query_params.get("year", "")
        month = request.query_params.get("month", "")
        if not year.isdigit() or (month and not (month.isdigit() and 1 <= int(month) <= 12)):
            raise serializers.ValidationError({"year": "Give a year, and optionally a month 1-12."})
        content, content_type, filename = import_template(
            actor=request.user,
            year=int(year),
            month=int(month) if month else None,
            fmt="xlsx" if request.query_params.get("format") == "xlsx" else "csv",
        )
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class ClosedPeriodSerializer(serializers.ModelSerializer[ClosedPeriod]):
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

    def perform_create(self, serializer: ClosedPeriodSerializer) -> None:
        serializer.instance = _call(
            actual_services.period_close, actor=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance: ClosedPeriod) -> None:
        _call(
            actual_services.period_reopen,
            actor=self.request.user,
            year=instance.year,
            month=instance.month,
        )


def register(router: BaseRouter) -> None:
    # Base names differ from the page URL names ("letter-list", "actual-import", ...).
    router.register("letters", LetterViewSet, basename="responsibilityletter")
    router.register("actuals", ActualViewSet, basename="monthlyactual")
    router.register("actual-imports", ActualImportViewSet, basename="actualimport")
    router.register("closed-periods", ClosedPeriodViewSet, basename="closedperiod")
