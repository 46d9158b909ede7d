"""Issue 8, finding 14: a per-request CSP nonce; API tokens that expire and are revoked."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, cast

import pytest
from csp.middleware import CSPMiddleware
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from rest_framework.authtoken.models import Token

from spm.clock import FixedClock
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


def _script_src(header: str) -> str:
    return next(p for p in header.split(";") if p.strip().startswith("script-src"))


def test_the_csp_sends_a_fresh_nonce_per_request_never_the_literal_word(client: Client) -> None:
    def page(request: HttpRequest) -> HttpResponse:
        return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")  # type: ignore[attr-defined]

    middleware = CSPMiddleware(page)
    headers = [
        cast(HttpResponse, middleware(RequestFactory().get("/")))["Content-Security-Policy"]
        for _ in range(2)
    ]
    sources = [_script_src(h) for h in headers]
    assert all("'nonce-" in s for s in sources), sources
    assert sources[0] != sources[1]
    plain = client.get("/accounts/login/")["Content-Security-Policy"]
    assert "'nonce'" not in plain and "'nonce'" not in headers[0]


@pytest.fixture
def token(settings: Any) -> Token:
    settings.SPM_TODAY = date(2026, 11, 16)
    user = EmployeeFactory.create().user
    token = Token.objects.create(user=user)
    Token.objects.filter(pk=token.pk).update(created=FixedClock.on(date(2026, 11, 16)).now())
    return token


def _me(token: Token) -> int:
    return Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token.key}").status_code


def test_an_api_token_works_within_its_lifetime_and_not_after(settings: Any, token: Token) -> None:
    assert _me(token) == 200
    settings.SPM_TODAY = date(2026, 11, 16) + timedelta(days=1)
    assert _me(token) == 401
    assert not Token.objects.filter(pk=token.pk).exists()


def test_logout_revokes_the_users_api_tokens(token: Token) -> None:
    client = Client()
    client.force_login(token.user)
    client.post("/accounts/logout/")
    assert _me(token) == 401


def test_a_password_change_revokes_the_users_api_tokens(token: Token) -> None:
    user = get_user_model().objects.get(pk=token.user_id)
    user.first_name = "Same password"
    user.save()
    assert _me(token) == 200
    user.set_password("a new long password 2026")
    user.save()
    assert _me(token) == 401


def test_a_token_made_with_the_clock_pinned_in_another_year_works(settings: Any) -> None:
    settings.SPM_TODAY = date(2031, 1, 15)
    user = EmployeeFactory.create().user
    token = Token.objects.create(user=user)
    assert token.created.date() == date(2031, 1, 15)
    assert _me(token) == 200
