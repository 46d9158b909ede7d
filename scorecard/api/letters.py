"""API of responsibility letters: issue the next version of a scorecard's letter, sign,
countersign, acknowledge, amend the signed scorecard, and download a version as PDF.

Scoped like the pages (querysets start from the selectors, out of scope is 404); every
write calls a service, whose errors the API's exception handler answers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from org.scoping import actor_of
from scorecard.models import ResponsibilityLetter, Scorecard
from scorecard.pdf import letter_pdf
from scorecard.selectors import letters as selectors
from scorecard.services import letters as services
from spm.api import FilterSet, RejectUnknownFieldsMixin, ScopedPrimaryKeyField
from spm.clock import clock


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


class LetterIssueSerializer(RejectUnknownFieldsMixin, serializers.Serializer[Any]):
    scorecard = ScopedPrimaryKeyField(queryset=Scorecard.objects.all())
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ReasonSerializer(RejectUnknownFieldsMixin, serializers.Serializer[Any]):
    reason = serializers.CharField()


class LetterFilter(FilterSet):
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
        return selectors.letters(self.request.user).select_related("signer", "issuer")

    @extend_schema(request=LetterIssueSerializer, responses={201: LetterSerializer})
    def create(self, request: Request) -> Response:
        data = LetterIssueSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        letter = services.letter_issue(
            actor=actor_of(request),
            scorecard=data.validated_data["scorecard"],
            reason=data.validated_data["reason"],
        )
        return Response(LetterSerializer(letter).data, status=status.HTTP_201_CREATED)

    def _act(self, service: Callable[..., ResponsibilityLetter]) -> Response:
        letter = service(actor=actor_of(self.request), letter=self.get_object(), clock=clock())
        return Response(LetterSerializer(letter).data)

    @extend_schema(request=None, responses=LetterSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: str) -> Response:
        """The unit head (or, for an employee scorecard, the employee) signs."""
        return self._act(services.letter_sign)

    @extend_schema(request=None, responses=LetterSerializer)
    @action(detail=True, methods=["post"])
    def countersign(self, request: Request, pk: str) -> Response:
        """The issuer countersigns; the scorecard locks."""
        return self._act(services.letter_countersign)

    @extend_schema(request=None, responses=LetterSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str) -> Response:
        """The employee acknowledges their signed letter."""
        return self._act(services.letter_acknowledge)

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
        scorecard = services.scorecard_amend(
            actor=actor_of(request),
            scorecard=letter.scorecard,
            reason=data.validated_data["reason"],
        )
        return Response({"scorecard": scorecard.pk, "status": scorecard.status})

    @extend_schema(responses={(200, "application/pdf"): bytes})
    @action(detail=True, methods=["get"])
    def pdf(self, request: Request, pk: str) -> HttpResponse:
        """The letter version as PDF, rendered from its snapshot."""
        return HttpResponse(letter_pdf(self.get_object()), content_type="application/pdf")
