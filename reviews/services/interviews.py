"""Performance interviews: the manager schedules and records; both acknowledge the record.
Recording again (a correction) asks both to acknowledge once more."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from assessment.models import AssessmentResult
from assessment.services.common import covered_by, now_of
from org.models import Employee
from org.scoping import VIEW, Actor, audited, get_scoped, require
from org.versions import WrongState, refuse_stale, require_version
from reviews import notify
from reviews.models import Interview
from reviews.services.common import MANAGERS, employee_managed, me_of
from spm.clock import Clock
from spm.errors import NotPermitted


@transaction.atomic
def interview_schedule(
    *,
    actor: Actor,
    employee: Employee,
    scheduled_for: datetime,
    place: str = "",
    result: AssessmentResult | None = None,
) -> Interview:
    me = me_of(actor)
    person = employee_managed(actor, employee.pk)
    if result is not None:
        result = get_scoped(AssessmentResult.objects.all(), actor, result.pk, VIEW)
        if result.employee_id != person.pk:
            raise ValidationError({"result": _("Choose a result of this employee.")})
    row = Interview(
        employee=person, unit=person.unit, manager_id=me, result=result,
        scheduled_for=scheduled_for, place=place,
    )  # fmt: skip
    row.full_clean()
    audited(row, actor, "scheduled").save()
    require(actor, Interview.objects, row.pk, VIEW)
    notify.send(
        notify.INTERVIEW_SCHEDULED,
        [person.pk],
        {"manager": row.manager.name, "when": scheduled_for.strftime("%Y-%m-%d %H:%M")},
        link=reverse("reviews-interview", args=[row.pk]),
    )
    return row


def _for_manager(actor: Actor, interview: Interview) -> Interview:
    stored = get_scoped(
        Interview.objects.select_for_update(of=("self",)).select_related("unit"),
        actor, interview.pk, VIEW,
    )  # fmt: skip
    if stored.employee_id == me_of(actor) or not covered_by(actor, stored.unit.path, MANAGERS):
        raise Http404
    return stored


@transaction.atomic
def interview_record(
    *,
    actor: Actor,
    interview: Interview,
    strengths: str,
    gaps: str,
    agreed_actions: str,
    version: int | None,
    clock: Clock | None = None,
) -> Interview:
    require_version(actor, version)
    stored = _for_manager(actor, interview)
    refuse_stale(stored, version)
    if not (strengths.strip() or gaps.strip() or agreed_actions.strip()):
        raise ValidationError(_("Record what was said: strengths, gaps or agreed actions."))
    stored.strengths, stored.gaps, stored.agreed_actions = strengths, gaps, agreed_actions
    stored.recorded_at = now_of(clock)
    stored.employee_acknowledged_at = stored.manager_acknowledged_at = None
    stored.version += 1
    stored.full_clean()
    audited(stored, actor, "recorded").save()
    notify.send(
        notify.INTERVIEW_RECORDED,
        [stored.employee_id],
        {"employee": stored.employee.name},
        link=reverse("reviews-interview", args=[stored.pk]),
    )
    return stored


@transaction.atomic
def interview_acknowledge(
    *, actor: Actor, interview: Interview, version: int | None, clock: Clock | None = None
) -> Interview:
    """The employee, or the manager who held it, acknowledges the record they read (its
    ``version``: a record corrected since is acknowledged only once read again)."""
    require_version(actor, version)
    me = me_of(actor)
    stored = get_scoped(
        Interview.objects.select_for_update(of=("self",)), actor, interview.pk, VIEW
    )
    refuse_stale(stored, version)
    if stored.recorded_at is None:
        raise WrongState(_("The interview is not recorded yet."), current=stored)
    at = now_of(clock)
    if me == stored.employee_id:
        stored.employee_acknowledged_at = at
    elif me == stored.manager_id:
        stored.manager_acknowledged_at = at
    else:
        raise NotPermitted(_("Only the employee and the manager who held it acknowledge."))
    stored.version += 1
    audited(stored, actor, "acknowledged").save()
    return stored
