"""A PostgreSQL for the benchmarks, started the way ``tests.harness`` starts it.

    with throwaway_postgres() as url:  # DATABASE_URL is set to ``url`` inside
        ...
    with kept_postgres(Path("/work/benchdata/pg")) as (url, fresh):
        ...  # ``fresh``: the data directory was just created (generate the group)

Loopback only, fsync off. The throwaway server is deleted at the end; the kept one is only
stopped, so a later run starts it again on the same data directory and measures pages
without regenerating 100,000 people. Django must be set up inside the block (the settings
read ``DATABASE_URL`` when they are imported).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from tests.harness import Postgres, free_port, postgres_bindir


def _bindir() -> Path:
    bindir = postgres_bindir()
    if bindir is None:
        raise SystemExit("initdb not found: install PostgreSQL or run with --sqlite")
    return bindir


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[str]:
    # Under the checkout's var/, not /tmp: a long benchmark must survive /tmp clean-ups.
    parent = Path(__file__).resolve().parent.parent / "var"
    parent.mkdir(exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="bench-pg-", dir=parent))
    workdir.chmod(0o755)  # nobody must reach the data directory inside when run as root
    pg = Postgres(_bindir(), workdir)
    try:
        url = pg.start()
        os.environ["DATABASE_URL"] = url
        yield url
    finally:
        pg.stop()
        shutil.rmtree(workdir, ignore_errors=True)


class KeptPostgres(Postgres):
    """A server whose data directory outlives the run (``workdir`` is created if missing)."""

    def restart(self) -> str:
        """Start the server on the existing data directory (once a previous one has gone)."""
        deadline = time.monotonic() + 120
        while (self.datadir / "postmaster.pid").exists() and time.monotonic() < deadline:
            time.sleep(1)
        self.sockdir.mkdir(exist_ok=True)
        self.logfile.touch()
        if self.as_root:
            for path in (self.sockdir, self.logfile):
                shutil.chown(path, "nobody")
        self.port = free_port()
        options = (
            f"-h 127.0.0.1 -p {self.port} -k {self.sockdir} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200 "
            # More server options for one run, e.g. pg_stat_statements (see benchmarks/RESULTS.md).
            + os.environ.get("SPM_BENCH_PG_OPTIONS", "")
        )
        self._run(
            "pg_ctl", "-D", str(self.datadir), "-o", options, "-l", str(self.logfile),
            "-w", "-t", "120", "start",
        )  # fmt: skip
        return f"postgres://spm@127.0.0.1:{self.port}/spm"

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self._run("pg_ctl", "-D", str(self.datadir), "-m", "fast", "-w", "stop")


@contextlib.contextmanager
def kept_postgres(workdir: Path) -> Iterator[tuple[str, bool]]:
    """A server on ``workdir`` (kept afterwards); yields its URL and whether it is new."""
    fresh = not (workdir / "pgdata" / "PG_VERSION").exists()
    if fresh and workdir.exists() and any(workdir.iterdir()):
        raise SystemExit(f"{workdir} exists but holds no PostgreSQL data directory")
    workdir.mkdir(parents=True, exist_ok=True)
    workdir.chmod(0o755)
    pg = KeptPostgres(_bindir(), workdir)
    try:
        url = pg.start() if fresh else pg.restart()
        os.environ["DATABASE_URL"] = url
        yield url, fresh
    finally:
        pg.stop()
