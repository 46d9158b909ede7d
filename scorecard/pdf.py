"""Responsibility letters as PDF, through xhtml2pdf, with Chinese text that renders.

xhtml2pdf draws with ReportLab, whose built-in fonts have no CJK glyphs. The letter therefore
names a CJK font first:

- a TrueType CJK font found on the machine (WenQuanYi, AR PL, Droid Sans Fallback — e.g.
  Debian's ``fonts-wqy-microhei``) is embedded, subset to the characters used, so the PDF
  shows the same everywhere;
- otherwise ReportLab's standard CID font ``STSong-Light`` (Adobe-GB1) is named without
  embedding: every PDF reader with Asian font support — Acrobat, Chrome's and Firefox's
  viewers, Poppler with ``poppler-data`` — draws it with its own Song face.
"""

from __future__ import annotations

import io
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from xhtml2pdf import pisa
from xhtml2pdf.config.resources import ResourceAccessPolicy

from scorecard.models import ResponsibilityLetter
from scorecard.selectors.letters import letter_content

CID_FONT = "STSong-Light"
CJK_FONT_FILES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansSC-Regular.ttf",
    "/Library/Fonts/Arial Unicode.ttf",
    "C:/Windows/Fonts/simsun.ttc",
)


# CJK ideographs, punctuation and full-width forms.
CJK_TEXT = re.compile("[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")


class LetterPdfError(RuntimeError):
    """xhtml2pdf could not lay the letter out."""


@lru_cache(maxsize=1)
def cjk_font_file() -> str | None:
    """The first CJK TrueType font on this machine, or ``None``."""
    for candidate in CJK_FONT_FILES:
        if Path(candidate).is_file():
            return candidate
    return None


def font_face() -> dict[str, str]:
    """``family`` to name in CSS and ``src`` for an ``@font-face`` rule (empty for CID)."""
    path = cjk_font_file()
    if path is None:
        return {"family": CID_FONT, "src": ""}
    return {"family": "SPMCJK", "src": path}


def _policy() -> ResourceAccessPolicy:
    """Nothing from the network; locally, only the font's directory (a letter holds text
    that users typed, so it must not be able to pull in any other file)."""
    path = cjk_font_file()
    return ResourceAccessPolicy.server(
        base_dir=Path(path).parent if path else None,
        allow_remote=False,
        max_local_bytes=64 * 1024 * 1024,
        max_total_bytes=64 * 1024 * 1024,
    )


def letter_html_for_pdf(letter: ResponsibilityLetter, language: str | None = None) -> str:
    context: dict[str, Any] = {
        "letter": letter,
        "content": letter_content(letter),
        "font": font_face(),
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
    result = pisa.CreatePDF(html, dest=buffer, encoding="utf-8", resource_policy=_policy())
    if result.err:
        raise LetterPdfError(f"xhtml2pdf reported {result.err} error(s)")
    return buffer.getvalue()
