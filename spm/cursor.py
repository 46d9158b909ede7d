"""Cursor (keyset) pagination for the API's big lists: no ``COUNT(*)``, no ``OFFSET``.

DRF's ``CursorPagination`` keeps the position of the first ordering field only and steps
over ties with an offset: ordered by ``-year`` that offset would grow to a whole year of
scorecards. :class:`KeysetPagination` keeps the position of *every* ordering field, with
the primary key appended when the ordering lacks it, so a position is unique and the next
page is one indexed seek::

    WHERE a >= :a AND (a > :a OR (a = :a AND (b > :b OR (b = :b AND pk > :pk))))
    ORDER BY a, b, pk LIMIT 51

(``a >= :a`` is implied by the rest; it is there so the database seeks the index on ``a``.)

The answer is ``{"next", "previous", "results"}``; ``next`` and ``previous`` are links
carrying an opaque ``cursor`` (no page numbers, no total). ``?ordering=`` keeps working: any
ordering the view allows becomes the keyset (related fields too, e.g. ``unit__path``);
only the orders the view documents as its default are read straight from an index. An
ordering on a field that may be empty is refused (400): NULLs sort differently on each
database, and a keyset cannot seek past them.

A view names in ``bounded_ordering_fields`` the fields no index reads in order at the list's
size (the month of 9 million actuals): asked for by ``?ordering=``, they order a filtered
list the capped pager counts in full (at most :data:`spm.paginator.CAP` rows), and a
longer one is refused (400) with what to do — the database would sort every row (half a
minute for HR's actuals) for each page. The same bound as the pages' sorts (:mod:`spm.sorting`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import Cursor, CursorPagination, _reverse_ordering
from rest_framework.request import Request

from spm.paginator import CappedPaginator


def _value(instance: Any, field: str) -> Any:
    for name in field.lstrip("-").split("__"):
        instance = getattr(instance, name) if instance is not None else None
    return instance


def _nullable(model: Any, field: str) -> bool:
    """Whether ``field`` (a lookup path) can be empty: a keyset cannot seek past NULL."""
    nullable = False
    for name in field.lstrip("-").split("__"):
        if name == "pk":
            return nullable
        found = model._meta.get_field(name)
        nullable = nullable or found.null
        model = found.related_model or model
    return nullable


def after(ordering: tuple[str, ...], values: list[Any], *, backwards: bool) -> Q:
    """Rows strictly after ``values`` in ``ordering`` (before them when ``backwards``)."""
    clauses = []
    for depth, field in enumerate(ordering):
        name = field.lstrip("-")
        descending = field.startswith("-") != backwards
        equal = {f.lstrip("-"): v for f, v in zip(ordering[:depth], values, strict=False)}
        clauses.append(Q(**equal, **{f"{name}__{'lt' if descending else 'gt'}": values[depth]}))
    first = ordering[0].lstrip("-")
    seek = "lte" if ordering[0].startswith("-") != backwards else "gte"
    return Q(**{f"{first}__{seek}": values[0]}) & reduce(or_, clauses)


class KeysetPagination(CursorPagination):
    """Cursor pages in the view's ordering (``ordering`` / ``?ordering=``), ``pk`` last."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = ("pk",)

    def get_ordering(self, request: Request, queryset: QuerySet[Any], view: Any) -> tuple[str, ...]:
        ordering = tuple(getattr(view, "ordering", None) or self.ordering)
        for backend in getattr(view, "filter_backends", []):
            if hasattr(backend, "get_ordering"):
                ordering = tuple(backend().get_ordering(request, queryset, view) or ordering)
                break
        if not {"pk", "-pk", "id", "-id"} & set(ordering):
            ordering = (*ordering, "pk")
        bounded = set(getattr(view, "bounded_ordering_fields", ())) & {
            field.lstrip("-") for field in ordering
        }
        if bounded and request.query_params.get("ordering") and CappedPaginator(queryset, 1).capped:
            raise ValidationError(
                {
                    "ordering": _(
                        "The list can be ordered by %(fields)s only when it has at most "
                        "%(limit)s rows, and this one has more: narrow it with its filters "
                        "first, or keep the default order."
                    )
                    % {"fields": ", ".join(sorted(bounded)), "limit": CappedPaginator.cap}
                }
            )
        for field in ordering:
            if _nullable(queryset.model, field):
                raise ValidationError(
                    {
                        "ordering": _(
                            "The list cannot be paged in the order of %(field)s (it may be "
                            "empty): choose another order."
                        )
                        % {"field": field.lstrip("-")}
                    }
                )
        return ordering

    def _get_position_from_instance(self, instance: Any, ordering: Sequence[str]) -> str:
        return json.dumps([str(_value(instance, field)) for field in ordering])

    def paginate_queryset(  # type: ignore[override]
        self, queryset: QuerySet[Any], request: Request, view: Any = None
    ) -> list[Any] | None:
        self.request = request
        self.page_size = self.get_page_size(request) or type(self).page_size
        self.base_url = request.build_absolute_uri()
        self.ordering = self.get_ordering(request, queryset, view)  # type: ignore[assignment]
        self.cursor = self.decode_cursor(request)
        reverse = self.cursor is not None and self.cursor.reverse
        position = None if self.cursor is None else self._position(self.cursor)
        queryset = queryset.order_by(
            *(_reverse_ordering(self.ordering) if reverse else self.ordering)
        )
        if position is not None:
            queryset = queryset.filter(after(self.ordering, position, backwards=reverse))
        results = list(queryset[: self.page_size + 1])
        self.page = results[: self.page_size]
        more = len(results) > len(self.page)
        if reverse:
            self.page.reverse()
        # Walking back, the rows after the page are where the cursor came from.
        self.has_next = more if not reverse else True
        self.has_previous = more if reverse else position is not None
        self.display_page_controls = self.has_previous or self.has_next
        return self.page

    def _position(self, cursor: Cursor) -> list[Any]:
        try:
            values = json.loads(str(cursor.position))
        except (TypeError, ValueError):
            raise NotFound(self.invalid_cursor_message) from None
        if not isinstance(values, list) or len(values) != len(self.ordering):
            raise NotFound(self.invalid_cursor_message)
        return values

    def get_next_link(self) -> str | None:
        if not self.has_next or not self.page:
            return None
        position = self._get_position_from_instance(self.page[-1], self.ordering)
        return self.encode_cursor(Cursor(offset=0, reverse=False, position=position))  # type: ignore[arg-type]

    def get_previous_link(self) -> str | None:
        if not self.has_previous or not self.page:
            return None
        position = self._get_position_from_instance(self.page[0], self.ordering)
        return self.encode_cursor(Cursor(offset=0, reverse=True, position=position))  # type: ignore[arg-type]
