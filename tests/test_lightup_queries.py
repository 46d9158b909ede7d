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
    # + count, the page (with item and scorecard)
    with django_assert_num_queries(API_BASE + 2):
        response = client.get("/api/v1/light-statuses/", {"year": YEAR, "month": MONTH})
    assert response.json()["count"] == 5 + 2 * size


@pytest.mark.parametrize("size", SIZES)
def test_notification_api_queries(world: World, size: int, django_assert_num_queries: Any) -> None:
    grown(world, size)
    client = world.cast.client("manager")
    client.get("/api/v1/notifications/")
    # + count, the page; no scope queries (an inbox is the recipient's, not the tree's)
    with django_assert_num_queries(API_BASE - 1 + 2):
        response = client.get("/api/v1/notifications/")
    assert response.json()["count"] >= 3 + size
