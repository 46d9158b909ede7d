"""Scorecards on top of the role cast, shared by the scorecard page and API tests.

::

    plan 2026-2030 (Group): F1 "Grow profit", F2 "Build capacity"
    HQ scorecard          : Profit 1000 (F1)                         draft
    ├── Engineering       : Profit share 600 (from HQ), Capacity (F2) signed
    │   ├── Site team     : Capacity share                           draft
    │   ├── Employee Yi   : Profit share 100 (from Engineering)      draft
    │   └── Worker Wu     : Capacity share                           draft
    └── Finance           : Profit share 400 (from HQ)               draft
        └── Clerk Qian    : Cost control (no objective)              draft
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from scorecard.models import Indicator, Milestone, Scorecard, ScorecardItem
from strategy.models import Objective, StrategicPlan
from tests.access import Cast, scope_table
from tests.factories_scorecard import (
    IndicatorFactory,
    ItemFactory,
    MilestoneFactory,
    MilestoneItemFactory,
    ObjectiveFactory,
    PlanFactory,
    ScorecardFactory,
    lock,
)

D = Decimal
# Each scorecard is named after the unit or person of the cast it belongs to.
CARDS = ("hq", "engineering", "site", "finance", "employee", "site_worker", "finance_clerk")

# role -> scorecards it may see
VISIBLE_CARDS = scope_table(CARDS)
# role -> scorecards it may change (ignoring the lock)
CHANGEABLE_CARDS = scope_table(CARDS, change=True)


@dataclass
class World:
    cast: Cast
    plan: StrategicPlan
    f1: Objective
    f2: Objective
    indicator: Indicator
    cards: dict[str, Scorecard] = field(default_factory=dict)
    items: dict[str, ScorecardItem] = field(default_factory=dict)
    hand_over: Milestone | None = None

    def card_ids(self, names: Iterable[str]) -> set[int]:
        return {self.cards[n].pk for n in names}


def build_world(cast: Cast) -> World:
    plan = PlanFactory.create(owner_unit=cast.group)
    f1 = ObjectiveFactory.create(plan=plan, code="F1", name="Grow profit")
    f2 = ObjectiveFactory.create(
        plan=plan, code="F2", name="Build capacity", perspective=f1.perspective
    )
    indicator = IndicatorFactory.create(owner_unit=cast.group, code="PROFIT", name="Total profit")
    w = World(cast=cast, plan=plan, f1=f1, f2=f2, indicator=indicator)
    owners = {
        "hq": (cast.hq, None),
        "engineering": (cast.engineering, None),
        "site": (cast.site, None),
        "finance": (cast.finance, None),
        "employee": (cast.engineering, cast.employee),
        "site_worker": (cast.site, cast.site_worker),
        "finance_clerk": (cast.finance, cast.finance_clerk),
    }
    for name, (unit, person) in owners.items():
        w.cards[name] = ScorecardFactory.create(unit=unit, employee=person, plan=plan)
    profit = {"objective": f1, "indicator": indicator, "unit_of_measure": "CNY m", "weight": D(60)}
    w.items["hq"] = ItemFactory.create(
        scorecard=w.cards["hq"],
        name="Profit",
        baseline=D(800),
        target=D(1000),
        challenge=D(1200),
        **profit,
    )
    w.items["engineering"] = ItemFactory.create(
        scorecard=w.cards["engineering"],
        name="Profit share",
        parent=w.items["hq"],
        baseline=D(480),
        target=D(600),
        challenge=D(720),
        **profit,
    )
    w.items["finance"] = ItemFactory.create(
        scorecard=w.cards["finance"],
        name="Profit share",
        parent=w.items["hq"],
        baseline=D(320),
        target=D(400),
        challenge=D(480),
        **profit,
    )
    w.items["employee"] = ItemFactory.create(
        scorecard=w.cards["employee"],
        name="Profit share",
        parent=w.items["engineering"],
        baseline=D(80),
        target=D(100),
        challenge=D(120),
        **profit,
    )
    capacity = MilestoneItemFactory.create(
        scorecard=w.cards["engineering"], name="Wind-solar project", objective=f2, weight=D(40)
    )
    w.items["capacity"] = capacity
    w.hand_over = MilestoneFactory.create(
        item=capacity,
        name="Main equipment bidding",
        responsible_unit=cast.site,
        counterpart_unit=cast.finance,
    )
    w.items["site"] = ItemFactory.create(
        scorecard=w.cards["site"], name="Capacity share", objective=f2
    )
    w.items["site_worker"] = ItemFactory.create(
        scorecard=w.cards["site_worker"], name="Capacity share", objective=f2
    )
    w.items["finance_clerk"] = ItemFactory.create(
        scorecard=w.cards["finance_clerk"], name="Cost control"
    )
    lock(w.cards["engineering"])
    return w
