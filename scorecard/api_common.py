"""Plumbing shared by the scorecard API modules: service errors as API answers, the
"within a unit's subtree" filter."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from rest_framework import exceptions, status

from org.models import OrgUnit
from org.scoping import CHANGE, VIEW
from scorecard.models import (
    ScorecardLocked,
)
from scorecard.services import scorecards


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


@contextmanager
def service_errors() -> Iterator[None]:
    """Translate the services' errors into API answers."""
    try:
        yield
    except scorecards.StaleItem as exc:
        raise Conflict(detail={"detail": exc.messages[0], "code": "stale"}) from exc
    except ScorecardLocked as exc:
        raise Conflict(detail={"detail": exc.messages[0], "code": "locked"}) from exc
    except DjangoValidationError as exc:
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        raise exceptions.ValidationError(detail) from exc


def scope_action(viewset: Any) -> str:
    return VIEW if viewset.action in {"list", "retrieve"} else CHANGE


class WithinFilter(django_filters.FilterSet):
    within = django_filters.NumberFilter(method="filter_within", label="Within unit (subtree)")
    within_lookup = "unit__path"

    def filter_within(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        unit = OrgUnit.objects.filter(pk=value).only("path").first()
        if unit is None:
            return queryset.none()
        return queryset.filter(**{f"{self.within_lookup}__startswith": unit.path})
