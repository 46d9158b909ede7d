"""Every form of the app, submitted empty and with garbage, answers with a page that says
what is wrong — never a server error.

For each signed-in role of the cast, the crawler (``tests/crawl.py``) follows the links from
the home page over the scorecard world and collects every POST form it meets. Each is then
posted twice, inside a transaction that is rolled back (so one submission cannot change
what the next one sees): once with every visible field empty, once with garbage in every
field. A form with a required field must come back, when empty, as a page with field
errors; nothing may answer 500.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from strategy.models import PlanStatus
from tests.access import Cast, fresh, module_rows
from tests.crawl import Form, crawl, shape
from tests.factories_scorecard import ObjectiveFactory, PlanFactory
from tests.scorecard_world import build_world

ROLES = ("employee", "manager", "sibling_manager", "hr", "executive")
# Not the app's own forms: signing out and the language switcher.
NOT_APP_FORMS = ("/accounts/logout/", "/i18n/")
ERROR_MARKS = ("is-invalid", "errorlist", "invalid-feedback", 'role="alert"', "alert-danger")
GARBAGE = {
    "text": "abc <script>alert(1)</script> ' OR 1=1 --",
    "number": "abc",
    "date": "2026-02-31",
    "email": "not-an-email",
    "file": "",
}


def _garbage(form: Form) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for f in form.fields:
        if f.kind in {"submit", "button"}:
            continue
        if f.kind == "hidden":
            data[f.name] = f.value
        elif f.kind == "select":
            data[f.name] = "999999999"
        elif f.kind in {"checkbox", "radio"}:
            data[f.name] = "zzz"
        elif f.kind == "textarea":
            data[f.name] = "x" * 20_000
        else:
            data[f.name] = GARBAGE.get(f.kind, "-1e999")
    return data


def _empty(form: Form) -> dict[str, Any]:
    return {f.name: f.value for f in form.fields if f.kind == "hidden"}


def _post(client: Client, form: Form, data: dict[str, Any]) -> Any:
    with transaction.atomic():
        response = client.post(form.action, data)
        transaction.set_rollback(True)
    return response


def _forms(client: Client) -> list[Form]:
    def get(url: str) -> tuple[int, str, str]:
        response = client.get(url)
        text = response.content.decode() if "html" in response.get("Content-Type", "") else ""
        return response.status_code, response.get("Content-Type", ""), text

    forms: dict[str, Form] = {}
    for _url, _status, page in crawl(get):
        for form in page.forms if page else []:
            if not any(part in form.action for part in NOT_APP_FORMS):
                forms.setdefault(shape(form.action), form)
    return list(forms.values())


def _build(cast: Cast) -> Cast:
    build_world(cast)
    # A draft plan of Engineering, so the plan, perspective, objective and link forms show.
    draft = PlanFactory.create(owner_unit=cast.engineering, status=PlanStatus.DRAFT)
    ObjectiveFactory.create(plan=draft, code="E1", name="Deliver projects")
    return cast


@pytest.fixture(scope="module")
def world_rows(cast_rows: Cast, django_db_blocker: Any) -> Iterator[Cast]:
    """The cast's scorecard world and draft plan, built once for the module: every test
    only reads it (each submission is rolled back, each test runs in its own savepoint)."""
    yield from module_rows(django_db_blocker, lambda: _build(cast_rows))


@pytest.fixture
def cast(world_rows: Cast, db: Any) -> Cast:
    return fresh(world_rows)


@pytest.mark.parametrize("role", ROLES)
def test_every_form_posted_empty_or_with_garbage_answers_with_field_errors(
    cast: Cast, role: str
) -> None:
    client = cast.client(role)
    client.raise_request_exception = False
    forms = _forms(client)
    assert forms, "the crawl found no form"
    failures: list[str] = []
    for form in forms:
        for how, data in (("empty", _empty(form)), ("garbage", _garbage(form))):
            response = _post(client, form, data)
            where = f"{how} POST {form.action} (form on {form.page})"
            if response.status_code >= 500:
                failures.append(f"{where}: {response.status_code}")
            elif how == "empty" and any(f.required for f in form.visible):
                body = response.content.decode(errors="replace")
                if response.status_code >= 300 or not any(m in body for m in ERROR_MARKS):
                    failures.append(f"{where}: {response.status_code} without field errors")
    assert failures == [], "\n".join(failures)
