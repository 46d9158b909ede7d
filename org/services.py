"""Writes to the organisation. Each function is one transaction and validates first.

``actor`` is whoever makes the change: a user, or :data:`org.scoping.SYSTEM` for the demo
seed and other background work. The change must lie in the actor's scope, checked before
and again after the write (out of scope is a 404, as for reads). Every edit of a unit or a
person names the version its editor opened (``expected_version``) and is refused as stale
when another edit came first (:mod:`org.versions`); a role grant or revoke is an edit of
the person it names.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from org.models import Employee, OrgUnit, RoleAssignment
from org.rules import grantable_roles
from org.scoping import (
    ADMIN,
    CHANGE,
    HR,
    MANAGER,
    VIEW,
    Actor,
    SystemActor,
    audited,
    require,
    scope_of,
)
from org.versions import claim_version

UNIT_FIELDS = ("id", "code", "name", "kind", "parent", "sort_order", "head", "active")
EMPLOYEE_FIELDS = ("id", "employee_no", "name", "unit", "job_title", "line_manager", "active")


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
    audited(unit, actor).save()
    require(actor, OrgUnit.objects, unit.pk)
    return unit


@transaction.atomic
def org_unit_update(
    *, actor: Actor, unit: OrgUnit, expected_version: int | None, **fields: Any
) -> OrgUnit:
    """Rename or move a unit (with its subtree). ``expected_version``: see the module."""
    require(actor, OrgUnit.objects, unit.pk)
    if "parent" in fields:
        _require_parent(actor, fields["parent"])
    unit = claim_version(actor, unit, expected_version, UNIT_FIELDS)
    for name, value in fields.items():
        setattr(unit, name, value)
    unit.full_clean(exclude=["path", "depth"])
    audited(unit, actor).save()
    require(actor, OrgUnit.objects, unit.pk)
    return unit


@transaction.atomic
def employee_update(
    *, actor: Actor, employee: Employee, expected_version: int | None, **fields: Any
) -> Employee:
    require(actor, Employee.objects, employee.pk)
    if scope_of(actor).employee_id == employee.pk:
        # Nobody changes their own record: unit, line manager and base bonus decide pay.
        raise PermissionDenied(_("You cannot change your own employee record; ask HR above."))
    employee = claim_version(actor, employee, expected_version, EMPLOYEE_FIELDS)
    for name, value in fields.items():
        setattr(employee, name, value)
    employee.full_clean()
    audited(employee, actor).save()
    require(actor, Employee.objects, employee.pk)
    return employee


# --- People ---------------------------------------------------------------------------------
def _require_unit(actor: Actor, model: Any, unit: OrgUnit) -> None:
    """404 unless the actor may change ``model`` rows in ``unit`` (the model's own rules)."""
    if not scope_of(actor).may(model, CHANGE, unit.path):
        raise Http404


@transaction.atomic
def employee_create(
    *,
    actor: Actor,
    username: str,
    password: str,
    employee_no: str,
    name: str,
    unit: OrgUnit,
    job_title: str,
    line_manager: Employee | None = None,
    base_bonus: Decimal = Decimal("0.00"),
    reason: str = "",
) -> Employee:
    """A new person with their login, in a unit of the actor's scope (HR or admin)."""
    _require_unit(actor, Employee, unit)
    if line_manager is not None:
        require(actor, Employee.objects, line_manager.pk, action=VIEW)
    user_model = get_user_model()
    user = user_model(username=username)
    errors: dict[str, list[str]] = {}
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        errors["password"] = exc.messages
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
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
    audited(employee, actor, reason).save()
    require(actor, Employee.objects, employee.pk)
    return employee


@transaction.atomic
def employee_set_active(
    *,
    actor: Actor,
    employee: Employee,
    active: bool,
    reason: str,
    expected_version: int | None,
) -> Employee:
    """Deactivate a person (they can no longer sign in; their records stay) or bring them
    back. Nobody does it to themselves, and a reason is recorded in the audit trail."""
    require(actor, Employee.objects, employee.pk)
    if scope_of(actor).employee_id == employee.pk:
        raise PermissionDenied(_("You cannot change your own employee record; ask HR above."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why, for the audit trail.")})
    employee = claim_version(actor, employee, expected_version, EMPLOYEE_FIELDS)
    employee.active = active
    audited(employee, actor, reason.strip()).save(update_fields=["active", "version"])
    user = employee.user
    user.is_active = active
    user.save(update_fields=["is_active"])
    require(actor, Employee.objects, employee.pk)
    return employee


# --- Roles ----------------------------------------------------------------------------------
def may_grant(actor: Actor, unit: OrgUnit) -> frozenset[str]:
    """The roles ``actor`` may grant or revoke over ``unit`` (see ``org.rules``)."""
    scope = scope_of(actor)
    covering = {role for role in (HR, ADMIN) if scope.covers(unit.path, {role})}
    return grantable_roles(superuser=scope.superuser, covering=covering)


def _require_grant(actor: Actor, user_id: int, role: str, unit: OrgUnit) -> None:
    _require_unit(actor, RoleAssignment, unit)
    if role not in may_grant(actor, unit):
        raise PermissionDenied(_("You may not grant or revoke this role."))
    if not isinstance(actor, SystemActor) and actor.pk == user_id:
        # Separation of duties: nobody widens (or narrows) their own powers.
        raise PermissionDenied(_("You cannot change your own roles."))


@transaction.atomic
def role_grant(
    *,
    actor: Actor,
    employee: Employee,
    role: str,
    unit: OrgUnit,
    expected_version: int | None,
    make_head: bool = False,
) -> RoleAssignment:
    """Grant ``employee`` ``role`` over ``unit``'s subtree; a manager may also become the
    unit's head. Granting a role someone already holds is refused, not repeated.
    ``expected_version`` is the person's version the granter saw."""
    require(actor, Employee.objects, employee.pk)
    _require_grant(actor, employee.user_id, role, unit)
    employee = claim_version(actor, employee, expected_version, EMPLOYEE_FIELDS)
    audited(employee, actor, _("role granted")).save(update_fields=["version"])
    if RoleAssignment.objects.filter(user_id=employee.user_id, role=role, unit=unit).exists():
        raise ValidationError({"role": _("They already hold this role over this unit.")})
    assignment = RoleAssignment(user_id=employee.user_id, role=role, unit=unit)
    assignment.full_clean()
    audited(assignment, actor).save()
    if make_head and role == MANAGER:
        unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
        unit.head = employee
        unit.version += 1
        audited(unit, actor).save(update_fields=["head", "version"])
    require(actor, RoleAssignment.objects, assignment.pk)
    return assignment


@transaction.atomic
def role_revoke(*, actor: Actor, assignment: RoleAssignment, expected_version: int | None) -> None:
    """Take a role back. The unit's head stays named until HR names another.
    ``expected_version`` is the version of the person holding it, as the revoker saw it
    (a login without an employee record has none to compare)."""
    require(actor, RoleAssignment.objects, assignment.pk)
    _require_grant(actor, assignment.user_id, assignment.role, assignment.unit)
    holder = Employee.objects.filter(user_id=assignment.user_id).first()
    if holder is not None:
        holder = claim_version(actor, holder, expected_version, EMPLOYEE_FIELDS)
        audited(holder, actor, _("role revoked")).save(update_fields=["version"])
    audited(assignment, actor).delete()
