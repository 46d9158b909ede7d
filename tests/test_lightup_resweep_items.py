"""The re-sweep after saved actuals judges only the changed items (and their units' items
that have no light of the month yet), and stores exactly what a sweep of the whole units
would: the same lights, the same light and objective tallies, the same warnings. Safe to
deliver twice, and with two saves in one unit re-swept at the same time.

Run on SQLite (the ORM path) and, in the full tier, on PostgreSQL (the SQL path, and the
ORM path with ``in_sql=False``).
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction

from lightup.models import LightStatus, LightTally, ObjectiveTally
from lightup.services import lightup_sweep
from lightup.tally import lock_units
from lightup.tasks import lightup_sweep_month
from notifications.models import Notification
from org.scoping import SYSTEM
from scorecard.models import ActualStatus, MonthlyActual, ScorecardItem
from scorecard.signals import actuals_changed
from spm.clock import FixedClock
from tests import lightup_world as worlds
from tests.conftest import Cast, need
from tests.factories_scorecard import ObjectiveFactory, PlanFactory
from tests.lightup_world import MONTH, TODAY, YEAR, World

pytestmark = pytest.mark.django_db

LIGHT_FIELDS = [f.name for f in LightStatus._meta.fields if f.name not in {"id", "computed_at"}]


def stored() -> dict[str, list[tuple[Any, ...]]]:
    """Everything a sweep stores: lights, both tallies, warnings (no ids, no times)."""
    return {
        "lights": list(LightStatus.objects.order_by("item_id", "month").values_list(*LIGHT_FIELDS)),
        "tallies": list(
            LightTally.objects.order_by("unit_id", "month", "colour").values_list(
                "unit_id", "year", "month", "colour", "lights"
            )
        ),
        "objective_tallies": list(
            ObjectiveTally.objects.order_by(
                "unit_id", "objective_id", "month", "colour"
            ).values_list("unit_id", "objective_id", "year", "month", "colour", "lights", "weight")
        ),
        "messages": list(
            Notification.objects.order_by("recipient_id", "dedupe_key").values_list(
                "recipient_id", "kind", "dedupe_key", "params"
            )
        ),
    }


def sweep(**kwargs: Any) -> Any:
    return lightup_sweep(actor=SYSTEM, year=YEAR, month=MONTH, today=TODAY, **kwargs)


# Long before any sweep: a light judged again carries the sweep's time instead, also when
# the clock is pinned (``SPM_TODAY``), where two sweeps stamp the same time.
LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)


def stamp_long_ago() -> set[int]:
    """Every light of the month stamped ``LONG_AGO``; returns their items."""
    lights = LightStatus.objects.filter(month=MONTH)
    lights.update(computed_at=LONG_AGO)
    return set(lights.values_list("item_id", flat=True))


def judged_again() -> set[int]:
    """The items whose light of the month a sweep wrote since :func:`stamp_long_ago`."""
    lights = LightStatus.objects.filter(month=MONTH).exclude(computed_at=LONG_AGO)
    return set(lights.values_list("item_id", flat=True))


@pytest.fixture(autouse=True)
def _on_the_worlds_day(monkeypatch: pytest.MonkeyPatch) -> None:
    """The task judges as of the world's day, as :func:`sweep` does."""
    monkeypatch.setattr("lightup.tasks.clock", lambda: FixedClock.on(TODAY))


@pytest.fixture
def world(cast: Cast) -> World:
    """The light-up world grown by two, with unit items linked to objectives (of both
    rollups' interest: weights, colours), swept once."""
    world = worlds.build(cast)
    worlds.grow(world, 2)
    plan = PlanFactory(owner_unit=cast.group)
    first, second = ObjectiveFactory(plan=plan), ObjectiveFactory(plan=plan)
    eng, fin = world.cards["engineering"], world.cards["finance"]
    world.items["linked_green"] = worlds.item(eng, "Linked green", objective=first)
    world.items["linked_red"] = worlds.item(eng, "Linked red", objective=first, monthly=Decimal(50))
    world.items["linked_fin"] = worlds.item(fin, "Linked finance", objective=second)
    sweep()
    return world


def change(world: World) -> list[ScorecardItem]:
    """Actuals of several Engineering items change colour (green to red, red to green,
    yellow to missing, a linked item to red, a rejected value), and a new item arrives
    with no light yet; the changed items."""
    items = world.items
    MonthlyActual.objects.filter(item=items["green"]).update(value=Decimal(10))
    MonthlyActual.objects.filter(item=items["red"]).update(value=Decimal(100))
    MonthlyActual.objects.filter(item=items["yellow"], month=MONTH).delete()
    MonthlyActual.objects.filter(item=items["linked_green"]).update(value=Decimal(40))
    MonthlyActual.objects.filter(item=items["employee_red"], month=MONTH).update(
        status=ActualStatus.REJECTED
    )
    worlds.item(world.cards["engineering"], "New since the sweep", monthly=Decimal(70))
    worlds.milestone_item(world.cards["engineering"], "New milestone", TODAY)
    return [items[k] for k in ("green", "red", "yellow", "linked_green", "employee_red")]


@pytest.mark.parametrize("in_sql", [True, False])
def test_a_resweep_of_the_changed_items_stores_what_a_full_sweep_stores(
    world: World, in_sql: bool
) -> None:
    changed = change(world)
    lit = stamp_long_ago()
    result = sweep(item_ids=[i.pk for i in changed], in_sql=in_sql)
    targeted = stored()
    # Only the changed items and the two new ones were judged again.
    assert result.items == len(changed) + 2
    again = judged_again()
    assert {i.pk for i in changed} <= again and len(again - lit) == 2
    untouched = lit - {i.pk for i in changed}
    assert untouched and not untouched & again
    colours = dict(LightStatus.objects.filter(month=MONTH).values_list("item__name", "colour"))
    assert colours["Capacity online"] == "red"
    assert colours["Profit"] == "green"
    assert colours["New since the sweep"] == "red"

    sweep(in_sql=in_sql)  # every unit, whole
    assert stored() == targeted


@pytest.mark.parametrize("in_sql", [True, False])
def test_a_resweep_of_a_month_never_swept_lights_the_whole_units(cast: Cast, in_sql: bool) -> None:
    world = worlds.build(cast)
    worlds.grow(world, 1)
    sweep(item_ids=[world.items["red"].pk], in_sql=in_sql)
    targeted = stored()
    engineering = ScorecardItem.objects.filter(scorecard__unit=cast.engineering)
    assert set(LightStatus.objects.values_list("item_id", flat=True)) == set(
        engineering.values_list("pk", flat=True)
    )
    sweep(unit_ids=[cast.engineering.pk], in_sql=in_sql)
    assert stored() == targeted


def test_the_task_delivered_twice_stores_the_same_and_warns_once(world: World) -> None:
    changed = [i.pk for i in change(world)]
    units = [world.cast.engineering.pk]
    first = lightup_sweep_month(YEAR, MONTH, units, item_ids=changed)
    once = stored()
    second = lightup_sweep_month(YEAR, MONTH, units, item_ids=changed)
    assert stored() == once  # the same lights and tallies, no warning twice
    assert first["items"] == len(changed) + 2  # with the two new items…
    assert second["items"] == len(changed)  # … which have their lights now
    sweep()
    assert stored() == once


def test_saved_actuals_resweep_only_their_items(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    """The path of a save: the signal, the task after the commit, the items only."""
    changed = world.items["green"]
    MonthlyActual.objects.filter(item=changed, month=MONTH).update(value=Decimal(50))
    stamp_long_ago()
    with django_capture_on_commit_callbacks(execute=True):
        actuals_changed.send(sender=None, year=YEAR, month=MONTH, item_ids=[changed.pk])
    assert judged_again() == {changed.pk}
    assert LightStatus.objects.get(item=changed, month=MONTH).colour == "yellow"
    expected = stored()
    sweep()
    assert stored() == expected


def test_an_objective_tally_follows_a_linked_items_new_colour(world: World) -> None:
    linked = world.items["linked_red"]
    MonthlyActual.objects.filter(item=linked).update(value=Decimal(100))
    sweep(item_ids=[linked.pk])
    objective = linked.objective_id
    assert set(
        ObjectiveTally.objects.filter(objective_id=objective).values_list("colour", flat=True)
    ) == {"green"}
    expected = stored()
    sweep()
    assert stored() == expected


@pytest.mark.services
def test_two_saves_in_one_unit_resweep_at_once_and_stay_exact(
    cast: Cast, transactional_db: Any
) -> None:
    """Two re-sweeps of one unit at the same time (two employees saving): each takes the
    unit's lock before it reads, so the second counts the first's new light."""
    need(connection.vendor == "postgresql", "PostgreSQL (two re-sweeps on two connections)")
    world = worlds.build(cast)
    worlds.grow(world, 2)
    eng = worlds.scorecard(cast.engineering, year=YEAR + 1)  # another year's card: left alone
    worlds.item(eng, "Next year")
    sweep()
    first, second = world.items["green"], world.items["red"]
    MonthlyActual.objects.filter(item=first).update(value=Decimal(10))
    MonthlyActual.objects.filter(item=second).update(value=Decimal(100))
    errors: list[BaseException] = []

    def resweep(pk: int) -> None:
        try:
            sweep(item_ids=[pk])
        except BaseException as exc:  # raised in the test below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=resweep, args=(pk,)) for pk in (first.pk, second.pk)]
    with transaction.atomic():
        lock_units([cast.engineering.pk])  # both wait here, then run one after the other
        for thread in threads:
            thread.start()
        threading.Event().wait(0.5)
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert LightStatus.objects.get(item=first, month=MONTH).colour == "red"
    assert LightStatus.objects.get(item=second, month=MONTH).colour == "green"
    expected = stored()
    sweep()
    assert stored() == expected
