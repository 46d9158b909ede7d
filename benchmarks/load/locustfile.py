"""Locust users of the load test (``python -m benchmarks.load.run`` starts everything).

Fifty people in realistic proportions — 30 employees, 12 team managers, 5 HR, 3 executives
(``fixed_count``) — read their pages with about a second of thinking between clicks, and
employees enter this month's actual of one of their items (read the form, post the value
with the version it showed). ``HealthUser`` is the ceiling: a trivial view on the same
server, no thinking. The cast (session cookies and the ids each page needs) comes
from the JSON file named by ``SPM_LOAD_CAST``, written by ``benchmarks.load.run``.
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
_CAST: dict[str, list[dict[str, Any]]] = {}
_NEXT: dict[str, Any] = {}


def _person(role: str) -> dict[str, Any]:
    if not _CAST:
        with open(os.environ["SPM_LOAD_CAST"], encoding="utf-8") as handle:
            _CAST.update(json.load(handle))
    counter = _NEXT.setdefault(role, itertools.count())
    people = _CAST[role]
    return people[next(counter) % len(people)]


class Person(HttpUser):
    abstract = True
    role = ""
    wait_time = between(0.5, 1.5) if os.environ.get("SPM_LOAD_THINK", "1") == "1" else constant(0)

    def on_start(self) -> None:
        self.me = _person(self.role)
        self.client.headers["Cookie"] = f"sessionid={self.me['session']}; csrftoken={CSRF}"

    def page(self, url: str, name: str) -> None:
        self.client.get(url, name=name)


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
        form = self.client.get(url, name="actual form")
        found = VERSION.search(form.text)
        if found is None:
            return
        self.client.post(
            url,
            data={
                "value": f"{random.randint(1, 999)}.5",
                "note": "load test",
                "version": found.group(1),
                "csrfmiddlewaretoken": CSRF,
            },
            headers={"X-CSRFToken": CSRF, "Referer": f"{self.host}{url}"},
            name="enter actual",
        )


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


class HealthUser(HttpUser):
    """The ceiling: a trivial Django view on the same server, no think time — the favicon
    redirect (every middleware, no query; ``/health/`` would wait on a worker ping)."""

    wait_time = constant(0)

    @task
    def trivial(self) -> None:
        self.client.get("/favicon.ico", name="trivial view (ceiling)", allow_redirects=False)
