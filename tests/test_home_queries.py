"""The home page: the same number of queries for every role whatever the size of the data
(each panel an app contributes adds its own, none per row), the current plan read once
for all its panels, and the approvals waiting counted up to a bound."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lightup.services import lightup_sweep
from org.scoping import SYSTEM
from scorecard import nav as scorecard_nav
from scorecard.models import ActualStatus, MonthlyActual
from strategy import selectors as strategy_selectors
from strategy.models import PlanStatus, StrategicPlan
from tests.conftest import Cast
from tests.factories_scorecard import ObjectiveFactory, PlanFactory
from tests.lightup_world import MONTH, TODAY, YEAR, World, build, grow, item

pytestmark = pytest.mark.django_db

ROLES = ["employee", "manager", "hr", "executive"]
# The current plan's query (strategy.selectors.current_plan): the plans in sight, the top
# unit's first.
CURRENT_PLAN = 'ORDER BY "org_orgunit"."depth" ASC'
# The latest swept month (lightup.providers.latest_month).
LATEST_MONTH = 'FROM "lightup_lightstatus" ORDER BY 1 DESC, 2 DESC'
# Results and cycles read as rows (not in a subquery).
RESULTS = 'SELECT "assessment_assessmentresult"."id"'
CYCLES = 'SELECT "assessment_assessmentcycle"."id"'


def _world(cast: Cast, size: int) -> World:
    """The light-up world grown by ``size``, with an approved plan whose objectives the
    units' items serve, swept."""
    world = build(cast)
    plan = PlanFactory(owner_unit=cast.group)
    objectives = [ObjectiveFactory(plan=plan) for _ in range(2)]
    grow(world, size)
    for n in range(size):
        item(world.cards["engineering"], f"Serves {n}", objective=objectives[n % 2])
    lightup_sweep(actor=SYSTEM, year=YEAR, month=MONTH, today=TODAY)
    return world


def _home_queries(cast: Cast, role: str) -> list[str]:
    client = cast.client(role)
    client.get(reverse("home"), {"year": YEAR})  # warm the session
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"), {"year": YEAR})
    assert response.status_code == 200
    return [q["sql"] for q in queries.captured_queries]


@pytest.mark.parametrize("role", ROLES)
def test_home_page_queries_do_not_grow_with_the_data(cast: Cast, role: str) -> None:
    world = _world(cast, 1)
    small = _home_queries(cast, role)
    grow(world, 5)
    for n in range(5):
        item(world.cards["engineering"], f"More {n}", monthly=Decimal(60))
    lightup_sweep(actor=SYSTEM, year=YEAR, month=MONTH, today=TODAY)
    big = _home_queries(cast, role)
    assert len(big) == len(small), "\n\n".join(big)
    # The strategy card (or the executive's dashboard) and the light panel share one read
    # of the current plan, and one of the latest swept month. The objectives' tallies are
    # read once, for HR's and the executive's light panel (and the executive's dashboard
    # map, from the same remembered reading); the items by colour from the light tallies
    # (the units of the viewer's subtrees, and one's own lights: lightup.tally).
    assert sum(CURRENT_PLAN in sql for sql in big) == 1
    assert sum(LATEST_MONTH in sql for sql in big) == 1
    objective_tallies = sum('FROM "lightup_objectivetally"' in sql for sql in big)
    assert objective_tallies == (1 if role in {"hr", "executive"} else 0)
    light_tallies = sum('FROM "lightup_lighttally"' in sql for sql in big)
    assert light_tallies == (0 if role == "employee" else 1)
    # The assessment panel and "waiting for you" share one read of the person's published
    # results; the assessment and bonus panels one of the running cycles.
    assert sum(sql.startswith(RESULTS) for sql in big) == 1
    assert sum(sql.startswith(CYCLES) for sql in big) == 1


def test_the_executives_home_colours_the_objectives_as_a_fresh_reading(cast: Cast) -> None:
    """What the dashboard's map and the light panel show, from the one remembered
    reading, equals the objectives' colours read afresh (outside any page)."""
    from lightup.providers import objective_colours
    from lightup.rules import GREY
    from strategy.rules import status_counts
    from strategy.status import objective_statuses

    _world(cast, 3)
    plan = StrategicPlan.objects.get()
    ids = list(plan.objectives.values_list("pk", flat=True))
    fresh = objective_statuses(ids)
    assert set(fresh.values()) - {GREY}  # coloured
    assert objective_colours(ids) == objective_colours(ids, (YEAR, MONTH))
    response = cast.client("executive").get(reverse("home"), {"year": YEAR})
    panels = {panel.template: panel.context for panel in response.context["panels"]}
    assert panels["strategy/_dashboard_panel.html"]["map"].statuses == fresh
    light = panels["lightup/_home_panel.html"]["objectives"]
    assert light["counts"] == status_counts(fresh)


def test_a_page_memo_remembers_inside_its_block_only() -> None:
    from spm.memo import page_memo, remember, remembering

    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert (remember("k", compute), remember("k", compute)) == (1, 2)
    assert not remembering()
    with page_memo():
        assert remembering()
        assert (remember("k", compute), remember("k", compute)) == (3, 3)
        assert remember("other", compute) == 4
    assert not remembering()
    assert remember("k", compute) == 5


def test_current_plan_is_read_once_while_a_page_is_built_and_afresh_otherwise(
    cast: Cast, django_assert_num_queries: Any
) -> None:
    from spm.memo import page_memo

    first = PlanFactory(owner_unit=cast.group)
    user = cast.executive.user
    assert strategy_selectors.current_plan(user) == first  # the scope read along
    with page_memo():
        with django_assert_num_queries(1):
            assert strategy_selectors.current_plan(user) == first
        with django_assert_num_queries(0):
            assert strategy_selectors.current_plan(user) == first
        # Another person's is their own.
        assert strategy_selectors.current_plan(cast.employee.user) == first
    newer = PlanFactory(owner_unit=cast.group, start_year=YEAR + 1)
    with django_assert_num_queries(1):
        assert strategy_selectors.current_plan(user) == newer
    newer.delete()
    first.status = PlanStatus.SUPERSEDED
    first.save()
    draft = StrategicPlan.objects.create(
        owner_unit=cast.group, start_year=YEAR + 2, end_year=YEAR + 6, name="Draft"
    )
    with django_assert_num_queries(2):  # no approved plan, the latest
        assert strategy_selectors.current_plan(user) == draft


def _submitted(world: World, n: int) -> None:
    """``n`` actuals of the employee's card awaiting approval (entered by the employee)."""
    card = world.cards["employee"]
    for i in range(n):
        row = item(card, f"Awaiting {i}", monthly=None)
        MonthlyActual.objects.create(
            item=row,
            month=1,
            value=Decimal(1),
            status=ActualStatus.SUBMITTED,
            entered_by=world.cast.employee.user,
        )


@pytest.mark.parametrize("submitted", [2, 3, 4])
def test_the_approvals_waiting_are_counted_up_to_a_bound(
    cast: Cast, submitted: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scorecard.selectors.actuals import approval_queue

    monkeypatch.setattr(scorecard_nav, "APPROVALS_COUNTED", 3)
    world = build(cast)
    _submitted(world, submitted)
    for role in ("manager", "hr"):
        user = getattr(cast, role).user
        assert approval_queue(user).count() == submitted  # a fresh count
        body = cast.client(role).get(reverse("home")).content.decode()
        if submitted > 3:
            assert "More than 3 actuals wait for your approval." in body
            assert "4 actuals wait" not in body
        else:
            assert f"{submitted} actuals wait for your approval." in body
            assert "More than" not in body


def test_the_units_strategy_is_the_nearest_at_or_above_the_unit_in_one_query(
    cast: Cast, django_assert_num_queries: Any
) -> None:
    from strategy import services
    from strategy.models import Strategy

    plan = PlanFactory(owner_unit=cast.group, status=PlanStatus.DRAFT)

    def add(unit: Any, level: str, name: str) -> Strategy:
        return services.strategy_create(
            actor=SYSTEM, plan=plan, level=level, unit=unit, function=name, name=name
        )

    group = add(cast.group, "development", "Group")
    engineering = add(cast.engineering, "functional", "Engineering")
    finance = add(cast.finance, "functional", "Finance")
    site = add(cast.site, "functional", "Site")
    StrategicPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.APPROVED)
    for person, expected in [
        (cast.site_worker, site),  # its own unit's first
        (cast.manager, engineering),  # the department (the site's is below it)
        (cast.employee, engineering),
        (cast.finance_clerk, finance),  # not a sibling's
        (cast.hr, group),  # HQ has none, the group's; not those below HQ
    ]:
        user = person.user
        strategy_selectors.current_plan(user)  # the scope and the plan, read beforehand
        with django_assert_num_queries(1):
            found = strategy_selectors.unit_strategy(user, plan, person.unit_id)
        assert found == expected, person
        # The home page's, from the unit's path (read with one's own record): the same.
        with django_assert_num_queries(1):
            on_path = strategy_selectors.unit_strategy_on_path(user, plan, person.unit.path)
        assert on_path == expected, person
    Strategy.objects.filter(pk=site.pk).delete()
    # The site has none now: the department above.
    assert (
        strategy_selectors.unit_strategy(cast.site_worker.user, plan, cast.site.pk) == engineering
    )
    on_path = strategy_selectors.unit_strategy_on_path(cast.site_worker.user, plan, cast.site.path)
    assert on_path == engineering
    assert strategy_selectors.unit_strategy(cast.site_worker.user, plan, None) is None
