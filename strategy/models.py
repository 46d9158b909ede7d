"""The strategy: plans, strategies at three levels, themes, perspectives, objectives, links.

Who sees what (one rule for every model here, see :class:`StrategyScopedQuerySet`):

- executives and admins see and edit everything whose unit lies in their granted subtree;
- managers and HR read the rows of the units in their subtree, drafts included ("their
  units' part");
- every employee reads the published plan: the approved version and the superseded
  versions before it, which stay readable. A manager is an employee too, so they read the
  whole published plan plus their units' part of a draft.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from org.models import OrgUnit
from org.scoping import ADMIN, CHANGE, EXECUTIVE, HR, MANAGER, SELF, VIEW, Scope, ScopedQuerySet
from strategy import rules


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

    objects = PlanChildQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "order", "name"]
        verbose_name = _("strategic theme")
        verbose_name_plural = _("strategic themes")

    def __str__(self) -> str:
        return self.name


def _unit_within_plan(plan_id: int | None, unit: OrgUnit | None, field: str) -> None:
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
        _unit_within_plan(self.plan_id, self.unit, "unit")
        if self.level == StrategyLevel.DEVELOPMENT and self.plan.owner_unit_id != self.unit_id:
            raise ValidationError(
                {"unit": _("The development strategy belongs to the plan's own unit.")}
            )
        if self.level == StrategyLevel.FUNCTIONAL and not self.function.strip():
            raise ValidationError(
                {"function": _("Name the function of a functional strategy (e.g. Finance).")}
            )


class ObjectiveQuerySet(StrategyScopedQuerySet):
    scope_unit_lookup = "owner_unit"


class Objective(models.Model):
    """A strategic objective on one perspective of the map, owned by a unit.

    ``parent`` is set when the objective was cascaded from a higher unit's objective.
    ``carried_from`` is the same objective in the plan version this one was copied from,
    so that whatever hangs on an objective (KPIs, scorecard items) can follow it.
    """

    plan = models.ForeignKey(StrategicPlan, on_delete=models.CASCADE, related_name="objectives")
    # RESTRICT, not PROTECT: a perspective holding objectives cannot be deleted on its own,
    # but deleting a whole draft plan takes its perspectives and objectives together.
    perspective = models.ForeignKey(
        Perspective,
        verbose_name=_("perspective"),
        on_delete=models.RESTRICT,
        related_name="objectives",
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
    carried_from = models.ForeignKey(
        "self",
        verbose_name=_("previous version"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="carried_to",
    )

    objects = ObjectiveQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "perspective__order", "code"]
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "code"],
                name="unique_objective_code",
                violation_error_message=_("Another objective of this plan has this code."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.plan_id is not None:
            for field in ("perspective", "theme", "parent"):
                related = getattr(self, field)
                if related is not None and related.plan_id != self.plan_id:
                    errors[field] = _("Choose one of this plan's entries.")
            if self.owner_unit_id is not None:
                try:
                    _unit_within_plan(self.plan_id, self.owner_unit, "owner_unit")
                except ValidationError as exc:
                    errors.update(exc.message_dict)
        parent = self.parent
        if parent is not None and "parent" not in errors:
            if self.pk is not None and parent.pk == self.pk:
                errors["parent"] = _("An objective cannot be cascaded from itself.")
            elif self.owner_unit_id is not None and not self.owner_unit.path.startswith(
                parent.owner_unit.path
            ):
                errors["parent"] = _(
                    "An objective is cascaded from an objective of its own unit or a unit above."
                )
            elif self.pk is not None:
                parents = dict(
                    Objective.objects.filter(plan_id=self.plan_id).values_list("pk", "parent_id")
                )
                parents[self.pk] = parent.pk
                if rules.parent_chain_loops(parents, self.pk):
                    errors["parent"] = _("This would cascade the objective from itself.")
        if errors:
            raise ValidationError(errors)


class LinkQuerySet(StrategyScopedQuerySet):
    scope_unit_lookup = "plan__owner_unit"


class CauseEffectLink(models.Model):
    """A cause-effect arrow of the map: achieving ``cause`` drives ``effect``.

    Refused: a link to itself, the same link twice, a link to another plan's objective.
    Accepted with a warning (:func:`strategy.rules.link_warnings`): a cycle, or a link
    running from a higher perspective down.
    """

    plan = models.ForeignKey(StrategicPlan, on_delete=models.CASCADE, related_name="links")
    cause = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="effects_out")
    effect = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="causes_in")
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = LinkQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cause-effect link")
        verbose_name_plural = _("cause-effect links")
        constraints = [
            models.UniqueConstraint(
                fields=["cause", "effect"],
                name="unique_cause_effect_link",
                violation_error_message=_("These objectives are already linked."),
            ),
            models.CheckConstraint(
                condition=~Q(cause=models.F("effect")),
                name="link_not_to_itself",
                violation_error_message=_("An objective cannot drive itself."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cause} → {self.effect}"

    def clean(self) -> None:
        if self.cause_id is None or self.effect_id is None:
            return
        existing = CauseEffectLink.objects.filter(cause_id=self.cause_id, effect_id=self.effect_id)
        if self.pk is not None:
            existing = existing.exclude(pk=self.pk)
        problems = rules.link_problems(
            cause=self.cause_id,
            effect=self.effect_id,
            plan=self.plan_id,
            cause_plan=self.cause.plan_id,
            effect_plan=self.effect.plan_id,
            existing=[(self.cause_id, self.effect_id)] if existing.exists() else [],
        )
        messages = {
            rules.LinkProblem.SELF: ("effect", _("An objective cannot drive itself.")),
            rules.LinkProblem.CROSS_PLAN: (
                "effect",
                _("Both objectives must belong to the plan of the link."),
            ),
            rules.LinkProblem.DUPLICATE: ("effect", _("These objectives are already linked.")),
        }
        errors: dict[str, list[str]] = {}
        for problem in problems:
            field, message = messages[problem]
            errors.setdefault(field, []).append(str(message))
        if errors:
            raise ValidationError(errors)

    def validate_constraints(self, exclude: Any = None) -> None:
        # clean() already explains these in the user's words; the constraints stay as the
        # database's own guard, so do not report the same problem twice.
        exclude = set(exclude or ()) | {"cause", "effect"}
        super().validate_constraints(exclude=exclude)
