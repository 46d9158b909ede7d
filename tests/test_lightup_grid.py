"""The light board as a units x items grid: rows, columns, worst colour per cell, counts,
month-over-month change, filters, scope and a constant query count."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from lightup.grid import board_grid
from lightup.selectors import BoardFilters
from lightup.services import lightup_sweep
from org.models import OrgUnit
from org.scoping import SYSTEM
from scorecard.models import ActualStatus, MonthlyActual
from tests.conftest import Cast
from tests.factories import OrgUnitFactory
from tests.lightup_world import MONTH, TODAY, YEAR, World, build, item, scorecard

pytestmark = pytest.mark.django_db
PAGE_BASE = 3  # session, user, scope (see test_lightup_queries)


@pytest.fixture
def world(cast: Cast) -> World:
    found = build(cast)
    # Green in May, yellow in June (510 against 600: -15 %): worse month over month.
    dropping = item(found.cards["finance"], "Dropping", months=MONTH - 1)
    MonthlyActual.objects.create(
        item=dropping, month=MONTH, value=Decimal(10), status=ActualStatus.APPROVED
    )
    found.items["dropping"] = dropping
    lightup_sweep(actor=SYSTEM, year=YEAR, month=MONTH - 1, today=TODAY)
    lightup_sweep(actor=SYSTEM, year=YEAR, month=MONTH, today=TODAY)
    return found


def cells(world: World, user: Any, **filters: Any) -> dict[tuple[str, str], Any]:
    grid = board_grid(user, BoardFilters(year=YEAR, month=MONTH, **filters))
    return {
        (row.name, column.name): cell
        for row in grid.rows
        for column, cell in row.cells
        if cell is not None
    }


def test_units_are_rows_items_are_columns_and_a_cell_shows_its_worst_light(world: World) -> None:
    found = cells(world, world.cast.executive.user)
    eng, fin = world.cast.engineering.name, world.cast.finance.name
    assert {name for name, _ in found} == {eng, fin}
    assert found[(eng, "Capacity online")].colour == "green"
    assert found[(eng, "Revenue")].colour == "yellow"
    assert found[(eng, "Profit")].colour == "red"
    assert found[(eng, "Grid connection")].colour == "yellow"
    # The employee's card is in Engineering: their item is a cell of Engineering's row.
    assert found[(eng, "Site output")].colour == "red"
    assert found[(fin, "Dropping")].colour == "yellow"
    assert (fin, "Profit") not in found


def test_a_cell_counts_the_units_items_of_its_column_by_colour(world: World) -> None:
    second = scorecard(world.cast.engineering, world.cast.manager)
    item(second, "Profit", monthly=Decimal(100))  # green: the manager's own Profit
    lightup_sweep(actor=SYSTEM, year=YEAR, month=MONTH, today=TODAY)
    cell = cells(world, world.cast.executive.user)[(world.cast.engineering.name, "Profit")]
    assert cell.counts == {"green": 1, "yellow": 0, "red": 1, "grey": 0}
    assert cell.colour == "red"
    assert [(colour, n) for colour, _label, n in cell.parts] == [("red", 1), ("green", 1)]


def test_month_over_month_change_of_each_cell(world: World) -> None:
    found = cells(world, world.cast.executive.user)
    assert found[(world.cast.finance.name, "Dropping")].change == "worse"
    assert found[(world.cast.engineering.name, "Profit")].change == "same"


def test_a_colour_filter_keeps_the_cells_holding_that_colour(world: World) -> None:
    found = cells(world, world.cast.executive.user, colour="red")
    eng = world.cast.engineering.name
    assert set(found) == {(eng, "Profit"), (eng, "Site output")}


def test_unit_owner_and_perspective_filters_narrow_the_grid(world: World) -> None:
    user = world.cast.executive.user
    assert {n for n, _ in cells(world, user, unit=world.cast.finance.pk)} == {
        world.cast.finance.name
    }
    assert set(cells(world, user, owner="Employee Yi")) == {
        (world.cast.engineering.name, "Site output")
    }
    assert cells(world, user, perspective=10**9) == {}


@pytest.mark.parametrize(
    ("role", "units"),
    [
        ("employee", {"engineering"}),
        ("manager", {"engineering"}),
        ("sibling_manager", {"finance"}),
        ("hr", {"engineering", "finance"}),
        ("executive", {"engineering", "finance"}),
    ],
)
def test_the_grid_page_shows_the_units_in_scope(world: World, role: str, units: set[str]) -> None:
    response = world.cast.client(role).get(reverse("lightup-board"), {"year": YEAR, "month": MONTH})
    assert response.status_code == 200
    shown = {int(pk) for pk in re.findall(rb'<tr data-unit="(\d+)"', response.content)}
    assert shown == {getattr(world.cast, unit).pk for unit in units}


def test_employee_sees_only_their_own_items_in_their_units_row(world: World) -> None:
    found = cells(world, world.cast.employee.user)
    assert set(found) == {(world.cast.engineering.name, "Site output")}


def test_anonymous_is_sent_to_sign_in(world: World) -> None:
    response = world.cast.client("anonymous").get(reverse("lightup-board"))
    assert response.status_code == 302


def test_a_cell_drills_down_to_exactly_its_items(world: World) -> None:
    client = world.cast.client("executive")
    page = client.get(reverse("lightup-board"), {"year": YEAR, "month": MONTH}).content.decode()
    link = re.search(r'href="([^"]*only_unit=\d+&amp;item=Profit)"', page)
    assert link is not None
    listed = client.get(link.group(1).replace("&amp;", "&")).content
    shown = {int(pk) for pk in re.findall(rb'data-item="(\d+)"', listed)}
    assert shown == {world.items["red"].pk}


def grow_units(world: World, n: int) -> None:
    """``n`` more units under Engineering, each with a scorecard of two lit items."""
    for i in range(n):
        unit = OrgUnitFactory(parent=world.cast.engineering)
        card = scorecard(unit)  # type: ignore[arg-type]
        item(card, "Profit", monthly=Decimal(80))
        item(card, f"Local {i}", monthly=Decimal(100))
    lightup_sweep(actor=SYSTEM, year=YEAR, month=MONTH - 1, today=TODAY)
    lightup_sweep(actor=SYSTEM, year=YEAR, month=MONTH, today=TODAY)


@pytest.mark.parametrize("size", [1, 6])
def test_grid_queries_stay_constant(
    world: World, size: int, django_assert_num_queries: Any
) -> None:
    grow_units(world, size)
    client = world.cast.client("executive")
    client.get(reverse("home"))
    # + latest swept month, the tallies: the month's units (the grid's rows), both months
    # by colour, the viewer's own lights outside their subtrees (both months); the cells of
    # both months, current plan (two without one), perspectives, units of the filter,
    # unread count in the navigation, the user's saved filters
    with django_assert_num_queries(PAGE_BASE + 11):
        response = client.get(reverse("lightup-board"), {"year": YEAR, "month": MONTH})
    assert response.content.count(b"<tr data-unit=") == 2 + size
    assert response.content.count(b'class="lightup-cell"') == 7 + 2 * size


def test_names_in_the_grid_are_escaped_and_their_drill_down_links_round_trip(
    world: World,
) -> None:
    """The grid's body is written in Python (lightup.grid.body_html), not the template
    language: names must still be escaped, and a column named with reserved characters
    must still drill down to exactly its items."""
    unit: OrgUnit = OrgUnitFactory(parent=world.cast.engineering, name='<b>R&D "east"</b>')  # type: ignore[assignment]
    odd = item(scorecard(unit), "Cost <& yield> 50%/year", monthly=Decimal(80))
    lightup_sweep(actor=SYSTEM, year=YEAR, month=MONTH, today=TODAY)
    client = world.cast.client("executive")
    page = client.get(reverse("lightup-board"), {"year": YEAR, "month": MONTH}).content.decode()
    assert "<b>" not in page
    assert "&lt;b&gt;R&amp;D &quot;east&quot;&lt;/b&gt;" in page
    link = re.search(rf'href="([^"]*only_unit={unit.pk}&amp;item=[^"]*)"', page)
    assert link is not None
    assert "Cost%20%3C%26%20yield%3E%2050%25/year" in link.group(1)
    listed = client.get(link.group(1).replace("&amp;", "&")).content
    assert {int(pk) for pk in re.findall(rb'data-item="(\d+)"', listed)} == {odd.pk}


def test_the_list_view_escapes_names_and_links_each_light_to_its_item(world: World) -> None:
    """The list's rows are written in Python (lightup.board_html), not the template
    language: names stay escaped, and each row links to its item's chart."""
    from tests.factories_strategy import ObjectiveFactory

    unit = OrgUnitFactory(parent=world.cast.engineering, name="<i>Ops & Co</i>")
    objective = ObjectiveFactory(perspective__name="<u>Customer</u>")
    odd = item(scorecard(unit), "<s>Churn</s>", monthly=Decimal(80), objective=objective)  # type: ignore[arg-type]
    lightup_sweep(actor=SYSTEM, year=YEAR, month=MONTH, today=TODAY)
    client = world.cast.client("executive")
    params: dict[str, Any] = {"year": YEAR, "month": MONTH, "view": "list"}
    page = client.get(reverse("lightup-board"), params).content.decode()
    for raw in ("<i>", "<u>", "<s>"):
        assert raw not in page
    assert '<th colspan="10" scope="rowgroup">&lt;i&gt;Ops &amp; Co&lt;/i&gt;</th>' in page
    assert "&lt;u&gt;Customer&lt;/u&gt;" in page
    link = reverse("lightup-item", args=[odd.pk]) + f"?year={YEAR}&amp;month={MONTH}"
    assert f'<a href="{link}">&lt;s&gt;Churn&lt;/s&gt;</a>' in page
    assert f'<tr data-item="{odd.pk}" data-colour="red">' in page
