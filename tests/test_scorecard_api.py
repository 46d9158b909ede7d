"""The scorecard API against the role cast: exact lists, 404 outside scope, writes
through the services, stale edits and locks answered with 409."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from scorecard.models import Indicator, Scorecard, ScorecardItem
from tests.conftest import CAST, Cast
from tests.factories import EmployeeFactory
from tests.factories_scorecard import lock
from tests.scorecard_world import CARDS, CHANGEABLE_CARDS, VISIBLE_CARDS, World

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(shared_cast: Cast) -> Cast:
    """Every test here works on the cast: build it once for the module."""
    return shared_cast


D = Decimal
JSON = "application/json"

ITEMS_ON = {
    "hq": ["hq"],
    "engineering": ["engineering", "capacity"],
    "site": ["site"],
    "finance": ["finance"],
    "employee": ["employee"],
    "site_worker": ["site_worker"],
    "finance_clerk": ["finance_clerk"],
}


@pytest.fixture
def world(scorecard_world: World) -> World:
    """The scorecards of ``tests/scorecard_world.py``, built once for the module."""
    return scorecard_world


def _rows(response: Any) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("role", CAST)
def test_scorecard_list_holds_exactly_the_scorecards_in_scope(world: World, role: str) -> None:
    response = world.cast.client(role).get("/api/v1/scorecards/")
    if role == "anonymous":
        assert response.status_code == 401
        return
    assert _rows(response) == world.card_ids(VISIBLE_CARDS[role])


@pytest.mark.parametrize("role", CAST)
def test_item_list_holds_exactly_the_items_in_scope(world: World, role: str) -> None:
    response = world.cast.client(role).get("/api/v1/scorecard-items/")
    if role == "anonymous":
        assert response.status_code == 401
        return
    expected = {world.items[i].pk for card in VISIBLE_CARDS[role] for i in ITEMS_ON[card]}
    assert _rows(response) == expected


@pytest.mark.parametrize("role", CAST)
def test_a_hand_over_is_listed_for_both_units_and_the_items_scope(world: World, role: str) -> None:
    response = world.cast.client(role).get("/api/v1/milestones/")
    if role == "anonymous":
        assert response.status_code == 401
        return
    # On Engineering's card; Site delivers, Finance takes over.
    sees = role in {"employee", "manager", "sibling_manager", "hr", "executive"}
    assert _rows(response) == ({world.hand_over.pk} if sees else set())  # type: ignore[union-attr]


@pytest.mark.parametrize("role", CAST)
def test_every_member_reads_the_indicator_dictionary(world: World, role: str) -> None:
    response = world.cast.client(role).get("/api/v1/indicators/")
    if role == "anonymous":
        assert response.status_code == 401
        return
    assert _rows(response) == {world.indicator.pk}


@pytest.mark.parametrize("role", CAST)
@pytest.mark.parametrize("card", CARDS)
def test_scorecard_detail_is_404_outside_scope(world: World, role: str, card: str) -> None:
    response = world.cast.client(role).get(f"/api/v1/scorecards/{world.cards[card].pk}/")
    expected = 401 if role == "anonymous" else (200 if card in VISIBLE_CARDS[role] else 404)
    assert response.status_code == expected


@pytest.mark.parametrize("role", CAST)
@pytest.mark.parametrize("card", ["site", "finance_clerk", "employee"])
def test_only_the_change_scope_patches_an_item(world: World, role: str, card: str) -> None:
    item = world.items[card]
    new = item.target + 1  # type: ignore[operator]
    response = world.cast.client(role).patch(
        f"/api/v1/scorecard-items/{item.pk}/", {"target": str(new), "version": 1}, content_type=JSON
    )
    allowed = card in CHANGEABLE_CARDS[role]
    assert response.status_code == (401 if role == "anonymous" else 200 if allowed else 404)
    item.refresh_from_db()
    assert (item.target == new) == allowed


def test_a_patch_without_a_version_is_refused(world: World) -> None:
    item = world.items["site"]
    response = world.cast.client("manager").patch(
        f"/api/v1/scorecard-items/{item.pk}/", {"target": "550"}, content_type=JSON
    )
    assert response.status_code == 400
    assert "version" in response.json()["fields"]


def test_an_unknown_field_is_refused_and_nothing_changes(world: World) -> None:
    item = world.items["site"]
    response = world.cast.client("manager").patch(
        f"/api/v1/scorecard-items/{item.pk}/",
        {"target": "550", "version": 1, "tagret": "600"},
        content_type=JSON,
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "unknown" and list(body["fields"]) == ["tagret"]
    item.refresh_from_db()
    assert item.version == 1


def test_a_stale_api_edit_is_a_409_and_changes_nothing(world: World) -> None:
    item = world.items["site"]
    url = f"/api/v1/scorecard-items/{item.pk}/"
    client = world.cast.client("manager")
    assert client.patch(url, {"target": "550", "version": 1}, content_type=JSON).status_code == 200
    response = world.cast.client("hr").patch(
        url, {"target": "450", "version": 1}, content_type=JSON
    )
    assert response.status_code == 409
    assert response.json()["code"] == "stale"
    assert "changed by someone else since you opened it" in response.json()["detail"]
    current = response.json()["current"]
    assert (current["id"], current["version"], current["target"]) == (item.pk, 2, "550.0000")
    item.refresh_from_db()
    assert (item.target, item.version) == (D(550), 2)
    body = client.get(url).json()
    assert body["version"] == 2 and body["target"] == "550.0000"


def test_a_locked_scorecard_answers_409_to_items_plans_and_milestones(world: World) -> None:
    client = world.cast.client("hr")
    item = world.items["engineering"]
    response = client.put(
        f"/api/v1/scorecard-items/{item.pk}/monthly-plan/",
        {"version": 1, "months": [{"month": 1, "value": "50"}]},
        content_type=JSON,
    )
    assert response.status_code == 409 and response.json()["code"] == "locked"
    response = client.patch(
        f"/api/v1/milestones/{world.hand_over.pk}/",
        {"name": "Renamed"},
        content_type=JSON,  # type: ignore[union-attr]
    )
    assert response.status_code == 409
    response = client.post(
        "/api/v1/scorecard-items/",
        {"scorecard": world.cards["engineering"].pk, "kind": "key_task", "name": "More"},
        content_type=JSON,
    )
    assert response.status_code == 409
    assert not ScorecardItem.objects.filter(name="More").exists()


def test_creating_an_item_on_a_scorecard_out_of_scope_is_refused(world: World) -> None:
    response = world.cast.client("manager").post(
        "/api/v1/scorecard-items/",
        {"scorecard": world.cards["finance"].pk, "kind": "key_task", "name": "Sneaky"},
        content_type=JSON,
    )
    assert response.status_code == 400
    assert "scorecard" in response.json()["fields"]


def test_managers_create_scorecards_for_their_people(world: World) -> None:
    client = world.cast.client("manager")
    newcomer = EmployeeFactory.create(unit=world.cast.engineering, line_manager=world.cast.manager)
    response = client.post(
        "/api/v1/scorecards/",
        {"employee": newcomer.pk, "year": 2026},
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    card = Scorecard.objects.get(pk=response.json()["id"])
    assert (card.unit, card.plan, response.json()["item_count"]) == (
        world.cast.engineering,
        world.plan,
        0,
    )
    response = client.post(
        "/api/v1/scorecards/",
        {"employee": world.cast.finance_clerk.pk, "year": 2027},
        content_type=JSON,
    )
    assert response.status_code == 400


def test_cascade_and_assign_through_the_api(world: World) -> None:
    client = world.cast.client("manager")
    cast = world.cast
    newcomer = EmployeeFactory.create(
        unit=cast.engineering, line_manager=cast.manager, job_title="Apprentice"
    )
    parent = world.items["engineering"]
    response = client.post(
        f"/api/v1/scorecard-items/{parent.pk}/cascade/",
        {
            "mode": "percentages",
            "allocations": [
                {"unit": cast.site.pk, "share": "75", "weight": "50"},
                {"employee": newcomer.pk, "share": "25"},
            ],
        },
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    children = ScorecardItem.objects.filter(pk__in=response.json()["items"]).order_by("target")
    # 100 of the 600 went to a child earlier (the world): the percentages split what is left.
    assert [c.target for c in children] == [D(125), D(375)]
    assert response.json()["scorecards_created"] == 1
    response = client.post(
        f"/api/v1/scorecard-items/{world.items['capacity'].pk}/assign/",
        {"unit": cast.engineering.pk, "job_title": "Engineer"},
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    assert response.json() == {"created": 2, "already": 0, "locked": 0, "scorecards_created": 0}


def test_cascading_to_a_unit_out_of_scope_is_refused(world: World) -> None:
    response = world.cast.client("manager").post(
        f"/api/v1/scorecard-items/{world.items['engineering'].pk}/cascade/",
        {"mode": "same", "allocations": [{"unit": world.cast.finance.pk}]},
        content_type=JSON,
    )
    assert response.status_code == 400
    assert not ScorecardItem.objects.filter(
        scorecard__unit=world.cast.finance, parent=world.items["engineering"]
    ).exists()


@pytest.mark.parametrize("role", CAST)
def test_only_hr_and_executives_write_indicators(world: World, role: str) -> None:
    response = world.cast.client(role).post(
        "/api/v1/indicators/",
        {"code": "NEW", "name": "New", "polarity": "higher", "owner_unit": world.cast.group.pk},
        content_type=JSON,
    )
    # The others cannot name the group as owner unit: for them it does not exist.
    expected = {"hr": 201, "executive": 201, "anonymous": 401}.get(role, 400)
    assert response.status_code == expected
    assert Indicator.objects.filter(code="NEW").exists() == (expected == 201)


def test_an_indicator_formula_is_checked_and_evaluated(world: World) -> None:
    client = world.cast.client("hr")
    base = {"polarity": "higher", "owner_unit": world.cast.group.pk, "formula_is_expression": True}
    response = client.post(
        "/api/v1/indicators/",
        {"code": "ROE", "name": "ROE", "formula": "PROFIT / EQUITY * 100", **base},
        content_type=JSON,
    )
    assert response.status_code == 400
    assert "Unknown indicator: EQUITY" in str(response.json()["fields"]["formula"])
    client.post(
        "/api/v1/indicators/",
        {
            "code": "EQUITY",
            "name": "Equity",
            "polarity": "higher",
            "owner_unit": world.cast.group.pk,
        },
        content_type=JSON,
    )
    response = client.post(
        "/api/v1/indicators/",
        {"code": "ROE", "name": "ROE", "formula": "PROFIT / EQUITY * 100", **base},
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    url = f"/api/v1/indicators/{response.json()['id']}/evaluate/"
    ok = client.post(url, {"values": {"PROFIT": "120", "EQUITY": "800"}}, content_type=JSON)
    assert ok.json() == {"value": "15", "error": ""}
    zero = client.post(url, {"values": {"PROFIT": "120", "EQUITY": "0"}}, content_type=JSON)
    assert zero.status_code == 400 and "Division by zero" in zero.json()["error"]


@pytest.mark.parametrize("role", CAST)
def test_my_targets_endpoint_returns_the_callers_goals_with_their_line(
    world: World, role: str
) -> None:
    response = world.cast.client(role).get("/api/v1/my-targets/", {"year": 2026})
    if role == "anonymous":
        assert response.status_code == 401
        return
    body = response.json()
    if role == "employee":
        (target,) = body["targets"]
        assert target["item"]["id"] == world.items["employee"].pk
        assert [s["owner"] for s in target["line"]] == ["Engineering", "Headquarters"]
        assert target["objectives"][-1]["code"] == "F1"
    else:
        assert body["targets"] == [] and body["scorecard"] is None


@pytest.mark.parametrize("role", CAST)
def test_alignment_endpoint_is_for_managers_hr_and_executives(world: World, role: str) -> None:
    response = world.cast.client(role).get("/api/v1/alignment/", {"year": 2026})
    expected = {"anonymous": 401, "employee": 404}.get(role, 200)
    assert response.status_code == expected
    if role in {"hr", "executive"}:
        body = response.json()
        assert body["problems"]["items_without_objective"] == 1
        assert [b["objective"]["code"] for b in body["branches"]] == ["F1", "F2"]


def test_locking_the_parent_does_not_stop_a_cascade(world: World) -> None:
    lock(world.cards["hq"])
    response = world.cast.client("hr").post(
        f"/api/v1/scorecard-items/{world.items['hq'].pk}/cascade/",
        {"mode": "same", "allocations": [{"unit": world.cast.site.pk}]},
        content_type=JSON,
    )
    assert response.status_code == 201
