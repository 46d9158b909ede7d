"""Adjustments, vetoes and exemptions (§3.4): proposed by a reviewer, HR or executive,
decided by someone else. HR or an executive approve adjustments; only an executive
approves vetoes and exemptions. Nobody decides their own proposal or their own result.
Only approved ones count in the score; the explanation lists the others and why.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from assessment.models import (
    Adjustment,
    AssessmentResult,
    DecisionStatus,
    Exemption,
    Veto,
)
from assessment.services.common import (
    covered_by,
    now_of,
    refuse_own,
    require_running,
    result_for_change,
)
from org.scoping import ADMIN, EXECUTIVE, HR, VIEW, Actor, audited, get_scoped, history_user
from org.versions import WrongState, refuse_stale, require_version
from scorecard.models import ScorecardItem
from spm.clock import Clock
from spm.errors import NotPermitted

APPROVERS: dict[type[Any], frozenset[str]] = {
    Adjustment: frozenset({HR, EXECUTIVE, ADMIN}),
    Veto: frozenset({EXECUTIVE, ADMIN}),
    Exemption: frozenset({EXECUTIVE, ADMIN}),
}


def _propose(actor: Actor, row: Any, evidence: UploadedFile | None) -> Any:
    stored = result_for_change(actor, row.result_id)
    require_running(stored.cycle)
    refuse_own(actor, stored)
    row.result = stored
    row.proposed_by = history_user(actor)
    if evidence is not None:
        row.evidence = evidence
    row.full_clean()
    audited(row, actor, "proposed").save()
    return row


@transaction.atomic
def adjustment_propose(
    *,
    actor: Actor,
    result: AssessmentResult,
    kind: str,
    points: Decimal,
    reason: str,
    evidence: UploadedFile | None = None,
) -> Adjustment:
    """Propose bonus points or a deduction, with a reason and evidence."""
    row = Adjustment(result_id=result.pk, kind=kind, points=points, reason=reason)
    return _propose(actor, row, evidence)


@transaction.atomic
def veto_propose(
    *, actor: Actor, result: AssessmentResult, reason: str, evidence: UploadedFile | None = None
) -> Veto:
    """Report a red-line event that would force the grade to unqualified."""
    return _propose(actor, Veto(result_id=result.pk, reason=reason), evidence)


@transaction.atomic
def exemption_propose(
    *,
    actor: Actor,
    result: AssessmentResult,
    item: ScorecardItem,
    reason: str,
    evidence: UploadedFile | None = None,
) -> Exemption:
    """Ask to remove an item from scoring (a failure the unit did not cause)."""
    if item.scorecard_id != result.scorecard_id:
        raise ValidationError({"item": _("Choose an item of this scorecard.")})
    if Exemption.objects.filter(
        result_id=result.pk,
        item_id=item.pk,
        status__in=[DecisionStatus.PROPOSED, DecisionStatus.APPROVED],
    ).exists():
        raise ValidationError({"item": _("This item already has an exemption.")})
    row = Exemption(result_id=result.pk, item=item, reason=reason)
    return _propose(actor, row, evidence)


def _decide(
    actor: Actor,
    model: type[Any],
    pk: int,
    approve: bool,
    note: str,
    version: int | None,
    clock: Clock | None,
) -> Any:
    require_version(actor, version)
    get_scoped(model.objects.all(), actor, pk, VIEW)
    row = model.objects.select_for_update(of=("self",)).select_related("result__unit").get(pk=pk)
    if not covered_by(actor, row.result.unit.path, APPROVERS[model]):
        raise NotPermitted(_("Only an approver decides this."))
    result = result_for_change(actor, row.result_id)
    require_running(result.cycle)
    refuse_stale(row, version)
    if row.status != DecisionStatus.PROPOSED:
        raise WrongState(_("This was already decided."), code="decided", current=row)
    me = history_user(actor)
    if me is not None and row.proposed_by_id == me.pk:
        raise NotPermitted(_("Someone other than the proposer decides."), code="own")
    refuse_own(actor, result)
    if not approve and not note.strip():
        raise ValidationError({"note": _("Say why it is rejected.")})
    row.status = DecisionStatus.APPROVED if approve else DecisionStatus.REJECTED
    row.decided_by = me
    row.decided_at = now_of(clock)
    row.decision_note = note
    row.version += 1
    audited(row, actor, str(row.status)).save()
    return row


@transaction.atomic
def adjustment_decide(
    *,
    actor: Actor,
    adjustment: Adjustment,
    approve: bool,
    note: str = "",
    version: int | None,
    clock: Clock | None = None,
) -> Adjustment:
    return _decide(actor, Adjustment, adjustment.pk, approve, note, version, clock)


@transaction.atomic
def veto_decide(
    *,
    actor: Actor,
    veto: Veto,
    approve: bool,
    note: str = "",
    version: int | None,
    clock: Clock | None = None,
) -> Veto:
    return _decide(actor, Veto, veto.pk, approve, note, version, clock)


@transaction.atomic
def exemption_decide(
    *,
    actor: Actor,
    exemption: Exemption,
    approve: bool,
    note: str = "",
    version: int | None,
    clock: Clock | None = None,
) -> Exemption:
    return _decide(actor, Exemption, exemption.pk, approve, note, version, clock)
