"""What the people-side services share: who the actor is as an employee, and the checks
that keep a manager from acting on their own record."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _

from assessment.services.common import actor_employee_id, covered_by
from org.models import Employee
from org.scoping import ADMIN, MANAGER, VIEW, Actor
from spm.errors import NotPermitted

MANAGERS = frozenset({MANAGER, ADMIN})


def me_of(actor: Actor) -> int:
    """The actor's employee id; people-side writes are made by employees."""
    me = actor_employee_id(actor)
    if me is None:
        raise NotPermitted(_("Only an employee can do this."))
    return me


def employee_managed(actor: Actor, employee_pk: int) -> Employee:
    """The employee ``employee_pk`` if ``actor`` manages their unit, and not the actor
    themself: their own record goes to the next level up. 404 for someone the actor does
    not see, 403 for someone they see but do not manage."""
    employee = Employee.objects.select_related("unit").filter(pk=employee_pk).first()
    if employee is None or not Employee.objects.restrict(actor, VIEW).filter(pk=employee.pk):
        raise Http404
    if not covered_by(actor, employee.unit.path, MANAGERS):
        raise NotPermitted(_("Only their manager does this."))
    if employee.pk == actor_employee_id(actor):
        raise NotPermitted(_("Your own record is kept by the next level up."))
    return employee
