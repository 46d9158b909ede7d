"""docker-compose.yml stays honest: every command it names starts on this machine.

Docker does not run here, so each service's command is run directly (with loopback ports
instead of the container network): gunicorn serves ``/health/`` after migrations and
``collectstatic``, the Celery worker answers a ping, beat loads its schedule, and Redis
runs with the append-only file and ``noeviction``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import need
from tests.harness import free_port, wait_for_port

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
REDIS_URL = os.environ.get("REDIS_URL", "")

pytestmark = pytest.mark.slow


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SPM_", "DJANGO_"))}
    env.update(
        {
            "SPM_DEBUG": "0",
            "SPM_SECRET_KEY": "test-only-" + "x" * 60,
            "SPM_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SPM_SECURE_SSL_REDIRECT": "0",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'compose.sqlite3'}",
            "SPM_MEDIA_ROOT": str(tmp_path / "media"),
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        }
    )
    env.pop("REDIS_URL", None)
    env.update(extra)
    return env


def session_members(sid: int) -> list[str]:
    """Live processes of session ``sid`` (pid and command), from /proc; zombies excluded."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # ended while we looked
        fields = text[text.rindex(")") + 2 :].split()
        state, session = fields[0], int(fields[3])
        if session == sid and state != "Z":
            members.append(f"{stat.parent.name} {text[text.index('(') : text.rindex(')') + 1]}")
    return members


class ProcessGroups:
    """Runs each command in a session (and process group) of its own, so that ending it
    ends everything it started — ``sh -c`` *and* the gunicorn master and workers under it."""

    def __init__(self) -> None:
        self.processes: list[subprocess.Popen[str]] = []

    def start(self, command: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.processes.append(process)
        return process

    def stop_all(self, timeout: float = 20) -> list[str]:
        """Send SIGTERM to each whole group, SIGKILL what is left after ``timeout``; return
        what still lived when the SIGKILL was needed (empty: everything ended cleanly)."""
        for process in self.processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for process in self.processes:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(max(0.1, deadline - time.monotonic()))
        survivors: list[str] = []
        for process in self.processes:
            while session_members(process.pid) and time.monotonic() < deadline:
                time.sleep(0.1)
            left = session_members(process.pid)
            if left:
                survivors += left
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(5)
        self.processes.clear()
        return survivors


@pytest.fixture
def run() -> Iterator[Any]:
    groups = ProcessGroups()
    yield groups.start
    survivors = groups.stop_all()
    assert not survivors, f"still running after SIGTERM to the group: {survivors}"


def test_ending_a_command_ends_everything_it_started() -> None:
    groups = ProcessGroups()
    shell = groups.start(["sh", "-c", "sleep 300 & sleep 301 & wait"], dict(os.environ))
    deadline = time.monotonic() + 10
    while len(session_members(shell.pid)) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(session_members(shell.pid)) == 3  # sh and its two sleeps
    assert groups.stop_all() == []
    assert session_members(shell.pid) == []


def read_until(process: subprocess.Popen[str], marker: str, timeout: float) -> str:
    """Output of ``process`` up to the line holding ``marker``."""
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    assert process.stdout is not None
    os.set_blocking(process.stdout.fileno(), False)
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if line:
            seen.append(line)
            if marker in line:
                return "".join(seen)
        elif process.poll() is not None:
            break
        else:
            time.sleep(0.1)
    raise AssertionError(f"{marker!r} not seen; output:\n{''.join(seen)[-4000:]}")


def test_compose_defines_the_production_topology() -> None:
    assert set(SERVICES) == {"postgres", "redis", "web", "worker", "beat"}
    assert "gunicorn spm.wsgi:application" in SERVICES["web"]["command"][-1]
    assert "migrate --noinput" in SERVICES["web"]["command"][-1]


def test_web_command_migrates_and_serves_health_through_gunicorn(tmp_path: Path, run: Any) -> None:
    port = free_port()
    shell_command = SERVICES["web"]["command"][-1].replace("0.0.0.0:8000", f"127.0.0.1:{port}")
    process = run(["sh", "-c", shell_command], production_env(tmp_path))
    wait_for_port(port, timeout=180)
    # The master listens before its workers have imported the app; on a loaded machine the
    # first answer can take far longer than 10 s to come.
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=120) as response:
        assert response.status == 200
        body = response.read().decode()
    assert '"database": "ok"' in body
    assert process.poll() is None


def test_worker_command_starts_and_answers(tmp_path: Path, run: Any) -> None:
    need(bool(REDIS_URL), "Redis for the worker command")
    command = [*SERVICES["worker"]["command"], "--pool=solo", "--without-mingle"]
    command = [c for c in command if not c.startswith("--concurrency")]
    process = run(command, production_env(tmp_path, REDIS_URL=REDIS_URL))
    read_until(process, "ready.", timeout=90)


def test_beat_command_loads_the_schedule(tmp_path: Path, run: Any) -> None:
    command = [
        "--schedule=" + str(tmp_path / "celerybeat-schedule") if c.startswith("--schedule=") else c
        for c in SERVICES["beat"]["command"]
    ]
    extra = {"REDIS_URL": REDIS_URL} if REDIS_URL else {}
    process = run([*command, "--max-interval=1"], production_env(tmp_path, **extra))
    output = read_until(process, "beat: Starting", timeout=90)
    assert "Error" not in output
    time.sleep(2)
    assert process.poll() is None, "beat stopped right after starting"


def test_redis_command_runs_with_append_only_file_and_noeviction(tmp_path: Path, run: Any) -> None:
    binary = shutil.which("redis-server")
    need(binary is not None, "redis-server")
    port = free_port()
    command = [
        binary,
        *SERVICES["redis"]["command"][1:],
        "--port",
        str(port),
        "--dir",
        str(tmp_path),
    ]
    run(command, dict(os.environ))
    wait_for_port(port)
    import redis

    client = redis.Redis(port=port)
    assert client.config_get("appendonly") == {"appendonly": "yes"}
    assert client.config_get("maxmemory-policy") == {"maxmemory-policy": "noeviction"}


def test_deploy_check_is_clean_with_production_settings(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**production_env(tmp_path), "SPM_SECURE_SSL_REDIRECT": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
