"""``generate_enterprise``'s people: on PostgreSQL the database computes them
(``_people_sql``), elsewhere model instances go in (``_people_models``); both paths must
write the same people, users, line managers, unit heads and manager roles."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from org import generate
from org.models import Employee, OrgUnit, RoleAssignment
from spm import registry
from spm.registry import Registry

pytestmark = pytest.mark.django_db


def _people(prefix: str) -> dict[str, Any]:
    """What a generated group holds, with the prefix taken out of every code and name."""

    def bare(text: str | None) -> str | None:
        return text.replace(prefix, "").replace(prefix.lower(), "") if text else text

    people = Employee.objects.filter(employee_no__startswith=prefix).select_related(
        "user", "unit", "line_manager"
    )
    units = OrgUnit.objects.filter(code__startswith=f"{prefix}-").select_related("head")
    roles = RoleAssignment.objects.filter(unit__in=units).select_related("user__employee")
    return {
        "people": sorted(
            (
                bare(p.employee_no),
                p.name,
                p.job_title,
                p.base_bonus,
                bare(p.unit.code),
                bare(p.line_manager.employee_no if p.line_manager else None),
                bare(p.user.username),
                bare(p.user.email),
                p.user.check_password(generate.PASSWORD),
                p.user.is_active,
            )
            for p in people
        ),
        "heads": sorted(
            (bare(u.code), bare(u.head.employee_no if u.head else None)) for u in units
        ),
        "roles": sorted(
            (bare(r.unit.code), r.role, bare(r.user.employee.employee_no)) for r in roles
        ),
        # the kept headcounts, which the bulk writes count themselves (no signals)
        "headcounts": sorted(
            (bare(u.code), u.headcount.active, u.employees.filter(active=True).count())
            for u in units.select_related("headcount")
        ),
    }


@pytest.mark.services
def test_the_database_writes_the_same_people_as_the_python_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the database path is PostgreSQL's")
    monkeypatch.setattr(registry, "generators", Registry("generators"))  # the org part only
    generate.generate_enterprise(employees=130, prefix="SQL", progress=lambda _line: None)
    monkeypatch.setattr(generate, "is_postgres", lambda: False)
    generate.generate_enterprise(employees=130, prefix="PYT", progress=lambda _line: None)
    in_sql, in_python = _people("SQL"), _people("PYT")
    assert len(in_sql["people"]) == 130
    assert len(in_sql["heads"]) == len(in_sql["roles"]) > 3
    assert in_sql == in_python
    assert all(kept == fresh for _code, kept, fresh in in_sql["headcounts"])
    assert sum(kept for _code, kept, _fresh in in_sql["headcounts"]) == 130
