"""API of the indicator dictionary: list, read, write (HR, executives, admins for their
units) and try a formula out."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from org.models import OrgUnit
from org.scoping import VIEW, actor_of
from scorecard.models import Indicator
from scorecard.rules import expressions
from scorecard.selectors import indicators as selectors
from scorecard.services import indicators as services
from spm.api import (
    RejectUnknownFieldsMixin,
    ScopedPrimaryKeyField,
    ScopedViewSetMixin,
    WithinFilterSet,
    request_action,
)


class IndicatorSerializer(RejectUnknownFieldsMixin, serializers.ModelSerializer[Indicator]):
    owner_unit = ScopedPrimaryKeyField(queryset=OrgUnit.objects.all())
    smart_complete = serializers.BooleanField(read_only=True)

    class Meta:
        model = Indicator
        fields = ["id", *Indicator.EDITABLE_FIELDS, "smart_complete"]
        read_only_fields = ["id", "smart_complete"]
        # Uniqueness and formulas are checked by the model when the service saves.
        extra_kwargs: dict[str, dict[str, Any]] = {"code": {"validators": []}}


class EvaluateSerializer(RejectUnknownFieldsMixin, serializers.Serializer[Any]):
    values = serializers.DictField(
        child=serializers.DecimalField(max_digits=28, decimal_places=8),
        help_text="Measured values by indicator code.",
    )


class EvaluateResultSerializer(serializers.Serializer[Any]):
    value = serializers.DecimalField(max_digits=40, decimal_places=12, allow_null=True)
    error = serializers.CharField(allow_blank=True)


class IndicatorFilter(WithinFilterSet):
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
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Indicator],
):
    """The indicator dictionary. HR, executives and admins write it for their units."""

    serializer_class = IndicatorSerializer
    filterset_class = IndicatorFilter
    search_fields = ["code", "name", "definition"]
    ordering_fields = ["code", "name"]
    ordering = ["code"]

    def scoped(self, user: Any, action: str) -> QuerySet[Indicator]:
        # Evaluating a formula reads the indicator; it changes nothing.
        action = VIEW if self.action == "evaluate" else request_action(self.request)
        return selectors.indicators(user, action).select_related("owner_unit")

    def perform_create(self, serializer: serializers.BaseSerializer[Indicator]) -> None:
        if not services.may_curate(self.request.user):
            raise exceptions.PermissionDenied
        serializer.instance = services.indicator_create(
            actor=actor_of(self.request), **serializer.validated_data
        )

    def perform_update(self, serializer: serializers.BaseSerializer[Indicator]) -> None:
        assert serializer.instance is not None
        serializer.instance = services.indicator_update(
            actor=actor_of(self.request), indicator=serializer.instance, **serializer.validated_data
        )

    @extend_schema(
        request=EvaluateSerializer,
        responses={200: EvaluateResultSerializer, 400: EvaluateResultSerializer},
    )
    @action(detail=True, methods=["post"])
    def evaluate(self, request: Request, pk: Any = None) -> Response:
        """Evaluate the indicator's formula with the given measured values."""
        indicator = self.get_object()
        body = EvaluateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if not indicator.formula_is_expression:
            return Response(
                {"value": None, "error": _("This indicator's formula is text.")}, status=400
            )
        try:
            value = selectors.indicator_evaluate(
                request.user, indicator, body.validated_data["values"]
            )
        except expressions.ExpressionError as exc:
            return Response({"value": None, "error": str(exc)}, status=400)
        return Response({"value": format(value.normalize(), "f"), "error": ""})
