"""Scorecard page flows: editing with stale-edit refusal, monthly plans, milestones,
creating scorecards from the unit page, the indicator dictionary and the alignment view."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from scorecard.models import Indicator, ItemMonthlyPlan, Milestone, Scorecard, ScorecardItem
from tests.conftest import Cast
from tests.factories_scorecard import (
    IndicatorFactory,
    ItemFactory,
    MilestoneItemFactory,
    ScorecardFactory,
    lock,
)
from tests.scorecard_world import World, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(shared_cast: Cast) -> Cast:
    """Every test here works on the cast: build it once for the module."""
    return shared_cast


D = Decimal


def _item_form(item: ScorecardItem, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": item.name,
        "description": "",
        "weight": str(item.weight),
        "polarity": item.polarity,
        "aggregation": item.aggregation,
        "unit_of_measure": item.unit_of_measure,
        "baseline": str(item.baseline),
        "target": str(item.target),
        "challenge": str(item.challenge),
        "order": item.order,
        "version": item.version,
        "kind": item.kind,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_editing_an_item_saves_the_goal_and_moves_the_version_on(cast: Cast) -> None:
    item = ItemFactory(scorecard=ScorecardFactory(unit=cast.site))
    response = cast.client("manager").post(
        reverse("scorecard-item-edit", args=[item.pk]), _item_form(item, target="520")
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.target, item.version) == (D(520), 2)


def test_a_stale_edit_is_refused_on_the_page_and_nothing_typed_is_lost(cast: Cast) -> None:
    item = ItemFactory(scorecard=ScorecardFactory(unit=cast.site))
    url = reverse("scorecard-item-edit", args=[item.pk])
    opened = _item_form(item)  # both open the page at version 1
    cast.client("hr").post(url, {**opened, "target": "510"})
    response = cast.client("manager").post(
        url, {**opened, "target": "555", "name": "Capacity (revised by me)"}
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "changed by someone else since you opened it" in page
    assert 'value="555"' in page and "Capacity (revised by me)" in page
    assert response.context["stored"].target == D(510)
    # Saving again is now based on the stored version, and knowingly replaces it.
    assert response.context["form"]["version"].value() == "2"
    item.refresh_from_db()
    assert (item.target, item.version) == (D(510), 2)
    again = cast.client("manager").post(url, {**opened, "target": "555", "version": 2})
    assert again.status_code == 302
    item.refresh_from_db()
    assert (item.target, item.version) == (D(555), 3)


def test_a_locked_scorecard_refuses_the_item_and_plan_pages(cast: Cast) -> None:
    item = ItemFactory(scorecard=ScorecardFactory(unit=cast.site))
    lock(item.scorecard)
    client = cast.client("manager")
    response = client.post(
        reverse("scorecard-item-edit", args=[item.pk]), _item_form(item, target="520")
    )
    assert response.status_code == 200
    assert "signed and locked" in response.content.decode()
    response = client.post(
        reverse("scorecard-item-plan", args=[item.pk]), {"version": 1, "m1": "10"}
    )
    assert response.status_code == 302
    assert not ItemMonthlyPlan.objects.exists()
    item.refresh_from_db()
    assert (item.target, item.version) == (D(500), 1)


def test_adding_items_of_each_kind(cast: Cast) -> None:
    card = ScorecardFactory(unit=cast.site)
    client = cast.client("manager")
    url = reverse("scorecard-item-new", args=[card.pk])
    assert (
        client.post(
            f"{url}?kind=key_task", {"name": "Safety campaign", "kind": "key_task"}
        ).status_code
        == 302
    )
    response = client.post(
        url,
        {
            "name": "Capacity",
            "kind": "quantitative",
            "weight": "40",
            "polarity": "higher",
            "aggregation": "sum",
        },
    )
    assert response.status_code == 200
    assert "A quantitative item needs a target." in response.content.decode()
    ok = client.post(
        url,
        {
            "name": "Capacity",
            "kind": "quantitative",
            "weight": "40",
            "polarity": "higher",
            "aggregation": "sum",
            "baseline": "400",
            "target": "500",
            "challenge": "600",
        },
    )
    assert ok.status_code == 302
    assert sorted(card.items.values_list("kind", flat=True)) == ["key_task", "quantitative"]


def test_the_monthly_plan_page_saves_twelve_values_at_once(cast: Cast) -> None:
    item = ItemFactory(scorecard=ScorecardFactory(unit=cast.site))
    data = {"version": 1, **{f"m{m}": "40" for m in range(1, 13)}, "m12": "60"}
    response = cast.client("manager").post(reverse("scorecard-item-plan", args=[item.pk]), data)
    assert response.status_code == 302
    assert sum(ItemMonthlyPlan.objects.filter(item=item).values_list("value", flat=True)) == D(500)


def test_milestones_are_added_and_recorded_through_the_pages(cast: Cast) -> None:
    item = MilestoneItemFactory(scorecard=ScorecardFactory(unit=cast.site))
    client = cast.client("manager")
    response = client.post(
        reverse("milestone-new", args=[item.pk]),
        {
            "name": "Grid connection",
            "due_date": "2026-10-31",
            "responsible_unit": cast.site.pk,
            "counterpart_unit": cast.engineering.pk,
            "completion_standard": "Grid operator's certificate",
        },
    )
    assert response.status_code == 302
    milestone = Milestone.objects.get(item=item)
    lock(item.scorecard)
    response = client.post(
        reverse("milestone-complete", args=[milestone.pk]), {"completed_on": "2026-10-30"}
    )
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.completed_on == datetime.date(2026, 10, 30)


def test_the_unit_page_creates_the_unit_and_people_scorecards(cast: Cast) -> None:
    client = cast.client("manager")
    response = client.post(reverse("scorecard-create-for"), {"unit": cast.site.pk, "year": 2026})
    card = Scorecard.objects.get(unit=cast.site, employee=None)
    assert response["Location"] == reverse("scorecard-detail", args=[card.pk])
    client.post(reverse("scorecard-create-for"), {"employee": cast.employee.pk, "year": 2026})
    assert Scorecard.objects.filter(employee=cast.employee, unit=cast.engineering).exists()
    assert (
        client.post(
            reverse("scorecard-create-for"), {"employee": cast.finance_clerk.pk, "year": 2026}
        ).status_code
        == 404
    )
    again = client.post(
        reverse("scorecard-create-for"), {"unit": cast.site.pk, "year": 2026}, follow=True
    )
    assert Scorecard.objects.filter(unit=cast.site, employee=None).count() == 1
    assert "This unit already has a scorecard for that year." in again.content.decode()


# --- Indicator dictionary -------------------------------------------------------------------


def test_the_dictionary_is_searched_and_filtered(cast: Cast) -> None:
    IndicatorFactory(
        owner_unit=cast.finance, code="ROE", name="Return on equity", smart_specific=True
    )
    IndicatorFactory(
        owner_unit=cast.engineering, code="OVERRUN", name="Cost overrun", polarity="lower"
    )
    client = cast.client("hr")

    def codes(**params: object) -> list[str]:
        page = client.get(reverse("indicator-list"), params).context["page"]
        return [i.code for i in page.object_list]

    assert codes() == ["OVERRUN", "ROE"]
    assert codes(q="equity") == ["ROE"]
    assert codes(polarity="lower") == ["OVERRUN"]
    assert codes(owner_unit=cast.finance.pk) == ["ROE"]
    assert codes(smart="incomplete") == ["OVERRUN", "ROE"]
    partial = client.get(reverse("indicator-list"), {"q": "cost"}, HTTP_HX_REQUEST="true")
    assert "scorecard/indicators/_rows.html" in [t.name for t in partial.templates]
    assert "<html" not in partial.content.decode()


def test_writing_an_indicator_shows_the_smart_checklist_and_checks_the_formula(cast: Cast) -> None:
    IndicatorFactory(owner_unit=cast.group, code="PROFIT")
    client = cast.client("hr")
    page = client.get(reverse("indicator-new")).content.decode()
    assert "SMART checklist" in page and "Time-bound" in page
    data = {
        "code": "ROE",
        "name": "Return on equity",
        "polarity": "higher",
        "owner_unit": cast.group.pk,
        "frequency": "monthly",
        "aggregation": "last",
        "formula": "PROFIT / EQUITY * 100",
        "formula_is_expression": "on",
        "active": "on",
    }
    response = client.post(reverse("indicator-new"), data)
    assert response.status_code == 200
    assert "Unknown indicator: EQUITY." in response.content.decode()
    response = client.post(
        reverse("indicator-new"), {**data, "formula": "PROFIT / (PROFIT - PROFIT)"}
    )
    assert response.status_code == 302
    roe = Indicator.objects.get(code="ROE")
    detail = client.get(reverse("indicator-detail", args=[roe.pk]))
    assert "SMART check not confirmed" in detail.content.decode()
    tried = client.post(
        reverse("indicator-evaluate", args=[roe.pk]), {"v_PROFIT": "5"}, HTTP_HX_REQUEST="true"
    )
    assert "Division by zero" in tried.content.decode()


def test_a_formula_cycle_is_refused_with_the_cycle_shown(cast: Cast) -> None:
    a = IndicatorFactory(owner_unit=cast.group, code="A", formula_is_expression=True, formula="1")
    IndicatorFactory(owner_unit=cast.group, code="B", formula_is_expression=True, formula="A * 2")
    a.formula = "B + 1"
    with pytest.raises(Exception, match="A → B → A"):
        a.full_clean()


# --- Alignment -------------------------------------------------------------------------------


@pytest.fixture
def world(cast: Cast) -> World:
    return build_world(cast)


def test_alignment_shows_the_tree_and_every_kind_of_warning(world: World) -> None:
    from tests.factories_scorecard import ObjectiveFactory

    lonely = ObjectiveFactory(
        plan=world.plan, code="L9", name="Nobody serves me", perspective=world.f1.perspective
    )
    response = world.cast.client("hr").get(reverse("scorecard-alignment"), {"year": 2026})
    view = response.context["view"]
    f1 = next(b for b in view.branches if b.objective == world.f1)
    (hq,) = f1.nodes
    assert hq.item == world.items["hq"]
    assert {n.item for n in hq.children} == {world.items["engineering"], world.items["finance"]}
    engineering = next(n for n in hq.children if n.item == world.items["engineering"])
    assert engineering.summary.employees == 1 and engineering.summary.total == D(100)
    assert hq.adds_up and not engineering.adds_up
    assert view.uncovered == [lonely]
    assert [i.pk for i in view.sums.rows] == [world.items["engineering"].pk]
    assert [i.pk for i in view.unlinked.rows] == [world.items["finance_clerk"].pk]
    # Profit 60 + capacity 40 on Engineering; 60 or 40 alone elsewhere.
    assert world.cards["engineering"].pk not in {c.pk for c in view.weights.rows}
    assert view.weights.total == 6
    assert "Nobody serves me" in response.content.decode()


def test_alignment_counts_the_unlinked_items_only_when_their_list_is_cut(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scorecard.selectors import alignment
    from tests.factories_scorecard import ItemFactory

    ItemFactory(scorecard=world.cards["employee"], objective=None, name="Also unlinked")
    client = world.cast.client("hr")
    whole = client.get(reverse("scorecard-alignment"), {"year": 2026}).context["view"].unlinked
    assert len(whole.rows) == whole.total == 2
    monkeypatch.setattr(alignment, "LIMIT", 1)
    cut = client.get(reverse("scorecard-alignment"), {"year": 2026}).context["view"].unlinked
    assert len(cut.rows) == 1 and cut.total == 2


def test_an_objective_only_an_employee_serves_is_covered_and_one_served_elsewhere_is_not(
    world: World,
) -> None:
    """The tree's unit items, an item anywhere at all, then the view: each objective is
    judged by the items of the subtree and year shown, whichever probe answers."""
    from tests.factories_scorecard import ObjectiveFactory

    perspective = world.f1.perspective
    mine = ObjectiveFactory(plan=world.plan, code="M1", perspective=perspective)
    ItemFactory(scorecard=world.cards["employee"], objective=mine, name="Only mine")
    finance_only = ObjectiveFactory(plan=world.plan, code="X1", perspective=perspective)
    ItemFactory(scorecard=world.cards["finance_clerk"], objective=finance_only, name="Ledger")
    other_year = ObjectiveFactory(plan=world.plan, code="Y1", perspective=perspective)
    ItemFactory(
        scorecard=ScorecardFactory(unit=world.cast.engineering, year=2027, plan=world.plan),
        objective=other_year,
    )
    unused = ObjectiveFactory(plan=world.plan, code="Z1", perspective=perspective)
    group = world.cast.client("hr").get(reverse("scorecard-alignment"), {"year": 2026})
    assert set(group.context["view"].uncovered) == {other_year, unused}
    engineering = world.cast.client("manager").get(reverse("scorecard-alignment"), {"year": 2026})
    assert set(engineering.context["view"].uncovered) == {finance_only, other_year, unused}


def test_alignment_of_a_sub_unit_shows_only_its_subtree(world: World) -> None:
    response = world.cast.client("manager").get(reverse("scorecard-alignment"), {"year": 2026})
    view = response.context["view"]
    assert view.unit == world.cast.engineering
    nodes = [n.item for b in view.branches for n in b.nodes]
    assert world.items["hq"] not in nodes and world.items["engineering"] in nodes


def test_a_large_tree_shows_fewer_levels_and_says_so(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scorecard.selectors import alignment

    monkeypatch.setattr(alignment, "NODE_LIMIT", 2)
    response = world.cast.client("hr").get(reverse("scorecard-alignment"), {"year": 2026})
    view = response.context["view"]
    assert view.levels == 1
    assert "Unit items down to 1 level of sub-units" in response.content.decode()
