"""The light board grid in a real browser: the executive reads a unit's red cell, drills
down to its item, and exports the board through a job with a progress bar."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from lightup.services import lightup_sweep
from org.scoping import SYSTEM
from tests.conftest import Cast
from tests.lightup_world import MONTH, TODAY, YEAR, item, scorecard

pytestmark = pytest.mark.browser


@pytest.fixture
def lit(cast: Cast) -> dict[str, Any]:
    card = scorecard(cast.engineering)
    item(card, "Profit")
    late = item(card, "Capacity online", monthly=Decimal(60))
    lightup_sweep(actor=SYSTEM, year=YEAR, month=MONTH, today=TODAY)
    return {"late": late}


def test_executive_drills_from_a_red_cell_to_its_item_and_exports_the_board(
    cast: Cast, lit: dict[str, Any], signed_in: Any
) -> None:
    page = signed_in(cast.executive.user)
    page.goto(reverse("lightup-board") + f"?year={YEAR}&month={MONTH}")
    row = page.locator(f'#board-grid tr[data-unit="{cast.engineering.pk}"]')
    expect(row.locator('td[data-colour="green"]')).to_have_count(1)
    red = row.locator('td[data-colour="red"]')
    expect(red).to_contain_text("1")
    red.get_by_role("link").click()
    expect(page.locator(f'tr[data-item="{lit["late"].pk}"]')).to_be_visible()
    expect(page.locator("tr[data-item]")).to_have_count(1)
    page.get_by_role("button", name="Export to Excel").click()
    expect(page).to_have_url(re.compile(r"/jobs/\d+/$"))
    expect(page.get_by_role("progressbar")).to_be_visible()
    expect(page.get_by_role("link", name="Download")).to_be_visible(timeout=30_000)
