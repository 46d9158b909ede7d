"""A synthetic strategy for a generated group (``generate_enterprise``), by bulk insert.

The group gets an approved plan with the four BSC perspectives, a development strategy,
a competitive strategy per company, a functional strategy per department, and objectives
spread over the perspectives and owner units, each driving one or two objectives of the
band above (plus an occasional link that skips a band), as a real map does.
"""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any

from django.db import transaction

from org.models import OrgUnit
from spm.clock import FixedClock
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
from strategy.services import default_perspectives

THEMES = ("Green transition", "Operational excellence", "Customer and market", "People")
VERBS = ("Grow", "Improve", "Reduce", "Secure", "Accelerate", "Strengthen", "Develop", "Raise")
NOUNS = (
    "net profit",
    "renewable capacity",
    "unit cost of power",
    "supply reliability",
    "customer satisfaction",
    "project delivery",
    "plant availability",
    "digital capability",
    "talent pipeline",
    "safety culture",
    "compliance",
    "market share",
)


@transaction.atomic
def build_plan(
    *,
    group: OrgUnit,
    units: list[OrgUnit],
    objectives: int,
    start_year: int,
    approved_at: datetime,
    name: str = "Synthetic plan",
    seed: int = 1,
) -> StrategicPlan:
    """An approved plan of ``group`` for ``start_year`` and the four years after, with
    ``objectives`` objectives owned by ``units``."""
    rng = random.Random(seed)
    plan = StrategicPlan.objects.create(
        owner_unit=group,
        name=name,
        start_year=start_year,
        end_year=start_year + 4,
        mission="Provide clean, safe and reliable energy.",
        vision="A world-class clean energy group.",
        core_values="Safety first\nIntegrity\nInnovation",
        status=PlanStatus.APPROVED,
        approved_at=approved_at,
    )
    bands = Perspective.objects.bulk_create(
        Perspective(plan=plan, code=code, name=title, order=order)
        for order, (code, title) in enumerate(default_perspectives(), start=1)
    )
    themes = Theme.objects.bulk_create(
        Theme(plan=plan, name=title, order=order) for order, title in enumerate(THEMES, start=1)
    )
    owners = units or [group]
    rows = Objective.objects.bulk_create(
        Objective(
            plan=plan,
            perspective=bands[i % len(bands)],
            theme=themes[rng.randrange(len(themes))],
            owner_unit=owners[i % len(owners)],
            code=f"{'FCPL'[i % 4]}{i // 4 + 1}",
            name=f"{rng.choice(VERBS)} {rng.choice(NOUNS)}",
        )
        for i in range(objectives)
    )
    by_band: list[list[Any]] = [[o for o in rows if o.perspective_id == b.pk] for b in bands]
    links: set[tuple[int, int]] = set()
    for b in range(1, len(bands)):  # each objective drives one or two in the band above
        for cause in by_band[b]:
            above = by_band[b - 1] or by_band[0]
            for effect in rng.sample(above, k=min(len(above), rng.choice((1, 1, 2)))):
                links.add((cause.pk, effect.pk))
            if b >= 2 and rng.random() < 0.15 and by_band[b - 2]:
                links.add((cause.pk, rng.choice(by_band[b - 2]).pk))
    CauseEffectLink.objects.bulk_create(
        CauseEffectLink(plan=plan, cause_id=c, effect_id=e) for c, e in sorted(links)
    )
    return plan


def _strategies(plan: StrategicPlan, group: OrgUnit, units: list[OrgUnit]) -> int:
    rows = [Strategy(plan=plan, level=StrategyLevel.DEVELOPMENT, unit=group, name="Green growth")]
    for unit in units:
        if unit.kind == OrgUnit.Kind.COMPANY:
            rows.append(
                Strategy(plan=plan, level=StrategyLevel.COMPETITIVE, unit=unit, name=unit.name)
            )
        elif unit.kind == OrgUnit.Kind.DEPARTMENT:
            rows.append(
                Strategy(
                    plan=plan,
                    level=StrategyLevel.FUNCTIONAL,
                    unit=unit,
                    function=unit.name,
                    name=f"{unit.name} strategy",
                )
            )
    return len(Strategy.objects.bulk_create(rows))


def generate(org: Any, *, objectives: int = 20) -> str:
    """The hook ``generate_enterprise`` calls: the group's approved plan, running from the
    year before ``org.today`` to three years after, so it covers the generated year."""
    units = list(
        OrgUnit.objects.filter(
            pk__in=org.unit_ids, kind__in=[OrgUnit.Kind.DEPARTMENT, OrgUnit.Kind.COMPANY]
        ).order_by("path")
    )
    plan = build_plan(
        group=org.group,
        units=units,
        objectives=objectives,
        start_year=org.today.year - 1,
        approved_at=FixedClock.on(org.today).now(),
    )
    count = _strategies(plan, org.group, units)
    links = plan.links.count()
    return f"plan {plan.period}: {objectives} objectives, {links} links, {count} strategies"
