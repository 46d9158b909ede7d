"""Writes to the organisation. Each function is one transaction and validates first.

``actor`` is the user making the change (``None`` for system jobs such as the demo seed);
when given, the change must lie in the actor's scope, checked again after the write.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from org.models import Employee, OrgUnit, RoleAssignment
from org.scoping import CHANGE

User = get_user_model()


def _require(actor: Any, queryset: Any, pk: Any) -> None:
    """Out of scope is "not found", as for reads (never reveal what exists)."""
    if actor is not None and not queryset.can(actor, CHANGE, pk):
        raise Http404


def _require_parent(actor: Any, parent: OrgUnit | None) -> None:
    if actor is None:
        return
    if parent is None:
        if not actor.is_superuser:
            raise PermissionDenied(_("Only a superuser may create a root unit."))
        return
    _require(actor, OrgUnit.objects, parent.pk)


@transaction.atomic
def org_unit_create(
    *,
    actor: Any = None,
    code: str,
    name: str,
    kind: str,
    parent: OrgUnit | None,
    sort_order: int = 0,
) -> OrgUnit:
    _require_parent(actor, parent)
    unit = OrgUnit(code=code, name=name, kind=kind, parent=parent, sort_order=sort_order)
    unit.full_clean(exclude=["path", "depth"])
    unit.save()
    _require(actor, OrgUnit.objects, unit.pk)
    return unit


@transaction.atomic
def org_unit_update(*, actor: Any = None, unit: OrgUnit, **fields: Any) -> OrgUnit:
    _require(actor, OrgUnit.objects, unit.pk)
    if "parent" in fields:
        _require_parent(actor, fields["parent"])
    for name, value in fields.items():
        setattr(unit, name, value)
    unit.full_clean(exclude=["path", "depth"])
    unit.save()
    _require(actor, OrgUnit.objects, unit.pk)
    return unit


@transaction.atomic
def org_unit_set_head(*, actor: Any = None, unit: OrgUnit, head: Employee | None) -> OrgUnit:
    """Make ``head`` the head of ``unit``, with the manager role over its subtree."""
    _require(actor, OrgUnit.objects, unit.pk)
    previous = unit.head
    unit.head = head
    unit.save(update_fields=["head"])
    if previous is not None and previous != head:
        RoleAssignment.objects.filter(
            user_id=previous.user_id, role=RoleAssignment.Role.MANAGER, unit=unit
        ).delete()
    if head is not None:
        RoleAssignment.objects.get_or_create(
            user_id=head.user_id, role=RoleAssignment.Role.MANAGER, unit=unit
        )
    return unit


@transaction.atomic
def employee_create(
    *,
    actor: Any = None,
    username: str,
    employee_no: str,
    name: str,
    unit: OrgUnit,
    job_title: str,
    password: str | None = None,
    email: str = "",
    line_manager: Employee | None = None,
    base_bonus: Decimal = Decimal("0.00"),
) -> Employee:
    """Create the login and the employee record together."""
    if (
        actor is not None
        and not OrgUnit.objects.restrict(actor, "view").filter(pk=unit.pk).exists()
    ):
        raise Http404
    user = User(username=username, email=email)
    user.password = make_password(password) if password else make_password(None)
    user.full_clean(exclude=["password"])
    user.save()
    employee = Employee(
        user=user,
        employee_no=employee_no,
        name=name,
        unit=unit,
        job_title=job_title,
        line_manager=line_manager,
        base_bonus=base_bonus,
    )
    employee.full_clean()
    employee.save()
    _require(actor, Employee.objects, employee.pk)
    return employee


@transaction.atomic
def employee_update(*, actor: Any = None, employee: Employee, **fields: Any) -> Employee:
    _require(actor, Employee.objects, employee.pk)
    for name, value in fields.items():
        setattr(employee, name, value)
    employee.full_clean()
    employee.save()
    _require(actor, Employee.objects, employee.pk)
    return employee


@transaction.atomic
def role_assign(*, actor: Any = None, user: Any, role: str, unit: OrgUnit) -> RoleAssignment:
    _require(actor, OrgUnit.objects, unit.pk)
    assignment = RoleAssignment(user=user, role=role, unit=unit)
    assignment.full_clean(validate_unique=False)
    assignment, _created = RoleAssignment.objects.get_or_create(user=user, role=role, unit=unit)
    return assignment


@transaction.atomic
def role_revoke(*, actor: Any = None, assignment: RoleAssignment) -> None:
    _require(actor, RoleAssignment.objects, assignment.pk)
    assignment.delete()
