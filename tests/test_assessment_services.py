"""DESIGN §3.8 through the services and the Celery task (in-process), and the rules of
who may do what in a cycle."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.test import TestCase

from assessment.models import (
    AssessmentCycle,
    AssessmentResult,
    CycleFinal,
    CycleStatus,
    DecisionStatus,
)
from assessment.services import cycles, decisions, inputs, results
from assessment.services.schemes import scheme_revise
from org.versions import StaleRecord, WrongState
from spm.errors import NotPermitted
from spm.models import Job
from tests.conftest import Cast
from tests.factories_assessment import annual_cycle, result_of, worked_example_scorecard

D = Decimal


def compute(actor: Any, cycle: AssessmentCycle) -> Job:
    """Start the computation and run the task enqueued on commit (tests never commit)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        job = results.cycle_compute_start(actor=actor, cycle=cycle)
    job.refresh_from_db()
    return job


def review_worked_example(cast: Cast) -> tuple[AssessmentCycle, AssessmentResult]:
    """The manager reviews §3.8; HR approves the bonus point; HR computes."""
    example = worked_example_scorecard(cast.employee)
    cycle = annual_cycle(cast)
    result = result_of(cycle, example.scorecard)
    manager = cast.manager.user
    for task, grade in zip(example.key_tasks, ["high_quality", "good"], strict=True):
        inputs.key_task_grade(actor=manager, result=result, item=task, grade=grade)
    inputs.qualitative_rate(actor=manager, result=result, rating=D(90))
    bonus = decisions.adjustment_propose(
        actor=manager, result=result, kind="bonus", points=D(1), reason="Early completion"
    )
    decisions.adjustment_decide(
        actor=cast.hr.user, adjustment=bonus, version=bonus.version, approve=True
    )
    compute(cast.hr.user, cycle)
    result.refresh_from_db()
    return cycle, result


def test_worked_example_through_services_and_task_scores_89_47_good(cast: Cast) -> None:
    cycle, result = review_worked_example(cast)
    assert result.final_score == D("89.47")
    assert result.grade == "good"
    assert result.quantitative_part == D("89.33")
    assert result.qualitative_part == D(90)
    assert result.explanation["arithmetic"]["final"] == "89.47"
    job = Job.objects.get(kind="assessment.compute")
    assert job.status == Job.Status.DONE
    assert job.result["results"] == AssessmentResult.objects.filter(cycle=cycle).count()


def test_worked_example_with_approved_veto_is_unqualified(cast: Cast) -> None:
    cycle, result = review_worked_example(cast)
    veto = decisions.veto_propose(
        actor=cast.manager.user, result=result, reason="Serious safety accident"
    )
    with pytest.raises(NotPermitted):  # HR sees it but may not approve: executives do
        decisions.veto_decide(actor=cast.hr.user, veto=veto, version=veto.version, approve=True)
    decisions.veto_decide(actor=cast.executive.user, veto=veto, version=veto.version, approve=True)
    compute(cast.hr.user, cycle)
    result.refresh_from_db()
    assert result.final_score == D("89.47")
    assert result.grade == "unqualified"
    assert result.vetoed


def test_re_running_the_computation_changes_no_row(cast: Cast) -> None:
    cycle, _result = review_worked_example(cast)
    before = list(AssessmentResult.objects.filter(cycle=cycle).order_by("pk").values())
    history = AssessmentResult.history.count()
    compute(cast.hr.user, cycle)
    assert list(AssessmentResult.objects.filter(cycle=cycle).order_by("pk").values()) == before
    assert AssessmentResult.history.count() == history
    assert Job.objects.filter(kind="assessment.compute").first().result["changed"] == 0


def test_employee_cannot_rate_and_hr_cannot_approve_own_proposal(cast: Cast) -> None:
    example = worked_example_scorecard(cast.employee)
    cycle = annual_cycle(cast)
    result = result_of(cycle, example.scorecard)
    with pytest.raises(NotPermitted):  # the employee sees the result but does not review it
        inputs.qualitative_rate(actor=cast.employee.user, result=result, rating=D(100))
    proposal = decisions.adjustment_propose(
        actor=cast.hr.user, result=result, kind="bonus", points=D(2), reason="Quality"
    )
    with pytest.raises(ValidationError):
        decisions.adjustment_decide(
            actor=cast.hr.user, adjustment=proposal, version=proposal.version, approve=True
        )


def test_manager_cannot_grade_own_result(cast: Cast) -> None:
    example = worked_example_scorecard(cast.manager)
    cycle = annual_cycle(cast)
    result = result_of(cycle, example.scorecard)
    with pytest.raises(ValidationError):
        inputs.key_task_grade(
            actor=cast.manager.user, result=result, item=example.key_tasks[0], grade="good"
        )


def test_sibling_manager_cannot_reach_another_units_result(cast: Cast) -> None:
    example = worked_example_scorecard(cast.employee)
    cycle = annual_cycle(cast)
    with pytest.raises(Http404):
        inputs.qualitative_rate(
            actor=cast.sibling_manager.user, result=result_of(cycle, example.scorecard), rating=D(1)
        )


def test_cycle_steps_go_one_at_a_time_and_only_for_hr(cast: Cast) -> None:
    cycle = annual_cycle(cast, open_it=False)
    with pytest.raises(Http404):
        cycles.cycle_advance(
            actor=cast.executive.user, cycle=cycle, version=cycle.version, to=CycleStatus.OPEN
        )
    cycles.cycle_advance(
        actor=cast.hr.user, cycle=cycle, version=cycle.version, to=CycleStatus.OPEN
    )
    with pytest.raises(StaleRecord):
        cycles.cycle_advance(
            actor=cast.hr.user, cycle=cycle, version=cycle.version, to=CycleStatus.REVIEW
        )
    with pytest.raises(StaleRecord):  # a second click on "open" does nothing
        cycles.cycle_advance(
            actor=cast.hr.user, cycle=cycle, version=cycle.version, to=CycleStatus.OPEN
        )


def test_scheme_edit_makes_a_new_version_and_leaves_open_cycles_alone(cast: Cast) -> None:
    cycle = annual_cycle(cast)
    revised = scheme_revise(
        actor=cast.hr.user, scheme=cycle.scheme, version=cycle.scheme.version, bonus_cap=D(5)
    )
    assert revised.version == 2
    cycle.refresh_from_db()
    assert cycle.rules.bonus_cap == D(10)
    assert cycle.scheme.current is False


def move_to_calibration(cast: Cast, cycle: AssessmentCycle) -> AssessmentCycle:
    for step in (CycleStatus.SELF_ASSESSMENT, CycleStatus.REVIEW, CycleStatus.CALIBRATION):
        cycle = cycles.cycle_advance(
            actor=cast.hr.user, cycle=cycle, version=cycle.version, to=step
        )
    return cycle


def test_calibrated_grade_needs_a_reason_and_records_the_executive(cast: Cast) -> None:
    cycle, result = review_worked_example(cast)
    move_to_calibration(cast, cycle)
    with pytest.raises(ValidationError):
        results.result_calibrate(
            actor=cast.executive.user,
            result=result,
            version=result.version,
            grade="qualified",
            reason="",
        )
    with pytest.raises(NotPermitted):  # HR sees the result; executives calibrate
        results.result_calibrate(
            actor=cast.hr.user, result=result, version=result.version, grade="qualified", reason="x"
        )
    calibrated = results.result_calibrate(
        actor=cast.executive.user,
        result=result,
        version=result.version,
        grade="qualified",
        reason="Group ranking",
    )
    assert calibrated.effective_grade == "qualified"
    assert calibrated.calibrated_by == cast.executive.user


def test_finalised_cycle_refuses_every_change(cast: Cast) -> None:
    cycle, result = review_worked_example(cast)
    cycle = move_to_calibration(cast, cycle)
    cycle = cycles.cycle_finalise(actor=cast.hr.user, cycle=cycle, version=cycle.version)
    with pytest.raises(CycleFinal):
        inputs.qualitative_rate(actor=cast.manager.user, result=result, rating=D(10))
    with pytest.raises(CycleFinal):
        decisions.adjustment_propose(
            actor=cast.manager.user, result=result, kind="bonus", points=D(1), reason="late"
        )
    with pytest.raises(CycleFinal):
        results.result_calibrate(
            actor=cast.executive.user,
            result=result,
            version=result.version,
            grade="basic",
            reason="late",
        )
    with pytest.raises(ValidationError):
        compute(cast.hr.user, cycle)
    result.refresh_from_db()
    result.final_score = D(1)
    with pytest.raises(CycleFinal):  # the model itself refuses (admin, shell)
        result.save()
    # A late actual and a re-run of the task change nothing.
    actual = result.scorecard.items.get(name="New-energy capacity in operation").actuals.get()
    actual.value = D(0)
    actual.save()
    from assessment.compute import compute_cycle

    outcome = compute_cycle(cycle.pk, now=None)
    assert outcome.refused
    assert AssessmentResult.objects.get(pk=result.pk).final_score == D("89.47")


def test_published_result_is_acknowledged_by_the_employee_only(cast: Cast) -> None:
    cycle, result = review_worked_example(cast)
    cycle = move_to_calibration(cast, cycle)
    cycle = cycles.cycle_finalise(actor=cast.hr.user, cycle=cycle, version=cycle.version)
    result.refresh_from_db()
    with pytest.raises(WrongState):  # not published yet: a 409
        results.result_acknowledge(actor=cast.employee.user, result=result, version=result.version)
    cycles.cycle_publish(actor=cast.hr.user, cycle=cycle, version=cycle.version)
    with pytest.raises(NotPermitted):
        results.result_acknowledge(actor=cast.manager.user, result=result, version=result.version)
    acknowledged = results.result_acknowledge(
        actor=cast.employee.user, result=result, version=result.version
    )
    assert acknowledged.acknowledged_at is not None
    with pytest.raises(WrongState):  # acknowledging twice is a 409, not a silent no-op
        results.result_acknowledge(
            actor=cast.employee.user, result=result, version=acknowledged.version
        )
    assert acknowledged.version == result.version  # a stamp, not a change of the result
    assert AssessmentResult.objects.get(pk=result.pk).final_score == D("89.47")


def test_rejected_bonus_is_left_out_and_explained(cast: Cast) -> None:
    cycle, result = review_worked_example(cast)
    extra = decisions.adjustment_propose(
        actor=cast.manager.user, result=result, kind="bonus", points=D(3), reason="Leading"
    )
    with pytest.raises(ValidationError):
        decisions.adjustment_decide(
            actor=cast.executive.user, adjustment=extra, version=extra.version, approve=False
        )
    decisions.adjustment_decide(
        actor=cast.executive.user,
        adjustment=extra,
        version=extra.version,
        approve=False,
        note="No evidence",
    )
    assert extra.__class__.objects.get(pk=extra.pk).status == DecisionStatus.REJECTED
    compute(cast.hr.user, cycle)
    result.refresh_from_db()
    assert result.final_score == D("89.47")
    rows = {a["id"]: a.get("left_out") for a in result.explanation["adjustments"]}
    assert rows[extra.pk] == "not_approved"


def test_confirmed_milestone_date_counts_instead_of_the_reported_one(cast: Cast) -> None:
    from django.urls import reverse

    cycle, result = review_worked_example(cast)
    grid = result.scorecard.items.get(name="Wind farm project").milestones.get(
        name="Grid connection"
    )
    response = cast.client("manager").post(
        reverse("assessment-result-action", args=[result.pk, "confirm"]),
        {"milestone": grid.pk, "completed_on": "2026-11-30"},
    )
    assert response.status_code == 302
    compute(cast.hr.user, cycle)
    result.refresh_from_db()
    # (100 + 80 + 100) / 3 x 0.4 = 37.33: 44 + 17.33 + 37.33 + 4 = 102.67; 0.8 x + 18
    assert result.final_score == D("100.13")
    milestones = result.explanation["items"][2]["milestones"]
    assert [m["confirmed"] for m in milestones] == [False, False, True]
