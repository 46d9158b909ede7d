"""The critical-incident log: dated positive and negative incidents a manager records
about a team member during the year, private to managers and HR."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from org.models import Employee, OrgUnit
from org.scoping import ADMIN, CHANGE, HR, MANAGER, VIEW, Scope, ScopedQuerySet


class IncidentKind(models.TextChoices):
    POSITIVE = "positive", _("Positive")
    NEGATIVE = "negative", _("Negative")


class CriticalIncidentQuerySet(ScopedQuerySet):
    """Managers of the person's unit (and above) and HR; never the person themself, even
    a manager whose own unit holds their record."""

    scope_unit_lookup = "unit"
    scope_rules: ClassVar[dict[str, frozenset[str]]] = {
        VIEW: frozenset({MANAGER, HR, ADMIN}),
        CHANGE: frozenset({MANAGER, ADMIN}),
    }

    def scope_q(self, scope: Scope, action: str = VIEW) -> Q | None:
        q = super().scope_q(scope, action)
        if q is None or scope.employee_id is None:
            return q
        return q & ~Q(employee_id=scope.employee_id)


class CriticalIncident(models.Model):
    """One incident: what happened on a day, good or bad, as the manager saw it."""

    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    occurred_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=IncidentKind.choices)
    description = models.TextField(_("what happened"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    recorded_at = models.DateTimeField(_("recorded at"))
    version = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    objects = CriticalIncidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("critical incident")
        verbose_name_plural = _("critical incidents")
        ordering = ("-occurred_on", "-pk")
        indexes = [models.Index(fields=["employee", "occurred_on"])]

    def __str__(self) -> str:
        return f"{self.occurred_on} · {self.get_kind_display()}"
