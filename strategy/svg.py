"""The strategy map as SVG, drawn from a :class:`~strategy.layout.MapLayout`.

Plain values in, a string out: the page embeds it, the SVG export serves it and the PDF
export converts it. Everything is drawn with presentation attributes and explicit
arrowheads (no CSS classes, no markers), because svglib, which turns it into the PDF,
understands neither.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from itertools import pairwise
from xml.sax.saxutils import escape, quoteattr

from django.utils.translation import gettext as _

from strategy.layout import LABEL_W, MARGIN, MapLayout, Route
from strategy.rules import GREEN, GREY, RED, YELLOW

FONT = "Helvetica, Arial, sans-serif"
HEADER_H = 44.0
LEGEND_H = 34.0
ARROW = 8.0
ARC_RISE = 34.0
INK = "#1f2933"
MUTED = "#5f6b7a"
LINK = "#55606e"
DOWNWARD = "#c2410c"
# (fill, stroke) per status; the stroke is the light colour the light board uses.
COLOURS = {
    GREEN: ("#e3f4ea", "#2e9e5b"),
    YELLOW: ("#fff4d6", "#e0a800"),
    RED: ("#fbe4e4", "#d63b3b"),
    GREY: ("#eef1f4", "#9aa4ae"),
}


@dataclass(frozen=True)
class NodeLabel:
    """What the map writes on an objective."""

    code: str
    name: str
    owner: str


def status_labels() -> dict[str, str]:
    return {
        GREEN: _("On track"),
        YELLOW: _("Warning"),
        RED: _("Off track"),
        GREY: _("No data yet"),
    }


def wrap(text: str, width: int, lines: int) -> list[str]:
    """Break ``text`` into at most ``lines`` lines of ``width`` characters, ellipsis last.

    Words stay whole where they fit; text without spaces (Chinese) breaks anywhere.
    """
    words = text.split()
    out: list[str] = []
    current = ""
    for word in words:
        while len(word) > width:
            if current:
                out.append(current)
                current = ""
            out.append(word[:width])
            word = word[width:]
        candidate = f"{current} {word}".strip()
        if len(candidate) <= width:
            current = candidate
        else:
            out.append(current)
            current = word
    if current:
        out.append(current)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: max(width - 1, 0)].rstrip() + "…"
    return out


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _path(route: Route) -> str:
    pts = list(route.points)
    (x0, y0), (xn, yn) = pts[0], pts[-1]
    if route.same_band:
        end_y = yn - ARROW
        return (
            f"M{_num(x0)},{_num(y0)} C{_num(x0)},{_num(y0 - ARC_RISE)} "
            f"{_num(xn)},{_num(yn - ARC_RISE)} {_num(xn)},{_num(end_y)}"
        )
    going_up = yn < y0
    pts[-1] = (xn, yn + ARROW if going_up else yn - ARROW)
    parts = [f"M{_num(x0)},{_num(y0)}"]
    for (xa, ya), (xb, yb) in pairwise(pts):
        mid = (ya + yb) / 2
        parts.append(f"C{_num(xa)},{_num(mid)} {_num(xb)},{_num(mid)} {_num(xb)},{_num(yb)}")
    return " ".join(parts)


def _arrowhead(route: Route) -> str:
    y0 = route.points[0][1]
    xn, yn = route.points[-1]
    up = not route.same_band and yn < y0
    base = yn + ARROW if up else yn - ARROW
    return (
        f"{_num(xn)},{_num(yn)} {_num(xn - ARROW / 2)},{_num(base)} "
        f"{_num(xn + ARROW / 2)},{_num(base)}"
    )


def _text(
    x: float,
    y: float,
    text: str,
    *,
    size: float,
    weight: str = "normal",
    fill: str = INK,
    anchor: str = "start",
) -> str:
    return (
        f'<text x="{_num(x)}" y="{_num(y)}" font-family="{FONT}" font-size="{_num(size)}" '
        f'font-weight="{weight}" fill="{fill}" text-anchor="{anchor}">{escape(text)}</text>'
    )


def render_map(
    layout: MapLayout,
    *,
    band_names: Mapping[int, str],
    labels: Mapping[int, NodeLabel],
    statuses: Mapping[int, str],
    downward: frozenset[tuple[int, int]] = frozenset(),
    title: str = "",
    link_for: Callable[[int], str] | None = None,
    target: str = "#objective-detail",
) -> str:
    """The map as an SVG document.

    ``link_for`` makes each objective a link (and an HTMX request into ``target``), for
    the page; exports leave it out. ``downward`` links are drawn dashed in orange.
    """
    top = HEADER_H if title else 0.0
    width, height = layout.width, top + layout.height + LEGEND_H
    # role="group", not "img": the objectives inside are links, and an image holding
    # controls hides them from assistive technology (axe: nested-interactive).
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_num(width)} {_num(height)}" '
        f'width="{_num(width)}" height="{_num(height)}" role="group" '
        f"aria-label={quoteattr(_('Strategy map') + (': ' + title if title else ''))}>",
        f'<rect x="0" y="0" width="{_num(width)}" height="{_num(height)}" fill="#ffffff"/>',
    ]
    if title:
        out.append(_text(MARGIN, 28, title, size=18, weight="bold"))
    out.append(f'<g transform="translate(0,{_num(top)})">')
    for band in layout.bands:
        fill = "#f3f6f9" if band.index % 2 == 0 else "#fafbfc"
        out.append(
            f'<rect x="{_num(MARGIN)}" y="{_num(band.y)}" width="{_num(width - 2 * MARGIN)}" '
            f'height="{_num(band.height)}" fill="{fill}" stroke="#dde3ea" stroke-width="1"/>'
        )
        name_lines = wrap(band_names.get(band.key, ""), 18, 3)
        first = band.y + band.height / 2 - (len(name_lines) - 1) * 8 + 4
        for i, line in enumerate(name_lines):
            out.append(_text(MARGIN + 10, first + i * 16, line, size=13, weight="bold", fill=MUTED))
    out.append(
        f'<line x1="{_num(LABEL_W)}" y1="{_num(MARGIN)}" x2="{_num(LABEL_W)}" '
        f'y2="{_num(layout.height - MARGIN)}" stroke="#dde3ea" stroke-width="1"/>'
    )
    for route in layout.routes:
        is_down = (route.cause, route.effect) in downward
        colour = DOWNWARD if is_down else LINK
        dash = ' stroke-dasharray="6,4"' if is_down else ""
        out.append(
            f'<g data-link="{route.cause}-{route.effect}"><path d="{_path(route)}" fill="none" '
            f'stroke="{colour}" stroke-width="1.6"{dash}/>'
            f'<polygon points="{_arrowhead(route)}" fill="{colour}"/></g>'
        )
    for pk, box in layout.boxes.items():
        label = labels.get(pk, NodeLabel("", "", ""))
        status = statuses.get(pk, GREY)
        fill, stroke = COLOURS.get(status, COLOURS[GREY])
        node = [
            f'<rect x="{_num(box.x)}" y="{_num(box.y)}" width="{_num(box.width)}" '
            f'height="{_num(box.height)}" rx="8" ry="8" fill="{fill}" stroke="{stroke}" '
            f'stroke-width="2"/>',
            f'<circle cx="{_num(box.x + box.width - 12)}" cy="{_num(box.y + 12)}" r="5" '
            f'fill="{stroke}"/>',
            _text(box.x + 9, box.y + 15, label.code, size=10, weight="bold", fill=MUTED),
        ]
        for i, line in enumerate(wrap(label.name, 27, 2)):
            node.append(_text(box.x + 9, box.y + 30 + i * 13, line, size=11, weight="bold"))
        node.append(
            _text(
                box.x + 9,
                box.y + box.height - 7,
                wrap(label.owner, 30, 1)[0] if label.owner else "",
                size=9,
                fill=MUTED,
            )
        )
        tooltip = (
            f"<title>{escape(f'{label.code} {label.name} — {status_labels()[status]}')}</title>"
        )
        if link_for is not None:
            url = quoteattr(link_for(pk))
            out.append(
                f'<a href={url} hx-get={url} hx-target="{target}" hx-swap="innerHTML" '
                f'class="spm-map-node" data-objective="{pk}" data-status="{status}">'
                f"{tooltip}{''.join(node)}</a>"
            )
        else:
            out.append(
                f'<g data-objective="{pk}" data-status="{status}">{tooltip}{"".join(node)}</g>'
            )
    out.append("</g>")
    legend_y = top + layout.height + 12
    x = MARGIN
    for status, text in status_labels().items():
        fill, stroke = COLOURS[status]
        out.append(f'<circle cx="{_num(x + 6)}" cy="{_num(legend_y)}" r="6" fill="{stroke}"/>')
        out.append(_text(x + 16, legend_y + 4, text, size=11, fill=MUTED))
        x += 24 + 7 * len(text)
    out.append(
        f'<line x1="{_num(x + 8)}" y1="{_num(legend_y)}" x2="{_num(x + 36)}" y2="{_num(legend_y)}" '
        f'stroke="{DOWNWARD}" stroke-width="1.6" stroke-dasharray="6,4"/>'
    )
    out.append(
        _text(x + 42, legend_y + 4, _("Link running down the perspectives"), size=11, fill=MUTED)
    )
    out.append("</svg>")
    return "".join(out)
