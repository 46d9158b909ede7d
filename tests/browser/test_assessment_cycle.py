"""In a real browser: HR opens the annual cycle and takes it through every step, computes
the scores, an executive calibrates one grade with a reason, HR finalises and publishes,
and the employee reads the explanation of their result."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from assessment.models import AssessmentCycle, AssessmentResult, CycleStatus
from assessment.services import decisions, inputs
from tests.conftest import Cast
from tests.factories_assessment import annual_cycle, result_of, worked_example_scorecard

pytestmark = pytest.mark.browser


def step(page: Any, cycle: AssessmentCycle, label: str) -> None:
    page.goto(f"/assessment/cycles/{cycle.pk}/")
    page.get_by_role("button", name=f"Move to: {label}").click()
    expect(page.locator("[aria-current=step]")).to_have_text(label)


def test_hr_runs_the_annual_cycle_and_the_employee_reads_the_explanation(
    signed_in: Callable[[Any], Any], cast: Cast
) -> None:
    example = worked_example_scorecard(cast.employee)
    cycle = annual_cycle(cast, open_it=False)

    hr = signed_in(cast.hr.user)
    hr.goto("/assessment/")
    hr.get_by_role("link", name=cycle.name).click()
    expect(hr.locator("[aria-current=step]")).to_have_text("Draft")
    step(hr, cycle, "Open")

    # The manager reviews (grades, rating, a bonus point HR approves).
    result = result_of(cycle, example.scorecard)
    for task, grade in zip(example.key_tasks, ["high_quality", "good"], strict=True):
        inputs.key_task_grade(actor=cast.manager.user, result=result, item=task, grade=grade)
    inputs.qualitative_rate(actor=cast.manager.user, result=result, rating=Decimal(90))
    bonus = decisions.adjustment_propose(
        actor=cast.manager.user, result=result, kind="bonus", points=Decimal(1), reason="Early"
    )
    decisions.adjustment_decide(
        actor=cast.hr.user, adjustment=bonus, version=bonus.version, approve=True
    )

    step(hr, cycle, "Self-assessment")
    step(hr, cycle, "Review")
    hr.get_by_role("button", name="Compute scores").click()
    expect(hr.get_by_role("heading", name="Background job")).to_be_visible()
    expect(hr.locator("body")).to_contain_text(re.compile("Done", re.I))
    step(hr, cycle, "Calibration")
    hr.goto(f"/assessment/results/{result.pk}/")
    expect(hr.locator("[data-final-score]")).to_have_text("89.47")

    executive = signed_in(cast.executive.user)
    executive.goto(f"/assessment/cycles/{cycle.pk}/calibration/")
    row = executive.get_by_role("row").filter(has_text="Employee Yi")
    row.get_by_label("Grade").select_option("qualified")
    row.get_by_label("Reason").fill("Group ranking after calibration")
    row.get_by_role("button", name="Save").click()
    expect(executive.get_by_role("row").filter(has_text="Employee Yi")).to_contain_text(
        "Group ranking after calibration"
    )

    hr = signed_in(cast.hr.user)  # one browser context: the session is HR's again
    step(hr, cycle, "Finalised")
    step(hr, cycle, "Published")

    employee = signed_in(cast.employee.user)
    employee.goto(f"/assessment/results/{result.pk}/")
    expect(employee.locator("[data-final-score]")).to_have_text("89.47")
    expect(employee.get_by_role("heading", name="The arithmetic")).to_be_visible()
    expect(employee.locator("[data-final]")).to_have_text("89.47")
    expect(employee.locator("body")).to_contain_text("Group ranking after calibration")
    employee.get_by_role("button", name="Acknowledge this result").click()
    expect(employee.locator("body")).to_contain_text("Acknowledged on")

    stored = AssessmentResult.objects.get(pk=result.pk)
    assert stored.cycle.status == CycleStatus.PUBLISHED
    assert stored.effective_grade == "qualified"
    assert stored.calibrated_by == cast.executive.user
    assert stored.acknowledged_at is not None
