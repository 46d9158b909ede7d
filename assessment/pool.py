"""Running a computation's chunks one after the other, or in forked processes at once.

The scoring rules are CPU work in Python: threads would share one core, processes use
them all. Each process opens its own database connection (a forked child must not use its
parent's), runs one chunk per call in that chunk's own transaction and closes the
connection when it ends. Only on PostgreSQL and outside a transaction: a child sees only
committed rows, and SQLite allows one writer.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.util
from collections.abc import Callable, Generator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from typing import TypeVar

from django.db import connection, connections

T = TypeVar("T")


def parallel_possible(processes: int, chunks: int) -> bool:
    return (
        processes > 1
        and chunks > 1
        and connection.vendor == "postgresql"
        and not connection.in_atomic_block
    )


def chunk_outcomes(
    work: Callable[[list[int]], T], chunks: list[list[int]], processes: int
) -> Generator[tuple[list[int], T], None, None]:
    """``(chunk, work(chunk))`` for every chunk, in the order they finish. ``work`` must be
    picklable (a module-level function, or a ``partial`` of one). Closing the iterator
    early cancels the chunks not yet started and waits for those under way."""
    if not parallel_possible(processes, len(chunks)):
        for chunk in chunks:
            yield chunk, work(chunk)
        return
    connections.close_all()  # forked before the first use of a new connection
    pool = ProcessPoolExecutor(
        min(processes, len(chunks)),
        mp_context=multiprocessing.get_context("fork"),
        initializer=_child_started,
    )
    futures: dict[Future[T], list[int]] = {}
    try:
        for chunk in chunks:
            futures[pool.submit(work, chunk)] = chunk
        for future in as_completed(futures):
            yield futures[future], future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _child_started() -> None:
    """A pool process closes its connection when it ends."""
    multiprocessing.util.Finalize(None, connections.close_all, exitpriority=10)
