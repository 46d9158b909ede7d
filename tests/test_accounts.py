"""Sign-in, sign-out, password rules, lockout and the idle timeout."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from tests.conftest import Cast
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client: Client, username: str, password: str) -> Any:
    return client.post(reverse("login"), {"username": username, "password": password})


def test_a_member_signs_in_and_out(cast: Cast) -> None:
    client = Client()
    response = sign_in(client, "employee", PASSWORD)
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.parametrize(
    "password", ["short-pw1", "password1234", "123456789012345"], ids=["short", "common", "numeric"]
)
def test_weak_passwords_are_refused(password: str) -> None:
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_twelve_character_uncommon_password_is_accepted() -> None:
    validate_password("tidal-orchid-47")


def test_password_change_applies_the_rules(cast: Cast) -> None:
    client = cast.client("employee")
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"},
    )
    assert response.status_code == 200
    assert "at least 12 characters" in response.content.decode()
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "tidal-orchid-47",
            "new_password2": "tidal-orchid-47",
        },
    )
    assert response.status_code == 302
    cast.employee.user.refresh_from_db()
    assert cast.employee.user.check_password("tidal-orchid-47")


def test_repeated_failures_lock_the_account_even_for_the_right_password(cast: Cast) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "employee", "wrong-password-123")
    response = sign_in(client, "employee", PASSWORD)
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_sessions_expire_after_the_idle_timeout(cast: Cast) -> None:
    assert settings.SESSION_ENGINE == "spm.sessions"  # renewed by requests: tests/test_sessions.py
    assert settings.SESSION_COOKIE_AGE == 1800
    client = cast.client("employee")
    session = client.session
    session.set_expiry(-1)  # as if the idle time had passed
    session.save()
    assert client.get(reverse("home")).status_code == 302


def test_the_login_page_is_translated_for_chinese_browsers() -> None:
    response = Client().get(reverse("login"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "登录 SPM" in response.content.decode()


def test_the_language_switcher_remembers_the_choice(cast: Cast) -> None:
    client = cast.client("employee")
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "组织架构" in client.get(reverse("home")).content.decode()
