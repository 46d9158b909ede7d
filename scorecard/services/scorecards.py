"""Writes to scorecards: create a scorecard (or find the one of a unit or person and year),
and the helpers the other scorecard services share. The items' writes are in
:mod:`scorecard.services.items`.

``actor`` is the user making the change (:data:`~org.scoping.SYSTEM` for system jobs such
as the demo seed). A scorecard outside the actor's ``CHANGE`` scope does not exist for them
(404); the check is repeated after the write, inside the same transaction. A signed
scorecard refuses every change (:class:`~scorecard.models.ScorecardLocked`, 409) until it
is amended.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from org.models import Employee, OrgUnit
from org.scoping import CHANGE, Actor, audited, require, scope_of
from scorecard.models import Scorecard, ScorecardLocked, ScorecardStatus
from scorecard.selectors.duties import is_own_card

# --- Helpers shared by the other scorecard services ---------------------------------------


def may_change_unit(actor: Actor, unit: OrgUnit) -> bool:
    """Whether ``actor`` may change scorecards of ``unit`` (no query: the scope is cached)."""
    return scope_of(actor).may(Scorecard, CHANGE, unit.path)


def lock_scorecard(scorecard_id: int) -> str | None:
    """Lock the scorecard row (``SELECT … FOR UPDATE``) until the transaction ends and return
    its status. Every write to a scorecard's goals and every signature takes this lock
    first, so a signature never interleaves with an edit of the goals it signs."""
    return (
        Scorecard.objects.select_for_update(of=("self",))
        .filter(pk=scorecard_id)
        .order_by()
        .values_list("status", flat=True)
        .first()
    )


def require_not_own(actor: Actor, scorecard: Scorecard) -> None:
    """Separation of duties: nobody sets their own goals. A person's own scorecard, and the
    scorecard of the unit they head, are created and changed by the next level up (DESIGN
    §1; the rule is :func:`scorecard.rules.duties.sets_own_goals`)."""
    if is_own_card(actor, scorecard):
        raise PermissionDenied(_("Your own goals are set by the next level up, not by you."))


def require_unlocked(scorecard: Scorecard) -> None:
    """Lock the scorecard row (see :func:`lock_scorecard`) and refuse if it is signed."""
    if lock_scorecard(scorecard.pk) == ScorecardStatus.SIGNED:
        raise ScorecardLocked


def plan_for(unit: OrgUnit, year: int) -> Any:
    """The approved strategic plan covering ``year`` owned by ``unit`` or a unit above it."""
    from strategy.models import PlanStatus, StrategicPlan

    ancestors = [*unit.ancestor_ids(), unit.pk]
    return (
        StrategicPlan.objects.filter(
            owner_unit_id__in=ancestors,
            status=PlanStatus.APPROVED,
            start_year__lte=year,
            end_year__gte=year,
        )
        .order_by("-owner_unit__depth", "-version")
        .first()
    )


# --- Scorecards -----------------------------------------------------------------------------


@transaction.atomic
def scorecard_create(
    *,
    actor: Actor,
    unit: OrgUnit | None = None,
    employee: Employee | None = None,
    year: int,
    plan: Any = None,
) -> Scorecard:
    """A draft scorecard of ``unit`` — or of ``employee``, in the unit they work in."""
    if employee is not None:
        unit = employee.unit
    if unit is None:
        raise ValidationError({"unit": _("Choose a unit or an employee.")})
    if not may_change_unit(actor, unit):
        raise Http404
    scorecard = Scorecard(
        unit=unit, employee=employee, year=year, plan=plan or plan_for(unit, year)
    )
    require_not_own(actor, scorecard)
    scorecard.full_clean()
    audited(scorecard, actor).save()
    require(actor, Scorecard.objects, scorecard.pk)
    return scorecard


def scorecard_get_or_create(
    *, actor: Actor, unit: OrgUnit, employee: Employee | None, year: int, plan: Any
) -> tuple[Scorecard, bool]:
    """The unit's (or employee's) scorecard of ``year``, created as a draft if missing."""
    existing = Scorecard.objects.filter(
        employee=employee, year=year, **({} if employee else {"unit": unit})
    ).first()
    if existing is not None:
        return existing, False
    return scorecard_create(actor=actor, unit=unit, employee=employee, year=year, plan=plan), True
