"""Shared fixtures: the role cast of STYLE.md and the service tiers of the harness.

The cast lives in a small group::

    Group
    └── Headquarters
        ├── Finance            (manager: sibling_manager)
        └── Engineering        (manager: manager; employee: employee)
            └── Site team

``hr`` and ``executive`` hold their roles over the whole group. ``anonymous`` is not logged
in. Every page and endpoint is checked against all six (``CAST``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pytest
from django.test import Client

from org.models import Employee, OrgUnit, RoleAssignment
from spm.clock import FixedClock
from tests.factories import EmployeeFactory, OrgUnitFactory, RoleAssignmentFactory, make_manager

CAST = ("employee", "manager", "sibling_manager", "hr", "executive", "anonymous")


@dataclass
class Cast:
    group: OrgUnit
    hq: OrgUnit
    engineering: OrgUnit
    site: OrgUnit
    finance: OrgUnit
    employee: Employee
    manager: Employee
    sibling_manager: Employee
    hr: Employee
    executive: Employee
    site_worker: Employee
    finance_clerk: Employee

    def member(self, role: str) -> Employee | None:
        return None if role == "anonymous" else getattr(self, role)

    def client(self, role: str) -> Client:
        client = Client()
        member = self.member(role)
        if member is not None:
            client.force_login(member.user)
        return client


@pytest.fixture
def cast(db: Any) -> Cast:
    group = OrgUnitFactory(code="GRP", name="Group", kind=OrgUnit.Kind.GROUP)
    hq = OrgUnitFactory(
        code="HQ", name="Headquarters", kind=OrgUnit.Kind.HEADQUARTERS, parent=group
    )
    engineering = OrgUnitFactory(code="ENG", name="Engineering", parent=hq)
    site = OrgUnitFactory(code="SITE", name="Site team", kind=OrgUnit.Kind.TEAM, parent=engineering)
    finance = OrgUnitFactory(code="FIN", name="Finance", parent=hq)
    manager = make_manager(engineering, name="Manager Ma", user__username="manager")
    sibling_manager = make_manager(finance, name="Sibling Shi", user__username="sibling_manager")
    employee = EmployeeFactory(
        unit=engineering, line_manager=manager, name="Employee Yi", user__username="employee"
    )
    site_worker = EmployeeFactory(unit=site, line_manager=manager, name="Worker Wu")
    finance_clerk = EmployeeFactory(unit=finance, line_manager=sibling_manager, name="Clerk Qian")
    hr = EmployeeFactory(unit=hq, name="HR He", job_title="HR partner", user__username="hr")
    RoleAssignmentFactory(user=hr.user, role=RoleAssignment.Role.HR, unit=group)
    executive = EmployeeFactory(
        unit=hq, name="Executive Zhao", job_title="General manager", user__username="executive"
    )
    RoleAssignmentFactory(user=executive.user, role=RoleAssignment.Role.EXECUTIVE, unit=group)
    return Cast(
        group=group,
        hq=hq,
        engineering=engineering,
        site=site,
        finance=finance,
        employee=employee,
        manager=manager,
        sibling_manager=sibling_manager,
        hr=hr,
        executive=executive,
        site_worker=site_worker,
        finance_clerk=finance_clerk,
    )


def pytest_configure(config: Any) -> None:
    from django.conf import settings

    # Hashing a password properly takes ~0.3 s; tests create hundreds of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- Service tiers -------------------------------------------------------------------
REQUIRE_SERVICES = os.environ.get("SPM_REQUIRE_SERVICES") == "1"


def need(available: bool, what: str) -> None:
    """Skip when a service tier is missing; fail instead under SPM_REQUIRE_SERVICES=1."""
    if available:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"{what} is required (SPM_REQUIRE_SERVICES=1) but not available")
    pytest.skip(f"{what} not available")


@pytest.fixture(autouse=True)
def _tasks_in_process(settings: Any) -> Any:
    """Unit tests run Celery tasks in-process; the worker tests switch this off."""
    from spm.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@dataclass
class PinnedClock:
    """The app's clock, pinned through ``settings.SPM_TODAY`` (what ``spm.clock.clock()``
    reads), and a :class:`spm.clock.Clock` itself for services that take one."""

    settings: Any

    def on(self, day: date) -> PinnedClock:
        """Move the app's day to ``day``."""
        self.settings.SPM_TODAY = day
        return self

    def today(self) -> date:
        day: date = self.settings.SPM_TODAY
        return day

    def now(self) -> datetime:
        return FixedClock.on(self.today()).now()


@pytest.fixture
def clock(settings: Any) -> PinnedClock:
    """A pinned clock: ``SPM_TODAY`` from the environment (``make test-dates``) if set, else
    a fixed mid-month day. Tests name their dates from ``clock.today()`` or set them with
    ``clock.on(day)``; none depends on the real date."""
    return PinnedClock(settings).on(settings.SPM_TODAY or date(2026, 11, 16))
