"""Writes to the organisation. Each function is one transaction and validates first.

``actor`` is whoever makes the change: a user, or :data:`org.scoping.SYSTEM` for the demo
seed and other background work. The change must lie in the actor's scope, checked before
and again after the write (out of scope is a 404, as for reads).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from org.models import Employee, OrgUnit
from org.scoping import Actor, require, scope_of


def _require_parent(actor: Actor, parent: OrgUnit | None) -> None:
    if parent is None:
        if not scope_of(actor).superuser:
            raise PermissionDenied(_("Only a superuser may create a root unit."))
        return
    require(actor, OrgUnit.objects, parent.pk)


@transaction.atomic
def org_unit_create(
    *,
    actor: Actor,
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
    require(actor, OrgUnit.objects, unit.pk)
    return unit


@transaction.atomic
def org_unit_update(*, actor: Actor, unit: OrgUnit, **fields: Any) -> OrgUnit:
    require(actor, OrgUnit.objects, unit.pk)
    if "parent" in fields:
        _require_parent(actor, fields["parent"])
    for name, value in fields.items():
        setattr(unit, name, value)
    unit.full_clean(exclude=["path", "depth"])
    unit.save()
    require(actor, OrgUnit.objects, unit.pk)
    return unit


@transaction.atomic
def employee_update(*, actor: Actor, employee: Employee, **fields: Any) -> Employee:
    require(actor, Employee.objects, employee.pk)
    if scope_of(actor).employee_id == employee.pk:
        # Nobody changes their own record: unit, line manager and base bonus decide pay.
        raise PermissionDenied(_("You cannot change your own employee record; ask HR above."))
    for name, value in fields.items():
        setattr(employee, name, value)
    employee.full_clean()
    employee.save()
    require(actor, Employee.objects, employee.pk)
    return employee
