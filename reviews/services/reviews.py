"""360° review services: reviewers suggested from the org tree and line managers, adjusted
by HR; each reviewer answers their own review. Nobody but the reviewer writes an answer,
and no answer names its reviewer to the reviewee (see :mod:`reviews.selectors`)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from assessment.models import AssessmentResult
from assessment.services.common import (
    actor_employee_id,
    now_of,
    require_running,
    result_for_change,
)
from org.models import Employee
from org.scoping import ADMIN, HR, Actor, audited, get_scoped, require
from org.versions import WrongState, claim_or_new, refuse_stale, require_version
from reviews import notify, rules
from reviews.models import Review
from reviews.models.reviews import ASSIGN
from spm.clock import Clock
from spm.errors import NotPermitted

HR_ROLES = frozenset({HR, ADMIN})


def suggested_reviewers(result: AssessmentResult) -> list[tuple[int, str]]:
    """``[(employee id, kind)]``: the person themself, their line manager, peers (same line
    manager) and subordinates (whom they manage). One query for the people around them."""
    if result.employee_id is None:
        return []
    me = Employee.objects.only("id", "line_manager_id").get(pk=result.employee_id)
    found: list[tuple[int, str]] = [(me.pk, rules.SELF)]
    if me.line_manager_id is not None:
        found.append((me.line_manager_id, rules.SUPERIOR))
    around = Employee.objects.exclude(pk=me.pk).filter(line_manager_id=me.pk)
    if me.line_manager_id is not None:
        around = around | Employee.objects.exclude(pk=me.pk).filter(
            line_manager_id=me.line_manager_id
        )
    for pk, manager_id in around.order_by("pk").values_list("pk", "line_manager_id"):
        found.append((pk, rules.SUBORDINATE if manager_id == me.pk else rules.PEER))
    return found


@transaction.atomic
def reviews_suggest(*, actor: Actor, result: AssessmentResult) -> list[Review]:
    """HR creates the suggested reviews of a result (existing ones are kept)."""
    stored = result_for_change(actor, result.pk, roles=HR_ROLES)
    require_running(stored.cycle)
    have = set(Review.objects.filter(result=stored).values_list("reviewer_id", flat=True))
    made = [
        Review(result=stored, reviewer_id=pk, kind=kind)
        for pk, kind in suggested_reviewers(stored)
        if pk not in have
    ]
    for row in made:
        row.full_clean()
        audited(row, actor, "suggested").save()
    _tell_reviewers(stored, made)
    return made


def _tell_reviewers(result: AssessmentResult, rows: list[Review]) -> None:
    """Each newly asked reviewer hears whom to review (the reviewee hears nothing)."""
    from django.urls import reverse

    from notifications.services import Message, notifications_send

    users = dict(
        Employee.objects.filter(pk__in=[r.reviewer_id for r in rows]).values_list("pk", "user_id")
    )
    params = {"employee": result.owner_name, "cycle": result.cycle.name}
    notifications_send(
        messages=[
            Message(
                users[r.reviewer_id],
                notify.REVIEW_ASKED,
                params,
                reverse("reviews-review", args=[r.pk]),
                f"review-asked:{r.pk}",
            )
            for r in rows
            if users.get(r.reviewer_id) is not None
        ]
    )


@transaction.atomic
def review_assign(
    *,
    actor: Actor,
    result: AssessmentResult,
    reviewer: Employee,
    kind: str,
    version: int | None = None,
) -> Review:
    """HR adds a reviewer of a kind (or changes the kind of one already asked: from the
    ``version`` of that review HR opened; asking someone new has none)."""
    stored = result_for_change(actor, result.pk, roles=HR_ROLES)
    require_running(stored.cycle)
    if kind == rules.SELF and reviewer.pk != stored.employee_id:
        raise NotPermitted(_("Only the person assessed writes the self-assessment."))
    if kind != rules.SELF and reviewer.pk == stored.employee_id:
        raise ValidationError(_("The person assessed reviews themself only as self-assessment."))
    row = claim_or_new(
        actor,
        Review.objects.select_for_update().filter(result=stored, reviewer=reviewer),
        Review(result=stored, reviewer=reviewer),
        version,
    )
    new = row.pk is None
    row.kind = kind
    row.full_clean()
    audited(row, actor, "assigned").save()
    if new:
        _tell_reviewers(stored, [row])
    return row


@transaction.atomic
def review_remove(*, actor: Actor, review: Review, version: int | None) -> None:
    """HR withdraws a reviewer who has not answered yet, from the ``version`` of the
    review HR opened."""
    stored = get_scoped(Review.objects.select_for_update(), actor, review.pk, ASSIGN)
    result_for_change(actor, stored.result_id, roles=HR_ROLES)
    require_version(actor, version)
    refuse_stale(stored, version)
    if stored.submitted_at is not None:
        raise WrongState(_("This review is already answered; it stays."), current=stored)
    stored.delete()


@transaction.atomic
def review_submit(
    *,
    actor: Actor,
    review: Review,
    integrity: Decimal,
    synergy: Decimal,
    systematicness: Decimal,
    comment: str = "",
    version: int | None,
    clock: Clock | None = None,
) -> Review:
    """The reviewer answers (or revises) their review while the cycle is running, from the
    ``version`` of it they opened (HR asked for it, so even the first answer has one)."""
    require_version(actor, version)
    stored = get_scoped(Review.objects.select_for_update(), actor, review.pk)
    if actor_employee_id(actor) != stored.reviewer_id:
        raise Http404  # only the reviewer answers; HR sees completion, not answers
    require_running(stored.result.cycle)
    refuse_stale(stored, version)
    stored.integrity, stored.synergy, stored.systematicness = integrity, synergy, systematicness
    stored.comment, stored.submitted_at = comment, now_of(clock)
    stored.version += 1
    stored.full_clean()
    for name in ("integrity", "synergy", "systematicness"):
        if getattr(stored, name) is None:
            raise ValidationError({name: _("Rate each behaviour from 0 to 100.")})
    stored.save()
    require(actor, Review.objects.all(), stored.pk)
    return stored
