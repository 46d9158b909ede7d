"""Each demo role signs in through the real login form and reaches its home page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from org.demo import DEMO_PASSWORD, LOGINS, seed_org
from tests.access import fresh
from tests.browser.conftest import baseline_rows

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo_org_rows(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Any]:
    yield from baseline_rows(django_db_blocker, seed_org)


@pytest.fixture
def demo_org(demo_org_rows: Any, transactional_db: Any) -> Any:
    """The demo's organisation and logins, seeded once for the module; each test starts
    from its rows."""
    return fresh(demo_org_rows)


@pytest.mark.parametrize(("username", "name"), [login[:2] for login in LOGINS])
def test_each_demo_role_signs_in_and_is_welcomed_by_name(
    chromium: None, demo_org: Any, page: Any, username: str, name: str
) -> None:
    page.set_default_timeout(15_000)
    page.goto("/")
    assert "/accounts/login/" in page.url
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    expect(page.get_by_role("navigation", name="Main navigation")).to_contain_text("Org tree")


def test_a_wrong_password_is_refused_with_a_clear_message(
    chromium: None, demo_org: Any, page: Any
) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("employee")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("correct username and password")


def test_the_org_tree_expands_and_folds_with_the_keyboard(
    chromium: None, demo_org: Any, signed_in: Any
) -> None:
    page = signed_in(demo_org.logins["hr"].user)
    page.goto("/org/")
    toggle = page.get_by_role("button", name="Expand Zhongneng Energy Group")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="Group Headquarters")).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="Group Headquarters")).to_be_hidden()


def test_the_language_switcher_turns_the_page_chinese(
    chromium: None, demo_org: Any, signed_in: Any
) -> None:
    page = signed_in(demo_org.logins["employee"].user)
    page.goto("/")
    page.get_by_label("Language").select_option("zh-hans")
    expect(page.get_by_role("button", name="人员")).to_be_visible()
