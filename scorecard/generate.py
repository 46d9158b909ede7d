"""Scorecards for a generated group (``generate_enterprise``), by bulk insert.

Every unit gets a scorecard of nine quantitative items and a milestone item; every
employee a scorecard of nine quantitative items and a key task (ten items), each item
decomposed from the same item of the unit above, up to the group's items, which serve the
objectives of the group's plan (made by ``strategy.generate``). Summed targets add up
exactly from the people to the group; ratio targets are carried down unchanged. Then
actuals from January to last month (at most ``ACTUAL_MONTHS``) are recorded for every
employee item. The year is the demo's: the year of last month, by the app's clock.

Built for size. On PostgreSQL each chunk of ``SQL_CHUNK`` people is: the cards and the items
by ``INSERT … SELECT`` (the new items' ids, targets and aggregations come back as three
arrays); their actuals, computed from those arrays by a second connection while this one
stores them (``spm.bulk.copy_select``: binary ``COPY``, two backends on two cores); the key
tasks. All inside ``spm.bulk.bulk_load`` (keys checked and item and actual indexes built
once, at the end, in parallel by PostgreSQL's maintenance workers), so no person's row passes
through Python; the group's alignment flags are then recomputed for that group alone
(``summaries.refresh_within``) and the statistics refreshed (``ANALYZE``). Elsewhere people
go in chunks of ``CHUNK`` through :mod:`spm.bulk` (``bulk_create`` and prepared
``INSERT``s). Both paths give the same targets and actuals (``person_target``,
``actual_value``). No history rows are written for synthetic data.

Figures, ``python -m benchmarks.generate_time --employees 100000`` on PostgreSQL: 786 s before
(row by row through COPY, keys checked at COMMIT), 105 s after (15 s Python CPU, 79 s in the
server; load average 2), of which the actuals' insert is about 55 s. On SQLite (one core)
100,000 employees took 183 s. With the primary keys of items and actuals also built once at
the end (``bulk_load(primary_keys=True)``) and the people computed by the database
(``org.generate``), ``--profile`` gave 8.8 s Python + 78.9 s server CPU at load average 15,
against 17.0 s + 90.2 s at load average 12 the commit before; this statement 43 s server CPU
against 59 s. With the actuals computed on a second connection (``copy_select``), no row
returned per actual, and the flags recomputed for the group alone: 11.8 s Python + 58.7 s in
the load's backend (95.8 s in all the server's processes, the second connection and the
parallel index workers included), 340 s wall at load average 18 to 15, against 11.6 s +
65.3 s at load average 15 the commit before. At 20,000 people, back to back (load 12), the
load's backend spent 8.9 s against 11.1 s with the actuals by ``INSERT … SELECT`` on it, for
the same CPU in the whole server (14.3 s against 14.2 s). What is left in the load's backend:
about 22 s building the actuals' six indexes and checking their three foreign keys (the
builds use parallel workers, the checks cannot), 6 s the items, most of the rest (about
18 s) storing the actuals.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection

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
from spm.bulk import (
    analyse,
    bulk_load,
    copy_models,
    copy_rows,
    copy_select,
    insert_select,
    insert_select_sql,
    is_postgres,
)
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
TARGET_LOW, TARGET_SPREAD = 50, 101  # people's summed targets: 50 to 150
SQL_CHUNK = 10_000  # people per INSERT … SELECT on PostgreSQL
SPREAD_LOW, SPREAD = 80, 36  # actuals at 80 to 115 % of the month's share of the target
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
            pk: [person_target(pk, order) for order in range(1, SUMS + 1)] + RATIO_TARGETS
            for pk, _unit in self.people
        }

    def unit_targets(self, people: dict[int, list[Decimal]]) -> dict[int, list[Decimal]]:
        """Summed targets add up through the tree; ratios are the same everywhere."""
        own: dict[int, list[Decimal]] = {pk: [Decimal(0)] * SUMS for pk in self.units}
        for pk, unit_id in self.people:  # each unit's own people first, then up the tree
            row, targets = own[unit_id], people[pk]
            for i in range(SUMS):
                row[i] += targets[i]
        sums: dict[int, list[Decimal]] = {pk: [Decimal(0)] * SUMS for pk in self.units}
        for unit_id, targets in own.items():
            path = self.units[unit_id]["path"]
            for ancestor in (int(part) for part in path.strip("/").split("/")):
                if ancestor in sums:
                    row = sums[ancestor]
                    for i in range(SUMS):
                        row[i] += targets[i]
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
        if is_postgres():
            for chunk in _chunks(self.people, SQL_CHUNK):
                analyse(Scorecard)
                self.people_scorecards_sql([pk for pk, _unit in chunk])
            return
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

    def people_scorecards_sql(self, people: list[int]) -> None:
        """``people_scorecards`` for a chunk of people in three ``INSERT … SELECT`` statements:
        the same cards, items, targets and actuals as the Python path, computed by the
        database (``person_target`` and ``actual_value`` in SQL)."""
        qn = connection.ops.quote_name
        cards, items = qn(Scorecard._meta.db_table), qn(ScorecardItem._meta.db_table)
        order = qn("order")
        params: dict[str, Any] = {
            "ids": people,
            "year": self.year,
            "plan": self.plan.pk if self.plan else None,
            "quantitative": ItemKind.QUANTITATIVE,
            "key_task": ItemKind.KEY_TASK,
            "lower": Polarity.LOWER,
            "sums": SUMS,
            "low": TARGET_LOW,
            "spread": TARGET_SPREAD,
            "first_weight": PERSON_WEIGHTS[0],
            "weight": PERSON_WEIGHTS[1],
            "idea": "Improvement idea",
            "objective": self.objectives[0],
        }
        mine = f"FROM {cards} c WHERE c.employee_id = ANY(%(ids)s) AND c.year = %(year)s"
        count = insert_select(
            Scorecard,
            {
                "unit_id": "e.unit_id",
                "employee_id": "e.id",
                "year": "%(year)s",
                "plan_id": "%(plan)s",
            },
            f"FROM {qn(Employee._meta.db_table)} e WHERE e.id = ANY(%(ids)s)",
            params,
            now=self.now,
        )
        lower = "ui.polarity = %(lower)s"
        items_sql, items_defaults = insert_select_sql(
            ScorecardItem,
            {
                "scorecard_id": "c.id",
                "kind": "%(quantitative)s",
                "indicator_id": "ui.indicator_id",
                "objective_id": "ui.objective_id",
                "parent_id": "ui.id",
                "name": "ui.name",
                "weight": f"CASE WHEN ui.{order} = 1 THEN %(first_weight)s ELSE %(weight)s END",
                "polarity": "ui.polarity",
                "aggregation": "ui.aggregation",
                "unit_of_measure": "ui.unit_of_measure",
                "order": f"ui.{order}",
                "target": "t.target",
                "baseline": f"round(t.target * CASE WHEN {lower} THEN 1.2 ELSE 0.8 END, 2)",
                "challenge": f"round(t.target * CASE WHEN {lower} THEN 0.8 ELSE 1.2 END, 2)",
            },
            f"FROM {cards} c JOIN {cards} uc ON uc.unit_id = c.unit_id "
            "AND uc.employee_id IS NULL AND uc.year = c.year "
            f"JOIN {items} ui ON ui.scorecard_id = uc.id AND ui.kind = %(quantitative)s "
            f"CROSS JOIN LATERAL (SELECT CASE WHEN ui.{order} <= %(sums)s "
            f"THEN %(low)s + (c.employee_id * 31 + ui.{order} * 17) %% %(spread)s "
            "ELSE ui.target END AS target) t "
            "WHERE c.employee_id = ANY(%(ids)s) AND c.year = %(year)s",
            now=self.now,
        )
        with connection.cursor() as cursor:
            # Unit items are found by hashing them (their index is rebuilt at the end of the
            # load); a nested loop would scan them once per card.
            cursor.execute("SET LOCAL enable_nestloop = off")
            # The new items come back as three arrays (id, target, aggregation), the input of
            # their actuals; the load never looks items up by an index it has dropped.
            cursor.execute(
                f"WITH new_items AS ({items_sql} RETURNING id, target, aggregation) "  # noqa: S608
                "SELECT count(*), array_agg(id) FILTER (WHERE target IS NOT NULL)::text, "
                "array_agg(target) FILTER (WHERE target IS NOT NULL)::text, "
                "array_agg(aggregation) FILTER (WHERE target IS NOT NULL)::text FROM new_items",
                {**params, **items_defaults},
            )
            quantitative, *measured = cursor.fetchone()
            cursor.execute("SET LOCAL enable_nestloop = on")
        actuals = self.actuals_sql(*measured) if self.months and measured[0] else 0
        tasks = insert_select(
            ScorecardItem,
            {
                "scorecard_id": "c.id",
                "kind": "%(key_task)s",
                "name": "%(idea)s",
                "objective_id": "%(objective)s",
                "weight": "0",
                "order": "20",
            },
            mine,
            params,
            now=self.now,
        )
        self.counts["scorecards of people"] += count
        self.counts["items"] += quantitative + tasks
        self.counts["actuals"] += actuals

    def actuals_sql(self, ids: str, targets: str, aggregations: str) -> int:
        """The actuals of items (given as PostgreSQL array literals), computed on a second
        connection while this one stores them (:func:`spm.bulk.copy_select`): ``actual_value``
        in SQL."""
        return copy_select(
            MonthlyActual,
            {
                "item_id": "i.id",
                "month": "m.month",
                "value": "round(i.target * (%(spread_low)s + (i.id * 37 + m.month * 101) "
                "%% %(actual_spread)s) / CASE WHEN i.aggregation = %(sum)s "
                "THEN 1200 ELSE 100 END, 2)",
                "status": "%(approved)s",
                "version": "1",
            },
            "FROM unnest(%(ids)s::bigint[], %(targets)s::numeric[], %(aggregations)s::text[]) "
            "AS i(id, target, aggregation) CROSS JOIN generate_series(1, %(months)s) AS m(month)",
            {
                "ids": ids,
                "targets": targets,
                "aggregations": aggregations,
                "spread_low": SPREAD_LOW,
                "actual_spread": SPREAD,
                "sum": Aggregation.SUM,
                "approved": ActualStatus.APPROVED,
                "months": len(self.months),
            },
            now=self.now,
        )

    def actuals(self, items: list[ScorecardItem]) -> int:
        """Approved actuals for ``items`` from January to the last month, at ``actual_value``."""
        months = list(self.months)
        now = self.now
        return copy_rows(
            MonthlyActual._meta.db_table,
            ACTUAL_COLUMNS,
            (
                (
                    item.pk,
                    month,
                    actual_value(item.target, item.aggregation, item.pk, month),
                    "",
                    "",
                    ActualStatus.APPROVED,
                    now,
                    1,
                )
                for item in items
                if item.target is not None
                for month in months
            ),
        )


def person_target(employee_id: int, order: int) -> Decimal:
    """A person's target on the summed indicator at ``order`` (1 to ``SUMS``): 50 to 150,
    spread by person. ``people_scorecards_sql`` computes the same number in SQL."""
    return Decimal(TARGET_LOW + (employee_id * 31 + order * 17) % TARGET_SPREAD)


def actual_value(target: Decimal, aggregation: str, item_id: int, month: int) -> Decimal:
    """A month's synthetic actual: 80 to 115 % of the month's share of the target (a twelfth of
    a summed target, the target itself otherwise), the percentage spread by item and month.
    ``actuals_sql`` computes the same number in SQL."""
    share = SPREAD_LOW + (item_id * 37 + month * 101) % SPREAD
    per_hundred = 1200 if aggregation == Aggregation.SUM else 100
    return (target * share / per_hundred).quantize(Decimal("0.01"), ROUND_HALF_UP)


def generate(result: Any) -> str:
    """The hook ``generate_enterprise`` calls."""
    # The load reads the cards it writes by their indexes; items and actuals it only writes
    # (their primary keys are built at the end too: items and actuals are never looked up).
    with (
        bulk_load(Indicator, Scorecard, Milestone, indexes=False),
        bulk_load(ScorecardItem, MonthlyActual, primary_keys=True),
    ):
        gen = Generator(result, FixedClock.on(result.today))  # the day the group is generated for
        people = gen.person_targets()
        gen.unit_scorecards(gen.unit_targets(people))
        gen.people_scorecards(people)
    # Statistics for what reads the group next (its summaries, the pages): not an empty table.
    analyse(Scorecard, ScorecardItem, MonthlyActual, Milestone)
    counts = ", ".join(f"{n} {what}" for what, n in gen.counts.items())
    return f"{len(gen.indicators)} indicators, {counts}"
