"""Every strategy page and endpoint against the role cast: status codes and exact rows.

The world: the group's approved plan (objectives owned by the group, engineering, its site
team and finance) and a draft of its next version (objectives of engineering and finance).

- employees read the approved plan, nothing of the draft;
- managers read the approved plan too (they are employees) plus their units' part of the
  draft — the draft plan itself stays out of sight;
- HR reads everything in its subtree and edits nothing; executives read and edit.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from org.scoping import SYSTEM
from spm.clock import FixedClock
from strategy import services
from strategy.models import CauseEffectLink, Objective, PlanStatus, StrategicPlan
from tests.access import API, MEMBERS, assert_scoped, expect, fresh, module_rows, seeing
from tests.conftest import CAST, Cast, PinnedClock
from tests.factories_strategy import PlanKit, make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(shared_cast: Cast) -> Cast:
    """Every test here works on the cast: build it once for the module."""
    return shared_cast


EDITORS = {"executive"}


@dataclass
class World:
    approved: PlanKit
    draft: PlanKit
    objectives: dict[str, Objective]
    links: dict[str, CauseEffectLink]


def build_world(cast: Cast) -> World:
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


@pytest.fixture(scope="module")
def world_rows(cast_rows: Cast, django_db_blocker: Any) -> Iterator[World]:
    yield from module_rows(django_db_blocker, lambda: build_world(cast_rows))


@pytest.fixture
def world(world_rows: World, db: Any) -> World:
    return fresh(world_rows)


PUBLISHED = {"a_group", "a_eng", "a_site", "a_fin"}
VISIBLE_OBJECTIVES = {
    "employee": PUBLISHED,
    "manager": PUBLISHED | {"d_eng"},
    "sibling_manager": PUBLISHED | {"d_fin"},
    "hr": PUBLISHED | {"d_eng", "d_fin"},
    "executive": PUBLISHED | {"d_eng", "d_fin"},
    "anonymous": set(),
}
# Drafts are for the people who make the strategy: HR reads them, executives write them.
VISIBLE_PLANS = {role: {"approved"} for role in MEMBERS} | {
    "hr": {"approved", "draft"},
    "executive": {"approved", "draft"},
    "anonymous": set(),
}
VISIBLE_LINKS = {
    role: ({"a_1", "a_2"} | ({"d_1"} if "draft" in plans else set())) if plans else set()
    for role, plans in VISIBLE_PLANS.items()
}


def _plan(world: World, name: str) -> StrategicPlan:
    return getattr(world, name).plan


# --- Pages ------------------------------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["strategy-home", "strategy-plan-list", "home"])
def test_strategy_pages_need_a_login_and_open_for_every_member(
    cast: Cast, world: World, url_name: str
) -> None:
    assert_scoped(cast, reverse(url_name), expect(MEMBERS))


def test_the_current_map_sends_every_member_to_the_approved_plan(cast: Cast, world: World) -> None:
    responses = assert_scoped(cast, reverse("strategy-map-current"), expect(MEMBERS, ok=302))
    approved_map = reverse("strategy-map", args=[world.approved.plan.pk])
    assert {responses[role]["Location"] for role in MEMBERS} == {approved_map}


@pytest.mark.parametrize("plan_name", ["approved", "draft"])
@pytest.mark.parametrize(
    "url_name",
    ["strategy-plan-detail", "strategy-map", "strategy-map-svg", "strategy-map-pdf"],
)
def test_plan_pages_and_exports_answer_404_outside_scope(
    cast: Cast, world: World, plan_name: str, url_name: str
) -> None:
    url = reverse(url_name, args=[_plan(world, plan_name).pk])
    assert_scoped(cast, url, expect(seeing(VISIBLE_PLANS, plan_name)))


@pytest.mark.parametrize("name", sorted(VISIBLE_OBJECTIVES["executive"]))
def test_objective_page_answers_404_outside_scope(cast: Cast, world: World, name: str) -> None:
    url = reverse("strategy-objective-detail", args=[world.objectives[name].pk])
    assert_scoped(cast, url, expect(seeing(VISIBLE_OBJECTIVES, name)))


@pytest.mark.parametrize("role", MEMBERS)
def test_plan_list_holds_exactly_the_plans_in_scope(cast: Cast, world: World, role: str) -> None:
    listed = {p.pk for p in cast.client(role).get(reverse("strategy-plan-list")).context["plans"]}
    assert listed == {_plan(world, name).pk for name in VISIBLE_PLANS[role]}


@pytest.mark.parametrize("role", MEMBERS)
def test_map_of_the_approved_plan_shows_every_published_objective(
    cast: Cast, world: World, role: str
) -> None:
    response = cast.client(role).get(reverse("strategy-map", args=[world.approved.plan.pk]))
    assert set(response.context["map"].objectives) == {world.objectives[n].pk for n in PUBLISHED}
    assert response.context["can_edit"] is False  # approved versions are read-only for all
    assert "Add objective" not in response.content.decode()


# role -> the objectives on their own strategy page (None: the page has no such section)
MY_OBJECTIVES: dict[str, set[str] | None] = {
    "employee": None,
    "manager": {"a_eng", "a_site", "d_eng"},
    "sibling_manager": {"a_fin", "d_fin"},
    "hr": None,
    "executive": None,
}


@pytest.mark.parametrize("role", MEMBERS)
def test_managers_see_their_units_part_of_the_draft_on_their_strategy_page(
    cast: Cast, world: World, role: str
) -> None:
    mine = cast.client(role).get(reverse("strategy-home")).context["my_objectives"]
    expected = MY_OBJECTIVES[role]
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


@pytest.mark.parametrize("url_name,kind", EDIT_PAGES)
def test_only_executives_reach_the_edit_pages(
    cast: Cast, world: World, url_name: str, kind: str
) -> None:
    url = reverse(url_name, args=[_edit_target(world, kind)])
    assert_scoped(cast, url, expect(EDITORS))


def test_only_executives_reach_the_new_plan_page(cast: Cast, world: World) -> None:
    assert_scoped(cast, reverse("strategy-plan-create"), expect(EDITORS))


def test_the_edit_page_of_an_approved_plan_sends_executives_back_to_the_plan(
    cast: Cast, world: World
) -> None:
    url = reverse("strategy-plan-edit", args=[world.approved.plan.pk])
    responses = assert_scoped(cast, url, expect(EDITORS, ok=302))
    assert responses["executive"]["Location"] == reverse(
        "strategy-plan-detail", args=[world.approved.plan.pk]
    )


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
    assert response.status_code == expect(EDITORS, ok=302)[role]
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


def test_api_objectives_hold_exactly_the_objectives_in_scope(cast: Cast, world: World) -> None:
    responses = assert_scoped(cast, "/api/v1/objectives/", expect(MEMBERS, anonymous=API))
    for role in MEMBERS:
        rows = responses[role].json()["results"]
        assert {row["id"] for row in rows} == {
            world.objectives[n].pk for n in VISIBLE_OBJECTIVES[role]
        }, role
        assert {row["status"] for row in rows} == {"grey"}


def test_api_plans_hold_exactly_the_plans_in_scope(cast: Cast, world: World) -> None:
    responses = assert_scoped(cast, "/api/v1/strategic-plans/", expect(MEMBERS, anonymous=API))
    for role in MEMBERS:
        listed = _rows(responses[role])
        assert listed == {_plan(world, n).pk for n in VISIBLE_PLANS[role]}, role


@pytest.mark.parametrize("endpoint", ["cause-effect-links", "perspectives", "strategic-themes"])
def test_api_plan_rows_follow_the_plans_in_scope(cast: Cast, world: World, endpoint: str) -> None:
    responses = assert_scoped(cast, f"/api/v1/{endpoint}/", expect(MEMBERS, anonymous=API))
    for role in MEMBERS:
        plans = {_plan(world, n).pk for n in VISIBLE_PLANS[role]}
        rows = responses[role].json()["results"]
        assert {row["plan"] for row in rows} <= plans, role
        if endpoint == "cause-effect-links":
            assert {row["id"] for row in rows} == {
                world.links[n].pk for n in VISIBLE_LINKS[role]
            }, role
        if endpoint == "perspectives":
            assert len(rows) == 4 * len(plans), role


def test_api_strategies_hold_the_published_ones_and_the_managers_own(
    cast: Cast, world: World
) -> None:
    published = services.strategy_create(
        actor=SYSTEM,
        plan=world.draft.plan,
        level="functional",
        unit=cast.finance,
        function="Finance",
        name="Draft finance",
    )
    responses = assert_scoped(cast, "/api/v1/strategies/", expect(MEMBERS, anonymous=API))
    for role in MEMBERS:
        visible = role in {"hr", "executive", "sibling_manager"}
        assert _rows(responses[role]) == ({published.pk} if visible else set()), role


@pytest.mark.parametrize("plan_name", ["approved", "draft"])
@pytest.mark.parametrize("suffix", ["", "map/"])
def test_api_plan_detail_and_map_are_404_outside_scope(
    cast: Cast, world: World, plan_name: str, suffix: str
) -> None:
    url = f"/api/v1/strategic-plans/{_plan(world, plan_name).pk}/{suffix}"
    assert_scoped(cast, url, expect(seeing(VISIBLE_PLANS, plan_name), anonymous=API))


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
    # the manager and HR see the objective but may not change it: 403
    assert response.status_code == expect(EDITORS, anonymous=API, manager=403, hr=403)[role]
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
    assert response.status_code == expect(EDITORS, ok=201, denied=400, anonymous=API, hr=404)[role]
    assert Objective.objects.filter(code="C9").exists() == (role == "executive")


@pytest.mark.parametrize("role", CAST)
def test_only_executives_approve_through_the_api(cast: Cast, world: World, role: str) -> None:
    response = cast.client(role).post(f"/api/v1/strategic-plans/{world.draft.plan.pk}/approve/")
    assert response.status_code == expect(EDITORS, anonymous=API, hr=403)[role]  # HR sees it
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
