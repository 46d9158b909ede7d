"""Run a function over work items on a few threads, each with its own database connection.

The sweep's chunks are independent transactions; PostgreSQL runs each statement on one
core, so two connections judging two chunks at once use both cores of the machine (and of
CI). :func:`in_parallel` yields each result as it is done (for the progress bar); the
first error stops the others from starting new items and is raised in the caller's thread.
Each thread closes its connection when it runs out of work, so none is left open.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from django.db import connections

Item = TypeVar("Item")
Result = TypeVar("Result")


def in_parallel(
    work: Callable[[Item], Result], items: Sequence[Item], workers: int
) -> Iterator[Result]:
    """``work(item)`` for every item, on ``workers`` threads (in the caller's thread, in
    order, when one is asked for or there is at most one item); results as they finish."""
    if workers <= 1 or len(items) <= 1:
        for item in items:
            yield work(item)
        return
    todo: queue.SimpleQueue[Item] = queue.SimpleQueue()
    for item in items:
        todo.put(item)
    done: queue.SimpleQueue[tuple[bool, Result | BaseException]] = queue.SimpleQueue()
    stop = threading.Event()

    def worker() -> None:
        try:
            while not stop.is_set():
                try:
                    item = todo.get_nowait()
                except queue.Empty:
                    return
                try:
                    done.put((True, work(item)))
                except BaseException as exc:
                    stop.set()
                    done.put((False, exc))
                    return
        finally:
            connections.close_all()  # this thread's connections only

    threads = [
        threading.Thread(target=worker, name=f"in-parallel-{n}", daemon=True)
        for n in range(min(workers, len(items)))
    ]
    for thread in threads:
        thread.start()
    try:
        for _ in items:
            ok, value = done.get()
            if not ok:
                assert isinstance(value, BaseException)
                raise value
            yield value  # type: ignore[misc]
    finally:
        stop.set()
        for thread in threads:
            thread.join()
