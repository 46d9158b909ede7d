"""Reminders at the deadlines of a cycle's steps, sent through the notifications inbox.

A daily beat task calls :func:`cycle_reminders_send` with the clock's day. For every cycle
in a step with a deadline, :func:`assessment.rules.reminders.reminder_stage` says whether
the day calls for a "due soon" or an "overdue" reminder, and each person who still owes
the step's work hears about it:

- self-assessment (``self_assessment_due``): each assessed employee who has not written
  their self-assessment;
- review (``review_due``): the reviewer of each result not yet reviewed — the head of the
  result's unit, or of the unit above when the result is the head's own (or a unit's) or
  the unit has no head — once, with the number of results waiting;
- calibration (``calibration_due``): HR over the unit that runs the cycle.

Every message carries the dedupe key (cycle, step, stage): the database keeps one per
person, so running the task twice a day, or every day of the window, sends each reminder
once; a person who has done the work is not reminded.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext_lazy

from assessment.models import AssessmentCycle, AssessmentResult, CycleStatus
from assessment.rules.reminders import ReminderStage, reminder_stage
from notifications.messages import register_message
from notifications.services import Message, notifications_send
from org.models import RoleAssignment
from org.scoping import HR

KIND = "assessment.reminder"
BATCH = 2000
DEADLINES = {
    CycleStatus.SELF_ASSESSMENT: "self_assessment_due",
    CycleStatus.REVIEW: "review_due",
    CycleStatus.CALIBRATION: "calibration_due",
}


@dataclass
class ReminderRun:
    cycles: int = 0
    offered: int = 0


def _batches(messages: Iterator[Message]) -> Iterator[list[Message]]:
    batch: list[Message] = []
    for message in messages:
        batch.append(message)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _self_assessment(cycle: AssessmentCycle, base: dict[str, Any], key: str) -> Iterator[Message]:
    pending = (
        AssessmentResult.objects.filter(
            cycle=cycle, employee__isnull=False, self_assessed_at__isnull=True
        )
        .order_by("pk")
        .values_list("pk", "employee__user_id")
    )
    for result_id, user_id in pending.iterator(chunk_size=BATCH):
        link = reverse("assessment-result", args=[result_id])
        yield Message(user_id, KIND, base, link, key)


def _review(cycle: AssessmentCycle, base: dict[str, Any], key: str) -> Iterator[Message]:
    pending = AssessmentResult.objects.filter(cycle=cycle, reviewed_at__isnull=True).values_list(
        "employee_id", "unit__head_id", "unit__head__user_id", "unit__parent__head__user_id"
    )
    waiting: Counter[int] = Counter()
    for employee_id, head_id, head_user, parent_head_user in pending.iterator(chunk_size=BATCH):
        own = employee_id is None or employee_id == head_id
        reviewer = parent_head_user if own or head_user is None else head_user
        if reviewer is not None:
            waiting[reviewer] += 1
    link = reverse("assessment-team", args=[cycle.pk])
    for user_id, count in sorted(waiting.items()):
        yield Message(user_id, KIND, {**base, "count": count}, link, key)


def _calibration(cycle: AssessmentCycle, base: dict[str, Any], key: str) -> Iterator[Message]:
    path = cycle.owner_unit.path
    hr = (
        RoleAssignment.objects.filter(role=HR, user__is_active=True)
        .annotate(unit_path=F("unit__path"))
        .values_list("user_id", "unit_path")
    )
    link = reverse("assessment-calibration", args=[cycle.pk])
    for user_id in sorted({user_id for user_id, unit_path in hr if path.startswith(unit_path)}):
        yield Message(user_id, KIND, base, link, key)


RECIPIENTS = {
    CycleStatus.SELF_ASSESSMENT: _self_assessment,
    CycleStatus.REVIEW: _review,
    CycleStatus.CALIBRATION: _calibration,
}


def cycle_reminders_send(*, today: date) -> ReminderRun:
    """Send the reminders ``today`` calls for (see the module docstring); idempotent."""
    run = ReminderRun()
    cycles = AssessmentCycle.objects.filter(status__in=list(DEADLINES)).select_related("owner_unit")
    for cycle in cycles.order_by("pk"):
        due = getattr(cycle, DEADLINES[cycle.status])
        stage = reminder_stage(due, today)
        if stage is None:
            continue
        run.cycles += 1
        base = {"cycle": cycle.name, "step": cycle.status, "stage": stage, "due": due.isoformat()}
        key = f"{KIND}:{cycle.pk}:{cycle.status}:{stage}"
        for batch in _batches(RECIPIENTS[cycle.status](cycle, base, key)):
            run.offered += notifications_send(messages=batch)
    return run


TEXTS: dict[tuple[str, bool], tuple[Any, Any]] = {  # (step, overdue): (subject, body)
    (CycleStatus.SELF_ASSESSMENT, False): (
        gettext_lazy("Self-assessment due %(due)s: %(cycle)s"),
        gettext_lazy("Please write your self-assessment for %(cycle)s by %(due)s."),
    ),
    (CycleStatus.SELF_ASSESSMENT, True): (
        gettext_lazy("Self-assessment overdue: %(cycle)s"),
        gettext_lazy("Your self-assessment for %(cycle)s was due on %(due)s. Please write it now."),
    ),
    (CycleStatus.REVIEW, False): (
        gettext_lazy("Reviews due %(due)s: %(cycle)s"),
        gettext_lazy("%(count)s results of %(cycle)s wait for your review by %(due)s."),
    ),
    (CycleStatus.REVIEW, True): (
        gettext_lazy("Reviews overdue: %(cycle)s"),
        gettext_lazy("%(count)s results of %(cycle)s still wait for your review, due %(due)s."),
    ),
    (CycleStatus.CALIBRATION, False): (
        gettext_lazy("Calibration due %(due)s: %(cycle)s"),
        gettext_lazy("Please calibrate the grades of %(cycle)s by %(due)s."),
    ),
    (CycleStatus.CALIBRATION, True): (
        gettext_lazy("Calibration overdue: %(cycle)s"),
        gettext_lazy("The calibration of %(cycle)s was due on %(due)s. Please finish it now."),
    ),
}


def _render(params: Mapping[str, Any]) -> tuple[str, str]:
    """The reminder in the reader's language (rendered when shown or e-mailed)."""
    overdue = params.get("stage") == ReminderStage.OVERDUE
    subject, body = TEXTS.get(
        (str(params.get("step")), overdue), TEXTS[(CycleStatus.CALIBRATION, overdue)]
    )
    values = {"count": "", **params}
    return str(subject) % values, str(body) % values


def register() -> None:
    register_message(KIND, _render)
