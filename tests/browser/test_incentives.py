"""In a real browser: HR tries a higher coefficient for *good* in the what-if (a job the
page waits for), applies it as a new scheme version, finalises the cycle — which computes
the payouts — re-runs the computation and exports them; once published, the employee
reads their bonus and why."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from assessment.services import cycles, decisions, inputs
from incentives.models import BonusScheme
from tests.conftest import Cast
from tests.factories_assessment import (
    annual_cycle,
    compute_now,
    result_of,
    worked_example_scorecard,
)

pytestmark = pytest.mark.browser


def test_hr_runs_the_whatif_applies_finalises_and_exports_and_the_employee_reads_why(
    signed_in: Callable[[Any], Any], cast: Cast
) -> None:
    cast.employee.base_bonus = Decimal("100000.00")
    cast.employee.save()
    example = worked_example_scorecard(cast.employee)
    cycle = annual_cycle(cast)
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
    compute_now(cycle)
    for step in ("self_assessment", "review", "calibration"):
        cycle = cycles.cycle_advance(
            actor=cast.hr.user, cycle=cycle, version=cycle.version, to=step
        )

    hr = signed_in(cast.hr.user)
    hr.goto("/incentives/")
    hr.get_by_role("link", name=cycle.name).click()
    hr.get_by_role("link", name="What-if").click()
    hr.locator("#id_good").fill("1.3")
    hr.get_by_role("button", name="Preview").click()
    expect(hr.get_by_test_id("total-now")).to_have_text("120,000.00")
    expect(hr.get_by_test_id("total-proposed")).to_have_text("130,000.00")
    assert not BonusScheme.objects.exists()  # a preview saves nothing
    hr.get_by_role("button", name="Apply as a new version").click()
    expect(hr.locator("body")).to_contain_text(
        "Version 1 of the bonus scheme is now the current one."
    )

    hr.goto(f"/assessment/cycles/{cycle.pk}/")
    hr.get_by_role("button", name="Move to: Finalised").click()
    expect(hr.locator("[aria-current=step]")).to_have_text("Finalised")
    # finalising started the payout job (tasks run in-process here, on commit)
    hr.goto(f"/incentives/cycles/{cycle.pk}/")
    expect(hr.get_by_test_id("total-paid")).to_have_text("130,000.00")
    hr.get_by_role("button", name="Compute payouts").click()  # a re-run changes nothing
    expect(hr.get_by_role("heading", name="Background job")).to_be_visible()
    expect(hr.locator("body")).to_contain_text(re.compile("Done", re.I))
    hr.goto(f"/incentives/cycles/{cycle.pk}/")
    expect(hr.get_by_test_id("total-paid")).to_have_text("130,000.00")
    with hr.expect_download() as download:
        hr.get_by_role("link", name="Export CSV").click()
    exported = Path(download.value.path()).read_text(encoding="utf-8")
    assert "Employee Yi" in exported and "130000.00" in exported

    hr.goto(f"/assessment/cycles/{cycle.pk}/")
    hr.get_by_role("button", name="Move to: Published").click()
    expect(hr.locator("[aria-current=step]")).to_have_text("Published")

    employee = signed_in(cast.employee.user)
    employee.goto("/incentives/")
    employee.get_by_role("link", name=cycle.name).click()
    expect(employee.get_by_test_id("bonus-amount")).to_have_text("130,000.00")
    expect(employee.get_by_role("heading", name="Why this amount")).to_be_visible()
    expect(employee.locator("body")).to_contain_text(
        "Base bonus 100000.00 \u00d7 coefficient 1.300 of the grade Good = 130000.00."
    )
