"""Appeals: within the window, submitted → under review → upheld or changed; a change
re-scores the result through the engine, keeps the old result readable and is audited."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from assessment.models import AssessmentResult
from reviews.models import Appeal, AppealStatus
from reviews.services.appeals import (
    appeal_decide,
    appeal_review_start,
    appeal_submit,
    published_on,
)
from spm.clock import FixedClock
from tests.conftest import Cast
from tests.factories_assessment import (
    annual_cycle,
    compute_now,
    result_of,
    worked_example_scorecard,
)

D = Decimal


def published_example(cast: Cast, rating: int = 40) -> tuple[object, AssessmentResult]:
    """§3.8 with a low qualitative rating (40): 79.47, qualified; computed and published."""
    from assessment.services import cycles, decisions, inputs

    example = worked_example_scorecard(cast.employee)
    cycle = annual_cycle(cast)
    result = result_of(cycle, example.scorecard)
    for task, grade in zip(example.key_tasks, ["high_quality", "good"], strict=True):
        inputs.key_task_grade(actor=cast.manager.user, result=result, item=task, grade=grade)
    inputs.qualitative_rate(actor=cast.manager.user, result=result, rating=D(rating))
    bonus = decisions.adjustment_propose(
        actor=cast.manager.user, result=result, kind="bonus", points=D(1), reason="Early"
    )
    decisions.adjustment_decide(
        actor=cast.hr.user, adjustment=bonus, version=bonus.version, approve=True
    )
    compute_now(cycle)
    for step in ("self_assessment", "review", "calibration", "finalised", "published"):
        cycle = cycles.cycle_advance(
            actor=cast.hr.user, cycle=cycle, version=cycle.version, to=step
        )
    result.refresh_from_db()
    return cycle, result


def submitted(cast: Cast) -> tuple[AssessmentResult, Appeal, FixedClock]:
    _, result = published_example(cast)
    day = published_on(result)
    assert day is not None
    clock = FixedClock.on(day + datetime.timedelta(days=3))
    appeal = appeal_submit(
        actor=cast.employee.user, result=result, reason="My peers were not asked", clock_=clock
    )
    return result, appeal, clock


def test_the_deadline_is_ten_days_after_publishing(cast: Cast) -> None:
    result, appeal, _ = submitted(cast)
    day = published_on(result)
    assert day is not None and appeal.deadline == day + datetime.timedelta(days=10)


def test_an_appeal_after_the_window_is_refused(cast: Cast) -> None:
    _, result = published_example(cast)
    day = published_on(result)
    assert day is not None
    with pytest.raises(ValidationError):
        appeal_submit(
            actor=cast.employee.user, result=result, reason="Late",
            clock_=FixedClock.on(day + datetime.timedelta(days=11)),
        )  # fmt: skip


def test_only_the_person_assessed_appeals(cast: Cast) -> None:
    _, result = published_example(cast)
    with pytest.raises(ValidationError):
        appeal_submit(actor=cast.manager.user, result=result, reason="For them")
    with pytest.raises(Http404):
        appeal_submit(actor=cast.sibling_manager.user, result=result, reason="Not mine")


def test_managers_and_the_appellant_may_not_decide(cast: Cast) -> None:
    _, appeal, _ = submitted(cast)
    for who in (cast.employee, cast.manager, cast.sibling_manager, cast.executive):
        with pytest.raises(Http404):
            appeal_review_start(actor=who.user, appeal=appeal, version=appeal.version)


def upheld(cast: Cast, appeal: Appeal, clock: FixedClock) -> Appeal:
    """``appeal`` taken up and decided by HR: the scores stand."""
    appeal = appeal_review_start(actor=cast.hr.user, appeal=appeal, version=appeal.version)
    return appeal_decide(
        actor=cast.hr.user,
        appeal=appeal,
        version=appeal.version,
        change=False,
        note="Scores stand",
        clock_=clock,
    )


def test_an_upheld_appeal_leaves_the_result_as_it_was(cast: Cast) -> None:
    result, appeal, clock = submitted(cast)
    appeal = upheld(cast, appeal, clock)
    before = (result.final_score, result.grade)
    result.refresh_from_db()
    assert appeal.status == AppealStatus.UPHELD
    assert (result.final_score, result.grade) == before


def test_a_changed_appeal_rescores_and_keeps_both_results_in_explanation_and_audit(
    cast: Cast,
) -> None:
    result, appeal, clock = submitted(cast)
    assert (result.final_score, result.grade) == (D("79.47"), "qualified")
    appeal = appeal_review_start(actor=cast.hr.user, appeal=appeal, version=appeal.version)
    appeal = appeal_decide(
        actor=cast.hr.user, appeal=appeal, version=appeal.version, change=True,
        note="Peers' ratings were missing",
        corrected_qualitative=D(90), clock_=clock,
    )  # fmt: skip
    result.refresh_from_db()
    # the qualitative part rises by 50 at weight 0.2: 79.47 + 10 = 89.47 (§3.8)
    assert result.qualitative_part == D(90)
    assert (result.final_score, result.grade) == (D("89.47"), "good")
    assert result.explanation["arithmetic"]["qualitative_part"] == "90"
    assert appeal.previous_final_score == D("79.47") and appeal.previous_grade == "qualified"
    assert appeal.previous_explanation is not None
    assert appeal.previous_explanation["arithmetic"]["qualitative_part"] == "40"
    latest, before = result.history.order_by("-history_id")[:2]
    assert latest.history_change_reason == f"appeal {appeal.pk} changed"
    assert latest.history_user_id == cast.hr.user.pk
    assert (before.final_score, latest.final_score) == (D("79.47"), D("89.47"))


def test_a_change_without_a_corrected_part_is_refused(cast: Cast) -> None:
    _, appeal, _ = submitted(cast)
    appeal = appeal_review_start(actor=cast.hr.user, appeal=appeal, version=appeal.version)
    with pytest.raises(ValidationError):
        appeal_decide(
            actor=cast.hr.user, appeal=appeal, version=appeal.version, change=True, note="Yes"
        )


def test_a_second_open_appeal_is_refused(cast: Cast) -> None:
    result, _, clock = submitted(cast)
    with pytest.raises(ValidationError):
        appeal_submit(actor=cast.employee.user, result=result, reason="Again", clock_=clock)


def test_publishing_records_the_moment_from_the_clock_and_the_window_counts_from_it(
    cast: Cast,
) -> None:
    from assessment.services import cycles

    example = worked_example_scorecard(cast.employee)
    cycle = annual_cycle(cast)
    result = result_of(cycle, example.scorecard)
    compute_now(cycle)
    for step in ("self_assessment", "review", "calibration", "finalised"):
        cycle = cycles.cycle_advance(
            actor=cast.hr.user, cycle=cycle, version=cycle.version, to=step
        )
    day = datetime.date(2027, 1, 25)
    cycle = cycles.cycle_publish(
        actor=cast.hr.user, cycle=cycle, version=cycle.version, clock=FixedClock.on(day)
    )
    assert cycle.published_at is not None
    assert cycle.history.latest().published_at == cycle.published_at
    result.refresh_from_db()
    assert published_on(result) == day
    with pytest.raises(ValidationError):
        appeal_submit(
            actor=cast.employee.user, result=result, reason="Late",
            clock_=FixedClock.on(datetime.date(2027, 2, 5)),
        )  # fmt: skip
    appeal = appeal_submit(
        actor=cast.employee.user, result=result, reason="In time",
        clock_=FixedClock.on(datetime.date(2027, 2, 4)),
    )  # fmt: skip
    assert appeal.deadline == datetime.date(2027, 2, 4)


def test_the_cycle_api_answers_the_publishing_moment_read_only_and_documents_it(
    cast: Cast,
) -> None:
    from drf_spectacular.generators import SchemaGenerator

    cycle, _ = published_example(cast)
    hr = cast.client("hr")
    url = f"/api/v1/assessment-cycles/{cycle.pk}/"
    body = hr.get(url).json()
    assert body["published_at"] is not None
    assert datetime.datetime.fromisoformat(body["published_at"]) == cycle.published_at
    # read-only: no write of the cycle takes it (publishing sets it), and OpenAPI says so
    schema = SchemaGenerator().get_schema(request=None, public=True)
    field = schema["components"]["schemas"]["Cycle"]["properties"]["published_at"]
    assert field["readOnly"] is True and field["format"] == "date-time"


def test_waiting_lists_the_result_to_appeal_then_the_open_appeal_then_neither(
    cast: Cast,
) -> None:
    """The home panel's "waiting for you": a published result within its window until it is
    appealed (whatever then becomes of the appeal), the appeal while it is open."""
    from reviews.people import waiting

    _, result = published_example(cast)
    day = published_on(result)
    assert day is not None
    clock = FixedClock.on(day + datetime.timedelta(days=3))
    before = waiting(cast.employee.user, today_clock=clock)
    assert [(r.pk, r.cycle.name) for r, _deadline in before.appealable] == [
        (result.pk, result.cycle.name)
    ]
    assert before.appeals == []
    appeal = appeal_submit(
        actor=cast.employee.user, result=result, reason="My peers were not asked", clock_=clock
    )
    open_ = waiting(cast.employee.user, today_clock=clock)
    assert open_.appealable == []
    assert [a.pk for a in open_.appeals] == [appeal.pk]
    upheld(cast, appeal, clock)
    decided = waiting(cast.employee.user, today_clock=clock)
    assert (decided.appealable, decided.appeals) == ([], [])
