"""The main page of every role passes axe-core (through axe-playwright-python, which
carries its own copy of axe.min.js: nothing is fetched) with no serious or critical
violation: contrast, names of controls, landmarks, labels. The same pass, in English, checks
that the pages do not fault (``tests/browser/faults.py``: console errors, script errors,
failed requests, responses of 400 or more) — the crawl of every page (``test_crawl``) runs
in Chinese."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.access import fresh
from tests.browser.conftest import baseline_rows
from tests.browser.faults import watch
from tests.browser.world import build

pytestmark = pytest.mark.browser

ROLES = ("employee", "manager", "sibling_manager", "hr", "executive")
# The main page of each role: its home, and the page its work starts from.
PAGES = ("/", "/scorecards/", "/strategy/map/", "/scorecards/actuals/", "/org/")


@pytest.fixture(scope="module")
def world_rows(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Any]:
    yield from baseline_rows(django_db_blocker, build)


@pytest.fixture
def world(world_rows: Any, transactional_db: Any) -> Any:
    """The world, built once for the module; each test starts from its rows."""
    return fresh(world_rows)


def _serious(page: Any) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] for node in v["nodes"][:3])
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


@pytest.mark.parametrize("role", ROLES)
def test_the_main_pages_of_the_role_have_no_serious_accessibility_violation_nor_fault(
    chromium: None, world: Any, signed_in: Any, role: str
) -> None:
    page = signed_in(world.cast.member(role).user)
    faults = watch(page)
    found: list[str] = []
    for url in PAGES:
        faults.at = url
        page.goto(url, wait_until="load")
        found += [f"{url}: {problem}" for problem in _serious(page)]
    assert found == [], "\n".join(found)
    assert faults == [], "\n".join(faults)
