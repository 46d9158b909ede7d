"""The idle timeout without a session write per request (spm/sessions.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import spm.settings as configured
from spm.clock import SystemClock
from tests.conftest import Cast


@pytest.fixture(autouse=True)
def production_interval(settings: Any) -> None:
    """The interval spm/settings.py sets (tests/conftest.py stretches it for query counts)."""
    settings.SESSION_RENEW_SECONDS = configured.SESSION_RENEW_SECONDS


def session_writes(client: Client, url: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        status = client.get(url).status_code
    sql = [q["sql"] for q in queries.captured_queries if "django_session" in q["sql"]]
    return status, [s.split()[0] for s in sql]


def stored_expiry(client: Client) -> object:
    return Session.objects.get(session_key=client.cookies["sessionid"].value).expire_date


def test_a_page_soon_after_the_last_renewal_reads_the_session_and_writes_nothing(
    cast: Cast,
) -> None:
    client = cast.client("employee")
    assert client.get(reverse("home")).status_code == 200
    status, statements = session_writes(client, reverse("home"))
    assert status == 200
    assert statements == ["SELECT"]


def test_a_page_after_the_renewal_interval_pushes_the_idle_expiry_forward(cast: Cast) -> None:
    client = cast.client("employee")
    lag = timedelta(seconds=settings.SESSION_RENEW_SECONDS + 5)
    Session.objects.update(expire_date=F("expire_date") - lag)
    before = stored_expiry(client)
    status, statements = session_writes(client, reverse("home"))
    assert status == 200
    assert "UPDATE" in statements
    after = stored_expiry(client)
    assert after > before  # type: ignore[operator]
    idle = timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert abs(after - (SystemClock().now() + idle)) < timedelta(seconds=30)  # type: ignore[operator]


def test_a_session_idle_for_longer_than_the_timeout_signs_the_person_out(cast: Cast) -> None:
    client = cast.client("employee")
    Session.objects.update(expire_date=SystemClock().now() - timedelta(seconds=1))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_request_that_does_not_read_the_session_neither_loads_nor_renews_it(
    cast: Cast,
) -> None:
    client = cast.client("employee")
    Session.objects.update(expire_date=F("expire_date") - timedelta(minutes=10))
    before = stored_expiry(client)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/favicon.ico").status_code == 301
    assert queries.captured_queries == []
    assert stored_expiry(client) == before


def test_the_renewal_interval_is_a_small_part_of_the_idle_timeout() -> None:
    assert settings.SESSION_ENGINE == "spm.sessions"
    assert not settings.SESSION_SAVE_EVERY_REQUEST
    assert "spm.sessions.SessionMiddleware" in settings.MIDDLEWARE
    assert "django.contrib.sessions.middleware.SessionMiddleware" not in settings.MIDDLEWARE
    assert 0 < configured.SESSION_RENEW_SECONDS <= configured.SESSION_COOKIE_AGE / 10
