"""Improvement plans (PDCA): actions with an owner, a due date and a stage, for a person or
a unit, started from an interview or an appeal. At year end an open plan can seed next
year's scorecard with draft key tasks."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from org.models import Employee, OrgUnit
from org.scoping import ADMIN, CHANGE, HR, MANAGER, SELF, VIEW, Scope, ScopedQuerySet
from reviews.models.appeals import Appeal
from reviews.models.interviews import Interview
from scorecard.models import Scorecard


class PlanStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class ActionStage(models.TextChoices):
    PLAN = "plan", _("Plan")
    DO = "do", _("Do")
    CHECK = "check", _("Check")
    ACT = "act", _("Act")
    DONE = "done", _("Done")


class ImprovementPlanQuerySet(ScopedQuerySet):
    """The person the plan is for, the managers of its unit and HR; managers and HR run it."""

    scope_unit_lookup = "unit"
    scope_self_lookup = "employee_id"
    scope_rules: ClassVar[dict[str, frozenset[str]]] = {
        VIEW: frozenset({MANAGER, HR, ADMIN, SELF}),
        CHANGE: frozenset({MANAGER, HR, ADMIN}),
    }

    def self_q(self, scope: Scope) -> Q:
        if scope.employee_id is None:
            return Q(pk__in=[])
        # the person it is for, and whoever owns one of its actions
        owned = PlanAction.objects.filter(owner_id=scope.employee_id).values("plan_id")
        return Q(employee_id=scope.employee_id) | Q(pk__in=owned)

    def scope_q(self, scope: Scope, action: str = VIEW) -> Q | None:
        q = super().scope_q(scope, action)
        if q is None or action == VIEW or scope.employee_id is None:
            return q
        return q & ~Q(employee_id=scope.employee_id)  # nobody runs their own plan


class ImprovementPlan(models.Model):
    """A plan to improve, for one person (or a whole unit when ``employee`` is empty)."""

    employee = models.ForeignKey(
        Employee, verbose_name=_("for"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="+",
    )  # fmt: skip
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    interview = models.ForeignKey(
        Interview, verbose_name=_("from interview"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="plans",
    )  # fmt: skip
    appeal = models.ForeignKey(
        Appeal, verbose_name=_("from appeal"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="plans",
    )  # fmt: skip
    status = models.CharField(
        _("status"), max_length=8, choices=PlanStatus.choices, default=PlanStatus.OPEN
    )
    seeded_scorecard = models.ForeignKey(
        Scorecard, verbose_name=_("seeded into"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("created at"))
    version = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    objects = ImprovementPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("improvement plan")
        verbose_name_plural = _("improvement plans")
        ordering = ("-year", "-created_at", "-pk")

    def __str__(self) -> str:
        return self.title


class PlanAction(models.Model):
    """One action of a plan: who does what by when, and where it stands in the PDCA loop."""

    plan = models.ForeignKey(
        ImprovementPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="actions"
    )
    description = models.CharField(_("action"), max_length=200)
    owner = models.ForeignKey(
        Employee, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(_("due"))
    stage = models.CharField(
        _("stage"), max_length=6, choices=ActionStage.choices, default=ActionStage.PLAN
    )
    version = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("improvement action")
        verbose_name_plural = _("improvement actions")
        ordering = ("due_on", "pk")

    def __str__(self) -> str:
        return self.description
