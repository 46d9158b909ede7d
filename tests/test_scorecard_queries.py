"""Scorecard lists cost the same number of queries whatever their size (no N+1).

The cast's scorecards are built once for the module; each test grows them, in its own
savepoint, to a small and a larger size and asserts the exact query count at both; the
comment beside each count says what the queries are.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from org.scoping import scope_of
from scorecard.models import MonthlyActual
from scorecard.selectors.scorecards import years
from tests.conftest import Cast
from tests.factories import EmployeeFactory
from tests.factories_scorecard import (
    YEAR,
    IndicatorFactory,
    ItemFactory,
    KeyTaskFactory,
    MilestoneFactory,
    MilestoneItemFactory,
    MonthlyPlanFactory,
    ObjectiveFactory,
    ScorecardFactory,
)
from tests.scorecard_world import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(shared_cast: Cast) -> Cast:
    """Every test here works on the cast: build it once for the module."""
    return shared_cast


SIZES = [1, 8]

# Any signed-in page: session, user, scope (role assignments and employee record, one
# statement).
PAGE_BASE = 3
API_BASE = 3
NAV = 1  # the inbox's unread count in the navigation (notifications app)


def grow(world: World, n: int) -> None:
    """``n`` more people in Engineering, each with a full scorecard decomposed from
    Engineering's items; ``n`` more items on the employee's and Engineering's scorecards,
    with actuals and monthly plans; ``n`` more indicators."""
    cast = world.cast
    parent = world.items["engineering"]
    for i in range(n):
        person = EmployeeFactory(unit=cast.engineering, line_manager=cast.manager)
        card = ScorecardFactory(unit=cast.engineering, employee=person, plan=world.plan)
        child = ItemFactory(scorecard=card, parent=parent, objective=world.f1, target=Decimal(20))
        child.baseline, child.challenge = Decimal(10), Decimal(30)
        ItemFactory(scorecard=card, weight=Decimal(20))
        MilestoneFactory(item=MilestoneItemFactory(scorecard=card, weight=Decimal(20)))
        mine = ItemFactory(
            scorecard=world.cards["employee"], parent=parent, objective=world.f1, name=f"Mine {i}"
        )
        MonthlyPlanFactory(item=mine, month=1)
        for month in (1, 2, 3):
            MonthlyActual.objects.create(item=mine, month=month, value=Decimal(30 + i))
        KeyTaskFactory(scorecard=world.cards["employee"])
        IndicatorFactory(owner_unit=cast.group)
    # Engineering's card is signed: the extra items go on the Site team's draft instead.
    for _ in range(n):
        MilestoneFactory(item=MilestoneItemFactory(scorecard=world.cards["site"]))


@pytest.fixture
def world(scorecard_world: World) -> World:
    """The cast's scorecards, built once for the module; each test grows them in its own
    savepoint."""
    return scorecard_world


def _count(
    django_assert_num_queries: Any, expected: int, client: Any, url: str, **params: Any
) -> Any:
    with django_assert_num_queries(expected):
        response = client.get(url, params)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("n", SIZES)
def test_scorecard_list_page(world: World, django_assert_num_queries: Any, n: int) -> None:
    grow(world, n)
    # + count, + the page's ids, + their scorecards with counts/weights/letter, + years (first
    # and last, then one EXISTS per year), + units for the filter, + the user's saved filters
    _count(
        django_assert_num_queries,
        PAGE_BASE + 7 + NAV,
        world.cast.client("hr"),
        f"{reverse('scorecard-list')}?year={YEAR}",  # the world's year, whatever the clock says
    )


@pytest.mark.parametrize("n", SIZES)
def test_scorecard_page(world: World, django_assert_num_queries: Any, n: int) -> None:
    grow(world, n)
    # + scorecard, + items with child counts, + plans and actuals (one query), + milestones,
    # + may change, + the items' lights
    url = reverse("scorecard-detail", args=[world.cards["site"].pk])
    _count(django_assert_num_queries, PAGE_BASE + 6 + NAV, world.cast.client("manager"), url)


@pytest.mark.parametrize("n", SIZES)
def test_item_page(world: World, django_assert_num_queries: Any, n: int) -> None:
    grow(world, n)  # n more items decomposed from Engineering's
    # + item with its card, unit, employee, indicator and objective, + plans and actuals (one
    # query; a quantitative item: no milestones, nor milestones to record), + children's
    # totals and count (the pager's too), + the items above (one recursive query), + the
    # objective the top one serves, + may cascade, + feedback threads, + the page of
    # children, + changes
    url = reverse("scorecard-item", args=[world.items["engineering"].pk])
    _count(django_assert_num_queries, PAGE_BASE + 9 + NAV, world.cast.client("manager"), url)


@pytest.mark.parametrize("n", SIZES)
def test_item_page_of_an_item_not_decomposed(
    world: World, django_assert_num_queries: Any, n: int
) -> None:
    grow(world, n)
    # The employee's own item: as the item page above, without the page of children (none
    # counted) and without the check for cascading (a person's card)
    url = reverse("scorecard-item", args=[world.items["employee"].pk])
    response = _count(
        django_assert_num_queries, PAGE_BASE + 7 + NAV, world.cast.client("employee"), url
    )
    assert b"Not decomposed yet." in response.content


@pytest.mark.parametrize("n", SIZES)
def test_my_targets_page(world: World, django_assert_num_queries: Any, n: int) -> None:
    grow(world, n)
    # + my scorecard and my unit's (one query), + items, + plans and actuals (of quantitative
    # items; one query; milestones only for milestone items: none here), + the items above
    # (their parents and theirs: one recursive query), + the objective the top one serves,
    # + current letter, + years (2), + the items' lights (the objectives' own parents: none
    # here, one query per level otherwise)
    url = reverse("my-targets")
    _count(
        django_assert_num_queries,
        PAGE_BASE + 9 + NAV,
        world.cast.client("employee"),
        url,
        year=2026,
    )


@pytest.mark.parametrize("n", SIZES)
def test_unit_page(world: World, django_assert_num_queries: Any, n: int) -> None:
    grow(world, n)
    # + unit, + years (2), + ancestors, + unit scorecard with its letter's status, + its items
    # (count, weights, and those with a light), + their lights, + sub-units (ids), + their
    # scorecards, + team count, + team page with their scorecards, + hand-overs
    url = reverse("scorecard-unit", args=[world.cast.engineering.pk])
    manager = world.cast.client("manager")
    _count(django_assert_num_queries, PAGE_BASE + 12 + NAV, manager, url, year=2026)


@pytest.mark.parametrize("n", SIZES)
def test_unit_page_of_a_unit_without_sub_units(
    world: World, django_assert_num_queries: Any, n: int
) -> None:
    grow(world, n)
    # As a unit with sub-units, without the query of their scorecards (there are none)
    url = reverse("scorecard-unit", args=[world.cast.site.pk])
    manager = world.cast.client("manager")
    response = _count(django_assert_num_queries, PAGE_BASE + 11 + NAV, manager, url, year=2026)
    assert b"No sub-units." in response.content


def objectives_off_the_tree(world: World, n: int) -> None:
    """``n`` objectives no item serves and ``n`` only an employee's item serves: neither is
    served by a unit item of the alignment tree, so both probes of the page run."""
    for i in range(n):
        ObjectiveFactory(plan=world.plan, code=f"U{i}", perspective=world.f1.perspective)
        only_mine = ObjectiveFactory(
            plan=world.plan, code=f"M{i}", perspective=world.f1.perspective
        )
        ItemFactory(scorecard=world.cards["employee"], objective=only_mine, name=f"Only {i}")


@pytest.mark.parametrize("n", SIZES)
def test_alignment_page(world: World, django_assert_num_queries: Any, n: int) -> None:
    grow(world, n)
    objectives_off_the_tree(world, n)
    # + top unit, + the plans (the default one and the filter's), + unit items per level,
    # + unit items, + children summaries, + objectives, + objectives off the tree served by
    # any item at all, + those served in the view, + weights (rows, count), + sums (rows,
    # count), + unlinked (rows: fewer than the limit, so no count), + years (2), + units for
    # the filter (the top unit has no ancestors for the breadcrumb)
    url = reverse("scorecard-alignment")
    _count(django_assert_num_queries, PAGE_BASE + 16 + NAV, world.cast.client("hr"), url, year=2026)


@pytest.mark.parametrize("n", SIZES)
def test_indicator_list_page(world: World, django_assert_num_queries: Any, n: int) -> None:
    grow(world, n)
    # + count, + page of indicators with owner unit, + units for the filter
    _count(
        django_assert_num_queries,
        PAGE_BASE + 3 + NAV,
        world.cast.client("hr"),
        reverse("indicator-list"),
    )


# --- API -------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize(
    ("url", "extra"),
    [
        ("/api/v1/scorecards/", 1),  # a cursor page with summaries (no count)
        ("/api/v1/scorecard-items/", 2),  # a cursor page with scorecard, monthly plans
        ("/api/v1/milestones/", 1),  # a cursor page with units (no count)
        ("/api/v1/indicators/", 2),  # count, page with owner unit
    ],
)
def test_api_lists(
    world: World, django_assert_num_queries: Any, n: int, url: str, extra: int
) -> None:
    grow(world, n)
    _count(django_assert_num_queries, API_BASE + extra, world.cast.client("hr"), url)


@pytest.mark.parametrize("n", SIZES)
def test_api_my_targets(world: World, django_assert_num_queries: Any, n: int) -> None:
    grow(world, n)
    # as the page, without the years
    url = "/api/v1/my-targets/"
    _count(django_assert_num_queries, API_BASE + 6, world.cast.client("employee"), url, year=2026)


@pytest.mark.parametrize("n", SIZES)
def test_api_alignment(world: World, django_assert_num_queries: Any, n: int) -> None:
    grow(world, n)
    objectives_off_the_tree(world, n)
    # as the page, without the filter lists
    url = "/api/v1/alignment/"
    _count(django_assert_num_queries, API_BASE + 13, world.cast.client("hr"), url, year=2026)


def test_the_years_to_pick_are_those_of_the_cards_in_scope(
    world: World, django_assert_num_queries: Any
) -> None:
    """This year and the years with a card the person may see: the first and last year of
    all cards, then every year between them probed in one statement; a card out of scope
    shows no year, and a login that sees no card is offered this year only."""
    cast = world.cast
    employee, hr = cast.employee.user, cast.hr.user
    nobody = get_user_model().objects.create_user("nobody-here")
    for user in (employee, hr, nobody):
        scope_of(user)  # read once a request, before the page's queries
    ScorecardFactory(unit=cast.finance, employee=cast.finance_clerk, year=YEAR - 3)
    ScorecardFactory(unit=cast.engineering, employee=cast.employee, year=YEAR + 1)
    with django_assert_num_queries(2):
        assert years(employee, YEAR) == [YEAR + 1, YEAR]  # the clerk's card is not theirs
    with django_assert_num_queries(2):
        assert years(hr, YEAR) == [YEAR + 1, YEAR, YEAR - 3]
    assert years(hr, YEAR - 1) == [YEAR + 1, YEAR, YEAR - 1, YEAR - 3]
    assert years(nobody, YEAR) == [YEAR]
