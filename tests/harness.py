"""``make test``: start throwaway PostgreSQL and Redis where their binaries exist, then pytest.

Run as ``python -m tests.harness [pytest args]``. PostgreSQL is initialised into a
temporary directory and listens on loopback only; as root (CI), ``initdb`` and ``postgres``
run as ``nobody`` because PostgreSQL refuses to run as root. Redis runs on a free loopback
port with persistence off. Both are stopped and deleted at the end.

The test processes write bytecode even where ``PYTHONDONTWRITEBYTECODE`` is set: without it
every process (each xdist worker, every Celery worker, gunicorn and ``manage.py`` command a
test starts) compiles the app and pytest rewrites the asserts of every test module again —
about 9 s of CPU of the 16 s a worker spends collecting. The files go where Python puts
them anyway, ``__pycache__/`` directories, which git ignores.

What ran and what was skipped is printed plainly at the start and the end, and then where
the time went (``Usage:``): the wall time, the CPU seconds of the test processes and of
PostgreSQL, and the load average — on a machine others load, the CPU seconds are the figure
to compare; before it, the test files that took the most CPU (``tests/cpu_report.py``).
With ``SPM_REQUIRE_SERVICES=1`` a missing tier is an error here, and every test of that tier
fails instead of skipping (see ``tests/conftest.need``).
"""

from __future__ import annotations

import contextlib
import glob
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tests.cpu_report import summary as cpu_by_file

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


def postgres_bindir() -> Path | None:
    initdb = shutil.which("initdb")
    if initdb:
        return Path(os.path.realpath(initdb)).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    return Path(candidates[0]).parent if candidates else None


@dataclass
class Tier:
    name: str
    detail: str = ""
    available: bool = False
    env: dict[str, str] = field(default_factory=dict)


class Postgres:
    def __init__(self, bindir: Path, workdir: Path) -> None:
        self.bindir = bindir
        self.datadir = workdir / "pgdata"
        self.sockdir = workdir / "pgsock"
        self.logfile = workdir / "postgres.log"
        self.port = free_port()
        self.as_root = os.geteuid() == 0

    def _run(self, *args: str) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", "nobody", "--", *command]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def start(self) -> str:
        for path in (self.datadir, self.sockdir):
            path.mkdir()
        self.logfile.touch()
        if self.as_root:
            for path in (self.datadir, self.sockdir, self.logfile):
                shutil.chown(path, "nobody")
        self._run(
            "initdb",
            "-D",
            str(self.datadir),
            "-U",
            "spm",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-locale",
            "--no-instructions",
        )
        # A throwaway server: nothing needs to survive a crash or be replicated. No
        # autovacuum (a test's tables are emptied or rolled back within seconds), no JIT
        # (test queries are small; compiling one costs more than it saves), and the least
        # WAL: PostgreSQL's CPU over the full tier fell from 124 s to 105 s with them.
        options = (
            f"-h 127.0.0.1 -p {self.port} -k {self.sockdir} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200 "
            "-c autovacuum=off -c jit=off -c wal_level=minimal -c max_wal_senders=0 "
            "-c shared_buffers=256MB"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.datadir),
            "-o",
            options,
            "-l",
            str(self.logfile),
            "-w",
            "-t",
            "60",
            "start",
        )
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "spm", "spm")
        return f"postgres://spm@127.0.0.1:{self.port}/spm"

    def cpu_seconds(self) -> float | None:
        """CPU time of the server so far: the postmaster and the backends it has reaped (a
        backend ends with its connection, so after the test processes end this is all the
        database's work). ``None`` where /proc cannot tell."""
        try:
            pid = int((self.datadir / "postmaster.pid").read_text().split()[0])
            stat = Path(f"/proc/{pid}/stat").read_text()
        except (OSError, ValueError, IndexError):
            return None
        fields = stat[stat.rindex(")") + 2 :].split()
        return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self._run("pg_ctl", "-D", str(self.datadir), "-m", "immediate", "-w", "stop")


class Redis:
    def __init__(self, binary: str, workdir: Path) -> None:
        self.binary = binary
        self.workdir = workdir
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> str:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port)
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(10)


@dataclass
class Usage:
    """Where the run's time went, printed at the end: the suite is CPU-bound on a small
    machine, so its CPU seconds say more than its wall time when others load the machine."""

    started: float = field(default_factory=time.monotonic)
    load_at_start: str = field(default_factory=lambda: _loadavg())
    postgres: Postgres | None = None

    def summary(self) -> str:
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        tests = children.ru_utime + children.ru_stime
        parts = [
            f"wall {time.monotonic() - self.started:.0f} s",
            f"CPU of the test processes (pytest, its workers, Chromium, Celery, gunicorn) "
            f"{tests:.0f} s",
        ]
        database = self.postgres.cpu_seconds() if self.postgres else None
        if database is not None:
            parts.append(f"CPU of PostgreSQL {database:.0f} s")
        parts.append(f"load average at start {self.load_at_start}, at end {_loadavg()}")
        return "Usage: " + "; ".join(parts)


def _loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


@contextlib.contextmanager
def services(require: bool, usage: Usage | None = None) -> Iterator[list[Tier]]:
    workdir = Path(tempfile.mkdtemp(prefix="spm-test-"))
    workdir.chmod(0o755)  # nobody must reach the PostgreSQL data directory inside
    started: list[Postgres | Redis] = []
    tiers = [Tier("PostgreSQL"), Tier("Redis + Celery worker"), Tier("Chromium (browser tests)")]
    try:
        bindir = postgres_bindir()
        if bindir is None:
            tiers[0].detail = "initdb not found"
        else:
            pg = Postgres(bindir, workdir)
            try:
                url = pg.start()
                started.append(pg)
                if usage is not None:
                    usage.postgres = pg
                tiers[0] = Tier(
                    "PostgreSQL", f"{bindir} on 127.0.0.1:{pg.port}", True, {"DATABASE_URL": url}
                )
            except (subprocess.CalledProcessError, OSError, TimeoutError) as exc:
                stderr = getattr(exc, "stderr", b"") or b""
                tiers[0].detail = f"failed to start: {exc} {stderr.decode(errors='replace')[-500:]}"
        redis_binary = shutil.which("redis-server")
        if redis_binary is None:
            tiers[1].detail = "redis-server not found"
        else:
            redis = Redis(redis_binary, workdir)
            try:
                url = redis.start()
                started.append(redis)
                tiers[1] = Tier(
                    "Redis + Celery worker",
                    f"{redis_binary} on 127.0.0.1:{redis.port}",
                    True,
                    {"REDIS_URL": url},
                )
            except (OSError, TimeoutError) as exc:
                tiers[1].detail = f"failed to start: {exc}"
        chromium = os.environ.get("SPM_TEST_CHROMIUM") or shutil.which("chromium")
        if chromium:
            tiers[2] = Tier(
                "Chromium (browser tests)", chromium, True, {"SPM_TEST_CHROMIUM": chromium}
            )
        else:
            tiers[2].detail = "chromium not found"
        yield tiers
    finally:
        for service in reversed(started):
            service.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def report(tiers: list[Tier]) -> str:
    lines = ["", "Test tiers:"]
    for tier in tiers:
        state = "RAN " if tier.available else "SKIPPED"
        lines.append(f"  {state:8} {tier.name}: {tier.detail}")
    if not all(t.available for t in tiers):
        lines.append(
            "  Without these, the suite ran on what was there (SQLite, in-process tasks); "
            "the skipped tests are listed by pytest as SKIPPED."
        )
    return "\n".join(lines)


def parallel(argv: list[str]) -> list[str]:
    """pytest-xdist options: one test process per core (``SPM_TEST_WORKERS`` overrides it;
    0 runs in one process), whole files per process so module-scoped fixtures are built once,
    handed out heaviest kind first (``tests/conftest.pytest_xdist_make_scheduler``). Nothing
    is added when the caller chose ``-n`` or picked tests by path."""
    chosen = os.environ.get("SPM_TEST_WORKERS")
    workers = int(chosen) if chosen else min(os.cpu_count() or 1, 4)
    picked = any((ROOT / arg.split("::")[0]).exists() for arg in argv if not arg.startswith("-"))
    if workers < 2 or picked or any(arg.startswith(("-n", "--numprocesses")) for arg in argv):
        return []
    return ["-n", str(workers), "--dist", "loadfile"]


def main(argv: list[str]) -> int:
    require = os.environ.get("SPM_REQUIRE_SERVICES") == "1"
    usage = Usage()
    with services(require, usage) as tiers:
        summary = report(tiers)
        print(summary, flush=True)
        missing = [t for t in tiers if not t.available]
        if require and missing:
            print(
                "SPM_REQUIRE_SERVICES=1 and these tiers are missing: "
                + ", ".join(t.name for t in missing),
                file=sys.stderr,
            )
            return 2
        env = dict(os.environ)
        for tier in tiers:
            env.update(tier.env)
        env.setdefault("SPM_TASKS_EAGER", "")
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # see the module docstring
        own_report = "SPM_TEST_CPU_REPORT" not in env
        if own_report:
            env["SPM_TEST_CPU_REPORT"] = tempfile.mkdtemp(prefix="spm-cpu-")
        cpu_report = Path(env["SPM_TEST_CPU_REPORT"])
        command = [sys.executable, "-m", "pytest", *parallel(argv), *argv]
        try:
            code = subprocess.call(command, cwd=ROOT, env=env)
            print(summary, flush=True)
            print(cpu_by_file(cpu_report), flush=True)
            print(usage.summary(), flush=True)
        finally:
            if own_report:
                shutil.rmtree(cpu_report, ignore_errors=True)
        return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
