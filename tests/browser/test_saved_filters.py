"""A saved filter in the browser: HR filters the directory through the live (HTMX) search,
saves the filter, reloads the unfiltered list, applies the filter with one click, and makes
it the default that opening the directory applies."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from spm.models import SavedFilter
from tests.access import build_cast

pytestmark = pytest.mark.browser


def test_hr_saves_a_directory_filter_reloads_and_applies_it_with_one_click(
    chromium: None, signed_in: Any
) -> None:
    cast = build_cast()
    page = signed_in(cast.hr.user)
    page.goto("/org/people/", timeout=60_000)  # the first page of a cold live server
    rows = page.locator("#employee-rows tbody tr")
    everyone = rows.count()
    assert everyone > 1

    # Filter through the live search: HTMX redraws the rows and pushes the address.
    page.get_by_label("Search").fill("Worker")
    expect(page).to_have_url(re.compile(r"q=Worker"))
    expect(rows).to_have_count(1)

    page.get_by_label("Name of this filter").fill("Site workers")
    page.get_by_role("button", name="Save filter").click()
    expect(page.get_by_role("alert").filter(has_text="saved")).to_contain_text("Site workers")
    assert SavedFilter.objects.get(user=cast.hr.user).query == "q=Worker&sort=name"

    # Unfiltered again after a reload: every person is listed, the filter is on offer.
    page.goto("/org/people/")
    page.reload()
    expect(rows).to_have_count(everyone)
    page.get_by_role("link", name="Site workers").click()
    expect(page).to_have_url(re.compile(r"q=Worker"))
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Worker Wu")

    # As the default, it is what the directory opens with.
    page.get_by_role("button", name="Options of Site workers").click()
    page.get_by_role("button", name="Use as default").click()
    page.goto("/org/people/")
    expect(page).to_have_url(re.compile(r"q=Worker"))
    expect(rows).to_have_count(1)
