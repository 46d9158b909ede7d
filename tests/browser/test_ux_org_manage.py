"""HR builds a piece of the organisation in the browser and the new manager finds it."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.access import build_cast

pytestmark = pytest.mark.browser
PASSWORD = "offshore-wind-2026!"


def test_hr_creates_a_unit_adds_a_person_makes_them_manager_who_then_sees_their_unit(
    chromium: None, signed_in: Any, browser: Any, live_server: Any
) -> None:
    cast = build_cast()
    page = signed_in(cast.hr.user)

    # A new unit under Engineering.
    page.goto(f"/org/units/{cast.engineering.pk}/")
    page.get_by_role("link", name="Add sub-unit").click()
    page.get_by_label("Name").fill("Offshore wind team")
    page.get_by_label("Code").fill("OWT")
    page.get_by_label("Kind").select_option("team")
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Offshore wind team")

    # A person in it, with a login.
    page.get_by_role("link", name="Add a person").click()
    page.get_by_label("Name").fill("Lin Hai")
    page.get_by_label("Employee number").fill("ZN-9001")
    page.get_by_label("Login").fill("linhai")
    page.get_by_label("First password").fill(PASSWORD)
    page.get_by_label("Job title").fill("Team lead")
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lin Hai")

    # The manager role over the new unit, as its head.
    page.get_by_role("link", name="Roles").click()
    page.get_by_label("Role").select_option("manager")
    page.get_by_label("Also make them the head").check()
    page.get_by_role("button", name="Grant").click()
    expect(page.locator("#roles-held")).to_contain_text("Manager · Offshore wind team")

    # The new manager signs in through the login form and finds the unit they run.
    other = browser.new_context(base_url=live_server.url, locale="en-US")
    manager = other.new_page()
    manager.set_default_timeout(15_000)
    manager.goto("/accounts/login/")
    manager.get_by_label("Username").fill("linhai")
    manager.get_by_label("Password").fill(PASSWORD)
    manager.get_by_role("button", name="Sign in").click()
    expect(manager.get_by_role("heading", level=1)).to_contain_text("Lin Hai")
    scope = manager.locator("section[aria-labelledby=org-heading]")
    scope.get_by_role("link", name="Offshore wind team").click()
    expect(manager.get_by_role("heading", level=1)).to_have_text("Offshore wind team")
    expect(manager.get_by_text("Head", exact=True).locator("xpath=..")).to_contain_text("Lin Hai")
    other.close()
