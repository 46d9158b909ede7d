"""The light board's list rows written in one Python pass.

A page holds 100 lights of ten cells each; in the template language (an include per light,
translations and filters per row) the rows cost most of the page's CPU. This writes the
same markup as the template did: every name escaped, numbers through Django's own
``localize`` and ``floatformat``, the fixed labels translated once per page.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from lightup.models import Colour


def _number(value: Any) -> str:
    """``value|default_if_none:""|floatformat:"-2"``."""
    return str(floatformat("" if value is None else value, "-2"))


def list_body_html(rows: Iterable[Any]) -> SafeString:
    """The ``<tbody>`` rows of a page of lights (``LightStatus`` with item, scorecard, unit,
    employee and perspective read along, and ``change`` set), a group header per unit."""
    labels = {value: escape(label) for value, label in Colour.choices}
    unit_card = escape(gettext("Unit scorecard"))
    missing = f' <span class="small">{escape(gettext("actual missing"))}</span>'
    predicted = f' <span class="badge text-bg-warning">{escape(gettext("predicted miss"))}</span>'
    changes = {
        "worse": f'<span class="text-danger" title="{escape(gettext("worse than last month"))}">'
        f"▼ {escape(gettext('worse'))}</span>",
        "better": f'<span class="text-success">▲ {escape(gettext("better"))}</span>',
        "same": '<span class="text-body-secondary">=</span>',
    }
    out: list[str] = []
    unit_before: object = object()
    for row in rows:
        item = row.item
        card = item.scorecard
        unit_name = escape(card.unit.name)
        if card.unit_id != unit_before:
            unit_before = card.unit_id
            out.append(
                f'<tr class="table-light"><th colspan="10" scope="rowgroup">{unit_name}</th></tr>'
            )
        owner = escape(card.employee.name) if card.employee else unit_card
        objective = item.objective
        perspective = objective.perspective if objective is not None else None
        perspective_name = escape(perspective.name) if perspective is not None else ""
        colour = row.colour or ""
        label = labels.get(colour) or escape(colour)
        deviation = row.deviation_percent
        out.append(
            f'<tr data-item="{row.item_id:d}" data-colour="{escape(colour)}">'
            f'<td class="small text-body-secondary">{unit_name}</td>'
            f"<td>{owner}</td>"
            f'<td><a href="{reverse("lightup-item", args=[row.item_id])}?year={row.year:d}'
            f'&amp;month={row.month:d}">{escape(item.name)}</a></td>'
            f'<td class="small">{perspective_name}</td>'
            f'<td><span class="lightup-dot lightup-{escape(colour or "none")}"'
            f' data-colour="{escape(colour)}" title="{label}" aria-label="{label}"></span>'
            f"{missing if row.missing else ''}</td>"
            f'<td class="text-end">{"" if deviation is None else f"{localize(deviation)} %"}</td>'
            f'<td class="text-end">{_number(row.plan_to_date)}</td>'
            f'<td class="text-end">{_number(row.actual_to_date)}</td>'
            f'<td class="text-end">{_number(row.forecast)}'
            f"{predicted if row.predicted_miss else ''}</td>"
            f"<td>{changes.get(getattr(row, 'change', ''), '')}</td>"
            "</tr>"
        )
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped or a number
