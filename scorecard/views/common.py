"""Small helpers shared by the scorecard pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

PAGE_SIZE = 50


def year_of(request: HttpRequest) -> int:
    text = request.GET.get("year", "")
    if text.isdigit() and 2000 <= int(text) <= 2100:
        return int(text)
    return timezone.localdate().year


def page_of(request: HttpRequest, rows: Any, size: int = PAGE_SIZE) -> Page:
    return Paginator(rows, size).get_page(request.GET.get("page"))


def url_or_none(name: str, *args: Any) -> str | None:
    """A link to a page another part of the app may not provide (e.g. letters)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def form_error(form: Any, exc: ValidationError) -> None:
    """Put a service's validation error on the form fields it names (or on the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
