"""The board pack: the light board's items needing attention as a PDF for the monthly
meeting, written by a background job (:mod:`lightup.board_jobs`) like the XLSX export.

Chinese prints with the CJK font of :mod:`spm.pdf_fonts` (embedded when the machine has
one), and xhtml2pdf may load nothing but that font (:func:`spm.pdf_fonts.pdf_resource_policy`).
"""

from __future__ import annotations

import io
from typing import Any

from django.core.files.base import ContentFile
from django.db.models import Case, When
from django.template.loader import render_to_string
from django.utils import translation
from xhtml2pdf import pisa

from lightup import selectors
from lightup.board_jobs import board_job_inputs
from lightup.board_xlsx import board_line
from lightup.models import Colour
from spm import pdf_fonts
from spm.jobs import job_progress
from spm.models import Job

KIND = "lightup_board_pdf"
PACK_ROWS = 1000  # the board pack lists the worst items; the XLSX holds them all
CHUNK = 200


def pack_lines(user: Any, filters: selectors.BoardFilters) -> Any:
    """The lights of the pack, worst first (red, then yellow, then grey), at most
    ``PACK_ROWS``, with the details a line shows."""
    rows = selectors.with_board_details(selectors.board_rows(user, filters), filters)
    rank = Case(When(colour="red", then=0), When(colour="yellow", then=1), default=2)
    worst_first = rows.annotate(rank=rank).order_by("rank", "-red_streak", "deviation", "pk")
    return worst_first.exclude(colour="green")[:PACK_ROWS]


def board_pack_html(*, user: Any, filters: selectors.BoardFilters, lines: list[list[Any]]) -> str:
    counts = selectors.colour_counts(selectors.board_rows(user, filters))
    text = " ".join(str(v) for line in lines for v in line)
    context = {
        "filters": filters,
        "counts": [(str(label), counts[value]) for value, label in Colour.choices],
        "lines": lines,
        "limit": PACK_ROWS,
        "font": pdf_fonts.css_font_face(),
        "cjk_wrap": pdf_fonts.has_cjk(text),
        "LANGUAGE_CODE": translation.get_language() or "en",
    }
    return render_to_string("lightup/board_pack.html", context)


def html_to_pdf(html: str) -> bytes:
    buffer = io.BytesIO()
    result = pisa.CreatePDF(
        html, dest=buffer, encoding="utf-8", resource_policy=pdf_fonts.pdf_resource_policy()
    )
    if result.err:
        raise RuntimeError(f"xhtml2pdf reported {result.err} error(s)")
    return buffer.getvalue()


def board_pack_write(job: Job) -> dict[str, Any]:
    """The job's work: the board pack of the lights in its creator's scope. Progress
    counts the lines gathered; the last step (total = lines + 1) draws the PDF."""
    with board_job_inputs(job) as (filters, user):
        query = pack_lines(user, filters)
        total = query.count()
        job_progress(job, done=0, total=total + 1)
        lines: list[list[Any]] = []
        for row in query.iterator(chunk_size=CHUNK):
            lines.append(board_line(row))
            if len(lines) % CHUNK == 0:
                job_progress(job, done=len(lines))
        job_progress(job, done=len(lines))
        pdf = html_to_pdf(board_pack_html(user=user, filters=filters, lines=lines))
    filename = f"board-pack-{filters.year}-{filters.month:02d}.pdf"
    job.result_file.save(filename, ContentFile(pdf), save=False)
    return {"filename": filename, "rows": len(lines)}
