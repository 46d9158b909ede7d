"""Issue 8: one rule for every refusal of the apps above the organisation.

A step the record's current state forbids (acknowledging twice, deciding what is decided,
writing after the step is over, acting on a closed plan …) is a :class:`spm.errors.Conflict`
— 409 in the API, with the stored row's version (and status) as ``current``; a refusal
because of who acts is :class:`spm.errors.NotPermitted` (403); one because of the input is
a plain ``ValidationError`` (400). Each row of ``REFUSALS`` sets up the world, makes the
refused call and checks its kind, and that nothing changed; a few are sent through the API
to see the 409 and its ``current``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Model

from assessment.models import AssessmentCycle, AssessmentResult, CycleStatus
from org.versions import WrongState
from spm.errors import Conflict, NotPermitted
from tests.access import fresh, module_rows
from tests.conftest import Cast
from tests.test_versions_required import World, build

D = Decimal
STATE, WHO, INPUT = "state (409)", "who (403)", "input (400)"


@pytest.fixture(scope="module")
def world_rows(cast_rows: Cast, django_db_blocker: Any) -> Iterator[World]:
    yield from module_rows(django_db_blocker, lambda: build(cast_rows))


@pytest.fixture
def cast(shared_cast: Cast) -> Cast:
    return shared_cast


@pytest.fixture
def world(world_rows: World, db: Any) -> World:
    return fresh(world_rows)


def _stored(row: Any) -> Any:
    return type(row)._default_manager.get(pk=row.pk)


# --- setting the scene --------------------------------------------------------------------
Act = Callable[[World, Cast], Callable[[], Any]]


def _acknowledged_twice(w: World, cast: Cast) -> Callable[[], Any]:
    from assessment.services.results import result_acknowledge

    AssessmentResult.objects.filter(pk=w.reviews.result.pk).update(acknowledged_at=None)
    done = result_acknowledge(
        actor=cast.employee.user, result=w.reviews.result, version=_stored(w.reviews.result).version
    )
    return lambda: result_acknowledge(
        actor=cast.employee.user, result=done, version=_stored(done).version
    )


def _acknowledged_early(w: World, cast: Cast) -> Callable[[], Any]:
    from assessment.services.results import result_acknowledge

    return lambda: result_acknowledge(
        actor=cast.employee.user, result=w.result, version=_stored(w.result).version
    )


def _self_assessed_late(w: World, cast: Cast) -> Callable[[], Any]:
    from assessment.services.inputs import result_self_assess

    return lambda: result_self_assess(
        actor=cast.employee.user, result=w.result, text="Late", version=_stored(w.result).version
    )


def _in_review(w: World) -> None:
    AssessmentCycle.objects.filter(pk=w.half.pk).update(status=CycleStatus.REVIEW)


def _calibrated_in_review(w: World, cast: Cast) -> Callable[[], Any]:
    from assessment.services.results import result_calibrate

    _in_review(w)
    return lambda: result_calibrate(
        actor=cast.executive.user, result=w.result, grade="good", reason="Early",
        version=_stored(w.result).version,
    )  # fmt: skip


def _decided_twice(w: World, cast: Cast) -> Callable[[], Any]:
    from assessment.services.decisions import adjustment_decide

    adjustment_decide(
        actor=cast.hr.user, adjustment=w.adjustment, approve=True,
        version=_stored(w.adjustment).version,
    )  # fmt: skip
    return lambda: adjustment_decide(
        actor=cast.hr.user, adjustment=w.adjustment, approve=False, note="No",
        version=_stored(w.adjustment).version,
    )  # fmt: skip


def _interview_unrecorded(w: World, cast: Cast) -> Callable[[], Any]:
    from reviews.services.interviews import interview_acknowledge, interview_schedule

    talk = interview_schedule(
        actor=cast.manager.user, employee=cast.employee,
        scheduled_for=datetime.datetime(2027, 2, 1, 10, tzinfo=datetime.UTC),
    )  # fmt: skip
    return lambda: interview_acknowledge(
        actor=cast.employee.user, interview=talk, version=_stored(talk).version
    )


def _second_appeal(w: World, cast: Cast) -> Callable[[], Any]:
    from reviews.services.appeals import appeal_submit

    return lambda: appeal_submit(actor=cast.employee.user, result=w.reviews.result, reason="Again")


def _appeal_decided_unreviewed(w: World, cast: Cast) -> Callable[[], Any]:
    from reviews.services.appeals import appeal_decide

    appeal = w.reviews.appeal
    return lambda: appeal_decide(
        actor=cast.hr.user, appeal=appeal, change=False, note="Stands",
        version=_stored(appeal).version,
    )  # fmt: skip


def _closed_plan(w: World, cast: Cast) -> Callable[[], Any]:
    from reviews.services.plans import plan_action_move, plan_close

    plan = w.reviews.plan
    plan_close(actor=cast.manager.user, plan=plan, version=_stored(plan).version)
    action = plan.actions.order_by("pk").first()
    assert action is not None
    return lambda: plan_action_move(
        actor=cast.manager.user, action=action, stage="do", version=_stored(action).version
    )


def _answered_withdrawn(w: World, cast: Cast) -> Callable[[], Any]:
    from reviews.services.reviews import review_remove, review_submit

    review_submit(
        actor=cast.manager.user, review=w.review, integrity=D(70), synergy=D(70),
        systematicness=D(70), version=_stored(w.review).version,
    )  # fmt: skip
    return lambda: review_remove(
        actor=cast.hr.user, review=w.review, version=_stored(w.review).version
    )


def _reopened_open_month(w: World, cast: Cast) -> Callable[[], Any]:
    from scorecard.services.actuals import period_reopen

    return lambda: period_reopen(actor=cast.hr.user, year=2026, month=3)


def _rated_after_final(w: World, cast: Cast) -> Callable[[], Any]:
    from assessment.services.inputs import qualitative_rate

    return lambda: qualitative_rate(actor=cast.manager.user, result=w.reviews.result, rating=D(1))


def _own_proposal_decided(w: World, cast: Cast) -> Callable[[], Any]:
    from assessment.services.decisions import adjustment_decide, adjustment_propose

    mine = adjustment_propose(
        actor=cast.hr.user, result=w.result, kind="bonus", points=D(1), reason="Mine"
    )
    return lambda: adjustment_decide(
        actor=cast.hr.user, adjustment=mine, approve=True, version=_stored(mine).version
    )


def _self_graded(w: World, cast: Cast) -> Callable[[], Any]:
    from assessment.services.inputs import qualitative_rate

    return lambda: qualitative_rate(actor=cast.employee.user, result=w.result, rating=D(100))


def _unknown_grade(w: World, cast: Cast) -> Callable[[], Any]:
    from assessment.services.results import result_calibrate

    return lambda: result_calibrate(
        actor=cast.executive.user, result=w.result, grade="stellar", reason="",
        version=_stored(w.result).version,
    )  # fmt: skip


def _rejected_silently(w: World, cast: Cast) -> Callable[[], Any]:
    from assessment.services.decisions import adjustment_decide

    return lambda: adjustment_decide(
        actor=cast.hr.user, adjustment=w.adjustment, approve=False, note=" ",
        version=_stored(w.adjustment).version,
    )  # fmt: skip


@dataclass(frozen=True)
class Refusal:
    name: str
    kind: str
    act: Act
    row: Callable[[World], Model]  # the row the refused call must leave as it is


REFUSALS = [
    Refusal("acknowledging a result twice", STATE, _acknowledged_twice, lambda w: w.reviews.result),
    Refusal("acknowledging before publication", STATE, _acknowledged_early, lambda w: w.result),
    Refusal("self-assessing after that step", STATE, _self_assessed_late, lambda w: w.result),
    Refusal("calibrating outside calibration", STATE, _calibrated_in_review, lambda w: w.result),
    Refusal("deciding a decided adjustment", STATE, _decided_twice, lambda w: w.adjustment),
    Refusal("acknowledging an unrecorded talk", STATE, _interview_unrecorded, lambda w: w.result),
    Refusal("a second open appeal", STATE, _second_appeal, lambda w: w.reviews.appeal),
    Refusal(
        "deciding an unreviewed appeal",
        STATE,
        _appeal_decided_unreviewed,
        lambda w: w.reviews.appeal,
    ),
    Refusal("moving an action of a closed plan", STATE, _closed_plan, lambda w: w.reviews.plan),
    Refusal("withdrawing an answered reviewer", STATE, _answered_withdrawn, lambda w: w.review),
    Refusal("reopening a month that is open", STATE, _reopened_open_month, lambda w: w.result),
    Refusal("rating in a published cycle", STATE, _rated_after_final, lambda w: w.reviews.result),
    Refusal("deciding one's own proposal", WHO, _own_proposal_decided, lambda w: w.result),
    Refusal("rating one's own result", WHO, _self_graded, lambda w: w.result),
    Refusal("calibrating to no grade", INPUT, _unknown_grade, lambda w: w.result),
    Refusal("rejecting without a reason", INPUT, _rejected_silently, lambda w: w.adjustment),
]


def kind_of(error: ValidationError) -> str:
    if isinstance(error, Conflict):
        return STATE
    if isinstance(error, NotPermitted):
        return WHO
    return INPUT


@pytest.mark.parametrize("refusal", REFUSALS, ids=[r.name for r in REFUSALS])
def test_a_refusal_is_a_conflict_a_denial_or_bad_input_by_its_cause(
    cast: Cast, world: World, refusal: Refusal
) -> None:
    call = refusal.act(world, cast)
    row = refusal.row(world)
    model = type(row)
    before = model._default_manager.filter(pk=row.pk).values().get()
    with pytest.raises(ValidationError) as refused:
        call()
    assert kind_of(refused.value) == refusal.kind, refused.value
    assert model._default_manager.filter(pk=row.pk).values().get() == before


# --- through the API: 409 with the stored row's version (and status) ----------------------
def _api_acknowledge_twice(w: World, cast: Cast) -> tuple[str, str, dict[str, Any], Model]:
    _acknowledged_twice(w, cast)
    result = w.reviews.result
    url = f"/api/v1/assessment-results/{result.pk}/acknowledge/"
    return "employee", url, {"version": _stored(result).version}, result


def _api_decide_twice(w: World, cast: Cast) -> tuple[str, str, dict[str, Any], Model]:
    _decided_twice(w, cast)
    url = f"/api/v1/assessment-adjustments/{w.adjustment.pk}/decide/"
    return "hr", url, {"approve": True, "version": _stored(w.adjustment).version}, w.adjustment


def _api_closed_plan(w: World, cast: Cast) -> tuple[str, str, dict[str, Any], Model]:
    from reviews.services.plans import plan_close

    plan = w.reviews.plan
    plan_close(actor=cast.manager.user, plan=plan, version=_stored(plan).version)
    url = f"/api/v1/improvement-plans/{plan.pk}/close/"
    return "manager", url, {"version": _stored(plan).version}, plan


API = [
    pytest.param(_api_acknowledge_twice, id="acknowledge twice"),
    pytest.param(_api_decide_twice, id="decide twice"),
    pytest.param(_api_closed_plan, id="close a closed plan"),
]


@pytest.mark.parametrize("scene", API)
def test_the_api_answers_a_state_refusal_with_409_and_the_stored_version(
    cast: Cast, world: World, scene: Callable[[World, Cast], tuple[str, str, dict[str, Any], Model]]
) -> None:
    role, url, body, row = scene(world, cast)
    response = cast.client(role).post(url, body, content_type="application/json")
    assert response.status_code == 409, response.content
    stored = _stored(row)
    assert response.json()["current"]["version"] == stored.version
    if hasattr(stored, "status"):
        assert response.json()["current"]["status"] == stored.status


def test_a_state_refusal_names_the_stored_version_and_status() -> None:
    from reviews.models import ImprovementPlan

    plan = ImprovementPlan(version=4, status="closed")
    refused = WrongState("This plan is closed.", current=plan)
    assert refused.code == "state"
    assert refused.current_data() == {"version": 4, "status": "closed"}
    assert WrongState("Not closed.").current_data() is None
