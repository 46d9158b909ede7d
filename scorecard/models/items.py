"""Monthly plans and milestones: the rows that hang on a scorecard item."""

from __future__ import annotations

from typing import ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from org.models import OrgUnit
from org.scoping import ADMIN, CHANGE, EXECUTIVE, HR, MANAGER, SELF, VIEW, Scope
from scorecard.models.scorecards import (
    ItemKind,
    LockedByScorecard,
    ScorecardChildQuerySet,
    ScorecardItem,
    prefixed,
)

MONTHS = [MinValueValidator(1), MaxValueValidator(12)]


class ItemChildQuerySet(ScorecardChildQuerySet):
    scope_unit_lookup = "item__scorecard__unit"

    def self_q(self, scope: Scope) -> Q:
        return prefixed(ScorecardChildQuerySet.self_q(self, scope), "item__")


class ItemMonthlyPlan(LockedByScorecard):
    """The plan value of a quantitative item for one month (cumulative or monthly per the
    item's aggregation); when present it replaces the pro-rata annual target."""

    item = models.ForeignKey(ScorecardItem, on_delete=models.CASCADE, related_name="monthly_plans")
    month = models.PositiveSmallIntegerField(_("month"), validators=MONTHS)
    value = models.DecimalField(_("plan value"), max_digits=18, decimal_places=4)

    objects = ItemChildQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["item", "month"]
        verbose_name = _("monthly plan value")
        verbose_name_plural = _("monthly plan values")
        constraints = [
            models.UniqueConstraint(fields=["item", "month"], name="one_plan_per_item_month")
        ]

    def __str__(self) -> str:
        return f"{self.item} M{self.month}: {self.value}"


COMPLETE = "complete"


class MilestoneQuerySet(ItemChildQuerySet):
    """Milestones follow their item's scorecard, and a hand-over is also seen by the
    responsible and the counterpart unit ("both are accountable"). Recording completion
    (``COMPLETE``) is open to whoever may change the item and to the responsible unit."""

    scope_rules: ClassVar[dict[str, frozenset[str]]] = {
        VIEW: frozenset({MANAGER, HR, EXECUTIVE, ADMIN, SELF}),
        CHANGE: frozenset({MANAGER, HR, EXECUTIVE, ADMIN}),
        COMPLETE: frozenset({MANAGER, HR, EXECUTIVE, ADMIN}),
    }

    def scope_q(self, scope: Scope, action: str = VIEW) -> Q | None:
        base = super().scope_q(scope, CHANGE if action == COMPLETE else action)
        if base is None or action not in (VIEW, COMPLETE):
            return base
        lookups = (
            ("responsible_unit", "counterpart_unit") if action == VIEW else ("responsible_unit",)
        )
        for path in scope.paths(self.scope_rules[action] - {SELF}):
            # The subtree's unit ids when the scope read them (see ``subtree_q``): the
            # milestone's own columns, no join to the unit table.
            ids = scope.subtree_ids_of(path)
            for lookup in lookups:
                if ids is None:
                    base |= Q(**{f"{lookup}__path__startswith": path})
                else:
                    base |= Q(**{f"{lookup}_id__in": ids})
        if action == VIEW and scope.employee_unit_id is not None:
            base |= Q(responsible_unit_id=scope.employee_unit_id)
            base |= Q(counterpart_unit_id=scope.employee_unit_id)
        return base


class Milestone(LockedByScorecard):
    """A dated step of a milestone item, with its completion standard.

    At a hand-over between units, ``responsible_unit`` delivers and ``counterpart_unit``
    receives (e.g. "main equipment bidding" → "main construction start"); both see it.
    """

    item = models.ForeignKey(ScorecardItem, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(_("name"), max_length=200)
    due_date = models.DateField(_("due date"))
    completion_standard = models.TextField(_("completion standard"), blank=True)
    weight = models.DecimalField(
        _("weight inside the item"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty means equal weights."),
    )
    responsible_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("responsible unit"),
        on_delete=models.PROTECT,
        related_name="milestones_responsible",
    )
    counterpart_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("counterpart unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="milestones_counterpart",
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    tracking_fields = frozenset({"completed_on"})
    # What an editor sets, and what a cascade or bulk assignment copies to the children.
    EDITABLE_FIELDS: ClassVar[tuple[str, ...]] = (
        "name",
        "due_date",
        "completion_standard",
        "weight",
        "responsible_unit",
        "counterpart_unit",
        "order",
    )

    objects = MilestoneQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["item", "due_date", "order"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.name

    def copy_for(self, item: ScorecardItem) -> Milestone:
        """An unsaved copy of this milestone on ``item`` (the cascade and bulk assignment)."""
        attnames = (self._meta.get_field(name).attname for name in self.EDITABLE_FIELDS)  # type: ignore[union-attr]
        return Milestone(item=item, **{attname: getattr(self, attname) for attname in attnames})

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.item_id is not None and self.item.kind != ItemKind.MILESTONE:
            errors["item"] = str(_("Only milestone items have milestones."))
        if (
            self.counterpart_unit_id is not None
            and self.counterpart_unit_id == self.responsible_unit_id
        ):
            errors["counterpart_unit"] = str(
                _("The counterpart is the unit that takes over: choose another unit.")
            )
        if self.item_id is not None and self.due_date is not None:
            year = self.item.scorecard.year
            if self.due_date.year != year:
                errors["due_date"] = str(
                    _("The due date must fall in the scorecard's year (%(year)s).") % {"year": year}
                )
        if errors:
            raise ValidationError(errors)
