"""An item's chart, drawn by the app as SVG (no chart library, nothing from a CDN).

Plan to date and actual to date month by month, the year-end forecast as a dashed line
from the latest actual to December, and a band of the monthly colours along the bottom.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 56
FILL = {"green": "#198754", "yellow": "#ffc107", "red": "#dc3545", "grey": "#adb5bd"}


@dataclass(frozen=True)
class ChartData:
    plan: Sequence[Decimal | None]  # 12 values, plan to date per month
    actual: Sequence[Decimal | None]  # 12 values, actual to date per month
    colours: Sequence[str | None]  # 12 colours (None: not computed)
    forecast: Decimal | None = None
    labels: tuple[str, str, str] = ("plan to date", "actual to date", "forecast")


def _fmt(value: Decimal) -> str:
    text = f"{value:,.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def item_chart_svg(data: ChartData, title: str = "") -> str:
    values = [v for v in (*data.plan, *data.actual) if v is not None]
    if data.forecast is not None:
        values.append(data.forecast)
    low = min([Decimal(0), *values])
    high = max([Decimal(1), *values])
    if high == low:
        high = low + 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(month: int) -> float:
        return LEFT + plot_w * (month - 0.5) / 12

    def y(value: Decimal) -> float:
        return TOP + plot_h * float((high - value) / (high - low))

    label = escape(title, {'"': "&quot;"})
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-label="{label}" class="lightup-chart">',
        f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" '
        'fill="#fff" stroke="#dee2e6"/>',
    ]
    for tick in range(5):
        value = low + (high - low) * tick / 4
        parts.append(
            f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
            f'stroke="#f1f3f5"/><text x="{LEFT - 4}" y="{y(value) + 4:.1f}" font-size="10" '
            f'text-anchor="end">{_fmt(value)}</text>'
        )
    for month in range(1, 13):
        colour = data.colours[month - 1]
        parts.append(
            f'<rect x="{x(month) - plot_w / 28:.1f}" y="{TOP + plot_h + 8}" '
            f'width="{plot_w / 14:.1f}" '
            f'height="10" fill="{FILL.get(colour or "", "#f8f9fa")}" data-month="{month}" '
            f'data-colour="{colour or ""}"><title>{month}: {colour or "-"}</title></rect>'
            f'<text x="{x(month):.1f}" y="{TOP + plot_h + 32}" font-size="10" '
            f'text-anchor="middle">{month}</text>'
        )
    parts.append(_line(data.plan, x, y, "#0d6efd", "plan"))
    parts.append(_line(data.actual, x, y, "#212529", "actual"))
    last = max((m for m in range(1, 13) if data.actual[m - 1] is not None), default=None)
    if data.forecast is not None and last is not None:
        start = data.actual[last - 1]
        assert start is not None
        parts.append(
            f'<line class="forecast" x1="{x(last):.1f}" y1="{y(start):.1f}" x2="{x(12):.1f}" '
            f'y2="{y(data.forecast):.1f}" stroke="#6f42c1" stroke-dasharray="5 4" '
            'stroke-width="2"/>'
            f'<circle cx="{x(12):.1f}" cy="{y(data.forecast):.1f}" r="4" fill="#6f42c1">'
            f"<title>{escape(data.labels[2])}: {_fmt(data.forecast)}</title></circle>"
        )
    legend = zip(data.labels, ("#0d6efd", "#212529", "#6f42c1"), strict=True)
    for n, (label, stroke) in enumerate(legend):
        lx = LEFT + n * 150
        parts.append(
            f'<line x1="{lx}" x2="{lx + 18}" y1="{HEIGHT - 8}" y2="{HEIGHT - 8}" stroke="{stroke}" '
            f'stroke-width="2"/><text x="{lx + 22}" y="{HEIGHT - 4}" font-size="11">'
            f"{escape(label)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _line(
    values: Sequence[Decimal | None],
    x: Callable[[int], float],
    y: Callable[[Decimal], float],
    stroke: str,
    name: str,
) -> str:
    points = [(m, v) for m, v in enumerate(values, start=1) if v is not None]
    if not points:
        return ""
    coords = " ".join(f"{x(m):.1f},{y(v):.1f}" for m, v in points)
    dots = "".join(
        f'<circle cx="{x(m):.1f}" cy="{y(v):.1f}" r="3" fill="{stroke}">'
        f"<title>{m}: {_fmt(v)}</title></circle>"
        for m, v in points
    )
    return (
        f'<polyline class="{name}" points="{coords}" fill="none" stroke="{stroke}" '
        f'stroke-width="2"/>{dots}'
    )
