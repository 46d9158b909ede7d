"""The strategy map: objectives on the perspectives and the cause-effect links between them."""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from org.models import OrgUnit
from strategy import rules
from strategy.models.plans import (
    Perspective,
    StrategicPlan,
    StrategyScopedQuerySet,
    Theme,
    unit_within_plan,
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

    # What an editor sets: the form, the update service and a new version's copy use it.
    EDITABLE_FIELDS: ClassVar[tuple[str, ...]] = (
        "perspective",
        "code",
        "name",
        "owner_unit",
        "theme",
        "description",
        "parent",
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
                # A required relation left empty is the form's "This field is required";
                # reading the missing row here raised RelatedObjectDoesNotExist (a 500).
                if getattr(self, f"{field}_id") is None:
                    continue
                related = getattr(self, field)
                if related.plan_id != self.plan_id:
                    errors[field] = _("Choose one of this plan's entries.")
            if self.owner_unit_id is not None:
                try:
                    unit_within_plan(self.plan_id, self.owner_unit, "owner_unit")
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

    # What an editor sets: the form, the update service and a new version's copy use it.
    EDITABLE_FIELDS: ClassVar[tuple[str, ...]] = ("cause", "effect", "note")

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
