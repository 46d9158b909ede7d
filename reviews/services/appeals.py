"""Appeals: the assessed person appeals a published result within the window; HR takes it
under review and upholds it or changes it. A change records the result as it was, sets the
corrected qualitative part (which the reviews provider then answers for this result) and
re-scores the result through the assessment engine, audited with the appeal's reason."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.compute import rescore_result
from assessment.models import AssessmentResult, CycleStatus
from assessment.services.common import covered_by, is_subject, now_of
from notifications.services import notification_send
from org.scoping import ADMIN, CHANGE, HR, VIEW, Actor, audited, get_scoped, history_user
from org.versions import WrongState, refuse_stale, require_version
from reviews import notify, rules
from reviews.models import Appeal, AppealStatus
from reviews.models.appeals import OPEN_STATUSES
from spm.clock import Clock, clock
from spm.errors import NotPermitted

DECIDERS = frozenset({HR, ADMIN})


def published_on(result: AssessmentResult) -> date | None:
    """The day (in the site's time zone) the result's cycle was published, as the publish
    step recorded it from the clock; None while it is not published."""
    cycle = result.cycle
    if cycle.status != CycleStatus.PUBLISHED or cycle.published_at is None:
        return None
    return timezone.localdate(cycle.published_at)


def deadline_of(result: AssessmentResult) -> date | None:
    day = published_on(result)
    return None if day is None else rules.appeal_deadline(day)


def may_appeal_now(result: AssessmentResult, clock_: Clock | None = None) -> bool:
    """Whether the window to appeal ``result`` is open today (by the app's clock)."""
    return rules.may_appeal(published_on(result), (clock_ or clock()).today())


@transaction.atomic
def appeal_submit(
    *,
    actor: Actor,
    result: AssessmentResult,
    reason: str,
    evidence: UploadedFile | None = None,
    clock_: Clock | None = None,
) -> Appeal:
    """The assessed person appeals, within the window, once at a time."""
    stored = get_scoped(
        AssessmentResult.objects.select_related("cycle", "unit", "employee").select_for_update(
            of=("self",)
        ),
        actor,
        result.pk,
        VIEW,
    )
    if not is_subject(actor, stored):
        raise NotPermitted(_("Only the person assessed appeals their result."))
    day = published_on(stored)
    today = (clock_ or clock()).today()
    if not rules.may_appeal(day, today):
        raise WrongState(
            _("Appeals are taken only within the window after publishing."), current=stored
        )
    open_appeal = Appeal.objects.filter(result=stored, status__in=OPEN_STATUSES).first()
    if open_appeal is not None:
        raise WrongState(_("An appeal against this result is already open."), current=open_appeal)
    assert day is not None
    row = Appeal(
        result=stored,
        reason=reason,
        submitted_at=now_of(clock_),
        deadline=rules.appeal_deadline(day),
    )
    if evidence is not None:
        row.evidence = evidence
    row.full_clean()
    audited(row, actor, "submitted").save()
    recipients = notify.hr_users_over(stored.unit.path)
    if recipients:
        notification_send(
            recipients=recipients,
            kind=notify.APPEAL_SUBMITTED,
            params={
                "employee": stored.owner_name,
                "cycle": stored.cycle.name,
                "deadline": row.deadline.isoformat(),
            },
            link=reverse("reviews-appeal", args=[row.pk]),
        )
    return row


def _for_decision(actor: Actor, appeal: Appeal, expected: str, version: int | None) -> Appeal:
    require_version(actor, version)
    stored = get_scoped(
        Appeal.objects.select_for_update(of=("self",)).select_related("result__unit"),
        actor,
        appeal.pk,
        CHANGE,
    )
    if not covered_by(actor, stored.result.unit.path, DECIDERS):
        raise Http404
    if is_subject(actor, stored.result):
        raise NotPermitted(_("Nobody decides an appeal against their own result."))
    refuse_stale(stored, version)
    if stored.status != expected:
        raise WrongState(
            _("This appeal is no longer at that step."), code="stale_step", current=stored
        )
    return stored


@transaction.atomic
def appeal_review_start(*, actor: Actor, appeal: Appeal, version: int | None) -> Appeal:
    stored = _for_decision(actor, appeal, AppealStatus.SUBMITTED, version)
    stored.status = AppealStatus.UNDER_REVIEW
    stored.version += 1
    audited(stored, actor, "under review").save()
    return stored


@transaction.atomic
def appeal_decide(
    *,
    actor: Actor,
    appeal: Appeal,
    change: bool,
    note: str,
    corrected_qualitative: Decimal | None = None,
    version: int | None,
    clock_: Clock | None = None,
) -> Appeal:
    """Uphold the result, or change it: correct the qualitative part and re-score."""
    stored = _for_decision(actor, appeal, AppealStatus.UNDER_REVIEW, version)
    if not note.strip():
        raise ValidationError({"note": _("Say why the appeal is upheld or changed.")})
    if change and corrected_qualitative is None:
        raise ValidationError(
            {"corrected_qualitative": _("A change needs the corrected qualitative part.")}
        )
    result = stored.result
    stored.decided_at = now_of(clock_)
    stored.decided_by_id = getattr(history_user(actor), "pk", None)
    stored.decision_note = note
    stored.status = AppealStatus.CHANGED if change else AppealStatus.UPHELD
    if change:
        stored.previous_final_score = result.final_score
        stored.previous_grade = result.calibrated_grade or result.grade
        stored.previous_explanation = result.explanation
        stored.corrected_qualitative = corrected_qualitative
    stored.version += 1
    stored.full_clean()
    audited(stored, actor, str(stored.status)).save()
    if change:
        rescore_result(
            result.pk,
            now=stored.decided_at,
            reason=f"appeal {stored.pk} changed",
            user=history_user(actor),
        )
    notify.send(
        notify.APPEAL_DECIDED,
        [result.employee_id],
        {"cycle": result.cycle.name, "status": str(stored.status)},
        link=reverse("reviews-appeal", args=[stored.pk]),
    )
    return stored
