"""Re-sweep a month when its actuals change (entered, approved or imported); recount a
unit's light tallies when one of its items goes (its lights go with it)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from scorecard.models import Scorecard, ScorecardItem

# Changed items up to which a re-sweep judges only them (and not their units whole).
RESWEEP_ITEMS = 1000


def on_actuals_changed(
    sender: Any, *, year: int, month: int, item_ids: Sequence[int], **kwargs: Any
) -> None:
    """Enqueue a re-sweep of ``month`` of the changed items, after the commit (the worker
    must see the new actuals); one query to find their units. Only those items are judged
    again (:func:`lightup.services.lightup_sweep` with ``item_ids``): a save no longer
    re-sweeps its whole unit; more than ``RESWEEP_ITEMS`` do.

    The sweep follows a write that is already committed, so nothing it does may change
    the writer's answer: ``robust`` logs any error of the enqueueing (or, with tasks run
    in-process, of the sweep itself) instead of raising it into the writer, whose
    ``except IntegrityError`` around its transaction once took a failed re-sweep for a
    lost race and answered 409 for an import it had stored."""
    from lightup.services import units_of
    from lightup.tasks import lightup_sweep_month

    items = sorted(set(item_ids))
    units = units_of(items)
    # A larger change (an import) re-sweeps its units whole: no cheaper per item, and the
    # task's message stays short.
    only = items if len(items) <= RESWEEP_ITEMS else None
    if units:
        transaction.on_commit(
            lambda: lightup_sweep_month.delay(year, month, units, item_ids=only), robust=True
        )


def on_item_saved(sender: Any, *, instance: ScorecardItem, created: bool, **kwargs: Any) -> None:
    """An edited item of a unit scorecard may serve another objective or weigh otherwise:
    recount its unit's objective tallies in the same transaction (a new item has no
    lights yet; a personal scorecard's items colour no objective)."""
    if created or kwargs.get("raw"):
        return
    from lightup.tally import tally_refresh

    unit_id = (
        Scorecard.objects.filter(pk=instance.scorecard_id, employee__isnull=True)
        .values_list("unit_id", flat=True)
        .first()
    )
    if unit_id is not None:
        tally_refresh([unit_id])


def on_item_deleting(sender: Any, *, instance: ScorecardItem, **kwargs: Any) -> None:
    """Take the item's unit's lock (:func:`lightup.tally.lock_units`) before its lights are
    deleted with it: a sweep of the unit takes it before writing them, so the two never
    wait for each other in opposite orders."""
    from lightup.tally import lock_units

    lock_units(Scorecard.objects.filter(pk=instance.scorecard_id).values_list("unit_id", flat=True))


def on_item_deleted(sender: Any, *, instance: ScorecardItem, **kwargs: Any) -> None:
    """The item's lights were deleted with it: recount its unit's tallies in the same
    transaction (a few hundred lights; items are rarely deleted)."""
    from lightup.tally import tally_refresh

    unit_id = (
        Scorecard.objects.filter(pk=instance.scorecard_id).values_list("unit_id", flat=True).first()
    )
    if unit_id is not None:
        tally_refresh([unit_id])
