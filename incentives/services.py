"""Write services of the incentives: starting the payout computation, revising a bonus
scheme (a new version; the what-if applies its terms this way) and importing base bonuses."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from assessment.models import AssessmentCycle, CycleKind, CycleStatus
from incentives.models import UNIT_FACTOR_FIELDS, BonusScheme, UnitPool
from incentives.rules import GRADES
from incentives.selectors import SCHEME_REVISERS, own_pay_under
from org.models import OrgUnit
from org.scoping import ADMIN, CHANGE, HR, Actor, audited, history_user, require, scope_of
from org.versions import StaleRecord, require_version
from spm.errors import Conflict
from spm.jobs import job_create
from spm.models import Job

SCHEME_EDITORS = frozenset({HR, ADMIN})
# The terms a revision may change (the pools are passed apart).
TERM_FIELDS = (
    *GRADES,
    "cap_ratio",
    "cap_amount",
    "unit_factor",
    *UNIT_FACTOR_FIELDS.values(),
)


@transaction.atomic
def payouts_compute_start(*, actor: Actor, cycle: AssessmentCycle) -> Job:
    """HR starts the payout computation of a finalised cycle (404 out of scope); the task
    is enqueued on commit. Idempotent: while a computation of the cycle is waiting (sent
    again) or running, that job is returned instead of a second one; a finished one may be
    re-run (it rewrites nothing that has not changed) until the cycle is published, which
    locks its payouts."""
    from incentives.tasks import COMPUTE_KIND, payouts_compute

    require(actor, AssessmentCycle.objects.all(), cycle.pk, action=CHANGE)
    cycle = AssessmentCycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.status != CycleStatus.FINALISED:
        raise Conflict(
            _("Payouts are computed once the cycle is finalised and before it is published.")
        )
    running = (
        Job.objects.filter(kind=COMPUTE_KIND, params__cycle_id=cycle.pk)
        .filter(status__in=[Job.Status.PENDING, Job.Status.RUNNING])
        .order_by("-pk")
        .first()
    )
    if running is not None:
        if running.status == Job.Status.PENDING:
            # sent again (its message may be lost); a claim is compare-and-set, so a job
            # delivered twice still runs once
            payouts_compute.delay_on_commit(running.pk)
        return running
    return job_create(
        kind=COMPUTE_KIND,
        user=history_user(actor),
        params={"cycle_id": cycle.pk},
        task=payouts_compute,
    )


def on_cycle_finalised(*, cycle: AssessmentCycle, actor: Actor, **_signal: Any) -> None:
    """Receiver of ``assessment.signals.cycle_finalised``: an annual cycle's payouts (the
    annual settlement pays the bonuses, DESIGN §2.8) are computed as soon as it is
    finalised, in the background (enqueued when the finalise commits). Other cycles are
    paid only if HR computes them from the report."""
    if cycle.kind == CycleKind.ANNUAL:
        payouts_compute_start(actor=actor, cycle=cycle)


class OwnPay(PermissionDenied):
    """Separation of duties: the scheme decides the actor's own pay."""


class SchemeStale(StaleRecord):
    """A newer version of the scheme was saved since the editor opened theirs."""

    default_code = "scheme_stale"


@transaction.atomic
def scheme_revise(
    *,
    actor: Actor,
    scheme: BonusScheme,
    version: int | None,
    terms: Mapping[str, Any],
    pools: Mapping[int, Decimal],
    cycle: AssessmentCycle | None = None,
) -> BonusScheme:
    """A new version of ``scheme`` with ``terms`` (see ``TERM_FIELDS``) and ``pools``
    (unit id -> amount; the units must be in the actor's HR scope). The old version stays
    as it is, for the cycles that used it. Nobody revises a scheme that decides their own
    pay (``selectors.own_pay_under``; ``cycle`` is the one a what-if was tried on): that
    goes to another HR or an executive. ``version`` is the version the caller looked at
    (compare-and-set): a newer one -> Conflict; only a system job may leave it out. An
    unsaved ``scheme`` (the defaults, when there is none yet; ``version`` 0) makes version 1."""
    require_version(actor, version)
    scope = scope_of(actor)
    if not scope.has_role(*SCHEME_REVISERS):
        raise PermissionDenied(_("Only HR or an executive revises a bonus scheme."))
    if own_pay_under(actor, scheme, cycle):
        raise OwnPay(
            _(
                "This bonus scheme decides your own pay, so you may not revise it: another"
                " HR whose pay it does not affect, or an executive, revises it."
            )
        )
    unknown = set(terms) - set(TERM_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown terms: %(names)s") % {"names": ", ".join(sorted(unknown))})
    latest = (
        BonusScheme.objects.select_for_update()
        .filter(name=scheme.name)
        .order_by("-version")
        .first()
    )
    current = latest.version if latest else 0
    if (latest.pk if latest else None) != scheme.pk or version not in (None, current):
        raise SchemeStale(
            _("Someone has revised this scheme meanwhile; look at the current version."),
            current=latest,
        )
    units = {u.pk: u for u in OrgUnit.objects.filter(pk__in=list(pools))}
    for unit_id in pools:
        unit = units.get(unit_id)
        if unit is None or not scope.covers(unit.path, SCHEME_REVISERS):
            raise ValidationError(_("A pool names a unit outside your scope."))
    # Pools of units outside the actor's scope are carried over as they are.
    kept = {
        pool.unit_id: pool.amount
        for pool in UnitPool.objects.filter(scheme_id=scheme.pk).select_related("unit")
        if not scope.covers(pool.unit.path, SCHEME_REVISERS)
    }
    units.update({u.pk: u for u in OrgUnit.objects.filter(pk__in=list(kept))})
    pools = {**kept, **pools}
    revised = BonusScheme(name=scheme.name, version=(latest.version if latest else 0) + 1)
    for name in TERM_FIELDS:
        setattr(revised, name, terms.get(name, getattr(scheme, name)))
    revised.full_clean()
    audited(revised, actor, _("What-if applied")).save()
    rows = [UnitPool(scheme=revised, unit=units[u], amount=a) for u, a in pools.items()]
    for row in rows:
        row.full_clean()
        audited(row, actor, _("What-if applied")).save()
    return revised
