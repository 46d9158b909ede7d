"""Small helpers shared by the scorecard pages."""

from __future__ import annotations

from django.http import HttpRequest

from spm.clock import clock


def year_of(request: HttpRequest) -> int:
    """The ``?year=`` asked for, else this year (by the app's clock)."""
    text = request.GET.get("year", "")
    if text.isdigit() and 2000 <= int(text) <= 2100:
        return int(text)
    return clock().today().year
