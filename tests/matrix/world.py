"""The access matrix's world: the scorecard world of ``tests/scorecard_world.py`` plus a
row of every app above it, inside and outside each member's scope, built through the
services (by SYSTEM or the member whose job it is), once per module.

::

    Annual 2026 (published)   results of every 2026 scorecard; the employee's and the
                              clerk's reviewed by their manager and reviewed by peers,
                              key tasks graded, a bonus adjustment approved; payouts
                              computed when finalised; after publishing an appeal, an
                              incident, an interview, an improvement plan and a feedback
                              thread for the employee (Engineering) and for the clerk
                              (Finance)
    H1 2026 (open)            the same results, with a pending adjustment, veto and
                              exemption proposed by each manager for their own report
    light statuses            January swept for the whole group
    notifications, jobs       one of each for the manager and for HR (a row is its
                              recipient's or starter's alone)
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.test import TestCase

from assessment.models import AssessmentCycle, AssessmentResult, AssessmentScheme, CycleStatus
from assessment.services import cycles, decisions, inputs
from assessment.services.cycles import cycle_create, cycle_open
from incentives.models import BonusScheme, Payout
from incentives.services import payouts_compute_start
from incentives.whatif_jobs import whatif_start
from lightup.models import LightStatus
from lightup.services import lightup_sweep
from notifications.models import Notification
from notifications.services import notification_send
from org.models import Employee
from org.scoping import SYSTEM
from reviews.models import FeedbackTopic, Review
from reviews.services import feedback, incidents, interviews, plans
from reviews.services.appeals import appeal_submit
from reviews.services.bars import bars_anchor_set
from reviews.services.policy import review_policy_set
from reviews.services.reviews import review_submit, reviews_suggest
from scorecard.models import ScorecardItem
from scorecard.services.actuals import period_close
from scorecard.tasks import IMPORT_KIND
from spm.models import Job
from spm.saved_filters import saved_filter_create
from strategy.models import CauseEffectLink, Strategy, Theme
from tests.conftest import tasks_in_process
from tests.factories_assessment import YEAR, compute_now, group_scheme
from tests.factories_scorecard import KeyTaskFactory
from tests.factories_tracking import ActualFactory, LetterFactory
from tests.scorecard_world import World

D = Decimal
# The two people whose results carry every people-side row: the employee (Engineering,
# line manager: manager) and the clerk (Finance, line manager: sibling_manager).
SUBJECTS = {"employee": "manager", "finance_clerk": "sibling_manager"}
BASE_BONUS = {"employee": D("100000.00"), "finance_clerk": D("80000.00"), "manager": D("150000")}


@dataclass
class Rows:
    """The rows of one subject (``employee`` or ``finance_clerk``)."""

    annual: AssessmentResult
    half: AssessmentResult
    key_task: ScorecardItem
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Matrix:
    world: World
    annual: AssessmentCycle
    half: AssessmentCycle
    scheme: BonusScheme
    rows: dict[str, Rows] = field(default_factory=dict)
    # role -> that member's own notification / background import; HR's what-if job
    notes: dict[str, Notification] = field(default_factory=dict)
    imports: dict[str, Job] = field(default_factory=dict)
    whatif: Job | None = None


def with_actuals_and_letters(world: World) -> World:
    """An actual and a letter in Engineering and in Finance; a background import of the
    manager's and one of HR's (a job is its starter's alone)."""
    ActualFactory.create(item=world.items["engineering"], month=1)
    ActualFactory.create(item=world.items["finance"], month=1)
    LetterFactory.create(scorecard=world.cards["finance"])
    LetterFactory.create(scorecard=world.cards["engineering"])
    for role in ("manager", "hr"):
        Job.objects.create(kind=IMPORT_KIND, created_by=getattr(world.cast, role).user)
    return world


def _cycle(world: World, scheme: AssessmentScheme, name: str, kind: str) -> AssessmentCycle:
    cast = world.cast
    cycle = cycle_create(
        actor=cast.hr.user,
        name=name,
        kind=kind,
        year=YEAR,
        owner_unit=cast.group,
        root_units=[cast.group],
        scheme=scheme,
    )
    return cycle_open(actor=cast.hr.user, cycle=cycle, version=cycle.version)


def _advance(hr: Employee, cycle: AssessmentCycle, *steps: str) -> AssessmentCycle:
    for step in steps:
        cycle = cycles.cycle_advance(actor=hr.user, cycle=cycle, to=step, version=cycle.version)
    return cycle


def build_matrix(world: World) -> Matrix:
    with_actuals_and_letters(world)
    cast = world.cast
    people: dict[str, Employee] = {name: getattr(cast, name) for name in SUBJECTS}
    for name, amount in BASE_BONUS.items():
        Employee.objects.filter(pk=getattr(cast, name).pk).update(base_bonus=amount)
    tasks = {
        name: KeyTaskFactory.create(scorecard=world.cards[name], name=f"Key task of {name}")
        for name in SUBJECTS
    }
    terms = group_scheme(cast)
    annual = _cycle(world, terms, f"Annual assessment {YEAR}", "annual")
    half = _cycle(world, terms, f"H1 {YEAR}", "semi_annual")
    scheme = BonusScheme.objects.create(name="Group bonus", version=1)
    matrix = Matrix(world, annual, half, scheme)
    for name, person in people.items():
        boss = getattr(cast, SUBJECTS[name]).user
        result = AssessmentResult.objects.get(cycle=annual, employee=person)
        reviews_suggest(actor=cast.hr.user, result=result)
        own = Review.objects.get(result=result, reviewer=person)
        review_submit(actor=person.user, review=own, integrity=D(80), synergy=D(80),
                      systematicness=D(80), comment=f"Self-review of {person.name}",
                      version=own.version)  # fmt: skip
        grade = inputs.key_task_grade(actor=boss, result=result, item=tasks[name], grade="good")
        bonus = decisions.adjustment_propose(
            actor=boss, result=result, kind="bonus", points=D(1), reason="Early"
        )
        decisions.adjustment_decide(
            actor=cast.hr.user, adjustment=bonus, approve=True, version=bonus.version
        )
        matrix.rows[name] = Rows(
            annual=result,
            half=AssessmentResult.objects.get(cycle=half, employee=person),
            key_task=tasks[name],
            extra={"grade": grade, "self_review": own},
        )
    compute_now(annual)
    annual = _advance(cast.hr, annual, "self_assessment", "review", "calibration", "finalised")
    # the payout and what-if tasks run here, in-process, even where a worker listens
    with tasks_in_process(), TestCase.captureOnCommitCallbacks(execute=True):
        payouts_compute_start(actor=cast.hr.user, cycle=annual)
        matrix.whatif = whatif_start(
            actor=cast.hr.user, cycle=annual, scheme=scheme, terms={}, pools={}
        )
    matrix.annual = _advance(cast.hr, annual, "published")
    for name, person in people.items():
        _people_side(matrix, name, person)
    _pending_decisions(matrix)
    private = feedback.feedback_thread_start(
        actor=cast.site_worker.user, topic=FeedbackTopic.ADHOC, employee=cast.employee,
        subject="For the manager", body="Missed the briefing", private=True,
    )  # fmt: skip
    matrix.rows["employee"].extra["private_thread"] = private
    bars_anchor_set(actor=cast.hr.user, scheme=terms, behaviour="integrity", level=5,
                    description="Says no to a bribe")  # fmt: skip
    review_policy_set(actor=cast.hr.user, scheme=terms, hr_reads_answers=False)
    today = datetime.date(YEAR, 2, 5)
    lightup_sweep(actor=SYSTEM, year=YEAR, month=1, today=today)
    for role in ("manager", "hr"):
        notification_send(
            recipients=[getattr(cast, role).user.pk],
            kind="lightup.warning",
            params={"item": "Profit", "owner": role, "year": YEAR, "month": 1, "colour": "red"},
        )
        recipient = getattr(cast, role).user
        matrix.notes[role] = Notification.objects.filter(recipient=recipient).latest("pk")
        matrix.imports[role] = Job.objects.get(kind=IMPORT_KIND, created_by=recipient)
    _strategy_and_settings(world)
    for name, row in matrix.rows.items():
        row.extra["payout"] = Payout.objects.get(
            result__cycle=annual, result__employee=people[name]
        )
        row.extra["light"] = LightStatus.objects.filter(
            item__scorecard__unit=people[name].unit
        ).first()
    return matrix


def _people_side(matrix: Matrix, name: str, person: Employee) -> None:
    """After publishing: an appeal, incident, interview, plan and feedback thread."""
    cast = matrix.world.cast
    boss = getattr(cast, SUBJECTS[name]).user
    row = matrix.rows[name]
    result = AssessmentResult.objects.get(pk=row.annual.pk)
    extra = row.extra
    extra["appeal"] = appeal_submit(actor=person.user, result=result, reason="Peers were harsh")
    extra["incident"] = incidents.incident_record(
        actor=boss, employee=person, occurred_on=datetime.date(YEAR, 11, 2), kind="positive",
        description="Handled the outage calmly",
    )  # fmt: skip
    talk = interviews.interview_schedule(
        actor=boss, employee=person, result=result,
        scheduled_for=datetime.datetime(YEAR + 1, 1, 25, 10, tzinfo=datetime.UTC),
    )  # fmt: skip
    extra["interview"] = interviews.interview_record(
        actor=boss, interview=talk, strengths="Calm", gaps="Reporting",
        agreed_actions="Weekly report", version=talk.version,
    )  # fmt: skip
    extra["plan"] = plans.plan_create(
        actor=boss, unit=person.unit, employee=person, year=YEAR,
        title="Reporting discipline", interview=extra["interview"],
    )  # fmt: skip
    extra["action"] = plans.plan_action_add(
        actor=boss, plan=extra["plan"], description="Weekly report", owner=person,
        due_on=datetime.date(YEAR + 1, 3, 31),
    )  # fmt: skip
    extra["thread"] = feedback.feedback_thread_start(
        actor=person.user, topic=FeedbackTopic.RESULT, result=result,
        subject="My result", body="Can we talk about synergy?",
    )  # fmt: skip
    extra["review"] = Review.objects.filter(result=result).exclude(reviewer=person).first()


def _pending_decisions(matrix: Matrix) -> None:
    """Each manager proposes an adjustment, a veto and an exemption for their own report
    in the open half-year cycle; HR has not decided them."""
    cast = matrix.world.cast
    for name, row in matrix.rows.items():
        boss = getattr(cast, SUBJECTS[name]).user
        extra = row.extra
        extra["adjustment"] = decisions.adjustment_propose(
            actor=boss, result=row.half, kind="bonus", points=D(2), reason="Storm repair"
        )
        extra["own_adjustment"] = decisions.adjustment_propose(
            actor=cast.hr.user, result=row.half, kind="bonus", points=D(1), reason="HR's own"
        )
        extra["veto"] = decisions.veto_propose(actor=boss, result=row.half, reason="Accident")
        extra["exemption"] = decisions.exemption_propose(
            actor=boss, result=row.half, item=row.key_task, reason="Grid outage"
        )
    assert matrix.half.status == CycleStatus.OPEN


def _strategy_and_settings(world: World) -> None:
    """The plan's content below objectives (a strategy of Engineering and one of Finance, a
    theme, a cause-effect link), a closed month of an earlier year, and saved filters of two
    people: the operations on them meet real rows, not only a nonexistent id."""
    cast = world.cast
    # the plan is approved (locked for editors): its content is written as it stood then
    for unit in (cast.engineering, cast.finance):
        Strategy.objects.create(
            plan=world.plan, level="functional", unit=unit, name=f"{unit.name} way"
        )
    Theme.objects.create(plan=world.plan, name="Operational excellence")
    CauseEffectLink.objects.create(plan=world.plan, cause=world.f2, effect=world.f1)
    period_close(actor=cast.hr.user, year=YEAR - 3, month=1)
    for role in ("employee", "manager"):
        saved_filter_create(
            actor=getattr(cast, role).user, list_name="directory", name="Mine", query="q=a"
        )
