"""Separation of duties in queries: the query form of ``scorecard.rules.duties``.

Offer lists (who may receive a cascaded goal, which cards a user may edit) leave out the
user's own goals with these filters, and the services refuse the same rows with the rule
itself, so an offer list and a refusal can never disagree (``tests/test_scorecard_duties.py``
checks the two forms against each other).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from org.models import Employee, OrgUnit
from org.scoping import Actor, scope_of
from scorecard.models import Scorecard
from scorecard.rules.duties import sets_own_goals

NOTHING = Q(pk__in=[])


def own_cards_q(actor: Actor, lookup: str = "") -> Q:
    """Scorecards (reached by ``lookup``) whose goals are the actor's own: their personal
    card and the card of each unit they head."""
    me = scope_of(actor).employee_id
    if me is None:
        return NOTHING
    prefix = f"{lookup}__" if lookup else ""
    return Q(**{f"{prefix}employee_id": me}) | Q(
        **{f"{prefix}employee__isnull": True, f"{prefix}unit__head_id": me}
    )


def is_own_card(actor: Actor, card: Scorecard) -> bool:
    """Whether ``card``'s goals are the actor's own (reads ``card.unit`` for a unit card)."""
    return sets_own_goals(
        scope_of(actor).employee_id,
        card_employee_id=card.employee_id,
        card_unit_head_id=card.unit.head_id if card.employee_id is None else None,
    )


def is_own_receiver(actor: Actor, *, unit: OrgUnit | None, employee: Employee | None) -> bool:
    """Whether a receiver of a cascaded goal (a sub-unit's card or a person's) is the
    actor's own card."""
    return sets_own_goals(
        scope_of(actor).employee_id,
        card_employee_id=employee.pk if employee is not None else None,
        card_unit_head_id=unit.head_id if unit is not None and employee is None else None,
    )


def others_units(actor: Actor, units: Iterable[OrgUnit]) -> list[OrgUnit]:
    """``units`` without those whose card is the actor's own (the units they head)."""
    return [u for u in units if not is_own_receiver(actor, unit=u, employee=None)]


def others_people(actor: Actor, people: Iterable[Employee]) -> list[Employee]:
    """``people`` without the actor themself."""
    return [e for e in people if not is_own_receiver(actor, unit=None, employee=e)]


def others_people_q(actor: Actor) -> Q:
    """Employees other than the actor (the query form of :func:`others_people`)."""
    me = scope_of(actor).employee_id
    return ~Q(pk=me) if me is not None else Q()
