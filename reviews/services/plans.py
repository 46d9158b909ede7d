"""Improvement plans (PDCA): a manager or HR plans actions for a person or a unit, often
from an interview or an appeal; owners move their actions through plan → do → check →
act → done. At year end an open plan seeds next year's scorecard with its unfinished
actions as draft key tasks (through the scorecard services, so their rules apply)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from assessment.services.common import actor_employee_id, covered_by, now_of
from org.models import Employee, OrgUnit
from org.scoping import CHANGE, HR, VIEW, Actor, audited, get_scoped, history_user, require
from org.versions import WrongState, refuse_stale, require_version
from reviews import notify
from reviews.models import (
    ActionStage,
    Appeal,
    ImprovementPlan,
    Interview,
    PlanAction,
    PlanStatus,
)
from reviews.services.common import MANAGERS
from scorecard.models import ItemKind, Scorecard
from spm.clock import Clock
from spm.clock import clock as default_clock
from spm.errors import NotPermitted

RUNNERS = MANAGERS | {HR}
SEED_FROM = (12, 1)  # month, day: "year end" — from December on


@transaction.atomic
def plan_create(
    *,
    actor: Actor,
    unit: OrgUnit,
    year: int,
    title: str,
    employee: Employee | None = None,
    interview: Interview | None = None,
    appeal: Appeal | None = None,
    clock: Clock | None = None,
) -> ImprovementPlan:
    """A plan for ``employee`` (in their unit) or for the whole ``unit``."""
    if employee is not None:
        employee = Employee.objects.select_related("unit").get(pk=employee.pk)
        unit = employee.unit
        if employee.pk == actor_employee_id(actor):
            raise NotPermitted(_("Your own plan is made by the next level up."))
    if not covered_by(actor, unit.path, RUNNERS):
        raise Http404
    if interview is not None:
        interview = get_scoped(Interview.objects.all(), actor, interview.pk, VIEW)
        if employee is None or interview.employee_id != employee.pk:
            raise ValidationError({"interview": _("Choose an interview of this employee.")})
    if appeal is not None:
        appeal = get_scoped(Appeal.objects.select_related("result"), actor, appeal.pk, VIEW)
        if employee is None or appeal.result.employee_id != employee.pk:
            raise ValidationError({"appeal": _("Choose an appeal of this employee.")})
    plan = ImprovementPlan(
        employee=employee, unit=unit, year=year, title=title, interview=interview,
        appeal=appeal, created_by_id=getattr(history_user(actor), "pk", None),
        created_at=now_of(clock),
    )  # fmt: skip
    plan.full_clean()
    audited(plan, actor, "created").save()
    require(actor, ImprovementPlan.objects, plan.pk)
    return plan


def _plan_for_change(actor: Actor, plan: ImprovementPlan) -> ImprovementPlan:
    """The open plan, locked, if ``actor`` runs it (404 otherwise)."""
    stored = get_scoped(
        ImprovementPlan.objects.select_for_update(of=("self",)), actor, plan.pk, CHANGE
    )
    if stored.status != PlanStatus.OPEN:
        raise WrongState(_("This plan is closed."), current=stored)
    return stored


@transaction.atomic
def plan_action_add(
    *,
    actor: Actor,
    plan: ImprovementPlan,
    description: str,
    owner: Employee,
    due_on: datetime.date,
) -> PlanAction:
    stored = _plan_for_change(actor, plan)
    owner = Employee.objects.select_related("unit").get(pk=owner.pk)
    if owner.pk != actor_employee_id(actor) and not owner.unit.path.startswith(stored.unit.path):
        raise ValidationError({"owner": _("Choose someone of the plan's unit, or yourself.")})
    row = PlanAction(plan=stored, description=description, owner=owner, due_on=due_on)
    row.full_clean()
    audited(row, actor, "added").save()
    notify.send(
        notify.PLAN_ACTION,
        [owner.pk],
        {"action": description, "plan": stored.title, "due": due_on.isoformat()},
        link=reverse("reviews-plan", args=[stored.pk]),
        besides=getattr(history_user(actor), "pk", None),
    )
    return row


@transaction.atomic
def plan_action_move(
    *, actor: Actor, action: PlanAction, stage: str, version: int | None
) -> PlanAction:
    """The action's owner, or whoever runs the plan, moves it to another PDCA stage."""
    require_version(actor, version)
    stored = PlanAction.objects.select_for_update().filter(pk=action.pk).first()
    if stored is None:
        raise Http404
    plan = get_scoped(ImprovementPlan.objects.all(), actor, stored.plan_id, VIEW)
    runs = ImprovementPlan.objects.can(actor, CHANGE, plan.pk)
    if not runs and stored.owner_id != actor_employee_id(actor):
        raise Http404
    if plan.status != PlanStatus.OPEN:
        raise WrongState(_("This plan is closed."), current=plan)
    refuse_stale(stored, version)
    if stage not in ActionStage.values:
        raise ValidationError({"stage": _("Unknown stage.")})
    stored.stage = stage
    stored.version += 1
    audited(stored, actor, f"stage {stage}").save()
    return stored


@transaction.atomic
def plan_close(*, actor: Actor, plan: ImprovementPlan, version: int | None) -> ImprovementPlan:
    require_version(actor, version)
    stored = _plan_for_change(actor, plan)
    refuse_stale(stored, version)
    stored.status = PlanStatus.CLOSED
    stored.version += 1
    audited(stored, actor, "closed").save()
    return stored


@transaction.atomic
def plan_seed_next_year(
    *, actor: Actor, plan: ImprovementPlan, clock: Clock | None = None
) -> Scorecard:
    """From December of the plan's year: put each unfinished action on next year's
    scorecard of the person (or unit) as a draft key task; once per plan."""
    from scorecard.services.items import item_create
    from scorecard.services.scorecards import scorecard_get_or_create

    stored = _plan_for_change(actor, plan)
    today = (clock or default_clock()).today()
    if today < datetime.date(stored.year, *SEED_FROM):
        raise ValidationError(_("A plan seeds next year's scorecard from December on."))
    if stored.seeded_scorecard_id is not None:
        raise WrongState(_("This plan has already seeded next year's scorecard."), current=stored)
    actions = list(stored.actions.exclude(stage=ActionStage.DONE).order_by("due_on", "pk"))
    if not actions:
        raise WrongState(
            _("Every action is done: nothing to carry into next year."), current=stored
        )
    employee = stored.employee
    card, _made = scorecard_get_or_create(
        actor=actor, unit=stored.unit, employee=employee, year=stored.year + 1, plan=None
    )
    for row in actions:
        item_create(
            actor=actor, scorecard=card, kind=ItemKind.KEY_TASK, name=row.description,
            description=_("From the improvement plan “%(plan)s”.") % {"plan": stored.title},
        )  # fmt: skip
    stored.seeded_scorecard = card
    stored.version += 1
    audited(stored, actor, "seeded next year").save()
    return card
