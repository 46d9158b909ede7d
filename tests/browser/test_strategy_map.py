"""The strategy map in a real browser: an executive edits it, an employee only reads it."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from strategy.models import Objective, PlanStatus, StrategicPlan
from tests.conftest import Cast
from tests.factories_strategy import PlanKit, make_plan

pytestmark = pytest.mark.browser


@pytest.fixture
def kit(cast: Cast) -> PlanKit:
    kit = make_plan(cast.group, name="Clean Power")
    talent = kit.objective("learning", code="L1", name="Build the talent pipeline")
    delivery = kit.objective(
        "internal", unit=cast.engineering, code="P1", name="Efficient project delivery"
    )
    kit.link(talent, delivery)
    return kit


def _csp_violations(page: Any) -> list[str]:
    """What the content security policy blocked (e.g. an inline script) while on the page."""
    blocked: list[str] = []
    page.on(
        "console",
        lambda msg: (
            blocked.append(msg.text)
            if "Refused to" in msg.text and "Content Security Policy" in msg.text
            else None
        ),
    )
    return blocked


def test_an_executive_adds_an_objective_and_a_link_and_sees_both_on_the_map(
    cast: Cast, kit: PlanKit, signed_in: Any
) -> None:
    page = signed_in(cast.executive.user)
    csp_violations = _csp_violations(page)
    page.goto(reverse("strategy-map", args=[kit.plan.pk]))
    strategy_map = page.locator("#strategy-map")
    expect(strategy_map).to_contain_text("Efficient project")

    page.get_by_label("Perspective").select_option(label="Customer")
    page.get_by_label("Code").fill("C1")
    page.get_by_label("Name").fill("Reliable supply for customers")
    page.get_by_label("Owner unit").select_option(value=str(cast.engineering.pk))
    page.get_by_role("button", name="Add objective").click()
    expect(strategy_map).to_contain_text("Reliable supply for")
    expect(page.get_by_role("alert")).to_contain_text("Objective added.")

    supply = Objective.objects.get(plan=kit.plan, code="C1")
    delivery = Objective.objects.get(plan=kit.plan, code="P1")
    page.get_by_label("Cause (drives…)").select_option(value=str(delivery.pk))
    page.get_by_label("Effect (…this objective)").select_option(value=str(supply.pk))
    page.get_by_role("button", name="Add link").click()
    expect(strategy_map.locator(f'g[data-link="{delivery.pk}-{supply.pk}"]')).to_have_count(1)

    # A refused link explains itself next to the form, and the map stays as it was.
    page.get_by_label("Cause (drives…)").select_option(value=str(delivery.pk))
    page.get_by_label("Effect (…this objective)").select_option(value=str(supply.pk))
    page.get_by_role("button", name="Add link").click()
    expect(page.locator("#map-workspace")).to_contain_text("These objectives are already linked.")

    # Clicking the new objective shows its owner and what drives it.
    strategy_map.locator(f'a[data-objective="{supply.pk}"]').click()
    panel = page.locator("#objective-detail")
    expect(panel).to_contain_text("Engineering")
    expect(panel.get_by_role("link", name="P1 Efficient project delivery")).to_be_visible()
    assert page.url.endswith(reverse("strategy-map", args=[kit.plan.pk]))  # loaded in place
    assert csp_violations == []


def test_an_employee_reads_the_approved_map_and_cannot_reach_the_edit_pages(
    cast: Cast, kit: PlanKit, signed_in: Any
) -> None:
    StrategicPlan.objects.filter(pk=kit.plan.pk).update(status=PlanStatus.APPROVED)
    page = signed_in(cast.employee.user)
    page.goto(reverse("strategy-map", args=[kit.plan.pk]))
    strategy_map = page.locator("#strategy-map")
    expect(strategy_map).to_contain_text("Build the talent")
    expect(page.get_by_text("This version is approved and read-only.")).to_be_visible()
    expect(page.get_by_role("button", name="Add objective")).to_have_count(0)
    expect(page.get_by_role("button", name="Add link")).to_have_count(0)

    objective = Objective.objects.get(plan=kit.plan, code="P1")
    strategy_map.locator(f'a[data-objective="{objective.pk}"]').click()
    expect(page.locator("#objective-detail")).to_contain_text("Driven by")
    assert page.url.endswith(reverse("strategy-map", args=[kit.plan.pk]))
    expect(page.locator("#objective-detail").get_by_role("link", name="Edit")).to_have_count(0)

    for url in (
        reverse("strategy-plan-edit", args=[kit.plan.pk]),
        reverse("strategy-objective-create", args=[kit.plan.pk]),
        reverse("strategy-link-create", args=[kit.plan.pk]),
        reverse("strategy-objective-edit", args=[objective.pk]),
        reverse("strategy-plan-create"),
    ):
        response = page.goto(url)
        assert response is not None and response.status == 404, url
