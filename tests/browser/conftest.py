"""Browser tests: pytest-playwright driving Debian's Chromium against the live server.

No browser is downloaded: ``SPM_TEST_CHROMIUM`` (set by the harness) or ``/usr/bin/chromium``
is used. Running as root needs ``--no-sandbox``; on a closed network Chromium must not try
to phone home, hence the background-networking flags.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest
from django.conf import settings
from django.db import connections

from tests import flush
from tests.access import session_for
from tests.conftest import need, tasks_in_process

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests
# make around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("SPM_TEST_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


T = TypeVar("T")


def baseline_rows(django_db_blocker: Any, build: Callable[[], T]) -> Iterator[T]:
    """For a module-scoped fixture: build rows once, committed, and have every test of the
    module start from them (``tests/flush.keep_as_baseline``): after each test the tables
    are put back as they were here. At the module's end the database is emptied."""
    with django_db_blocker.unblock(), tasks_in_process():
        try:
            rows = build()
            flush.keep_as_baseline()
        except BaseException:
            flush.drop_baseline()
            raise
    try:
        yield rows
    finally:
        with django_db_blocker.unblock():
            flush.drop_baseline()
            # While Playwright's event loop runs in this thread, Django keeps this thread's
            # connections apart from the ones it sees once the loop has stopped (asgiref's
            # Local is per thread *and* per context when a loop runs). Left open, the
            # connection of this teardown outlives the session and PostgreSQL refuses to
            # drop the test database ("is being accessed by other users", after 5 s).
            connections.close_all()


def chromium_available() -> bool:
    return os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture
def browser_context_args(browser_context_args: dict[str, Any], live_server: Any) -> dict[str, Any]:
    return {**browser_context_args, "base_url": live_server.url, "locale": "en-US"}


@pytest.fixture
def chromium() -> None:
    need(chromium_available(), f"Chromium at {CHROMIUM}")


@pytest.fixture
def signed_in(
    chromium: None, context: Any, live_server: Any, transactional_db: Any
) -> Iterator[Callable[[Any], Any]]:
    """``signed_in(user)`` -> a Playwright page on the live server, logged in as ``user``."""
    pages: list[Any] = []

    def sign_in(user: Any) -> Any:
        session = session_for(user)
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        pages.append(page)
        return page

    yield sign_in
    for page in pages:
        page.close()
