"""Running a computation's chunks one after the other, or in forked processes at once.

The scoring rules are CPU work in Python: threads would share one core, processes use
them all. Each process opens its own database connection (a forked child must not use its
parent's), runs one chunk per call in that chunk's own transaction and closes the
connection when it ends. On Linux it ends with the thread that started it (the thread
that computes: Celery's prefork and solo pools run tasks in their main thread). Only on
PostgreSQL and outside a transaction: a child sees only committed rows, and SQLite allows
one writer.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import multiprocessing.util
import os
import signal
import sys
from collections.abc import Callable, Generator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from typing import TypeVar

import kombu.pools
from celery import current_app
from django.db import connection, connections

T = TypeVar("T")
PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent ends


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
    _before_fork()
    pool = ProcessPoolExecutor(
        min(processes, len(chunks)),
        mp_context=multiprocessing.get_context("fork"),
        initializer=_child_started,
        initargs=(os.getpid(),),
    )
    futures: dict[Future[T], list[int]] = {}
    try:
        for chunk in chunks:
            futures[pool.submit(work, chunk)] = chunk
        for future in as_completed(futures):
            yield futures[future], future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _before_fork() -> None:
    """Close what a child must not share: the database connections (the parent opens new
    ones when it needs them), and the broker connections in Celery's pools — kombu closes
    those again in every child after the fork, and on a channel that was waiting for a
    reply (a ``control.ping``, say) that means reading the parent's socket forever. The
    parent's pools are closed and dropped here; Celery makes new ones when next used."""
    connections.close_all()
    kombu.pools.reset()  # closes every pool's connections and forgets the pools
    current_app._pool = None  # the app's own references: new pools on next use
    current_app.amqp._producer_pool = None


def _child_started(parent: int) -> None:
    """A pool process closes its connection when it ends, and ends with its parent: a
    worker killed (SIGKILL) takes its pool processes with it (their chunks' transactions
    are rolled back) instead of leaving them waiting for work forever."""
    multiprocessing.util.Finalize(None, connections.close_all, exitpriority=10)
    if sys.platform == "linux":
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)
