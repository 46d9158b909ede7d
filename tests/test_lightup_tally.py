"""The light tallies the sweep keeps: the home page's "items by colour" read from them is
exactly what counting the viewer's lights gives, for every role; objective colours read
from them are what rolling up every linked item's light gives; and both stay exact when a
sweep covers only some units, an item is deleted or an item's weight or objective changes.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import reverse

from lightup import rules
from lightup.models import LightStatus, LightTally, ObjectiveTally
from lightup.nav import home_panels
from lightup.providers import objective_colours
from lightup.selectors import colour_counts
from lightup.services import lightup_sweep
from lightup.tally import colour_counts_in_scope
from org.scoping import SYSTEM, scope_of
from tests.conftest import CAST, Cast
from tests.factories_scorecard import ObjectiveFactory, PlanFactory
from tests.lightup_world import (
    MONTH,
    TODAY,
    YEAR,
    World,
    build,
    grow,
    item,
    scorecard,
    with_own_unit_card,
)

pytestmark = pytest.mark.django_db


def user_of(cast: Cast, role: str) -> Any:
    member = cast.member(role)
    return AnonymousUser() if member is None else member.user


def counted(user: Any, month: int = MONTH) -> dict[str, int]:
    """The reference: count the viewer's lights one by one."""
    return colour_counts(LightStatus.objects.restrict(user).filter(year=YEAR, month=month))


def rolled_up(objective_ids: list[int], rollup: str = "worst") -> dict[int, str]:
    """The reference: every linked unit item's light, rolled up in Python."""
    found: dict[int, list[tuple[str, Decimal]]] = {}
    for objective_id, colour, weight in LightStatus.objects.filter(
        item__objective_id__in=objective_ids,
        item__scorecard__employee__isnull=True,
        year=YEAR,
        month=MONTH,
    ).values_list("item__objective_id", "colour", "item__weight"):
        found.setdefault(objective_id, []).append((colour, weight))
    if rollup == "weighted":
        return {pk: rules.weighted(rows) for pk, rows in found.items()}
    return {pk: rules.worst(c for c, _w in rows) for pk, rows in found.items()}


@pytest.fixture
def world(cast: Cast) -> World:
    return with_own_unit_card(cast)


@pytest.mark.parametrize("role", CAST)
def test_colour_counts_from_the_tallies_equal_counting_the_lights_in_scope(
    world: World, role: str
) -> None:
    user = user_of(world.cast, role)
    assert colour_counts_in_scope(user, YEAR, MONTH) == counted(user)


def test_a_superuser_and_the_system_count_every_light(world: World) -> None:
    admin = get_user_model().objects.create_superuser("root", "root@example.com", "x")
    everything = colour_counts(LightStatus.objects.filter(year=YEAR, month=MONTH))
    assert sum(everything.values()) == LightStatus.objects.filter(month=MONTH).count() > 0
    assert colour_counts_in_scope(admin, YEAR, MONTH) == everything
    assert colour_counts_in_scope(SYSTEM, YEAR, MONTH) == everything


def test_a_sweep_of_some_units_recounts_only_theirs_and_stays_exact(world: World) -> None:
    cast = world.cast
    item(world.cards["finance"], "Late addition", monthly=Decimal(10))
    before = LightTally.objects.filter(unit=cast.engineering).values_list("pk", flat=True)
    kept = set(before)
    lightup_sweep(actor=SYSTEM, year=YEAR, month=MONTH, today=TODAY, unit_ids=[cast.finance.pk])
    assert set(before) == kept  # Engineering's tallies were not rewritten
    for role in CAST:
        user = user_of(cast, role)
        assert colour_counts_in_scope(user, YEAR, MONTH) == counted(user)


def test_deleting_an_item_recounts_its_units_tallies(world: World) -> None:
    world.items["employee_red"].delete()  # (the unit card is signed: locked)
    for role in CAST:
        user = user_of(world.cast, role)
        assert colour_counts_in_scope(user, YEAR, MONTH) == counted(user)


def test_months_are_tallied_apart(world: World) -> None:
    lightup_sweep(actor=SYSTEM, year=YEAR, month=MONTH - 1, today=TODAY)
    for month in (MONTH - 1, MONTH):
        hr = world.cast.hr.user
        assert colour_counts_in_scope(hr, YEAR, month) == counted(hr, month)
    assert colour_counts_in_scope(world.cast.hr.user, YEAR, MONTH - 2) == dict.fromkeys(
        rules.COLOURS, 0
    )


@pytest.fixture
def objectives(cast: Cast) -> dict[str, Any]:
    plan = PlanFactory(owner_unit=cast.group)
    found = {name: ObjectiveFactory(plan=plan) for name in ("a", "b", "c")}
    eng, fin = scorecard(cast.engineering), scorecard(cast.finance)
    found["items"] = [
        item(eng, "Fine", objective=found["a"]),
        item(eng, "Red", objective=found["a"], monthly=Decimal(50)),
        item(fin, "Yellow", objective=found["b"], monthly=Decimal(90)),
        item(fin, "Green", objective=found["b"]),
    ]
    item(scorecard(cast.engineering, cast.employee), "Own", objective=found["c"])
    lightup_sweep(actor=SYSTEM, year=YEAR, month=MONTH, today=TODAY)
    return found


def ids(objectives: dict[str, Any]) -> list[int]:
    return [objectives[name].pk for name in ("a", "b", "c")]


@pytest.mark.parametrize("rollup", ["worst", "weighted"])
def test_objective_colours_from_the_tallies_equal_rolling_up_every_light(
    objectives: dict[str, Any], rollup: str
) -> None:
    wanted = ids(objectives)
    found = objective_colours(wanted, (YEAR, MONTH), rollup)
    assert found == rolled_up(wanted, rollup)
    assert objectives["c"].pk not in found  # a personal item colours no objective
    assert found[objectives["a"].pk] == ("red" if rollup == "worst" else "yellow")


def test_an_edited_items_weight_and_objective_reach_the_objective_tallies(
    objectives: dict[str, Any],
) -> None:
    fine, red, *_ = objectives["items"]
    fine.weight = Decimal(90)
    fine.save()
    assert objective_colours(ids(objectives), (YEAR, MONTH), "weighted") == rolled_up(
        ids(objectives), "weighted"
    )
    red.objective = objectives["b"]
    red.save()
    for rollup in ("worst", "weighted"):
        assert objective_colours(ids(objectives), (YEAR, MONTH), rollup) == rolled_up(
            ids(objectives), rollup
        )
    assert objective_colours(ids(objectives), (YEAR, MONTH))[objectives["a"].pk] == "green"


def test_a_deleted_items_light_leaves_the_objective_tallies(objectives: dict[str, Any]) -> None:
    objectives["items"][1].delete()
    assert objective_colours(ids(objectives), (YEAR, MONTH)) == rolled_up(ids(objectives))
    assert not ObjectiveTally.objects.filter(colour="red").exists()


@pytest.mark.parametrize("size", [1, 6])
def test_the_home_panels_counts_cost_the_same_queries_at_two_sizes(
    cast: Cast, size: int, django_assert_num_queries: Any
) -> None:
    """Executives' home: the lights panel reads tallies whatever the number of items."""
    world = build(cast)
    grow(world, size)
    lightup_sweep(actor=SYSTEM, year=YEAR, month=MONTH, today=TODAY)
    request = RequestFactory().get("/")
    request.user = cast.executive.user
    scope = scope_of(cast.executive.user)
    # latest month, tallies of the scope, the executive's own lights outside it, current
    # plan (approved, else the latest: two without a plan)
    with django_assert_num_queries(5):
        panels = home_panels(request, scope)
    counts = panels[0].context["item_counts"]
    assert counts == counted(cast.executive.user)
    assert sum(counts.values()) == 6 + 3 * size
    response = cast.client("executive").get(reverse("home"))
    assert response.status_code == 200


def exact_everywhere(world: World, month: int = MONTH) -> None:
    """Both tallies equal counting the lights: for every role, and for every objective."""
    for role in CAST:
        user = user_of(world.cast, role)
        assert colour_counts_in_scope(user, YEAR, month) == counted(user, month), role
    objective_ids = list(
        LightStatus.objects.filter(item__objective__isnull=False).values_list(
            "item__objective_id", flat=True
        )
    )
    for rollup in ("worst", "weighted"):
        found = objective_colours(objective_ids, (YEAR, month), rollup)
        assert found == rolled_up(objective_ids, rollup)


def test_a_stopped_sweep_leaves_exact_tallies_and_its_rerun_completes_them(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lightup import services
    from scorecard.models import MonthlyActual

    plan = PlanFactory(owner_unit=world.cast.group)
    linked = item(world.cards["finance"], "Linked", objective=ObjectiveFactory(plan=plan))
    lightup_sweep(actor=SYSTEM, year=YEAR, month=MONTH, today=TODAY)
    MonthlyActual.objects.filter(item__scorecard__year=YEAR).update(value=Decimal(10))  # all red
    chunk = services.sweep_chunk
    calls: list[int] = []

    def stops_at_the_second(*args: Any, **kwargs: Any) -> None:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("worker lost")
        chunk(*args, **kwargs)

    monkeypatch.setattr(services, "sweep_chunk", stops_at_the_second)
    with pytest.raises(RuntimeError, match="worker lost"):
        lightup_sweep(actor=SYSTEM, year=YEAR, month=MONTH, today=TODAY, chunk_items=1)
    colours = set(LightStatus.objects.filter(month=MONTH).values_list("colour", flat=True))
    assert "red" in colours and len(colours) > 1  # half swept: some lights still the old ones
    exact_everywhere(world)
    monkeypatch.setattr(services, "sweep_chunk", chunk)
    lightup_sweep(actor=SYSTEM, year=YEAR, month=MONTH, today=TODAY, chunk_items=1)
    exact_everywhere(world)
    assert LightStatus.objects.get(item=linked, month=MONTH).colour == "red"
    assert not LightTally.objects.filter(month=MONTH, colour="green").exists()


def test_a_sweep_after_an_edit_and_a_delete_keeps_the_tallies_exact(world: World) -> None:
    from scorecard.models import MonthlyActual

    world.items["employee_red"].delete()
    MonthlyActual.objects.filter(item=world.items["red"]).update(value=Decimal(100))
    lightup_sweep(actor=SYSTEM, year=YEAR, month=MONTH, today=TODAY)
    exact_everywhere(world)
    assert LightStatus.objects.get(item=world.items["red"], month=MONTH).colour == "green"
