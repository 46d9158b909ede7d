"""Monthly actuals: record, approve or reject a value; close and reopen a month.

Every change goes through ``save()`` with the actor as history user, so django-simple-history
keeps who, when, before and after. Concurrent edits are settled by compare-and-set on
``MonthlyActual.version``: an edit based on a version that is no longer stored is refused
(:class:`StaleActual`), never silently written over the newer value.

Recording progress is allowed on a signed scorecard (it does not change a goal), but not in
a month HR has closed, nor in a month that has not started.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from org.scoping import CHANGE, HR, VIEW, Actor, audited, get_scoped, scope_of
from org.versions import StaleRecord, WrongState, refuse_stale, require_version
from scorecard.models import (
    ActualStatus,
    ClosedPeriod,
    ItemKind,
    MonthlyActual,
    ScorecardItem,
)
from scorecard.selectors.actuals import may_enter_item, month_actual
from scorecard.signals import actuals_changed
from spm.clock import Clock
from spm.clock import clock as configured_clock
from spm.errors import public_fields


class StaleActual(StaleRecord):
    """The value changed since the editor loaded it; ``current`` is what is stored now."""

    default_code = "stale"

    def __init__(self, current: MonthlyActual | None) -> None:
        if current is None:
            message = _("This value was removed while you were editing it.")
        else:
            message = _(
                "Someone else changed this value while you were editing it (it is now "
                "%(value)s). Your entry was not saved: check the current value and submit "
                "again to replace it."
            ) % {"value": format(Decimal(current.value).normalize(), "f")}
        super().__init__(message, current=current)

    def current_data(self) -> dict[str, Any] | None:
        return public_fields(self.current, PUBLIC_FIELDS)


# What a client may see of a stored actual (the 409 answer to a stale edit).
PUBLIC_FIELDS = ("id", "item", "month", "value", "note", "status", "entered_at", "version")


def period_problem(
    year: int,
    month: int,
    *,
    today: datetime.date,
    closed: set[tuple[int, int]] | None = None,
) -> str | None:
    """Why actuals of ``year``-``month`` may not change now, or ``None`` if they may.

    ``closed`` is the set of closed ``(year, month)`` pairs when the caller has read it
    already (an import checks thousands of rows against one read).
    """
    if not 1 <= month <= 12:
        return _("Month %(month)s does not exist.") % {"month": month}
    if datetime.date(year, month, 1) > today:
        return _("%(year)s-%(month)02d has not started yet.") % {"year": year, "month": month}
    is_closed = (
        (year, month) in closed
        if closed is not None
        else ClosedPeriod.objects.filter(year=year, month=month).exists()
    )
    if is_closed:
        return _("%(year)s-%(month)02d is closed for actuals.") % {"year": year, "month": month}
    return None


def _check_period(year: int, month: int, today: datetime.date) -> None:
    problem = period_problem(year, month, today=today)
    if problem:
        raise ValidationError({"month": problem})


def to_decimal(value: Any) -> Decimal:
    """A finite Decimal from a number or text (``1,234.5`` and ``1 234,5`` are refused:
    a thousands separator is ambiguous)."""
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError(
            {"value": _("“%(value)s” is not a number.") % {"value": value}}
        ) from exc
    if not number.is_finite():
        raise ValidationError({"value": _("“%(value)s” is not a number.") % {"value": value}})
    return fits_column(number, MonthlyActual, "value", shown=value)


def fits_column(number: Decimal, model: Any, name: str, *, shown: Any = None) -> Decimal:
    """``number`` if the decimal column ``model.name`` holds it exactly, else a
    ValidationError naming the limit. Every entry path (page, API, import) checks here, so
    "1e15" or "1e400" is refused everywhere instead of overflowing the database."""
    field = model._meta.get_field(name)
    integer_digits = field.max_digits - field.decimal_places
    normal = number.normalize()
    exponent = normal.as_tuple().exponent
    decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    too_big = normal != 0 and normal.adjusted() + 1 > integer_digits
    if too_big or decimals > field.decimal_places:
        raise ValidationError(
            {
                name: _(
                    "%(value)s is out of range (at most %(digits)d digits before the point "
                    "and %(places)d after it)."
                )
                % {
                    "value": number if shown is None else shown,
                    "digits": integer_digits,
                    "places": field.decimal_places,
                }
            }
        )
    return number


_BATCH: ContextVar[dict[tuple[int, int], set[int]] | None] = ContextVar(
    "actuals_batch", default=None
)


def announce(year: int, month: int, item_ids: Iterable[int]) -> None:
    """Tell later apps (light-up) that actuals of ``item_ids`` changed for ``month``.

    Receivers enqueue their work on commit, so this may run inside the transaction. Inside
    :func:`one_announcement_per_month` the items are gathered and told once per month.
    """
    batch = _BATCH.get()
    if batch is not None:
        batch.setdefault((year, month), set()).update(item_ids)
        return
    ids = sorted(set(item_ids))
    if ids:
        actuals_changed.send(sender=MonthlyActual, year=year, month=month, item_ids=ids)


@contextmanager
def one_announcement_per_month() -> Iterator[None]:
    """Gather the announcements of a batch of writes (a bulk approval) and send one
    ``actuals_changed`` per month touched when the batch ends without an error."""
    if _BATCH.get() is not None:  # already inside a batch: the outer one sends
        yield
        return
    batch: dict[tuple[int, int], set[int]] = {}
    token = _BATCH.set(batch)
    try:
        yield
    finally:
        _BATCH.reset(token)
    for (year, month), ids in sorted(batch.items()):
        announce(year, month, ids)


def _require_entry(actor: Actor, item: ScorecardItem) -> ScorecardItem:
    item = get_scoped(ScorecardItem.objects.select_related("scorecard"), actor, item.pk, VIEW)
    if not may_enter_item(actor, item):
        raise PermissionDenied(_("You may not enter actuals for this item."))
    if item.kind != ItemKind.QUANTITATIVE:
        raise ValidationError(_("Only quantitative items have monthly actuals."))
    return item


EVIDENCE_EXTENSIONS = (
    "pdf",
    "png",
    "jpg",
    "jpeg",
    "xlsx",
    "xls",
    "csv",
    "docx",
    "doc",
    "txt",
    "zip",
)
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024


def check_evidence(evidence: UploadedFile) -> None:
    """The evidence checks of every entry path (page and API): a known kind, up to 10 MB."""
    name = (evidence.name or "").lower()
    if "." not in name or name.rsplit(".", 1)[1] not in EVIDENCE_EXTENSIONS:
        raise ValidationError(
            {"evidence": _("Upload a PDF, image, Office, text or zip file as evidence.")}
        )
    if (evidence.size or 0) > MAX_EVIDENCE_BYTES:
        raise ValidationError({"evidence": _("The file is larger than 10 MB.")})


def _attach(actual: MonthlyActual, evidence: UploadedFile) -> None:
    """Attach new evidence; the file it replaces leaves the storage once the save commits."""
    replaced = actual.evidence.name if actual.evidence else ""
    actual.evidence = evidence
    if replaced:
        storage = actual.evidence.storage
        transaction.on_commit(lambda: storage.delete(replaced))


def _save(actual: MonthlyActual, actor: Actor, reason: str = "") -> None:
    audited(actual, actor, reason).save()


def _claim(actual: MonthlyActual, expected_version: int | None) -> None:
    """Compare-and-set on ``version``: move it on by one, or refuse a stale edit."""
    stored = actual.version
    refuse_stale(
        actual, expected_version, stale=lambda: StaleActual(MonthlyActual.objects.get(pk=actual.pk))
    )
    claimed = MonthlyActual.objects.filter(pk=actual.pk, version=stored).update(version=stored + 1)
    if not claimed:
        raise StaleActual(MonthlyActual.objects.filter(pk=actual.pk).first())
    actual.version = stored + 1


def _clean(actual: MonthlyActual, actor: Actor) -> None:
    # The item was read in scope inside this transaction, and a user that is the actor is
    # the one signed in: checking again that they exist would cost a query each.
    exclude = ["item"] + [
        f for f in ("entered_by", "approved_by") if getattr(actual, f"{f}_id") in (None, actor.pk)
    ]
    # Uniqueness of (item, month) is the database's to decide: a check here would answer a
    # lost race for the first entry with "already exists" instead of the stale message.
    actual.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)


@transaction.atomic
def actual_record(
    *,
    actor: Actor,
    item: ScorecardItem,
    month: int,
    value: Any,
    note: str = "",
    evidence: UploadedFile | None = None,
    expected_version: int | None = None,
    clock: Clock | None = None,
) -> MonthlyActual:
    """Enter or correct the actual of ``item`` for ``month`` (``clock``, by default the
    configured one, decides which months have started).

    ``expected_version`` is the version the editor saw (``0``: no value yet); ``None``
    skips the check (system jobs). A changed value goes back to *submitted*.
    """
    item = _require_entry(actor, item)
    _check_period(item.scorecard.year, month, (clock or configured_clock()).today())
    if evidence is not None:
        check_evidence(evidence)
    user_id = actor.pk  # None for the system
    number = to_decimal(value)
    actual = month_actual(item, month).first()
    if actual is None:
        if expected_version not in (None, 0):
            raise StaleActual(None)
        actual = MonthlyActual(
            item=item, month=month, value=number, note=note, entered_by_id=user_id
        )
        if evidence is not None:
            actual.evidence = evidence
        _clean(actual, actor)
        try:
            with transaction.atomic():
                _save(actual, actor)
        except IntegrityError as exc:
            # Someone created the same month between our read and our insert.
            raise StaleActual(month_actual(item, month).first()) from exc
        announce(item.scorecard.year, month, [item.pk])
        return actual
    actual.item = item  # read above with its scorecard, which the API's answer shows
    require_version(actor, expected_version)
    refuse_stale(actual, expected_version, stale=lambda: StaleActual(actual))
    if actual.value == number and actual.note == note and evidence is None:
        return actual
    if actual.value != number:
        # "Entered by" follows who set the value (separation of duties: nobody approves a
        # value they set); a change of the note or the evidence alone keeps it.
        actual.status = ActualStatus.SUBMITTED
        actual.approved_by = None
        actual.approved_at = None
        actual.entered_by_id = user_id
    actual.value, actual.note = number, note
    if evidence is not None:
        _attach(actual, evidence)
    _clean(actual, actor)
    _claim(actual, expected_version)
    _save(actual, actor)
    announce(item.scorecard.year, month, [item.pk])
    return actual


def _require_reviewer(actor: Actor, actual: MonthlyActual, clock: Clock) -> MonthlyActual:
    actual = get_scoped(
        MonthlyActual.objects.select_related("item__scorecard"), actor, actual.pk, VIEW
    )
    if not MonthlyActual.objects.can(actor, CHANGE, actual.pk):
        raise PermissionDenied(_("Only the head of the unit approves its actuals."))
    if actor.pk is not None and actual.entered_by_id == actor.pk:
        raise PermissionDenied(_("You cannot approve a value you entered yourself."))
    _check_period(actual.item.scorecard.year, actual.month, clock.today())
    return actual


@transaction.atomic
def actual_approve(
    *,
    actor: Actor,
    actual: MonthlyActual,
    expected_version: int | None = None,
    clock: Clock | None = None,
) -> MonthlyActual:
    """The unit head confirms a submitted value."""
    clock = clock or configured_clock()
    require_version(actor, expected_version)
    actual = _require_reviewer(actor, actual, clock)
    if actual.status != ActualStatus.SUBMITTED:
        raise WrongState(_("Only a submitted value can be approved."), current=actual)
    actual.status = ActualStatus.APPROVED
    actual.approved_by_id = actor.pk
    actual.approved_at = clock.now()
    _clean(actual, actor)
    _claim(actual, expected_version)
    _save(actual, actor)
    announce(actual.item.scorecard.year, actual.month, [actual.item_id])
    return actual


@transaction.atomic
def actual_reject(
    *,
    actor: Actor,
    actual: MonthlyActual,
    reason: str,
    expected_version: int | None = None,
    clock: Clock | None = None,
) -> MonthlyActual:
    """The unit head sends a submitted value back; the reason goes into the audit trail."""
    require_version(actor, expected_version)
    actual = _require_reviewer(actor, actual, clock or configured_clock())
    if actual.status != ActualStatus.SUBMITTED:
        raise WrongState(_("Only a submitted value can be rejected."), current=actual)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the value is rejected.")})
    actual.status = ActualStatus.REJECTED
    actual.approved_by = None
    actual.approved_at = None
    _clean(actual, actor)
    _claim(actual, expected_version)
    _save(actual, actor, reason=reason.strip())
    announce(actual.item.scorecard.year, actual.month, [actual.item_id])
    return actual


def _require_hr(actor: Actor) -> None:
    if not scope_of(actor).has_role(HR):
        raise PermissionDenied(_("Only HR closes and reopens periods."))


@transaction.atomic
def period_close(*, actor: Actor, year: int, month: int) -> ClosedPeriod:
    """Close a month: no entry, import or approval may change its actuals any more."""
    _require_hr(actor)
    period = ClosedPeriod(year=year, month=month, closed_by_id=actor.pk)
    period.full_clean(exclude=["closed_by"] if actor.pk is None else [], validate_constraints=False)
    existing = ClosedPeriod.objects.filter(year=year, month=month).first()
    if existing is not None:
        return existing
    period.save()
    return period


@transaction.atomic
def period_reopen(*, actor: Actor, year: int, month: int) -> None:
    """Reopen a closed month for corrections."""
    _require_hr(actor)
    deleted, _rows = ClosedPeriod.objects.filter(year=year, month=month).delete()
    if not deleted:
        raise WrongState(_("%(year)s-%(month)02d is not closed.") % {"year": year, "month": month})
