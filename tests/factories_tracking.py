"""Letters, actuals and ready-filled scorecards for the letter and actuals tests.

They build rows straight through the ORM (with the scorecard factories of
``tests/factories_scorecard.py``), as a scorecard editor would have left them, so these tests
do not depend on the scorecard editing services.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import factory

from org.models import Employee, OrgUnit
from scorecard.models import (
    LetterStatus,
    MonthlyActual,
    ResponsibilityLetter,
    Scorecard,
    ScorecardStatus,
)
from scorecard.services.letters import letter_snapshot
from tests.factories_scorecard import (
    ItemFactory,
    MilestoneFactory,
    MilestoneItemFactory,
    ScorecardFactory,
)


class LetterFactory(factory.django.DjangoModelFactory[ResponsibilityLetter]):
    """A letter row as the services leave it; ``snapshot`` is built from the scorecard."""

    class Meta:
        model = ResponsibilityLetter

    scorecard = factory.SubFactory(ScorecardFactory)
    version = 1
    status = LetterStatus.AWAITING_HEAD
    signer = factory.LazyAttribute(lambda o: o.scorecard.employee or o.scorecard.unit.head)
    issuer = factory.SubFactory("tests.factories.EmployeeFactory")
    snapshot = factory.LazyAttribute(
        lambda o: letter_snapshot(scorecard=o.scorecard, signer=o.signer, issuer=o.issuer)
    )


class ActualFactory(factory.django.DjangoModelFactory[MonthlyActual]):
    class Meta:
        model = MonthlyActual

    item = factory.SubFactory(ItemFactory)
    month = 1
    value = Decimal("40")


def unit_scorecard(
    unit: OrgUnit, *, quantitative: int = 1, milestone: bool = True, **kwargs: Any
) -> Scorecard:
    """A draft unit scorecard whose weights sum to 100: ``quantitative`` quantitative items
    sharing 60 points and one milestone item of 40 (or all 100 without it)."""
    status = kwargs.pop("status", ScorecardStatus.DRAFT)
    scorecard = ScorecardFactory.create(unit=unit, **kwargs)
    _fill(scorecard, quantitative=quantitative, milestone=milestone)
    return _with_status(scorecard, status)


def employee_scorecard(employee: Employee, **kwargs: Any) -> Scorecard:
    """A draft scorecard of ``employee`` (one quantitative item of 100)."""
    status = kwargs.pop("status", ScorecardStatus.DRAFT)
    scorecard = ScorecardFactory.create(unit=employee.unit, employee=employee, **kwargs)
    _fill(scorecard, quantitative=1, milestone=False)
    return _with_status(scorecard, status)


def _with_status(scorecard: Scorecard, status: str) -> Scorecard:
    # Items are added to a draft; a signed scorecard is locked against them.
    if status != scorecard.status:
        scorecard.status = status
        scorecard.save(update_fields=["status"])
    return scorecard


def _fill(scorecard: Scorecard, *, quantitative: int, milestone: bool) -> None:
    share = Decimal("60") if milestone else Decimal("100")
    weights = [share / quantitative] * quantitative if quantitative else []
    if weights:
        weights[-1] = share - sum(weights[:-1], Decimal("0"))
    for weight in weights:
        ItemFactory(scorecard=scorecard, weight=weight.quantize(Decimal("0.01")))
    if milestone:
        item = MilestoneItemFactory(
            scorecard=scorecard, name="Grid connection project", weight=Decimal("40")
        )
        year = scorecard.year
        MilestoneFactory(
            item=item, name="Main equipment bidding", due_date=datetime.date(year, 3, 31)
        )
        MilestoneFactory(
            item=item, name="Main construction start", due_date=datetime.date(year, 6, 30)
        )
