"""The people side through its services: the incident log stays with managers and HR,
feedback reaches the parties (private feedback only the manager), interviews are
acknowledged by both, improvement plans move through PDCA and seed next year's scorecard,
and each scheme's scales start from the shipped anchors."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from hypothesis import given
from hypothesis import strategies as st

from notifications.models import Notification
from org.scoping import CHANGE, VIEW
from reviews import bars, people, rules
from reviews.models import (
    ActionStage,
    BarsAnchor,
    CriticalIncident,
    FeedbackThread,
    FeedbackTopic,
    ImprovementPlan,
    Interview,
    InterviewStatus,
)
from reviews.services import bars as bars_services
from reviews.services import feedback, incidents, interviews, plans
from scorecard.models import ItemKind, Scorecard
from spm.clock import FixedClock
from spm.errors import NotPermitted
from tests.conftest import Cast
from tests.factories_assessment import group_scheme

DAY = datetime.date(2026, 11, 16)
CLOCK = FixedClock.on(DAY)


@pytest.fixture
def cast(shared_cast: Cast) -> Cast:
    return shared_cast


def record(cast: Cast, kind: str = "positive") -> CriticalIncident:
    return incidents.incident_record(
        actor=cast.manager.user, employee=cast.employee, occurred_on=DAY, kind=kind,
        description="Stayed late to fix the feeder", clock=CLOCK,
    )  # fmt: skip


# --- Incidents ---------------------------------------------------------------------------------
def test_incidents_are_read_by_managers_and_hr_never_by_the_person(cast: Cast) -> None:
    row = record(cast)
    readers = {
        name
        for name in ("employee", "manager", "sibling_manager", "hr", "executive", "site_worker")
        if CriticalIncident.objects.restrict(getattr(cast, name).user, VIEW).filter(pk=row.pk)
    }
    assert readers == {"manager", "hr"}


def test_nobody_records_an_incident_about_themself_or_outside_their_units(cast: Cast) -> None:
    with pytest.raises(ValidationError):
        incidents.incident_record(
            actor=cast.manager.user, employee=cast.manager, occurred_on=DAY, kind="positive",
            description="Me", clock=CLOCK,
        )  # fmt: skip
    # out of sight: not found; in sight but not theirs to manage: refused
    for who, refusal in ((cast.sibling_manager, Http404), (cast.employee, NotPermitted),
                         (cast.hr, NotPermitted)):  # fmt: skip
        with pytest.raises(refusal):
            incidents.incident_record(
                actor=who.user, employee=cast.employee, occurred_on=DAY, kind="negative",
                description="x", clock=CLOCK,
            )  # fmt: skip


def test_an_incident_in_the_future_is_refused(cast: Cast) -> None:
    with pytest.raises(ValidationError):
        incidents.incident_record(
            actor=cast.manager.user, employee=cast.employee, kind="negative", description="x",
            occurred_on=DAY + datetime.timedelta(days=1), clock=CLOCK,
        )  # fmt: skip


def test_a_stale_incident_correction_is_a_conflict(cast: Cast) -> None:
    from spm.errors import Conflict

    row = record(cast)
    incidents.incident_update(
        actor=cast.manager.user, incident=row, occurred_on=DAY, kind="negative",
        description="Corrected", version=0, clock=CLOCK,
    )  # fmt: skip
    with pytest.raises(Conflict):
        incidents.incident_update(
            actor=cast.manager.user, incident=row, occurred_on=DAY, kind="positive",
            description="Stale", version=0, clock=CLOCK,
        )  # fmt: skip


# --- Feedback ----------------------------------------------------------------------------------
def test_adhoc_feedback_reaches_the_colleague_and_their_manager_with_notifications(
    cast: Cast,
) -> None:
    thread = feedback.feedback_thread_start(
        actor=cast.site_worker.user, topic=FeedbackTopic.ADHOC, employee=cast.employee,
        subject="Thanks", body="Great hand-over", clock=CLOCK,
    )  # fmt: skip
    seeing = {
        name
        for name in ("employee", "manager", "sibling_manager", "hr", "site_worker")
        if FeedbackThread.objects.restrict(getattr(cast, name).user).filter(pk=thread.pk)
    }
    assert seeing == {"employee", "manager", "site_worker"}
    told = set(
        Notification.objects.filter(kind="reviews.feedback").values_list("recipient_id", flat=True)
    )
    assert told == {cast.employee.user_id, cast.manager.user_id}
    feedback.feedback_reply(actor=cast.employee.user, thread=thread, body="Thank you", clock=CLOCK)
    assert Notification.objects.filter(recipient=cast.site_worker.user).count() == 1


def test_private_feedback_is_read_by_the_manager_not_the_person(cast: Cast) -> None:
    thread = feedback.feedback_thread_start(
        actor=cast.site_worker.user, topic=FeedbackTopic.ADHOC, employee=cast.employee,
        subject="Careful", body="Missed the safety briefing", private=True, clock=CLOCK,
    )  # fmt: skip
    assert not FeedbackThread.objects.restrict(cast.employee.user).filter(pk=thread.pk).exists()
    assert FeedbackThread.objects.restrict(cast.manager.user).filter(pk=thread.pk).exists()
    assert not Notification.objects.filter(recipient=cast.employee.user).exists()
    with pytest.raises(Http404):
        feedback.feedback_reply(actor=cast.employee.user, thread=thread, body="?", clock=CLOCK)


def test_feedback_goes_only_to_colleagues(cast: Cast) -> None:
    with pytest.raises(Http404):
        feedback.feedback_thread_start(
            actor=cast.site_worker.user, topic=FeedbackTopic.ADHOC, employee=cast.finance_clerk,
            subject="x", body="y", clock=CLOCK,
        )  # fmt: skip


def test_feedback_on_an_unpublished_result_is_refused(cast: Cast) -> None:
    from tests.factories_assessment import annual_cycle, result_of, worked_example_scorecard

    example = worked_example_scorecard(cast.employee)
    result = result_of(annual_cycle(cast), example.scorecard)
    with pytest.raises(ValidationError):
        feedback.feedback_thread_start(
            actor=cast.employee.user, topic=FeedbackTopic.RESULT, result=result, subject="x",
            body="y", clock=CLOCK,
        )  # fmt: skip
    thread = feedback.feedback_thread_start(
        actor=cast.employee.user, topic=FeedbackTopic.ITEM, item=example.capacity,
        subject="Capacity target", body="Is 500 realistic?", clock=CLOCK,
    )  # fmt: skip
    assert thread.employee_id == cast.employee.pk
    assert Notification.objects.filter(recipient=cast.manager.user).exists()


# --- Interviews --------------------------------------------------------------------------------
def test_an_interview_is_acknowledged_by_both_after_it_is_recorded(cast: Cast) -> None:
    at = datetime.datetime(2026, 11, 20, 10, tzinfo=datetime.UTC)
    talk = interviews.interview_schedule(
        actor=cast.manager.user, employee=cast.employee, scheduled_for=at
    )
    assert Notification.objects.filter(
        recipient=cast.employee.user, kind="reviews.interview_scheduled"
    ).exists()
    with pytest.raises(ValidationError):
        interviews.interview_acknowledge(
            actor=cast.employee.user, interview=talk, version=talk.version, clock=CLOCK
        )
    with pytest.raises(Http404):
        interviews.interview_record(
            actor=cast.employee.user,
            interview=talk,
            version=talk.version,
            strengths="Me",
            gaps="",
            agreed_actions="",
        )
    talk = interviews.interview_record(
        actor=cast.manager.user, interview=talk, strengths="Calm on site", gaps="Reports late",
        agreed_actions="Weekly report", version=talk.version, clock=CLOCK,
    )  # fmt: skip
    assert talk.status == InterviewStatus.RECORDED
    talk = interviews.interview_acknowledge(
        actor=cast.employee.user, interview=talk, version=talk.version, clock=CLOCK
    )
    assert talk.status == InterviewStatus.RECORDED
    talk = interviews.interview_acknowledge(
        actor=cast.manager.user, interview=talk, version=talk.version, clock=CLOCK
    )
    assert talk.status == InterviewStatus.ACKNOWLEDGED
    with pytest.raises(ValidationError):
        interviews.interview_acknowledge(
            actor=cast.hr.user, interview=talk, version=talk.version, clock=CLOCK
        )


def test_nobody_schedules_their_own_interview_or_one_outside_their_units(cast: Cast) -> None:
    at = datetime.datetime(2026, 11, 20, 10, tzinfo=datetime.UTC)
    with pytest.raises(ValidationError):
        interviews.interview_schedule(
            actor=cast.manager.user, employee=cast.manager, scheduled_for=at
        )
    with pytest.raises(Http404):
        interviews.interview_schedule(
            actor=cast.sibling_manager.user, employee=cast.employee, scheduled_for=at
        )
    assert not Interview.objects.exists()


# --- Improvement plans -------------------------------------------------------------------------
def plan_with_action(cast: Cast) -> ImprovementPlan:
    plan = plans.plan_create(
        actor=cast.manager.user, unit=cast.engineering, employee=cast.employee, year=2026,
        title="Reporting discipline", clock=CLOCK,
    )  # fmt: skip
    plans.plan_action_add(
        actor=cast.manager.user, plan=plan, description="Weekly site report",
        owner=cast.employee, due_on=datetime.date(2026, 12, 15),
    )  # fmt: skip
    return plan


def test_the_owner_moves_their_action_through_pdca_but_does_not_run_the_plan(cast: Cast) -> None:
    plan = plan_with_action(cast)
    [action] = plan.actions.all()
    assert Notification.objects.filter(
        recipient=cast.employee.user, kind="reviews.plan_action"
    ).exists()
    moved = plans.plan_action_move(
        actor=cast.employee.user, action=action, version=action.version, stage=ActionStage.DO
    )
    assert moved.stage == ActionStage.DO
    assert not ImprovementPlan.objects.restrict(cast.employee.user, CHANGE).exists()
    with pytest.raises(Http404):
        plans.plan_close(actor=cast.employee.user, plan=plan, version=plan.version)
    with pytest.raises(Http404):
        plans.plan_action_move(
            actor=cast.sibling_manager.user, action=action, version=action.version, stage="done"
        )


def test_an_open_plan_seeds_next_years_scorecard_with_draft_key_tasks_from_december(
    cast: Cast,
) -> None:
    plan = plan_with_action(cast)
    with pytest.raises(ValidationError):
        plans.plan_seed_next_year(actor=cast.manager.user, plan=plan, clock=CLOCK)
    december = FixedClock.on(datetime.date(2026, 12, 2))
    card = plans.plan_seed_next_year(actor=cast.manager.user, plan=plan, clock=december)
    assert (card.year, card.employee_id) == (2027, cast.employee.pk)
    assert list(card.items.values_list("kind", "name")) == [
        (ItemKind.KEY_TASK, "Weekly site report")
    ]
    assert Scorecard.objects.get(pk=card.pk).status == "draft"
    with pytest.raises(ValidationError):
        plans.plan_seed_next_year(actor=cast.manager.user, plan=plan, clock=december)


def test_nobody_makes_their_own_plan(cast: Cast) -> None:
    with pytest.raises(ValidationError):
        plans.plan_create(
            actor=cast.manager.user, unit=cast.engineering, employee=cast.manager, year=2026,
            title="Me", clock=CLOCK,
        )  # fmt: skip


# --- Behaviour-anchored scales ------------------------------------------------------------------
def test_a_scheme_without_anchors_uses_the_shipped_scales_in_both_languages(cast: Cast) -> None:
    from django.utils import translation

    scheme = group_scheme(cast)
    scales = people.anchors(scheme.pk)
    assert set(scales) == set(rules.BEHAVIOURS)
    assert all([a.level for a in rows] == list(bars.LEVELS) for rows in scales.values())
    with translation.override("zh-hans"):
        chinese = people.anchors(scheme.pk)
    assert chinese[rules.INTEGRITY][0].description != scales[rules.INTEGRITY][0].description


def test_hr_edits_a_schemes_anchors_and_they_replace_the_shipped_ones(cast: Cast) -> None:
    scheme = group_scheme(cast)
    assert bars_services.bars_anchors_copy_defaults(actor=cast.hr.user, scheme=scheme) == 15
    bars_services.bars_anchor_set(
        actor=cast.hr.user, scheme=scheme, behaviour=rules.SYNERGY, level=95,
        description="Leads joint projects across the group", version=0,
    )  # fmt: skip
    synergy = people.anchors(scheme.pk)[rules.SYNERGY]
    assert synergy[-1].description == "Leads joint projects across the group"
    assert all(a.custom for a in synergy)
    for who in (cast.manager, cast.employee):
        with pytest.raises(Http404):
            bars_services.bars_anchor_set(
                actor=who.user, scheme=scheme, behaviour=rules.SYNERGY, level=0, description="x"
            )
    assert BarsAnchor.history.filter(history_user=cast.hr.user).exists()


@given(
    levels=st.lists(st.integers(0, 100), min_size=1, max_size=6, unique=True),
    rating=st.decimals(0, 100, places=2),
)
def test_a_rating_falls_under_the_highest_anchor_at_or_below_it(
    levels: list[int], rating: Decimal
) -> None:
    found = rules.anchor_level(levels, rating)
    if found is None:
        assert all(level > rating for level in levels)
    else:
        assert found <= rating
        assert not any(found < level <= rating for level in levels)
