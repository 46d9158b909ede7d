"""API plumbing shared by every app's viewsets: pagination, the scoped related field, the
"within unit" filter, the action a request asks for, and one error shape for the whole API.

Every error answer of ``/api/v1/`` has the same body (:data:`ERROR_SCHEMA`)::

    {"detail": "<one sentence>", "code": "<machine code>", "fields": {"<field>": ["<msg>"]},
     "current": <the stored object, on a 409 stale edit>}

``fields`` appears on validation errors, ``current`` on conflicts. Service errors become
answers here and nowhere else: a ``django.core.exceptions.ValidationError`` is a 400, an
:class:`spm.errors.Conflict` a 409, ``Http404`` a 404.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, cast

import django_filters
import django_filters.rest_framework
from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from org.scoping import VIEW, action_for_method, get_scoped
from spm.errors import Conflict, NotPermitted
from spm.paginator import CappedPaginator


class Pagination(PageNumberPagination):
    """Page numbers, counted up to ``spm.paginator.CAP`` rows: past it ``count`` is
    ``CAP + 1`` ("more than"), and a filter narrows the list."""

    django_paginator_class = CappedPaginator
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


# --- Scoping helpers for viewsets and serializers -------------------------------------------


def request_action(request: Any) -> str:
    """``VIEW`` or ``CHANGE``, from the HTTP method of ``request`` (the one place that decides)."""
    return action_for_method(getattr(request, "method", None))


class ScopedViewSetMixin:
    """Starts every queryset from the app's selector with the action the method asks for,
    so an API view cannot skip scoping. Subclasses define ``scoped(user, action)``."""

    request: Any
    kwargs: dict[str, Any]

    def scoped(self, user: Any, action: str) -> QuerySet[Any]:  # pragma: no cover - abstract
        raise NotImplementedError

    def get_queryset(self) -> QuerySet[Any]:
        return self.scoped(self.request.user, request_action(self.request))

    def get_object(self) -> Any:
        """The row, scoped for the method's action. A write to a row the caller may see
        but not change is a 403; a row they cannot see stays a 404 (issue 8, finding 9)."""
        try:
            return super().get_object()  # type: ignore[misc]
        except Http404:
            if request_action(self.request) == VIEW:
                raise
            field = getattr(self, "lookup_field", "pk")
            value = self.kwargs.get(getattr(self, "lookup_url_kwarg", None) or field)
            try:
                seen = self.scoped(self.request.user, VIEW).filter(**{field: value}).exists()
            except (TypeError, ValueError, DjangoValidationError, OverflowError):
                seen = False
            if seen:
                raise NotPermitted(_("You may see this record but not change it.")) from None
            raise


# --- Steps of a record: "validate the body, find the object, call the service" -------------


class ExpectedVersionSerializer(serializers.Serializer[Any]):
    """The body of a one-button step of a versioned record (acknowledge, close, take under
    review …): the version of it the caller read. A person's step names it
    (``org.versions``)."""

    version = serializers.IntegerField(
        help_text=gettext_lazy(
            "The version of the record you read; a stale one is refused (409, with the "
            "current version)."
        )
    )


VERSION_QUERY = OpenApiParameter(
    "version",
    OpenApiTypes.INT,
    required=True,
    description=gettext_lazy(
        "The version of the record you read: without it the delete is refused (400), with "
        "a stale one too (409, with the current version)."
    ),
)


def query_version(request: Any) -> int | None:
    """The ``?version=`` a DELETE names (``None`` when missing or not a number: the
    service refuses the delete, ``org.versions.require_version``)."""
    text = str(request.query_params.get("version", ""))
    return int(text) if text.isdigit() else None


class StepMixin:
    """Steps of the shape "scoped object → service → serialized answer": the object first
    (out of scope is a 404, may-see-not-change a 403, whatever the body), then the body
    validated, then ``service(actor=…, <target>=the object, **body)``; the answer re-reads
    the row through the viewset's own ``scoped()`` (and its serializer)."""

    def act(
        self,
        request: Any,
        body_class: type[serializers.Serializer[Any]] | None,
        service: Callable[..., Any],
        target: str,
    ) -> Any:
        """Call the service on the object with the validated body; return what it returns."""
        found = cast(Any, self).get_object()
        data: Mapping[str, Any] = {}
        if body_class is not None:
            body = body_class(data=request.data, context={"request": request})
            body.is_valid(raise_exception=True)
            data = body.validated_data
        return service(actor=request.user, **{target: found}, **data)

    def answer(self, request: Any, pk: Any) -> Response:
        """The row ``pk`` as the caller sees it now, in the viewset's serializer."""
        view = cast(Any, self)
        fresh = get_scoped(view.scoped(request.user, VIEW), request.user, pk, VIEW)
        return Response(view.get_serializer_class()(fresh, context={"request": request}).data)

    def step(
        self,
        request: Any,
        body_class: type[serializers.Serializer[Any]] | None,
        service: Callable[..., Any],
        target: str,
    ) -> Response:
        """:meth:`act`, answered with the fresh row the service wrote."""
        return self.answer(request, self.act(request, body_class, service, target).pk)


class ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """A related id: the rows the caller may see, and "does not exist" for any other id —
    the same answer for an id out of scope and one that never existed."""

    def get_queryset(self) -> Any:
        queryset: Any = super().get_queryset()
        request = self.context.get("request")
        if queryset is None:
            return None
        if request is None:
            return queryset.none()
        return queryset.restrict(request.user)

    def to_internal_value(self, data: Any) -> Any:
        # A huge number is "does not exist" too, not an overflow deep in the database.
        try:
            if abs(int(data)) >= 2**63:
                self.fail("does_not_exist", pk_value=data)
        except (TypeError, ValueError):
            pass
        return super().to_internal_value(data)


# The largest id (and number) the database holds: a filter beyond it is a 400, not an
# overflow deep in the database driver.
BIGINT_MAX = 2**63 - 1


class IdField(forms.IntegerField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", -BIGINT_MAX)
        kwargs.setdefault("max_value", BIGINT_MAX)
        super().__init__(**kwargs)


class IdFilter(django_filters.Filter):
    """A related row by id, compared as a plain id: no lookup of the related row, so an id
    outside the caller's scope and one that never existed give the same (empty) answer,
    never "Select a valid choice" for the one and an empty list for the other."""

    field_class = IdField


class FilterSet(django_filters.rest_framework.FilterSet):
    """The API's FilterSet: related ids through :class:`IdFilter` (no existence leak) and
    every number within what the database holds (400 beyond it)."""

    @classmethod
    def filter_for_lookup(cls, field: Any, lookup_type: str) -> tuple[Any, dict[str, Any]]:
        if (field.many_to_one or field.one_to_one) and lookup_type == "exact":
            return IdFilter, {}
        return super().filter_for_lookup(field, lookup_type)

    def is_valid(self) -> bool:
        if not super().is_valid():
            return False
        for name, value in list(self.form.cleaned_data.items()):
            number = isinstance(value, int | Decimal) and not isinstance(value, bool)
            if number and abs(value) > BIGINT_MAX:
                self.form.add_error(name, _("This number is out of range."))
        return not self.form.errors


class FilterBackend(django_filters.rest_framework.DjangoFilterBackend):
    """``DEFAULT_FILTER_BACKENDS``: ``filterset_fields`` build a :class:`FilterSet` too."""

    filterset_base = FilterSet


class WithinFilterSet(FilterSet):
    """A FilterSet with ``?within=<unit id>``: rows in that unit's subtree (scoping still
    applies; an unknown or out-of-scope unit gives an empty list, never an error)."""

    within = IdFilter(method="filter_within", label=gettext_lazy("Within unit (subtree)"))

    def filter_within(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return queryset.within(value)  # type: ignore[attr-defined]


class RejectUnknownFieldsMixin:
    """Refuses a write that names a field the serializer does not have (400, code
    ``unknown``) instead of silently dropping it: a misspelt field is the client's mistake,
    not a no-op. Read-only fields a client echoes back from a read are still ignored.
    """

    initial_data: Any
    fields: Any

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {
                        name: [serializers.ErrorDetail(_("Unknown field."), code="unknown")]
                        for name in unknown
                    }
                )
        return super().to_internal_value(data)  # type: ignore[misc]


# --- One error shape ------------------------------------------------------------------------


def _flatten(detail: Any) -> list[str]:
    if isinstance(detail, dict):
        return [m for value in detail.values() for m in _flatten(value)]
    if isinstance(detail, list | tuple):
        return [m for value in detail for m in _flatten(value)]
    return [str(detail)]


def _fields(detail: Any) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {str(name): _flatten(messages) for name, messages in detail.items()}
    return {"non_field_errors": _flatten(detail)}


def _codes(detail: Any) -> list[str]:
    if isinstance(detail, dict):
        return [c for value in detail.values() for c in _codes(value)]
    if isinstance(detail, list | tuple):
        return [c for value in detail for c in _codes(value)]
    return [str(getattr(detail, "code", "invalid") or "invalid")]


def error_body(
    detail: str, code: str, *, fields: dict[str, list[str]] | None = None, current: Any = None
) -> dict[str, Any]:
    body: dict[str, Any] = {"detail": detail, "code": code}
    if fields:
        body["fields"] = fields
    if current is not None:
        body["current"] = current
    return body


def conflict_response(exc: Conflict) -> Response:
    return Response(
        error_body(exc.messages[0], exc.code or "conflict", current=exc.current_data()),
        status=status.HTTP_409_CONFLICT,
    )


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's ``EXCEPTION_HANDLER``: service errors to answers, every answer in one shape."""
    if isinstance(exc, Conflict):
        return conflict_response(exc)
    if isinstance(exc, NotPermitted):
        body = error_body(exc.messages[0], exc.code or "permission_denied")
        return Response(body, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        exc = exceptions.ValidationError(detail)
    # Imported here: ``rest_framework.views`` reads ``DEFAULT_PARSER_CLASSES`` (this module)
    # when it is first imported, so importing it at the top makes ``spm.api`` import itself
    # half-built whenever it is the first module to touch DRF's views.
    from rest_framework.views import exception_handler as drf_exception_handler

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(exc, exceptions.ValidationError):
        fields = _fields(data)
        codes = _codes(exc.detail)
        first = next(iter(m for ms in fields.values() for m in ms), _("Invalid input."))
        response.data = error_body(
            first, codes[0] if len(set(codes)) == 1 else "invalid", fields=fields
        )
    elif isinstance(exc, exceptions.APIException):
        message = data.get("detail", data) if isinstance(data, dict) else data
        code = exc.get_codes()
        response.data = error_body(
            " ".join(_flatten(message)), code if isinstance(code, str) else "error"
        )
    else:  # Http404 / PermissionDenied turned into answers by DRF
        message = data.get("detail", "") if isinstance(data, dict) else data
        code = "not_found" if response.status_code == 404 else "permission_denied"
        response.data = error_body(str(message), code)
    return response


ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "The body of every error answer of the API.",
    "properties": {
        "detail": {"type": "string", "description": "What went wrong, in the user's language."},
        "code": {
            "type": "string",
            "description": "Machine-readable kind: invalid, not_found, stale, locked, conflict, …",
        },
        "fields": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": "Field name -> messages, on validation errors.",
        },
        "current": {"nullable": True, "description": "The stored object, on a 409 stale edit."},
    },
    "required": ["detail", "code"],
}


def document_errors(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular post-processing hook: the error answers of every operation.

    401, 403 and 404 for every operation (out of scope is 404 everywhere, and an operation
    without a path id also answers 404 for an id it is given out of scope, or a page past
    the last), 400 where the operation takes query parameters (a filter value it cannot
    use) and for writes (a delete refused by a rule included), 409 for writes, 415 where
    the operation reads a body (sent in a content type it does not read), all with the one
    :data:`ERROR_SCHEMA` body. An operation that documents a 400 body of its own (an
    import's report) answers that or the error body. Kept honest by fuzzing the API with
    schemathesis (``tests/test_api_fuzz.py``).
    """
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    error = {"$ref": "#/components/schemas/Error"}
    ref = {"application/json": {"schema": error}}
    texts = {
        "400": "Invalid input; see fields.",
        "401": "Not signed in.",
        "403": "Signed in, but not allowed to do this to an object you can see.",
        "404": "Not found, or outside your scope.",
        "409": "Stale edit, locked record or lost race; nothing was saved.",
        "415": "The body's content type is not one the operation reads.",
    }
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            codes = ["401", "403", "404"]
            writes = method in {"post", "put", "patch", "delete"}
            if writes or any(p.get("in") == "query" for p in operation.get("parameters", [])):
                codes.append("400")
            if writes:
                codes.append("409")
            if "requestBody" in operation:
                codes.append("415")
            responses = operation.setdefault("responses", {})
            for code in codes:
                own = responses.get(code, {}).get("content", {}).get("application/json")
                if own is not None and own.get("schema") != error:
                    own["schema"] = {"anyOf": [own["schema"], error]}
                responses.setdefault(code, {"description": texts[code], "content": ref})
    return result
