"""The sweep's chunks on two connections at once (:mod:`lightup.parallel`).

On PostgreSQL, outside a transaction, the sweep judges two chunks at a time, each on its
own connection; it must write exactly the rows of a sweep on one connection and send
nothing twice. The runner itself: every item once, the first error raised in the caller's
thread (and no new item started after it), one worker = the caller's thread, in order.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import connection

from lightup import services
from lightup.parallel import in_parallel
from lightup.services import lightup_sweep
from org.scoping import SYSTEM
from spm.clock import clock
from tests.conftest import Cast, need
from tests.test_lightup_services_tier import CHUNK, MONTH, YEAR, build, clear, messages, rows


def test_every_item_is_worked_once_on_several_threads() -> None:
    seen: list[str] = []

    def work(n: int) -> int:
        seen.append(threading.current_thread().name)
        time.sleep(0.01)
        return n * n

    assert sorted(in_parallel(work, list(range(20)), 3)) == [n * n for n in range(20)]
    assert len(seen) == 20
    assert len(set(seen)) > 1
    assert threading.current_thread().name not in seen


def test_one_worker_runs_the_items_in_order_in_the_callers_thread() -> None:
    names: set[str] = set()

    def work(n: int) -> int:
        names.add(threading.current_thread().name)
        return n

    assert list(in_parallel(work, [3, 1, 2], 1)) == [3, 1, 2]
    assert names == {threading.current_thread().name}


def test_the_first_error_reaches_the_caller_and_no_new_item_starts() -> None:
    started: list[int] = []

    def work(n: int) -> int:
        started.append(n)
        if n == 2:
            raise ValueError("chunk 2 failed")
        time.sleep(0.02)
        return n

    with pytest.raises(ValueError, match="chunk 2 failed"):
        list(in_parallel(work, list(range(50)), 2))
    assert len(started) < 10  # the workers stopped taking items


@pytest.mark.services
def test_two_connections_write_the_rows_of_one_and_send_nothing_twice(
    cast: Cast, transactional_db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    need(connection.vendor == "postgresql", "PostgreSQL (chunks on several connections)")
    items = build(cast)
    backends: set[int] = set()
    chunk = services.sweep_chunk

    def spied(*args: Any, **kwargs: Any) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backends.add(cursor.fetchone()[0])
        chunk(*args, **kwargs)

    monkeypatch.setattr(services, "sweep_chunk", spied)

    def sweep(connections: int) -> Any:
        return lightup_sweep(
            actor=SYSTEM,
            year=YEAR,
            month=MONTH,
            today=clock().today(),
            chunk_items=CHUNK,
            connections=connections,
        )

    one = sweep(1)
    assert len(backends) == 1
    expected_rows, expected_messages = rows(), messages()
    assert len(expected_rows) == items
    assert expected_messages

    clear()
    backends.clear()
    two = sweep(2)
    assert len(backends) == 2  # both connections judged chunks
    assert rows() == expected_rows
    assert messages() == expected_messages
    assert two.as_dict() == one.as_dict()

    sweep(2)  # again: the same rows, no message twice
    assert rows() == expected_rows
    assert messages() == expected_messages
