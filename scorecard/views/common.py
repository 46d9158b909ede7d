"""Small helpers shared by the scorecard pages."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page
from django.http import HttpRequest

from spm.clock import clock
from spm.paginator import capped_page

PAGE_SIZE = 50


def year_of(request: HttpRequest) -> int:
    """The ``?year=`` asked for, else this year (by the app's clock)."""
    text = request.GET.get("year", "")
    if text.isdigit() and 2000 <= int(text) <= 2100:
        return int(text)
    return clock().today().year


def page_of(request: HttpRequest, rows: Any, size: int = PAGE_SIZE) -> Page:
    """The asked-for page of ``rows``, counted up to ``spm.paginator.CAP``."""
    return capped_page(rows, size, request.GET.get("page"))
