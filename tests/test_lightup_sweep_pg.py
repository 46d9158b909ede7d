"""On PostgreSQL the sweep reads a chunk in one statement and writes it by COPY: it must
read and write exactly what the ORM path does (the one the other databases run).

Seeded random items of every polarity and aggregation with random actuals (some
rejected, some months missing), monthly plans, milestones, overrides and last month's
streaks; both readers must return the same items, sums, plans, milestones and streaks,
and both writers the same rows.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from lightup import sweep
from lightup.models import ItemLightOverride, LightStatus
from lightup.sweep_pg import ITEM_FIELDS
from scorecard.models import (
    ActualStatus,
    ItemKind,
    ItemMonthlyPlan,
    Milestone,
    MonthlyActual,
    Scorecard,
    ScorecardItem,
)
from tests.conftest import Cast, need
from tests.lightup_world import YEAR

pytestmark = pytest.mark.django_db
MONTH = 7

KINDS = [ItemKind.QUANTITATIVE, ItemKind.QUANTITATIVE, ItemKind.MILESTONE]


def random_spec(rng: random.Random) -> dict[str, Any]:
    """A random item: any polarity and aggregation, actuals with gaps and rejections,
    perhaps a monthly plan, milestones, an override and a streak last month."""

    def value() -> Decimal:
        return Decimal(rng.randint(-10_000_000, 1_000_000_000)) / 10_000

    months = rng.sample(range(1, 13), rng.randint(0, 12))
    return {
        "kind": rng.choice(KINDS),
        "polarity": rng.choice(["higher", "lower", "range"]),
        "aggregation": rng.choice(["sum", "average", "last"]),
        "target": None if rng.random() < 0.1 else value(),
        "actuals": {m: (value(), rng.random() < 0.15) for m in months},
        "plan": {m: value() for m in rng.sample(range(1, 13), rng.choice([0, 0, 3, 12]))},
        "milestones": [
            (rng.randint(0, 400), rng.choice([None, rng.randint(0, 400)]))
            for _ in range(rng.randint(0, 3))
        ],
        "override": rng.choice([None, None, Decimal("-0.1")]),
        "streak": rng.choice([0, 0, 1, 2]),
    }


def make(card: Scorecard, spec: dict[str, Any], n: int) -> None:
    item = ScorecardItem.objects.create(
        scorecard=card,
        kind=spec["kind"],
        name=f"Item {n}",
        weight=Decimal(1),
        polarity=spec["polarity"],
        aggregation=spec["aggregation"],
        target=spec["target"],
        range_low=Decimal(10) if spec["polarity"] == "range" else None,
        range_high=Decimal(90) if spec["polarity"] == "range" else None,
    )
    MonthlyActual.objects.bulk_create(
        MonthlyActual(
            item=item,
            month=month,
            value=value,
            status=ActualStatus.REJECTED if rejected else ActualStatus.APPROVED,
        )
        for month, (value, rejected) in spec["actuals"].items()
    )
    ItemMonthlyPlan.objects.bulk_create(
        ItemMonthlyPlan(item=item, month=month, value=value)
        for month, value in spec["plan"].items()
    )
    start = datetime.date(YEAR, 1, 1)
    Milestone.objects.bulk_create(
        Milestone(
            item=item,
            name=f"Step {i}",
            due_date=start + datetime.timedelta(days=due),
            completed_on=None if done is None else start + datetime.timedelta(days=done),
            responsible_unit=card.unit,
        )
        for i, (due, done) in enumerate(spec["milestones"])
    )
    if spec["override"] is not None:
        ItemLightOverride.objects.create(item=item, yellow_below=spec["override"])
    if spec["streak"]:
        LightStatus.objects.create(
            item=item,
            year=YEAR,
            month=MONTH - 1,
            colour="red",
            red_streak=spec["streak"],
            computed_at=timezone.now(),
        )


@pytest.mark.parametrize("seed", range(3))
def test_one_statement_reads_what_the_orm_reads(cast: Cast, seed: int) -> None:
    need(connection.vendor == "postgresql", "PostgreSQL")
    rng = random.Random(seed)
    specs = [random_spec(rng) for _ in range(40)]
    card = Scorecard.objects.create(unit=cast.engineering, employee=cast.employee, year=YEAR)
    other = Scorecard.objects.create(unit=cast.finance, year=YEAR)
    for n, spec in enumerate(specs):
        make(card if n % 2 else other, spec, n)
    units = [cast.engineering.pk, cast.finance.pk]
    orm = sweep._orm_inputs(units, YEAR, MONTH)
    pg = sweep._pg_inputs(units, YEAR, MONTH)
    assert [{k: row[k] for k in ITEM_FIELDS} for row in pg[0]] == orm[0]
    # Sums and plans matter for quantitative items only, milestones for milestone items
    # (the ORM reads them for the whole chunk; the other items never look at them).
    quantitative = {row["pk"] for row in orm[0] if row["kind"] == ItemKind.QUANTITATIVE}
    for found, expected in zip(pg[1:3], orm[1:3], strict=True):
        assert {k: v for k, v in found.items() if k in quantitative} == {
            k: v for k, v in expected.items() if k in quantitative
        }
    milestone_items = {row["pk"] for row in orm[0] if row["kind"] == ItemKind.MILESTONE}
    assert pg[3] == {k: v for k, v in orm[3].items() if k in milestone_items}
    assert pg[4] == orm[4]


def test_copy_writes_the_rows_bulk_create_writes(cast: Cast) -> None:
    need(connection.vendor == "postgresql", "PostgreSQL")
    card = Scorecard.objects.create(unit=cast.engineering, year=YEAR)
    items = [
        ScorecardItem.objects.create(
            scorecard=card, kind=ItemKind.QUANTITATIVE, name=f"I{n}", weight=Decimal(1)
        )
        for n in range(3)
    ]
    now = timezone.now()
    head = (YEAR, MONTH)
    rows = [
        (
            items[0].pk,
            *head,
            "red",
            Decimal("-0.2"),
            Decimal(10),
            Decimal(8),
            None,
            True,
            False,
            2,
            now,
        ),
        (items[1].pk, *head, "grey", None, None, None, None, False, True, 0, now),
        (
            items[2].pk,
            *head,
            "green",
            Decimal(0),
            Decimal(1),
            Decimal(1),
            Decimal(12),
            False,
            False,
            0,
            now,
        ),
    ]
    LightStatus.objects.create(
        item=items[1], year=YEAR, month=MONTH, colour="green", computed_at=now
    )  # overwritten
    sweep.upsert(rows)
    written = list(LightStatus.objects.order_by("item_id").values_list(*sweep.COLUMNS))
    assert written == [tuple(row) for row in rows]
    sweep.upsert(rows)  # again, inside the same transaction (the staging table is reused)
    assert LightStatus.objects.count() == 3
