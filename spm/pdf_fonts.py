"""A font with Chinese glyphs for every PDF the app draws (letters, the strategy map).

ReportLab's built-in fonts (Helvetica, Times) have no CJK glyphs, so Chinese text printed
as ■■■. The PDFs therefore use:

- a TrueType CJK font found on the machine (WenQuanYi, AR PL, Droid Sans Fallback, Noto
  Sans SC — e.g. Debian's ``fonts-wqy-microhei``, installed by the Dockerfile), embedded
  and subset to the characters used, so the PDF shows the same everywhere;
- otherwise ReportLab's standard CID font ``STSong-Light`` (Adobe-GB1), named without
  embedding: every PDF reader with Asian font support draws it with its own Song face.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from xhtml2pdf.config.resources import ResourceAccessPolicy

CID_FONT = "STSong-Light"
TTF_FONT = "SPM-CJK"  # the name a machine's TrueType CJK font is registered under
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


@lru_cache(maxsize=1)
def cjk_font_file() -> str | None:
    """The first CJK TrueType font on this machine, or ``None``."""
    for candidate in CJK_FONT_FILES:
        if Path(candidate).is_file():
            return candidate
    return None


def reportlab_cjk_font() -> str:
    """Register the CJK font with ReportLab (once) and return its font name."""
    path = cjk_font_file()
    name = TTF_FONT if path else CID_FONT
    if name not in pdfmetrics.getRegisteredFontNames():
        font = TTFont(TTF_FONT, path, subfontIndex=0) if path else UnicodeCIDFont(CID_FONT)
        pdfmetrics.registerFont(font)
    return name


def has_cjk(text: str) -> bool:
    return CJK_TEXT.search(text) is not None


def css_font_face() -> dict[str, str]:
    """For an HTML page xhtml2pdf draws: ``family`` to name in CSS and ``src`` for an
    ``@font-face`` rule (empty for the CID font, which needs no file)."""
    path = cjk_font_file()
    if path is None:
        return {"family": CID_FONT, "src": ""}
    return {"family": "SPMCJK", "src": path}


def pdf_resource_policy() -> ResourceAccessPolicy:
    """What xhtml2pdf may load: nothing from the network; locally, only the font's
    directory (a PDF holds text users typed, which must not pull in any other file)."""
    path = cjk_font_file()
    return ResourceAccessPolicy.server(
        base_dir=Path(path).parent if path else None,
        allow_remote=False,
        max_local_bytes=64 * 1024 * 1024,
        max_total_bytes=64 * 1024 * 1024,
    )
