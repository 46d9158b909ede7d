"""Reads of the organisation that a user makes. Each starts from ``restrict``."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from org.models import Employee, EmployeeQuerySet, OrgUnit
from org.scoping import VIEW, scope_of
from spm.memo import remember
from spm.sorting import Sorts


def _count_of(model: Any, field: str) -> Coalesce:
    """A correlated COUNT subquery: no join fan-out, one query for the whole list."""
    sub = (
        model.objects.filter(**{field: OuterRef("pk"), "active": True})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(sub, output_field=IntegerField()), 0)


def org_units(user: Any, action: str = VIEW) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.restrict(user, action)


def org_unit_get(user: Any, pk: Any, action: str = VIEW) -> OrgUnit:
    return get_object_or_404(org_units(user, action).select_related("parent", "head"), pk=pk)


def with_counts(units: QuerySet[OrgUnit]) -> QuerySet[OrgUnit]:
    return units.annotate(
        child_count=_count_of(OrgUnit, "parent"),
        # the unit's active people, kept by org.headcount (no row: nobody)
        employee_count=Coalesce(F("headcount__active"), 0),
    ).select_related("head")


def org_scope_roots(user: Any) -> QuerySet[OrgUnit]:
    """The top units of the user's scope, in path order (the first is where a page about
    "my part of the group" starts)."""
    scope = scope_of(user)
    units = org_units(user).filter(active=True)
    if scope.superuser:
        return units.filter(parent__isnull=True)
    paths = scope.paths(scope.unit_paths.keys())
    q = Q(path__in=paths)
    if scope.employee_unit_id is not None:
        q |= Q(pk=scope.employee_unit_id)
    roots = units.filter(q)
    for path in paths:
        # An employee's own unit inside a granted subtree is not a second root.
        roots = roots.exclude(Q(path__startswith=path) & ~Q(path=path))
    return roots.order_by("path")


def org_tree_roots(user: Any) -> QuerySet[OrgUnit]:
    """The top units of the user's scope with their counts: where the tree browser starts."""
    return with_counts(org_scope_roots(user))


def home_me(user: Any) -> Employee | None:
    """The user's own employee record as the home page shows it (name, job title, unit,
    line manager; not the login row nor every column of the unit and manager), with the
    unit's path: the "me" card and the strategy card (the strategy of the unit or the
    nearest unit above it) read it once (:func:`spm.memo.remember` while the page is
    built). None for a user without one, or who may not see it."""
    me = scope_of(user).employee_id
    if me is None:
        return None

    def read() -> Employee | None:
        found: Employee | None = (
            employees(user)
            .select_related("unit", "line_manager")
            .only("name", "job_title", "unit__name", "unit__path", "line_manager__name")
            .filter(pk=me)
            .first()
        )
        return found

    return remember(("org.home_me", getattr(user, "pk", None), me), read)


def home_roots(user: Any) -> QuerySet[OrgUnit]:
    """The top units of the user's scope as the home page lists them: the name and how many
    sub-units (not the head, nor the unit's own headcount :func:`org_tree_roots` joins)."""
    return org_scope_roots(user).annotate(child_count=_count_of(OrgUnit, "parent")).only("name")


def org_unit_children(user: Any, unit: OrgUnit) -> QuerySet[OrgUnit]:
    return with_counts(org_units(user).filter(parent=unit, active=True)).order_by(
        "sort_order", "name"
    )


def org_unit_ancestors(user: Any, unit: OrgUnit) -> list[OrgUnit]:
    """The in-scope ancestors of ``unit``, root first (for the breadcrumb)."""
    ids = unit.ancestor_ids()
    return list(org_units(user).filter(pk__in=ids).order_by("depth")) if ids else []


def org_unit_search(user: Any, text: str) -> QuerySet[OrgUnit]:
    return with_counts(
        org_units(user).filter(Q(name__icontains=text) | Q(code__icontains=text))
    ).order_by("path")


def employees(user: Any, action: str = VIEW) -> EmployeeQuerySet:
    return Employee.objects.restrict(user, action)


def employee_get(user: Any, pk: Any, action: str = VIEW) -> Employee:
    return get_object_or_404(
        employees(user, action).select_related("unit", "line_manager", "user"), pk=pk
    )


# The directory's sortable columns: what a ``sort`` parameter may name, and its ordering
# (the employee number last, so equal names keep one stable order).
DIRECTORY_SORTS = Sorts(
    columns={
        "name": ("name", "employee_no"),
        "number": ("employee_no",),
        "unit": ("unit__path", "name", "employee_no"),
        "job_title": ("job_title", "name", "employee_no"),
        "line_manager": ("line_manager__name", "name", "employee_no"),
    },
    default="name",
    # Through the line manager's row: no index gives 100,000 people in that order.
    bounded=frozenset({"line_manager"}),
)


def employee_directory(
    user: Any,
    *,
    text: str = "",
    unit: OrgUnit | None = None,
    job_title: str = "",
    include_inactive: bool = False,
    sort: str = "name",
) -> QuerySet[Employee]:
    """Employees in scope, filtered; ``unit`` means the unit and everything under it."""
    qs = employees(user).select_related("unit", "line_manager")
    if not include_inactive:
        qs = qs.filter(active=True)
    if text:
        qs = qs.filter(
            Q(name__icontains=text) | Q(employee_no__icontains=text) | Q(job_title__icontains=text)
        )
    if unit is not None:
        qs = qs.within(unit)
    if job_title:
        qs = qs.filter(job_title=job_title)
    return qs.order_by(*DIRECTORY_SORTS.order(sort))


def job_titles(user: Any) -> list[str]:
    """The job titles of the active employees in scope, in order."""
    return distinct_titles(employees(user).filter(active=True))


def distinct_titles(people: QuerySet[Employee]) -> list[str]:
    """``people``'s distinct job titles, in order, by a skip scan of the job-title index: one
    probe per title (the first title above the last one found), a few index reads each,
    where ``DISTINCT`` read every row of a whole group (100,000 people for HR: ~70 ms of
    PostgreSQL CPU) for a handful of titles. One query, on both databases."""
    base = people.order_by("job_title").values_list("job_title", flat=True)
    first_sql, first_params = base[:1].query.sql_with_params()
    step = base.filter(job_title__gt=RawSQL("titles.title", ()))[:1]
    next_sql, next_params = step.query.sql_with_params()
    # Both pieces are Django's own compiled SQL; every value travels as a parameter.
    sql = (
        f"WITH RECURSIVE titles(title) AS (SELECT ({first_sql}) "  # noqa: S608
        f"UNION ALL SELECT ({next_sql}) FROM titles WHERE titles.title IS NOT NULL) "
        "SELECT title FROM titles WHERE title IS NOT NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (*first_params, *next_params))
        return [row[0] for row in cursor.fetchall()]
