"""A synthetic group of any size, built with bulk inserts, for benchmarks.

Shape: group → headquarters with 10 departments, and affiliated companies → 5 plants each →
teams of about 40 people; every unit has a head who manages it. Later apps add their part
(scorecards, actuals) through :data:`spm.registry.generators`, each given the :class:`GeneratedOrg`.

All of it is one transaction: a failure leaves nothing behind (run it again as it was).
On PostgreSQL the people are computed by the database (``_people_sql``), elsewhere they go
in as model instances (``_people_models``); both write the same rows.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from org import headcount
from org.models import Employee, OrgUnit, RoleAssignment
from spm import registry
from spm.bulk import analyse, bulk_load, copy_models, insert_select, is_postgres, reserve_ids
from spm.clock import clock

TEAM_SIZE = 40
PLANTS_PER_COMPANY = 5
BATCH = 5000
PASSWORD = "synthetic-password-1"  # noqa: S105 - every synthetic person's, for benchmarks
STAFF_TITLES = ("Engineer", "Technician", "Analyst", "Operator")


@dataclass
class GeneratedOrg:
    prefix: str
    group: OrgUnit
    today: date  # the day the data is generated for; generators date their rows from it
    unit_ids: list[int] = field(default_factory=list)
    employee_ids: list[int] = field(default_factory=list)
    head_by_unit: dict[int, int] = field(default_factory=dict)  # unit id -> employee id


def _create_level(
    prefix: str, specs: list[tuple[str, str, str, OrgUnit]], order_start: int = 0
) -> list[OrgUnit]:
    units = [
        OrgUnit(code=f"{prefix}-{code}", name=name, kind=kind, parent=parent, sort_order=i)
        for i, (code, name, kind, parent) in enumerate(specs, start=order_start)
    ]
    if is_postgres():  # ids first, so that each path is written with its row
        for unit, pk in zip(units, reserve_ids(OrgUnit, len(units)), strict=True):
            unit.pk = pk
            unit.depth = unit.parent.depth + 1  # type: ignore[union-attr]
            unit.path = OrgUnit.path_for(unit.parent.path, pk)  # type: ignore[union-attr]
        return copy_models(units)
    created = OrgUnit.objects.bulk_create(units, batch_size=BATCH)
    for unit in created:
        unit.depth = unit.parent.depth + 1  # type: ignore[union-attr]
        unit.path = OrgUnit.path_for(unit.parent.path, unit.pk)  # type: ignore[union-attr]
    OrgUnit.objects.bulk_update(created, ["path", "depth"], batch_size=BATCH)
    return created


def build_units(prefix: str, employees: int) -> tuple[OrgUnit, list[OrgUnit]]:
    """The unit tree for ``employees`` people; returns the group and all units, group first."""
    group = OrgUnit(code=f"{prefix}-GRP", name=f"{prefix} Group", kind=OrgUnit.Kind.GROUP)
    group.save()
    hq = _create_level(prefix, [("HQ", f"{prefix} Headquarters", "headquarters", group)])[0]
    teams_needed = max(1, employees // TEAM_SIZE)
    companies_needed = max(1, -(-teams_needed // (PLANTS_PER_COMPANY * 4)))
    departments = _create_level(
        prefix, [(f"D{i:02d}", f"Department {i}", "department", hq) for i in range(1, 11)]
    )
    companies = _create_level(
        prefix,
        [(f"C{i:03d}", f"Company {i}", "company", group) for i in range(1, companies_needed + 1)],
    )
    plants = _create_level(
        prefix,
        [
            (f"C{ci:03d}P{p}", f"Plant {ci}.{p}", "plant", company)
            for ci, company in enumerate(companies, start=1)
            for p in range(1, PLANTS_PER_COMPANY + 1)
        ],
    )
    per_plant = -(-teams_needed // len(plants))
    teams = _create_level(
        prefix,
        [
            (f"{plant.code.split('-', 1)[1]}T{t}", f"Team {plant.name[6:]}.{t}", "team", plant)
            for plant in plants
            for t in range(1, per_plant + 1)
        ][:teams_needed],
    )
    return group, [group, hq, *departments, *companies, *plants, *teams]


@transaction.atomic
def generate_enterprise(
    *,
    employees: int,
    prefix: str = "SYN",
    seed: int = 1,
    today: date | None = None,
    progress: Callable[[str], None] = print,
) -> GeneratedOrg:
    """A group of ``employees`` people, then each app's part through the generators, all
    dated from ``today`` (the configured clock's day unless given)."""
    if OrgUnit.objects.filter(code=f"{prefix}-GRP").exists():
        raise ValueError(f"A synthetic group with prefix {prefix!r} already exists.")
    rng = random.Random(seed)
    with ThreadPoolExecutor(max_workers=1) as pool:
        # Hashing the one password takes about a second of CPU (no GIL held): on the other
        # core, while the units go in.
        hashed = pool.submit(make_password, PASSWORD)
        group, units = build_units(prefix, employees)
        password = hashed.result()
    progress(f"units: {len(units)}")
    result = GeneratedOrg(
        prefix=prefix,
        group=group,
        today=today or clock().today(),
        unit_ids=[u.pk for u in units],
    )

    result.employee_ids = _people(result, units, employees, rng, password, progress)
    progress(f"employees: {len(result.employee_ids)}")
    for name, generate in registry.generators.items():
        progress(f"{name}: {generate(result)}")
    return result


@dataclass
class PeoplePlan:
    """Who is generated, in order: each person's unit and whether they head it (the heads
    first), with their drawn job titles and bonuses."""

    prefix: str
    plan: list[tuple[OrgUnit, bool]]
    titles: list[str]
    bonuses: list[int]
    password: str  # hashed


Written = tuple[list[int], dict[int, int]]  # the employees' ids; unit id -> its head's id


def _people(
    result: GeneratedOrg,
    units: list[OrgUnit],
    employees: int,
    rng: random.Random,
    password: str,
    progress: Callable[[str], None],
) -> list[int]:
    """The users, employees (one head per unit first) and the heads' manager roles; returns
    the employees' ids. On PostgreSQL the ids are reserved first and every row is computed by
    the database (``INSERT … SELECT`` over arrays of the plan), elsewhere model instances go
    in through :func:`spm.bulk.copy_models`; both give the same rows."""
    User = get_user_model()
    with bulk_load(User, Employee, OrgUnit, RoleAssignment):
        # One head per unit first, so that everybody else can name a line manager.
        leaves = [u for u in units if u.kind == OrgUnit.Kind.TEAM] or units
        staff_per_leaf = max(0, employees - len(units)) // len(leaves)
        extra = max(0, employees - len(units)) - staff_per_leaf * len(leaves)
        plan: list[tuple[OrgUnit, bool]] = [(u, True) for u in units]
        for i, leaf in enumerate(leaves):
            plan += [(leaf, False)] * (staff_per_leaf + (1 if i < extra else 0))
        plan = plan[:employees]
        # Drawn in plan order, title before bonus, whichever path writes the rows.
        titles: list[str] = []
        bonuses: list[int] = []
        for _unit, is_head in plan:
            titles.append("Head of unit" if is_head else rng.choice(STAFF_TITLES))
            bonuses.append(rng.randrange(50, 300) * 1000)
        write = _people_sql if is_postgres() else _people_models
        ids, heads = write(PeoplePlan(result.prefix, plan, titles, bonuses, password), progress)
        result.head_by_unit = heads
    # The rows went in without signals: count the new units' people.
    headcount.refresh(u.pk for u in units)
    analyse(User, Employee, OrgUnit, RoleAssignment)  # the generators read them next
    return ids


def _people_models(who: PeoplePlan, progress: Callable[[str], None]) -> Written:
    prefix, plan, titles, bonuses = who.prefix, who.plan, who.titles, who.bonuses
    User = get_user_model()
    password = who.password
    lower = prefix.lower()
    users = copy_models(
        [
            User(
                username=f"{lower}{n:07d}",
                password=password,
                email=f"{lower}{n:07d}@synthetic.example",
            )
            for n in range(len(plan))
        ]
    )
    progress(f"users: {len(users)}")
    people = [
        Employee(
            user_id=user.pk,
            employee_no=f"{prefix}{n:07d}",
            name=f"Person {n}",
            unit_id=unit.pk,
            job_title=titles[n],
            base_bonus=Decimal(bonuses[n]),
        )
        for n, ((unit, _is_head), user) in enumerate(zip(plan, users, strict=True))
    ]
    # The heads (first in the plan) go in first, so that everybody else is written with
    # a line manager already; only the heads' own line managers are updated afterwards.
    n_heads = sum(1 for _unit, is_head in plan if is_head)
    heads_rows = copy_models(people[:n_heads])
    heads: dict[int, Employee] = {
        unit.pk: person for (unit, _h), person in zip(plan, heads_rows, strict=False)
    }
    for (unit, _h), person in zip(plan, heads_rows, strict=False):
        boss = heads.get(unit.parent_id) if unit.parent_id else None
        person.line_manager_id = boss.pk if boss else None
    Employee.objects.bulk_update(heads_rows, ["line_manager"], batch_size=BATCH)
    for (unit, _h), person in zip(plan[n_heads:], people[n_heads:], strict=True):
        boss = heads.get(unit.pk)
        person.line_manager_id = boss.pk if boss else None
    people = heads_rows + copy_models(people[n_heads:])
    headed = [unit for unit, is_head in plan if is_head]
    for unit in headed:
        unit.head_id = heads[unit.pk].pk
    OrgUnit.objects.bulk_update(headed, ["head"], batch_size=BATCH)
    copy_models(
        [
            RoleAssignment(
                user_id=heads[u.pk].user_id, role=RoleAssignment.Role.MANAGER, unit_id=u.pk
            )
            for u in headed
        ]
    )
    return [p.pk for p in people], {unit_id: e.pk for unit_id, e in heads.items()}


def _people_sql(who: PeoplePlan, progress: Callable[[str], None]) -> Written:
    """``_people_models`` computed by the database: no model instance per person (at 100,000
    people building and copying the instances was most of the org's Python time)."""
    prefix, plan, titles, bonuses = who.prefix, who.plan, who.titles, who.bonuses
    User = get_user_model()
    user_ids, ids = reserve_ids(User, len(plan)), reserve_ids(Employee, len(plan))
    heads: dict[int | None, int] = {
        unit.pk: ids[n] for n, (unit, is_head) in enumerate(plan) if is_head
    }
    # A head reports to the head of the unit above (the group's to nobody), staff to theirs.
    managers = [heads.get(unit.parent_id if is_head else unit.pk) for unit, is_head in plan]
    lower, now = prefix.lower(), clock().now()
    number = "lpad((p.n - 1)::text, 7, '0')"
    params = {
        "users": user_ids,
        "ids": ids,
        "units": [unit.pk for unit, _h in plan],
        "titles": titles,
        "bonuses": bonuses,
        "managers": managers,
        "password": who.password,
        "lower": lower,
        "prefix": prefix,
    }
    people = (
        "FROM unnest(%(users)s::integer[], %(ids)s::bigint[], %(units)s::bigint[], "
        "%(titles)s::text[], %(bonuses)s::integer[], %(managers)s::bigint[]) "
        "WITH ORDINALITY AS p(user_id, id, unit_id, title, bonus, manager, n)"
    )
    users = insert_select(
        User,
        {
            "id": "p.user_id",
            "username": f"%(lower)s || {number}",
            "password": "%(password)s",
            "email": f"%(lower)s || {number} || '@synthetic.example'",
        },
        people,
        params,
        now=now,
    )
    progress(f"users: {users}")
    insert_select(
        Employee,
        {
            "id": "p.id",
            "user_id": "p.user_id",
            "employee_no": f"%(prefix)s || {number}",
            "name": "'Person ' || (p.n - 1)",
            "unit_id": "p.unit_id",
            "job_title": "p.title",
            "base_bonus": "p.bonus",
            "line_manager_id": "p.manager",
        },
        people,
        params,
        now=now,
    )
    head_units = list(heads)
    head_users = [user_ids[n] for n, (_unit, is_head) in enumerate(plan) if is_head]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {connection.ops.quote_name(OrgUnit._meta.db_table)} u "  # noqa: S608
            "SET head_id = h.head FROM unnest(%s::bigint[], %s::bigint[]) AS h(unit, head) "
            "WHERE u.id = h.unit",
            [head_units, list(heads.values())],
        )
    insert_select(
        RoleAssignment,
        {"user_id": "h.user_id", "role": "%(manager)s", "unit_id": "h.unit_id"},
        "FROM unnest(%(users)s::integer[], %(units)s::bigint[]) AS h(user_id, unit_id)",
        {"users": head_users, "units": head_units, "manager": RoleAssignment.Role.MANAGER},
        now=now,
    )
    return ids, {unit: head for unit, head in heads.items() if unit is not None}
