"""In a real browser: a manager cascades a company KPI to two departments, a department
head cascades it on to an employee, and the employee sees the target with its line up to
the company objective. (Signing the letter has its own browser test.)"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from scorecard.models import ScorecardItem
from tests.conftest import Cast
from tests.factories import make_manager
from tests.factories_scorecard import ItemFactory, ObjectiveFactory, PlanFactory, ScorecardFactory

pytestmark = pytest.mark.browser


def _cascade(page: Any, shares: dict[str, str]) -> None:
    page.get_by_role("link", name="Cascade", exact=True).click()
    page.get_by_label("Split the target by amounts").check()
    for receiver, share in shares.items():
        page.get_by_role("checkbox", name=receiver, exact=True).check()
        page.get_by_label(f"Share for {receiver}", exact=True).fill(share)
    page.get_by_role("button", name="Cascade").click()


def test_a_company_kpi_cascades_to_departments_then_to_an_employee_who_sees_its_line(
    signed_in: Callable[[Any], Any], cast: Cast
) -> None:
    hq_head = make_manager(cast.hq, name="Head of HQ", user__username="hq_head")
    plan = PlanFactory(owner_unit=cast.group)
    objective = ObjectiveFactory(plan=plan, code="F1", name="Grow net profit")
    profit = ItemFactory(
        scorecard=ScorecardFactory(unit=cast.hq, plan=plan),
        name="Total profit",
        objective=objective,
        unit_of_measure="CNY m",
        baseline=Decimal(800),
        target=Decimal(1000),
        challenge=Decimal(1200),
    )

    manager = signed_in(hq_head.user)
    manager.goto(f"/scorecards/items/{profit.pk}/")
    _cascade(manager, {"Engineering": "600", "Finance": "400"})
    expect(manager.get_by_text("Decomposed to 2 scorecards.")).to_be_visible()
    expect(manager.get_by_role("region", name="Decomposed to")).to_contain_text("Engineering")
    department = ScorecardItem.objects.get(parent=profit, scorecard__unit=cast.engineering)
    assert department.target == Decimal(600)

    head = signed_in(cast.manager.user)
    head.goto(f"/scorecards/items/{department.pk}/")
    _cascade(head, {cast.employee.name: "250", "Site team": "350"})
    expect(head.get_by_text("Decomposed to 2 scorecards.")).to_be_visible()

    employee = signed_in(cast.employee.user)
    employee.goto("/scorecards/my/?year=2026")
    goal = employee.get_by_role("article", name="Total profit")
    expect(goal.locator(".spm-target")).to_have_text("250 CNY m")
    line = goal.get_by_role("list", name="Line up to the company objective")
    expect(line.get_by_role("listitem")).to_have_text(
        [
            "↑ Engineering: Total profit",
            "↑ Headquarters: Total profit",
            "↑ Company objective · Group: F1 Grow net profit",
        ]
    )
