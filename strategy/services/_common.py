"""What every strategy write checks first (the plan version is in scope and a draft, and so
is the row it changes) and last (the saved row is valid and still in the actor's scope)."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from org.scoping import CHANGE, Actor, audited, get_scoped, require
from strategy.models import PlanStatus, StrategicPlan

M = TypeVar("M", bound=models.Model)


def require_draft(actor: Actor, plan: StrategicPlan | int) -> StrategicPlan:
    """The plan, re-read and locked for the transaction, if ``actor`` may edit it.

    Out of the actor's scope: 404. Approved or superseded: a validation error, because an
    approved plan changes only through a new version (earlier versions stay as they were).
    """
    plans = StrategicPlan.objects.select_for_update().select_related("owner_unit")
    fresh: StrategicPlan = get_scoped(plans, actor, getattr(plan, "pk", plan), CHANGE)
    if fresh.status != PlanStatus.DRAFT:
        raise ValidationError(
            _("Version %(version)s is %(status)s and locked; start a new version to change it.")
            % {"version": fresh.version, "status": fresh.get_status_display().lower()}
        )
    return fresh


def apply(instance: Any, fields: dict[str, Any]) -> None:
    """Set ``fields`` on ``instance``; a field outside the model's ``EDITABLE_FIELDS`` is a
    programming error."""
    unknown = set(fields) - set(instance.EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"cannot change {', '.join(sorted(unknown))} of {type(instance).__name__}")
    for name, value in fields.items():
        setattr(instance, name, value)


def delete_or_explain(instance: models.Model, message: str) -> None:
    """Delete, turning "still used elsewhere" into a validation error the user can read."""
    try:
        instance.delete()
    except (ProtectedError, RestrictedError) as exc:
        raise ValidationError(message) from exc


def require_row(actor: Actor, row: Any) -> None:
    """Before changing or deleting a row of a plan: the plan is a draft the actor may edit
    and the row itself is in the actor's scope (404 otherwise)."""
    require_draft(actor, row.plan_id)
    require(actor, type(row)._default_manager, row.pk)


def saved(actor: Actor, row: M) -> M:
    """Validate and save ``row`` (its history row names the actor), then re-check that the
    actor may still change it: a write that moved it out of scope is refused (404)."""
    row.full_clean()
    audited(row, actor).save()
    require(actor, type(row)._default_manager, row.pk)
    return row
