"""The kept sums of a cycle's payouts (``PayoutTotal``): by unit, grade and paying pool.

:func:`refresh` rebuilds the rows of some units of a cycle from their payouts; the code
that writes payouts (``compute._write``) calls it for the units it touched, inside its own
transaction, so the totals never differ from a fresh sum.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Sum

from incentives.models import Payout, PayoutTotal


def fresh(cycle_id: int, unit_ids: Iterable[int] | None = None) -> list[PayoutTotal]:
    """The totals as summed now from the payouts (of ``unit_ids`` only, if given)."""
    payouts = Payout.objects.filter(cycle_id=cycle_id)
    if unit_ids is not None:
        payouts = payouts.filter(unit_id__in=list(unit_ids))
    return [
        PayoutTotal(cycle_id=cycle_id, **row)
        for row in payouts.order_by()
        .values("unit_id", "grade", "pool_unit_id")
        .annotate(people=Count("pk"), paid=Sum("amount"), base=Sum("base"))
    ]


def refresh(cycle_id: int, unit_ids: Iterable[int] | None = None) -> None:
    """Rebuild the cycle's totals of ``unit_ids`` (all its units if None); call it in the
    transaction that changed their payouts."""
    units = None if unit_ids is None else sorted(set(unit_ids))
    kept = PayoutTotal.objects.filter(cycle_id=cycle_id)
    if units is not None:
        kept = kept.filter(unit_id__in=units)
    kept.delete()
    PayoutTotal.objects.bulk_create(fresh(cycle_id, units))
