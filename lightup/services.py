"""Light-up services: the monthly sweep, and who may start it."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction

from lightup.parallel import in_parallel
from lightup.sweep import CHUNK_ITEMS, SweepResult, scheme_thresholds, sweep_chunk, unit_chunks
from lightup.tally import lock_units
from org.scoping import ADMIN, EXECUTIVE, HR, Actor, scope_of
from scorecard.models import ScorecardItem
from spm.clock import Clock, clock

SWEEP_ROLES = (HR, EXECUTIVE, ADMIN)
# Chunks judged at the same time, each on its own connection (PostgreSQL runs a statement
# on one core; the servers this is measured on, and CI, have two).
SWEEP_CONNECTIONS = 2

Progress = Callable[[int, int], None]


def may_sweep(actor: Actor) -> bool:
    """HR and executives (and the system) start sweeps; they cover the whole group."""
    return scope_of(actor).has_role(*SWEEP_ROLES)


def units_of(item_ids: Sequence[int]) -> list[int]:
    """The org units of the scorecards of ``item_ids``, in ascending order (one query)."""
    return sorted(
        set(
            ScorecardItem.objects.filter(pk__in=list(item_ids))
            .order_by()  # sorted here: the model's ordering would join up to the unit
            .values_list("scorecard__unit_id", flat=True)
        )
    )


def without_jit() -> None:
    """Switch PostgreSQL's JIT compiler off for the current transaction.

    The chunk's queries are estimated expensive enough to be compiled, but they touch a
    few thousand items: compiling them took longer than running them (measured: half the
    time of the whole sweep, and of the floor statement, went to JIT on PostgreSQL 15).
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")


def lightup_sweep(
    *,
    actor: Actor,
    year: int,
    month: int,
    today: datetime.date,
    unit_ids: Sequence[int] | None = None,
    notify: bool = True,
    email: bool = True,
    progress: Progress | None = None,
    at: Clock | None = None,
    chunk_items: int = CHUNK_ITEMS,
    in_sql: bool = True,
    connections: int = SWEEP_CONNECTIONS,
    item_ids: Sequence[int] | None = None,
) -> SweepResult:
    """Compute the light of every item of ``year`` for ``month`` (only the scorecards of
    ``unit_ids`` when given), store it and send the warnings it calls for.

    ``item_ids`` re-sweeps only those items (and their units' items that have no light of
    the month yet), after their actuals changed; ``unit_ids`` are then their units (found
    when not given). Their units' tallies count the new lights with the stored ones, so
    they store what a sweep of the whole units would (:func:`lightup.sweep.sweep_chunk`).

    Set-based and chunked by org unit: a few queries per chunk whatever its size. Each
    chunk is one transaction, so an interrupted sweep leaves whole chunks behind and a
    re-run completes it. Idempotent: a re-run writes the same rows, and each warning is
    sent once per item and month (the inbox's unique key decides). On PostgreSQL each chunk
    is judged by one SQL statement (:mod:`lightup.sweep_sql`: the rules written in SQL, proven
    to write exactly the rows of the pure rules); ``in_sql=False`` (and every other database)
    has Python judge the chunk's sums by the pure rules of :mod:`lightup.rules`.

    On PostgreSQL, outside a caller's transaction, ``connections`` chunks run at the same
    time, each in its own transaction on its own connection (:mod:`lightup.parallel`):
    chunks share no item, and a month's rows read only the month before, so their order
    does not matter. Inside a transaction (whose rows other connections cannot see) and on
    other databases the chunks run one after the other on the caller's connection.
    """
    if not may_sweep(actor):
        raise PermissionDenied
    if not 1 <= month <= 12:
        raise ValueError("month must be 1-12")
    now = (at or clock()).now()
    schemes = scheme_thresholds()
    if item_ids is not None:
        item_ids = sorted(set(item_ids))
        if unit_ids is None:
            unit_ids = units_of(item_ids)
    if item_ids is not None and len(set(unit_ids or ())) == 1:
        chunks = [sorted(set(unit_ids or ()))]  # a save's re-sweep: one unit, one chunk
    else:
        chunks = unit_chunks(year, unit_ids, chunk_items)
    result = SweepResult(year=year, month=month)
    if progress is not None:
        progress(0, len(chunks))

    def one(units: list[int]) -> SweepResult:
        part = SweepResult(year=year, month=month)
        with transaction.atomic():
            without_jit()
            lock_units(units)  # before any read: a sweep of the same units waits here
            sweep_chunk(
                units,
                year=year,
                month=month,
                today=today,
                now=now,
                schemes=schemes,
                notify=notify,
                email=False,  # one mail run for the whole sweep, below
                result=part,
                in_sql=in_sql,
                item_ids=item_ids,
            )
        return part

    parallel = connection.vendor == "postgresql" and not connection.in_atomic_block
    try:
        for done, part in enumerate(in_parallel(one, chunks, connections if parallel else 1), 1):
            result.add(part)
            if progress is not None:
                progress(done, len(chunks))
    finally:
        if email and result.messages:
            # Once the stored chunks' warnings are in (also when a later chunk failed), from
            # the caller's thread: Celery's eager mode (tests, development) keeps a global
            # flag that two threads starting eager tasks at once leave set.
            from notifications.tasks import notification_email_pending

            transaction.on_commit(notification_email_pending.delay)
    return result
