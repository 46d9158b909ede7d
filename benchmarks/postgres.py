"""A throwaway PostgreSQL for the benchmarks, started the way ``tests.harness`` starts it.

    with throwaway_postgres() as url:  # DATABASE_URL is set to ``url`` inside
        ...

Loopback only, fsync off, deleted at the end. Django must be set up inside the block (the
settings read ``DATABASE_URL`` when they are imported).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from tests.harness import Postgres, postgres_bindir


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[str]:
    bindir = postgres_bindir()
    if bindir is None:
        raise SystemExit("initdb not found: install PostgreSQL or run with --sqlite")
    # Under the checkout's var/, not /tmp: a long benchmark must survive /tmp clean-ups.
    parent = Path(__file__).resolve().parent.parent / "var"
    parent.mkdir(exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="bench-pg-", dir=parent))
    workdir.chmod(0o755)  # nobody must reach the data directory inside when run as root
    pg = Postgres(bindir, workdir)
    try:
        url = pg.start()
        os.environ["DATABASE_URL"] = url
        yield url
    finally:
        pg.stop()
        shutil.rmtree(workdir, ignore_errors=True)
