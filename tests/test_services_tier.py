"""The full tier: real PostgreSQL, real Redis and a real Celery worker process.

``make test`` starts PostgreSQL and Redis when their binaries exist; these tests then run
against them. Without them they skip (and fail under ``SPM_REQUIRE_SERVICES=1``).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from spm.celery import app as celery_app
from spm.models import Job
from tests.conftest import Cast, need

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("REDIS_URL", "")


@pytest.mark.django_db
def test_the_suite_runs_on_postgresql_in_the_full_tier() -> None:
    need(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL from the harness)")
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        assert int(cursor.fetchone()[0].split(".")[0]) >= 13


def test_redis_answers_in_the_full_tier() -> None:
    need(bool(REDIS_URL), "Redis (REDIS_URL from the harness)")
    import redis

    assert redis.Redis.from_url(REDIS_URL).ping()


def start_worker(
    media_root: Path, log: Path | None = None, *, pool: str = "solo", concurrency: int = 1
) -> subprocess.Popen[bytes]:
    """A Celery worker on the test database and this test process's Redis database; its
    output is piped to the test, or written to ``log`` (a worker that outlives a test must not
    fill a pipe nobody reads)."""
    env = dict(os.environ)
    env.update(
        {
            # The worker must read the test database, not the development one.
            "DATABASE_URL": (
                f"postgres://{connection.settings_dict['USER']}@{connection.settings_dict['HOST']}:"
                f"{connection.settings_dict['PORT']}/{connection.settings_dict['NAME']}"
            ),
            "REDIS_URL": REDIS_URL,
            "SPM_MEDIA_ROOT": str(media_root),
            "SPM_TASKS_EAGER": "",
        }
    )
    output: Any = log.open("ab") if log is not None else subprocess.PIPE
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "spm",
            "worker",
            f"--pool={pool}",
            f"--concurrency={concurrency}",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT,
    )


class SharedWorker:
    """One Celery worker per test process, started by the first test that needs a worker
    that merely works, and kept for the next ones (starting one costs seconds of CPU: Python,
    Django and Celery imported again). A test that kills a worker, wants none answering, or
    starts workers of its own calls :meth:`stop` first (``own_celery_worker``,
    ``no_shared_worker``): then only its own workers consume this process's queue."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[bytes] | None = None
        self.home: Path | None = None

    def get(self, home: Path) -> subprocess.Popen[bytes]:
        if self.process is not None and self.process.poll() is None:
            return self.process
        self.home = home
        (home / "media").mkdir(parents=True, exist_ok=True)
        self.process = start_worker(home / "media", log=home / "worker.log")
        return self.process

    @property
    def media_root(self) -> Path:
        assert self.home is not None
        return self.home / "media"

    def output(self) -> str:
        log = self.home / "worker.log" if self.home else None
        return log.read_text(errors="replace")[-3000:] if log and log.exists() else ""

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)


SHARED_WORKER = SharedWorker()


@contextlib.contextmanager
def tasks_through_redis() -> Iterator[None]:
    """While it lasts, tasks go through Redis to a worker (not run in-process), once a
    worker answers a ping."""
    celery_app.conf.task_always_eager = False
    try:
        wait_until(lambda: bool(celery_app.control.ping(timeout=0.5)), 60, "the worker to answer")
        yield
    finally:
        celery_app.conf.task_always_eager = True


@contextlib.contextmanager
def own_worker(media_root: Path, **options: Any) -> Iterator[subprocess.Popen[bytes]]:
    """A worker of the caller's own (``options`` as :func:`start_worker` takes them), tasks
    going to it while it lasts; stopped at the end, its output shown if it died badly."""
    worker = start_worker(media_root, **options)
    try:
        with tasks_through_redis():
            yield worker
    finally:
        worker.terminate()
        output = worker.communicate(timeout=30)[0].decode(errors="replace")
        if worker.returncode not in (0, -15):
            print(output[-3000:])


def wait_until(condition: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


@pytest.fixture(scope="session")
def shared_worker(
    django_db_setup: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SharedWorker]:
    """The test process's :class:`SharedWorker`, stopped at the end of the session (before
    the test database is dropped: this fixture depends on its creation)."""
    yield SHARED_WORKER
    SHARED_WORKER.stop()


@pytest.fixture
def celery_worker(
    transactional_db: Any,
    shared_worker: SharedWorker,
    tmp_path_factory: pytest.TempPathFactory,
    settings: Any,
) -> Iterator[subprocess.Popen[bytes]]:
    """A live Celery worker consuming this test process's queue (the shared one): the queue
    purged of anything an earlier test left, the worker answering a ping before the test."""
    need(connection.vendor == "postgresql", "PostgreSQL for the worker to share")
    need(bool(REDIS_URL), "Redis for the worker to consume from")
    worker = shared_worker.get(tmp_path_factory.mktemp("celery-worker"))
    settings.MEDIA_ROOT = shared_worker.media_root
    celery_app.control.purge()
    try:
        with tasks_through_redis():
            yield worker
    finally:
        if worker.poll() is not None:
            print(shared_worker.output())


@pytest.fixture
def no_shared_worker(shared_worker: SharedWorker) -> None:
    """No shared worker answers during the test (it starts again for the next test that
    asks for ``celery_worker``)."""
    shared_worker.stop()


@pytest.fixture
def own_celery_worker(
    no_shared_worker: None, transactional_db: Any, tmp_path: Path, settings: Any
) -> Iterator[subprocess.Popen[bytes]]:
    """A worker of the test's own, the only one on its queue — for a test that kills it."""
    need(connection.vendor == "postgresql", "PostgreSQL for the worker to share")
    need(bool(REDIS_URL), "Redis for the worker to consume from")
    settings.MEDIA_ROOT = tmp_path / "media"
    with own_worker(settings.MEDIA_ROOT) as worker:
        yield worker


# First in the file: it stops the shared worker, which the tests below then start once.
def test_health_is_503_when_no_worker_answers(
    transactional_db: Any, no_shared_worker: None
) -> None:
    need(bool(REDIS_URL), "Redis")
    celery_app.conf.task_always_eager = False
    try:
        response = Client().get(reverse("health"))
    finally:
        celery_app.conf.task_always_eager = True
    assert response.status_code == 503
    assert response.json()["worker"].startswith("error")


def test_an_export_runs_in_a_real_worker_through_redis(
    celery_worker: subprocess.Popen[bytes], cast: Cast
) -> None:
    client = cast.client("hr")
    response = client.post(reverse("employee-export"))
    job = Job.objects.get()
    assert response["Location"] == reverse("job-detail", args=[job.pk])
    wait_until(lambda: Job.objects.get(pk=job.pk).finished, 60, "the export job")
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error
    assert job.result["rows"] == 7
    assert (Path(settings.MEDIA_ROOT) / job.result_file.name).exists()
    # A second delivery of the same message finds the job claimed and does nothing.
    from org.tasks import employee_directory_export

    employee_directory_export.delay(job.pk).get(timeout=30)
    assert Job.objects.get(pk=job.pk).finished_at == job.finished_at


def test_health_reports_database_redis_and_worker(celery_worker: subprocess.Popen[bytes]) -> None:
    response = Client().get(reverse("health"))
    body = response.json()
    assert response.status_code == 200, body
    assert body["database"] == "ok"
    assert body["redis"] == "ok"
    assert body["worker"].startswith("ok")
