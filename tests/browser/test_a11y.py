"""The main page of every role passes axe-core (through axe-playwright-python, which
carries its own copy of axe.min.js: nothing is fetched) with no serious or critical
violation: contrast, names of controls, landmarks, labels."""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.world import build

pytestmark = pytest.mark.browser

ROLES = ("employee", "manager", "sibling_manager", "hr", "executive")
# The main page of each role: its home, and the page its work starts from.
PAGES = ("/", "/scorecards/", "/strategy/map/", "/scorecards/actuals/", "/org/")


@pytest.fixture
def world(transactional_db: Any) -> Any:
    return build()


def _serious(page: Any) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] for node in v["nodes"][:3])
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


@pytest.mark.parametrize("role", ROLES)
def test_the_main_pages_of_the_role_have_no_serious_accessibility_violation(
    chromium: None, world: Any, signed_in: Any, role: str
) -> None:
    page = signed_in(world.cast.member(role).user)
    found: list[str] = []
    for url in PAGES:
        page.goto(url)
        found += [f"{url}: {problem}" for problem in _serious(page)]
    assert found == [], "\n".join(found)
