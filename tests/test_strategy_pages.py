"""Editing the strategy in the browser (with and without HTMX), the exports, the objective
panel, status colours from providers, the dashboards and the demo plan."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from org.scoping import SYSTEM
from spm.clock import FixedClock
from strategy.kpis import Kpi, register_kpi_provider, unregister_kpi_provider
from strategy.models import CauseEffectLink, Objective, PlanStatus, StrategicPlan
from strategy.status import (
    objective_statuses,
    register_status_provider,
    unregister_status_provider,
)
from tests.conftest import Cast
from tests.factories_strategy import PlanKit, make_plan

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def kit(cast: Cast) -> PlanKit:
    return make_plan(cast.group)


def _exec(cast: Cast) -> Client:
    return cast.client("executive")


# --- Editing on the map ------------------------------------------------------------------------


def test_an_executive_adds_an_objective_on_the_map_and_it_is_drawn(
    cast: Cast, kit: PlanKit
) -> None:
    response = _exec(cast).post(
        reverse("strategy-map", args=[kit.plan.pk]),
        {
            "form": "objective",
            "objective-perspective": kit.bands["customer"].pk,
            "objective-code": "C1",
            "objective-name": "Reliable supply for customers",
            "objective-owner_unit": cast.engineering.pk,
        },
        headers=HTMX,
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#map-workspace"
    objective = Objective.objects.get(plan=kit.plan, code="C1")
    assert f'data-objective="{objective.pk}"' in response.content.decode()
    assert "Reliable supply for" in response.content.decode()


def test_a_refused_link_shows_its_error_next_to_the_form(cast: Cast, kit: PlanKit) -> None:
    objective = kit.objective("customer")
    response = _exec(cast).post(
        reverse("strategy-map", args=[kit.plan.pk]),
        {"form": "link", "link-cause": objective.pk, "link-effect": objective.pk},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "An objective cannot drive itself." in response.content.decode()
    assert not CauseEffectLink.objects.exists()


def test_without_htmx_the_map_form_redirects_back_to_the_map(cast: Cast, kit: PlanKit) -> None:
    cause, effect = kit.objective("learning"), kit.objective("internal")
    response = _exec(cast).post(
        reverse("strategy-map", args=[kit.plan.pk]),
        {"form": "link", "link-cause": cause.pk, "link-effect": effect.pk, "link-note": "skills"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("strategy-map", args=[kit.plan.pk])
    assert CauseEffectLink.objects.get().note == "skills"


def test_a_downward_link_is_drawn_dashed_and_listed_as_a_warning(cast: Cast, kit: PlanKit) -> None:
    profit, talent = kit.objective("financial", code="F1"), kit.objective("learning", code="L1")
    kit.link(profit, talent)
    body = _exec(cast).get(reverse("strategy-map", args=[kit.plan.pk])).content.decode()
    assert 'stroke-dasharray="6,4"' in body
    assert "Runs from a higher perspective down" in body


# --- Editing on the plan page --------------------------------------------------------------------


def test_an_edit_form_opens_inside_the_plan_page_and_saves_in_place(
    cast: Cast, kit: PlanKit
) -> None:
    client = _exec(cast)
    url = reverse("strategy-theme-create", args=[kit.plan.pk])
    form = client.get(url, headers=HTMX)
    assert form.templates[0].name == "strategy/_form.html"
    assert 'hx-post="' in form.content.decode()
    saved = client.post(
        url, {"name": "Green transition", "description": "Wind and solar"}, headers=HTMX
    )
    assert saved["HX-Retarget"] == "#plan-body"
    assert "Green transition" in saved.content.decode()
    assert "Theme added." in saved.content.decode()


def test_an_invalid_form_comes_back_with_inline_errors(cast: Cast, kit: PlanKit) -> None:
    kit.objective("customer", code="C1")
    response = _exec(cast).post(
        reverse("strategy-objective-create", args=[kit.plan.pk]),
        {
            "perspective": kit.bands["customer"].pk,
            "code": "C1",
            "name": "Duplicate",
            "owner_unit": cast.group.pk,
        },
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "HX-Retarget" not in response
    assert "Another objective of this plan has this code." in response.content.decode()


def test_the_plan_form_works_as_a_page_of_its_own(cast: Cast, kit: PlanKit) -> None:
    client = _exec(cast)
    url = reverse("strategy-plan-edit", args=[kit.plan.pk])
    assert client.get(url).templates[0].name == "strategy/form_page.html"
    response = client.post(
        url,
        {
            "name": kit.plan.name,
            "start_year": 2026,
            "end_year": 2030,
            "mission": "Power a low-carbon future.",
            "vision": "World-class",
            "core_values": "Safety\nIntegrity",
        },
    )
    assert response.status_code == 302
    kit.plan.refresh_from_db()
    assert kit.plan.mission == "Power a low-carbon future."


def test_an_executive_creates_approves_and_revises_a_plan(cast: Cast) -> None:
    client = _exec(cast)
    response = client.post(
        reverse("strategy-plan-create"),
        {
            "owner_unit": cast.group.pk,
            "name": "Clean Power",
            "start_year": 2026,
            "end_year": 2030,
            "mission": "M",
            "vision": "V",
            "core_values": "",
        },
    )
    plan = StrategicPlan.objects.get()
    assert response["Location"] == reverse("strategy-plan-detail", args=[plan.pk])
    client.post(
        reverse("strategy-objective-create", args=[plan.pk]),
        {
            "perspective": plan.perspectives.get(code="customer").pk,
            "code": "C1",
            "name": "Reliable supply",
            "owner_unit": cast.group.pk,
        },
    )
    client.post(reverse("strategy-plan-approve", args=[plan.pk]))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    response = client.post(reverse("strategy-plan-new-version", args=[plan.pk]))
    draft = StrategicPlan.objects.get(previous=plan)
    assert response["Location"] == reverse("strategy-plan-detail", args=[draft.pk])
    assert draft.objectives.get().code == "C1"


def test_perspectives_move_up_and_down_from_the_plan_page(cast: Cast, kit: PlanKit) -> None:
    _exec(cast).post(
        reverse("strategy-perspective-move", args=[kit.bands["learning"].pk]),
        {"direction": "up"},
        headers=HTMX,
    )
    codes = list(kit.plan.perspectives.order_by("order").values_list("code", flat=True))
    assert codes == ["financial", "customer", "learning", "internal"]


def test_a_refused_delete_is_explained(cast: Cast, kit: PlanKit) -> None:
    kit.objective("customer")
    client = _exec(cast)
    response = client.post(
        reverse("strategy-perspective-delete", args=[kit.bands["customer"].pk]), follow=True
    )
    assert "Move or delete the objectives of this perspective first." in response.content.decode()
    assert kit.plan.perspectives.count() == 4


def test_deleting_a_draft_takes_everything_in_it(cast: Cast, kit: PlanKit) -> None:
    kit.link(kit.objective("internal"), kit.objective("customer"))
    response = _exec(cast).post(reverse("strategy-plan-delete", args=[kit.plan.pk]))
    assert response["Location"] == reverse("strategy-plan-list")
    assert not StrategicPlan.objects.exists() and not Objective.objects.exists()


# --- Exports ---------------------------------------------------------------------------------


def test_the_svg_export_is_an_attachment_of_the_drawn_map(cast: Cast, kit: PlanKit) -> None:
    kit.objective("customer", code="C7")
    response = cast.client("hr").get(reverse("strategy-map-svg", args=[kit.plan.pk]))
    assert response["Content-Type"].startswith("image/svg+xml")
    assert response["Content-Disposition"].startswith("attachment;")
    root = ET.fromstring(response.content)  # noqa: S314 - the app's own SVG
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert b"C7" in response.content and b"hx-get" not in response.content


def test_the_pdf_export_is_a_pdf_for_the_board_pack(cast: Cast, kit: PlanKit) -> None:
    kit.link(kit.objective("internal"), kit.objective("customer"))
    response = cast.client("executive").get(reverse("strategy-map-pdf", args=[kit.plan.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].endswith('.pdf"')
    assert response.content.startswith(b"%PDF")


# --- The objective panel, status and KPI providers -----------------------------------------------


def test_clicking_an_objective_loads_its_owner_kpis_and_links_into_the_panel(
    cast: Cast, kit: PlanKit
) -> None:
    talent = kit.objective("learning", code="L1", name="Talent")
    delivery = kit.objective("internal", unit=cast.engineering, code="P1", name="Delivery")
    supply = kit.objective("customer", code="C1", name="Supply")
    kit.link(talent, delivery)
    kit.link(delivery, supply)
    StrategicPlan.objects.filter(pk=kit.plan.pk).update(status=PlanStatus.APPROVED)

    def kpis(user: Any, ids: Sequence[int]) -> Mapping[int, list[Kpi]]:
        return {pk: [Kpi(code="K1", name="Projects on time", status="green")] for pk in ids}

    register_kpi_provider(kpis)
    try:
        response = cast.client("employee").get(
            reverse("strategy-objective-detail", args=[delivery.pk]), headers=HTMX
        )
    finally:
        unregister_kpi_provider(kpis)
    assert response.templates[0].name == "strategy/_objective_detail.html"
    detail = response.context["detail"]
    assert detail.drivers == [talent] and detail.driven == [supply]
    body = response.content.decode()
    assert "Engineering" in body and "Projects on time" in body


@pytest.fixture
def red_c1() -> Iterator[None]:
    def provider(ids: Sequence[int]) -> Mapping[int, str]:
        return dict.fromkeys(
            Objective.objects.filter(pk__in=ids, code="C1").values_list("pk", flat=True), "red"
        )

    register_status_provider(provider)
    yield
    unregister_status_provider(provider)


def test_objectives_are_grey_until_a_provider_reports(cast: Cast, kit: PlanKit) -> None:
    objective = kit.objective("customer", code="C1")
    assert objective_statuses([objective]) == {objective.pk: "grey"}


def test_a_status_provider_colours_the_map_and_the_dashboard(
    cast: Cast, kit: PlanKit, red_c1: None
) -> None:
    red = kit.objective("customer", code="C1")
    kit.objective("financial", code="F1")
    assert objective_statuses([red.pk]) == {red.pk: "red"}
    body = _exec(cast).get(reverse("strategy-map", args=[kit.plan.pk])).content.decode()
    assert f'data-objective="{red.pk}" data-status="red"' in body
    assert 'data-count="red">1<' in body


# --- Dashboards ----------------------------------------------------------------------------------


def test_the_executives_home_opens_on_the_strategy_dashboard(
    cast: Cast, kit: PlanKit, red_c1: None
) -> None:
    kit.objective("customer", code="C1", name="Reliable supply")
    StrategicPlan.objects.filter(pk=kit.plan.pk).update(status=PlanStatus.APPROVED)
    response = cast.client("executive").get(reverse("home"))
    panels = response.context["panels"]
    assert panels[0].template == "strategy/_dashboard_panel.html"
    body = response.content.decode()
    assert kit.plan.mission in body and kit.plan.vision in body
    assert "Objectives at risk" in body and "C1 Reliable supply" in body


def test_an_employees_home_shows_the_mission_and_their_units_strategy(
    cast: Cast, kit: PlanKit
) -> None:
    from strategy import services

    services.strategy_create(
        actor=SYSTEM,
        plan=kit.plan,
        level="functional",
        unit=cast.engineering,
        function="Engineering",
        name="Deliver right first time",
    )
    StrategicPlan.objects.filter(pk=kit.plan.pk).update(status=PlanStatus.APPROVED)
    response = cast.client("employee").get(reverse("home"))
    templates = [p.template for p in response.context["panels"]]
    assert "strategy/_dashboard_panel.html" not in templates
    assert "strategy/_home_panel.html" in templates
    assert "Deliver right first time" in response.content.decode()


# --- The demo ------------------------------------------------------------------------------------


@pytest.mark.parametrize("today", [date(2031, 1, 15), date(2031, 12, 31)])
def test_the_demo_group_gets_an_approved_plan_with_realistic_chains(db: Any, today: date) -> None:
    from org.demo import seed_org
    from strategy.demo import seed

    demo = seed_org(today=today)
    first = seed(demo)
    again = seed(demo)
    assert "already there" in again and first.split(":")[1] == again.split(":")[1]
    plan = StrategicPlan.objects.get()
    assert plan.status == PlanStatus.APPROVED and plan.mission and plan.vision
    # Current on the demo's day, and in January also for last month (December before).
    assert (plan.start_year, plan.end_year) == (2030, 2034)
    assert plan.name == "Clean Power 2034" and "2034" in plan.vision
    assert plan.approved_at is not None and plan.approved_at.date() == today
    assert 16 <= plan.objectives.count() <= 20
    assert set(plan.objectives.values_list("perspective__code", flat=True)) == {
        "financial",
        "customer",
        "internal",
        "learning",
    }
    assert set(plan.strategies.values_list("level", flat=True)) == {
        "development",
        "competitive",
        "functional",
    }
    links = set(plan.links.values_list("cause__code", "effect__code"))
    # talent & digital capability -> efficient delivery -> reliable supply -> profit growth
    assert {("L1", "P1"), ("L2", "P1"), ("P1", "C1"), ("C1", "F1")} <= links


def test_a_generated_group_gets_an_approved_plan_with_strategies(db: Any) -> None:
    from org.generate import generate_enterprise
    from strategy.generate import build_plan

    org = generate_enterprise(
        employees=120, prefix="GEN", today=date(2029, 6, 30), progress=lambda _s: None
    )
    plan = StrategicPlan.objects.get(owner_unit=org.group, name="Synthetic plan")
    assert plan.status == PlanStatus.APPROVED
    assert plan.start_year <= 2029 <= plan.end_year
    assert plan.objectives.count() == 20 and plan.links.exists()
    assert plan.strategies.filter(level="functional").count() == 10
    big = build_plan(
        group=org.group,
        units=[org.group],
        objectives=60,
        start_year=2031,
        approved_at=FixedClock.on(date(2030, 12, 1)).now(),
    )
    for link in big.links.select_related("cause__perspective", "effect__perspective"):
        # generated links run up the map, as a real strategy map's do
        assert link.cause.perspective.order > link.effect.perspective.order
