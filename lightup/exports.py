"""The light board as XLSX and as a PDF board pack for the monthly meeting."""

from __future__ import annotations

import io
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Case, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST
from xhtml2pdf import pisa
from xhtml2pdf.config.resources import ResourceAccessPolicy

from lightup import selectors
from lightup.board_xlsx import board_line, board_xlsx_job_create
from lightup.models import Colour
from lightup.tasks import lightup_board_xlsx
from lightup.views import board_filters

PACK_ROWS = 1000  # the board pack lists the worst items; the XLSX holds them all
# Same font search as the responsibility letter PDF (scorecard/pdf.py): embed a CJK
# TrueType font when the machine has one, else name ReportLab's standard CID font.
CID_FONT = "STSong-Light"
CJK_FONT_FILES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansSC-Regular.ttf",
)
CJK_TEXT = re.compile("[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")


def _rows(request: HttpRequest) -> tuple[selectors.BoardFilters, Any]:
    filters = board_filters(request)
    rows = selectors.with_board_details(selectors.board_rows(request.user, filters), filters)
    return filters, rows


@login_required
@require_POST
def board_xlsx(request: HttpRequest) -> HttpResponse:
    """Start the XLSX export of the board as filtered (a job: the page shows its progress
    and then offers the file)."""
    job = board_xlsx_job_create(
        user=request.user, filters=board_filters(request), task=lightup_board_xlsx
    )
    return redirect("job-detail", pk=job.pk)


@lru_cache(maxsize=1)
def cjk_font_file() -> str | None:
    return next((f for f in CJK_FONT_FILES if Path(f).is_file()), None)


def _policy() -> ResourceAccessPolicy:
    path = cjk_font_file()
    return ResourceAccessPolicy.server(
        base_dir=Path(path).parent if path else None,
        allow_remote=False,
        max_local_bytes=64 * 1024 * 1024,
        max_total_bytes=64 * 1024 * 1024,
    )


def board_pack_html(request: HttpRequest) -> str:
    filters, rows = _rows(request)
    counts = selectors.colour_counts(selectors.board_rows(request.user, filters))
    rank = Case(When(colour="red", then=0), When(colour="yellow", then=1), default=2)
    worst_first = rows.annotate(rank=rank).order_by("rank", "-red_streak", "deviation", "pk")
    lines = [board_line(row) for row in worst_first.exclude(colour="green")[:PACK_ROWS]]
    path = cjk_font_file()
    text = " ".join(str(v) for line in lines for v in line)
    context = {
        "filters": filters,
        "counts": [(str(label), counts[value]) for value, label in Colour.choices],
        "lines": lines,
        "limit": PACK_ROWS,
        "font": {"family": "SPMCJK", "src": path} if path else {"family": CID_FONT, "src": ""},
        "cjk_wrap": bool(CJK_TEXT.search(text)),
    }
    return render_to_string("lightup/board_pack.html", context, request=request)


@login_required
def board_pack_pdf(request: HttpRequest) -> HttpResponse:
    html = board_pack_html(request)
    buffer = io.BytesIO()
    result = pisa.CreatePDF(html, dest=buffer, encoding="utf-8", resource_policy=_policy())
    if result.err:
        raise RuntimeError(f"xhtml2pdf reported {result.err} error(s)")
    filters = board_filters(request)
    response = HttpResponse(buffer.getvalue(), content_type="application/pdf")
    name = f"board-pack-{filters.year}-{filters.month:02d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


board_pdf = board_pack_pdf
