"""The full tier: real PostgreSQL, real Redis and a real Celery worker process.

``make test`` starts PostgreSQL and Redis when their binaries exist; these tests then run
against them. Without them they skip (and fail under ``SPM_REQUIRE_SERVICES=1``).
"""

from __future__ import annotations

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
    media_root: Path, *, pool: str = "solo", concurrency: int = 1
) -> subprocess.Popen[bytes]:
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
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def wait_until(condition: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


@pytest.fixture
def celery_worker(
    transactional_db: Any, tmp_path: Path, settings: Any
) -> Iterator[subprocess.Popen[bytes]]:
    need(connection.vendor == "postgresql", "PostgreSQL for the worker to share")
    need(bool(REDIS_URL), "Redis for the worker to consume from")
    settings.MEDIA_ROOT = tmp_path / "media"
    worker = start_worker(settings.MEDIA_ROOT)
    celery_app.conf.task_always_eager = False
    try:
        wait_until(lambda: bool(celery_app.control.ping(timeout=0.5)), 60, "the worker to answer")
        yield worker
    finally:
        celery_app.conf.task_always_eager = True
        worker.terminate()
        output = worker.communicate(timeout=30)[0].decode(errors="replace")
        if worker.returncode not in (0, -15):
            print(output[-3000:])


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


def test_health_is_503_when_no_worker_answers(transactional_db: Any) -> None:
    need(bool(REDIS_URL), "Redis")
    celery_app.conf.task_always_eager = False
    try:
        response = Client().get(reverse("health"))
    finally:
        celery_app.conf.task_always_eager = True
    assert response.status_code == 503
    assert response.json()["worker"].startswith("error")
