"""The critical-incident log: a manager records, corrects and removes incidents about the
people of their unit; nobody records about themself."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from assessment.services.common import now_of
from org.models import Employee
from org.scoping import CHANGE, Actor, audited, get_scoped, history_user, require
from org.versions import refuse_stale, require_version
from reviews.models import CriticalIncident
from reviews.services.common import employee_managed
from spm.clock import Clock
from spm.clock import clock as default_clock


def _check_day(occurred_on: date, clock: Clock | None) -> None:
    if occurred_on > (clock or default_clock()).today():
        raise ValidationError({"occurred_on": _("An incident is recorded once it happened.")})


@transaction.atomic
def incident_record(
    *,
    actor: Actor,
    employee: Employee,
    occurred_on: date,
    kind: str,
    description: str,
    clock: Clock | None = None,
) -> CriticalIncident:
    stored = employee_managed(actor, employee.pk)
    _check_day(occurred_on, clock)
    row = CriticalIncident(
        employee=stored,
        unit=stored.unit,
        occurred_on=occurred_on,
        kind=kind,
        description=description,
        recorded_by_id=getattr(history_user(actor), "pk", None),
        recorded_at=now_of(clock),
    )
    row.full_clean()
    audited(row, actor, "recorded").save()
    require(actor, CriticalIncident.objects, row.pk)
    return row


@transaction.atomic
def incident_update(
    *,
    actor: Actor,
    incident: CriticalIncident,
    occurred_on: date,
    kind: str,
    description: str,
    version: int | None,
    clock: Clock | None = None,
) -> CriticalIncident:
    require_version(actor, version)
    stored = get_scoped(CriticalIncident.objects.select_for_update(), actor, incident.pk, CHANGE)
    refuse_stale(stored, version)
    _check_day(occurred_on, clock)
    stored.occurred_on, stored.kind, stored.description = occurred_on, kind, description
    stored.version += 1
    stored.full_clean()
    audited(stored, actor, "corrected").save()
    require(actor, CriticalIncident.objects, stored.pk)
    return stored


@transaction.atomic
def incident_delete(*, actor: Actor, incident: CriticalIncident, version: int | None) -> None:
    """Remove an incident, from the ``version`` of it the manager read."""
    stored = get_scoped(CriticalIncident.objects.select_for_update(), actor, incident.pk, CHANGE)
    require_version(actor, version)
    refuse_stale(stored, version)
    audited(stored, actor, "removed").delete()
