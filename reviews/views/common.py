"""What the people-side pages share: paging and the people a manager keeps records of.
(Running a service from a form or a button is ``spm.forms.form_run`` / ``spm.forms.act``.)"""

from __future__ import annotations

from django.db.models import QuerySet

from org.models import Employee
from org.scoping import ADMIN, MANAGER, Actor, scope_of

PAGE_SIZE = 25


def managed_people(actor: Actor) -> QuerySet[Employee]:
    """The active people of the units ``actor`` manages, themself left out."""
    scope = scope_of(actor)
    return (
        Employee.objects.filter(scope.units_q({MANAGER, ADMIN}, "unit"), active=True)
        .exclude(pk=scope.employee_id)
        .select_related("unit")
        .order_by("name", "pk")
    )
