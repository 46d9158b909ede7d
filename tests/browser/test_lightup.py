"""The light-up in a real browser: the executive follows a red objective on the map down
to its item's chart; the manager reads the warning in the inbox."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from lightup.services import lightup_sweep
from org.scoping import SYSTEM
from strategy.models import PlanStatus
from tests.conftest import Cast
from tests.factories_strategy import make_plan
from tests.lightup_world import MONTH, TODAY, YEAR, item, scorecard

pytestmark = pytest.mark.browser


@pytest.fixture
def lit(cast: Cast) -> dict[str, Any]:
    kit = make_plan(cast.group, name="Clean Power", status=PlanStatus.APPROVED)
    healthy = kit.objective("financial", code="F1", name="Grow profit")
    troubled = kit.objective("internal", unit=cast.engineering, code="P1", name="Deliver projects")
    card = scorecard(cast.engineering)
    item(card, "Profit", objective=healthy)
    late = item(card, "Capacity online", objective=troubled, monthly=Decimal(60))
    lightup_sweep(actor=SYSTEM, year=YEAR, month=MONTH, today=TODAY)
    return {"healthy": healthy, "troubled": troubled, "late": late}


def test_executive_follows_a_red_objective_to_its_items_chart(
    cast: Cast, lit: dict[str, Any], signed_in: Any
) -> None:
    page = signed_in(cast.executive.user)
    page.goto(reverse("strategy-map-current"))
    strategy_map = page.locator("#strategy-map")
    expect(strategy_map.locator(f'[data-objective="{lit["healthy"].pk}"]').first).to_have_attribute(
        "data-status", "green"
    )
    red = strategy_map.locator(f'a[data-objective="{lit["troubled"].pk}"]')
    expect(red).to_have_attribute("data-status", "red")
    red.click()
    panel = page.locator("#objective-detail")
    panel.get_by_role("link", name="Capacity online").click()
    expect(page).to_have_url(f"{page.url.split('/lightup')[0]}/lightup/items/{lit['late'].pk}/")
    chart = page.locator("#item-chart svg")
    expect(chart).to_be_visible()
    expect(chart.locator('rect[data-month="6"]')).to_have_attribute("data-colour", "red")
    expect(page.locator("#item-deviation")).to_contain_text("-40.0 %")


def test_manager_reads_the_warning_in_the_inbox(
    cast: Cast, lit: dict[str, Any], signed_in: Any
) -> None:
    page = signed_in(cast.manager.user)
    page.goto(reverse("home"))
    expect(page.locator("#nav-unread")).to_have_text("1")
    page.locator("#nav-inbox").click()
    warning = page.get_by_role("link", name="Capacity online is red for 2026-06")
    expect(warning).to_be_visible()
    warning.click()
    expect(page.locator("#item-chart svg")).to_be_visible()
    expect(page.locator("#nav-unread")).to_have_count(0)
