"""Computing, calibrating and acknowledging results."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from assessment.models import AssessmentCycle, AssessmentResult, CycleStatus, Grade
from assessment.services.common import (
    is_subject,
    now_of,
    refuse_own,
    require_running,
    result_for_change,
)
from assessment.tasks import COMPUTE_KIND, cycle_compute
from org.scoping import ADMIN, CHANGE, EXECUTIVE, VIEW, Actor, audited, get_scoped, history_user
from org.versions import WrongState, refuse_stale, require_version
from spm.clock import Clock
from spm.errors import NotPermitted
from spm.jobs import job_create
from spm.models import Job

CALIBRATORS = frozenset({EXECUTIVE, ADMIN})


def cycle_compute_start(
    *,
    actor: Actor,
    cycle: AssessmentCycle,
    chunk_size: int | None = None,
    processes: int | None = None,
) -> Job:
    """Enqueue the computation of every result of the cycle (HR), with a progress bar.

    ``chunk_size`` (results per chunk, whole units) trades memory for progress steps;
    ``processes`` (default: the machine's cores, at most 4) how many compute at once."""
    stored = get_scoped(AssessmentCycle.objects.all(), actor, cycle.pk, CHANGE)
    require_running(stored)
    params: dict[str, int] = {"cycle_id": stored.pk}
    if chunk_size:
        params["chunk_size"] = chunk_size
    if processes:
        params["processes"] = processes
    return job_create(
        kind=COMPUTE_KIND, user=history_user(actor), params=params, task=cycle_compute
    )


@transaction.atomic
def result_calibrate(
    *,
    actor: Actor,
    result: AssessmentResult,
    grade: str,
    reason: str,
    version: int | None,
) -> AssessmentResult:
    """Set the calibrated grade (executive, in the calibration step); a change of grade
    keeps its reason and the approver. Calibrating back to the computed grade clears it.
    ``version`` is the result's version the executive opened."""
    stored = result_for_change(actor, result.pk, roles=CALIBRATORS)
    require_version(actor, version)
    if stored.cycle.status != CycleStatus.CALIBRATION:
        raise WrongState(_("Grades are calibrated in the calibration step."), current=stored.cycle)
    refuse_own(actor, stored)
    refuse_stale(stored, version)
    if grade not in Grade.values:
        raise ValidationError({"grade": _("Choose a grade.")})
    if not stored.grade:
        raise WrongState(_("Compute the result before calibrating it."), current=stored)
    if grade != stored.grade and not reason.strip():
        raise ValidationError({"reason": _("Give the reason for changing the grade.")})
    if stored.vetoed and grade != Grade.UNQUALIFIED:
        raise ValidationError({"grade": _("A vetoed result stays unqualified.")})
    changed = grade != stored.grade
    stored.calibrated_grade = grade if changed else ""
    stored.calibration_reason = reason if changed else ""
    stored.calibrated_by = history_user(actor) if changed else None
    stored.version += 1
    audited(stored, actor, f"calibrated: {reason}"[:100]).save()
    return stored


@transaction.atomic
def result_acknowledge(
    *,
    actor: Actor,
    result: AssessmentResult,
    version: int | None,
    clock: Clock | None = None,
) -> AssessmentResult:
    """The assessed person acknowledges a published result, at the ``version`` they read:
    a recompute in between moves it on, and they acknowledge what they saw, not that."""
    stored = get_scoped(
        AssessmentResult.objects.select_related("cycle").select_for_update(of=("self",)),
        actor,
        result.pk,
        VIEW,
    )
    if not is_subject(actor, stored):
        raise NotPermitted(_("Only the person assessed acknowledges the result."))
    require_version(actor, version)
    if stored.cycle.status != CycleStatus.PUBLISHED:
        raise WrongState(_("The result is not published yet."), current=stored)
    if stored.acknowledged_at is not None:
        raise WrongState(_("You have acknowledged this result already."), current=stored)
    # a stamp on the published result, not a change of it: compared, not moved on (the
    # finalised result keeps its version; acknowledging twice is refused above)
    refuse_stale(stored, version)
    stored.acknowledged_at = now_of(clock)
    audited(stored, actor, "acknowledged").save(update_fields=["acknowledged_at"])
    return stored
