"""Responsibility letters as PDF, through xhtml2pdf, with Chinese text that renders.

xhtml2pdf draws with ReportLab, whose built-in fonts have no CJK glyphs. The letter therefore
names the CJK font of :mod:`spm.pdf_fonts` first (the machine's TrueType CJK font,
embedded, or ReportLab's standard CID font ``STSong-Light``).
"""

from __future__ import annotations

import io
import json
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from xhtml2pdf import pisa

from scorecard.models import ResponsibilityLetter
from scorecard.selectors.letters import letter_content
from spm.pdf_fonts import CJK_TEXT, css_font_face, pdf_resource_policy


class LetterPdfError(RuntimeError):
    """xhtml2pdf could not lay the letter out."""


def letter_html_for_pdf(letter: ResponsibilityLetter, language: str | None = None) -> str:
    context: dict[str, Any] = {
        "letter": letter,
        "content": letter_content(letter),
        "font": css_font_face(),
        # ReportLab wraps Chinese only in its CJK mode, which also breaks Latin words
        # anywhere: use it when the letter holds Chinese text.
        "cjk_wrap": bool(CJK_TEXT.search(json.dumps(letter.snapshot, ensure_ascii=False))),
    }
    with translation.override(language or translation.get_language()):
        return render_to_string("scorecard/letters/letter_pdf.html", context)


def letter_pdf(letter: ResponsibilityLetter, language: str | None = None) -> bytes:
    """The letter version as a PDF document."""
    html = letter_html_for_pdf(letter, language)
    buffer = io.BytesIO()
    result = pisa.CreatePDF(
        html, dest=buffer, encoding="utf-8", resource_policy=pdf_resource_policy()
    )
    if result.err:
        raise LetterPdfError(f"xhtml2pdf reported {result.err} error(s)")
    return buffer.getvalue()
