"""factory-boy factories shared by every app's tests."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import factory
from django.contrib.auth import get_user_model

from org.models import Employee, OrgUnit, RoleAssignment

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory[Any]):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.django.Password(PASSWORD)


class OrgUnitFactory(factory.django.DjangoModelFactory[OrgUnit]):
    class Meta:
        model = OrgUnit

    code = factory.Sequence(lambda n: f"U{n:05d}")
    name = factory.Sequence(lambda n: f"Unit {n}")
    kind = OrgUnit.Kind.DEPARTMENT
    parent = None


class EmployeeFactory(factory.django.DjangoModelFactory[Employee]):
    class Meta:
        model = Employee

    user = factory.SubFactory(UserFactory)
    employee_no = factory.Sequence(lambda n: f"E{n:06d}")
    name = factory.Sequence(lambda n: f"Employee {n}")
    unit = factory.SubFactory(OrgUnitFactory)
    job_title = "Engineer"
    base_bonus = Decimal("100000.00")


class RoleAssignmentFactory(factory.django.DjangoModelFactory[RoleAssignment]):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    role = RoleAssignment.Role.MANAGER
    unit = factory.SubFactory(OrgUnitFactory)


def make_manager(unit: OrgUnit, **kwargs: Any) -> Employee:
    """An employee of ``unit`` who heads it and holds the manager role over it."""
    employee = EmployeeFactory.create(unit=unit, job_title="Head of unit", **kwargs)
    unit.head = employee
    unit.save(update_fields=["head"])
    RoleAssignmentFactory(user=employee.user, role=RoleAssignment.Role.MANAGER, unit=unit)
    return employee
