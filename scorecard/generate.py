"""Scorecards for a generated group (``generate_enterprise``), by bulk insert.

Every unit gets a scorecard of nine quantitative items and a milestone item; every
employee a scorecard of nine quantitative items and a key task (ten items), each item
decomposed from the same item of the unit above, up to the group's items, which serve the
objectives of the group's plan (made by ``strategy.generate``). Summed targets add up
exactly from the people to the group; ratio targets are carried down unchanged. Then
actuals from January to last month (at most ``ACTUAL_MONTHS``) are recorded for every
employee item. The year is the demo's: the year of last month, by the app's clock.

Built for size: people are processed in chunks of ``CHUNK`` (rows never all in memory), every
row goes in through :mod:`spm.bulk` (PostgreSQL ``COPY`` with ids reserved from the sequences;
``bulk_create`` and prepared ``INSERT``s on SQLite), and no history rows are written for
this synthetic data. On SQLite (one core) the whole ``generate_enterprise`` run took 18 s
for 10,000 employees (103,400 items, 900,000 actuals) and 183 s for 100,000 (1,032,620
items, 9,000,000 actuals). On PostgreSQL, 10,000 employees cost about 200 CPU seconds
(Python + server) with multi-row ``INSERT``s and about 50 with ``COPY`` (a shared, loaded
machine; ``python -m benchmarks.generate_time`` prints both).
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.db import transaction

from org.models import Employee, OrgUnit
from scorecard.demo.scorecards_data import demo_period
from scorecard.models import (
    ActualStatus,
    Aggregation,
    Indicator,
    ItemKind,
    Milestone,
    MonthlyActual,
    Polarity,
    Scorecard,
    ScorecardItem,
)
from spm.bulk import copy_models, copy_rows
from spm.clock import Clock, FixedClock
from strategy.models import Objective, PlanStatus, StrategicPlan

ACTUAL_MONTHS = 10
CHUNK = 2000
# code suffix, name, unit, polarity, aggregation: five sums, four ratios.
INDICATORS = [
    ("PROFIT", "Profit contribution", "CNY k", Polarity.HIGHER, Aggregation.SUM),
    ("OUTPUT", "Power generated", "MWh", Polarity.HIGHER, Aggregation.SUM),
    ("SALES", "Energy sold", "MWh", Polarity.HIGHER, Aggregation.SUM),
    ("SAVINGS", "Cost savings", "CNY k", Polarity.HIGHER, Aggregation.SUM),
    ("TRAINING", "Training hours", "h", Polarity.HIGHER, Aggregation.SUM),
    ("AVAIL", "Equipment availability", "%", Polarity.HIGHER, Aggregation.AVERAGE),
    ("DEFECTS", "Defect rate", "%", Polarity.LOWER, Aggregation.LAST),
    ("SATISFACTION", "Customer satisfaction", "points", Polarity.HIGHER, Aggregation.LAST),
    ("ONTIME", "Tasks on time", "%", Polarity.HIGHER, Aggregation.AVERAGE),
]
SUMS = 5
RATIO_TARGETS = [Decimal(95), Decimal(2), Decimal(88), Decimal(90)]
PERSON_WEIGHTS = [Decimal(12)] + [Decimal(11)] * 8
UNIT_WEIGHT, MILESTONE_WEIGHT = Decimal(8), Decimal(28)
ACTUAL_COLUMNS = (
    "item_id",
    "month",
    "value",
    "note",
    "evidence",
    "status",
    "entered_at",
    "version",
)


def _chunks(rows: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _tiers(target: Decimal, polarity: str) -> dict[str, Decimal]:
    low, high = target * Decimal("0.8"), target * Decimal("1.2")
    if polarity == Polarity.LOWER:
        low, high = high, low
    return {
        "baseline": low.quantize(Decimal("0.01")),
        "target": target,
        "challenge": high.quantize(Decimal("0.01")),
    }


def _items(
    card_id: int,
    targets: list[Decimal],
    parents: list[int | None],
    objectives: list[int | None],
    indicators: list[Indicator],
    weights: list[Decimal],
) -> list[ScorecardItem]:
    return [
        ScorecardItem(
            scorecard_id=card_id,
            kind=ItemKind.QUANTITATIVE,
            indicator_id=ind.pk,
            objective_id=objectives[i],
            parent_id=parents[i],
            name=ind.name,
            weight=weights[i],
            polarity=ind.polarity,
            aggregation=ind.aggregation,
            unit_of_measure=ind.unit_of_measure,
            order=i + 1,
            **_tiers(targets[i], ind.polarity),
        )
        for i, ind in enumerate(indicators)
    ]


class Generator:
    def __init__(self, result: Any, clock: Clock) -> None:
        self.result = result
        self.now = clock.now()
        self.year, last_month = demo_period(clock.today())
        self.months = range(1, min(ACTUAL_MONTHS, last_month) + 1)
        self.rng = random.Random(11)
        plan = StrategicPlan.objects.filter(
            owner_unit=result.group, status=PlanStatus.APPROVED
        ).first()
        self.plan = plan
        ids = (
            list(Objective.objects.filter(plan=plan).order_by("pk").values_list("pk", flat=True))
            if plan
            else []
        )
        self.objectives: list[int | None] = [
            ids[i % len(ids)] if ids else None for i in range(len(INDICATORS))
        ]
        self.units = {
            u["pk"]: u
            for u in OrgUnit.objects.filter(path__startswith=result.group.path).values(
                "pk", "parent_id", "path", "depth"
            )
        }
        self.people = list(
            Employee.objects.filter(unit__path__startswith=result.group.path)
            .order_by("pk")
            .values_list("pk", "unit_id")
        )
        self.indicators = self._indicators()
        # Unit id -> the ids of its nine quantitative items, for the children to point at.
        self.unit_items: dict[int, list[int]] = {}
        self.counts: dict[str, int] = defaultdict(int)

    def _indicators(self) -> list[Indicator]:
        prefix, owner = self.result.prefix, self.result.group
        rows = [
            Indicator(
                code=f"{prefix}-{code}",
                name=name,
                unit_of_measure=unit,
                polarity=polarity,
                aggregation=aggregation,
                owner_unit=owner,
                definition=f"{name} (synthetic).",
                smart_specific=True,
                smart_measurable=True,
                smart_agreed=True,
                smart_realistic=True,
                smart_time_bound=True,
            )
            for code, name, unit, polarity, aggregation in INDICATORS
        ]
        return copy_models(rows)

    def person_targets(self) -> dict[int, list[Decimal]]:
        return {
            pk: [Decimal(self.rng.randrange(50, 151)) for _ in range(SUMS)] + RATIO_TARGETS
            for pk, _unit in self.people
        }

    def unit_targets(self, people: dict[int, list[Decimal]]) -> dict[int, list[Decimal]]:
        """Summed targets add up through the tree; ratios are the same everywhere."""
        sums: dict[int, list[Decimal]] = {pk: [Decimal(0)] * SUMS for pk in self.units}
        for pk, unit_id in self.people:
            path = self.units[unit_id]["path"]
            for ancestor in (int(part) for part in path.strip("/").split("/")):
                if ancestor in sums:
                    row = sums[ancestor]
                    for i in range(SUMS):
                        row[i] += people[pk][i]
        return {pk: row + RATIO_TARGETS for pk, row in sums.items()}

    def unit_scorecards(self, targets: dict[int, list[Decimal]]) -> None:
        """Top down, level by level, so every unit item can point at its parent's item."""
        by_depth: dict[int, list[int]] = defaultdict(list)
        for pk, unit in self.units.items():
            by_depth[unit["depth"]].append(pk)
        weights = [UNIT_WEIGHT] * len(INDICATORS)
        for depth in sorted(by_depth):
            level = by_depth[depth]
            cards = copy_models(
                [Scorecard(unit_id=pk, year=self.year, plan=self.plan) for pk in level],
            )
            items: list[ScorecardItem] = []
            for card in cards:
                parent = self.units[card.unit_id]["parent_id"]
                parents: list[int | None] = (
                    list(self.unit_items[parent])
                    if parent is not None
                    else [None] * len(INDICATORS)
                )
                items += _items(
                    card.pk,
                    targets[card.unit_id],
                    parents,
                    self.objectives,
                    self.indicators,
                    weights,
                )
            items = copy_models(items)
            for card, row in zip(cards, _chunks(items, len(INDICATORS)), strict=True):
                self.unit_items[card.unit_id] = [i.pk for i in row]
            projects = copy_models(
                [
                    ScorecardItem(
                        scorecard_id=c.pk,
                        kind=ItemKind.MILESTONE,
                        name="Annual improvement project",
                        objective_id=self.objectives[-1],
                        weight=MILESTONE_WEIGHT,
                        order=20,
                    )
                    for c in cards
                ],
            )
            copy_models(
                [
                    Milestone(
                        item_id=p.pk,
                        name=name,
                        due_date=datetime.date(self.year, month, 28),
                        responsible_unit_id=c.unit_id,
                        counterpart_unit_id=self.units[c.unit_id]["parent_id"],
                        order=order,
                    )
                    for c, p in zip(cards, projects, strict=True)
                    for order, (name, month) in enumerate(
                        (("Plan approved", 3), ("Results delivered", 11))
                    )
                ],
            )
            self.counts["unit scorecards"] += len(cards)
            self.counts["items"] += len(items) + len(projects)

    def people_scorecards(self, targets: dict[int, list[Decimal]]) -> None:
        for chunk in _chunks(self.people, CHUNK):
            cards = copy_models(
                [
                    Scorecard(unit_id=unit, employee_id=pk, year=self.year, plan=self.plan)
                    for pk, unit in chunk
                ],
            )
            items: list[ScorecardItem] = []
            for card in cards:
                assert card.employee_id is not None
                items += _items(
                    card.pk,
                    targets[card.employee_id],
                    list(self.unit_items[card.unit_id]),
                    self.objectives,
                    self.indicators,
                    PERSON_WEIGHTS,
                )
                items.append(
                    ScorecardItem(
                        scorecard_id=card.pk,
                        kind=ItemKind.KEY_TASK,
                        name="Improvement idea",
                        objective_id=self.objectives[0],
                        weight=Decimal(0),
                        order=20,
                    )
                )
            items = copy_models(items)
            self.counts["scorecards of people"] += len(cards)
            self.counts["items"] += len(items)
            if self.months:
                self.counts["actuals"] += self.actuals(
                    [i for i in items if i.kind == ItemKind.QUANTITATIVE]
                )

    def actuals(self, items: list[ScorecardItem]) -> int:
        now = self.now
        rng = self.rng
        cent = Decimal("0.01")

        def rows() -> Iterator[tuple[Any, ...]]:
            for item in items:
                assert item.target is not None
                per_month = item.target / 12 if item.aggregation == Aggregation.SUM else item.target
                for month in self.months:
                    value = (per_month * rng.randrange(80, 116) / 100).quantize(cent)
                    yield (item.pk, month, value, "", "", ActualStatus.APPROVED, now, 1)

        return copy_rows(MonthlyActual._meta.db_table, ACTUAL_COLUMNS, rows())


@transaction.atomic
def generate(result: Any) -> str:
    """The hook ``generate_enterprise`` calls."""
    gen = Generator(result, FixedClock.on(result.today))  # the day the group is generated for
    people = gen.person_targets()
    gen.unit_scorecards(gen.unit_targets(people))
    gen.people_scorecards(people)
    counts = ", ".join(f"{n} {what}" for what, n in gen.counts.items())
    return f"{len(gen.indicators)} indicators, {counts}"
