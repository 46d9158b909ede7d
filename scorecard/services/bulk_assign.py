"""Bulk assignment: one goal, unchanged, to every employee matching a unit and a job
title, in one action and a constant number of queries — whether it reaches 6 people or
6,000 (scorecards are created as drafts where missing, in bulk, with their history)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from org.models import Employee, OrgUnit
from org.scoping import CHANGE, VIEW, Actor, history_user, require, scope_of
from scorecard import summaries
from scorecard.models import (
    ItemMonthlyPlan,
    Milestone,
    Scorecard,
    ScorecardItem,
    ScorecardQuerySet,
    ScorecardStatus,
)
from scorecard.selectors.duties import others_people_q
from scorecard.services.scorecards import may_change_unit, plan_for

BATCH = 500


@dataclass
class BulkAssignResult:
    created: int = 0
    already: int = 0
    locked: int = 0
    scorecards_created: int = 0


def bulk_assign_candidates(
    actor: Actor,
    parent: ScorecardItem,
    *,
    unit: OrgUnit,
    job_title: str = "",
    include_subunits: bool = True,
) -> QuerySet[Employee]:
    """The active employees a bulk assignment of ``parent`` would reach."""
    top = parent.scorecard.unit
    people = Employee.objects.restrict(actor).filter(active=True, unit__path__startswith=top.path)
    people = (
        people.filter(unit__path__startswith=unit.path)
        if include_subunits
        else people.filter(unit=unit)
    )
    if job_title:
        people = people.filter(job_title=job_title)
    scope = scope_of(actor)
    changeable = scope.units_q(ScorecardQuerySet.scope_rules[CHANGE], "unit")
    # Nobody sets their own goals: the actor's own record is left to the next level up.
    people = people.filter(changeable).filter(others_people_q(actor))
    return people.order_by("name", "employee_no")


@transaction.atomic
def item_bulk_assign(
    *,
    actor: Actor,
    parent: ScorecardItem,
    unit: OrgUnit,
    job_title: str = "",
    include_subunits: bool = True,
    weight: Decimal | None = None,
) -> BulkAssignResult:
    """Give ``parent``'s goal, unchanged, to every matching employee in one action.

    People whose scorecard is signed are left out (counted in ``locked``), as are people
    who already have a goal decomposed from ``parent`` (``already``). Rows are written in
    bulk with their history; the one prototype item is validated like any other item.
    """
    require(actor, ScorecardItem.objects, parent.pk, VIEW)
    parent = ScorecardItem.objects.select_related("scorecard__unit", "scorecard__plan").get(
        pk=parent.pk
    )
    if parent.scorecard.employee_id is not None:
        raise ValidationError(_("An employee's item cannot be assigned to others."))
    if not may_change_unit(actor, parent.scorecard.unit):
        # They see the item (else 404 above) but may not hand out its goal.
        raise PermissionDenied(_("You may not give this item's goal to others."))
    if not unit.path.startswith(parent.scorecard.unit.path):
        raise ValidationError(
            {"unit": _("Choose a unit under %(unit)s.") % {"unit": parent.scorecard.unit}}
        )
    year = parent.scorecard.year
    people = bulk_assign_candidates(
        actor, parent, unit=unit, job_title=job_title, include_subunits=include_subunits
    )
    cards = {
        employee_id: (pk, status)
        for pk, employee_id, status in Scorecard.objects.filter(
            year=year, employee__in=people
        ).values_list("pk", "employee_id", "status")
    }
    already = set(
        ScorecardItem.objects.filter(parent=parent, scorecard__employee__in=people).values_list(
            "scorecard__employee_id", flat=True
        )
    )
    result = BulkAssignResult()
    targets = list(people.values_list("pk", "unit_id"))
    plan = parent.scorecard.plan or plan_for(parent.scorecard.unit, year)
    new_cards = [
        Scorecard(unit_id=unit_id, employee_id=pk, year=year, plan=plan)
        for pk, unit_id in targets
        if pk not in cards
    ]
    for card in bulk_create_with_history(
        new_cards, Scorecard, batch_size=BATCH, default_user=history_user(actor)
    ):
        cards[card.employee_id] = (card.pk, card.status)
    result.scorecards_created = len(new_cards)
    prototype = ScorecardItem(
        **parent.child_goal(weight=weight if weight is not None else parent.weight)
    )
    prototype.full_clean(exclude=["scorecard", "parent"])
    items = []
    for pk, _unit_id in targets:
        card_id, status = cards[pk]
        if pk in already:
            result.already += 1
        elif status == ScorecardStatus.SIGNED:
            result.locked += 1
        else:
            child = ScorecardItem(
                **{
                    f.attname: getattr(prototype, f.attname)
                    for f in ScorecardItem._meta.concrete_fields
                    if f.name != "id"
                }
            )
            child.scorecard_id = card_id
            child.order = 100
            items.append(child)
    created = bulk_create_with_history(
        items, ScorecardItem, batch_size=BATCH, default_user=history_user(actor)
    )
    result.created = len(created)
    # Bulk inserts send no signals: the alignment flags of the cards and the parent.
    summaries.refresh(
        scorecards=[c.pk for c in new_cards] + [c.scorecard_id for c in created],
        parents=[parent.pk],
    )
    if created:
        _copy_in_bulk(parent, created, actor)
        ids = [c.pk for c in created]
        in_scope = ScorecardItem.objects.restrict(actor, CHANGE).filter(
            parent=parent, pk__gte=min(ids), pk__lte=max(ids)
        )
        if in_scope.count() != len(ids):
            raise Http404
    return result


def _copy_in_bulk(parent: ScorecardItem, children: Sequence[ScorecardItem], actor: Actor) -> None:
    plans = list(parent.monthly_plans.all())
    if plans:
        bulk_create_with_history(
            [
                ItemMonthlyPlan(item=c, month=p.month, value=p.value)
                for c in children
                for p in plans
            ],
            ItemMonthlyPlan,
            batch_size=BATCH,
            default_user=history_user(actor),
        )
    milestones = list(parent.milestones.all())
    if milestones:
        bulk_create_with_history(
            [m.copy_for(c) for c in children for m in milestones],
            Milestone,
            batch_size=BATCH,
            default_user=history_user(actor),
        )
