"""The demo group's five-year strategic plan: mission, vision, values, strategies at three
levels, 18 objectives on the four perspectives and the cause-effect chains between them.

The plan runs from last year to three years ahead of the demo's day (``demo.today``, from
the clock), so whenever ``make demo`` runs the plan is current — also in January, when the
scorecards' "last month" still lies in the previous year.

Idempotent: the plan is keyed by its unit, period and version, strategies by unit and
level, themes by name, objectives by code and links by their two ends. Everything goes
through the services (as the demo executive), so the demo obeys the same rules as users.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from org.demo import DemoOrg
from org.scoping import Actor
from spm.clock import FixedClock
from strategy import services
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


def plan_fields(year: int) -> dict[str, Any]:
    """The demo plan around ``year`` (the demo's current year): five years, one behind."""
    start, end = year - 1, year + 3
    return {
        "name": f"Clean Power {end}",
        "start_year": start,
        "end_year": end,
        "mission": "Provide clean, safe and reliable energy that powers China's growth and a "
        "low-carbon future.",
        "vision": "A world-class clean energy group: 50 % of installed capacity from renewables "
        f"by {end}, first-quartile efficiency and returns among peers.",
        "core_values": "Safety first\nIntegrity and compliance\nCustomer focus\n"
        "Innovation\nShared success with our people",
    }


THEMES = [
    ("Green transition", "Shift the fleet to wind, solar and hydro while thermal runs lean."),
    ("Operational excellence", "Safe, efficient plants and projects delivered on time and budget."),
    ("Customer and market", "Reliable supply and competitive green-power offers."),
    ("People and digital", "Talent, digital capability and innovation to carry the rest."),
]

# (level, unit code, function, name, unit mission)
STRATEGIES: list[tuple[str, str, str, str, str]] = [
    (
        StrategyLevel.DEVELOPMENT,
        "ZNE",
        "",
        "Green growth with a lean thermal base",
        "Lead the region's energy transition while keeping supply secure.",
    ),
    (
        StrategyLevel.COMPETITIVE,
        "WS",
        "",
        "Scale low-cost wind and solar",
        "Build and run the group's renewable fleet at the lowest levelised cost.",
    ),
    (
        StrategyLevel.COMPETITIVE,
        "TP",
        "",
        "Flexible, efficient and clean thermal power",
        "Keep thermal plants available, flexible and within emission limits.",
    ),
    (
        StrategyLevel.COMPETITIVE,
        "HP",
        "",
        "Reliable hydro dispatch and dam safety",
        "Maximise hydro output safely across the wet and dry seasons.",
    ),
    (
        StrategyLevel.FUNCTIONAL,
        "HQ-SP",
        "Strategy & planning",
        "Plan and track the transition",
        "Turn the group strategy into plans, targets and a living strategy map.",
    ),
    (
        StrategyLevel.FUNCTIONAL,
        "HQ-FIN",
        "Finance",
        "Fund growth, control cost",
        "Secure low-cost capital and keep every yuan of cost accountable.",
    ),
    (
        StrategyLevel.FUNCTIONAL,
        "HQ-HR",
        "Human resources",
        "Grow the talent the transition needs",
        "Attract, develop and reward the people who deliver the strategy.",
    ),
    (
        StrategyLevel.FUNCTIONAL,
        "HQ-SE",
        "Safety & environment",
        "Zero harm",
        "Keep people, plants and the environment safe, with no red-line event.",
    ),
    (
        StrategyLevel.FUNCTIONAL,
        "HQ-EC",
        "Engineering & construction",
        "Deliver projects right first time",
        "Deliver new capacity safely, on time and within budget.",
    ),
    (
        StrategyLevel.FUNCTIONAL,
        "HQ-MKT",
        "Marketing",
        "Win the power market",
        "Sell every megawatt-hour at the best price to satisfied customers.",
    ),
    (
        StrategyLevel.FUNCTIONAL,
        "HQ-ST",
        "Research & development",
        "Digital and technology leadership",
        "Bring digital tools and new technology into every plant.",
    ),
    (
        StrategyLevel.FUNCTIONAL,
        "HQ-AUD",
        "Audit & compliance",
        "Compliance as a licence to operate",
        "Keep the group within the law and its own rules.",
    ),
]

# (code, perspective code, theme index, owner unit code, name, description, parent code)
OBJECTIVES: list[tuple[str, str, int, str, str, str, str | None]] = [
    ("F1", "financial", 1, "HQ-FIN", "Grow net profit", "Net profit up 8 % a year.", None),
    (
        "F2",
        "financial",
        0,
        "HQ-FIN",
        "Raise the renewable share of revenue",
        "Renewables above 45 % of revenue by 2030.",
        None,
    ),
    (
        "F3",
        "financial",
        1,
        "HQ-FIN",
        "Lower the unit cost of power",
        "Cost per MWh down 2 % a year.",
        None,
    ),
    (
        "F4",
        "financial",
        1,
        "HQ-FIN",
        "Keep the debt ratio healthy",
        "Debt-to-asset below 65 %.",
        None,
    ),
    (
        "C1",
        "customer",
        2,
        "HQ-MKT",
        "Reliable supply for customers",
        "Contracted supply delivered; outages under the grid's limits.",
        None,
    ),
    (
        "C2",
        "customer",
        2,
        "HQ-MKT",
        "Win key accounts in power trading",
        "Market share in provincial spot and contract markets.",
        None,
    ),
    (
        "C3",
        "customer",
        0,
        "HQ-MKT",
        "Offer green power to industrial customers",
        "Green-power certificates and direct supply contracts.",
        None,
    ),
    (
        "C4",
        "customer",
        2,
        "HQ-AUD",
        "Trusted as a responsible state-owned enterprise",
        "No compliance findings by regulators; strong ESG ratings.",
        None,
    ),
    (
        "P1",
        "internal",
        1,
        "HQ-EC",
        "Efficient project delivery",
        "New capacity delivered on time and within budget.",
        None,
    ),
    (
        "P2",
        "internal",
        1,
        "HQ-SE",
        "Safe, stable plant operations",
        "No serious safety accident; availability above 92 %.",
        None,
    ),
    (
        "P3",
        "internal",
        1,
        "HQ-FIN",
        "Lean procurement and cost control",
        "Central procurement and cost benchmarks for every plant.",
        None,
    ),
    (
        "P4",
        "internal",
        0,
        "WS",
        "Accelerate new-energy capacity",
        "Add 3 GW of wind and solar over the plan.",
        None,
    ),
    (
        "P5",
        "internal",
        2,
        "HQ-AUD",
        "Strong risk control and compliance",
        "Negative list enforced; audit findings closed on time.",
        None,
    ),
    (
        "P6",
        "internal",
        3,
        "HQ-ST",
        "Smart operation and maintenance",
        "Predictive maintenance and remote dispatch in every plant.",
        None,
    ),
    (
        "P7",
        "internal",
        0,
        "WS-ZB",
        "Commission the Zhangbei wind extension",
        "400 MW connected to the grid by 2027.",
        "P4",
    ),
    (
        "L1",
        "learning",
        3,
        "HQ-HR",
        "Build the talent pipeline",
        "Key positions with ready successors; engineers trained for renewables.",
        None,
    ),
    (
        "L2",
        "learning",
        3,
        "HQ-ST",
        "Digital capability",
        "Data platform and digital skills across plants and projects.",
        None,
    ),
    (
        "L3",
        "learning",
        3,
        "HQ-ST",
        "Innovation in clean technology",
        "R&D spend and patents in storage, offshore wind and flexible thermal.",
        None,
    ),
    (
        "L4",
        "learning",
        1,
        "HQ-SE",
        "Safety and compliance culture",
        "Every employee trained; near misses reported and learnt from.",
        None,
    ),
]

# (cause, effect): learning drives process drives customer drives finance.
LINKS: list[tuple[str, str]] = [
    ("L1", "P1"),
    ("L2", "P1"),
    ("L2", "P6"),
    ("L3", "P4"),
    ("L4", "P2"),
    ("L4", "P5"),
    ("P1", "C1"),
    ("P6", "C1"),
    ("P2", "C1"),
    ("P4", "C3"),
    ("P5", "C4"),
    ("P7", "P4"),
    ("P3", "F3"),
    ("P1", "F3"),
    ("C1", "F1"),
    ("C2", "F1"),
    ("C3", "F2"),
    ("C4", "C2"),
    ("F2", "F1"),
    ("F3", "F1"),
    ("P4", "F4"),
]


@transaction.atomic
def seed(demo: DemoOrg) -> str:
    # The demo executive writes the plan (so it shows "approved by" a person and obeys the
    # executive's scope), not SYSTEM.
    actor: Actor = demo.logins["exec"].user
    group = demo.units["ZNE"]
    fields = plan_fields(demo.today.year)
    plan = StrategicPlan.objects.filter(
        owner_unit=group, start_year=fields["start_year"], end_year=fields["end_year"], version=1
    ).first()
    if plan is None:
        plan = services.plan_create(actor=actor, owner_unit=group, **fields)
    if plan.status != PlanStatus.DRAFT:
        return _summary(plan, created=False)

    themes = {t.name: t for t in Theme.objects.filter(plan=plan)}
    for name, description in THEMES:
        if name not in themes:
            themes[name] = services.theme_create(
                actor=actor, plan=plan, name=name, description=description
            )
    have = set(Strategy.objects.filter(plan=plan).values_list("unit__code", "level"))
    for level, unit_code, function, name, mission in STRATEGIES:
        if (unit_code, level) not in have:
            services.strategy_create(
                actor=actor,
                plan=plan,
                level=level,
                unit=demo.units[unit_code],
                function=function,
                name=name,
                mission=mission,
            )
    bands = {p.code: p for p in Perspective.objects.filter(plan=plan)}
    objectives = {o.code: o for o in Objective.objects.filter(plan=plan)}
    for code, band, theme, unit_code, name, description, parent in OBJECTIVES:
        if code not in objectives:
            objectives[code] = services.objective_create(
                actor=actor,
                plan=plan,
                perspective=bands[band],
                theme=themes[THEMES[theme][0]],
                owner_unit=demo.units[unit_code],
                code=code,
                name=name,
                description=description,
                parent=objectives[parent] if parent else None,
            )
    linked = set(
        CauseEffectLink.objects.filter(plan=plan).values_list("cause__code", "effect__code")
    )
    for cause, effect in LINKS:
        if (cause, effect) not in linked:
            services.link_create(
                actor=actor, plan=plan, cause=objectives[cause], effect=objectives[effect]
            )
    plan = services.plan_approve(actor=actor, plan=plan, clock=FixedClock.on(demo.today))
    return _summary(plan, created=True)


def _summary(plan: StrategicPlan, *, created: bool) -> str:
    return (
        f"plan {plan} {plan.get_status_display().lower()}"
        f"{'' if created else ' (already there)'}: "
        f"{plan.strategies.count()} strategies, {plan.objectives.count()} objectives, "
        f"{plan.links.count()} links"
    )
