"""Small factories for the letter and actuals tests (scorecards, items, milestones, actuals).

They build rows straight through the ORM, as a scorecard editor would have left them, so the
tracking tests do not depend on the scorecard editing services.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import factory

from org.models import Employee, OrgUnit
from scorecard.models import (
    Aggregation,
    ItemKind,
    LetterStatus,
    Milestone,
    MonthlyActual,
    Polarity,
    ResponsibilityLetter,
    Scorecard,
    ScorecardItem,
    ScorecardStatus,
)
from scorecard.services.letters import letter_snapshot
from tests.factories import OrgUnitFactory

YEAR = 2026


class ScorecardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Scorecard

    unit = factory.SubFactory(OrgUnitFactory)
    employee = None
    year = YEAR
    status = ScorecardStatus.DRAFT


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScorecardItem

    scorecard = factory.SubFactory(ScorecardFactory)
    kind = ItemKind.QUANTITATIVE
    name = factory.Sequence(lambda n: f"Indicator item {n}")
    weight = Decimal("50")
    polarity = Polarity.HIGHER
    aggregation = Aggregation.SUM
    unit_of_measure = "MW"
    baseline = Decimal("400")
    target = Decimal("500")
    challenge = Decimal("600")
    order = factory.Sequence(lambda n: n)


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    item = factory.SubFactory(ItemFactory, kind=ItemKind.MILESTONE, baseline=None, target=None)
    name = factory.Sequence(lambda n: f"Milestone {n}")
    due_date = datetime.date(YEAR, 6, 30)
    completion_standard = "Signed acceptance certificate"
    responsible_unit = factory.LazyAttribute(lambda o: o.item.scorecard.unit)


class LetterFactory(factory.django.DjangoModelFactory):
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


class ActualFactory(factory.django.DjangoModelFactory):
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
    scorecard = ScorecardFactory(unit=unit, **kwargs)
    _fill(scorecard, quantitative=quantitative, milestone=milestone)
    return _with_status(scorecard, status)


def employee_scorecard(employee: Employee, **kwargs: Any) -> Scorecard:
    """A draft scorecard of ``employee`` (one quantitative item of 100)."""
    status = kwargs.pop("status", ScorecardStatus.DRAFT)
    scorecard = ScorecardFactory(unit=employee.unit, employee=employee, **kwargs)
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
        item = ItemFactory(
            scorecard=scorecard,
            kind=ItemKind.MILESTONE,
            name="Grid connection project",
            weight=Decimal("40"),
            baseline=None,
            target=None,
            challenge=None,
        )
        MilestoneFactory(
            item=item, name="Main equipment bidding", due_date=datetime.date(YEAR, 3, 31)
        )
        MilestoneFactory(
            item=item, name="Main construction start", due_date=datetime.date(YEAR, 6, 30)
        )
