"""The assessment in the full tier: a real Celery worker on Redis computes exactly what
the in-process computation gives — also a prefork worker of two processes as in
production (docker-compose.yml), its task computing the chunks in two processes of its
own; a worker killed (SIGKILL) in the middle of computing, its computing processes with
it, then a new worker, ends with identical rows and no duplicates."""

from __future__ import annotations

import datetime
import signal
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from assessment.compute import compute_cycle
from assessment.models import AssessmentCycle, AssessmentResult
from assessment.services.cycles import cycle_create, cycle_open
from assessment.services.results import cycle_compute_start
from assessment.services.schemes import scheme_create
from org.generate import generate_enterprise
from org.scoping import SYSTEM
from spm.clock import FixedClock
from spm.models import Job
from tests.conftest import need
from tests.test_services_tier import (
    REDIS_URL,
    celery_worker,
    no_shared_worker,
    own_celery_worker,
    own_worker,
    shared_worker,
    start_worker,
    wait_until,
)

pytestmark = pytest.mark.services
COMPARED = ("id", "scorecard_id", "quantitative_part", "qualitative_part", "final_score",
            "grade", "vetoed", "explanation")  # fmt: skip
__all__ = ["celery_worker", "no_shared_worker", "own_celery_worker", "shared_worker"]


def annual_cycle_of_generated_group(employees: int) -> AssessmentCycle:
    # Dated explicitly: the generated year (that of last month) must be the cycle's year.
    generated = generate_enterprise(
        employees=employees, prefix="SVC", seed=3, today=datetime.date(2026, 11, 15)
    )
    scheme = scheme_create(actor=SYSTEM, code="svc", name="Scheme", owner_unit=generated.group)
    cycle = cycle_create(
        actor=SYSTEM,
        name="Annual",
        kind="annual",
        year=2026,
        owner_unit=generated.group,
        root_units=[generated.group],
        scheme=scheme,
    )
    return cycle_open(actor=SYSTEM, cycle=cycle, version=cycle.version)


def rows(cycle: AssessmentCycle) -> list[tuple[Any, ...]]:
    return list(AssessmentResult.objects.filter(cycle=cycle).order_by("id").values_list(*COMPARED))


def children_of(parent: int) -> list[int]:
    """The live processes whose parent is ``parent`` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and alive(int(entry.name)):
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, dead but not yet reaped, does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def reference_then_reset(cycle: AssessmentCycle) -> list[tuple[Any, ...]]:
    """The in-process results; then the rows emptied again for the worker to fill."""
    compute_cycle(cycle.pk, now=FixedClock.on(cycle.period_span.end).now())
    expected = rows(cycle)
    AssessmentResult.objects.filter(cycle=cycle).update(
        quantitative_part=None, qualitative_part=None, final_score=None, grade="",
        vetoed=False, explanation={},
    )  # fmt: skip
    assert rows(cycle) != expected
    return expected


def test_a_real_worker_computes_exactly_the_in_process_results(
    celery_worker: subprocess.Popen[bytes],
) -> None:
    cycle = annual_cycle_of_generated_group(300)
    expected = reference_then_reset(cycle)
    job = cycle_compute_start(actor=SYSTEM, cycle=cycle)
    wait_until(lambda: Job.objects.get(pk=job.pk).finished, 120, "the compute job")
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error
    assert rows(cycle) == expected
    assert job.result["results"] == len(expected)


def test_a_prefork_worker_as_in_production_computes_in_two_processes_the_same_rows(
    no_shared_worker: None, transactional_db: Any, tmp_path: Path, settings: Any
) -> None:
    need(connection.vendor == "postgresql", "PostgreSQL for the worker to share")
    need(bool(REDIS_URL), "Redis for the worker to consume from")
    cycle = annual_cycle_of_generated_group(300)
    expected = reference_then_reset(cycle)
    settings.MEDIA_ROOT = tmp_path / "media"
    with own_worker(settings.MEDIA_ROOT, pool="prefork", concurrency=2):
        job = cycle_compute_start(actor=SYSTEM, cycle=cycle, chunk_size=60, processes=2)
        wait_until(lambda: Job.objects.get(pk=job.pk).finished, 180, "the compute job")
        job.refresh_from_db()
        assert job.status == Job.Status.DONE, job.error
        assert job.result["processes"] == 2  # a daemonic pool process started its own
    assert rows(cycle) == expected


def test_killed_worker_then_new_worker_ends_with_identical_rows_and_no_duplicates(
    own_celery_worker: subprocess.Popen[bytes], tmp_path: Path
) -> None:
    celery_worker = own_celery_worker
    cycle = annual_cycle_of_generated_group(1200)
    expected = reference_then_reset(cycle)
    first = cycle_compute_start(actor=SYSTEM, cycle=cycle, chunk_size=20)

    def midway() -> bool:
        job = Job.objects.get(pk=first.pk)
        return 0 < job.done < job.total

    wait_until(midway, 120, "the computation to be under way")
    wait_until(lambda: bool(children_of(celery_worker.pid)), 60, "the computing processes")
    computing = children_of(celery_worker.pid)
    celery_worker.send_signal(signal.SIGKILL)
    celery_worker.wait(timeout=30)
    wait_until(lambda: not any(alive(pid) for pid in computing), 30, "the children to die")
    partly = rows(cycle)
    assert partly != expected, "the worker finished before it was killed"
    assert Job.objects.get(pk=first.pk).status == Job.Status.RUNNING

    replacement = start_worker(Path(settings.MEDIA_ROOT))
    try:
        from spm.celery import app

        wait_until(lambda: bool(app.control.ping(timeout=0.5)), 60, "the new worker")
        second = cycle_compute_start(actor=SYSTEM, cycle=cycle, chunk_size=20)
        wait_until(lambda: Job.objects.get(pk=second.pk).finished, 180, "the second job")
        assert Job.objects.get(pk=second.pk).status == Job.Status.DONE
    finally:
        replacement.terminate()
        replacement.communicate(timeout=30)
    assert rows(cycle) == expected
    assert AssessmentResult.objects.filter(cycle=cycle).count() == len(expected)
