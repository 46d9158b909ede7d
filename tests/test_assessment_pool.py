"""A cycle's chunks computed in several processes at once (:mod:`assessment.pool`, full
tier): the processes are spawned fresh, each on its own connection, so the caller may run
threads with connections of their own; they write exactly the rows of one process, with
one audit row each, refuse a finalised cycle, and raise a chunk's error in the caller."""

from __future__ import annotations

import os
import threading
from typing import Any

import pytest
from django.db import connection, connections

from assessment.compute import compute_cycle
from assessment.models import AssessmentCycle, AssessmentResult, CycleStatus
from assessment.pool import chunk_outcomes, parallel_possible
from spm.clock import FixedClock
from tests.test_assessment_services_tier import annual_cycle_of_generated_group, rows

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("processes at once only on PostgreSQL")


def whoami(chunk: list[int]) -> tuple[int, int, str]:
    """Run in a pool process: its pid, its backend's pid and its database's name."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid(), current_database()")
        backend, database = cursor.fetchone()
    return os.getpid(), backend, database


def fails(chunk: list[int]) -> int:
    if chunk == [3]:
        raise ValueError("chunk 3 failed")
    return chunk[0]


def _emptied(cycle: Any) -> None:
    AssessmentResult.objects.filter(cycle=cycle).update(
        quantitative_part=None, qualitative_part=None, final_score=None, grade="",
        vetoed=False, explanation={}, inputs_digest="", version=1,
    )  # fmt: skip


def test_chunks_run_in_other_processes_on_their_own_connections_to_this_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid(), current_database()")
        mine, database = cursor.fetchone()
    done = list(chunk_outcomes(whoami, [[1], [2], [3], [4]], 2))
    assert sorted(chunk for chunk, _ in done) == [[1], [2], [3], [4]]
    pids = {pid for _, (pid, _, _) in done}
    backends = {backend for _, (_, backend, _) in done}
    assert os.getpid() not in pids and 1 <= len(pids) <= 2
    assert mine not in backends
    assert {name for _, (_, _, name) in done} == {database}  # the test database
    with connection.cursor() as cursor:  # the caller's connection is still usable
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] == mine


def test_a_chunks_error_is_raised_in_the_caller() -> None:
    with pytest.raises(ValueError, match="chunk 3 failed"):
        list(chunk_outcomes(fails, [[1], [2], [3], [4]], 2))


def test_two_processes_write_exactly_the_rows_of_one_with_one_audit_row_each() -> None:
    cycle = annual_cycle_of_generated_group(80)
    now = FixedClock.on(cycle.period_span.end).now()
    assert parallel_possible(2, 2)  # outside a transaction on PostgreSQL: really parallel
    alone = compute_cycle(cycle.pk, now=now, chunk_size=20)
    expected = rows(cycle)
    _emptied(cycle)
    audits = AssessmentResult.history.filter(cycle_id=cycle.pk).count()
    seen: list[tuple[int, int]] = []
    together = compute_cycle(
        cycle.pk, now=now, chunk_size=20, processes=2,
        progress=lambda done, total: seen.append((done, total)),
    )  # fmt: skip
    assert (together.computed, together.changed) == (alone.computed, alone.computed)
    assert rows(cycle) == expected
    assert AssessmentResult.history.filter(cycle_id=cycle.pk).count() == audits + alone.computed
    assert seen[0][0] == 0 and seen[-1][0] == seen[-1][1] > 0  # progress to the last unit
    assert compute_cycle(cycle.pk, now=now, chunk_size=20, processes=2).changed == 0


def test_processes_compute_while_the_callers_other_threads_use_their_connections() -> None:
    cycle = annual_cycle_of_generated_group(60)
    now = FixedClock.on(cycle.period_span.end).now()
    compute_cycle(cycle.pk, now=now, chunk_size=15)
    expected = rows(cycle)
    _emptied(cycle)
    stop = threading.Event()
    counted: list[int] = []

    def busy() -> None:  # another thread of this process, querying on its own connection
        try:
            while not stop.is_set():
                counted.append(AssessmentResult.objects.filter(cycle=cycle).count())
        finally:
            connections.close_all()

    thread = threading.Thread(target=busy)
    thread.start()
    try:
        compute_cycle(cycle.pk, now=now, chunk_size=15, processes=2)
    finally:
        stop.set()
        thread.join()
    assert rows(cycle) == expected
    assert counted and set(counted) == {len(expected)}


def test_processes_refuse_a_finalised_cycle_and_change_nothing() -> None:
    cycle = annual_cycle_of_generated_group(40)
    now = FixedClock.on(cycle.period_span.end).now()
    AssessmentCycle.objects.filter(pk=cycle.pk).update(status=CycleStatus.FINALISED)
    before = rows(cycle)
    outcome = compute_cycle(cycle.pk, now=now, chunk_size=10, processes=2)
    assert outcome.refused and outcome.changed == 0
    assert rows(cycle) == before
