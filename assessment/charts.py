"""Server-side SVG charts (no script, no CDN): the grade distribution as bars."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from assessment.models import Grade

COLOURS = {
    Grade.EXCELLENT: "#198754",
    Grade.GOOD: "#20c997",
    Grade.QUALIFIED: "#0d6efd",
    Grade.BASIC: "#fd7e14",
    Grade.UNQUALIFIED: "#dc3545",
}


def svg_chart(width: int, height: int, title: str, *parts: SafeString) -> SafeString:
    """An accessible SVG of ``width`` x ``height`` (scaled to its box) holding ``parts``;
    ``title`` names it for screen readers and as its tooltip."""
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="100%" '
        'role="img" aria-label="{}"><title>{}</title>{}</svg>',
        width,
        height,
        title,
        title,
        format_html_join("", "{}", ((part,) for part in parts)),
    )


def grade_bars(
    counts: Mapping[str, int], *, title: str, limit_excellent: int | None = None
) -> SafeString:
    """Bars per grade with their counts; a dashed line marks the allowed excellent count."""
    width, height, bar, gap, top, bottom = 360, 180, 48, 20, 20, 36
    most = max([*counts.values(), limit_excellent or 0, 1])
    scale = (height - top - bottom) / most
    bars = []
    for index, (grade, label) in enumerate(Grade.choices):
        n = counts.get(grade, 0)
        x = gap + index * (bar + gap)
        h = round(n * scale)
        y = height - bottom - h
        bars.append(
            (x, y, bar, h, COLOURS[Grade(grade)], x + bar // 2, y - 4, n, height - 18, label)
        )
    rects = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>'
        '<text x="{}" y="{}" text-anchor="middle" font-size="12">{}</text>'
        '<text x="{}" y="{}" text-anchor="middle" font-size="10">{}</text>',
        (
            (x, y, w, h, c, cx, ty, n, cx, ly, str(lab))
            for x, y, w, h, c, cx, ty, n, ly, lab in bars
        ),
    )
    limit = SafeString("")
    if limit_excellent is not None:
        ly = height - bottom - round(limit_excellent * scale)
        limit = format_html(
            '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#198754" stroke-dasharray="4 3"></line>',
            gap - 6,
            gap + bar + 6,
            ly,
            ly,
        )
    return svg_chart(width, height, title, rects, limit)
