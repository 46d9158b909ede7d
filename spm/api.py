"""API plumbing shared by every app's viewsets."""

from __future__ import annotations

from typing import Any

from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class ScopedViewSetMixin:
    """Starts every queryset from the selector, so an API view cannot skip scoping."""

    def get_queryset(self) -> Any:  # pragma: no cover - each viewset overrides scoped()
        return self.scoped()  # type: ignore[attr-defined]
