"""The kept headcount of each unit (:class:`org.models.UnitHeadcount`): how many active
employees work directly in it. The home page's "active employees in your scope" sums it
over the reader's units instead of counting every employee of the group on each request.

Kept up to date in the transaction of the write that changes an input: an employee saved
(hired, moved to another unit, deactivated or brought back) or deleted refreshes the unit
it is in and the unit it was in (signals, connected in ``org.apps``, so services, admin,
the demo seed and tests' factories all count). Bulk writes that skip signals (the
generator) call :func:`refresh` themselves. A unit's move changes nobody's unit: the
counts stay, the scope sums follow the paths. Each refresh recounts its units from the
employees under a lock per unit, so two writers of one unit run one after the other and
the second counts what the first committed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q, Sum

from org.models import Employee, UnitHeadcount
from org.scoping import scope_of
from spm.locks import lock_units

# The unit an employee's row was in before a save, to refresh it too when they move.
STORED_UNIT = "_headcount_stored_unit_id"


def refresh(unit_ids: Iterable[int | None]) -> None:
    """Recount the active employees of ``unit_ids`` (two queries and the lock)."""
    units = sorted({pk for pk in unit_ids if pk is not None})
    if not units:
        return
    lock_units(UnitHeadcount._meta.db_table, units)
    counts = dict(
        Employee.objects.filter(unit_id__in=units, active=True)
        .order_by()
        .values("unit_id")
        .annotate(n=Count("id"))
        .values_list("unit_id", "n")
    )
    UnitHeadcount.objects.bulk_create(
        [UnitHeadcount(unit_id=pk, active=counts.get(pk, 0)) for pk in units],
        update_conflicts=True,
        unique_fields=["unit"],
        update_fields=["active"],
    )


def refresh_all() -> None:
    """Recount every unit (to repair counts after a write that skipped the signals)."""
    from org.models import OrgUnit

    refresh(OrgUnit.objects.values_list("pk", flat=True))


def in_scope(user: Any) -> int:
    """The active employees ``user`` sees: those of the units of their granted subtrees,
    and themselves (an employee always sees their own record) — what
    ``Employee.objects.restrict(user).filter(active=True).count()`` counts, in one query
    over the units."""
    scope = scope_of(user)
    own = scope.employee_unit_id
    got = UnitHeadcount.objects.restrict(user).aggregate(
        n=Sum("active"), own=Count("pk", filter=Q(unit_id=own) if own is not None else Q())
    )
    total = got["n"] or 0
    if scope.employee_id is not None and not got["own"]:
        total += 1  # themselves, outside their granted subtrees
    return total


def _counts(instance: Employee, kwargs: dict[str, Any]) -> bool:
    """Whether the save can change a count (a save of other fields only cannot)."""
    fields = kwargs.get("update_fields")
    return fields is None or bool({"unit", "unit_id", "active"} & set(fields))


def employee_saving(sender: Any, instance: Employee, **kwargs: Any) -> None:
    """Receiver before an employee's save: the unit the row is in now (read from the row,
    not the instance: one loaded earlier or refreshed may not say where the row was)."""
    if instance.pk is not None and _counts(instance, kwargs):
        stored = Employee.objects.filter(pk=instance.pk).values_list("unit_id", flat=True)
        setattr(instance, STORED_UNIT, stored.first())


def employee_saved(sender: Any, instance: Employee, **kwargs: Any) -> None:
    """Receiver of employee saves (fixtures loaded included): refresh their unit and the
    one the row was in."""
    if _counts(instance, kwargs):
        refresh([instance.unit_id, instance.__dict__.pop(STORED_UNIT, None)])


def employee_deleted(sender: Any, instance: Employee, **kwargs: Any) -> None:
    refresh([instance.unit_id])
