"""docker-compose.yml stays honest: every command it names starts on this machine.

Docker does not run here, so each service's command is run directly (with loopback ports
instead of the container network): gunicorn serves ``/health/`` after migrations and
``collectstatic``, the Celery worker answers a ping, beat loads its schedule, and Redis
runs with the append-only file and ``noeviction``.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

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


@dataclass
class Started:
    """The commands of docker-compose.yml, all started at once by :func:`started`."""

    tmp: Path
    web_port: int
    web: Output
    beat: Output
    worker: Output | None
    redis_port: int | None
    deploy_check: Output


@pytest.fixture(scope="module")
def started(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Started]:
    """Every command, started concurrently (each waits for the machine, not for the others),
    each in a process group of its own; at the end every group is ended and nothing any of
    them started may survive.

    The web command migrates a database of its own and collects the static files before
    gunicorn listens — by far the longest; the worker, beat, Redis and the deploy check start
    meanwhile. Each test then waits for its own command to be ready.
    """
    tmp = tmp_path_factory.mktemp("compose")
    groups = ProcessGroups()
    try:
        web_port = free_port()
        web_command = SERVICES["web"]["command"][-1]
        web_command = web_command.replace("0.0.0.0:8000", f"127.0.0.1:{web_port}")
        (tmp / "web").mkdir()
        web = groups.start(["sh", "-c", web_command], production_env(tmp / "web"))
        beat_command = [
            "--schedule=" + str(tmp / "celerybeat-schedule") if c.startswith("--schedule=") else c
            for c in SERVICES["beat"]["command"]
        ]
        beat_extra = {"REDIS_URL": REDIS_URL} if REDIS_URL else {}
        beat_command.append("--max-interval=1")
        beat = groups.start(beat_command, production_env(tmp, **beat_extra))
        worker = None
        if REDIS_URL:
            worker_command = [*SERVICES["worker"]["command"], "--pool=solo", "--without-mingle"]
            worker_command = [c for c in worker_command if not c.startswith("--concurrency")]
            worker = groups.start(worker_command, production_env(tmp, REDIS_URL=REDIS_URL))
        redis_port = None
        binary = shutil.which("redis-server")
        if binary is not None:
            redis_port = free_port()
            redis_command = [binary, *SERVICES["redis"]["command"][1:]]
            redis_command += ["--port", str(redis_port), "--dir", str(tmp)]
            groups.start(redis_command, dict(os.environ))
        deploy_check = groups.start(
            [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
            {**production_env(tmp), "SPM_SECURE_SSL_REDIRECT": "1"},
        )
        yield Started(
            tmp,
            web_port,
            Output(web),
            Output(beat),
            Output(worker) if worker else None,
            redis_port,
            Output(deploy_check),
        )
    finally:
        survivors = groups.stop_all()
    assert not survivors, f"still running after SIGTERM to the group: {survivors}"


def listens(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
        return True
    return False


def test_ending_a_command_ends_everything_it_started() -> None:
    groups = ProcessGroups()
    shell = groups.start(["sh", "-c", "sleep 300 & sleep 301 & wait"], dict(os.environ))
    deadline = time.monotonic() + 10
    while len(session_members(shell.pid)) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(session_members(shell.pid)) == 3  # sh and its two sleeps
    assert groups.stop_all() == []
    assert session_members(shell.pid) == []


class Output:
    """Every line a command prints, read as it comes by a thread of its own (so a chatty
    command never blocks on a full pipe) and stamped with the time it was read."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.lines: list[tuple[float, str]] = []
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append((time.monotonic(), line))

    def text(self) -> str:
        return "".join(text for _, text in self.lines)

    def until(self, marker: str, timeout: float) -> tuple[str, float]:
        """The output up to the line holding ``marker``, and when that line came."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            lines = list(self.lines)
            for n, (when, line) in enumerate(lines):
                if marker in line:
                    return "".join(text for _, text in lines[: n + 1]), when
            if not self.thread.is_alive():
                break  # the command ended and everything it printed has been read
            time.sleep(0.1)
        raise AssertionError(f"{marker!r} not seen; output:\n{self.text()[-4000:]}")


def test_compose_defines_the_production_topology() -> None:
    assert set(SERVICES) == {"postgres", "redis", "web", "worker", "beat"}
    assert "gunicorn spm.wsgi:application" in SERVICES["web"]["command"][-1]
    assert "migrate --noinput" in SERVICES["web"]["command"][-1]


def test_the_web_server_runs_threads_so_a_slow_page_does_not_hold_the_quick_ones() -> None:
    # Sync workers serve one request each: three slow pages held every other request behind
    # them (benchmarks/RESULTS.md, the load test). Threads wait for PostgreSQL side by side;
    # keep-alive outlasts a busy worker's loop (at the 2 s default, connections were reset).
    words = shlex.split(SERVICES["web"]["command"][-1].split("&& gunicorn ", 1)[1])
    assert int(words[words.index("--threads") + 1]) > 1
    assert int(words[words.index("--keep-alive") + 1]) > 2


# The web command migrates an empty database first: ~30 s of CPU, which on a machine shared
# by many test runs can take minutes. It is waited for as long as it lives and prints.
WEB_READY_WITHIN = 540


@pytest.mark.timeout(WEB_READY_WITHIN + 60)
def test_web_command_migrates_and_serves_health_through_gunicorn(started: Started) -> None:
    web = started.web
    deadline = time.monotonic() + WEB_READY_WITHIN
    while not listens(started.web_port):
        assert web.process.poll() is None, f"the web command ended:\n{web.text()[-4000:]}"
        assert time.monotonic() < deadline, f"nothing listens yet:\n{web.text()[-4000:]}"
        time.sleep(0.2)
    # The master listens before its workers have imported the app; on a loaded machine the
    # first answer can take far longer than 10 s to come.
    url = f"http://127.0.0.1:{started.web_port}/health/"
    with urllib.request.urlopen(url, timeout=120) as response:
        assert response.status == 200
        body = response.read().decode()
    assert '"database": "ok"' in body
    assert web.process.poll() is None


def test_worker_command_starts_and_answers(started: Started) -> None:
    need(started.worker is not None, "Redis for the worker command")
    assert started.worker is not None
    started.worker.until("ready.", timeout=90)


# Beat must still be running this long after it said it started (it used to die right after).
BEAT_ALIVE_FOR = 2.0


def test_beat_command_loads_the_schedule(started: Started) -> None:
    output, said_it_started = started.beat.until("beat: Starting", timeout=90)
    assert "Error" not in output
    # Only what is left of the two seconds after the other tests' waiting.
    time.sleep(max(0.0, said_it_started + BEAT_ALIVE_FOR - time.monotonic()))
    assert started.beat.process.poll() is None, "beat stopped right after starting"


def test_redis_command_runs_with_append_only_file_and_noeviction(started: Started) -> None:
    need(started.redis_port is not None, "redis-server")
    assert started.redis_port is not None
    wait_for_port(started.redis_port)
    import redis

    client = redis.Redis(port=started.redis_port)
    assert client.config_get("appendonly") == {"appendonly": "yes"}
    assert client.config_get("maxmemory-policy") == {"maxmemory-policy": "noeviction"}


def test_deploy_check_is_clean_with_production_settings(started: Started) -> None:
    process = started.deploy_check.process
    process.wait(timeout=120)
    started.deploy_check.thread.join(10)
    output = started.deploy_check.text()
    assert process.returncode == 0, output
