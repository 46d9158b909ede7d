"""Re-sweep a month when its actuals change (entered, approved or imported)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from scorecard.models import ScorecardItem


def on_actuals_changed(
    sender: Any, *, year: int, month: int, item_ids: Sequence[int], **kwargs: Any
) -> None:
    """Enqueue a sweep of ``month`` for the units of the changed items, after the commit
    (the worker must see the new actuals); one query to find the units."""
    from lightup.tasks import lightup_sweep_month

    units = sorted(
        set(
            ScorecardItem.objects.filter(pk__in=list(item_ids)).values_list(
                "scorecard__unit_id", flat=True
            )
        )
    )
    if units:
        transaction.on_commit(lambda: lightup_sweep_month.delay(year, month, units))
