"""Shared fixtures: the role cast of STYLE.md (see ``tests/access.py``) and the service tiers
of the harness."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pytest

from spm.clock import FixedClock
from tests import flush
from tests.access import CAST, Cast, build_cast, fresh, module_rows

__all__ = ["CAST", "Cast", "need", "tasks_in_process"]

# Per-test CPU figures when SPM_TEST_CPU_REPORT names a directory (the harness sets it).
pytest_plugins = ["tests.cpu_report"]


@pytest.fixture
def cast(db: Any) -> Cast:
    """The cast, built for one test."""
    return build_cast()


@pytest.fixture(scope="module")
def cast_rows(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Cast]:
    """The cast, written once per test module and rolled back at its end.

    A module opts in by overriding ``cast`` with ``shared_cast``; every test of the module
    then sees these rows, so only a module whose tests all work on the cast should.
    """
    yield from module_rows(django_db_blocker, build_cast)


@pytest.fixture
def shared_cast(cast_rows: Cast, db: Any) -> Cast:
    """The module's cast for one test: deep-copied rows, the test in its own savepoint."""
    return fresh(cast_rows)


@pytest.fixture(scope="module")
def scorecard_world_rows(cast_rows: Cast, django_db_blocker: Any) -> Iterator[Any]:
    """The scorecards of ``tests/scorecard_world.py`` on the module's cast, built once (for
    modules that use ``shared_cast``)."""
    from tests.scorecard_world import build_world

    yield from module_rows(django_db_blocker, lambda: build_world(cast_rows))


@pytest.fixture
def scorecard_world(scorecard_world_rows: Any, db: Any) -> Any:
    return fresh(scorecard_world_rows)


# --- Sharing the suite between pytest-xdist workers (``--dist loadfile``) -------------------
# Whole files go to one worker, so module fixtures are built once; but the files are handed
# out heaviest kind first (browser, then the real service tier, then slow, then the rest)
# rather than by their number of tests, so that a long browser file does not start last and
# leave one core working alone at the end. The files of SPREAD build nothing at module scope
# and are long: their tests are handed out one by one.
HEAVY_FIRST = ("browser", "services", "slow")
SPREAD = frozenset({"tests/browser/test_crawl.py"})


def _rank(item: pytest.Item) -> int:
    if "tests/browser/" in item.nodeid:  # marked by tests/browser/conftest.py, maybe later
        return 0
    marked = [r for r, name in enumerate(HEAVY_FIRST) if item.get_closest_marker(name)]
    return min(marked, default=len(HEAVY_FIRST))


def pytest_collection_modifyitems(config: Any, items: list[pytest.Item]) -> None:
    if not hasattr(config, "workerinput"):
        return  # one process: the order pytest collected
    rank: dict[str, int] = {}
    for item in items:
        file = item.nodeid.split("::")[0]
        rank[file] = min(rank.get(file, len(HEAVY_FIRST)), _rank(item))
    # A stable sort: the tests of a file keep their order and stay together.
    items.sort(key=lambda item: rank[item.nodeid.split("::")[0]])


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: Any, log: Any) -> Any:
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class HeaviestFirst(LoadFileScheduling):
        """Files in the order the workers collected them (heaviest kind first); each test
        of a SPREAD file a unit of its own."""

        def _split_scope(self, nodeid: str) -> str:
            file = nodeid.split("::")[0]
            return nodeid if file in SPREAD else file

    config.option.loadscopereorder = False  # keep the collected order
    return HeaviestFirst(config, log)


def pytest_configure(config: Any) -> None:
    from django.conf import settings
    from hypothesis import HealthCheck
    from hypothesis import settings as hypothesis_settings

    # Property tests keep their number of examples; what they may not do is fail on time.
    # On a machine shared by many test runs a rule that takes 0.1 s alone can take 2 s, and
    # hypothesis' deadline and "input generation is slow" check then fail a correct rule.
    # How long the suite takes is watched with --durations instead.
    hypothesis_settings.register_profile(
        "spm",
        parent=hypothesis_settings.default,  # the "ci" profile where hypothesis chose it
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    hypothesis_settings.load_profile("spm")

    # Hashing a password properly takes ~0.3 s; tests create hundreds of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Every test Client builds its own middleware chain, and WhiteNoise's middleware lists
    # every static file of every finder when it is built (~0.3 s here, once per Client).
    # Looking a file up when it is asked for serves the same files without the listing.
    settings.WHITENOISE_AUTOREFRESH = True
    # A signed-in request renews its session at most once a minute (spm/sessions.py); on a
    # loaded machine a test can outlast the minute, and a renewal inside a query count would
    # add its write. tests/test_sessions.py sets the production interval back.
    settings.SESSION_RENEW_SECONDS = 24 * 3600
    # After a transactional test, empty only the tables that hold rows (tests/flush.py).
    flush.install()
    _own_redis_database_per_xdist_worker(settings)


def _own_redis_database_per_xdist_worker(settings: Any) -> None:
    """Under pytest-xdist each worker process gets its own Redis database number.

    The harness starts one Redis; two test processes sharing its database 0 would let the
    Celery worker started by one consume the tasks queued by the other. Test modules read
    ``REDIS_URL`` from the environment when they start a worker, so it is set there too.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker or not settings.REDIS_URL:
        return
    base = settings.REDIS_URL.rsplit("/", 1)[0] if settings.REDIS_URL.count("/") > 2 else None
    url = f"{base or settings.REDIS_URL.rstrip('/')}/{int(worker.removeprefix('gw')) + 1}"
    os.environ["REDIS_URL"] = url
    settings.REDIS_URL = settings.CELERY_BROKER_URL = settings.CELERY_RESULT_BACKEND = url
    from spm.celery import app

    app.conf.broker_url = app.conf.result_backend = url


# --- Service tiers -------------------------------------------------------------------
REQUIRE_SERVICES = os.environ.get("SPM_REQUIRE_SERVICES") == "1"


def need(available: bool, what: str) -> None:
    """Skip when a service tier is missing; fail instead under SPM_REQUIRE_SERVICES=1."""
    if available:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"{what} is required (SPM_REQUIRE_SERVICES=1) but not available")
    pytest.skip(f"{what} not available")


@contextmanager
def tasks_in_process() -> Iterator[None]:
    """Celery tasks run in-process (eagerly) inside the block, as unit tests want them."""
    from celery._state import _set_task_join_will_block

    from spm.celery import app

    # The test process is never a worker: a flag left by anything that built a worker's
    # pool in this process would make every ``result.get()`` refuse to wait.
    _set_task_join_will_block(False)
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _tasks_in_process(settings: Any) -> Iterator[None]:
    """Unit tests run Celery tasks in-process; the worker tests switch this off. (Module and
    class fixtures, built before this one, use ``with tasks_in_process():`` themselves.)"""
    with tasks_in_process():
        yield


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Every test starts in the default language: a request served in Chinese leaves Chinese
    active in the thread (the locale middleware does not switch back), and a later test that
    calls a function directly must not read its strings in it."""
    from django.conf import settings as django_settings
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@dataclass
class PinnedClock:
    """The app's clock, pinned through ``settings.SPM_TODAY`` (what ``spm.clock.clock()``
    reads), and a :class:`spm.clock.Clock` itself for services that take one."""

    settings: Any

    def on(self, day: date) -> PinnedClock:
        """Move the app's day to ``day``."""
        self.settings.SPM_TODAY = day
        return self

    def today(self) -> date:
        day: date = self.settings.SPM_TODAY
        return day

    def now(self) -> datetime:
        return FixedClock.on(self.today()).now()


@pytest.fixture
def clock(settings: Any) -> PinnedClock:
    """A pinned clock: ``SPM_TODAY`` from the environment (``make test-dates``) if set, else
    a fixed mid-month day. Tests name their dates from ``clock.today()`` or set them with
    ``clock.on(day)``; none depends on the real date."""
    return PinnedClock(settings).on(settings.SPM_TODAY or date(2026, 11, 16))
