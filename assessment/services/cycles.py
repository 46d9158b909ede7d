"""Running a cycle: create it, open it (scheme snapshot, one empty result per scorecard in
scope) and move it step by step to published. HR runs the cycle; each step is a
compare-and-set on ``status`` and ``version``, so two clicks never skip a step.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import reduce
from operator import or_
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from assessment import tallies
from assessment.models import (
    AssessmentCycle,
    AssessmentResult,
    AssessmentScheme,
    CycleStatus,
)
from assessment.services.common import now_of
from assessment.signals import cycle_finalised
from org.models import OrgUnit
from org.scoping import CHANGE, VIEW, Actor, audited, get_scoped, history_user, require, scope_of
from org.versions import StaleRecord, WrongState, refuse_stale, require_version
from scorecard.models import Scorecard
from spm.clock import Clock


@transaction.atomic
def cycle_create(
    *,
    actor: Actor,
    name: str,
    kind: str,
    year: int,
    period: int = 1,
    owner_unit: OrgUnit,
    root_units: Sequence[OrgUnit],
    scheme: AssessmentScheme,
    self_assessment_due: date | None = None,
    review_due: date | None = None,
    calibration_due: date | None = None,
) -> AssessmentCycle:
    """A draft cycle over the subtrees of ``root_units``, run from ``owner_unit``."""
    scope = scope_of(actor)
    if not scope.may(AssessmentCycle, CHANGE, owner_unit.path):
        raise Http404
    get_scoped(AssessmentScheme.objects.all(), actor, scheme.pk, VIEW)
    if not root_units:
        raise ValidationError({"root_units": _("Choose at least one unit to assess.")})
    if any(not u.path.startswith(owner_unit.path) for u in root_units):
        raise ValidationError(
            {"root_units": _("Choose units inside the unit that runs the cycle.")}
        )
    cycle = AssessmentCycle(
        name=name,
        kind=kind,
        year=year,
        period=period,
        owner_unit=owner_unit,
        scheme=scheme,
        self_assessment_due=self_assessment_due,
        review_due=review_due,
        calibration_due=calibration_due,
        created_by_id=getattr(history_user(actor), "pk", None),
    )
    cycle.full_clean()
    audited(cycle, actor).save()
    cycle.root_units.set(root_units)
    require(actor, AssessmentCycle.objects, cycle.pk)
    return cycle


def _advance(
    actor: Actor,
    cycle: AssessmentCycle,
    expected: str,
    to: str,
    version: int | None,
    **changes: Any,
) -> AssessmentCycle:
    """Compare-and-set under a row lock: the cycle must still be at ``expected`` and at
    the ``version`` its editor opened (only a system job may leave that out)."""
    require_version(actor, version)
    stored = get_scoped(
        AssessmentCycle.objects.select_for_update(of=("self",)), actor, cycle.pk, CHANGE
    )
    moved_on = _(
        "The cycle moved on since you opened it (it is now “%(status)s”); nothing changed."
    ) % {"status": stored.get_status_display()}
    if stored.status != expected:
        raise StaleRecord(moved_on, current=stored)
    refuse_stale(stored, version, message=moved_on)
    stored.status = to
    stored.version += 1
    for name, value in changes.items():
        setattr(stored, name, value)
    audited(stored, actor, f"{expected} -> {to}").save()
    return stored


def _scorecards_in_scope(cycle: AssessmentCycle) -> Any:
    paths = [u.path for u in cycle.root_units.all()]
    in_scope = reduce(or_, (Q(unit__path__startswith=p) for p in paths), Q(pk__in=[]))
    return Scorecard.objects.filter(in_scope, year=cycle.year)


@transaction.atomic
def cycle_open(
    *, actor: Actor, cycle: AssessmentCycle, version: int | None, clock: Clock | None = None
) -> AssessmentCycle:
    """Open a draft cycle: keep a snapshot of its scheme (later edits of the scheme never
    change it) and create one empty result for every scorecard of the year in scope."""
    stored = _advance(actor, cycle, CycleStatus.DRAFT, CycleStatus.OPEN, version)
    stored.scheme_snapshot = stored.scheme.rules.to_json()
    audited(stored, actor, "scheme snapshot").save(update_fields=["scheme_snapshot"])
    existing = set(
        AssessmentResult.objects.filter(cycle=stored).values_list("scorecard_id", flat=True)
    )
    rows = [
        AssessmentResult(cycle=stored, scorecard_id=sc, unit_id=unit, employee_id=employee)
        for sc, unit, employee in _scorecards_in_scope(stored)
        .order_by("unit__path", "pk")
        .values_list("pk", "unit_id", "employee_id")
        if sc not in existing
    ]
    bulk_create_with_history(
        rows,
        AssessmentResult,
        batch_size=2000,
        default_user=history_user(actor),
        default_change_reason="cycle opened",
        default_date=now_of(clock),
    )
    tallies.refresh(stored.pk)
    return stored


def _step(expected: str, to: str) -> Any:
    @transaction.atomic
    def step(*, actor: Actor, cycle: AssessmentCycle, version: int | None) -> AssessmentCycle:
        return _advance(actor, cycle, expected, to, version)

    step.__doc__ = f"Move the cycle from {expected} to {to} (HR; compare-and-set)."
    return step


cycle_start_self_assessment = _step(CycleStatus.OPEN, CycleStatus.SELF_ASSESSMENT)
cycle_start_review = _step(CycleStatus.SELF_ASSESSMENT, CycleStatus.REVIEW)
cycle_start_calibration = _step(CycleStatus.REVIEW, CycleStatus.CALIBRATION)


@transaction.atomic
def cycle_publish(
    *, actor: Actor, cycle: AssessmentCycle, version: int | None, clock: Clock | None = None
) -> AssessmentCycle:
    """Publish a finalised cycle (HR; compare-and-set) and record when, from the clock: the
    appeal window of its results counts from ``published_at``."""
    return _advance(
        actor,
        cycle,
        CycleStatus.FINALISED,
        CycleStatus.PUBLISHED,
        version,
        published_at=now_of(clock),
    )


@transaction.atomic
def cycle_finalise(*, actor: Actor, cycle: AssessmentCycle, version: int | None) -> AssessmentCycle:
    """Finalise after calibration: from now on no path changes a score or a grade. The apps
    above hear of it through ``assessment.signals.cycle_finalised`` (the payouts start)."""
    uncomputed = AssessmentResult.objects.filter(cycle_id=cycle.pk, final_score__isnull=True)
    if uncomputed.exists():
        raise WrongState(
            _("%(count)s results have no score yet: compute the cycle before finalising.")
            % {"count": uncomputed.count()},
            code="uncomputed",
        )
    finalised = _advance(actor, cycle, CycleStatus.CALIBRATION, CycleStatus.FINALISED, version)
    cycle_finalised.send(sender=AssessmentCycle, cycle=finalised, actor=actor)
    return finalised


STEP_SERVICES = {
    CycleStatus.OPEN: cycle_open,
    CycleStatus.SELF_ASSESSMENT: cycle_start_self_assessment,
    CycleStatus.REVIEW: cycle_start_review,
    CycleStatus.CALIBRATION: cycle_start_calibration,
    CycleStatus.FINALISED: cycle_finalise,
    CycleStatus.PUBLISHED: cycle_publish,
}


def cycle_advance(
    *, actor: Actor, cycle: AssessmentCycle, to: str, version: int | None
) -> AssessmentCycle:
    """Take the step to ``to`` (which must be the cycle's next step) from the cycle's
    ``version`` its editor opened (``None``: a system job only)."""
    service = STEP_SERVICES.get(to)  # type: ignore[call-overload]
    if service is None:
        raise ValidationError({"to": _("Unknown step.")})
    return service(actor=actor, cycle=cycle, version=version)
