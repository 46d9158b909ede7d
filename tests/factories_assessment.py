"""The assessment's test world: the worked example of DESIGN §3.8 on the cast's
employee, and a scheme and an annual cycle run by HR over the whole group."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from assessment.models import AssessmentCycle, AssessmentResult, AssessmentScheme
from assessment.services.cycles import cycle_create, cycle_open
from assessment.services.schemes import scheme_create
from org.models import Employee
from scorecard.models import (
    Aggregation,
    ItemKind,
    MonthlyActual,
    Polarity,
    Scorecard,
    ScorecardItem,
)
from tests.conftest import Cast
from tests.factories_scorecard import (
    ItemFactory,
    KeyTaskFactory,
    MilestoneFactory,
    MilestoneItemFactory,
    ScorecardFactory,
)

YEAR = 2026
D = Decimal


@dataclass
class Example:
    """§3.8's scorecard and the items a reviewer acts on."""

    scorecard: Scorecard
    capacity: ScorecardItem
    overrun: ScorecardItem
    project: ScorecardItem
    key_tasks: list[ScorecardItem]


def worked_example_scorecard(employee: Employee) -> Example:
    card = ScorecardFactory(unit=employee.unit, employee=employee, year=YEAR)
    capacity = ItemFactory(
        scorecard=card,
        name="New-energy capacity in operation",
        weight=D(40),
        aggregation=Aggregation.LAST,
        baseline=D(400),
        target=D(500),
        challenge=D(600),
    )
    overrun = ItemFactory(
        scorecard=card,
        name="Project cost overrun",
        weight=D(20),
        polarity=Polarity.LOWER,
        aggregation=Aggregation.LAST,
        unit_of_measure="%",
        baseline=D(8),
        target=D(5),
        challenge=D(3),
    )
    project = MilestoneItemFactory(scorecard=card, name="Wind farm project", weight=D(40))
    for name, due, done in (
        ("Main equipment bidding", datetime.date(YEAR, 3, 31), datetime.date(YEAR, 3, 31)),
        ("Main construction start", datetime.date(YEAR, 6, 1), datetime.date(YEAR, 6, 21)),
        ("Grid connection", datetime.date(YEAR, 11, 30), None),
    ):
        MilestoneFactory(item=project, name=name, due_date=due, completed_on=done)
    MonthlyActual.objects.create(item=capacity, month=12, value=D(550))
    MonthlyActual.objects.create(item=overrun, month=12, value=D(6))
    tasks = [
        KeyTaskFactory(scorecard=card, name="Safety standardisation"),
        KeyTaskFactory(scorecard=card, name="Digital site pilot"),
    ]
    assert {i.kind for i in tasks} == {ItemKind.KEY_TASK}
    return Example(card, capacity, overrun, project, tasks)


def group_scheme(cast: Cast) -> AssessmentScheme:
    return scheme_create(
        actor=cast.hr.user, code="default", name="Group scheme", owner_unit=cast.group
    )


def annual_cycle(cast: Cast, *, open_it: bool = True) -> AssessmentCycle:
    cycle = cycle_create(
        actor=cast.hr.user,
        name=f"Annual assessment {YEAR}",
        kind="annual",
        year=YEAR,
        owner_unit=cast.group,
        root_units=[cast.group],
        scheme=group_scheme(cast),
    )
    if open_it:
        cycle = cycle_open(actor=cast.hr.user, cycle=cycle, version=cycle.version)
    return cycle


def result_of(cycle: AssessmentCycle, scorecard: Scorecard) -> AssessmentResult:
    return AssessmentResult.objects.get(cycle=cycle, scorecard=scorecard)


def compute_now(cycle: AssessmentCycle) -> None:
    """Compute in-process, as the task does (tests that are not about the task)."""
    from assessment.compute import compute_cycle
    from spm.clock import FixedClock

    compute_cycle(cycle.pk, now=FixedClock.on(datetime.date(YEAR + 1, 1, 20)).now())


def published_example(cast: Cast) -> tuple[AssessmentCycle, AssessmentResult]:
    """§3.8 reviewed by the manager, computed, finalised and published by HR."""
    from assessment.services import cycles, decisions, inputs

    example = worked_example_scorecard(cast.employee)
    cycle = annual_cycle(cast)
    result = result_of(cycle, example.scorecard)
    for task, grade in zip(example.key_tasks, ["high_quality", "good"], strict=True):
        inputs.key_task_grade(actor=cast.manager.user, result=result, item=task, grade=grade)
    inputs.qualitative_rate(actor=cast.manager.user, result=result, rating=D(90))
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
