"""On a phone (390 px wide) no page is wider than the screen: tables scroll inside their
card or stack, and "Edit" stays reachable (issue 9, finding 8)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from scorecard.models import ActualStatus, ScorecardItem
from scorecard.services.letters import letter_issue
from tests.access import build_cast
from tests.factories import OrgUnitFactory, make_manager
from tests.factories_tracking import ActualFactory, unit_scorecard
from tests.scorecard_world import build_world

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": PHONE}


@pytest.fixture
def phone_world(transactional_db: Any, clock: Any) -> Any:
    world = build_world(build_cast())
    year = world.cards["engineering"].year
    # After the three months of data below, so the lists open on a month that has rows.
    clock.on(datetime.date(year, 4, 15))
    for item in ScorecardItem.objects.filter(kind="quantitative", scorecard__year=year):
        for month in (1, 2, 3):
            ActualFactory.create(
                item=item, month=month, value=Decimal("12345.6789"), status=ActualStatus.SUBMITTED
            )
    team = OrgUnitFactory.create(parent=world.cast.engineering, name="Offshore construction team")
    make_manager(team, name="Team lead with a rather long name")
    card = unit_scorecard(team, quantitative=4, year=year)
    return world, letter_issue(actor=world.cast.manager.user, scorecard=card)


def _width(page: Any) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


# The outermost elements that stick out past the right edge of the screen (for the message).
OFFENDERS = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .filter(e => !e.parentElement || e.parentElement.getBoundingClientRect().right
                                   <= window.innerWidth + 1)
  .slice(0, 5)
  .map(e => `${e.tagName.toLowerCase()}#${e.id}.${[...e.classList].join('.')}`
            + ` ${Math.round(e.getBoundingClientRect().right)}px`)"""


@pytest.mark.parametrize("language", ["en-US", "zh-CN"])
def test_the_actuals_list_and_the_letter_fit_a_phone(
    chromium: None, phone_world: Any, signed_in: Any, language: str, context: Any
) -> None:
    world, letter = phone_world
    cast = world.cast
    page = signed_in(cast.manager.user)
    page.set_extra_http_headers({"Accept-Language": language})
    pages = {
        "actuals": "/scorecards/actuals/",
        "approvals": "/scorecards/actuals/approvals/",
        "letter": f"/scorecards/letters/{letter.pk}/",
        "scorecard": f"/scorecards/{world.cards['engineering'].pk}/",
        "directory": "/org/people/",
        "home": "/",
    }
    wide = {}
    for name, url in pages.items():
        page.goto(url)
        if _width(page) > PHONE["width"]:
            wide[name] = (_width(page), page.evaluate(OFFENDERS))
    assert wide == {}, repr(wide)
    # The first row's "Edit" can be reached and is on screen once scrolled to.
    page.goto("/scorecards/actuals/")
    edit = page.locator("#actual-rows a, #actual-rows button").first
    edit.scroll_into_view_if_needed()
    expect(edit).to_be_in_viewport()


# --- The strategy map: legible, zoomable, pannable -------------------------------------------
SMALLEST_TEXT = """() => {
  const svg = document.querySelector('#strategy-map svg');
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  return Math.min(...[...svg.querySelectorAll('text')]
    .map(t => parseFloat(t.getAttribute('font-size')) * scale));
}"""


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1366, "height": 768}])
def test_the_map_opens_legible_zooms_and_pans_without_widening_the_page(
    chromium: None, signed_in: Any, transactional_db: Any, viewport: dict[str, int]
) -> None:
    from tests.factories_strategy import make_plan

    cast = build_cast()
    kit = make_plan(cast.group, name="Clean Power")
    for i, perspective in enumerate(["financial", "customer", "internal", "learning"] * 3):
        kit.objective(perspective, code=f"O{i}", name=f"Objective number {i} with a long name")
    page = signed_in(cast.executive.user)
    page.set_viewport_size(viewport)
    page.goto(f"/strategy/plans/{kit.plan.pk}/map/")
    frame = page.locator("#strategy-map")
    expect(frame).to_contain_text("Objective number 0")
    assert page.evaluate(SMALLEST_TEXT) >= 11
    assert _width(page) <= viewport["width"]

    level = page.locator("#strategy-map-zoom")
    before = level.text_content()
    page.get_by_role("button", name="Zoom in").click()
    assert level.text_content() != before
    assert page.evaluate(SMALLEST_TEXT) > 11
    assert _width(page) <= viewport["width"]

    # Dragging the drawing pans it inside its frame.
    box = frame.bounding_box()
    start = frame.evaluate("f => { f.scrollLeft = 0; return f.scrollLeft; }")
    page.mouse.move(box["x"] + box["width"] * 0.8, box["y"] + 20)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.2, box["y"] + 20, steps=5)
    page.mouse.up()
    assert frame.evaluate("f => f.scrollLeft") > start
    # ...and a drag ending on an objective does not open it.
    expect(page.locator("#objective-detail")).to_contain_text("Select an objective")

    page.get_by_role("button", name="Fit to width").click()
    fitted = frame.evaluate("f => f.querySelector('svg').getBoundingClientRect().width")
    assert abs(fitted - frame.evaluate("f => f.clientWidth")) <= 2
