"""factory-boy factories for the indicator dictionary, scorecards, items and milestones,
plus the smallest approved strategic plan their items can be linked to.

The one definition of each: the letter and actuals helpers of ``tests/factories_tracking.py``
build on these. Nothing here reads the real date: a scorecard's year is ``YEAR`` unless the
test passes another, and milestones fall due inside their scorecard's year.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import factory

from org.models import OrgUnit
from scorecard.models import (
    Aggregation,
    Indicator,
    ItemKind,
    ItemMonthlyPlan,
    Milestone,
    Polarity,
    Scorecard,
    ScorecardItem,
    ScorecardStatus,
)
from strategy.models import Objective, Perspective, PlanStatus, StrategicPlan
from tests.factories import OrgUnitFactory

# The year the tests' scorecards and plans are for; a test that needs another passes it.
YEAR = 2026


class PlanFactory(factory.django.DjangoModelFactory[StrategicPlan]):
    class Meta:
        model = StrategicPlan

    owner_unit = factory.SubFactory(OrgUnitFactory)
    start_year = YEAR
    end_year = factory.LazyAttribute(lambda o: o.start_year + 4)
    name = factory.LazyAttribute(lambda o: f"Strategic plan {o.start_year}-{o.end_year}")
    status = PlanStatus.APPROVED


class PerspectiveFactory(factory.django.DjangoModelFactory[Perspective]):
    class Meta:
        model = Perspective

    plan = factory.SubFactory(PlanFactory)
    code = factory.Sequence(lambda n: f"perspective-{n}")
    name = "Financial"
    order = 1


class ObjectiveFactory(factory.django.DjangoModelFactory[Objective]):
    class Meta:
        model = Objective

    plan = factory.SubFactory(PlanFactory)
    perspective = factory.LazyAttribute(lambda o: PerspectiveFactory(plan=o.plan))
    owner_unit = factory.LazyAttribute(lambda o: o.plan.owner_unit)
    code = factory.Sequence(lambda n: f"F{n}")
    name = factory.Sequence(lambda n: f"Objective {n}")


class IndicatorFactory(factory.django.DjangoModelFactory[Indicator]):
    class Meta:
        model = Indicator

    code = factory.Sequence(lambda n: f"IND{n:04d}")
    name = factory.Sequence(lambda n: f"Indicator {n}")
    definition = "What is counted, from which source, over which period."
    unit_of_measure = "CNY m"
    polarity = Polarity.HIGHER
    owner_unit = factory.SubFactory(OrgUnitFactory)
    aggregation = Aggregation.SUM


class ScorecardFactory(factory.django.DjangoModelFactory[Scorecard]):
    class Meta:
        model = Scorecard

    unit = factory.SubFactory(OrgUnitFactory)
    employee = None
    year = YEAR
    status = ScorecardStatus.DRAFT


class ItemFactory(factory.django.DjangoModelFactory[ScorecardItem]):
    class Meta:
        model = ScorecardItem

    scorecard = factory.SubFactory(ScorecardFactory)
    kind = ItemKind.QUANTITATIVE
    name = factory.Sequence(lambda n: f"Goal {n}")
    weight = Decimal("40")
    polarity = Polarity.HIGHER
    aggregation = Aggregation.SUM
    unit_of_measure = "MW"
    # Milestone items and key tasks have no tiers.
    baseline: Decimal | None = Decimal("400")
    target: Decimal | None = Decimal("500")
    challenge: Decimal | None = Decimal("600")
    order = factory.Sequence(lambda n: n)


class MilestoneItemFactory(ItemFactory):
    kind = ItemKind.MILESTONE
    baseline = None
    target = None
    challenge = None
    unit_of_measure = ""


class KeyTaskFactory(ItemFactory):
    kind = ItemKind.KEY_TASK
    weight = Decimal("0")
    baseline = None
    target = None
    challenge = None
    unit_of_measure = ""


class MilestoneFactory(factory.django.DjangoModelFactory[Milestone]):
    class Meta:
        model = Milestone

    item = factory.SubFactory(MilestoneItemFactory)
    name = factory.Sequence(lambda n: f"Milestone {n}")
    due_date = factory.LazyAttribute(lambda o: datetime.date(o.item.scorecard.year, 6, 30))
    completion_standard = "Acceptance certificate signed"
    responsible_unit = factory.LazyAttribute(lambda o: o.item.scorecard.unit)


class MonthlyPlanFactory(factory.django.DjangoModelFactory[ItemMonthlyPlan]):
    class Meta:
        model = ItemMonthlyPlan

    item = factory.SubFactory(ItemFactory)
    month = 1
    value = Decimal("40")


def lock(scorecard: Scorecard) -> Scorecard:
    """Mark ``scorecard`` signed, as the letter signing would."""
    scorecard.status = ScorecardStatus.SIGNED
    scorecard.save(update_fields=["status"])
    return scorecard


def full_scorecard(unit: OrgUnit, *, employee: Any = None, **kwargs: Any) -> Scorecard:
    """A draft scorecard with the three kinds of item and weights summing to 100."""
    card = ScorecardFactory.create(unit=unit, employee=employee, **kwargs)
    ItemFactory(scorecard=card, weight=Decimal("60"))
    milestones = MilestoneItemFactory(scorecard=card, weight=Decimal("40"))
    MilestoneFactory(item=milestones)
    KeyTaskFactory(scorecard=card)
    return card


def unit_with_people(parent: OrgUnit, people: int, job_title: str = "Engineer") -> OrgUnit:
    from tests.factories import EmployeeFactory

    unit = OrgUnitFactory.create(parent=parent)
    EmployeeFactory.create_batch(people, unit=unit, job_title=job_title)
    return unit
