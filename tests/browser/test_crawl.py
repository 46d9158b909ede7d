"""A crawl of every page of every role, in 简体中文, that must be clean in two ways.

Each signed-in role of the cast starts at its home page and follows every same-site link
(``tests/crawl.py``: a few pages per URL shape), once, with the browser asking for Chinese.
No page may fault (``tests/browser/faults.py``: a console error — CSP violations are
reported there —, an uncaught script error, a failed request or a response of 400 or more),
and the navigation and every heading must hold no English word: data is renamed in Chinese
first, so English can only come from an untranslated string. (The pages in English are
checked for faults by ``test_a11y``, which visits each role's main pages.)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.access import fresh
from tests.browser.conftest import baseline_rows
from tests.browser.faults import watch
from tests.browser.world import build, name_everything_in_chinese
from tests.crawl import crawl

pytestmark = pytest.mark.browser

ROLES = ("employee", "manager", "sibling_manager", "hr", "executive")
# Capitalised or lower-case English words of three letters or more; codes (ENG, KPI, F1)
# and the "v" of versions are not words. "English" is the language switcher offering
# English in its own name; Excel is a product name.
ENGLISH_WORD = re.compile(r"\b[A-Za-z][a-z]{2,}\b")
ALLOWED = {"English", "Excel"}


@pytest.fixture(scope="module")
def world_rows(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Any]:
    yield from baseline_rows(django_db_blocker, build)


@pytest.fixture
def world(world_rows: Any, transactional_db: Any) -> Any:
    """The world, built once for the module; each test starts from its rows."""
    return fresh(world_rows)


@pytest.fixture
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """The browser asks for Chinese (``Accept-Language: zh-CN``)."""
    return {**browser_context_args, "locale": "zh-CN"}


def _walk(page: Any, live_server: Any) -> tuple[list[str], list[str], int]:
    """Crawl from the home page; return (faults, texts of nav and headings, pages)."""
    faults = watch(page)
    texts: list[str] = []

    def get(url: str) -> tuple[int, str, str]:
        faults.at = url
        # A minute, not the 15 s of other steps: under load the first page of a process
        # (templates compiled, the live server's middleware built) took longer once.
        response = page.goto(live_server.url + url, wait_until="load", timeout=60_000)
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
    return faults, texts, pages


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_the_role_in_chinese_is_clean_and_has_no_english_heading(
    chromium: None, world: Any, signed_in: Any, live_server: Any, role: str
) -> None:
    name_everything_in_chinese()
    page = signed_in(world.cast.member(role).user)
    faults, texts, pages = _walk(page, live_server)
    english = sorted(
        {
            text.strip()
            for text in texts
            if any(w not in ALLOWED for w in ENGLISH_WORD.findall(text))
        }
    )
    assert pages > 5
    assert faults == [], "\n".join(faults)
    assert english == []
