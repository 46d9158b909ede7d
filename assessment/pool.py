"""Running a computation's chunks one after the other, or in fresh processes at once.

The scoring rules are CPU work in Python: threads would share one core, processes use
them all. The processes are **spawned**, not forked: a process that already runs threads
with database or broker connections of their own (a test process, the light-up sweep's
threads, Celery's) cannot be forked safely — a child would inherit sockets that another
thread is using. A spawned child starts a new interpreter, sets Django up, and opens its
own connection to the same database; it is given only ids (the work is a module-level
function or a ``partial`` of one) and writes its results to the database in the chunk's
own transaction, returning a few counts. It closes its connection when it ends, and ends
with the thread that started it (``PR_SET_PDEATHSIG`` on Linux: a worker killed with
SIGKILL takes its computing processes with it, their transactions rolled back). Only on
PostgreSQL and outside a transaction: a child sees only committed rows, and SQLite allows
one writer. Starting a child costs about 1.5 s of CPU (importing Django and the apps): a
run of one chunk stays in the caller's process.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import multiprocessing.util
import os
import signal
import sys
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from multiprocessing.process import AuthenticationString  # type: ignore[attr-defined]
from typing import Any, TypeVar

from django.conf import settings
from django.db import connection, connections

T = TypeVar("T")
PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent thread ends
CONNECTION_KEYS = ("NAME", "USER", "PASSWORD", "HOST", "PORT")


def parallel_possible(processes: int, chunks: int) -> bool:
    return (
        processes > 1
        and chunks > 1
        and connection.vendor == "postgresql"
        and not connection.in_atomic_block
    )


def processes_for(processes: int, chunks: int) -> int:
    """How many processes compute ``chunks`` chunks when up to ``processes`` may."""
    return min(processes, chunks) if parallel_possible(processes, chunks) else 1


def chunk_outcomes(
    work: Callable[[list[int]], T], chunks: list[list[int]], processes: int
) -> Generator[tuple[list[int], T], None, None]:
    """``(chunk, work(chunk))`` for every chunk, in the order they finish. ``work`` must be
    picklable (a module-level function, or a ``partial`` of one). Closing the iterator
    early cancels the chunks not yet started and waits for those under way."""
    if processes_for(processes, len(chunks)) == 1:
        for chunk in chunks:
            yield chunk, work(chunk)
        return
    database = {key: connection.settings_dict[key] for key in CONNECTION_KEYS}
    pool = ProcessPoolExecutor(
        processes_for(processes, len(chunks)),
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_child_started,
        initargs=(os.getpid(), _settings_module(), database),
    )
    futures: dict[Future[T], list[int]] = {}
    try:
        with _children_allowed():  # the pool starts its processes on the first submits
            for chunk in chunks:
                futures[pool.submit(work, chunk)] = chunk
        for future in as_completed(futures):
            yield futures[future], future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


@contextlib.contextmanager
def _children_allowed() -> Iterator[None]:
    """Let a daemonic process start the pool's processes. A Celery prefork worker's pool
    processes are daemonic (billiard marks them so for ``multiprocessing`` too), and
    ``multiprocessing`` refuses to start children of a daemonic process, lest they outlive
    it when it is terminated. These cannot: each dies with the thread that started it
    (``PR_SET_PDEATHSIG``), and all are joined before the computation returns. So the
    flag is lifted while they start, and set back. Billiard's process also holds its
    authentication key as billiard's own type, which refuses to be pickled outside
    billiard's spawning; the children get the same key as ``multiprocessing``'s type."""
    config = multiprocessing.current_process()._config  # type: ignore[attr-defined]
    saved = dict(config)
    config["daemon"] = False
    config["authkey"] = AuthenticationString(bytes(config["authkey"]))
    try:
        yield
    finally:
        config.clear()
        config.update(saved)


def _settings_module() -> str:
    """This process's settings module (a test's overridden settings name none)."""
    module = os.environ.get("DJANGO_SETTINGS_MODULE") or settings.SETTINGS_MODULE
    if not module:
        raise RuntimeError("no settings module for the computing processes")
    return module


def _child_started(parent: int, settings_module: str, database: dict[str, Any]) -> None:
    """A pool process ends with its parent: a worker killed (SIGKILL) takes its pool
    processes with it (their chunks' transactions are rolled back) instead of leaving them
    computing or waiting for work. It sets Django up on the parent's database (a test
    database's name is known only to the parent) and closes its connection when it ends."""
    if sys.platform == "linux":
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    import django

    django.setup()
    default = settings.DATABASES["default"]
    for key, value in database.items():
        default[key] = value  # type: ignore[literal-required]
    multiprocessing.util.Finalize(None, connections.close_all, exitpriority=10)
