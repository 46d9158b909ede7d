"""Server-side SVG charts of the payout report (no script, no CDN), drawn like the
assessment's grade bars and framed by its ``svg_chart``: horizontal bars of money, each
with its amount, and where a budget is given a dark tick marking it, so "over" and
"under" read at a glance."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from assessment.charts import svg_chart

PALETTE = ("#198754", "#20c997", "#0d6efd", "#fd7e14", "#dc3545", "#6f42c1", "#6c757d")


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal
    budget: Decimal | None = None


def money_bars(bars: Sequence[Bar], *, title: str) -> SafeString:
    """One bar per row, scaled to the largest value or budget."""
    width, label_w, row, top = 560, 170, 26, 8
    plot = width - label_w - 110
    height = top * 2 + row * max(len(bars), 1)
    most = max([Decimal(1), *(b.value for b in bars), *(b.budget or 0 for b in bars)])
    parts = []
    for n, bar in enumerate(bars):
        y = top + n * row
        w = int(plot * bar.value / most)
        colour = PALETTE[n % len(PALETTE)]
        amount = number_format(bar.value, 2, force_grouping=True)
        parts.append(
            (
                label_w - 6,
                y + 16,
                bar.label[:24],
                label_w,
                y + 4,
                w,
                colour,
                label_w + w + 6,
                y + 16,
                amount,
            )
        )
    rects = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="end" font-size="12">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="16" fill="{}"></rect>'
        '<text x="{}" y="{}" font-size="11">{}</text>',
        parts,
    )
    ticks = format_html_join(
        "",
        '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#212529" stroke-width="2"></line>',
        (
            (x, x, top + n * row + 1, top + n * row + 23)
            for n, bar in enumerate(bars)
            if bar.budget is not None
            for x in (label_w + int(plot * bar.budget / most),)
        ),
    )
    return svg_chart(width, height, title, rects, ticks)
