"""Every scorecard page against the role cast: status codes and exact list rows."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.access import MEMBERS, UNITS, VISIBLE_UNITS, Cast, assert_scoped, expect, seeing
from tests.factories_scorecard import YEAR
from tests.scorecard_world import CHANGEABLE_CARDS, VISIBLE_CARDS, World

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(shared_cast: Cast) -> Cast:
    """Every test here works on the cast: build it once for the module."""
    return shared_cast


MANAGING = {"manager", "sibling_manager", "hr", "executive"}
# Who runs the Engineering unit's scorecards: its manager, HR and the executives.
ENGINEERING_EDITORS = {"manager", "hr", "executive"}


@pytest.fixture
def world(scorecard_world: World) -> World:
    return scorecard_world


@pytest.mark.parametrize("url_name", ["scorecard-list", "my-targets", "indicator-list"])
def test_list_pages_open_for_every_member(world: World, url_name: str) -> None:
    assert_scoped(world.cast, reverse(url_name), expect(MEMBERS))


@pytest.mark.parametrize("role", MEMBERS)
def test_scorecard_list_holds_exactly_the_scorecards_in_scope(world: World, role: str) -> None:
    # the list opens on this year by the app's clock: ask for the world's year explicitly
    response = world.cast.client(role).get(reverse("scorecard-list"), {"year": YEAR})
    listed = {c.pk for c in response.context["page"].object_list}
    assert listed == world.card_ids(VISIBLE_CARDS[role])


@pytest.mark.parametrize("card", sorted(VISIBLE_CARDS["hr"]))
def test_scorecard_page_is_404_outside_scope(world: World, card: str) -> None:
    url = reverse("scorecard-detail", args=[world.cards[card].pk])
    assert_scoped(world.cast, url, expect(seeing(VISIBLE_CARDS, card)))


@pytest.mark.parametrize("card", ["hq", "employee", "finance_clerk", "site"])
def test_item_page_is_404_outside_scope(world: World, card: str) -> None:
    url = reverse("scorecard-item", args=[world.items[card].pk])
    assert_scoped(world.cast, url, expect(seeing(VISIBLE_CARDS, card)))


@pytest.mark.parametrize("card", ["employee", "site", "finance_clerk"])
@pytest.mark.parametrize("url_name", ["scorecard-item-edit", "scorecard-item-plan"])
def test_item_edit_pages_need_change_scope(world: World, card: str, url_name: str) -> None:
    url = reverse(url_name, args=[world.items[card].pk])
    assert_scoped(world.cast, url, expect(seeing(CHANGEABLE_CARDS, card)))


@pytest.mark.parametrize("card", ["hq", "finance", "site"])
def test_add_item_page_needs_change_scope(world: World, card: str) -> None:
    url = reverse("scorecard-item-new", args=[world.cards[card].pk])
    assert_scoped(world.cast, url, expect(seeing(CHANGEABLE_CARDS, card)))


@pytest.mark.parametrize("unit", UNITS)
def test_unit_page_is_404_outside_scope(world: World, unit: str) -> None:
    url = reverse("scorecard-unit", args=[getattr(world.cast, unit).pk])
    assert_scoped(world.cast, url, expect(seeing(VISIBLE_UNITS, unit)))


@pytest.mark.parametrize("role", ["employee", *sorted(ENGINEERING_EDITORS)])
def test_unit_page_lists_the_team_and_sub_units_in_scope(world: World, role: str) -> None:
    cast = world.cast
    url = reverse("scorecard-unit", args=[cast.engineering.pk])
    response = cast.client(role).get(url, {"year": world.cards["hq"].year})
    team = {p.pk: p.card_id for p in response.context["page"].object_list}
    sub_units = {u.pk: u.card_id for u in response.context["sub_units"]}
    if role == "employee":
        # The employee reads its unit's page, and its own line of the team only.
        assert team == {cast.employee.pk: world.cards["employee"].pk}
        assert sub_units == {}
        return
    assert team == {cast.manager.pk: None, cast.employee.pk: world.cards["employee"].pk}
    assert sub_units == {cast.site.pk: world.cards["site"].pk}


@pytest.mark.parametrize(
    "role,unit",
    [(role, unit) for unit in ("site", "finance") for role in sorted(seeing(VISIBLE_UNITS, unit))],
)
def test_hand_overs_show_on_both_units_pages(world: World, role: str, unit: str) -> None:
    url = reverse("scorecard-unit", args=[getattr(world.cast, unit).pk])
    response = world.cast.client(role).get(url, {"year": world.cards["hq"].year})
    assert response.status_code == 200
    assert [m.pk for m in response.context["hand_overs"]] == [world.hand_over.pk]  # type: ignore[union-attr]


def test_alignment_is_for_managers_hr_and_executives(world: World) -> None:
    assert_scoped(world.cast, reverse("scorecard-alignment"), expect(MANAGING))


@pytest.mark.parametrize("role", MEMBERS)
def test_my_targets_shows_only_the_callers_own_goals(world: World, role: str) -> None:
    response = world.cast.client(role).get(reverse("my-targets"), {"year": world.cards["hq"].year})
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


def test_indicator_pages_are_read_by_all_and_written_by_hr_and_executives(world: World) -> None:
    pk = world.indicator.pk
    assert_scoped(world.cast, reverse("indicator-detail", args=[pk]), expect(MEMBERS))
    for url in (reverse("indicator-new"), reverse("indicator-edit", args=[pk])):
        assert_scoped(world.cast, url, expect({"hr", "executive"}))


@pytest.mark.parametrize("url_name", ["scorecard-item-cascade", "scorecard-item-assign"])
def test_cascade_pages_need_a_sub_unit_in_change_scope(world: World, url_name: str) -> None:
    hq = reverse(url_name, args=[world.items["hq"].pk])
    assert_scoped(world.cast, hq, expect({"hr", "executive"}))
    engineering = reverse(url_name, args=[world.items["engineering"].pk])
    assert_scoped(world.cast, engineering, expect(ENGINEERING_EDITORS))


def test_milestone_completion_is_for_the_responsible_unit_and_the_items_editors(
    world: World,
) -> None:
    url = reverse("milestone-complete", args=[world.hand_over.pk])  # type: ignore[union-attr]
    assert_scoped(world.cast, url, expect(ENGINEERING_EDITORS))
