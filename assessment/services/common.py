"""What every assessment service checks: scope, the cycle's step and separation of duties.
Compare-and-set on ``version`` is the rule of every app: :mod:`org.versions`."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from assessment.models import (
    COMPUTABLE_STATUSES,
    FINAL_STATUSES,
    AssessmentCycle,
    AssessmentResult,
    CycleFinal,
)
from org.models import OrgUnit
from org.scoping import CHANGE, VIEW, Actor, SystemActor, get_scoped, scope_of
from org.versions import WrongState, refuse_stale
from spm.clock import Clock, clock
from spm.errors import NotPermitted


def now_of(given: Clock | None) -> Any:
    return (given or clock()).now()


def actor_employee_id(actor: Actor) -> int | None:
    return None if isinstance(actor, SystemActor) else scope_of(actor).employee_id


def is_subject(actor: Actor, result: AssessmentResult) -> bool:
    """Whether ``actor`` is the one assessed: the employee, or the head of the unit whose
    own result it is. Nobody grades, rates, approves or calibrates their own result."""
    me = actor_employee_id(actor)
    if me is None:
        return False
    if result.employee_id is not None:
        return result.employee_id == me
    head_id = OrgUnit.objects.filter(pk=result.unit_id).values_list("head_id", flat=True).first()
    return head_id == me


def refuse_own(actor: Actor, result: AssessmentResult) -> None:
    if is_subject(actor, result):
        raise NotPermitted(
            _("Nobody may grade, approve or calibrate their own result; the next level up does.")
        )


def result_for_change(actor: Actor, pk: Any, *, roles: frozenset[str] | None = None) -> Any:
    """The result ``pk``, locked for update, if ``actor`` may act on it, and only while its
    cycle is not finalised: 404 if they do not see it, 403 if they see it but may not."""
    get_scoped(AssessmentResult.objects.all(), actor, pk, VIEW)
    result = (
        AssessmentResult.objects.select_for_update(of=("self",))
        .select_related("cycle")
        .restrict(actor, CHANGE)
        .filter(pk=pk)
        .first()
    )
    if result is None or (roles is not None and not covered_by(actor, result.unit.path, roles)):
        raise NotPermitted(_("You may not change this result."))
    require_not_final(result.cycle)
    return result


def claim_result(stored: AssessmentResult, version: int | None) -> None:
    """Compare the locked result with the ``version`` its editor opened (a recompute moves
    it on too, so a person acts on the result they saw) and move it on by one. The caller
    has called :func:`org.versions.require_version` and saves ``version`` with its change."""
    refuse_stale(stored, version)
    stored.version += 1


def covered_by(actor: Actor, unit_path: str, roles: frozenset[str]) -> bool:
    return scope_of(actor).covers(unit_path, roles)


def require_not_final(cycle: AssessmentCycle) -> None:
    status = AssessmentCycle.objects.filter(pk=cycle.pk).values_list("status", flat=True).first()
    if status in FINAL_STATUSES:
        raise CycleFinal(_("This cycle is finalised; its results no longer change."))


def require_running(cycle: AssessmentCycle) -> None:
    require_not_final(cycle)
    if cycle.status not in COMPUTABLE_STATUSES:
        raise WrongState(_("Open the cycle first."), code="not_open", current=cycle)
