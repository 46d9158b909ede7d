"""In a real browser: an employee self-assesses and reviews a peer against the behaviour
scales; once the cycle is published they read their reviews, appeal, and after HR changes
the result they see the changed grade."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from assessment.services import cycles, inputs
from reviews.models import Review
from reviews.services.reviews import review_submit, reviews_suggest
from tests.conftest import Cast
from tests.factories_assessment import (
    annual_cycle,
    compute_now,
    result_of,
    worked_example_scorecard,
)

pytestmark = pytest.mark.browser


def rate(page: Any, value: str) -> None:
    for behaviour in ("Integrity", "Synergy", "Systematicness"):
        page.get_by_label(f"{behaviour} (0-100)").fill(value)
    page.get_by_role("button", name="Save review").click()
    expect(page.get_by_role("status").or_(page.locator(".alert-success"))).to_contain_text(
        "Your review is saved."
    )


def test_employee_reviews_reads_appeals_and_sees_the_changed_grade(
    signed_in: Callable[[Any], Any], cast: Cast
) -> None:
    mine = worked_example_scorecard(cast.employee)
    theirs = worked_example_scorecard(cast.site_worker)
    cycle = annual_cycle(cast)
    result, peer_result = result_of(cycle, mine.scorecard), result_of(cycle, theirs.scorecard)
    for r in (result, peer_result):
        reviews_suggest(actor=cast.hr.user, result=r)

    employee = signed_in(cast.employee.user)
    employee.goto("/reviews/")
    employee.get_by_role("row").filter(has_text="Self-assessment").get_by_role("link").click()
    expect(employee.get_by_role("heading", name="Your self-assessment")).to_be_visible()
    rate(employee, "92")
    employee.get_by_role("link", name="Worker Wu").click()
    expect(employee.get_by_role("heading", name="Review of Worker Wu")).to_be_visible()
    # the shipped scale of each behaviour stands beside its rating
    expect(employee.locator("body")).to_contain_text(
        "Shares information and helps colleagues when it is needed."
    )
    rate(employee, "81.5")
    answered = Review.objects.get(result=peer_result, reviewer=cast.employee)
    assert (answered.integrity, answered.synergy) == (Decimal("81.50"), Decimal("81.50"))

    # The manager rates low (40), the key tasks are graded; computed and published: §3.8
    # with a qualitative part of 40 is 79.47, qualified (see tests/test_reviews_appeals.py).
    row = Review.objects.get(result=result, reviewer=cast.manager)
    review_submit(actor=cast.manager.user, review=row, version=row.version, integrity=Decimal(40),
                  synergy=Decimal(40), systematicness=Decimal(40))  # fmt: skip
    for task, grade in zip(mine.key_tasks, ["high_quality", "good"], strict=True):
        inputs.key_task_grade(actor=cast.manager.user, result=result, item=task, grade=grade)
    from assessment.services import decisions

    bonus = decisions.adjustment_propose(
        actor=cast.manager.user, result=result, kind="bonus", points=Decimal(1), reason="Early"
    )
    decisions.adjustment_decide(
        actor=cast.hr.user, adjustment=bonus, version=bonus.version, approve=True
    )
    compute_now(cycle)
    for to in ("self_assessment", "review", "calibration", "finalised", "published"):
        cycle = cycles.cycle_advance(actor=cast.hr.user, cycle=cycle, version=cycle.version, to=to)

    employee = signed_in(cast.employee.user)
    employee.goto(f"/assessment/results/{result.pk}/")
    expect(employee.locator("[data-final-score]")).to_have_text("79.47")
    employee.goto(f"/reviews/results/{result.pk}/")
    expect(employee.locator("body")).to_contain_text("hidden: fewer than three answers")
    expect(employee.locator("body")).to_contain_text("You may appeal this result until")
    employee.get_by_label("Why do you appeal?").fill("My peers were never asked.")
    employee.get_by_role("button", name="Submit appeal").click()
    employee.get_by_role("link", name="Your appeal of").click()
    expect(employee.locator("[data-appeal-status]")).to_have_text("Submitted")

    hr = signed_in(cast.hr.user)
    hr.goto("/reviews/appeals/")
    hr.get_by_role("link", name="Employee Yi").click()
    hr.get_by_role("button", name="Take under review").click()
    expect(hr.locator("[data-appeal-status]")).to_have_text("Under review")
    hr.get_by_label("Decision").fill("The peers' reviews were collected.")
    hr.get_by_label("Corrected qualitative part (for a change)").fill("90")
    hr.get_by_role("button", name="Change the result").click()
    expect(hr.locator("[data-appeal-status]")).to_have_text("Changed")

    employee = signed_in(cast.employee.user)
    employee.goto("/reviews/appeals/")
    employee.get_by_role("link", name="Employee Yi").click()
    expect(employee.locator("[data-changed-grade]")).to_contain_text("89.47")
    expect(employee.locator("[data-changed-grade]")).to_contain_text("Good")
    employee.goto(f"/assessment/results/{result.pk}/")
    expect(employee.locator("[data-final-score]")).to_have_text("89.47")
