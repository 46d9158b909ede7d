"""Writes to the strategy map itself: objectives and the cause-effect links between them."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from org.models import OrgUnit
from org.scoping import Actor
from strategy.models import CauseEffectLink, Objective, Perspective, StrategicPlan, Theme
from strategy.services._common import apply, delete_or_explain, require_draft, require_row, saved


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
    return saved(actor, objective)


@transaction.atomic
def objective_update(*, actor: Actor, objective: Objective, **fields: Any) -> Objective:
    require_row(actor, objective)
    apply(objective, fields)
    return saved(actor, objective)


@transaction.atomic
def objective_delete(*, actor: Actor, objective: Objective) -> None:
    """Delete an objective with its links; refused while KPIs or scorecard items use it."""
    require_row(actor, objective)
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
    return saved(actor, CauseEffectLink(plan=plan, cause=cause, effect=effect, note=note))


@transaction.atomic
def link_update(*, actor: Actor, link: CauseEffectLink, **fields: Any) -> CauseEffectLink:
    require_row(actor, link)
    apply(link, fields)
    return saved(actor, link)


@transaction.atomic
def link_delete(*, actor: Actor, link: CauseEffectLink) -> None:
    require_row(actor, link)
    link.delete()
