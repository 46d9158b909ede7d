"""The light board, the inbox and their API lists cost the same number of queries at two
data sizes (no N+1). The comment beside each count says what the queries are."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from lightup.services import lightup_sweep
from notifications.models import Notification
from org.scoping import SYSTEM
from tests.conftest import Cast
from tests.lightup_world import MONTH, TODAY, YEAR, World, build, grow

pytestmark = pytest.mark.django_db
SIZES = [1, 6]

# Any signed-in page: session, user, scope (role assignments and employee record, one
# statement).
PAGE_BASE = 3
API_BASE = 3


@pytest.fixture
def world(cast: Cast) -> World:
    return build(cast)


def grown(world: World, size: int) -> None:
    grow(world, size)
    lightup_sweep(actor=SYSTEM, year=YEAR, month=MONTH - 1, today=TODAY)
    lightup_sweep(actor=SYSTEM, year=YEAR, month=MONTH, today=TODAY)


@pytest.mark.parametrize("size", SIZES)
def test_light_board_queries(world: World, size: int, django_assert_num_queries: Any) -> None:
    grown(world, size)
    client = world.cast.client("executive")
    client.get(reverse("home"))  # warm the session
    # + latest swept month, the tallies: the month's units, both months by colour, the
    # viewer's own lights outside their subtrees (both months); the page's rows (with last
    # month's colour), current plan (approved, else latest: two without a plan),
    # perspectives, units, unread count in the navigation, the saved filters
    with django_assert_num_queries(PAGE_BASE + 11):
        response = client.get(
            reverse("lightup-board"), {"year": YEAR, "month": MONTH, "view": "list"}
        )
    assert response.status_code == 200
    assert response.content.count(b"data-item=") == 6 + 3 * size


@pytest.mark.parametrize("size", SIZES)
def test_inbox_queries(world: World, size: int, django_assert_num_queries: Any) -> None:
    grown(world, size)
    client = world.cast.client("manager")
    client.get(reverse("home"))
    # + page count, the page's notifications, unread count in the navigation
    with django_assert_num_queries(PAGE_BASE + 3):
        response = client.get(reverse("notification-inbox"))
    assert (
        response.content.count(b"data-notification=")
        == Notification.objects.filter(recipient=world.cast.manager.user).count()
    )


@pytest.mark.parametrize("size", SIZES)
def test_status_api_queries(world: World, size: int, django_assert_num_queries: Any) -> None:
    grown(world, size)
    client = world.cast.client("manager")
    client.get("/api/v1/light-statuses/")
    # + the page (with item and scorecard): cursor pages, nothing counted
    with django_assert_num_queries(API_BASE + 1):
        response = client.get("/api/v1/light-statuses/", {"year": YEAR, "month": MONTH})
    assert "count" not in response.json()
    assert len(response.json()["results"]) == 5 + 2 * size
    # + the latest swept month, the page
    with django_assert_num_queries(API_BASE + 2):
        response = client.get("/api/v1/light-statuses/forecasts/")
    assert "count" not in response.json()


@pytest.mark.parametrize("path", ["/api/v1/light-statuses/", "/api/v1/light-statuses/forecasts/"])
def test_status_api_cursor_pages_walk_every_row_once_in_item_order(world: World, path: str) -> None:
    """Two rows a page, followed by ``next`` to the end and back by ``previous``: every
    light the caller may see (of the latest month, predicting a miss, for the forecasts)
    once, in item, year and month order."""
    from lightup.models import LightStatus

    grown(world, 3)
    user = world.cast.manager.user
    expected = LightStatus.objects.restrict(user)
    if path.endswith("forecasts/"):
        expected = expected.filter(year=YEAR, month=MONTH, predicted_miss=True)
    expected_ids = list(expected.order_by("item_id", "year", "month").values_list("pk", flat=True))
    assert len(expected_ids) > 4  # several pages
    client = world.cast.client("manager")
    pages: list[list[int]] = []
    url: str | None = f"{path}?page_size=2"
    while url:
        body = client.get(url).json()
        pages.append([row["id"] for row in body["results"]])
        url = body["next"]
    assert [pk for page in pages for pk in page] == expected_ids
    back = client.get(body["previous"]).json() if body["previous"] else None
    assert back is not None and [row["id"] for row in back["results"]] == pages[-2]


@pytest.mark.parametrize("size", SIZES)
def test_notification_api_queries(world: World, size: int, django_assert_num_queries: Any) -> None:
    grown(world, size)
    client = world.cast.client("manager")
    client.get("/api/v1/notifications/")
    # + count, the page; no scope queries (an inbox is the recipient's, not the tree's)
    with django_assert_num_queries(API_BASE - 1 + 2):
        response = client.get("/api/v1/notifications/")
    assert response.json()["count"] >= 3 + size
