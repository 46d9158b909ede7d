"""Write services of the incentives."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from assessment.models import AssessmentCycle, CycleStatus
from org.scoping import CHANGE, Actor, require
from spm.errors import Conflict
from spm.jobs import job_create
from spm.models import Job


@transaction.atomic
def payouts_compute_start(*, actor: Actor, cycle: AssessmentCycle) -> Job:
    """HR starts the payout computation of a finalised cycle (404 out of scope)."""
    from incentives.tasks import COMPUTE_KIND, payouts_compute

    require(actor, AssessmentCycle.objects.all(), cycle.pk, action=CHANGE)
    cycle = AssessmentCycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.status != CycleStatus.FINALISED:
        raise Conflict(
            _("Payouts are computed once the cycle is finalised and before it is published.")
        )
    return job_create(
        kind=COMPUTE_KIND, user=actor, params={"cycle_id": cycle.pk}, task=payouts_compute
    )
