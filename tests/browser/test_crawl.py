"""A console-clean crawl of every page of every role, in English and in 简体中文.

Each signed-in role of the cast starts at its home page and follows every same-site link
(``tests/crawl.py``: a few pages per URL shape). Any console error (CSP violations are
reported there), uncaught script error, failed request or response of 400 or more fails
the crawl. In Chinese, the navigation and every heading must hold no English word: data
is renamed in Chinese first, so English can only come from an untranslated string.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.access import fresh
from tests.browser.conftest import baseline_rows
from tests.browser.world import build, name_everything_in_chinese
from tests.crawl import crawl

pytestmark = pytest.mark.browser

ROLES = ("employee", "manager", "sibling_manager", "hr", "executive")
# Capitalised or lower-case English words of three letters or more; codes (ENG, KPI, F1)
# and the "v" of versions are not words. "English" is the language switcher offering
# English in its own name; Excel is a product name.
ENGLISH_WORD = re.compile(r"\b[A-Za-z][a-z]{2,}\b")
ALLOWED = {"English", "Excel"}
# The icon every page links to (templates/base.html).
ICON = "/static/spm/favicon.svg"


@pytest.fixture(scope="module")
def world_rows(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Any]:
    yield from baseline_rows(django_db_blocker, build)


@pytest.fixture
def world(world_rows: Any, transactional_db: Any) -> Any:
    """The world, built once for the module; each test starts from its rows."""
    return fresh(world_rows)


def _walk(page: Any, live_server: Any) -> tuple[list[str], list[str], int]:
    """Crawl from the home page; return (problems, texts of nav and headings, pages)."""
    problems: list[str] = []
    texts: list[str] = []
    current = {"url": ""}

    def on_console(message: Any) -> None:
        if message.type == "error":
            problems.append(f"{current['url']}: console: {message.text}")

    def on_response(response: Any) -> None:
        if response.status >= 400:
            problems.append(
                f"{current['url']}: {response.status} {response.request.method} {response.url}"
                f" ({response.request.resource_type})"
            )

    def on_request_failed(request: Any) -> None:
        # Chromium asks for the icon after the load event; when the crawl moves on first,
        # that request is aborted by the next navigation, which is no fault of the page.
        # An icon the server cannot give still fails the crawl through on_response.
        if request.failure == "net::ERR_ABORTED" and request.url.endswith(ICON):
            return
        problems.append(f"{current['url']}: request failed: {request.url} {request.failure}")

    page.on("console", on_console)
    page.on("pageerror", lambda e: problems.append(f"{current['url']}: script error: {e}"))
    page.on("requestfailed", on_request_failed)
    page.on("response", on_response)

    def get(url: str) -> tuple[int, str, str]:
        current["url"] = url
        response = page.goto(live_server.url + url, wait_until="load")
        status = response.status if response else 0
        kind = (response.headers.get("content-type", "") if response else "") or ""
        if "html" in kind:
            texts.extend(
                page.eval_on_selector_all(
                    "nav[aria-label], h1, h2, h3, th, label, .btn, .breadcrumb",
                    "els => els.map(e => e.innerText)",
                )
            )
        return status, kind, page.content() if "html" in kind else ""

    pages = sum(1 for _ in crawl(get, limit=150, per_shape=2))
    return problems, texts, pages


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_the_role_is_console_clean(
    chromium: None, world: Any, signed_in: Any, live_server: Any, role: str
) -> None:
    page = signed_in(world.cast.member(role).user)
    problems, _texts, pages = _walk(page, live_server)
    assert pages > 5
    assert problems == [], "\n".join(problems)


@pytest.fixture
def chinese_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "locale": "zh-CN"}


@pytest.mark.parametrize("role", ROLES)
def test_in_chinese_no_navigation_or_heading_is_english(
    chromium: None, world: Any, browser: Any, chinese_context_args: Any, live_server: Any, role: str
) -> None:
    from django.conf import settings
    from django.test import Client

    name_everything_in_chinese()
    client = Client()
    client.force_login(world.cast.member(role).user)
    context = browser.new_context(**chinese_context_args)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        problems, texts, _pages = _walk(page, live_server)
    finally:
        context.close()
    english = sorted(
        {
            text.strip()
            for text in texts
            if any(w not in ALLOWED for w in ENGLISH_WORD.findall(text))
        }
    )
    assert english == []
    assert problems == [], "\n".join(problems)
