"""Who hears about an item's light, and what they read (in their own language).

- yellow or red: a warning to the item's owner — the employee of an employee scorecard,
  the head of the unit for a unit scorecard;
- grey because the month's actual is late: a reminder to the owner;
- red ``escalate_after_reds`` months running: an escalation to the head of the parent
  unit (for an employee's item, the head of the employee's unit — or of the unit above
  when the employee heads it).

Each message carries a dedupe key (item, month, kind): sent once, by the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from lightup import rules
from notifications.messages import register_message
from notifications.services import Message

WARNING = "lightup.warning"
REMINDER = "lightup.reminder"
ESCALATION = "lightup.escalation"


def owner_of(row: Mapping[str, Any]) -> int | None:
    """The user who owns an item (its employee, else its unit's head)."""
    if row["scorecard__employee__user_id"] is not None:
        return int(row["scorecard__employee__user_id"])
    head = row["scorecard__unit__head__user_id"]
    return int(head) if head is not None else None


def escalation_target(row: Mapping[str, Any]) -> int | None:
    """The head one level above the item's owner."""
    owner = owner_of(row)
    if row["scorecard__employee__user_id"] is not None:
        head = row["scorecard__unit__head__user_id"]
        if head is not None and head != owner:
            return int(head)
    parent_head = row["scorecard__unit__parent__head__user_id"]
    if parent_head is not None and parent_head != owner:
        return int(parent_head)
    return None


def _percent(d: Decimal | None) -> str:
    return "" if d is None else f"{(d * 100).quantize(Decimal('0.1'))}"


def messages_for(
    row: Mapping[str, Any],
    light: rules.Light,
    red_streak: int,
    *,
    year: int,
    month: int,
    thresholds: rules.Thresholds,
) -> list[Message]:
    """The notifications one item's light of one month calls for."""
    owner = owner_of(row)
    warn = owner is not None and light.colour in (rules.YELLOW, rules.RED)
    remind = owner is not None and light.missing
    target = escalation_target(row) if rules.escalates(red_streak, thresholds) else None
    if not (warn or remind or target):
        return []  # most items: nothing to say, nothing to build
    link = reverse("lightup-item", args=[row["pk"]]) + f"?year={year}&month={month}"
    params = {
        "item": row["name"],
        "owner": row["scorecard__employee__name"] or row["scorecard__unit__name"],
        "year": year,
        "month": month,
        "colour": light.colour,
        "deviation": _percent(light.deviation),
        "streak": red_streak,
    }
    key = f"lightup:{row['pk']}:{year}-{month:02d}"
    found: list[Message] = []
    if warn and owner is not None:
        found.append(Message(owner, WARNING, params, link, f"{key}:warning"))
    if remind and owner is not None:
        found.append(Message(owner, REMINDER, params, link, f"{key}:reminder"))
    if target is not None:
        found.append(Message(target, ESCALATION, params, link, f"{key}:escalation"))
    return found


def colour_label(colour: str) -> str:
    return {
        rules.GREEN: _("green"),
        rules.YELLOW: _("yellow"),
        rules.RED: _("red"),
        rules.GREY: _("grey"),
    }.get(colour, colour)


def _warning(params: Mapping[str, Any]) -> tuple[str, str]:
    values = {**params, "colour": colour_label(str(params.get("colour", "")))}
    subject = _("%(item)s is %(colour)s for %(year)s-%(month)02d") % values
    if values.get("deviation"):
        body = _("%(owner)s: %(item)s is %(deviation)s %% against the plan to date.") % values
    else:
        body = _("%(owner)s: %(item)s has milestones due or overdue.") % values
    return subject, body


def _reminder(params: Mapping[str, Any]) -> tuple[str, str]:
    subject = _("Actual missing: %(item)s, %(year)s-%(month)02d") % params
    body = (
        _(
            "The actual of %(item)s for %(year)s-%(month)02d has not been entered. "
            "Please enter it so the item can be assessed."
        )
        % params
    )
    return subject, body


def _escalation(params: Mapping[str, Any]) -> tuple[str, str]:
    subject = _("Escalation: %(item)s (%(owner)s) red %(streak)s months running") % params
    body = (
        _(
            "%(owner)s: %(item)s has been red for %(streak)s months in a row "
            "(%(deviation)s %% against the plan to date in %(year)s-%(month)02d)."
        )
        % params
    )
    return subject, body


def register() -> None:
    register_message(WARNING, _warning)
    register_message(REMINDER, _reminder)
    register_message(ESCALATION, _escalation)
