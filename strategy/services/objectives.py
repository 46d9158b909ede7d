"""Writes to the strategy map itself: objectives and the cause-effect links between them."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from org.models import OrgUnit
from org.scoping import Actor, require
from strategy.models import CauseEffectLink, Objective, Perspective, StrategicPlan, Theme
from strategy.services._common import apply, delete_or_explain, require_draft

OBJECTIVE_FIELDS = {"perspective", "theme", "owner_unit", "code", "name", "description", "parent"}


@transaction.atomic
def objective_create(
    *,
    actor: Actor,
    plan: StrategicPlan,
    perspective: Perspective,
    owner_unit: OrgUnit,
    code: str,
    name: str,
    description: str = "",
    theme: Theme | None = None,
    parent: Objective | None = None,
) -> Objective:
    plan = require_draft(actor, plan)
    objective = Objective(
        plan=plan,
        perspective=perspective,
        owner_unit=owner_unit,
        code=code,
        name=name,
        description=description,
        theme=theme,
        parent=parent,
    )
    objective.full_clean()
    objective.save()
    require(actor, Objective.objects, objective.pk)
    return objective


@transaction.atomic
def objective_update(*, actor: Actor, objective: Objective, **fields: Any) -> Objective:
    require_draft(actor, objective.plan_id)
    require(actor, Objective.objects, objective.pk)
    apply(objective, fields, OBJECTIVE_FIELDS)
    objective.full_clean()
    objective.save()
    require(actor, Objective.objects, objective.pk)
    return objective


@transaction.atomic
def objective_delete(*, actor: Actor, objective: Objective) -> None:
    """Delete an objective with its links; refused while KPIs or scorecard items use it."""
    require_draft(actor, objective.plan_id)
    require(actor, Objective.objects, objective.pk)
    delete_or_explain(
        objective, _("Scorecard items still use this objective; move them to another first.")
    )


@transaction.atomic
def link_create(
    *,
    actor: Actor,
    plan: StrategicPlan,
    cause: Objective,
    effect: Objective,
    note: str = "",
) -> CauseEffectLink:
    """Draw ``cause → effect``. A cycle or a downward link is accepted (it only warns)."""
    plan = require_draft(actor, plan)
    link = CauseEffectLink(plan=plan, cause=cause, effect=effect, note=note)
    link.full_clean()
    link.save()
    require(actor, CauseEffectLink.objects, link.pk)
    return link


@transaction.atomic
def link_update(*, actor: Actor, link: CauseEffectLink, **fields: Any) -> CauseEffectLink:
    require_draft(actor, link.plan_id)
    apply(link, fields, {"cause", "effect", "note"})
    link.full_clean()
    link.save()
    require(actor, CauseEffectLink.objects, link.pk)
    return link


@transaction.atomic
def link_delete(*, actor: Actor, link: CauseEffectLink) -> None:
    require_draft(actor, link.plan_id)
    require(actor, CauseEffectLink.objects, link.pk)
    link.delete()
