"""Writes to a scorecard's items: add, edit and remove an item, set its monthly plan.

A scorecard outside the actor's ``CHANGE`` scope does not exist for them (404); the check
is repeated after the write, inside the same transaction. Concurrent edits are settled by
compare-and-set on ``ScorecardItem.version``: the editor sends the version they opened, and
an edit based on an older version is refused with :class:`StaleItem` (409), never written
over the newer values. A signed scorecard refuses every change
(:class:`~scorecard.models.ScorecardLocked`) until it is amended.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import Http404
from django.utils.translation import gettext as _

from org.scoping import CHANGE, VIEW, Actor, audited, require
from org.versions import StaleRecord, WrongState, refuse_stale, require_version
from scorecard.models import ItemKind, ItemMonthlyPlan, MonthlyActual, Scorecard, ScorecardItem
from scorecard.services.scorecards import require_not_own, require_unlocked
from spm.errors import public_fields


class StaleItem(StaleRecord):
    """The item changed since the editor opened it; ``current`` is what is stored now."""

    default_code = "stale"

    def __init__(self, current: ScorecardItem | None) -> None:
        if current is None:
            message = _("This item was removed by someone else since you opened it.")
        else:
            message = _(
                "This item was changed by someone else since you opened it. Nothing was "
                "saved: compare with the current values and save again to replace them."
            )
        super().__init__(message, current=current)

    def current_data(self) -> dict[str, Any] | None:
        return public_fields(
            self.current, ("id", "kind", *ScorecardItem.EDITABLE_FIELDS, "version")
        )


def _next_order(scorecard: Scorecard) -> int:
    top = ScorecardItem.objects.filter(scorecard=scorecard).aggregate(top=Max("order"))["top"]
    return (top or 0) + 1


@transaction.atomic
def item_create(
    *, actor: Actor, scorecard: Scorecard, kind: str, name: str, **fields: Any
) -> ScorecardItem:
    """Add an item. An indicator lends its polarity, aggregation and unit unless given."""
    require(actor, Scorecard.objects, scorecard.pk)
    require_not_own(actor, scorecard)
    require_unlocked(scorecard)
    unknown = set(fields) - set(ScorecardItem.EDITABLE_FIELDS) - {"parent"}
    if unknown:
        raise TypeError(f"unknown item fields: {sorted(unknown)}")
    indicator = fields.get("indicator")
    if indicator is not None:
        fields.setdefault("polarity", indicator.polarity)
        fields.setdefault("aggregation", indicator.aggregation)
        fields.setdefault("unit_of_measure", indicator.unit_of_measure)
    if fields.get("order") is None:
        fields["order"] = _next_order(scorecard)
    item = ScorecardItem(scorecard=scorecard, kind=kind, name=name, **fields)
    item.full_clean()
    audited(item, actor).save()
    require(actor, ScorecardItem.objects, item.pk)
    return item


def _claim(item: ScorecardItem, expected_version: int) -> None:
    """Compare-and-set on ``version``: move it on by one, or refuse a stale edit."""
    claimed = ScorecardItem.objects.filter(pk=item.pk, version=expected_version).update(
        version=expected_version + 1
    )
    if not claimed:
        raise StaleItem(ScorecardItem.objects.filter(pk=item.pk).first())
    item.version = expected_version + 1


def _fresh(actor: Actor, item: ScorecardItem, expected_version: int | None) -> ScorecardItem:
    """The stored item, checked for scope, lock and staleness before an edit."""
    require_version(actor, expected_version)
    stored = ScorecardItem.objects.select_related("scorecard__unit").filter(pk=item.pk).first()
    if stored is None:
        if expected_version is not None:
            raise StaleItem(None)
        raise Http404
    require(actor, ScorecardItem.objects, stored.pk, VIEW)
    require(actor, ScorecardItem.objects, stored.pk, CHANGE)
    require_not_own(actor, stored.scorecard)
    require_unlocked(stored.scorecard)
    refuse_stale(stored, expected_version, stale=lambda: StaleItem(stored))
    return stored


@transaction.atomic
def item_update(
    *, actor: Actor, item: ScorecardItem, expected_version: int | None, **fields: Any
) -> ScorecardItem:
    """Change an item's goal. ``expected_version`` is the version the editor opened
    (``None`` skips the check, for system jobs only)."""
    unknown = set(fields) - set(ScorecardItem.EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"fields that cannot be edited: {sorted(unknown)}")
    stored = _fresh(actor, item, expected_version)
    for name, value in fields.items():
        setattr(stored, name, value)
    stored.full_clean()
    _claim(stored, stored.version)
    audited(stored, actor).save()
    require(actor, ScorecardItem.objects, stored.pk)
    return stored


@transaction.atomic
def item_delete(*, actor: Actor, item: ScorecardItem, expected_version: int | None) -> None:
    """Remove an item that nothing was decomposed from and nobody reported on yet."""
    stored = _fresh(actor, item, expected_version)
    children = ScorecardItem.objects.filter(parent=stored).count()
    if children:
        raise ValidationError(
            _("%(count)d items were decomposed from this one; remove those first.")
            % {"count": children}
        )
    if MonthlyActual.objects.filter(item=stored).exists():
        raise WrongState(
            _("Actuals were reported on this item; it can no longer be removed."), current=stored
        )
    _claim(stored, stored.version)
    audited(stored, actor).delete()


def item_set_monthly_plan(
    *,
    actor: Actor,
    item: ScorecardItem,
    expected_version: int | None,
    values: Mapping[int, Decimal | None],
) -> ScorecardItem:
    """Set (or clear, with ``None``) the plan value of each month given in ``values``.

    A save that loses the race for a month's first plan row to a concurrent save (the
    ``one_plan_per_item_month`` constraint) is :class:`StaleItem`, like any stale edit.
    """
    try:
        return _set_monthly_plan(actor, item, expected_version, values)
    except IntegrityError as exc:
        raise StaleItem(ScorecardItem.objects.filter(pk=item.pk).first()) from exc


@transaction.atomic
def _set_monthly_plan(
    actor: Actor,
    item: ScorecardItem,
    expected_version: int | None,
    values: Mapping[int, Decimal | None],
) -> ScorecardItem:
    stored = _fresh(actor, item, expected_version)
    if stored.kind != ItemKind.QUANTITATIVE:
        raise ValidationError(_("Only quantitative items have a monthly plan."))
    existing = {p.month: p for p in ItemMonthlyPlan.objects.filter(item=stored)}
    for month, value in sorted(values.items()):
        row = existing.get(month)
        if value is None:
            if row is not None:
                audited(row, actor).delete()
            continue
        if row is None:
            row = ItemMonthlyPlan(item=stored, month=month, value=value)
        elif row.value == value:
            continue
        row.value = value
        row.full_clean(validate_constraints=False)  # the month's uniqueness: the database's
        audited(row, actor).save()
    _claim(stored, stored.version)
    audited(stored, actor, reason="monthly plan").save()
    return stored
