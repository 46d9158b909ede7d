"""List rows rendered in Python: the actuals list's and the scorecard list's table rows.

Each gives the markup its template loop gave, byte for byte, every value escaped (and
localised) as the template did: the loops through the template engine, with a ``{% url %}``
or two and some fifteen variables a row, were a third or more of those pages' CPU."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any

from django.template.defaultfilters import floatformat
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from scorecard.selectors.actuals import EntryRow
from scorecard.templatetags.scorecard_extras import (
    letter_status,
    light_badge,
    num,
    scorecard_status,
    status_badge,
)
from spm.row_urls import id_url

STATUS_BADGES = {"approved": "text-bg-success", "rejected": "text-bg-danger"}


def actual_rows_html(rows: Iterable[EntryRow], month: int, *, may_enter: bool) -> SafeString:
    """The actuals list's table rows (``_actual_rows.html``), rendered in Python: the same
    markup the template loop gave, every value escaped as the template escaped it. The loop
    through the template engine (some twenty variables, two ``{% url %}`` a row) was most
    of the page's CPU."""
    missing, edit, enter, history = _("Missing"), _("Edit"), _("Enter"), _("History")
    edit_url = id_url("actual-edit", month)
    history_url = id_url("actual-history")
    out = []
    for row in rows:
        actual = row.actual
        if actual is not None:
            value = escape(num(actual.value))
            status = (
                f'<span class="badge {STATUS_BADGES.get(actual.status, "text-bg-light")}">'
                f"{escape(actual.status_label)}</span>"
            )
            who = escape(actual.entered_by) or "—"
        else:
            value = '<span class="text-muted">—</span>'
            status = f'<span class="badge text-bg-secondary">{escape(missing)}</span>'
            who = "—"
        action = (
            f'<a class="btn btn-sm btn-primary" href="{edit_url(row.pk)}">'
            f"{escape(edit if actual is not None else enter)}</a>"
            if may_enter and row.can_enter
            else ""
        )
        out.append(
            "\n    <tr>\n"
            f"      <td>{escape(row.owner)}</td>\n"
            f"      <td>{escape(row.name)}</td>\n"
            f"      <td>{escape(num(row.target))} {escape(row.unit_of_measure)}</td>\n"
            f"      <td>{value}</td>\n"
            f"      <td>{status}</td>\n"
            f'      <td class="text-nowrap">{light_badge(row.light, forecast=True)}</td>\n'
            f"      <td>{who}</td>\n"
            '      <td class="text-end text-nowrap">\n'
            f"        {action}\n"
            f'        <a class="btn btn-sm btn-outline-secondary" href="{history_url(row.pk)}">'
            f"{escape(history)}</a>\n"
            "      </td>\n"
            "    </tr>\n  "
        )
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped or a number


def scorecard_rows_html(cards: Iterable[Any]) -> SafeString:
    """One row per card (of ``with_summary``): the markup the template loop gave, every value
    escaped and localised as the template did. The loop through the template engine (a
    ``{% url %}`` and some fifteen variables a row) was a third of the page's CPU."""
    unit_badge = f'<span class="badge text-bg-light">{escape(_("unit"))}</span>'
    card_url = id_url("scorecard-detail")
    out = []
    for card in cards:
        employee = card.employee
        unit = escape(card.unit.name)
        weights = card.weight_total
        out.append(
            "\n    <tr>\n"
            f'      <td><a href="{card_url(card.pk)}">'
            f"{unit if employee is None else escape(employee.name)}</a>\n"
            f"        {'' if employee is not None else unit_badge}</td>\n"
            f"      <td>{unit}</td>\n"
            f"      <td>{escape(str(localize(card.year)))}</td>\n"
            f'      <td class="text-end">{escape(str(localize(card.item_count)))}</td>\n'
            f'      <td class="text-end{" text-danger" if weights != 100 else ""}">'
            f"{floatformat(weights, '-2')}</td>\n"
            f'      <td><span class="badge {escape(status_badge(card.status))}">'
            f"{escape(scorecard_status(card.status))}</span></td>\n"
            f"      <td>{escape(letter_status(card.letter_status) or '—')}</td>\n"
            "    </tr>\n  "
        )
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped or a number
