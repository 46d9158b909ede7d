"""The role cast of STYLE.md, who sees what in it, and the helpers the access tests share.

The cast lives in a small group::

    Group
    └── Headquarters
        ├── Finance            (manager: sibling_manager; finance_clerk)
        └── Engineering        (manager: manager; employee)
            └── Site team      (site_worker)

``hr`` and ``executive`` hold their roles over the whole group. ``anonymous`` is not logged
in. Every page and endpoint is checked against all six (``CAST``) with ``assert_scoped``.

The ``cast`` fixture builds the cast for each test. A module whose tests all work on it
overrides ``cast`` with ``shared_cast``: the cast is then built once per module
(``module_rows``) inside a transaction rolled back when the module ends; each test still runs
in its own savepoint and gets deep copies of the rows (as Django's ``TestCase.setUpTestData``
does), so neither the database nor the in-memory objects carry anything from one test to the
next. Module or class fixtures built on top of it (a world of plans, scorecards, letters)
use ``module_rows`` too. Tests that need committed rows (live server, real worker) keep the
per-test ``cast``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from importlib import import_module
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, load_backend
from django.db import transaction
from django.test import Client

from org.models import Employee, OrgUnit, RoleAssignment
from tests.factories import EmployeeFactory, OrgUnitFactory, RoleAssignmentFactory, make_manager

CAST = ("employee", "manager", "sibling_manager", "hr", "executive", "anonymous")
MEMBERS = CAST[:-1]
UNITS = ("group", "hq", "engineering", "site", "finance")
PEOPLE = (
    "employee",
    "manager",
    "sibling_manager",
    "hr",
    "executive",
    "site_worker",
    "finance_clerk",
)

# Who sees what of the cast: the one table the access tests derive their expectations from.
# A row that belongs to a unit (a unit's scorecard, its letter, its actuals) follows
# VISIBLE_UNITS; a row that belongs to a person follows VISIBLE_PEOPLE.
VISIBLE_UNITS: dict[str, frozenset[str]] = {
    "employee": frozenset({"engineering"}),
    "manager": frozenset({"engineering", "site"}),
    "sibling_manager": frozenset({"finance"}),
    "hr": frozenset(UNITS),
    "executive": frozenset(UNITS),
    "anonymous": frozenset(),
}
VISIBLE_PEOPLE: dict[str, frozenset[str]] = {
    "employee": frozenset({"employee"}),
    "manager": frozenset({"manager", "employee", "site_worker"}),
    "sibling_manager": frozenset({"sibling_manager", "finance_clerk"}),
    "hr": frozenset(PEOPLE),
    "executive": frozenset(PEOPLE),
    "anonymous": frozenset(),
}
# What each role may change (the employee reads its unit, it does not run it).
CHANGEABLE_UNITS: dict[str, frozenset[str]] = {**VISIBLE_UNITS, "employee": frozenset()}
CHANGEABLE_PEOPLE: dict[str, frozenset[str]] = {
    **VISIBLE_PEOPLE,
    "employee": frozenset(),
    "manager": frozenset({"employee", "site_worker"}),
    "sibling_manager": frozenset({"finance_clerk"}),
}
# The people of the cast by the unit they work in.
HOME_UNIT = {
    "employee": "engineering",
    "manager": "engineering",
    "site_worker": "site",
    "sibling_manager": "finance",
    "finance_clerk": "finance",
    "hr": "hq",
    "executive": "hq",
}


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
            sign_in(client, member.user)
        return client

    def ids(self, names: Iterable[str]) -> set[int]:
        """Primary keys of the named units or people of the cast."""
        return {getattr(self, name).pk for name in names}


def session_for(user: Any) -> str:
    """The key of a new session signed in as ``user``: the row ``Client.force_login`` leaves,
    written directly. ``force_login`` goes through ``django.contrib.auth.login`` (a session
    created then cycled, ``last_login`` updated, django-axes' access log written and its
    failed attempts cleared): 19 queries and ~4.8 ms of CPU per sign-in against 4 queries
    and ~0.7 ms here (SQLite, in a test's transaction), and the suite signs in thousands of
    times; the sign-in itself is tested through the login page."""
    engine = import_module(settings.SESSION_ENGINE)
    session = engine.SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = next(  # the backend force_login picks
        path for path in settings.AUTHENTICATION_BACKENDS if hasattr(load_backend(path), "get_user")
    )
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save(must_create=True)
    key: str = session.session_key
    return key


def sign_in(client: Client, user: Any) -> Client:
    """``client.force_login(user)`` without the login signal chain (see :func:`session_for`)."""
    client.cookies[settings.SESSION_COOKIE_NAME] = session_for(user)
    return client


def build_cast() -> Cast:
    group = OrgUnitFactory.create(code="GRP", name="Group", kind=OrgUnit.Kind.GROUP)
    hq = OrgUnitFactory.create(
        code="HQ", name="Headquarters", kind=OrgUnit.Kind.HEADQUARTERS, parent=group
    )
    engineering = OrgUnitFactory.create(code="ENG", name="Engineering", parent=hq)
    site = OrgUnitFactory.create(
        code="SITE", name="Site team", kind=OrgUnit.Kind.TEAM, parent=engineering
    )
    finance = OrgUnitFactory.create(code="FIN", name="Finance", parent=hq)
    manager = make_manager(engineering, name="Manager Ma", user__username="manager")
    sibling_manager = make_manager(finance, name="Sibling Shi", user__username="sibling_manager")
    employee = EmployeeFactory.create(
        unit=engineering, line_manager=manager, name="Employee Yi", user__username="employee"
    )
    site_worker = EmployeeFactory.create(unit=site, line_manager=manager, name="Worker Wu")
    finance_clerk = EmployeeFactory.create(
        unit=finance, line_manager=sibling_manager, name="Clerk Qian"
    )
    hr = EmployeeFactory.create(unit=hq, name="HR He", job_title="HR partner", user__username="hr")
    RoleAssignmentFactory.create(user=hr.user, role=RoleAssignment.Role.HR, unit=group)
    executive = EmployeeFactory.create(
        unit=hq, name="Executive Zhao", job_title="General manager", user__username="executive"
    )
    RoleAssignmentFactory.create(
        user=executive.user, role=RoleAssignment.Role.EXECUTIVE, unit=group
    )
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


# --- Rows built once per module ------------------------------------------------------------
T = TypeVar("T")


def module_rows(django_db_blocker: Any, build: Callable[[], T]) -> Iterator[T]:
    """Build rows once for a module-scoped fixture and roll them back at its teardown.

    The transaction opened here stays open for the whole module; pytest-django's per-test
    ``TestCase`` atomic nests inside it as a savepoint, so what a test writes is undone after
    it. Module-scoped fixtures run before the per-test database fixture (pytest sets fixtures
    up by scope), which keeps this order. Further module fixtures that need these rows build
    inside the same transaction by calling this again.

    Once built, the rows stay until the module (or class) ends, so every test there sees
    them, asked for or not: give such a fixture to a module whose tests all use it, or make
    it class-scoped and mark the class with ``usefixtures`` (as the actuals tests do).
    """
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            rows = build()
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    try:
        yield rows
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def fresh(rows: T) -> T:
    """A deep copy of module rows for one test: its in-memory changes stay its own."""
    return copy.deepcopy(rows)


# --- Expectations ---------------------------------------------------------------------------
# How each kind of URL answers the anonymous visitor.
PAGE = 302  # redirected to the login page
API = 401


def expect(
    allowed: Iterable[str],
    *,
    ok: int = 200,
    denied: int = 404,
    anonymous: int = PAGE,
    **special: int,
) -> dict[str, int]:
    """``{role: status}`` for every role of the cast: ``ok`` for the roles in ``allowed``,
    ``denied`` for the other members, ``anonymous`` for the visitor, and ``special`` for named
    exceptions (``expect({"hr"}, manager=403)``)."""
    allowed = set(allowed)
    unknown = (allowed | set(special)) - set(CAST)
    assert not unknown, f"not in the cast: {sorted(unknown)}"
    statuses = {role: ok if role in allowed else denied for role in MEMBERS}
    statuses["anonymous"] = anonymous
    statuses.update(special)
    return statuses


def scope_table(owners: Iterable[str], *, change: bool = False) -> dict[str, frozenset[str]]:
    """role -> which of ``owners`` it sees (or, with ``change``, may change), for rows named
    after the unit (``"finance"``) or the person (``"employee"``) of the cast they belong to."""
    owners = tuple(owners)
    unknown = set(owners) - set(UNITS) - set(PEOPLE)
    assert not unknown, f"not a unit or person of the cast: {sorted(unknown)}"
    units = CHANGEABLE_UNITS if change else VISIBLE_UNITS
    people = CHANGEABLE_PEOPLE if change else VISIBLE_PEOPLE
    return {
        role: frozenset(o for o in owners if o in units[role] or o in people[role]) for role in CAST
    }


def seeing(visible: Mapping[str, Iterable[str]], name: str) -> set[str]:
    """The roles whose entry in ``visible`` holds ``name``."""
    return {role for role in CAST if name in visible[role]}


def assert_scoped(
    cast: Cast,
    url: str,
    expected: Mapping[str, int],
    *,
    method: str = "get",
    **kwargs: Any,
) -> dict[str, Any]:
    """Request ``url`` as every role of the cast and assert each answer's status.

    ``expected`` must name all six roles, so no endpoint is checked against part of the cast.
    Each role's request runs in a savepoint rolled back afterwards (a POST by one role does
    not change what the next one finds). Anonymous redirects must lead to the login page.
    Every mismatch is reported at once; the responses are returned by role.
    """
    from django.urls import reverse

    assert set(expected) == set(CAST), f"expected must cover the cast, not {sorted(expected)}"
    responses: dict[str, Any] = {}
    for role in CAST:
        with transaction.atomic():
            responses[role] = getattr(cast.client(role), method)(url, **kwargs)
            transaction.set_rollback(True)
    wrong = {
        role: f"{responses[role].status_code} (expected {expected[role]})"
        for role in CAST
        if responses[role].status_code != expected[role]
    }
    assert not wrong, f"{method.upper()} {url}: {wrong}"
    anonymous = responses["anonymous"]
    if anonymous.status_code == 302:
        assert anonymous["Location"].startswith(reverse("login")), anonymous["Location"]
    return responses
