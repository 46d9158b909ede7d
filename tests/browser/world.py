"""The data the browser crawl and accessibility checks walk over: the role cast, the
scorecard world and a draft plan of Engineering (so editing pages exist too)."""

from __future__ import annotations

from django.db.models import CharField, Value
from django.db.models.functions import Cast as AsText
from django.db.models.functions import Concat

from org.models import Employee, OrgUnit
from scorecard.models import Indicator, Milestone, Scorecard, ScorecardItem
from strategy.models import Objective, Perspective, PlanStatus, StrategicPlan, Strategy, Theme
from tests.access import Cast, build_cast
from tests.factories_scorecard import ObjectiveFactory, PlanFactory
from tests.scorecard_world import World, build_world

NAMED = (
    OrgUnit,
    Employee,
    Indicator,
    ScorecardItem,
    Milestone,
    Objective,
    Perspective,
    StrategicPlan,
    Theme,
    Strategy,
)


def build() -> World:
    cast: Cast = build_cast()
    world = build_world(cast)
    draft = PlanFactory.create(owner_unit=cast.engineering, status=PlanStatus.DRAFT)
    ObjectiveFactory.create(plan=draft, code="E1", name="Deliver projects")
    assert Scorecard.objects.exists()
    return world


def name_everything_in_chinese() -> None:
    """Give every unit, person, plan, perspective, objective, indicator and item a Chinese
    name, so that English left on a Chinese page can only come from the app itself."""
    for model in NAMED:
        model.objects.update(name=Concat(Value("中文名"), AsText("pk", CharField())))
