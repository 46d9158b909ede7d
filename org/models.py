"""The organisation: the unit tree, the people in it and the roles they hold."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from org import scoping
from org.scoping import ADMIN, CHANGE, EXECUTIVE, HR, MANAGER, SELF, VIEW, ScopedQuerySet


class OrgUnitQuerySet(ScopedQuerySet):
    scope_unit_lookup = ""
    # HR runs the org inside its subtree: it creates and moves units there (org/manage.py).
    scope_rules: ClassVar[dict[str, frozenset[str]]] = {
        VIEW: frozenset({MANAGER, HR, EXECUTIVE, ADMIN, SELF}),
        CHANGE: frozenset({HR, ADMIN}),
    }

    def self_q(self, scope: scoping.Scope) -> Q:
        # An employee sees the unit they work in, nothing around it.
        if scope.employee_unit_id is None:
            return Q(pk__in=[])
        return Q(pk=scope.employee_unit_id)

    def subtree_of(self, unit: OrgUnit) -> OrgUnitQuerySet:
        return self.filter(path__startswith=unit.path)


class OrgUnit(models.Model):
    """A node of the group's organisation.

    The group itself, its headquarters, a functional department, an affiliated company, a
    plant or a grassroots team. ``path`` holds the ids from the root down to this unit
    (``/1/5/23/``), so a whole subtree is one indexed prefix query.
    """

    class Kind(models.TextChoices):
        GROUP = "group", _("Group")
        HEADQUARTERS = "headquarters", _("Headquarters")
        DEPARTMENT = "department", _("Department")
        COMPANY = "company", _("Affiliated company")
        PLANT = "plant", _("Plant")
        TEAM = "team", _("Grassroots team")

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    head = models.ForeignKey(
        "Employee",
        verbose_name=_("head of unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_units",
    )
    active = models.BooleanField(_("active"), default=True)
    # Compare-and-set on edits (org.versions): a stale rename or move is refused.
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = OrgUnitQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["path"]
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="orgunit_not_own_parent"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        parent_path = self.parent.path if self.parent_id is not None and self.parent else None
        expected = self.path_for(parent_path, self.pk)
        if self.path == expected:
            return
        old_path, old_depth = self.path, self.depth
        self.path = expected
        self.depth = expected.count("/") - 2
        OrgUnit.objects.filter(pk=self.pk).update(path=self.path, depth=self.depth)
        if old_path:
            # The unit moved: carry its descendants along in one statement.
            OrgUnit.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                path=Concat(Value(expected), Substr("path", len(old_path) + 1)),
                depth=models.F("depth") + (self.depth - old_depth),
            )

    def clean(self) -> None:
        if self.parent_id is not None and self.pk is not None:
            parent = self.parent
            if parent is not None and (parent.pk == self.pk or parent.path.startswith(self.path)):
                raise ValidationError({"parent": _("A unit cannot be placed under itself.")})

    @staticmethod
    def path_for(parent_path: str | None, pk: int) -> str:
        return f"{parent_path or '/'}{pk}/"

    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part][:-1]

    def is_within(self, other: OrgUnit) -> bool:
        return self.path.startswith(other.path)


class EmployeeQuerySet(ScopedQuerySet):
    scope_unit_lookup = "unit"
    scope_self_lookup = "pk"
    scope_rules: ClassVar[dict[str, frozenset[str]]] = {
        VIEW: frozenset({MANAGER, HR, EXECUTIVE, ADMIN, SELF}),
        CHANGE: frozenset({HR, ADMIN}),
    }


class Employee(models.Model):
    """A person on the payroll: their login, unit, job, line manager and base bonus."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="employee"
    )
    employee_no = models.CharField(_("employee number"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120, db_index=True)
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="employees"
    )
    job_title = models.CharField(_("job title"), max_length=120, db_index=True)
    line_manager = models.ForeignKey(
        "self",
        verbose_name=_("line manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    base_bonus = models.DecimalField(
        _("base bonus"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    active = models.BooleanField(_("active"), default=True)
    # Compare-and-set on edits, deactivation and role changes (org.versions).
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = EmployeeQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "employee_no"]
        verbose_name = _("employee")
        verbose_name_plural = _("employees")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.line_manager_id is not None and self.line_manager_id == self.pk:
            raise ValidationError({"line_manager": _("An employee cannot manage themself.")})


class RoleAssignmentQuerySet(ScopedQuerySet):
    scope_unit_lookup = "unit"
    # HR grants roles over units of its subtree; which roles it may grant is a rule of
    # ``org.rules.grantable_roles`` (never the administrator role, never to itself).
    scope_rules: ClassVar[dict[str, frozenset[str]]] = {
        VIEW: frozenset({HR, EXECUTIVE, ADMIN}),
        CHANGE: frozenset({HR, ADMIN}),
    }


class RoleAssignment(models.Model):
    """A role a user holds over a unit's subtree: manager, HR, executive or admin.

    Being an employee needs no assignment: every active employee sees their own records.
    """

    class Role(models.TextChoices):
        MANAGER = MANAGER, _("Manager")
        HR = HR, _("HR")
        EXECUTIVE = EXECUTIVE, _("Executive")
        ADMIN = ADMIN, _("Administrator")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("scope"),
        on_delete=models.CASCADE,
        related_name="role_assignments",
        help_text=_("The role applies to this unit and everything under it."),
    )

    objects = RoleAssignmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "unit"], name="unique_role_assignment")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} @ {self.unit}"


class UnitHeadcountQuerySet(ScopedQuerySet):
    scope_unit_lookup = "unit"
    # What the headcount of a scope counts: the units of the granted subtrees (the reader's
    # own record, the ``SELF`` arm of employees, is added by ``org.headcount.in_scope``).
    scope_rules: ClassVar[dict[str, frozenset[str]]] = {
        VIEW: frozenset({MANAGER, HR, EXECUTIVE, ADMIN}),
        CHANGE: frozenset(),
    }


class UnitHeadcount(models.Model):
    """The active employees working directly in a unit, kept with the employees
    (:mod:`org.headcount`): a scope's headcount is a sum over its units, not a count of
    100,000 people per request. A unit without a row has nobody."""

    unit = models.OneToOneField(
        OrgUnit, primary_key=True, on_delete=models.CASCADE, related_name="headcount"
    )
    active = models.PositiveIntegerField(default=0)

    objects = UnitHeadcountQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.active}"
