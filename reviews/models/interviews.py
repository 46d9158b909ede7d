"""Performance interviews: scheduled by the manager, recorded (strengths, gaps, agreed
actions), then acknowledged by both the employee and the manager."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from assessment.models import AssessmentResult
from org.models import Employee, OrgUnit
from org.scoping import ADMIN, CHANGE, HR, MANAGER, SELF, VIEW, ScopedQuerySet


class InterviewStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    RECORDED = "recorded", _("Recorded")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged by both")


class InterviewQuerySet(ScopedQuerySet):
    """The employee, the managers of their unit and HR read it; managers hold it."""

    scope_unit_lookup = "unit"
    scope_self_lookup = "employee_id"
    scope_rules: ClassVar[dict[str, frozenset[str]]] = {
        VIEW: frozenset({MANAGER, HR, ADMIN, SELF}),
        CHANGE: frozenset({MANAGER, ADMIN, SELF}),
    }


class Interview(models.Model):
    """One performance interview between a manager and an employee."""

    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    manager = models.ForeignKey(
        Employee, verbose_name=_("held by"), on_delete=models.PROTECT, related_name="+"
    )
    result = models.ForeignKey(
        AssessmentResult, verbose_name=_("result"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    scheduled_for = models.DateTimeField(_("scheduled for"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    strengths = models.TextField(_("strengths"), blank=True)
    gaps = models.TextField(_("gaps"), blank=True)
    agreed_actions = models.TextField(_("agreed actions"), blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    employee_acknowledged_at = models.DateTimeField(
        _("acknowledged by the employee"), null=True, blank=True
    )
    manager_acknowledged_at = models.DateTimeField(
        _("acknowledged by the manager"), null=True, blank=True
    )
    version = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    objects = InterviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("performance interview")
        verbose_name_plural = _("performance interviews")
        ordering = ("-scheduled_for", "-pk")

    def __str__(self) -> str:
        return str(_("Performance interview"))

    @property
    def status(self) -> str:
        if self.recorded_at is None:
            return InterviewStatus.SCHEDULED
        if self.employee_acknowledged_at and self.manager_acknowledged_at:
            return InterviewStatus.ACKNOWLEDGED
        return InterviewStatus.RECORDED

    def get_status_display(self) -> str:
        return str(InterviewStatus(self.status).label)
