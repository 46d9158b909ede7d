"""Django's technical error page under ``DEBUG``, made to work with the content security
policy.

The technical 500 page toggles its frames with inline ``onclick`` handlers, which the
policy (rightly) forbids, so in development Chromium reported CSP violations and the page
half-worked. With ``DEBUG`` on, an unexpected exception is answered with that page marked
exempt from the policy; with ``DEBUG`` off (production, tests, the browser crawl) nothing
changes and ``templates/500.html`` answers, which has no script at all.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.views.debug import technical_500_response

# Exceptions Django answers with 400/403/404 pages, not with the technical 500 page.
HTTP_ANSWERS = (Http404, PermissionDenied, BadRequest, SuspiciousOperation, MultiPartParserError)


class DebugErrorPageMiddleware:
    """Sits inside ``csp.middleware.CSPMiddleware`` so its exemption is seen."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not settings.DEBUG or isinstance(exception, HTTP_ANSWERS):
            return None
        response = technical_500_response(request, *sys.exc_info())
        response._csp_exempt = True  # type: ignore[attr-defined]
        return response
