"""The strategy map for a board pack: the same SVG the page shows, on a landscape PDF page.

svglib draws SVG text in Helvetica, which has no Chinese glyphs (a Chinese map printed
■■■): every label holding Chinese is switched to the CJK font of :mod:`spm.pdf_fonts`.
"""

from __future__ import annotations

import io
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing, Group, String
from reportlab.lib.pagesizes import A3, landscape
from reportlab.pdfgen import canvas
from svglib.svglib import svg2rlg

from spm.pdf_fonts import has_cjk, reportlab_cjk_font

PAGE_MARGIN = 28.0


def _use_cjk_font(node: Drawing | Group, font: str) -> None:
    for child in node.contents:
        if isinstance(child, Group):
            _use_cjk_font(child, font)
        elif isinstance(child, String) and has_cjk(child.text):
            child.fontName = font


def map_pdf(svg_text: str, *, title: str, generated_at: datetime) -> bytes:
    """One landscape A3 page with the map scaled to fit, titled and dated in the footer."""
    drawing = svg2rlg(io.BytesIO(svg_text.encode("utf-8")))
    if drawing is None:
        raise ValueError("the strategy map SVG could not be read")
    page_w, page_h = landscape(A3)
    room_w, room_h = page_w - 2 * PAGE_MARGIN, page_h - 3 * PAGE_MARGIN
    scale = min(room_w / drawing.width, room_h / drawing.height, 1.5)
    drawing.scale(scale, scale)
    cjk_font = reportlab_cjk_font()
    _use_cjk_font(drawing, cjk_font)
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=(page_w, page_h), pageCompression=1)
    pdf.setTitle(title)
    pdf.setAuthor("SPM")
    x = (page_w - drawing.width * scale) / 2
    y = page_h - PAGE_MARGIN - drawing.height * scale
    renderPDF.draw(drawing, pdf, x, y)
    stamp = timezone.localtime(generated_at).strftime("%Y-%m-%d %H:%M")
    footer = f"{title} · {_('Generated')} {stamp}"
    pdf.setFont(cjk_font if has_cjk(footer) else "Helvetica", 8)
    pdf.setFillGray(0.4)
    pdf.drawString(PAGE_MARGIN, PAGE_MARGIN / 2, footer)
    pdf.showPage()
    pdf.save()
    return out.getvalue()
