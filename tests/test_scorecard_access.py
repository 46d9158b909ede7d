"""Every scorecard page against the role cast: status codes and exact list rows."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.conftest import CAST, Cast
from tests.scorecard_world import CARDS, CHANGEABLE_CARDS, VISIBLE_CARDS, World, build_world
from tests.test_org_access import UNITS, VISIBLE_UNITS

pytestmark = pytest.mark.django_db

MANAGING = {"manager", "sibling_manager", "hr", "executive"}


@pytest.fixture
def world(cast: Cast) -> World:
    return build_world(cast)


def _get(world: World, role: str, url: str, **params: Any) -> Any:
    return world.cast.client(role).get(url, params)


def _expect(response: Any, role: str, allowed: bool) -> None:
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == (200 if allowed else 404)


@pytest.mark.parametrize("role", CAST)
@pytest.mark.parametrize("url_name", ["scorecard-list", "my-targets", "indicator-list"])
def test_list_pages_open_for_every_member(world: World, role: str, url_name: str) -> None:
    _expect(_get(world, role, reverse(url_name)), role, True)


@pytest.mark.parametrize("role", CAST)
def test_scorecard_list_holds_exactly_the_scorecards_in_scope(world: World, role: str) -> None:
    response = _get(world, role, reverse("scorecard-list"))
    if role == "anonymous":
        return
    listed = {c.pk for c in response.context["page"].object_list}
    assert listed == world.card_ids(VISIBLE_CARDS[role])


@pytest.mark.parametrize("role", CAST)
@pytest.mark.parametrize("card", CARDS)
def test_scorecard_page_is_404_outside_scope(world: World, role: str, card: str) -> None:
    response = _get(world, role, reverse("scorecard-detail", args=[world.cards[card].pk]))
    _expect(response, role, card in VISIBLE_CARDS[role])


@pytest.mark.parametrize("role", CAST)
@pytest.mark.parametrize("card", ["hq", "employee", "finance_clerk", "site"])
def test_item_page_is_404_outside_scope(world: World, role: str, card: str) -> None:
    response = _get(world, role, reverse("scorecard-item", args=[world.items[card].pk]))
    _expect(response, role, card in VISIBLE_CARDS[role])


@pytest.mark.parametrize("role", CAST)
@pytest.mark.parametrize("card", ["employee", "site", "finance_clerk"])
@pytest.mark.parametrize("url_name", ["scorecard-item-edit", "scorecard-item-plan"])
def test_item_edit_pages_need_change_scope(
    world: World, role: str, card: str, url_name: str
) -> None:
    response = _get(world, role, reverse(url_name, args=[world.items[card].pk]))
    _expect(response, role, card in CHANGEABLE_CARDS[role])


@pytest.mark.parametrize("role", CAST)
@pytest.mark.parametrize("card", ["hq", "finance", "site"])
def test_add_item_page_needs_change_scope(world: World, role: str, card: str) -> None:
    response = _get(world, role, reverse("scorecard-item-new", args=[world.cards[card].pk]))
    _expect(response, role, card in CHANGEABLE_CARDS[role])


@pytest.mark.parametrize("role", CAST)
@pytest.mark.parametrize("unit", UNITS)
def test_unit_page_is_404_outside_scope(world: World, role: str, unit: str) -> None:
    response = _get(world, role, reverse("scorecard-unit", args=[getattr(world.cast, unit).pk]))
    _expect(response, role, unit in VISIBLE_UNITS[role])


@pytest.mark.parametrize("role", CAST)
def test_unit_page_lists_the_team_and_sub_units_in_scope(world: World, role: str) -> None:
    cast = world.cast
    response = _get(world, role, reverse("scorecard-unit", args=[cast.engineering.pk]), year=2026)
    if role not in {"manager", "hr", "executive"}:
        return
    team = {p.pk: p.card_id for p in response.context["page"].object_list}
    assert team == {
        cast.manager.pk: None,
        cast.employee.pk: world.cards["employee"].pk,
    }
    assert {u.pk: u.card_id for u in response.context["sub_units"]} == {
        cast.site.pk: world.cards["site"].pk
    }


@pytest.mark.parametrize("role", CAST)
@pytest.mark.parametrize("unit", ["site", "finance"])
def test_hand_overs_show_on_both_units_pages(world: World, role: str, unit: str) -> None:
    url = reverse("scorecard-unit", args=[getattr(world.cast, unit).pk])
    response = _get(world, role, url, year=2026)
    if response.status_code != 200:
        return
    assert [m.pk for m in response.context["hand_overs"]] == [world.hand_over.pk]  # type: ignore[union-attr]


@pytest.mark.parametrize("role", CAST)
def test_alignment_is_for_managers_hr_and_executives(world: World, role: str) -> None:
    _expect(_get(world, role, reverse("scorecard-alignment")), role, role in MANAGING)


@pytest.mark.parametrize("role", CAST)
def test_my_targets_shows_only_the_callers_own_goals(world: World, role: str) -> None:
    response = _get(world, role, reverse("my-targets"), year=2026)
    if role == "anonymous":
        return
    rows = response.context["targets"].rows
    if role == "employee":
        assert [r.item.pk for r in rows] == [world.items["employee"].pk]
        line = rows[0].line
        assert [s.item_id for s in line.steps] == [
            world.items["engineering"].pk,
            world.items["hq"].pk,
        ]
        assert line.company_objective == world.f1
    else:
        assert rows == []


@pytest.mark.parametrize("role", CAST)
def test_indicator_pages_are_read_by_all_and_written_by_hr_and_executives(
    world: World, role: str
) -> None:
    detail = _get(world, role, reverse("indicator-detail", args=[world.indicator.pk]))
    _expect(detail, role, True)
    for url in (reverse("indicator-new"), reverse("indicator-edit", args=[world.indicator.pk])):
        _expect(_get(world, role, url), role, role in {"hr", "executive"})


@pytest.mark.parametrize("role", CAST)
@pytest.mark.parametrize("url_name", ["scorecard-item-cascade", "scorecard-item-assign"])
def test_cascade_pages_need_a_sub_unit_in_change_scope(
    world: World, role: str, url_name: str
) -> None:
    response = _get(world, role, reverse(url_name, args=[world.items["hq"].pk]))
    _expect(response, role, role in {"hr", "executive"})
    response = _get(world, role, reverse(url_name, args=[world.items["engineering"].pk]))
    _expect(response, role, role in {"manager", "hr", "executive"})


@pytest.mark.parametrize("role", CAST)
def test_milestone_completion_is_for_the_responsible_unit_and_the_items_editors(
    world: World, role: str
) -> None:
    response = _get(world, role, reverse("milestone-complete", args=[world.hand_over.pk]))  # type: ignore[union-attr]
    _expect(response, role, role in {"manager", "hr", "executive"})
