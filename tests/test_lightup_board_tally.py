"""The light board read from the tallies (:func:`lightup.selectors.board_tally`) answers
exactly what counting and sorting the viewer's lights answers: the counts by colour, the
units of the grid, and every page of the list, for every role and for the filters the
tallies keep (month, a unit's subtree, a colour); and it stays exact after a re-sweep."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count
from django.urls import reverse

from lightup.grid import board_grid
from lightup.models import LightStatus
from lightup.selectors import (
    BoardFilters,
    board_page,
    board_rows,
    board_tally,
    colour_counts,
    with_board_details,
)
from lightup.services import lightup_sweep
from org.scoping import SYSTEM
from tests import lightup_world
from tests.conftest import CAST, Cast
from tests.lightup_world import MONTH, TODAY, YEAR, World, build, grow, item

pytestmark = pytest.mark.django_db
SIZE = 2  # rows per page: the world's units hold several each, so pages cross units


def user_of(cast: Cast, role: str) -> Any:
    member = cast.member(role)
    return AnonymousUser() if member is None else member.user


@pytest.fixture
def world(cast: Cast) -> World:
    return lightup_world.with_own_unit_card(cast, (MONTH - 1, MONTH))


def filter_sets(cast: Cast) -> list[dict[str, Any]]:
    return [
        {},
        {"colour": "red"},
        {"unit": cast.engineering.pk},
        {"unit": cast.finance.pk, "colour": "green"},
        {"month": MONTH - 1},
        {"month": 1},
        {"unit": 2**40},
    ]


def by_unit(user: Any, filters: BoardFilters) -> list[tuple[int, int]]:
    """The reference: the viewer's lights counted unit by unit, in tree order."""
    rows = (
        board_rows(user, filters)
        .order_by("item__scorecard__unit__path")
        .values_list("item__scorecard__unit_id")
        .annotate(n=Count("pk"))
    )
    return list(rows)


def exact(user: Any, filters: BoardFilters) -> None:
    tally = board_tally(user, filters)
    assert tally is not None
    assert [(u.unit_id, u.total) for u in tally.units] == by_unit(user, filters)
    assert tally.counts == colour_counts(board_rows(user, filters))
    if filters.month > 1:
        before = BoardFilters(**{**filters.__dict__, "month": filters.month - 1})
        assert tally.before_counts == colour_counts(board_rows(user, before))
    else:
        assert tally.before_counts == {}
    # Every page of the list, and one past the end (the last again), as sorting them all.
    everything = [row.pk for row in with_board_details(board_rows(user, filters), filters)]
    pages = -(-len(everything) // SIZE) or 1
    read: list[int] = []
    for number in range(1, pages + 1):
        page = board_page(user, filters, number, SIZE, tally)
        assert page.paginator.num_pages == pages
        assert page.paginator.count == len(everything)
        read += [row.pk for row in page.object_list]
    assert read == everything
    counted = board_page(user, filters, pages + 5, SIZE, None)
    assert [r.pk for r in board_page(user, filters, pages + 5, SIZE, tally).object_list] == [
        r.pk for r in counted.object_list
    ]
    # The grid's rows from the tallies are those found by grouping the lights.
    for number in (1, 2):
        fast = board_grid(user, filters, number, tally.units)
        slow = board_grid(user, filters, number)
        assert [(r.unit_id, r.name, r.depth) for r in fast.rows] == [
            (r.unit_id, r.name, r.depth) for r in slow.rows
        ]
        assert [[(c, x and x.counts) for c, x in r.cells] for r in fast.rows] == [
            [(c, x and x.counts) for c, x in r.cells] for r in slow.rows
        ]
        assert fast.page.paginator.count == slow.page.paginator.count


@pytest.mark.parametrize("role", CAST)
def test_the_board_from_the_tallies_is_the_board_from_the_lights(world: World, role: str) -> None:
    user = user_of(world.cast, role)
    for extra in filter_sets(world.cast):
        exact(user, BoardFilters(**{"year": YEAR, "month": MONTH, **extra}))


def test_exact_for_the_system_and_after_a_resweep_with_a_new_item(world: World) -> None:
    exact(SYSTEM, BoardFilters(year=YEAR, month=MONTH))
    item(world.cards["finance"], "Late addition", monthly=Decimal(5))
    lightup_sweep(actor=SYSTEM, year=YEAR, month=MONTH, today=TODAY)
    for role in CAST:
        exact(user_of(world.cast, role), BoardFilters(year=YEAR, month=MONTH))


def test_filters_the_tallies_do_not_keep_count_the_lights(world: World) -> None:
    for extra in ({"owner": "x"}, {"only_unit": 1}, {"indicator": 1}, {"item": "x"}):
        filters = BoardFilters(**{"year": YEAR, "month": MONTH, **extra})
        assert board_tally(world.cast.hr.user, filters) is None
    response = world.cast.client("hr").get(
        reverse("lightup-board"),
        {"year": YEAR, "month": MONTH, "view": "list", "only_unit": world.cast.finance.pk},
    )
    assert response.status_code == 200
    shown = response.content.count(b"data-item=")
    assert (
        shown
        == LightStatus.objects.filter(
            year=YEAR, month=MONTH, item__scorecard__unit=world.cast.finance
        ).count()
    )


def test_the_list_page_reads_only_the_units_on_it(cast: Cast) -> None:
    """Page 2 of the board's list for HR: its rows are the lights 101-200 in board order."""
    world = build(cast)
    grow(world, 60)
    lightup_sweep(actor=SYSTEM, year=YEAR, month=MONTH, today=TODAY)
    hr = world.cast.hr.user
    filters = BoardFilters(year=YEAR, month=MONTH)
    everything = [row.item_id for row in with_board_details(board_rows(hr, filters), filters)]
    assert len(everything) > 100
    response = world.cast.client("hr").get(
        reverse("lightup-board"), {"year": YEAR, "month": MONTH, "view": "list", "page": 2}
    )
    shown = [int(chunk.split(b'"')[1]) for chunk in response.content.split(b"data-item=")[1:]]
    assert shown == everything[100:200]


@pytest.mark.parametrize(("role", "scoped"), [("executive", False), ("employee", True)])
def test_the_grid_of_units_in_the_viewers_subtrees_reads_their_lights_unscoped(
    world: World, monkeypatch: pytest.MonkeyPatch, role: str, scoped: bool
) -> None:
    """Units of the viewer's subtrees (every one of their lights visible) need no scoping
    filter; the viewer's own lights elsewhere keep it (exactness: the test above)."""
    from lightup import grid

    seen: list[bool] = []

    def spied(*args: Any, scoped: bool = True, **kwargs: Any) -> Any:
        seen.append(scoped)
        return board_rows(*args, scoped=scoped, **kwargs)

    monkeypatch.setattr(grid, "board_rows", spied)
    user = user_of(world.cast, role)
    filters = BoardFilters(year=YEAR, month=MONTH)
    tally = board_tally(user, filters)
    assert tally is not None and tally.units
    board_grid(user, filters, 1, tally.units)
    assert seen == [scoped]
