"""The strategy-map PDF prints Chinese with a CJK font, as the letter PDF does."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from spm import pdf_fonts
from strategy.export import map_pdf

SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="120" viewBox="0 0 400 120">'
    '<text x="10" y="30" font-family="sans-serif" font-size="14">提升新能源装机容量</text>'
    '<text x="10" y="60" font-family="sans-serif" font-size="14">F1 Revenue</text>'
    "</svg>"
)


@pytest.mark.parametrize("font_on_machine", [True, False])
def test_chinese_labels_and_title_use_a_cjk_font(monkeypatch: Any, font_on_machine: bool) -> None:
    if not font_on_machine:
        monkeypatch.setattr(pdf_fonts, "CJK_FONT_FILES", ())
    pdf_fonts.cjk_font_file.cache_clear()
    try:
        pdf = map_pdf(SVG, title="战略地图", generated_at=datetime(2026, 11, 30, tzinfo=UTC))
        embedded = pdf_fonts.cjk_font_file() is not None
    finally:
        pdf_fonts.cjk_font_file.cache_clear()
    assert pdf.startswith(b"%PDF")
    if embedded:
        assert b"/FontFile2" in pdf
    else:
        assert pdf_fonts.CID_FONT.encode() in pdf
    assert b"Helvetica" in pdf  # Latin labels keep the Latin face


def test_a_latin_only_map_needs_no_cjk_font_in_the_page() -> None:
    svg = SVG.replace("提升新能源装机容量", "Grow capacity")
    pdf = map_pdf(svg, title="Strategy map", generated_at=datetime(2026, 11, 30, tzinfo=UTC))
    assert pdf_fonts.CID_FONT.encode() not in pdf and b"/FontFile2" not in pdf
