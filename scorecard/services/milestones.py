"""Writes to the milestones of a milestone item, and recording that one was reached.

A milestone names the unit responsible for it and, at a hand-over, the counterpart unit
that takes over: the responsible unit must be one the actor can see; the counterpart may
be any active unit of the group (a hand-over crosses units by definition). Weights inside
an item are all given or all left empty (equal weights). Completion is tracking, not a
change of goal: it is recorded on a signed scorecard too, by whoever may change the item or
by the responsible unit.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from org.models import OrgUnit
from org.scoping import CHANGE, VIEW, Actor, audited, get_scoped, require
from scorecard.models import COMPLETE, Milestone, ScorecardItem
from scorecard.services.scorecards import require_not_own, require_unlocked
from spm.clock import Clock
from spm.clock import clock as configured_clock


def _require_units(actor: Actor, responsible: OrgUnit, counterpart: OrgUnit | None) -> None:
    if not OrgUnit.objects.restrict(actor).filter(pk=responsible.pk).exists():
        raise ValidationError(
            {"responsible_unit": _("Choose units from your part of the organisation.")}
        )
    if (
        counterpart is not None
        and not OrgUnit.objects.filter(pk=counterpart.pk, active=True).exists()
    ):
        raise ValidationError({"counterpart_unit": _("Choose an active unit.")})


def _check_weights(milestone: Milestone) -> None:
    siblings = Milestone.objects.filter(item_id=milestone.item_id).exclude(pk=milestone.pk)
    weighted = set(siblings.values_list("weight", flat=True))
    if not weighted:
        return
    has_empty = None in weighted
    has_given = bool(weighted - {None})
    if (milestone.weight is None and has_given) or (milestone.weight is not None and has_empty):
        raise ValidationError(
            {"weight": _("Give every milestone of this item a weight, or leave all empty.")}
        )


@transaction.atomic
def milestone_create(
    *,
    actor: Actor,
    item: ScorecardItem,
    name: str,
    due_date: date,
    responsible_unit: OrgUnit,
    counterpart_unit: OrgUnit | None = None,
    completion_standard: str = "",
    weight: Any = None,
    order: int = 0,
) -> Milestone:
    require(actor, ScorecardItem.objects, item.pk, VIEW)
    require(actor, ScorecardItem.objects, item.pk, CHANGE)
    require_not_own(actor, item.scorecard)
    require_unlocked(item.scorecard)
    _require_units(actor, responsible_unit, counterpart_unit)
    milestone = Milestone(
        item=item,
        name=name,
        due_date=due_date,
        responsible_unit=responsible_unit,
        counterpart_unit=counterpart_unit,
        completion_standard=completion_standard,
        weight=weight,
        order=order,
    )
    milestone.full_clean()
    _check_weights(milestone)
    audited(milestone, actor).save()
    require(actor, Milestone.objects, milestone.pk)
    return milestone


def _stored(actor: Actor, milestone: Milestone, action: str) -> Milestone:
    queryset = Milestone.objects.select_related("item__scorecard__unit")
    stored: Milestone = get_scoped(queryset, actor, milestone.pk, VIEW)
    require(actor, Milestone.objects, stored.pk, action)
    # Nobody creates, edits or confirms the milestones of their own goals.
    require_not_own(actor, stored.item.scorecard)
    return stored


@transaction.atomic
def milestone_update(*, actor: Actor, milestone: Milestone, **fields: Any) -> Milestone:
    unknown = set(fields) - set(Milestone.EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"fields that cannot be edited: {sorted(unknown)}")
    stored = _stored(actor, milestone, CHANGE)
    require_unlocked(stored.item.scorecard)
    for name, value in fields.items():
        setattr(stored, name, value)
    _require_units(actor, stored.responsible_unit, stored.counterpart_unit)
    stored.full_clean()
    _check_weights(stored)
    audited(stored, actor).save()
    require(actor, Milestone.objects, stored.pk)
    return stored


@transaction.atomic
def milestone_delete(*, actor: Actor, milestone: Milestone) -> None:
    stored = _stored(actor, milestone, CHANGE)
    require_unlocked(stored.item.scorecard)
    audited(stored, actor).delete()


@transaction.atomic
def milestone_complete(
    *, actor: Actor, milestone: Milestone, completed_on: date | None, clock: Clock | None = None
) -> Milestone:
    """Record the day a milestone was reached (``None`` reopens it)."""
    stored = _stored(actor, milestone, COMPLETE)
    if completed_on is not None and completed_on > (clock or configured_clock()).today():
        raise ValidationError({"completed_on": _("A milestone cannot be reached in the future.")})
    stored.completed_on = completed_on
    audited(stored, actor, reason="completed" if completed_on else "reopened").save()
    return stored
