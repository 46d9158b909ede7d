"""A small world for the light-up tests, built straight through the ORM on the role cast.

Scorecards of 2026: Engineering (unit, head: manager), Finance (unit, head: sibling
manager) and the employee's own. Each gets items whose actuals put them in a known colour
for June (swept on 5 July, inside June's grace period, unless a test says otherwise).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from org.models import Employee, OrgUnit
from scorecard.models import (
    ActualStatus,
    ItemKind,
    ItemMonthlyPlan,
    Milestone,
    MonthlyActual,
    Scorecard,
    ScorecardItem,
    ScorecardStatus,
)
from tests.conftest import Cast

YEAR = 2026
MONTH = 6
TODAY = datetime.date(YEAR, 7, 5)


def scorecard(unit: OrgUnit, employee: Employee | None = None, year: int = YEAR) -> Scorecard:
    return Scorecard.objects.create(unit=unit, employee=employee, year=year)


def item(
    card: Scorecard,
    name: str,
    *,
    monthly: Decimal | None = Decimal(100),
    months: int = MONTH,
    target: Decimal = Decimal(1200),
    polarity: str = "higher",
    aggregation: str = "sum",
    objective: object | None = None,
    plan: dict[int, Decimal] | None = None,
) -> ScorecardItem:
    """A quantitative item with ``monthly`` as the actual of each of ``months`` months."""
    row = ScorecardItem.objects.create(
        scorecard=card,
        kind=ItemKind.QUANTITATIVE,
        name=name,
        weight=Decimal(10),
        polarity=polarity,
        aggregation=aggregation,
        target=target,
        objective=objective,  # type: ignore[misc]
    )
    if monthly is not None:
        MonthlyActual.objects.bulk_create(
            [
                MonthlyActual(item=row, month=m, value=monthly, status=ActualStatus.APPROVED)
                for m in range(1, months + 1)
            ]
        )
    for month, value in (plan or {}).items():
        ItemMonthlyPlan.objects.create(item=row, month=month, value=value)
    return row


def milestone_item(card: Scorecard, name: str, due: datetime.date) -> ScorecardItem:
    row = ScorecardItem.objects.create(
        scorecard=card, kind=ItemKind.MILESTONE, name=name, weight=Decimal(10)
    )
    Milestone.objects.create(
        item=row, name=f"{name} step", due_date=due, responsible_unit=card.unit
    )
    return row


@dataclass
class World:
    cast: Cast
    cards: dict[str, Scorecard] = field(default_factory=dict)
    items: dict[str, ScorecardItem] = field(default_factory=dict)


def build(cast: Cast) -> World:
    """Known colours in June: green, yellow, red on Engineering; red on the employee's
    card (so it escalates to the manager after two months); a missing actual on Finance;
    a milestone due in two weeks (yellow)."""
    world = World(cast)
    eng = world.cards["engineering"] = scorecard(cast.engineering)
    fin = world.cards["finance"] = scorecard(cast.finance)
    mine = world.cards["employee"] = scorecard(cast.engineering, cast.employee)
    world.items["green"] = item(eng, "Capacity online")  # 600 of 600
    world.items["yellow"] = item(eng, "Revenue", monthly=Decimal(90))  # -10 %
    world.items["red"] = item(eng, "Profit", monthly=Decimal(80))  # -20 %
    world.items["milestone"] = milestone_item(eng, "Grid connection", datetime.date(YEAR, 7, 14))
    world.items["employee_red"] = item(mine, "Site output", monthly=Decimal(50))  # -50 %
    world.items["missing"] = item(fin, "Cash collected", months=MONTH - 1)
    return world


def grow(world: World, n: int) -> None:
    """``n`` more red items on Engineering and on the employee's card, and ``n`` more
    people in Finance with a scorecard of one yellow item each."""
    from tests.factories import EmployeeFactory

    for i in range(n):
        item(world.cards["engineering"], f"Extra {i}", monthly=Decimal(70))
        item(world.cards["employee"], f"Mine {i}", monthly=Decimal(70))
        person: Employee = EmployeeFactory(  # type: ignore[assignment]
            unit=world.cast.finance, line_manager=world.cast.sibling_manager
        )
        item(scorecard(world.cast.finance, person), f"Theirs {i}", monthly=Decimal(90))


def with_own_unit_card(cast: Cast, months: tuple[int, ...] = (MONTH,)) -> World:
    """The world grown by two, with the employee's unit card signed (the employee sees it
    as their own, not by subtree), swept for ``months``."""
    from lightup.services import lightup_sweep
    from org.scoping import SYSTEM

    world = build(cast)
    grow(world, 2)
    world.cards["engineering"].status = ScorecardStatus.SIGNED
    world.cards["engineering"].save()
    for month in months:
        lightup_sweep(actor=SYSTEM, year=YEAR, month=month, today=TODAY)
    return world


def run_board_job(
    monkeypatch: Any, world: World, module: Any, task: Any
) -> tuple[Any, list[tuple[int, int]]]:
    """Run the board export of ``module`` (its ``KIND``, by ``task``) for the executive,
    with a progress report every two rows; the job and every (done, total) reported."""
    from lightup.board_jobs import board_job_create
    from lightup.selectors import BoardFilters

    seen: list[tuple[int, int]] = []
    real = module.job_progress

    def spy(job: Any, *, done: int, total: int | None = None) -> None:
        real(job, done=done, total=total)
        seen.append((job.done, job.total))

    monkeypatch.setattr(module, "CHUNK", 2)
    monkeypatch.setattr(module, "job_progress", spy)
    filters = BoardFilters(year=YEAR, month=MONTH)
    job = board_job_create(
        kind=module.KIND, user=world.cast.executive.user, filters=filters, task=task
    )
    task(job.pk)
    job.refresh_from_db()
    return job, seen
