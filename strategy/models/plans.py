"""Strategic plans and what frames them: versions, perspectives, themes, strategies, and
the one scoping rule every strategy row follows."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
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


PUBLISHED = (PlanStatus.APPROVED, PlanStatus.SUPERSEDED)


class StrategyScopedQuerySet(ScopedQuerySet):
    """Strategy rows hang on an owner unit; every employee may read the published plan."""

    scope_rules: ClassVar[dict[str, frozenset[str]]] = {
        VIEW: frozenset({MANAGER, HR, EXECUTIVE, ADMIN, SELF}),
        CHANGE: frozenset({EXECUTIVE, ADMIN}),
    }
    plan_lookup: ClassVar[str] = "plan"

    def self_q(self, scope: Scope) -> Q:
        if scope.employee_id is None:
            return Q(pk__in=[])
        prefix = f"{self.plan_lookup}__" if self.plan_lookup else ""
        return Q(**{f"{prefix}status__in": PUBLISHED})


class StrategicPlanQuerySet(StrategyScopedQuerySet):
    scope_unit_lookup = "owner_unit"
    plan_lookup = ""


class StrategicPlan(models.Model):
    """A multi-year strategic plan (e.g. 2026-2030) with mission, vision and core values.

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

    # What an editor sets: the form, the update service and a new version's copy use it.
    EDITABLE_FIELDS: ClassVar[tuple[str, ...]] = (
        "name",
        "start_year",
        "end_year",
        "mission",
        "vision",
        "core_values",
    )

    objects = StrategicPlanQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_year", "-version"]
        verbose_name = _("strategic plan")
        verbose_name_plural = _("strategic plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")),
                name="plan_ends_after_it_starts",
                violation_error_message=_("The last year cannot come before the first year."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.period}) v{self.version}"

    @property
    def period(self) -> str:
        return f"{self.start_year}\N{EN DASH}{self.end_year}"

    @property
    def is_draft(self) -> bool:
        return self.status == PlanStatus.DRAFT

    @property
    def values_list(self) -> list[str]:
        return [line.strip() for line in self.core_values.splitlines() if line.strip()]

    def clean(self) -> None:
        if self.start_year and self.end_year and self.end_year - self.start_year > 15:
            raise ValidationError({"end_year": _("A strategic plan covers at most 15 years.")})


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

    # What an editor sets (the order changes by moving the band, not by editing it).
    EDITABLE_FIELDS: ClassVar[tuple[str, ...]] = ("name", "code")

    objects = PlanChildQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "order", "id"]
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

    # What an editor sets: the form, the update service and a new version's copy use it.
    EDITABLE_FIELDS: ClassVar[tuple[str, ...]] = ("name", "description", "order")

    objects = PlanChildQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "order", "name"]
        verbose_name = _("strategic theme")
        verbose_name_plural = _("strategic themes")

    def __str__(self) -> str:
        return self.name


def unit_within_plan(plan_id: int | None, unit: OrgUnit | None, field: str) -> None:
    """Strategy rows belong to units of the plan's owner unit's subtree."""
    if plan_id is None or unit is None:
        return
    owner_path = (
        StrategicPlan.objects.filter(pk=plan_id).values_list("owner_unit__path", flat=True).first()
    )
    if owner_path is not None and not unit.path.startswith(owner_path):
        raise ValidationError({field: _("This unit is outside the plan's organisation.")})


class StrategyLevel(models.TextChoices):
    DEVELOPMENT = "development", _("Development (group)")
    COMPETITIVE = "competitive", _("Competitive (business unit)")
    FUNCTIONAL = "functional", _("Functional")


class UnitScopedQuerySet(StrategyScopedQuerySet):
    scope_unit_lookup = "unit"


class Strategy(models.Model):
    """A strategy of a unit at one of three levels ("one department, one strategy").

    The *development* strategy is the group's (the plan's owner unit); a *competitive*
    strategy is a business unit's; a *functional* strategy is a department's (finance, HR,
    R&D, …) and carries that department's mission. A unit has at most one strategy per
    level in a plan.
    """

    plan = models.ForeignKey(StrategicPlan, on_delete=models.CASCADE, related_name="strategies")
    level = models.CharField(_("level"), max_length=12, choices=StrategyLevel.choices)
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="strategies"
    )
    function = models.CharField(
        _("function"),
        max_length=80,
        blank=True,
        help_text=_("For functional strategies, e.g. Finance, HR, R&D."),
    )
    name = models.CharField(_("name"), max_length=200)
    mission = models.TextField(_("unit mission"), blank=True)
    description = models.TextField(_("description"), blank=True)

    # What an editor sets: the form, the update service and a new version's copy use it.
    EDITABLE_FIELDS: ClassVar[tuple[str, ...]] = (
        "level",
        "unit",
        "function",
        "name",
        "mission",
        "description",
    )

    objects = UnitScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "level", "name"]
        verbose_name = _("strategy")
        verbose_name_plural = _("strategies")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "unit", "level"],
                name="one_strategy_per_unit_and_level",
                violation_error_message=_("This unit already has a strategy at this level."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.unit_id is None or self.plan_id is None:
            return
        unit_within_plan(self.plan_id, self.unit, "unit")
        if self.level == StrategyLevel.DEVELOPMENT and self.plan.owner_unit_id != self.unit_id:
            raise ValidationError(
                {"unit": _("The development strategy belongs to the plan's own unit.")}
            )
        if self.level == StrategyLevel.FUNCTIONAL and not self.function.strip():
            raise ValidationError(
                {"function": _("Name the function of a functional strategy (e.g. Finance).")}
            )
