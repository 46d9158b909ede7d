"""The demo's people side, on the published first-half cycle of the assessment demo.

Run by ``seed_demo`` after the assessment demo (order 55). In the Engineering &
Construction department (where the ``manager`` and ``employee`` logins work):

- **completed 360° reviews** of every person: a self-assessment and the answers of their
  superior, peers and subordinates, suggested from the org tree. The cycle was published by
  the assessment seed before this one runs, so the answers are written as they stood when
  the cycle closed, and each person's answers average exactly the qualitative rating the
  cycle was computed with: the published scores stand as they are;
- **critical incidents** the manager recorded in the half year;
- **one performance interview**, recorded and acknowledged by the employee (the manager's
  acknowledgement still waits on their home page);
- **one appeal that changed a grade**: submitted, taken under review by HR and changed with
  a corrected qualitative part, which re-scores the result through the engine. The subject
  and the correction are chosen by asking the engine (:func:`_appellant`), so a grade
  changes on any day the demo runs, whichever scores the clock's year gives;
- **one improvement plan** from the interview, with PDCA actions, and a feedback thread.

Idempotent: once the cycle holds reviews, a second run changes nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import replace
from decimal import Decimal
from typing import Any

from django.db import transaction

from assessment.compute import load_inputs
from assessment.models import AssessmentCycle, AssessmentResult, CycleStatus
from assessment.rules import ScoreInput, compute_score
from org.demo import DemoOrg
from reviews import rules
from reviews.models import FeedbackTopic, Review
from reviews.services import feedback, incidents, interviews, plans
from reviews.services.appeals import (
    appeal_decide,
    appeal_review_start,
    appeal_submit,
    deadline_of,
)
from reviews.services.reviews import suggested_reviewers
from spm.clock import FixedClock, clock

OFFSETS = (Decimal(-3), Decimal(2), Decimal(1))  # sum 0: the mean stays the rating


def _answers(result: AssessmentResult, answered_at: datetime.datetime) -> int:
    """Every suggested reviewer's answer; the non-self answers average the result's
    qualitative part (offsets in threes that sum to zero, none past 0-100)."""
    rating = result.qualitative_part
    if rating is None:
        return 0
    suggested = suggested_reviewers(result)
    in_threes = 3 * (sum(1 for _pk, kind in suggested if kind != rules.SELF) // 3)
    spread_ok = 4 <= rating <= 96
    others = 0
    for reviewer_id, kind in suggested:
        if kind == rules.SELF:
            value = min(Decimal(100), rating + 5)
        else:
            offset = OFFSETS[others % 3] if others < in_threes and spread_ok else Decimal(0)
            value, others = rating + offset, others + 1
        spread = Decimal(1) if 1 <= value <= 99 else Decimal(0)  # the behaviours differ a little
        row = Review(
            result=result, reviewer_id=reviewer_id, kind=kind, integrity=value + spread,
            synergy=value - spread, systematicness=value, submitted_at=answered_at,
            comment="" if kind == rules.SELF else "Reliable on site; could share plans earlier.",
        )  # fmt: skip
        row.full_clean()
        row.save()
    return len(suggested)


def _grade_with(cycle: AssessmentCycle, data: ScoreInput, part: Decimal) -> str:
    """The grade the engine gives a result's inputs with qualitative part ``part``."""
    return str(compute_score(replace(data, qualitative=part), cycle.period_span, cycle.rules).grade)


def _correction(
    cycle: AssessmentCycle, result: AssessmentResult, data: ScoreInput, *, raise_: bool
) -> Decimal | None:
    """The corrected qualitative part that changes the result's grade, asked of the engine
    itself: 100 where that raises it (``raise_``), else the nearest lower part in whole
    points that lowers it; None where none does (a veto, a calibrated grade, a score far
    from every boundary)."""
    if result.qualitative_part is None or result.calibrated_grade:
        return None
    grade = result.grade
    if raise_:
        return Decimal(100) if _grade_with(cycle, data, Decimal(100)) != grade else None
    if _grade_with(cycle, data, Decimal(0)) == grade:
        return None
    lower = int(result.qualitative_part)
    while lower > 0 and _grade_with(cycle, data, Decimal(lower)) == grade:
        lower -= 1
    return Decimal(lower)


def _appellant(cycle: AssessmentCycle, prefer: int) -> tuple[Any, Any, Decimal | None]:
    """A result of the cycle with the person who appeals it and the correction that changes
    its grade — the preferred person's where a raise changes theirs, else the first result
    a raise changes (an employee's before a unit's, appealed by its head), else the first
    one a lower part changes. The engine computes each candidate, so the appeal changes a
    grade on whatever day the demo runs, wherever the scores lie."""
    results = AssessmentResult.objects.filter(cycle=cycle).select_related(
        "employee__user", "unit__head__user"
    )

    def person(result: AssessmentResult) -> Any:
        return result.employee or result.unit.head

    def order(result: AssessmentResult) -> tuple[bool, bool, int]:
        return (result.employee_id != prefer, result.employee_id is None, result.pk)

    ordered = [
        r
        for r in sorted(results, key=order)
        if r.final_score is not None and person(r) is not None and person(r).user_id is not None
    ]
    inputs = load_inputs(cycle, ordered)
    for raise_ in (True, False):
        for result in ordered:
            part = _correction(cycle, result, inputs[result.pk], raise_=raise_)
            if part is not None:
                return result, person(result), part
    return None, None, None


@transaction.atomic
def seed(demo: DemoOrg) -> str:
    half = (
        AssessmentCycle.objects.filter(kind="semi_annual", status=CycleStatus.PUBLISHED)
        .order_by("-year", "-period")
        .first()
    )
    if half is None or half.published_at is None:
        return "no published cycle to review"
    # The reviews mark a seeded cycle: there may be no appeal (when no score lies near
    # enough a grade boundary for a corrected qualitative part to change it).
    if Review.objects.filter(result__cycle=half).exists():
        return "already seeded"
    manager, employee, hr = demo.logins["manager"], demo.logins["employee"], demo.logins["hr"]
    department = manager.unit
    results = list(
        AssessmentResult.objects.filter(
            cycle=half, employee__isnull=False, unit__path__startswith=department.path
        ).order_by("pk")
    )
    answered_at = half.published_at - datetime.timedelta(days=20)
    answers = sum(_answers(r, answered_at) for r in results)
    today = clock().today()
    span = half.period_span
    for month, kind, text in (
        (3, "positive", "Took over the bidding documents when the lead fell ill; on time."),
        (5, "negative", "Site safety checklist signed without the walk-through."),
    ):
        day = min(datetime.date(span.year, month, 14), today)
        incidents.incident_record(
            actor=manager.user, employee=employee, occurred_on=day, kind=kind, description=text
        )
    when = half.published_at + datetime.timedelta(days=2)
    talk = interviews.interview_schedule(
        actor=manager.user, employee=employee, scheduled_for=when, place="Meeting room 3",
        result=next((r for r in results if r.employee_id == employee.pk), None),
    )  # fmt: skip
    talk = interviews.interview_record(
        actor=manager.user, interview=talk,
        strengths="Dependable under pressure; good with contractors.",
        gaps="Safety paperwork is sometimes done after the fact.",
        agreed_actions="Walk-through before every checklist; monthly safety refresher.",
        version=talk.version,
    )  # fmt: skip
    interviews.interview_acknowledge(actor=employee.user, interview=talk, version=talk.version)
    plan = plans.plan_create(
        actor=manager.user, unit=employee.unit, employee=employee, year=span.year,
        title="Safety paperwork discipline", interview=talk,
    )  # fmt: skip
    for text, months in (("Walk-through before every checklist", 1), ("Safety refresher", 3)):
        plans.plan_action_add(
            actor=manager.user, plan=plan, description=text, owner=employee,
            due_on=today + datetime.timedelta(days=30 * months),
        )  # fmt: skip
    appealed, person, corrected = _appellant(half, employee.pk)
    changed = ""
    if appealed is not None:
        before = appealed.effective_grade
        # within the window: today, or its last day where the demo runs after it closed
        deadline = deadline_of(appealed)
        on = FixedClock.on(min(today, deadline)) if deadline is not None else None
        appeal = appeal_submit(
            actor=person.user, result=appealed, clock_=on,
            reason="Two peers who worked with me on the wind farm were not asked.",
        )  # fmt: skip
        appeal = appeal_review_start(actor=hr.user, appeal=appeal, version=appeal.version)
        appeal_decide(
            actor=hr.user, appeal=appeal, change=True, corrected_qualitative=corrected,
            note=(
                "The missing peers' reviews were collected; the qualitative part is "
                + ("corrected." if corrected == Decimal(100) else "corrected with them (lower).")
            ),
            version=appeal.version, clock_=on,
        )  # fmt: skip
        appealed.refresh_from_db()
        changed = f"; appeal changed {person.name} from {before} to {appealed.effective_grade}"
    feedback.feedback_thread_start(
        actor=employee.user, topic=FeedbackTopic.RESULT,
        result=next((r for r in results if r.employee_id == employee.pk), None),
        subject="My first-half result", body="Could we go through the synergy rating?",
    )  # fmt: skip
    return (
        f"{answers} review answers on {len(results)} results, 2 incidents, 1 interview, "
        f"1 plan{changed}"
    )
