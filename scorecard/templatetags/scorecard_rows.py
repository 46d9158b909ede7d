"""The rows of the scorecard pages, rendered in Python: "my targets" shows an article per
goal, a scorecard a table row per item. The same HTML as the template loops they replace,
byte for byte, for a fraction of the cost: the template engine resolved some forty
variables and filters per row, each through its lookup chain, and reversed every link;
here each label is translated once a page, each link's prefix reversed once, and every
value escaped as ``{{ }}`` escapes it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.template.defaultfilters import floatformat
from django.template.defaulttags import CsrfTokenNode
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from scorecard.models import ItemKind
from scorecard.templatetags.scorecard_extras import (
    light_badge,
    line_up,
    num,
    score_note,
    scorecard_status,
    status_badge,
)
from spm.row_urls import id_url

register = template.Library()

DASH = "\u2013"  # the en dash between a range's ends


def _value(value: Any) -> str:
    """``{{ value }}``: localised, then escaped."""
    return conditional_escape(localize(value))


def _kind_labels() -> dict[str, str]:
    return {value: conditional_escape(str(label)) for value, label in ItemKind.choices}


@register.simple_tag
def target_rows(rows: Iterable[Any]) -> SafeString:
    """The goals of "my targets" (``scorecard.selectors.lines.TargetRow``), one article each."""
    e = conditional_escape
    item_url = id_url("scorecard-item")
    kinds = _kind_labels()
    weight_label, target_label = e(_("weight")), e(_("Target"))
    baseline_label, challenge_label = e(_("baseline")), e(_("challenge"))
    latest_label, to_date_label = e(_("Latest actual")), e(_("to date"))
    plan_label, score_label = e(_("plan")), e(_("Score to date"))
    none_yet, graded = e(_("none yet")), e(_("Graded on completion at the end of the period."))
    parts = []
    for row in rows:
        item, progress = row.item, row.progress
        note = e(score_note(progress.score))
        pk = item.pk
        kind = item.kind
        if kind == ItemKind.QUANTITATIVE:
            if item.polarity == "range":
                target = f"{e(num(item.range_low))} {DASH} {e(num(item.range_high))}"
            else:
                target = e(num(item.target))
            extremes = ""
            if item.baseline is not None:
                challenge = (
                    f", {challenge_label} {e(num(item.challenge))}"
                    if item.challenge is not None
                    else ""
                )
                extremes = (
                    f'<span class="small text-muted">({baseline_label} {e(num(item.baseline))}'
                    f"{challenge})</span>"
                )
            if progress.latest_month:
                month = _("month %(m)s") % {"m": _value(progress.latest_month)}
                latest = (
                    f"{e(num(progress.latest_value))} ({month}) · {to_date_label} "
                    f"{e(num(progress.value_to_date))} / {plan_label} "
                    f"{e(num(progress.plan_to_date))}"
                )
            else:
                latest = none_yet
            body = (
                f'\n      <p class="mb-1">{target_label}: <strong class="spm-target">{target} '
                f"{e(item.unit_of_measure)}</strong>\n        {extremes}</p>\n"
                f'      <p class="mb-1 small">{latest_label}: {latest}</p>\n      '
            )
        elif kind == ItemKind.MILESTONE:
            reached = _("%(done)s of %(total)s milestones reached") % {
                "done": _value(progress.milestones_done),
                "total": _value(progress.milestones_total),
            }
            body = f'\n      <p class="mb-1 small">{reached}</p>\n      '
        else:
            body = f'<p class="mb-1 small text-muted">{graded}</p>'
        light = weight = ""
        if kind != ItemKind.KEY_TASK:
            light = f" {light_badge(item.light, forecast=True)}"
            weight = f"{weight_label} {floatformat(item.weight, '-2')}"
        score = progress.score_display
        parts.append(
            f'\n<article class="spm-card mb-3" aria-labelledby="target-{pk}">\n'
            '  <div class="d-flex flex-wrap justify-content-between gap-2">\n'
            f'    <h3 class="h6 mb-1" id="target-{pk}"><a href="{item_url(pk)}">'
            f"{e(item.name)}</a>\n"
            f'      <span class="badge text-bg-light">{kinds.get(kind, e(kind))}</span>'
            f"{light}</h3>\n"
            f'    <span class="small">{weight}</span>\n'
            "  </div>\n"
            '  <div class="row g-3">\n'
            f'    <div class="col-md-6">\n      {body}\n'
            f'      <p class="mb-0 small">{score_label}: <strong title="{note}">'
            f"{'—' if score is None else _value(score)}</strong> "
            f'<span class="text-muted">· {note}</span></p>\n'
            "    </div>\n"
            f'    <div class="col-md-6">{line_up(row.line)}</div>\n'
            "  </div>\n"
            "</article>\n"
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


@register.simple_tag(takes_context=True)
def team_rows(context: Any, people: Iterable[Any]) -> SafeString:
    """The rows of a unit page's team table (``team_cards``, with ``own`` set by the view):
    each person's card (items, status) or the button that creates it, and its weights."""
    e = conditional_escape
    card_url = id_url("scorecard-detail")
    create_url = e(reverse("scorecard-create-for"))
    can_create, year = context.get("can_create"), _value(context.get("year"))
    create = (
        '\n          <form method="post" action="{url}" class="d-inline">{csrf}\n'
        '            <input type="hidden" name="employee" value="{pk}">'
        '<input type="hidden" name="year" value="{year}">\n'
        '            <button class="btn btn-outline-primary btn-sm" type="submit">'
        "{label}</button>\n"
        "          </form>\n        "
    )
    create_label = e(_("Create scorecard"))
    csrf = CsrfTokenNode().render(context) if can_create else ""
    parts = []
    for person in people:
        if person.card_id:
            items = ngettext("%(n)s item", "%(n)s items", person.card_items) % {
                "n": _value(person.card_items)
            }
            card = (
                f'<a href="{card_url(person.card_id)}">{items}</a>\n'
                f'          <span class="badge {e(status_badge(person.card_status))}">'
                f"{e(scorecard_status(person.card_status))}</span>\n        "
            )
            weight = floatformat(person.card_weight, "-2")
            danger = " text-danger" if person.card_weight != 100 else ""
        else:
            if can_create and not person.own:
                card = create.format(
                    url=create_url, csrf=csrf, pk=person.pk, year=year, label=create_label
                )
            else:
                card = '<span class="text-muted">—</span>'
            weight, danger = "—", ""
        parts.append(
            "\n    <tr>\n"
            f"      <td>{e(person.name)}</td>\n"
            f"      <td>{e(person.job_title)}</td>\n"
            f"      <td>{card}</td>\n"
            f'      <td class="text-end{danger}">{weight}</td>\n'
            "    </tr>\n  "
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


@register.simple_tag
def quantitative_rows(rows: Iterable[Any]) -> SafeString:
    """The rows of a scorecard page's quantitative table (``ItemProgress`` of each item,
    loaded by ``scorecard_items``): goal, tiers, latest actual, score, light, origin."""
    e = conditional_escape
    item_url = id_url("scorecard-item")
    cap = e(_("cap"))
    parts = []
    for row in rows:
        item = row.item
        indicator = (
            f' <span class="text-muted small">{e(item.indicator.code)}</span>'
            if item.indicator
            else ""
        )
        children = ""
        if item.child_count:
            count = ngettext("%(n)s child", "%(n)s children", item.child_count) % {
                "n": _value(item.child_count)
            }
            children = f'<span class="badge text-bg-light">{count}</span>'
        objective = (item.objective.code if item.objective else "") or "—"
        if item.polarity == "range":
            tiers = (
                f'        <td class="text-end" colspan="3">{e(num(item.range_low))} {DASH} '
                f"{e(num(item.range_high))} {e(item.unit_of_measure)}</td>\n"
            )
        else:
            tiers = (
                f'        <td class="text-end">{e(num(item.baseline))}</td>\n'
                f'        <td class="text-end fw-semibold">{e(num(item.target))} '
                f"{e(item.unit_of_measure)}</td>\n"
                f'        <td class="text-end">{e(num(item.challenge))}</td>\n'
            )
        if row.latest_month:
            month = _("M%(month)s") % {"month": _value(row.latest_month)}
            to_date = ""
            if row.plan_to_date is not None:
                to_date = _("to date %(done)s of plan %(plan)s") % {
                    "done": e(num(row.value_to_date)),
                    "plan": e(num(row.plan_to_date)),
                }
                to_date = f'<br><span class="small text-muted spm-plan-to-date">{to_date}</span>'
            latest = (
                f'{e(num(row.latest_value))} <span class="text-muted small">{month}</span>\n'
                f"          {to_date}"
            )
        else:
            latest = "—"
        score = row.score_display
        capped = (
            f' <span class="badge text-bg-light">{cap}</span>'
            if row.score is not None and row.score >= 120
            else ""
        )
        parts.append(
            "\n      <tr>\n"
            f'        <td><a href="{item_url(item.pk)}">{e(item.name)}</a>{indicator}\n'
            f"          {children}</td>\n"
            f"        <td>{e(objective)}</td>\n"
            f'        <td class="text-end">{floatformat(item.weight, "-2")}</td>\n'
            "        \n"
            f"{tiers}"
            "        \n"
            f'        <td class="text-end">{e(num(item.last_year))}</td>\n'
            f'        <td class="text-end">{latest}</td>\n'
            f'        <td class="text-end"><span title="{e(score_note(row.score))}">'
            f"{'—' if score is None else _value(score)}</span>{capped}</td>\n"
            f'        <td class="text-nowrap">{light_badge(item.light, forecast=True)}</td>\n'
            f"        <td>{_value(item.parent_owner) if item.parent_id else '—'}</td>\n"
            "      </tr>\n    "
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
