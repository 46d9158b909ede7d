"""The map, the plan page and the strategy lists cost the same number of queries whatever
the number of objectives (no N+1): each is measured at 10 and at 60 objectives."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from strategy.models import PlanStatus, StrategicPlan
from tests.conftest import Cast
from tests.factories_strategy import PlanKit, grow_map, make_plan

pytestmark = pytest.mark.django_db

SIZES = [10, 60]

# Queries of any signed-in request: session, user, scope (role assignments and employee
# record in one statement).
PAGE_BASE = 3
NAV = 1  # the inbox's unread count in the navigation (notifications app)
# The light-up app colours objectives and lists their KPIs: one query per batch each.
LIGHTS = 1
KPIS = 1


def _plan(cast: Cast, objectives: int, status: str = PlanStatus.DRAFT) -> PlanKit:
    kit = make_plan(cast.group)
    grow_map(kit, objectives, units=[cast.group, cast.engineering, cast.site, cast.finance])
    StrategicPlan.objects.filter(pk=kit.plan.pk).update(status=status)
    return kit


@pytest.mark.parametrize("size", SIZES)
def test_map_page_query_count_is_constant_for_a_reader(
    cast: Cast, django_assert_num_queries: Any, size: int
) -> None:
    kit = _plan(cast, size, PlanStatus.APPROVED)
    client = cast.client("employee")
    # + plan, + perspectives, + objectives with owner units, + links
    with django_assert_num_queries(PAGE_BASE + 4 + NAV + LIGHTS):
        response = client.get(reverse("strategy-map", args=[kit.plan.pk]))
    assert len(response.context["map"].objectives) == size


@pytest.mark.parametrize("size", SIZES)
def test_map_page_query_count_is_constant_for_an_editing_executive(
    cast: Cast, django_assert_num_queries: Any, size: int
) -> None:
    kit = _plan(cast, size)
    client = cast.client("executive")
    # + plan, + perspectives, + objectives, + links, + may the user edit it;
    # the two add forms: + perspectives, + themes, + units, + objectives for "cascaded
    # from", + objectives for the link's cause, + for its effect
    with django_assert_num_queries(PAGE_BASE + 11 + NAV + LIGHTS):
        client.get(reverse("strategy-map", args=[kit.plan.pk]))


@pytest.mark.parametrize("size", SIZES)
def test_map_exports_query_count_is_constant(
    cast: Cast, django_assert_num_queries: Any, size: int
) -> None:
    kit = _plan(cast, size, PlanStatus.APPROVED)
    client = cast.client("hr")
    for name in ("strategy-map-svg", "strategy-map-pdf"):
        # + plan, + perspectives, + objectives, + links
        with django_assert_num_queries(PAGE_BASE + 4 + LIGHTS):
            client.get(reverse(name, args=[kit.plan.pk]))


@pytest.mark.parametrize("size", SIZES)
def test_plan_page_query_count_is_constant(
    cast: Cast, django_assert_num_queries: Any, size: int
) -> None:
    kit = _plan(cast, size)
    client = cast.client("executive")
    # + plan; overview: + perspectives, + objectives, + links, + strategies, + themes;
    # + may the user edit it, + may they revise it, + draft successor, + versions
    with django_assert_num_queries(PAGE_BASE + 9 + NAV):
        client.get(reverse("strategy-plan-detail", args=[kit.plan.pk]))


def test_executive_dashboard_query_count_is_constant(cast: Cast) -> None:
    """The home page also holds other apps' panels, so compare it with itself: the same
    number of queries with 10 objectives on the map as with 60."""
    kit = _plan(cast, 10, PlanStatus.APPROVED)
    client = cast.client("executive")
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("home")).status_code == 200
    grow_map(kit, 50, units=[cast.engineering, cast.finance])
    with CaptureQueriesContext(connection) as large:
        response = client.get(reverse("home"))
    assert len(response.context["panels"][0].context["map"].objectives) == 60
    assert len(large.captured_queries) == len(small.captured_queries)


@pytest.mark.parametrize("size", SIZES)
def test_objective_page_query_count_does_not_grow_with_its_links(
    cast: Cast, django_assert_num_queries: Any, size: int
) -> None:
    kit = _plan(cast, 8, PlanStatus.APPROVED)
    hub = kit.objective("customer")
    for _ in range(size // 10):
        kit.link(kit.objective("internal"), hub)
    client = cast.client("employee")
    # + objective with plan, unit, head, parent; + drivers, + driven, + cascaded;
    # + may the user edit its plan (skipped: approved)
    with django_assert_num_queries(PAGE_BASE + 4 + NAV + LIGHTS + KPIS):
        client.get(reverse("strategy-objective-detail", args=[hub.pk]))


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(
    "url", ["/api/v1/objectives/", "/api/v1/cause-effect-links/", "/api/v1/perspectives/"]
)
def test_api_list_query_count_is_constant(
    cast: Cast, django_assert_num_queries: Any, size: int, url: str
) -> None:
    _plan(cast, size)
    client = cast.client("executive")
    # + count, + page; links add their plans' warnings (+ objectives' ranks, + links)
    extra = 4 if "links" in url else 2
    if "objectives" in url:
        extra += LIGHTS  # each objective's colour
    with django_assert_num_queries(PAGE_BASE + extra):
        client.get(url)


@pytest.mark.parametrize("size", SIZES)
def test_api_map_query_count_is_constant(
    cast: Cast, django_assert_num_queries: Any, size: int
) -> None:
    kit = _plan(cast, size)
    client = cast.client("executive")
    # + plan, + perspectives, + objectives, + links
    with django_assert_num_queries(PAGE_BASE + 4 + LIGHTS):
        response = client.get(f"/api/v1/strategic-plans/{kit.plan.pk}/map/")
    assert len(response.json()["objectives"]) == size
