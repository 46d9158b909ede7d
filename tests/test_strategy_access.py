"""Every strategy page and endpoint against the role cast: status codes and exact rows.

The world: the group's approved plan (objectives owned by the group, engineering, its site
team and finance) and a draft of its next version (objectives of engineering and finance).

- employees read the approved plan, nothing of the draft;
- managers read the approved plan too (they are employees) plus their units' part of the
  draft — the draft plan itself stays out of sight;
- HR reads everything in its subtree and edits nothing; executives read and edit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from org.scoping import SYSTEM
from spm.clock import FixedClock
from strategy import services
from strategy.models import CauseEffectLink, Objective, PlanStatus, StrategicPlan
from tests.conftest import CAST, Cast, PinnedClock
from tests.factories_strategy import PlanKit, make_plan

pytestmark = pytest.mark.django_db

EDITORS = {"executive"}


@dataclass
class World:
    approved: PlanKit
    draft: PlanKit
    objectives: dict[str, Objective]
    links: dict[str, CauseEffectLink]


@pytest.fixture
def world(cast: Cast) -> World:
    approved = make_plan(cast.group, name="Clean Power")
    o = {
        "a_group": approved.objective("financial", code="F1"),
        "a_eng": approved.objective("internal", unit=cast.engineering, code="P1"),
        "a_site": approved.objective("learning", unit=cast.site, code="L1"),
        "a_fin": approved.objective("customer", unit=cast.finance, code="C1"),
    }
    links = {
        "a_1": approved.link(o["a_site"], o["a_eng"]),
        "a_2": approved.link(o["a_eng"], o["a_fin"]),
    }
    StrategicPlan.objects.filter(pk=approved.plan.pk).update(status=PlanStatus.APPROVED)
    draft = make_plan(
        cast.group, name="Clean Power", version=2, previous=approved.plan, status=PlanStatus.DRAFT
    )
    o["d_eng"] = draft.objective("internal", unit=cast.engineering, code="P1")
    o["d_fin"] = draft.objective("customer", unit=cast.finance, code="C1")
    links["d_1"] = draft.link(o["d_eng"], o["d_fin"])
    approved.plan.refresh_from_db()
    return World(approved=approved, draft=draft, objectives=o, links=links)


PUBLISHED = {"a_group", "a_eng", "a_site", "a_fin"}
VISIBLE_OBJECTIVES = {
    "employee": PUBLISHED,
    "manager": PUBLISHED | {"d_eng"},
    "sibling_manager": PUBLISHED | {"d_fin"},
    "hr": PUBLISHED | {"d_eng", "d_fin"},
    "executive": PUBLISHED | {"d_eng", "d_fin"},
    "anonymous": set(),
}
VISIBLE_PLANS = {
    "employee": {"approved"},
    "manager": {"approved"},
    "sibling_manager": {"approved"},
    "hr": {"approved", "draft"},
    "executive": {"approved", "draft"},
    "anonymous": set(),
}
VISIBLE_LINKS = {
    role: ({"a_1", "a_2"} | ({"d_1"} if "draft" in plans else set()))
    for role, plans in VISIBLE_PLANS.items()
}
VISIBLE_LINKS["anonymous"] = set()


def _plan(world: World, name: str) -> StrategicPlan:
    return getattr(world, name).plan


def _expect(role: str, visible: bool) -> int:
    if role == "anonymous":
        return 302
    return 200 if visible else 404


# --- Pages ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", CAST)
@pytest.mark.parametrize(
    "url_name", ["strategy-home", "strategy-plan-list", "strategy-map-current", "home"]
)
def test_strategy_pages_need_a_login_and_open_for_every_member(
    cast: Cast, world: World, role: str, url_name: str
) -> None:
    response = cast.client(role).get(reverse(url_name))
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    elif url_name == "strategy-map-current":
        assert response.status_code == 302
        assert response["Location"] == reverse("strategy-map", args=[world.approved.plan.pk])
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("role", CAST)
@pytest.mark.parametrize("plan_name", ["approved", "draft"])
@pytest.mark.parametrize(
    "url_name",
    ["strategy-plan-detail", "strategy-map", "strategy-map-svg", "strategy-map-pdf"],
)
def test_plan_pages_and_exports_answer_404_outside_scope(
    cast: Cast, world: World, role: str, plan_name: str, url_name: str
) -> None:
    response = cast.client(role).get(reverse(url_name, args=[_plan(world, plan_name).pk]))
    assert response.status_code == _expect(role, plan_name in VISIBLE_PLANS[role])


@pytest.mark.parametrize("role", CAST)
@pytest.mark.parametrize("name", sorted(VISIBLE_OBJECTIVES["executive"]))
def test_objective_page_answers_404_outside_scope(
    cast: Cast, world: World, role: str, name: str
) -> None:
    url = reverse("strategy-objective-detail", args=[world.objectives[name].pk])
    assert cast.client(role).get(url).status_code == _expect(role, name in VISIBLE_OBJECTIVES[role])


@pytest.mark.parametrize("role", CAST)
def test_plan_list_holds_exactly_the_plans_in_scope(cast: Cast, world: World, role: str) -> None:
    if role == "anonymous":
        return
    listed = {p.pk for p in cast.client(role).get(reverse("strategy-plan-list")).context["plans"]}
    assert listed == {_plan(world, name).pk for name in VISIBLE_PLANS[role]}


@pytest.mark.parametrize("role", CAST)
def test_map_of_the_approved_plan_shows_every_published_objective(
    cast: Cast, world: World, role: str
) -> None:
    if role == "anonymous":
        return
    response = cast.client(role).get(reverse("strategy-map", args=[world.approved.plan.pk]))
    assert set(response.context["map"].objectives) == {world.objectives[n].pk for n in PUBLISHED}
    assert response.context["can_edit"] is False  # approved versions are read-only for all
    assert "Add objective" not in response.content.decode()


@pytest.mark.parametrize("role", CAST)
def test_managers_see_their_units_part_of_the_draft_on_their_strategy_page(
    cast: Cast, world: World, role: str
) -> None:
    if role == "anonymous":
        return
    mine = cast.client(role).get(reverse("strategy-home")).context["my_objectives"]
    expected = {
        "manager": {"a_eng", "a_site", "d_eng"},
        "sibling_manager": {"a_fin", "d_fin"},
    }.get(role)
    if expected is None:
        assert mine is None
    else:
        assert {o.pk for o in mine} == {world.objectives[n].pk for n in expected}


EDIT_PAGES = [
    ("strategy-plan-edit", "plan"),
    ("strategy-perspective-create", "plan"),
    ("strategy-theme-create", "plan"),
    ("strategy-strategy-create", "plan"),
    ("strategy-objective-create", "plan"),
    ("strategy-link-create", "plan"),
    ("strategy-objective-edit", "objective"),
    ("strategy-perspective-edit", "perspective"),
]


def _edit_target(world: World, kind: str) -> int:
    if kind == "plan":
        return world.draft.plan.pk
    if kind == "objective":
        return world.objectives["d_eng"].pk
    return world.draft.bands["customer"].pk


@pytest.mark.parametrize("role", CAST)
@pytest.mark.parametrize("url_name,kind", EDIT_PAGES)
def test_only_executives_reach_the_edit_pages(
    cast: Cast, world: World, role: str, url_name: str, kind: str
) -> None:
    response = cast.client(role).get(reverse(url_name, args=[_edit_target(world, kind)]))
    assert response.status_code == _expect(role, role in EDITORS)


@pytest.mark.parametrize("role", CAST)
def test_only_executives_reach_the_new_plan_page(cast: Cast, world: World, role: str) -> None:
    response = cast.client(role).get(reverse("strategy-plan-create"))
    assert response.status_code == _expect(role, role in EDITORS)


@pytest.mark.parametrize("role", CAST)
def test_the_edit_page_of_an_approved_plan_sends_executives_back_to_the_plan(
    cast: Cast, world: World, role: str
) -> None:
    response = cast.client(role).get(reverse("strategy-plan-edit", args=[world.approved.plan.pk]))
    if role in EDITORS:
        assert response.status_code == 302
        assert response["Location"] == reverse(
            "strategy-plan-detail", args=[world.approved.plan.pk]
        )
    else:
        assert response.status_code == _expect(role, False)


@pytest.mark.parametrize("role", CAST)
@pytest.mark.parametrize(
    "url_name,target",
    [
        ("strategy-objective-delete", "objective"),
        ("strategy-link-delete", "link"),
        ("strategy-plan-approve", "plan"),
        ("strategy-plan-delete", "plan"),
        ("strategy-map", "plan"),
    ],
)
def test_only_executives_can_post_changes(
    cast: Cast, world: World, role: str, url_name: str, target: str
) -> None:
    pk = {
        "objective": world.objectives["d_eng"].pk,
        "link": world.links["d_1"].pk,
        "plan": world.draft.plan.pk,
    }[target]
    data = {
        "form": "link",
        "link-cause": world.objectives["d_fin"].pk,
        "link-effect": world.objectives["d_eng"].pk,
    }
    response = cast.client(role).post(reverse(url_name, args=[pk]), data)
    if role in EDITORS:
        assert response.status_code == 302
    else:
        assert response.status_code == _expect(role, False)
    changed = (
        not Objective.objects.filter(pk=world.objectives["d_eng"].pk).exists()
        or not CauseEffectLink.objects.filter(pk=world.links["d_1"].pk).exists()
        or CauseEffectLink.objects.filter(plan=world.draft.plan).count() != 1
        or not StrategicPlan.objects.filter(
            pk=world.draft.plan.pk, status=PlanStatus.DRAFT
        ).exists()
    )
    assert changed == (role in EDITORS)


# --- API ----------------------------------------------------------------------------------------


def _rows(response: Any) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("role", CAST)
def test_api_objectives_hold_exactly_the_objectives_in_scope(
    cast: Cast, world: World, role: str
) -> None:
    response = cast.client(role).get("/api/v1/objectives/")
    if role == "anonymous":
        assert response.status_code == 401
        return
    assert _rows(response) == {world.objectives[n].pk for n in VISIBLE_OBJECTIVES[role]}
    assert {row["status"] for row in response.json()["results"]} == {"grey"}


@pytest.mark.parametrize("role", CAST)
def test_api_plans_hold_exactly_the_plans_in_scope(cast: Cast, world: World, role: str) -> None:
    response = cast.client(role).get("/api/v1/strategic-plans/")
    if role == "anonymous":
        assert response.status_code == 401
        return
    assert _rows(response) == {_plan(world, n).pk for n in VISIBLE_PLANS[role]}


@pytest.mark.parametrize("role", CAST)
@pytest.mark.parametrize(
    "endpoint,kind",
    [
        ("cause-effect-links", "links"),
        ("perspectives", "perspectives"),
        ("strategic-themes", "themes"),
    ],
)
def test_api_plan_rows_follow_the_plans_in_scope(
    cast: Cast, world: World, role: str, endpoint: str, kind: str
) -> None:
    response = cast.client(role).get(f"/api/v1/{endpoint}/")
    if role == "anonymous":
        assert response.status_code == 401
        return
    plans = {_plan(world, n).pk for n in VISIBLE_PLANS[role]}
    rows = response.json()["results"]
    assert {row["plan"] for row in rows} <= plans
    if kind == "links":
        assert {row["id"] for row in rows} == {world.links[n].pk for n in VISIBLE_LINKS[role]}
    if kind == "perspectives":
        assert len(rows) == 4 * len(plans)


@pytest.mark.parametrize("role", CAST)
def test_api_strategies_hold_the_published_ones_and_the_managers_own(
    cast: Cast, world: World, role: str
) -> None:
    published = services.strategy_create(
        actor=SYSTEM,
        plan=world.draft.plan,
        level="functional",
        unit=cast.finance,
        function="Finance",
        name="Draft finance",
    )
    response = cast.client(role).get("/api/v1/strategies/")
    if role == "anonymous":
        assert response.status_code == 401
        return
    visible = role in {"hr", "executive", "sibling_manager"}
    assert _rows(response) == ({published.pk} if visible else set())


@pytest.mark.parametrize("role", CAST)
@pytest.mark.parametrize("plan_name", ["approved", "draft"])
def test_api_plan_detail_and_map_are_404_outside_scope(
    cast: Cast, world: World, role: str, plan_name: str
) -> None:
    pk = _plan(world, plan_name).pk
    for url in (f"/api/v1/strategic-plans/{pk}/", f"/api/v1/strategic-plans/{pk}/map/"):
        response = cast.client(role).get(url)
        if role == "anonymous":
            assert response.status_code == 401
        else:
            assert response.status_code == (200 if plan_name in VISIBLE_PLANS[role] else 404)


@pytest.mark.parametrize("role", CAST)
def test_only_executives_edit_an_objective_through_the_api(
    cast: Cast, world: World, role: str
) -> None:
    objective = world.objectives["d_eng"]
    response = cast.client(role).patch(
        f"/api/v1/objectives/{objective.pk}/",
        {"name": "Deliver faster"},
        content_type="application/json",
    )
    assert response.status_code == {"executive": 200, "anonymous": 401}.get(role, 404)
    objective.refresh_from_db()
    assert (objective.name == "Deliver faster") == (role == "executive")


@pytest.mark.parametrize("role", CAST)
def test_only_executives_create_objectives_through_the_api(
    cast: Cast, world: World, role: str
) -> None:
    response = cast.client(role).post(
        "/api/v1/objectives/",
        {
            "plan": world.draft.plan.pk,
            "perspective": world.draft.bands["customer"].pk,
            "owner_unit": cast.engineering.pk,
            "code": "C9",
            "name": "Green-power offer",
        },
        content_type="application/json",
    )
    # Where the draft is out of sight it "does not exist" (400, as for any unknown id);
    # HR sees it but may not change it (404).
    expected = {"executive": 201, "hr": 404, "anonymous": 401}.get(role, 400)
    assert response.status_code == expected
    assert Objective.objects.filter(code="C9").exists() == (role == "executive")


@pytest.mark.parametrize("role", CAST)
def test_only_executives_approve_through_the_api(cast: Cast, world: World, role: str) -> None:
    response = cast.client(role).post(f"/api/v1/strategic-plans/{world.draft.plan.pk}/approve/")
    assert response.status_code == {"executive": 200, "anonymous": 401}.get(role, 404)
    world.draft.plan.refresh_from_db()
    assert (world.draft.plan.status == PlanStatus.APPROVED) == (role == "executive")


def test_an_approval_is_stamped_with_the_apps_clock_and_the_approver(
    cast: Cast, world: World, clock: PinnedClock
) -> None:
    clock.on(date(2031, 2, 28))
    response = cast.client("executive").post(
        f"/api/v1/strategic-plans/{world.draft.plan.pk}/approve/"
    )
    assert response.status_code == 200
    world.draft.plan.refresh_from_db()
    assert world.draft.plan.approved_at == FixedClock.on(date(2031, 2, 28)).now()
    assert world.draft.plan.approved_by == cast.executive.user


def test_an_executive_gets_400_not_500_for_a_locked_plan(cast: Cast, world: World) -> None:
    response = cast.client("executive").patch(
        f"/api/v1/objectives/{world.objectives['a_eng'].pk}/",
        {"name": "Changed"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "locked" in str(response.json())
