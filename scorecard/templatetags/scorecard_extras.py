"""Template helpers of the scorecard pages: status labels and badge colours."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from django import template
from django.utils.formats import localize, number_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from scorecard.models import LetterStatus, ScorecardStatus

register = template.Library()

STATUS_BADGES: dict[str, str] = {
    ScorecardStatus.DRAFT: "text-bg-secondary",
    ScorecardStatus.SIGNING: "text-bg-warning",
    ScorecardStatus.SIGNED: "text-bg-success",
}


# ``Choices.values`` builds its list anew on each use: these filters run on every row.
SCORECARD_STATUSES = frozenset(ScorecardStatus.values)
LETTER_STATUSES = frozenset(LetterStatus.values)


@register.filter
def scorecard_status(value: str | None) -> str:
    return str(ScorecardStatus(value).label) if value in SCORECARD_STATUSES else "—"


@register.filter
def status_badge(value: str | None) -> str:
    return STATUS_BADGES.get(value or "", "text-bg-light")


@register.filter
def letter_status(value: str | None) -> str:
    return str(LetterStatus(value).label) if value in LETTER_STATUSES else ""


@register.filter
def letter_state(letter: Any) -> str:
    """A letter's status in words that fit whose letter it is: a personal letter waits for
    the employee's signature, not a unit head's."""
    if letter.status == LetterStatus.AWAITING_HEAD and letter.scorecard.employee_id is not None:
        return str(_("Awaiting the employee's signature"))
    return str(LetterStatus(letter.status).label)


@register.filter
def score_note(score: Decimal | None) -> str:
    """Why a score reads as it does (the scale of DESIGN §3.1), for its tooltip: 0 and 120
    are the ends of the scale, not errors."""
    from scorecard.rules.scoring import SCORE_CAP

    if score is None:
        return str(_("No score yet: no actual counted."))
    if score <= 0:
        return str(_("0 points: the value to date is below the baseline (or the floor)."))
    if score >= SCORE_CAP:
        return str(_("120 points, the cap: the value to date reaches the challenge."))
    return str(_("60 points at the baseline, 100 at the target, 120 (the cap) at the challenge."))


@register.filter
def get(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if mapping else None


@register.filter
def num(value: Any) -> str:
    """A stored number without trailing zeros or exponent, its thousands grouped in the
    reader's locale (``64.5000`` → ``64.5``, ``75000.00`` → ``75,000``)."""
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    text = format(number.normalize(), "f")
    if text in {"-0", ""}:
        return "0"
    return number_format(Decimal(text), force_grouping=True)


LIGHT_BADGES = {
    "green": ("text-bg-success", gettext_lazy("Green")),
    "yellow": ("text-bg-warning", gettext_lazy("Yellow")),
    "red": ("text-bg-danger", gettext_lazy("Red")),
}
GREY_BADGE = ("text-bg-secondary", gettext_lazy("Grey"))


@lru_cache(maxsize=64)
def _light_parts(colour: str, language: str | None) -> tuple[SafeString, SafeString]:
    """The badge of ``colour`` and the predicted-miss badge in ``language``: fixed text,
    built once a language (their ``format_html`` and catalogue look-ups were most of the
    cost of a list row's light)."""
    badge, label = LIGHT_BADGES.get(colour, GREY_BADGE)
    return (
        format_html('<span class="badge {}" data-colour="{}">{}</span>', badge, colour, label),
        format_html(
            ' <span class="badge text-bg-light border border-danger text-danger" title="{}">'
            "{}</span>",
            _("The year-end forecast misses the target."),
            _("Predicted miss"),
        ),
    )


@register.simple_tag
def light_badge(light: Any, forecast: bool = False) -> str:
    """An item's light as a badge (colour, deviation, with ``forecast`` a predicted miss).
    A tag, not an included template: lists render it on every row (an include per row was
    the largest part of the actuals list's rendering)."""
    if not light:
        return format_html(
            '<span class="badge text-bg-light border" data-colour="">{}</span>',
            _("No status yet"),
        )
    html, miss = _light_parts(light.colour, get_language())
    deviation = light.deviation_percent
    if deviation is not None:
        html += format_html(
            ' <span class="small text-nowrap" data-deviation>{}{} %</span>',
            "+" if deviation > 0 else "",
            localize(deviation),
        )
    if forecast and light.predicted_miss:
        html += miss
    return html


@lru_cache(maxsize=8)
def _line_labels(language: str | None) -> tuple[str, str, str, str]:
    """The line's fixed words in ``language``, escaped: a line shows on every row of "my
    targets", and its look-ups were a third of the line's cost."""
    return (
        conditional_escape(_("Company objective")),
        conditional_escape(_("Objective")),
        format_html('<li class="text-warning">{}</li>', _("Not linked to an objective yet.")),
        conditional_escape(_("Line up to the company objective")),
    )


@register.simple_tag
def line_up(line: Any) -> str:
    """A goal's line up to the company objective (``scorecard.selectors.lines.Line``) as a
    list: the goals above by owner and name, then the objectives, the company's last. A
    tag, not an included template: "my targets" shows a line on every row (the includes
    were a sixth of the page's rendering). Every value is escaped as ``format_html``
    would; the words are translated once a language."""
    company, objective_label, unlinked, label = _line_labels(get_language())
    e = conditional_escape
    steps = "".join(
        f'<li><span class="text-muted">↑ {e(step.owner)}:</span> {e(step.name)}</li>'
        for step in line.steps
    )
    last = len(line.objectives) - 1
    objectives = "".join(
        f'<li><span class="text-muted">↑ {company if n == last else objective_label} · '
        f"{e(objective.owner_unit.name)}:</span> <strong>{e(objective.code)} "
        f"{e(objective.name)}</strong></li>"
        for n, objective in enumerate(line.objectives)
    )
    return mark_safe(  # noqa: S308 - the values are escaped above
        f'<ol class="spm-line list-unstyled small mb-0" aria-label="{label}">\n  {steps}\n'
        f"  {objectives}\n  {'' if line.objectives else unlinked}\n</ol>\n"
    )
