"""Full tier (PostgreSQL): HR users who save the same unit or person at the same moment
with the version they opened get one winner and 409s — never two silent overwrites, never
a 5xx — and the audit trail holds exactly the winner's change."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from org.models import Employee, OrgUnit
from org.scoping import HR
from tests.access import build_cast
from tests.conftest import need
from tests.factories import EmployeeFactory, RoleAssignmentFactory
from tests.test_concurrency_signing import race

pytestmark = pytest.mark.services

CLIENTS = 12


def _hr_clients(n: int) -> list[Client]:
    need(connection.vendor == "postgresql", "PostgreSQL for concurrent transactions")
    cast = build_cast()
    clients = []
    for i in range(n):
        person = EmployeeFactory.create(unit=cast.hq, name=f"HR {i}")
        RoleAssignmentFactory.create(user=person.user, role=HR, unit=cast.group)
        client = Client()
        client.force_login(person.user)
        clients.append(client)
    return clients


def _one_winner(results: list[Any]) -> Any:
    for result in results:
        assert not isinstance(result, BaseException), result
    statuses = Counter(result.status_code for result in results)
    assert set(statuses) <= {200, 409} and statuses[200] == 1, statuses
    return next(r for r in results if r.status_code == 200)


def test_concurrent_renames_of_one_unit_give_one_winner_and_409s(transactional_db: Any) -> None:
    clients = _hr_clients(CLIENTS)
    unit = OrgUnit.objects.get(code="ENG")
    url = f"/api/v1/org-units/{unit.pk}/"
    edits = OrgUnit.history.filter(id=unit.pk, history_type="~").count()

    def rename(client: Client, n: int) -> Any:
        body = {"name": f"Engineering {n}", "version": unit.version}
        return client.patch(url, body, content_type="application/json")

    results = race(*[lambda c=c, n=n: rename(c, n) for n, c in enumerate(clients)])
    winner = _one_winner(results)
    unit.refresh_from_db()
    assert (unit.name, unit.version) == (winner.json()["name"], 2)
    assert OrgUnit.history.filter(id=unit.pk, history_type="~").count() == edits + 1


def test_concurrent_edits_of_one_person_give_one_winner_and_409s(transactional_db: Any) -> None:
    clients = _hr_clients(CLIENTS)
    person = Employee.objects.get(user__username="employee")
    url = f"/api/v1/employees/{person.pk}/"

    def retitle(client: Client, n: int) -> Any:
        body = {"job_title": f"Engineer {n}", "version": person.version}
        return client.patch(url, body, content_type="application/json")

    results = race(*[lambda c=c, n=n: retitle(c, n) for n, c in enumerate(clients)])
    winner = _one_winner(results)
    person.refresh_from_db()
    assert (person.job_title, person.version) == (winner.json()["job_title"], 2)
