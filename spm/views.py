"""Cross-cutting pages: the role-specific home, health, background job progress."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.defaults import page_not_found

from org.scoping import scope_of
from spm import nav
from spm.htmx import is_htmx_partial
from spm.memo import page_memo
from spm.models import Job


@login_required
def home(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    with page_memo():  # panels asking the same question share one answer
        panels = nav.home_panels(request, scope)
    return render(request, "home.html", {"panels": panels})


@require_GET
def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Browsers ask for ``/favicon.ico`` on pages that name no icon (the admin, the API
    docs, plain error pages); send them to the served icon instead of a 404."""
    return HttpResponsePermanentRedirect(static("spm/favicon.ico"))


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _check_redis() -> str:
    if not settings.REDIS_URL:
        return "not configured (tasks run in-process)"
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    client.ping()
    return "ok"


def _check_worker() -> str:
    from spm.celery import app

    if app.conf.task_always_eager:
        return "in-process"
    replies = app.control.ping(timeout=2.0)
    if not replies:
        raise RuntimeError("no worker answered")
    return f"ok ({len(replies)} worker{'s' if len(replies) != 1 else ''})"


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """Database, Redis and worker reachability; 503 when any is down."""
    report: dict[str, Any] = {}
    healthy = True
    for name, check in (
        ("database", _check_database),
        ("redis", _check_redis),
        ("worker", _check_worker),
    ):
        try:
            report[name] = check()
        except Exception as exc:  # any failure is a health finding, not a crash
            report[name] = f"error: {exc.__class__.__name__}: {exc}"
            healthy = False
    report["status"] = "ok" if healthy else "error"
    return JsonResponse(report, status=200 if healthy else 503)


def _own_job(request: HttpRequest, pk: int) -> Job:
    # A job belongs to whoever started it; anybody else gets "not found".
    return get_object_or_404(Job, pk=pk, created_by_id=request.user.pk)


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _own_job(request, pk)
    template = "spm/_job_progress.html" if is_htmx_partial(request) else "spm/job_detail.html"
    return render(request, template, {"job": job})


@login_required
def job_download(request: HttpRequest, pk: int) -> FileResponse:
    job = _own_job(request, pk)
    if not job.result_file or job.status != Job.Status.DONE:
        raise Http404
    return FileResponse(
        job.result_file.open("rb"),
        as_attachment=True,
        filename=job.result.get("filename") or str(job.result_file.name).rsplit("/", 1)[-1],
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """``handler404``: under ``/api/`` a URL no route matches (an id that is not one, such
    as ``/api/v1/result-reviews/1.5/``) answers 404 in the API's one error shape (JSON), as
    every other API answer does; pages keep Django's page (found by fuzzing the API)."""
    if request.path.startswith("/api/"):
        from spm.api import error_body

        return JsonResponse(error_body(gettext("Not found."), "not_found"), status=404)
    return page_not_found(request, exception or Http404())
