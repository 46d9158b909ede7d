"""Full tier (PostgreSQL): lost races are a clear 409, never a 500 (issue 8, finding 5).

Many clients released together at a barrier do the same write through the API: the first
monthly plan of an item, the first value of a month, an import of the same item-month.
Every answer is 2xx or 409 (no 5xx, no 400 "already exists"), exactly one wins, and the
audit rows match what was written. And the light-up sweeps those writes start, many at
once on the same units: every one finishes, the lights are those of the last values and
the light tallies count them exactly.
"""

from __future__ import annotations

import io
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from lightup.models import LightStatus
from lightup.services import lightup_sweep
from org.scoping import SYSTEM
from scorecard.models import (
    ItemKind,
    ItemMonthlyPlan,
    MonthlyActual,
    ScorecardItem,
    ScorecardStatus,
)
from tests import lightup_world
from tests.access import build_cast
from tests.conftest import Cast, need
from tests.factories_tracking import unit_scorecard
from tests.test_concurrency_signing import race
from tests.test_lightup_tally import exact_everywhere

pytestmark = pytest.mark.services

CLIENTS = 24  # PostgreSQL's default 100 connections, shared with the test's own


def _setup(status: str, role: str = "manager") -> tuple[Cast, ScorecardItem, list[Client]]:
    need(connection.vendor == "postgresql", "PostgreSQL for concurrent transactions")
    cast = build_cast()
    scorecard = unit_scorecard(cast.engineering, status=status)
    item = scorecard.items.filter(kind=ItemKind.QUANTITATIVE).get()
    return cast, item, [cast.client(role) for _ in range(CLIENTS)]


def _statuses(results: list[Any]) -> Counter[int]:
    for result in results:
        assert not isinstance(result, BaseException), result
    return Counter(result.status_code for result in results)


def test_concurrent_first_monthly_plans_give_one_winner_and_409s(transactional_db: Any) -> None:
    # HR sets Engineering's plan: its head (the manager) does not set their own unit's goals.
    _cast, item, clients = _setup(ScorecardStatus.DRAFT, role="hr")
    url = f"/api/v1/scorecard-items/{item.pk}/monthly-plan/"

    def save(client: Client, value: int) -> Any:
        body = {"version": item.version, "months": [{"month": 1, "value": str(value)}]}
        return client.put(url, body, content_type="application/json")

    results = race(*[lambda c=c, n=n: save(c, n) for n, c in enumerate(clients, start=1)])
    statuses = _statuses(results)
    assert set(statuses) <= {200, 409} and statuses[200] == 1, statuses
    winner = next(r for r in results if r.status_code == 200)
    plan = ItemMonthlyPlan.objects.get(item=item, month=1)
    assert ItemMonthlyPlan.history.filter(item_id=item.pk).count() == 1
    assert winner.json()["version"] == item.version + 1
    assert plan.value in {Decimal(n) for n in range(1, CLIENTS + 1)}


def test_concurrent_first_entries_give_one_winner_and_the_stale_message(
    transactional_db: Any,
) -> None:
    _cast, item, clients = _setup(ScorecardStatus.SIGNED)

    def enter(client: Client, value: int) -> Any:
        body = {"item": item.pk, "month": 1, "value": str(value)}
        return client.post("/api/v1/actuals/", body, content_type="application/json")

    results = race(*[lambda c=c, n=n: enter(c, n) for n, c in enumerate(clients, start=1)])
    statuses = _statuses(results)
    assert set(statuses) <= {201, 409} and statuses[201] == 1, statuses
    assert {r.json()["code"] for r in results if r.status_code == 409} == {"stale"}
    assert MonthlyActual.objects.filter(item=item, month=1).count() == 1
    assert MonthlyActual.history.filter(item_id=item.pk).count() == 1


def test_concurrent_imports_of_one_item_month_never_answer_500(transactional_db: Any) -> None:
    _cast, item, clients = _setup(ScorecardStatus.SIGNED)

    def upload(client: Client, value: int) -> Any:
        text = f"item_id,year,month,value\n{item.pk},{item.scorecard.year},1,{value}\n"
        named = io.BytesIO(text.encode())
        named.name = "a.csv"
        return client.post("/api/v1/actual-imports/", {"file": named})

    results = race(*[lambda c=c, n=n: upload(c, n) for n, c in enumerate(clients, start=1)])
    statuses = _statuses(results)
    assert set(statuses) <= {200, 409}, statuses
    done = [r.json() for r in results if r.status_code == 200]
    # One import created the month; any that ran after it changed (or kept) its value.
    assert sum(report["created"] for report in done) == 1
    assert {r.json()["code"] for r in results if r.status_code == 409} <= {"stale"}
    changes = 1 + sum(report["updated"] for report in done)
    assert MonthlyActual.objects.filter(item=item, month=1).count() == 1
    assert MonthlyActual.history.filter(item_id=item.pk).count() == changes


def _lights() -> set[tuple[Any, ...]]:
    fields = ("item_id", "month", "colour", "deviation", "actual_to_date", "red_streak")
    return set(LightStatus.objects.values_list(*fields))


def test_sweeps_of_one_month_at_once_all_finish_with_current_lights_and_exact_tallies(
    transactional_db: Any,
) -> None:
    """Each thread does what an import does: commits a new value, then sweeps the month
    (of the item's unit, or of every unit; in chunks of one unit or of all). Two sweeps
    refreshing the same units' tallies once collided on their unique key, and a sweep
    judging from a snapshot older than another's could overwrite newer lights."""
    need(connection.vendor == "postgresql", "PostgreSQL for concurrent transactions")
    world = lightup_world.build(build_cast())
    lightup_world.grow(world, 2)
    year, month, today = lightup_world.YEAR, lightup_world.MONTH, lightup_world.TODAY
    lightup_sweep(actor=SYSTEM, year=year, month=month, today=today)
    flipped = world.items["green"]
    unit = world.cast.engineering.pk

    def write_then_sweep(n: int) -> Any:
        value = Decimal(0 if n % 2 else 100)  # red, else green again
        MonthlyActual.objects.filter(item=flipped, month=month).update(value=value)
        return lightup_sweep(
            actor=SYSTEM,
            year=year,
            month=month,
            today=today,
            unit_ids=[unit] if n % 3 else None,
            chunk_items=1 if n % 4 < 2 else 1000,
            email=False,
        )

    for _round in range(3):
        results = race(*[lambda n=n: write_then_sweep(n) for n in range(8)])
        for result in results:
            assert not isinstance(result, BaseException), result
        exact_everywhere(world)
        swept = _lights()
        lightup_sweep(actor=SYSTEM, year=year, month=month, today=today)
        assert _lights() == swept  # the last sweep judged the last value
