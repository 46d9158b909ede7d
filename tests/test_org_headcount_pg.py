"""Full tier (PostgreSQL): people hired into one unit and moved out of it at the same
moment, each in its own transaction, leave the unit's kept headcount equal to a fresh count
(each refresh waits for the unit's lock, then counts what the others committed)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from org import services
from org.models import Employee, UnitHeadcount
from org.scoping import SYSTEM
from tests.access import build_cast
from tests.conftest import need
from tests.factories import EmployeeFactory
from tests.test_concurrency_signing import race

pytestmark = pytest.mark.services

HIRES = 8


def test_concurrent_hires_and_moves_keep_the_count(transactional_db: Any) -> None:
    need(connection.vendor == "postgresql", "PostgreSQL for concurrent transactions")
    cast = build_cast()
    movers = EmployeeFactory.create_batch(HIRES, unit=cast.site)

    def hire(n: int) -> Any:
        return services.employee_create(
            actor=SYSTEM,
            username=f"hire{n}",
            password="A-long-enough-pass-42",
            employee_no=f"H-{n}",
            name=f"Hire {n}",
            unit=cast.site,
            job_title="Fitter",
        )

    def move(person: Employee) -> Any:
        loaded = Employee.objects.get(pk=person.pk)
        return services.employee_update(
            actor=SYSTEM, employee=loaded, expected_version=loaded.version, unit=cast.finance
        )

    results = race(
        *[lambda n=n: hire(n) for n in range(HIRES)],
        *[lambda p=p: move(p) for p in movers],
    )
    for result in results:
        assert not isinstance(result, BaseException), result
    for unit in (cast.site, cast.finance):
        fresh = Employee.objects.filter(unit=unit, active=True).count()
        assert UnitHeadcount.objects.get(unit=unit).active == fresh
    assert UnitHeadcount.objects.get(unit=cast.site).active == 1 + HIRES
    assert UnitHeadcount.objects.get(unit=cast.finance).active == 2 + HIRES
