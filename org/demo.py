"""The seeded demo enterprise: a fictional energy group of about 150 people.

The demo lives on the day it is seeded (``DemoOrg.today``, from the clock unless given):
each app dates its part of the demo from it, so the demo looks alive in any month.

``seed_org`` is idempotent: every unit, login and employee is keyed by its code, username
or number, so a second run changes nothing. Later apps add their part of the demo in their
own ``demo.py`` (see ``seed_demo``), each receiving the :class:`DemoOrg` built here.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from org.models import Employee, OrgUnit, RoleAssignment
from spm.clock import clock

DEMO_PASSWORD = "spm-demo-2026!"  # noqa: S105  (printed by seed_demo on purpose)

# (code, name, kind, parent code, job titles of its staff)
UNITS: list[tuple[str, str, str, str | None, tuple[str, ...]]] = [
    ("ZNE", "Zhongneng Energy Group", "group", None, ()),
    ("HQ", "Group Headquarters", "headquarters", "ZNE", ("Executive assistant",)),
    ("HQ-SP", "Strategy & Planning", "department", "HQ", ("Strategy analyst", "Planning engineer")),
    (
        "HQ-FIN",
        "Finance",
        "department",
        "HQ",
        ("Accountant", "Financial analyst", "Treasury officer"),
    ),
    ("HQ-HR", "Human Resources", "department", "HQ", ("HR partner", "Compensation specialist")),
    (
        "HQ-SE",
        "Safety & Environment",
        "department",
        "HQ",
        ("Safety engineer", "Environmental engineer"),
    ),
    (
        "HQ-EC",
        "Engineering & Construction",
        "department",
        "HQ",
        ("Project engineer", "Cost engineer", "Site supervisor"),
    ),
    (
        "HQ-MKT",
        "Marketing",
        "department",
        "HQ",
        ("Power trading specialist", "Key account manager"),
    ),
    (
        "HQ-ST",
        "Science & Technology",
        "department",
        "HQ",
        ("R&D engineer", "Digitalisation engineer"),
    ),
    ("HQ-AUD", "Audit", "department", "HQ", ("Auditor", "Compliance officer")),
    ("WS", "Wind & Solar Power Co.", "company", "ZNE", ("Operations engineer",)),
    (
        "WS-ZB",
        "Zhangbei Wind Farm",
        "plant",
        "WS",
        ("Wind turbine technician", "Operations engineer"),
    ),
    ("WS-QH", "Qinghai Solar Park", "plant", "WS", ("PV technician", "Operations engineer")),
    (
        "WS-RD",
        "Rudong Offshore Wind Farm",
        "plant",
        "WS",
        ("Offshore technician", "Marine coordinator"),
    ),
    ("WS-ZB-OPS", "Zhangbei Operations Team", "team", "WS-ZB", ("Wind turbine technician",)),
    ("TP", "Thermal Power Co.", "company", "ZNE", ("Production engineer",)),
    ("TP-TS", "Tangshan Thermal Plant", "plant", "TP", ("Boiler engineer", "Shift supervisor")),
    ("TP-HY", "Huaiyin Thermal Plant", "plant", "TP", ("Turbine engineer", "Shift supervisor")),
    ("TP-TS-MNT", "Tangshan Maintenance Team", "team", "TP-TS", ("Maintenance technician",)),
    ("HP", "Hydropower Co.", "company", "ZNE", ("Dispatch engineer",)),
    (
        "HP-JS",
        "Jinsha River Hydropower Station",
        "plant",
        "HP",
        ("Hydro engineer", "Dam safety engineer"),
    ),
    (
        "HP-LC",
        "Lancang Hydropower Station",
        "plant",
        "HP",
        ("Hydro engineer", "Operations engineer"),
    ),
    # The demo manager's department has teams of its own, so cascading to sub-units can be
    # tried with the demo logins. (Last, so the people above keep their numbers and names.)
    (
        "HQ-EC-PMO",
        "Project Management Office",
        "team",
        "HQ-EC",
        ("Project engineer", "Cost engineer"),
    ),
    (
        "HQ-EC-SITE",
        "Site Construction Team",
        "team",
        "HQ-EC",
        ("Site supervisor", "Project engineer"),
    ),
]

HEAD_TITLES = {
    "group": "Chairman",
    "headquarters": "General Manager",
    "department": "Department Director",
    "company": "Company General Manager",
    "plant": "Plant Manager",
    "team": "Team Leader",
}

SURNAMES = (
    "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Gao Lin Luo "
    "Zheng Liang Xie Song Tang Han Feng Deng Cao Peng Zeng Xiao Tian Dong Pan Yuan Cai Jiang"
).split()
GIVEN = (
    "Wei Fang Na Min Jing Qiang Lei Jun Yang Yong Yan Jie Tao Ming Chao Xia Hua Ping Gang "
    "Hui Bin Lin Ying Hao Yu Xin Kai Rui Bo Ning Qing Shan Feng Lan Yun Han Jia Chen"
).split()

# The demo logins, one per role. (username, name, unit code, job title, role or None)
LOGINS: list[tuple[str, str, str, str, str | None]] = [
    ("exec", "Zhao Guoqiang", "HQ", "General Manager", RoleAssignment.Role.EXECUTIVE),
    ("hr", "Sun Meiling", "HQ-HR", "Department Director", RoleAssignment.Role.HR),
    ("manager", "Chen Jianguo", "HQ-EC", "Department Director", None),
    ("employee", "Li Xiaoming", "HQ-EC", "Project engineer", None),
    ("admin", "System Administrator", "HQ", "IT administrator", RoleAssignment.Role.ADMIN),
]
STAFF_PER_UNIT = {
    "group": 0,
    "headquarters": 3,
    "department": 6,
    "company": 4,
    "plant": 9,
    "team": 8,
}


@dataclass
class DemoOrg:
    """What the org seed built, for the other apps' seeds, and the day the demo lives on."""

    today: date
    units: dict[str, OrgUnit] = field(default_factory=dict)
    logins: dict[str, Employee] = field(default_factory=dict)
    heads: dict[str, Employee] = field(default_factory=dict)


def _employee(
    *,
    username: str,
    number: str,
    name: str,
    unit: OrgUnit,
    job_title: str,
    line_manager: Employee | None,
    base_bonus: Decimal,
    password_hash: str,
) -> Employee:
    existing = Employee.objects.filter(employee_no=number).select_related("user").first()
    if existing is not None:
        return existing
    User = get_user_model()
    user, _created = User.objects.get_or_create(
        username=username,
        defaults={"email": f"{username}@zhongneng.example", "password": password_hash},
    )
    return Employee.objects.create(
        user=user,
        employee_no=number,
        name=name,
        unit=unit,
        job_title=job_title,
        line_manager=line_manager,
        base_bonus=base_bonus,
    )


@transaction.atomic
def seed_org(*, today: date | None = None) -> DemoOrg:
    """The demo group as of ``today`` (the configured clock's day unless given)."""
    rng = random.Random(2026)  # a fixed seed, not a year: the same people every time
    password_hash = make_password(DEMO_PASSWORD)
    demo = DemoOrg(today=today or clock().today())
    for order, (code, name, kind, parent_code, _titles) in enumerate(UNITS):
        unit = OrgUnit.objects.filter(code=code).first()
        if unit is None:
            unit = OrgUnit(code=code, name=name, kind=kind, sort_order=order)
            unit.parent = demo.units[parent_code] if parent_code else None
            unit.full_clean(exclude=["path", "depth"])
            unit.save()
        demo.units[code] = unit

    login_by_unit_title = {(u, t): (n, name, r) for n, name, u, t, r in LOGINS}
    names = iter(
        rng.sample([f"{s} {g}{h.lower()}" for s in SURNAMES for g in GIVEN for h in GIVEN[:6]], 400)
    )
    serial = 0

    def seat(
        unit: OrgUnit,
        title: str,
        line_manager: Employee | None,
        bonus: tuple[int, int],
        login: tuple[str, str, str | None] | None,
    ) -> Employee:
        """The next numbered person: a demo login where one sits here, else a made-up name
        (names and bonuses drawn in the same order every time)."""
        nonlocal serial
        serial += 1
        person = _employee(
            username=login[0] if login else f"zn{serial:04d}",
            number=f"ZN{serial:04d}",
            name=login[1] if login else next(names),
            unit=unit,
            job_title=title,
            line_manager=line_manager,
            base_bonus=Decimal(rng.randrange(*bonus) * 1000),
            password_hash=password_hash,
        )
        if login:
            demo.logins[login[0]] = person
        return person

    for code, _name, kind, parent_code, titles in UNITS:
        unit = demo.units[code]
        parent_head = demo.heads.get(parent_code) if parent_code else None
        title = HEAD_TITLES[kind]
        head = seat(unit, title, parent_head, (150, 400), login_by_unit_title.get((code, title)))
        demo.heads[code] = head
        if unit.head_id != head.pk:
            unit.head = head
            unit.save(update_fields=["head"])
        RoleAssignment.objects.get_or_create(
            user_id=head.user_id, role=RoleAssignment.Role.MANAGER, unit=unit
        )
        for i in range(STAFF_PER_UNIT[kind]):
            title = titles[i % len(titles)]
            login = login_by_unit_title.get((code, title)) if i < len(titles) else None
            seat(unit, title, head, (60, 150), login)

    # Logins whose seat is not a head or staff slot above.
    for username, name, unit_code, title, _role in LOGINS:
        if username not in demo.logins:
            serial_no = f"ZN9{len(demo.logins):03d}"
            demo.logins[username] = _employee(
                username=username,
                number=serial_no,
                name=name,
                unit=demo.units[unit_code],
                job_title=title,
                line_manager=demo.heads[unit_code],
                base_bonus=Decimal("120000"),
                password_hash=password_hash,
            )
    group = demo.units["ZNE"]
    for username, _name, _unit, _title, role in LOGINS:
        if role:
            RoleAssignment.objects.get_or_create(
                user_id=demo.logins[username].user_id, role=role, unit=group
            )
    admin_user = demo.logins["admin"].user
    if not (admin_user.is_staff and admin_user.is_superuser):
        admin_user.is_staff = admin_user.is_superuser = True
        admin_user.save(update_fields=["is_staff", "is_superuser"])
    return demo
