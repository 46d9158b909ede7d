"""The light board's exports: "Export to Excel" and "Board pack (PDF)" each start a
background job (:mod:`lightup.board_jobs`) with the board's filters; the job page shows
its progress and then offers the file. Only POST starts one (GET answers 405)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from lightup import board_pdf, board_xlsx
from lightup.board_jobs import board_job_create
from lightup.tasks import lightup_board_pdf, lightup_board_xlsx
from lightup.views import board_filters


def _export_view(kind: str, task: Any) -> Callable[[HttpRequest], HttpResponse]:
    @login_required
    @require_POST
    def start(request: HttpRequest) -> HttpResponse:
        """Start the export (``kind``) of the board as filtered; off to its job page."""
        filters = board_filters(request)
        job = board_job_create(kind=kind, user=request.user, filters=filters, task=task)
        return redirect("job-detail", pk=job.pk)

    return start


board_xlsx_export = _export_view(board_xlsx.KIND, lightup_board_xlsx)
board_pdf_export = _export_view(board_pdf.KIND, lightup_board_pdf)
