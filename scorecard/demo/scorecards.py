"""The demo group's scorecards of the demo year, built through the services like a user would.

The group scorecard carries SASAC's "one profit, five ratios" (total profit, asset-liability
ratio, return on equity, R&D investment intensity, full-staff labour productivity, operating
cash ratio), new-energy capacity, the Qinghai wind-solar project with its three milestones
(main equipment bidding → main construction start → grid connection, each handed over
between two units) and two key tasks. The executive cascades it to departments and
affiliated companies; the head of Engineering & Construction (the demo manager) cascades
the unit's goals to the team, Li Xiaoming (the demo employee) among them. Every item is
linked to an objective of the strategy demo's plan.

Idempotent: indicators are keyed by code, scorecards by owner and year, items by name on
their scorecard, cascades by their parent (a parent that has children is not cascaded
again), milestone completions are recorded once. Letters and actuals follow in
``scorecard.demo.letters_actuals``.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction

from org.demo import DemoOrg
from org.models import Employee, OrgUnit
from org.scoping import Actor
from scorecard.demo import indicators as demo_indicators
from scorecard.demo import scorecards_data as data
from scorecard.models import Indicator, ItemKind, Milestone, Scorecard, ScorecardItem
from scorecard.services import bulk_assign, cascade, indicators, milestones, scorecards
from scorecard.services import items as item_services
from spm.clock import FixedClock, clock
from strategy.models import Objective, PlanStatus, StrategicPlan


class Seeder:
    """Keeps the demo's keys (indicators, objectives, scorecards) while it seeds."""

    def __init__(self, demo: DemoOrg, today: datetime.date) -> None:
        self.demo = demo
        self.today = today
        self.year, _last_month = data.demo_period(today)
        self.executive: Any = demo.logins["exec"].user
        self.manager: Any = demo.logins["manager"].user
        plan = StrategicPlan.objects.filter(
            owner_unit=demo.units["ZNE"],
            status=PlanStatus.APPROVED,
            start_year__lte=self.year,
            end_year__gte=self.year,
        ).first()
        if plan is None:
            raise RuntimeError("The scorecard demo needs the strategy demo's approved plan.")
        self.plan = plan
        self.objectives = {o.code: o for o in Objective.objects.filter(plan=plan)}
        self.indicators: dict[str, Indicator] = {}
        self.created = 0

    def unit(self, code: str) -> OrgUnit:
        return self.demo.units[code]

    def day(self, month_day: tuple[int, int]) -> datetime.date:
        return datetime.date(self.year, *month_day)

    def indicators_seed(self) -> None:
        existing = {
            i.code: i
            for i in Indicator.objects.filter(code__in=[r[0] for r in demo_indicators.INDICATORS])
        }
        for (
            code,
            name,
            unit,
            polarity,
            aggregation,
            owner,
            source,
            definition,
            formula,
        ) in demo_indicators.INDICATORS:
            if code not in existing:
                smart = code not in demo_indicators.SMART_PENDING
                existing[code] = indicators.indicator_create(
                    actor=self.executive,
                    code=code,
                    name=name,
                    unit_of_measure=unit,
                    polarity=polarity,
                    aggregation=aggregation,
                    owner_unit=self.unit(owner),
                    data_source=source,
                    definition=definition,
                    formula=formula,
                    formula_is_expression=bool(formula),
                    smart_specific=True,
                    smart_measurable=True,
                    smart_agreed=smart,
                    smart_realistic=smart,
                    smart_time_bound=True,
                )
        self.indicators = existing

    def card(
        self, unit: OrgUnit, employee: Employee | None = None, actor: Actor | None = None
    ) -> Scorecard:
        card, _created = scorecards.scorecard_get_or_create(
            actor=actor or self.executive,
            unit=unit,
            employee=employee,
            year=self.year,
            plan=self.plan,
        )
        return card

    def item(
        self, card: Scorecard, name: str, actor: Actor | None = None, **fields: Any
    ) -> ScorecardItem:
        found = ScorecardItem.objects.filter(scorecard=card, name=name).first()
        if found is not None:
            return found
        self.created += 1
        return item_services.item_create(
            actor=actor or self.executive, scorecard=card, name=name, **fields
        )

    def quantitative(
        self,
        card: Scorecard,
        name: str,
        code: str,
        objective: str,
        weight: Decimal,
        tiers: tuple[Any, ...],
        last_year: Decimal | None,
        benchmark: Decimal | None = None,
        actor: Actor | None = None,
    ) -> ScorecardItem:
        floor, baseline, target, challenge = tiers
        return self.item(
            card,
            name,
            actor=actor,
            kind=ItemKind.QUANTITATIVE,
            indicator=self.indicators[code],
            objective=self.objectives[objective],
            weight=weight,
            floor=floor,
            baseline=baseline,
            target=target,
            challenge=challenge,
            last_year=last_year,
            benchmark=benchmark,
        )

    def group(self) -> Scorecard:
        card = self.card(self.unit("ZNE"))
        for name, code, objective, weight, tiers, last_year, benchmark in data.GROUP_ITEMS:
            self.quantitative(card, name, code, objective, weight, tiers, last_year, benchmark)
        profit = ScorecardItem.objects.get(scorecard=card, name="Total profit")
        if not profit.monthly_plans.exists() and not card.locked:
            item_services.item_set_monthly_plan(
                actor=self.executive,
                item=profit,
                expected_version=profit.version,
                values=dict(enumerate(data.PROFIT_PLAN, start=1)),
            )
        project = self.item(
            card,
            data.PROJECT,
            kind=ItemKind.MILESTONE,
            objective=self.objectives["P4"],
            weight=data.PROJECT_WEIGHT,
            description="Build and connect 300 MW wind and 200 MW solar at the Qinghai base.",
        )
        if not project.milestones.exists() and not card.locked:
            for order, (name, due, standard, responsible, counterpart, _done) in enumerate(
                data.MILESTONES
            ):
                milestones.milestone_create(
                    actor=self.executive,
                    item=project,
                    name=name,
                    due_date=self.day(due),
                    completion_standard=standard,
                    responsible_unit=self.unit(responsible),
                    counterpart_unit=self.unit(counterpart),
                    order=order,
                )
        for name, objective, description in data.KEY_TASKS:
            self.item(
                card,
                name,
                kind=ItemKind.KEY_TASK,
                objective=self.objectives[objective],
                description=description,
            )
        return card

    def cascade_group(self, group: Scorecard) -> None:
        for name, mode, receivers in data.GROUP_CASCADES:
            parent = ScorecardItem.objects.get(scorecard=group, name=name)
            if ScorecardItem.objects.filter(parent=parent).exists():
                continue
            allocations = [
                cascade.Allocation(unit=self.unit(code), share=share, weight=weight)
                for code, share, weight in receivers
            ]
            cascade.item_cascade(
                actor=self.executive, parent=parent, mode=mode, allocations=allocations
            )
            self.created += len(allocations)

    def unit_items(self) -> None:
        for code, name, indicator, objective, weight, tiers, last_year in data.UNIT_ITEMS:
            card = self.card(self.unit(code))
            self.quantitative(card, name, indicator, objective, weight, tiers, last_year)

    def engineering_team(self) -> None:
        """The demo manager cascades Engineering & Construction's goals to the team."""
        ec = self.unit("HQ-EC")
        card = self.card(ec)
        staff = list(
            Employee.objects.filter(unit=ec, active=True)
            .exclude(pk=ec.head_id)
            .order_by("employee_no")
        )
        by_title: dict[str, list[Employee]] = {}
        for person in staff:
            by_title.setdefault(person.job_title, []).append(person)
        capacity = ScorecardItem.objects.get(
            scorecard=card, name="New-energy capacity in operation"
        )
        if not ScorecardItem.objects.filter(parent=capacity).exists():
            allocations = [
                cascade.Allocation(employee=person, share=share, weight=data.EC_CAPACITY_WEIGHT)
                for title, shares in data.EC_CAPACITY_SHARES.items()
                for person, share in zip(by_title.get(title, []), shares, strict=False)
            ]
            cascade.item_cascade(
                actor=self.manager, parent=capacity, mode="amounts", allocations=allocations
            )
            project = ScorecardItem.objects.get(scorecard=card, name=data.PROJECT)
            cascade.item_cascade(
                actor=self.manager,
                parent=project,
                mode="same",
                allocations=[
                    cascade.Allocation(employee=a.employee, weight=data.EC_PROJECT_WEIGHT)
                    for a in allocations
                ],
            )
            self.created += 2 * len(allocations)
        overrun = ScorecardItem.objects.get(scorecard=card, name="Project cost overrun")
        safety = ScorecardItem.objects.get(scorecard=card, name="Safety culture campaign")
        for title in data.EC_TITLES:
            for parent, weight in ((overrun, data.EC_OVERRUN_WEIGHT), (safety, None)):
                done = bulk_assign.item_bulk_assign(
                    actor=self.manager,
                    parent=parent,
                    unit=ec,
                    job_title=title,
                    include_subunits=False,
                    weight=weight,
                )
                self.created += done.created
        name, code, objective, weight, tiers, last_year = data.COST_ENGINEER_ITEM
        for person in by_title.get("Cost engineer", []):
            own = self.card(ec, person, actor=self.manager)
            self.quantitative(
                own, name, code, objective, weight, tiers, last_year, actor=self.manager
            )

    def milestones_reached(self) -> None:
        """The project's milestones, on the group's item and every copy cascaded from it."""
        for name, _due, _standard, _responsible, _counterpart, reached in data.MILESTONES:
            if reached is None or self.day(reached) > self.today:
                continue
            for milestone in Milestone.objects.filter(
                name=name,
                item__name=data.PROJECT,
                item__scorecard__year=self.year,
                completed_on__isnull=True,
            ):
                milestones.milestone_complete(
                    actor=self.executive,
                    milestone=milestone,
                    completed_on=self.day(reached),
                    clock=FixedClock.on(self.today),
                )


@transaction.atomic
def seed(demo: DemoOrg) -> str:
    """This year's scorecards (the year of last month: see ``demo_period``)."""
    seeder = Seeder(demo, clock().today())
    seeder.indicators_seed()
    group = seeder.group()
    seeder.cascade_group(group)
    seeder.unit_items()
    seeder.engineering_team()
    seeder.milestones_reached()
    cards = Scorecard.objects.filter(year=seeder.year, unit__in=list(demo.units.values()))
    items = ScorecardItem.objects.filter(scorecard__in=cards)
    return (
        f"{len(seeder.indicators)} indicators; {cards.count()} scorecards of {seeder.year} "
        f"({cards.filter(employee__isnull=False).count()} of people); {items.count()} items, "
        f"{items.filter(parent__isnull=False).count()} cascaded; {seeder.created} new this run"
    )
