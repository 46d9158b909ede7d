"""A reviewer's inputs to a result: key-task grades (§3.3), confirmed milestone dates
(§3.2), the qualitative rating (§3.5) and the end of the review; the employee's
self-assessment. Nobody gives these for their own result."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from assessment.models import (
    AssessmentResult,
    CycleStatus,
    KeyTaskGrade,
    MilestoneConfirmation,
    QualitativeRating,
)
from assessment.services.common import (
    claim_result,
    is_subject,
    now_of,
    refuse_own,
    require_running,
    result_for_change,
)
from org.scoping import VIEW, Actor, audited, get_scoped, history_user, require
from org.versions import WrongState, claim_or_new, require_version
from scorecard.models import ItemKind, Milestone, ScorecardItem
from spm.clock import Clock
from spm.errors import NotPermitted


def _reviewed_result(actor: Actor, result: AssessmentResult) -> AssessmentResult:
    stored = result_for_change(actor, result.pk)
    require_running(stored.cycle)
    refuse_own(actor, stored)
    return stored


@transaction.atomic
def key_task_grade(
    *,
    actor: Actor,
    result: AssessmentResult,
    item: ScorecardItem,
    grade: str,
    note: str = "",
    evidence: UploadedFile | None = None,
    version: int | None = None,
) -> KeyTaskGrade:
    """Grade a key task of the result's scorecard (create or change the grade). A change
    names the grade's ``version`` its reviewer opened; the first grade has none."""
    stored = _reviewed_result(actor, result)
    if item.scorecard_id != stored.scorecard_id or item.kind != ItemKind.KEY_TASK:
        raise ValidationError({"item": _("Choose a key task of this scorecard.")})
    row = claim_or_new(
        actor,
        KeyTaskGrade.objects.select_for_update(of=("self",)).filter(result=stored, item=item),
        KeyTaskGrade(result=stored, item=item),
        version,
    )
    row.grade, row.note, row.graded_by = grade, note, history_user(actor)
    if evidence is not None:
        row.evidence = evidence
    row.full_clean()
    audited(row, actor).save()
    require(actor, KeyTaskGrade.objects, row.pk)
    return row


@transaction.atomic
def milestone_confirm(
    *,
    actor: Actor,
    result: AssessmentResult,
    milestone: Milestone,
    completed_on: date | None,
    note: str = "",
    version: int | None = None,
    clock: Clock | None = None,
) -> MilestoneConfirmation:
    """Confirm when a milestone was completed (``None``: not completed). A change names
    the confirmation's ``version`` its reviewer opened; the first confirmation has none."""
    stored = _reviewed_result(actor, result)
    get_scoped(Milestone.objects.all(), actor, milestone.pk, VIEW)
    if milestone.item.scorecard_id != stored.scorecard_id:
        raise ValidationError({"milestone": _("Choose a milestone of this scorecard.")})
    if completed_on is not None and completed_on > now_of(clock).date():
        raise ValidationError({"completed_on": _("A milestone cannot be reached in the future.")})
    row = claim_or_new(
        actor,
        MilestoneConfirmation.objects.select_for_update().filter(
            result=stored, milestone=milestone
        ),
        MilestoneConfirmation(result=stored, milestone=milestone),
        version,
    )
    row.completed_on, row.note, row.confirmed_by = completed_on, note, history_user(actor)
    row.full_clean()
    audited(row, actor).save()
    return row


@transaction.atomic
def qualitative_rate(
    *,
    actor: Actor,
    result: AssessmentResult,
    rating: Decimal,
    note: str = "",
    version: int | None = None,
) -> QualitativeRating:
    """The reviewer's qualitative rating (0-100), until 360° reviews replace it. A change
    names the rating's ``version`` its reviewer opened; the first rating has none."""
    stored = _reviewed_result(actor, result)
    row = claim_or_new(
        actor,
        QualitativeRating.objects.select_for_update().filter(result=stored),
        QualitativeRating(result=stored),
        version,
    )
    row.rating, row.note, row.rated_by = rating, note, history_user(actor)
    row.full_clean()
    audited(row, actor).save()
    return row


@transaction.atomic
def result_review_done(
    *,
    actor: Actor,
    result: AssessmentResult,
    version: int | None,
    clock: Clock | None = None,
) -> AssessmentResult:
    """The reviewer says the review of this result is complete, from the result's
    ``version`` they opened."""
    stored = _reviewed_result(actor, result)
    require_version(actor, version)
    claim_result(stored, version)
    stored.reviewed_at = now_of(clock)
    audited(stored, actor, "reviewed").save(update_fields=["reviewed_at", "version"])
    return stored


@transaction.atomic
def result_self_assess(
    *,
    actor: Actor,
    result: AssessmentResult,
    text: str,
    version: int | None,
    clock: Clock | None = None,
) -> AssessmentResult:
    """The assessed person's self-assessment, while the cycle is open for it, from the
    result's ``version`` they opened."""
    stored = (
        AssessmentResult.objects.select_for_update(of=("self",))
        .select_related("cycle")
        .filter(pk=result.pk)
        .first()
    )
    if stored is None or not is_subject(actor, stored):
        get_scoped(AssessmentResult.objects.all(), actor, result.pk, VIEW)
        raise NotPermitted(_("Only the person assessed writes the self-assessment."))
    require_version(actor, version)
    if stored.cycle.status not in (CycleStatus.OPEN, CycleStatus.SELF_ASSESSMENT):
        raise WrongState(_("The self-assessment step of this cycle is over."), current=stored.cycle)
    if not text.strip():
        raise ValidationError({"text": _("Write your self-assessment.")})
    claim_result(stored, version)
    stored.self_assessment = text
    stored.self_assessed_at = now_of(clock)
    audited(stored, actor, "self-assessed").save(
        update_fields=["self_assessment", "self_assessed_at", "version"]
    )
    return stored
