"""The strategy: plans, strategies at three levels, themes, perspectives, objectives, links."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from org.models import OrgUnit
from org.scoping import ADMIN, CHANGE, EXECUTIVE, HR, MANAGER, SELF, VIEW, Scope, ScopedQuerySet


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    SUPERSEDED = "superseded", _("Superseded")


class StrategyScopedQuerySet(ScopedQuerySet):
    """Strategy rows hang on an owner unit; every employee may read the approved plan."""

    scope_rules: ClassVar[dict[str, frozenset[str]]] = {
        VIEW: frozenset({MANAGER, HR, EXECUTIVE, ADMIN, SELF}),
        CHANGE: frozenset({EXECUTIVE, ADMIN}),
    }
    plan_lookup: ClassVar[str] = "plan"

    def self_q(self, scope: Scope) -> Q:
        if scope.employee_id is None:
            return Q(pk__in=[])
        prefix = f"{self.plan_lookup}__" if self.plan_lookup else ""
        return Q(**{f"{prefix}status": PlanStatus.APPROVED})


class StrategicPlanQuerySet(StrategyScopedQuerySet):
    scope_unit_lookup = "owner_unit"
    plan_lookup = ""


class StrategicPlan(models.Model):
    """A multi-year strategic plan (e.g. 2026–2030) with mission, vision and core values.

    Approving a new version supersedes the previous one, which stays readable.
    """

    owner_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("owner unit"), on_delete=models.PROTECT, related_name="plans"
    )
    name = models.CharField(_("name"), max_length=200)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    mission = models.TextField(_("mission"), blank=True)
    vision = models.TextField(_("vision"), blank=True)
    core_values = models.TextField(_("core values"), blank=True, help_text=_("One per line."))
    status = models.CharField(
        _("status"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    previous = models.ForeignKey(
        "self",
        verbose_name=_("previous version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_versions",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = StrategicPlanQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_year", "-version"]
        verbose_name = _("strategic plan")
        verbose_name_plural = _("strategic plans")

    def __str__(self) -> str:
        return f"{self.name} ({self.start_year}–{self.end_year}) v{self.version}"


class PlanChildQuerySet(StrategyScopedQuerySet):
    scope_unit_lookup = "plan__owner_unit"


class Perspective(models.Model):
    """A Balanced Scorecard perspective of a plan: a band of the strategy map.

    Financial, customer, internal process and learning & growth by default; a plan may
    add others (e.g. "risk & compliance") and reorder them. ``order`` 1 is the top band.
    """

    plan = models.ForeignKey(StrategicPlan, on_delete=models.CASCADE, related_name="perspectives")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=1)

    objects = PlanChildQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "order"]
        verbose_name = _("perspective")
        verbose_name_plural = _("perspectives")
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="unique_perspective_code")
        ]

    def __str__(self) -> str:
        return self.name


class Theme(models.Model):
    """A strategic theme grouping objectives across perspectives."""

    plan = models.ForeignKey(StrategicPlan, on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=1)

    objects = PlanChildQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "order", "name"]
        verbose_name = _("strategic theme")
        verbose_name_plural = _("strategic themes")

    def __str__(self) -> str:
        return self.name


class StrategyLevel(models.TextChoices):
    DEVELOPMENT = "development", _("Development (group)")
    COMPETITIVE = "competitive", _("Competitive (business unit)")
    FUNCTIONAL = "functional", _("Functional")


class UnitScopedQuerySet(StrategyScopedQuerySet):
    scope_unit_lookup = "unit"


class Strategy(models.Model):
    """A strategy of a unit at one of three levels ("one department, one strategy")."""

    plan = models.ForeignKey(StrategicPlan, on_delete=models.CASCADE, related_name="strategies")
    level = models.CharField(_("level"), max_length=12, choices=StrategyLevel.choices)
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="strategies"
    )
    function = models.CharField(
        _("function"), max_length=80, blank=True, help_text=_("For functional strategies, e.g. Finance, HR, R&D.")
    )
    name = models.CharField(_("name"), max_length=200)
    mission = models.TextField(_("unit mission"), blank=True)
    description = models.TextField(_("description"), blank=True)

    objects = UnitScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "level", "name"]
        verbose_name = _("strategy")
        verbose_name_plural = _("strategies")

    def __str__(self) -> str:
        return self.name


class ObjectiveQuerySet(StrategyScopedQuerySet):
    scope_unit_lookup = "owner_unit"


class Objective(models.Model):
    """A strategic objective on one perspective of the map, owned by a unit.

    ``parent`` is set when the objective was cascaded from a higher unit's objective.
    """

    plan = models.ForeignKey(StrategicPlan, on_delete=models.CASCADE, related_name="objectives")
    perspective = models.ForeignKey(
        Perspective, verbose_name=_("perspective"), on_delete=models.PROTECT, related_name="objectives"
    )
    theme = models.ForeignKey(
        Theme,
        verbose_name=_("theme"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="objectives",
    )
    owner_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("owner unit"), on_delete=models.PROTECT, related_name="objectives"
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("cascaded from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
    )

    objects = ObjectiveQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "perspective__order", "code"]
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="unique_objective_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class LinkQuerySet(StrategyScopedQuerySet):
    scope_unit_lookup = "plan__owner_unit"


class CauseEffectLink(models.Model):
    """A cause–effect arrow of the map: achieving ``cause`` drives ``effect``."""

    plan = models.ForeignKey(StrategicPlan, on_delete=models.CASCADE, related_name="links")
    cause = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="effects_out")
    effect = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="causes_in")
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = LinkQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cause–effect link")
        verbose_name_plural = _("cause–effect links")
        constraints = [
            models.UniqueConstraint(fields=["cause", "effect"], name="unique_cause_effect_link"),
            models.CheckConstraint(condition=~Q(cause=models.F("effect")), name="link_not_to_itself"),
        ]

    def __str__(self) -> str:
        return f"{self.cause} → {self.effect}"
