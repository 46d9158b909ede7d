"""Responsibility letters: issue, sign, countersign, acknowledge, and amend a signed scorecard.

The life of a letter::

    scorecard draft --letter_issue--> letter awaiting the head   (scorecard: signing)
        --letter_sign (unit head, or the employee)--> awaiting the issuer
        --letter_countersign (the issuer)--> signed              (scorecard: signed, locked)
    signed scorecard --scorecard_amend--> draft again (the signed letter stays in force)
        --letter_issue (with a reason)--> version n+1 ... both signatures again

Each letter keeps a snapshot of the scorecard as issued; pages and PDFs render from the
snapshot, never from live rows, so every version stays readable as it was signed. The
snapshot carries a fingerprint of the goals: if the scorecard is edited while a letter
awaits signatures, the signatures are refused until a new letter is issued.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from org.models import Employee
from org.scoping import (
    ADMIN,
    CHANGE,
    EXECUTIVE,
    HR,
    VIEW,
    Actor,
    SystemActor,
    audited,
    history_user,
    require,
    scope_of,
)
from org.versions import WrongState
from scorecard.models import (
    ItemKind,
    LetterStatus,
    ResponsibilityLetter,
    Scorecard,
    ScorecardStatus,
)
from scorecard.selectors.duties import is_own_card
from scorecard.services.letters_snapshot import goal_rows, goals_fingerprint, letter_snapshot
from scorecard.services.scorecards import lock_scorecard
from spm.clock import Clock
from spm.clock import clock as configured_clock

# --- Who is who ----------------------------------------------------------------------


def default_signer(scorecard: Scorecard) -> Employee | None:
    """The unit head signs a unit scorecard; the employee signs their own."""
    if scorecard.employee_id:
        return scorecard.employee
    return scorecard.unit.head


def default_issuer(scorecard: Scorecard) -> Employee | None:
    """The head one level up: of the employee's unit, else of the parent unit."""
    signer = default_signer(scorecard)
    candidates = []
    if scorecard.employee_id:
        candidates.append(scorecard.unit.head)
    if scorecard.unit.parent_id:
        candidates.append(scorecard.unit.parent.head)  # type: ignore[union-attr]
    for candidate in candidates:
        if candidate is not None and candidate != signer:
            return candidate
    return None


def _is_executive_over(employee: Employee, scorecard: Scorecard) -> bool:
    return scope_of(employee.user).covers(scorecard.unit.path, [EXECUTIVE])


def may_issue(actor: Actor, scorecard: Scorecard) -> bool:
    """Letters are issued from above: HR, an executive or admin over the unit, or the
    issuer in person (the head one level up). Nobody issues the letter of their own goals:
    neither an employee theirs nor a unit head their unit's (they sign it)."""
    scope = scope_of(actor)
    if is_own_card(actor, scorecard):
        return False  # one's own letter is issued by the next level up (separation of duties)
    if scope.covers(scorecard.unit.path, [HR, EXECUTIVE, ADMIN]):
        return True
    issuer = default_issuer(scorecard)
    return issuer is not None and issuer.pk == scope.employee_id


def _require_issuing_side(actor: Actor, scorecard: Scorecard) -> None:
    require(actor, Scorecard.objects, scorecard.pk, CHANGE)
    if not may_issue(actor, scorecard):
        raise PermissionDenied(_("Only the issuing side may issue or amend this letter."))


def _locked_scorecard(scorecard: Scorecard) -> Scorecard:
    # Lock the row (PostgreSQL) so two signatures or two issues cannot interleave.
    return (
        Scorecard.objects.select_for_update(of=("self",))
        .select_related("unit__parent__head", "unit__head", "employee__unit", "plan")
        .get(pk=scorecard.pk)
    )


def _check_goals(scorecard: Scorecard) -> None:
    items = list(scorecard.items.values_list("kind", "weight"))
    if not items:
        raise ValidationError(_("The scorecard has no items; there is nothing to sign."))
    weight = sum((w for kind, w in items if kind != ItemKind.KEY_TASK), start=0)
    if weight != 100:
        raise ValidationError(
            _("Quantitative and milestone weights add up to %(weight)s, not 100.")
            % {"weight": weight}
        )


@transaction.atomic
def letter_issue(
    *,
    actor: Actor,
    scorecard: Scorecard,
    issuer: Employee | None = None,
    reason: str = "",
) -> ResponsibilityLetter:
    """Render the scorecard as the next letter version and send it for signature.

    A pending (unsigned) letter is superseded. After a signed version, a reason for the
    amendment is required. The scorecard moves to ``signing``.
    """
    _require_issuing_side(actor, scorecard)
    scorecard = _locked_scorecard(scorecard)
    if scorecard.status == ScorecardStatus.SIGNED:
        raise WrongState(
            _("The scorecard is signed and locked; amend it first."), current=scorecard
        )
    _check_goals(scorecard)
    signer = default_signer(scorecard)
    if signer is None:
        raise ValidationError(_("The unit has no head to sign the letter."))
    issuer = issuer or default_issuer(scorecard)
    if issuer is None and actor.pk is not None:
        issuer = Employee.objects.filter(user_id=actor.pk, active=True).first()
    if issuer is None or issuer == signer:
        raise ValidationError(_("Nobody above the signer can issue this letter."))
    if issuer != default_issuer(scorecard) and not _is_executive_over(issuer, scorecard):
        raise ValidationError(
            {"issuer": _("The issuer must head the unit above, or be an executive over it.")}
        )
    letters = ResponsibilityLetter.objects.filter(scorecard=scorecard)
    if letters.filter(countersigned_at__isnull=False).exists() and not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the amendment.")})
    _supersede_pending(letters, actor)
    version = (letters.aggregate(v=Max("version"))["v"] or 0) + 1
    letter = ResponsibilityLetter(
        scorecard=scorecard,
        version=version,
        status=LetterStatus.AWAITING_HEAD,
        snapshot=letter_snapshot(scorecard=scorecard, signer=signer, issuer=issuer),
        reason=reason.strip(),
        issuer=issuer,
        signer=signer,
        created_by_id=actor.pk,
    )
    _clean(letter)
    audited(letter, actor).save()
    scorecard.status = ScorecardStatus.SIGNING
    audited(scorecard, actor).save(update_fields=["status"])
    require(actor, ResponsibilityLetter.objects, letter.pk, VIEW)
    return letter


def _fresh_letter(letter: ResponsibilityLetter) -> ResponsibilityLetter:
    # The scorecard row first, as every goal write takes it: an edit of the goals either
    # commits before the signature reads them (and the fingerprint refuses it) or waits
    # until the scorecard is locked (and is refused as locked).
    scorecard_id = (
        ResponsibilityLetter.objects.filter(pk=letter.pk)
        .values_list("scorecard_id", flat=True)
        .first()
    )
    if scorecard_id is not None:
        lock_scorecard(scorecard_id)
    return (
        ResponsibilityLetter.objects.select_for_update(of=("self",))
        .select_related("scorecard", "signer__user", "issuer__user")
        .get(pk=letter.pk)
    )


def _check_unchanged(letter: ResponsibilityLetter) -> None:
    items = goal_rows(letter.scorecard)
    if goals_fingerprint(items) != letter.snapshot.get("fingerprint"):
        raise WrongState(
            _("The scorecard changed after this letter was issued; issue a new letter."),
            current=letter,
        )


def _is(actor: Actor, employee: Employee) -> bool:
    """Whether ``actor`` is ``employee`` (the system acts for anyone: the demo signs)."""
    return isinstance(actor, SystemActor) or employee.user_id == actor.pk


def _clean(letter: ResponsibilityLetter) -> None:
    # A letter issued by a system job (the demo seed) has no ``created_by``.
    letter.full_clean(exclude=["created_by"] if letter.created_by_id is None else [])


def _save(letter: ResponsibilityLetter, actor: Actor, fields: list[str]) -> None:
    _clean(letter)
    audited(letter, actor).save(update_fields=fields)


def _supersede_pending(letters: Any, actor: Actor) -> None:
    """Supersede the unsigned letters in one ``UPDATE``, and write their history rows
    by hand: a bulk update does not send the signals django-simple-history listens to."""
    pending = list(
        letters.select_for_update(of=("self",)).filter(
            status__in=[LetterStatus.AWAITING_HEAD, LetterStatus.AWAITING_ISSUER]
        )
    )
    if not pending:
        return
    ResponsibilityLetter.objects.filter(pk__in=[p.pk for p in pending]).update(
        status=LetterStatus.SUPERSEDED
    )
    for letter in pending:
        letter.status = LetterStatus.SUPERSEDED
    ResponsibilityLetter.history.bulk_history_create(
        pending,
        update=True,
        default_user=history_user(actor),
        default_change_reason=_("superseded by a new version"),
    )


def _sign(
    actor: Actor,
    letter: ResponsibilityLetter,
    clock: Clock | None,
    *,
    party: str,
    only: str,
    awaiting: LetterStatus,
    not_awaiting: str,
    then: LetterStatus,
    stamp: str,
) -> ResponsibilityLetter:
    """The step both signatures share: only ``party`` (``signer`` or ``issuer``) signs, only
    while the letter is ``awaiting`` them and the goals are as issued; the letter moves on
    to ``then`` with the time in ``stamp``. ``only`` names who may sign (``%(name)s``)."""
    require(actor, ResponsibilityLetter.objects, letter.pk, VIEW)
    letter = _fresh_letter(letter)
    person: Employee = getattr(letter, party)
    if not _is(actor, person):
        raise PermissionDenied(only % {"name": person.name})
    if letter.status != awaiting:
        raise WrongState(not_awaiting, current=letter)
    _check_unchanged(letter)
    letter.status = then
    setattr(letter, stamp, (clock or configured_clock()).now())
    _save(letter, actor, ["status", stamp])
    return letter


@transaction.atomic
def letter_sign(
    *, actor: Actor, letter: ResponsibilityLetter, clock: Clock | None = None
) -> ResponsibilityLetter:
    """The unit head (or, for an employee scorecard, the employee) signs."""
    return _sign(
        actor,
        letter,
        clock,
        party="signer",
        only=_("Only %(name)s signs this letter."),
        awaiting=LetterStatus.AWAITING_HEAD,
        not_awaiting=_("This letter is not awaiting your signature."),
        then=LetterStatus.AWAITING_ISSUER,
        stamp="signed_by_head_at",
    )


@transaction.atomic
def letter_countersign(
    *, actor: Actor, letter: ResponsibilityLetter, clock: Clock | None = None
) -> ResponsibilityLetter:
    """The issuer countersigns: the letter is in force and the scorecard locks."""
    letter = _sign(
        actor,
        letter,
        clock,
        party="issuer",
        only=_("Only %(name)s countersigns this letter."),
        awaiting=LetterStatus.AWAITING_ISSUER,
        not_awaiting=_("This letter is not awaiting a countersignature."),
        then=LetterStatus.SIGNED,
        stamp="countersigned_at",
    )
    for older in ResponsibilityLetter.objects.filter(
        scorecard_id=letter.scorecard_id, status=LetterStatus.SIGNED
    ).exclude(pk=letter.pk):
        older.status = LetterStatus.SUPERSEDED
        _save(older, actor, ["status"])
    scorecard = letter.scorecard
    scorecard.status = ScorecardStatus.SIGNED
    audited(scorecard, actor).save(update_fields=["status"])
    return letter


@transaction.atomic
def letter_acknowledge(
    *, actor: Actor, letter: ResponsibilityLetter, clock: Clock | None = None
) -> ResponsibilityLetter:
    """The employee confirms they received their signed letter (once)."""
    require(actor, ResponsibilityLetter.objects, letter.pk, VIEW)
    letter = _fresh_letter(letter)
    employee = letter.scorecard.employee
    if employee is None or not _is(actor, employee):
        raise PermissionDenied(_("Only the employee acknowledges their own letter."))
    if letter.status != LetterStatus.SIGNED:
        raise WrongState(_("Only a signed letter can be acknowledged."), current=letter)
    if letter.acknowledged_at is None:
        letter.acknowledged_at = (clock or configured_clock()).now()
        _save(letter, actor, ["acknowledged_at"])
    return letter


@transaction.atomic
def scorecard_amend(*, actor: Actor, scorecard: Scorecard, reason: str) -> Scorecard:
    """Unlock a signed scorecard for an amendment. The signed letter stays in force until
    the next version is countersigned; ``reason`` is recorded in the scorecard's history."""
    _require_issuing_side(actor, scorecard)
    scorecard = _locked_scorecard(scorecard)
    if scorecard.status != ScorecardStatus.SIGNED:
        raise WrongState(_("Only a signed scorecard can be amended."), current=scorecard)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the amendment.")})
    scorecard.status = ScorecardStatus.DRAFT
    scorecard.full_clean()
    audited(scorecard, actor, reason.strip()).save(update_fields=["status"])
    require(actor, Scorecard.objects, scorecard.pk, VIEW)
    return scorecard
