"""Locust users of the load test (``python -m benchmarks.load.run`` starts everything).

Fifty people in realistic proportions — 30 employees, 12 team managers, 5 HR, 3 executives
(``fixed_count``, 6 : 2.4 : 1.6) — read their pages, with 0.5 to 1.5 s of thinking between
clicks (``SPM_LOAD_THINK=1``) or none (``0``: the mix's own ceiling). Employees also enter
this month's actual of one of their items, as people do:

- through the page: read the form, post the value with the version it showed, and follow
  the redirect to the actuals list, as the browser does;
- through the API: read the month's actual (``GET /api/v1/actuals/?item=&month=``), then
  ``PATCH`` it with the version read, or ``POST`` it when the month has none yet.

What counts as an error: a page that does not answer 200 (a redirect to the sign-in page is
an error, not a page: no request follows redirects by itself), a form without its version,
a form post the server refuses for anything but a stale version, an API write that does not
answer 200/201. A *stale version* (the form shown again with "someone else changed this
value", or the API's 409) is the expected answer to a race and is reported under a name of
its own ("… stale version (expected 409)") rather than mixed into the entry's row or hidden.

Every request is named "<page> (<role>)" — "home (HR)", "alignment (manager)" — so the
table has one row per page and role: a page slow for HR is not averaged with the same page
of employees.

``SignedInCeiling`` and ``AnonymousCeiling`` are the ceilings, the cheapest views of the same
server asked with no thinking: a signed-in person's (the sign-in page sends them home: every
middleware, the session read and the user loaded as on every page, no template, no query of
its own) and anybody's (the ``/favicon.ico`` redirect: every middleware, no query at all).
The cast (session cookies and the ids each page needs) comes from the JSON file named by
``SPM_LOAD_CAST``, written by ``benchmarks.load.run``.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from typing import Any

from locust import HttpUser, between, constant, task

CSRF = "loadtestCsrfToken0123456789abcde"  # 32 letters/digits: Django's CSRF secret shape
VERSION = re.compile(r'name="version" value="(\d+)"')
# The form's answer to a stale version (scorecard.services.actuals.StaleActual), in English:
# Locust sends no Accept-Language.
ERROR = re.compile(r'class="[^"]*(?:alert-danger|invalid-feedback)[^"]*"[^>]*>\s*([^<]{0,160})')
STALE = ("Someone else changed this value", "was removed while you were editing it")
_CAST: dict[str, list[dict[str, Any]]] = {}
_NEXT: dict[str, Any] = {}


def _person(role: str) -> dict[str, Any]:
    if not _CAST:
        with open(os.environ["SPM_LOAD_CAST"], encoding="utf-8") as handle:
            _CAST.update(json.load(handle))
    counter = _NEXT.setdefault(role, itertools.count())
    people = _CAST[role]
    return people[next(counter) % len(people)]


def _why(got: Any) -> str:
    """What went wrong: the status and where it sent us, or the connection's error."""
    if not got.status_code:
        return f"no answer: {got.error!r}"
    return f"HTTP {got.status_code} {got.headers.get('Location', '')}".strip()


def _value() -> str:
    return f"{random.randint(1, 999)}.5"


class Person(HttpUser):
    abstract = True
    role = ""
    wait_time = between(0.5, 1.5) if os.environ.get("SPM_LOAD_THINK", "1") == "1" else constant(0)

    def on_start(self) -> None:
        self.me = _person(self.role)
        self.client.headers["Cookie"] = f"sessionid={self.me['session']}; csrftoken={CSRF}"

    def named(self, page: str) -> str:
        """The request's name in the table: the page and who asked ("home (HR)")."""
        return f"{page} ({self.role})"

    def page(self, url: str, name: str) -> Any:
        """GET a page; anything but 200 is an error (redirects are not followed)."""
        with self.client.get(
            url, name=self.named(name), allow_redirects=False, catch_response=True
        ) as got:
            if got.status_code != 200:
                got.failure(_why(got))
        return got


class Employee(Person):
    role = "employee"
    fixed_count = 30

    @task(3)
    def home(self) -> None:
        self.page("/", "home")

    @task(4)
    def my_targets(self) -> None:
        self.page("/scorecards/my/", "my targets")

    @task(2)
    def scorecard(self) -> None:
        self.page(f"/scorecards/{self.me['card']}/", "scorecard page")

    @task(2)
    def item(self) -> None:
        self.page(f"/scorecards/items/{random.choice(self.me['items'])}/", "item page")

    @task(1)
    def light_board(self) -> None:
        self.page("/lightup/", "light board")

    @task(2)
    def enter_actual(self) -> None:
        url = f"/scorecards/actuals/items/{random.choice(self.me['items'])}/{self.me['month']}/"
        with self.client.get(
            url, name=self.named("actual form"), allow_redirects=False, catch_response=True
        ) as form:
            found = VERSION.search(form.text or "")
            if form.status_code != 200 or found is None:
                form.failure(f"{_why(form)}, version field {'not ' * (not found)}found")
                return
        with self.client.post(
            url,
            data={
                "value": _value(),
                "note": "load test",
                "version": found.group(1),
                "csrfmiddlewaretoken": CSRF,
            },
            headers={"X-CSRFToken": CSRF, "Referer": f"{self.host}{url}"},
            name=self.named("enter actual (form)"),
            allow_redirects=False,
            catch_response=True,
        ) as posted:
            saved = posted.status_code == 302
            if not saved and posted.status_code == 200 and any(s in posted.text for s in STALE):
                posted.request_meta["name"] = self.named(
                    "enter actual (form): stale version (expected 409)"
                )
            elif not saved:
                said = ERROR.search(posted.text or "")
                posted.failure(f"refused: {_why(posted)} {said[1] if said else ''}")
        if saved:
            self.page(posted.headers["Location"], "actuals list (after saving)")

    @task(1)
    def enter_actual_api(self) -> None:
        item, month = random.choice(self.me["items"]), self.me["month"]
        with self.client.get(
            f"/api/v1/actuals/?item={item}&month={month}",
            name=self.named("API actual (read)"),
            catch_response=True,
        ) as read:
            if read.status_code != 200:
                read.failure(_why(read))
                return
            results = read.json()["results"]
        headers = {"X-CSRFToken": CSRF}
        if results:
            url, method = f"/api/v1/actuals/{results[0]['id']}/", "PATCH"
            body: dict[str, Any] = {"value": _value(), "version": results[0]["version"]}
            name = "API change actual (PATCH with version)"
        else:
            url, method = "/api/v1/actuals/", "POST"
            body = {"item": item, "month": month, "value": _value()}
            name = "API enter actual (POST)"
        with self.client.request(
            method, url, json=body, headers=headers, name=self.named(name), catch_response=True
        ) as written:
            if written.status_code == 409:
                written.request_meta["name"] = self.named(f"{name}: stale version (expected 409)")
                written.success()
            elif written.status_code not in (200, 201):
                written.failure(f"{_why(written)} {written.text[:200]}")


class Manager(Person):
    role = "manager"
    fixed_count = 12

    @task(3)
    def home(self) -> None:
        self.page("/", "home")

    @task(3)
    def unit(self) -> None:
        self.page(f"/scorecards/units/{self.me['unit']}/", "unit scorecard")

    @task(2)
    def actuals(self) -> None:
        self.page("/scorecards/actuals/", "actuals list")

    @task(2)
    def approvals(self) -> None:
        self.page("/scorecards/actuals/approvals/", "actual approvals")

    @task(1)
    def alignment(self) -> None:
        self.page("/scorecards/alignment/", "alignment")

    @task(1)
    def directory(self) -> None:
        self.page("/org/people/", "directory")


class HR(Person):
    role = "HR"
    fixed_count = 5

    @task(2)
    def home(self) -> None:
        self.page("/", "home")

    @task(2)
    def scorecards(self) -> None:
        self.page("/scorecards/", "scorecard list")

    @task(2)
    def directory(self) -> None:
        self.page("/org/people/", "directory")

    @task(1)
    def alignment(self) -> None:
        self.page("/scorecards/alignment/", "alignment")

    @task(1)
    def actuals(self) -> None:
        self.page("/scorecards/actuals/", "actuals list")

    @task(1)
    def api_scorecards(self) -> None:
        self.page("/api/v1/scorecards/", "API scorecards")


class Executive(Person):
    role = "executive"
    fixed_count = 3

    @task(3)
    def home(self) -> None:
        self.page("/", "home")

    @task(2)
    def strategy(self) -> None:
        self.page("/strategy/", "strategy dashboard")

    @task(1)
    def alignment(self) -> None:
        self.page("/scorecards/alignment/", "alignment")

    @task(1)
    def board(self) -> None:
        self.page("/lightup/", "light board")


class SignedInCeiling(HttpUser):
    """A signed-in person's cheapest request: the sign-in page, which sends a signed-in
    person home (302) — every middleware, the session read, the user loaded; no template."""

    wait_time = constant(0)

    def on_start(self) -> None:
        self.me = _person("employee")
        self.client.headers["Cookie"] = f"sessionid={self.me['session']}; csrftoken={CSRF}"

    @task
    def ask(self) -> None:
        with self.client.get(
            "/accounts/login/",
            name="trivial view, signed in (ceiling)",
            allow_redirects=False,
            catch_response=True,
        ) as got:
            if got.status_code != 302 or got.headers.get("Location") != "/":
                got.failure(_why(got))


class AnonymousCeiling(HttpUser):
    """Anybody's cheapest request: the favicon redirect (301) — every middleware, no
    session, no query."""

    wait_time = constant(0)

    @task
    def ask(self) -> None:
        with self.client.get(
            "/favicon.ico",
            name="trivial view, anonymous",
            allow_redirects=False,
            catch_response=True,
        ) as got:
            if got.status_code != 301:
                got.failure(_why(got))
