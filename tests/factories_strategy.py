"""factory-boy factories for the strategy app, and a helper building a whole plan."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import factory

from org.models import OrgUnit
from strategy.models import (
    CauseEffectLink,
    Objective,
    Perspective,
    PlanStatus,
    StrategicPlan,
    Strategy,
    StrategyLevel,
    Theme,
)
from tests.factories import OrgUnitFactory

BSC = (
    ("financial", "Financial"),
    ("customer", "Customer"),
    ("internal", "Internal process"),
    ("learning", "Learning & growth"),
)


class StrategicPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StrategicPlan

    owner_unit = factory.SubFactory(OrgUnitFactory)
    name = factory.Sequence(lambda n: f"Plan {n}")
    start_year = 2026
    end_year = 2030
    mission = "Clean, reliable power."
    vision = "A world-class clean energy group."
    core_values = "Safety first\nIntegrity"
    status = PlanStatus.DRAFT


class PerspectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Perspective

    plan = factory.SubFactory(StrategicPlanFactory)
    code = factory.Sequence(lambda n: f"perspective-{n}")
    name = factory.Sequence(lambda n: f"Perspective {n}")
    order = factory.Sequence(lambda n: n + 1)


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    plan = factory.SubFactory(StrategicPlanFactory)
    name = factory.Sequence(lambda n: f"Theme {n}")


class StrategyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Strategy

    plan = factory.SubFactory(StrategicPlanFactory)
    level = StrategyLevel.FUNCTIONAL
    unit = factory.LazyAttribute(lambda o: o.plan.owner_unit)
    function = "Finance"
    name = factory.Sequence(lambda n: f"Strategy {n}")


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objective

    plan = factory.SubFactory(StrategicPlanFactory)
    perspective = factory.SubFactory(PerspectiveFactory, plan=factory.SelfAttribute("..plan"))
    owner_unit = factory.LazyAttribute(lambda o: o.plan.owner_unit)
    code = factory.Sequence(lambda n: f"O{n}")
    name = factory.Sequence(lambda n: f"Objective {n}")


class LinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CauseEffectLink

    plan = factory.LazyAttribute(lambda o: o.cause.plan)
    cause = factory.SubFactory(ObjectiveFactory)
    effect = factory.SubFactory(ObjectiveFactory, plan=factory.SelfAttribute("..cause.plan"))


@dataclass
class PlanKit:
    """A plan with its four BSC perspectives, for tests that need a real map."""

    plan: StrategicPlan
    bands: dict[str, Perspective] = field(default_factory=dict)

    def objective(self, band: str, unit: OrgUnit | None = None, **kwargs: Any) -> Objective:
        objective: Objective = ObjectiveFactory(  # type: ignore[assignment]
            plan=self.plan,
            perspective=self.bands[band],
            owner_unit=unit or self.plan.owner_unit,
            **kwargs,
        )
        return objective

    def link(self, cause: Objective, effect: Objective) -> CauseEffectLink:
        link: CauseEffectLink = LinkFactory(  # type: ignore[assignment]
            plan=self.plan, cause=cause, effect=effect
        )
        return link


def make_plan(owner_unit: OrgUnit, **kwargs: Any) -> PlanKit:
    plan = StrategicPlanFactory(owner_unit=owner_unit, **kwargs)
    bands = {
        code: PerspectiveFactory(plan=plan, code=code, name=name, order=i)
        for i, (code, name) in enumerate(BSC, start=1)
    }
    return PlanKit(plan=plan, bands=bands)  # type: ignore[arg-type]


def grow_map(kit: PlanKit, objectives: int, units: list[OrgUnit] | None = None) -> None:
    """Add ``objectives`` objectives spread over the bands, each linked to one above."""
    order = ["learning", "internal", "customer", "financial"]
    made: dict[str, list[Objective]] = {band: [] for band in order}
    for i in range(objectives):
        band = order[i % 4]
        unit = units[i % len(units)] if units else None
        made[band].append(kit.objective(band, unit=unit))
    for lower, upper in pairwise(order):
        for i, cause in enumerate(made[lower]):
            if made[upper]:
                kit.link(cause, made[upper][i % len(made[upper])])
