"""Reminders at the deadlines of a cycle's steps: the pure window rule, who is reminded in
each step, once per stage whatever the number of runs, and the daily beat task on the
app's clock."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.conf import settings
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from assessment.models import AssessmentCycle, CycleStatus
from assessment.rules.reminders import LEAD_DAYS, ReminderStage, reminder_stage
from assessment.services import cycles
from assessment.services.inputs import result_self_assess
from assessment.services.reminders import KIND, cycle_reminders_send
from assessment.tasks import cycle_reminders_daily
from notifications.messages import render
from notifications.models import Notification
from tests.conftest import Cast
from tests.factories_assessment import annual_cycle, result_of
from tests.factories_scorecard import YEAR, ScorecardFactory

DUE = date(YEAR + 1, 1, 31)
days = st.integers(min_value=-400, max_value=400)


@given(offset=days)
def test_reminder_stage_is_overdue_exactly_after_the_deadline(offset: int) -> None:
    stage = reminder_stage(DUE, DUE + timedelta(days=offset))
    assert (stage == ReminderStage.OVERDUE) == (offset > 0)


@given(offset=days)
def test_reminder_stage_is_due_soon_only_within_the_lead_days(offset: int) -> None:
    stage = reminder_stage(DUE, DUE + timedelta(days=offset))
    assert (stage == ReminderStage.DUE_SOON) == (-LEAD_DAYS <= offset <= 0)
    assert (stage is None) == (offset < -LEAD_DAYS)


@given(day=st.dates())
def test_no_deadline_never_reminds(day: date) -> None:
    assert reminder_stage(None, day) is None


def _cycle_in(cast: Cast, step: str, **deadlines: date) -> AssessmentCycle:
    cards = {
        name: ScorecardFactory.create(unit=getattr(cast, name).unit, employee=getattr(cast, name))
        for name in ("employee", "site_worker", "finance_clerk")
    }
    ScorecardFactory.create(unit=cast.engineering)  # a unit's own result: reviewed a level up
    cycle = annual_cycle(cast)
    path: list[str] = [CycleStatus.SELF_ASSESSMENT, CycleStatus.REVIEW, CycleStatus.CALIBRATION]
    for to in path[: path.index(step) + 1]:
        if to == CycleStatus.REVIEW:  # the employee wrote theirs; the others did not
            mine = result_of(cycle, cards["employee"])
            result_self_assess(
                actor=cast.employee.user, result=mine, text="Done", version=mine.version
            )
        cycle = cycles.cycle_advance(actor=cast.hr.user, cycle=cycle, version=cycle.version, to=to)
    AssessmentCycle.objects.filter(pk=cycle.pk).update(**deadlines)
    return cycle


def _reminded(cycle: AssessmentCycle) -> dict[int, list[dict[str, Any]]]:
    found: dict[int, list[dict[str, Any]]] = {}
    rows = Notification.objects.filter(kind=KIND, dedupe_key__startswith=f"{KIND}:{cycle.pk}:")
    for row in rows.order_by("pk"):
        found.setdefault(row.recipient_id, []).append(row.params)
    return found


def test_self_assessment_reminds_who_has_not_written_once_per_stage(cast: Cast) -> None:
    due = date(YEAR + 1, 1, 15)
    cycle = _cycle_in(cast, CycleStatus.SELF_ASSESSMENT, self_assessment_due=due)
    theirs = cycle.results.get(employee=cast.site_worker)
    result_self_assess(
        actor=cast.site_worker.user, result=theirs, text="My year", version=theirs.version
    )
    assert cycle_reminders_send(today=due - timedelta(days=LEAD_DAYS + 1)).cycles == 0
    assert _reminded(cycle) == {}

    for day in (due - timedelta(days=2), due - timedelta(days=2), due):
        cycle_reminders_send(today=day)
    reminded = _reminded(cycle)
    assert set(reminded) == {cast.employee.user_id, cast.finance_clerk.user_id}
    assert all([p["stage"] for p in params] == ["due_soon"] for params in reminded.values())

    cycle_reminders_send(today=due + timedelta(days=1))
    cycle_reminders_send(today=due + timedelta(days=9))
    reminded = _reminded(cycle)
    assert set(reminded) == {cast.employee.user_id, cast.finance_clerk.user_id}
    assert all([p["stage"] for p in v] == ["due_soon", "overdue"] for v in reminded.values())
    link = Notification.objects.filter(recipient=cast.employee.user, kind=KIND).first()
    assert link is not None
    assert link.link == f"/assessment/results/{cycle.results.get(employee=cast.employee).pk}/"


def test_review_reminds_each_reviewer_once_with_the_number_waiting(cast: Cast) -> None:
    due = date(YEAR + 1, 2, 10)
    cycle = _cycle_in(cast, CycleStatus.REVIEW, review_due=due)
    cycle_reminders_send(today=due)
    cycle_reminders_send(today=due)
    reminded = _reminded(cycle)
    # Engineering's head reviews the employee and the site worker (Site team has no head,
    # so the head above it);
    # Finance's head the clerk; Headquarters has no head, so nobody is reminded of
    # Engineering's own result and of the heads' results.
    assert reminded == {
        cast.manager.user_id: [{**reminded[cast.manager.user_id][0], "count": 2}],
        cast.sibling_manager.user_id: [{**reminded[cast.sibling_manager.user_id][0], "count": 1}],
    }
    assert reminded[cast.manager.user_id][0]["stage"] == "due_soon"


def test_calibration_reminds_hr_over_the_running_unit_and_nobody_else(cast: Cast) -> None:
    due = date(YEAR + 1, 2, 20)
    cycle = _cycle_in(
        cast, CycleStatus.CALIBRATION, calibration_due=due, review_due=date(2027, 1, 1)
    )
    cycle_reminders_send(today=due + timedelta(days=1))
    assert set(_reminded(cycle)) == {cast.hr.user_id}  # the past review deadline is not its step
    notification = Notification.objects.get(recipient=cast.hr.user, kind=KIND)
    assert notification.link == f"/assessment/cycles/{cycle.pk}/calibration/"


def test_steps_without_a_deadline_or_past_their_step_send_nothing(cast: Cast) -> None:
    cycle = _cycle_in(cast, CycleStatus.REVIEW, self_assessment_due=date(YEAR + 1, 1, 1))
    assert cycle_reminders_send(today=date(YEAR + 1, 3, 1)).offered == 0
    assert _reminded(cycle) == {}


@pytest.mark.parametrize(
    ("language", "subject"),
    [("en", "Self-assessment overdue: Annual"), ("zh-hans", "自评逾期\uff1aAnnual")],
)
def test_reminder_reads_in_the_readers_language(language: str, subject: str) -> None:
    params = {"cycle": "Annual", "step": "self_assessment", "stage": "overdue", "due": "2027-01-15"}
    with translation.override(language):
        shown_subject, body = render(KIND, params)
    assert shown_subject == subject
    assert "2027-01-15" in body


def test_daily_task_reminds_on_the_apps_clock_and_twice_sends_nothing_new(
    cast: Cast, clock: Any
) -> None:
    due = date(YEAR + 1, 1, 15)
    cycle = _cycle_in(cast, CycleStatus.SELF_ASSESSMENT, self_assessment_due=due)
    clock.on(due - timedelta(days=10))
    assert cycle_reminders_daily() == {"cycles": 0, "offered": 0}
    clock.on(due + timedelta(days=1))
    cycle_reminders_daily()
    count = Notification.objects.filter(kind=KIND).count()
    assert count == 3  # nobody has written a self-assessment yet
    assert cycle_reminders_daily()["cycles"] == 1
    assert Notification.objects.filter(kind=KIND).count() == count
    assert "assessment-cycle-reminders" in settings.CELERY_BEAT_SCHEDULE
    assert _reminded(cycle)
