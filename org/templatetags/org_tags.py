"""Template helpers of the org app.

``{% unit_options units selected %}`` renders the ``<option>`` rows of a unit filter in one
pass in Python: a group has thousands of units, and the same loop in template tags cost
seconds per page for HR at 3,262 units (every option through the template engine).
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any

from django import template
from django.db.models import QuerySet
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


# Rendered option lists by their rows (ids, depths, names), last used kept: the same list
# is asked for again and again (HR's whole group on every list page). Keyed by the rows
# read for the page, never by anything that could be stale.
_RENDERED: dict[tuple[tuple[int, int, str], ...], str] = {}
RENDERED_KEPT = 16


def _options_html(rows: tuple[tuple[int, int, str], ...]) -> str:
    """The ``<option>``s of ``rows``, none selected."""
    html = _RENDERED.pop(rows, None)
    if html is None:
        # Every name escaped in one call (no name holds a NUL: PostgreSQL text cannot).
        names = escape("\0".join(name for _pk, _depth, name in rows)).split("\0")
        indent = {depth: "· " * depth for _pk, depth, _name in rows}
        html = "".join(
            f'<option value="{pk}">{indent[depth]}{name}</option>'
            for (pk, depth, _name), name in zip(rows, names, strict=True)
        )
        while len(_RENDERED) >= RENDERED_KEPT:
            _RENDERED.pop(next(iter(_RENDERED)), None)
    _RENDERED[rows] = html  # (again) the last used
    return html


@register.simple_tag
def unit_options(units: Iterable[Any], selected: Any = None) -> SafeString:
    """``<option value="pk"[ selected]>· · name</option>`` per unit, indented by depth;
    ``selected`` is a unit, a primary key (or its text, as a query string gives it) or
    nothing. Names are escaped.

    Rows are read as plain tuples and their options kept by those rows (HR's 3,262 units
    on every list page): ``format_html`` per option and a model instance per unit once
    cost a second per page for HR on a loaded machine."""
    chosen = str(getattr(selected, "pk", selected))
    rows = tuple(
        units.values_list("pk", "depth", "name")
        if isinstance(units, QuerySet)
        else ((u.pk, u.depth, u.name) for u in units)
    )
    if not rows:
        return mark_safe("")
    html = _options_html(rows)
    if chosen.isdigit():  # an (integer) id: the one option of that value (names are escaped)
        html = html.replace(f'<option value="{chosen}">', f'<option value="{chosen}" selected>', 1)
    return mark_safe(html)  # noqa: S308 - every piece of user text is escaped above
