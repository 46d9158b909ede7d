"""Light-up: each item's colour month by month, and the thresholds that decide it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lightup import rules
from scorecard.models import MONTHS, ItemChildQuerySet, ScorecardItem


class Colour(models.TextChoices):
    GREEN = rules.GREEN, _("Green")
    YELLOW = rules.YELLOW, _("Yellow")
    RED = rules.RED, _("Red")
    GREY = rules.GREY, _("Grey")


class Rollup(models.TextChoices):
    WORST = "worst", _("Worst colour of its KPIs")
    WEIGHTED = "weighted", _("Weighted by the items' weights")


THRESHOLD_FIELDS = (
    "yellow_below",
    "red_below",
    "milestone_warning_days",
    "grace_days",
    "escalate_after_reds",
)


def _percent_field(label: Any, default: Decimal | None) -> models.DecimalField[Any, Any]:
    return models.DecimalField(
        label,
        max_digits=6,
        decimal_places=4,
        default=default,
        null=default is None,
        blank=default is None,
        validators=[MinValueValidator(Decimal("-10")), MaxValueValidator(Decimal("0"))],
        help_text=_("A share: -0.05 is -5 %."),
    )


class LightScheme(models.Model):
    """A set of light-up thresholds (DESIGN §3.7). One scheme is the default; an item may
    follow another scheme or override single thresholds (:class:`ItemLightOverride`)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    is_default = models.BooleanField(_("default scheme"), default=False)
    yellow_below = _percent_field(_("yellow below deviation"), rules.DEFAULT.yellow_below)
    red_below = _percent_field(_("red below deviation"), rules.DEFAULT.red_below)
    milestone_warning_days = models.PositiveSmallIntegerField(
        _("milestone warning days"), default=rules.DEFAULT.milestone_warning_days
    )
    grace_days = models.PositiveSmallIntegerField(
        _("days after month end before an actual is late"), default=rules.DEFAULT.grace_days
    )
    escalate_after_reds = models.PositiveSmallIntegerField(
        _("red months in a row before escalation"),
        default=rules.DEFAULT.escalate_after_reds,
        validators=[MinValueValidator(1)],
    )
    objective_rollup = models.CharField(
        _("objective colour"), max_length=10, choices=Rollup.choices, default=Rollup.WORST
    )

    class Meta:
        ordering = ["-is_default", "name"]
        verbose_name = _("light-up scheme")
        verbose_name_plural = _("light-up schemes")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_light_scheme"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        try:
            self.thresholds()
        except ValueError as exc:
            raise ValidationError({"red_below": str(exc)}) from exc

    def thresholds(self) -> rules.Thresholds:
        return rules.Thresholds(**{name: getattr(self, name) for name in THRESHOLD_FIELDS})


class ItemLightOverride(models.Model):
    """Thresholds of one scorecard item that differ from its scheme (empty: as the scheme)."""

    item = models.OneToOneField(
        ScorecardItem, on_delete=models.CASCADE, related_name="light_override"
    )
    scheme = models.ForeignKey(
        LightScheme,
        verbose_name=_("scheme"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="item_overrides",
    )
    yellow_below = _percent_field(_("yellow below deviation"), None)
    red_below = _percent_field(_("red below deviation"), None)
    milestone_warning_days = models.PositiveSmallIntegerField(
        _("milestone warning days"), null=True, blank=True
    )
    grace_days = models.PositiveSmallIntegerField(
        _("days after month end before an actual is late"), null=True, blank=True
    )
    escalate_after_reds = models.PositiveSmallIntegerField(
        _("red months in a row before escalation"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
    )

    objects = ItemChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("item light-up override")
        verbose_name_plural = _("item light-up overrides")

    def __str__(self) -> str:
        return f"{self.item_id}"


class LightStatus(models.Model):
    """An item's light for one month: colour, deviation against plan to date, forecast.

    Written by the monthly sweep (an upsert keyed by item, year and month), so the rows
    are each item's colour history; a re-run of a month overwrites it with the same
    values. ``red_streak`` counts red months in a row up to this one (escalation).
    """

    # No index of its own: the unique (item, year, month) index serves lookups by item, and
    # one index fewer to maintain is a quarter of the sweep's index writes.
    item = models.ForeignKey(
        ScorecardItem,
        on_delete=models.CASCADE,
        related_name="light_statuses",
        db_index=False,
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"), validators=MONTHS)
    colour = models.CharField(_("colour"), max_length=6, choices=Colour.choices)
    # Wide enough for any legal input: actuals and plans go up to 10^14 (four decimals), so a
    # year's sum or forecast reaches ~10^16, and a deviation against the smallest plan
    # (0.0001) ~10^18 (hypothesis found a sweep of such an item refused by a 12-digit column).
    deviation = models.DecimalField(
        _("deviation"), max_digits=30, decimal_places=6, null=True, blank=True
    )
    plan_to_date = models.DecimalField(
        _("plan to date"), max_digits=24, decimal_places=4, null=True, blank=True
    )
    actual_to_date = models.DecimalField(
        _("actual to date"), max_digits=24, decimal_places=4, null=True, blank=True
    )
    forecast = models.DecimalField(
        _("year-end forecast"), max_digits=24, decimal_places=4, null=True, blank=True
    )
    predicted_miss = models.BooleanField(_("predicted miss"), default=False)
    missing = models.BooleanField(_("actual missing"), default=False)
    red_streak = models.PositiveSmallIntegerField(_("red months in a row"), default=0)
    computed_at = models.DateTimeField(_("computed at"))

    objects = ItemChildQuerySet.as_manager()

    class Meta:
        ordering = ["item", "year", "month"]
        verbose_name = _("light status")
        verbose_name_plural = _("light statuses")
        constraints = [
            models.UniqueConstraint(
                fields=["item", "year", "month"], name="one_light_per_item_month"
            )
        ]
        indexes = [models.Index(fields=["year", "month", "colour"], name="light_month_colour")]

    def __str__(self) -> str:
        return f"{self.item_id} {self.year}-{self.month:02d}: {self.colour}"

    @property
    def deviation_percent(self) -> Decimal | None:
        if self.deviation is None:
            return None
        return (self.deviation * 100).quantize(Decimal("0.1"))


class LightTally(models.Model):
    """How many lights of one month each colour has among the items of one unit's
    scorecards (the unit's own and its people's): the home page's "items by colour" for
    a scope of the whole group reads a few thousand of these rather than counting a
    million lights.

    Kept by the writes of the lights, never on request: each sweep chunk counts the lights
    it writes into its units' tallies in its own transaction (on PostgreSQL in the chunk's
    statement, :mod:`lightup.sweep_sql`; elsewhere :func:`lightup.tally.tally_refresh`),
    under its units' lock (:func:`lightup.tally.lock_units`), and deleting an item
    refreshes its unit's. Keyed by unit id, so moving a unit in the tree
    needs nothing (the subtree filter reads the unit's current path).
    """

    unit = models.ForeignKey(
        "org.OrgUnit", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"), validators=MONTHS)
    colour = models.CharField(_("colour"), max_length=6, choices=Colour.choices)
    lights = models.PositiveIntegerField(_("lights"))

    class Meta:
        verbose_name = _("light tally")
        verbose_name_plural = _("light tallies")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "month", "colour"], name="one_tally_per_unit_month_colour"
            )
        ]
        indexes = [models.Index(fields=["year", "month"], name="tally_month")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year}-{self.month:02d} {self.colour}: {self.lights}"


class ObjectiveTally(models.Model):
    """The lights of one month among one unit's scorecard items linked to one objective,
    by colour, with the sum of those items' positive weights: what an objective's colour
    is rolled up from (worst colour, or weighted), so that the strategy map and the
    executives' home read a few hundred rows per objective instead of every linked item's
    light. Unit scorecards only (an objective's colour comes from them).

    Kept as :class:`LightTally` is (sweep chunks, deleted items) and also when an item of a
    unit scorecard is saved (its weight or objective may change).
    """

    unit = models.ForeignKey(
        "org.OrgUnit", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    objective = models.ForeignKey(
        "strategy.Objective", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"), validators=MONTHS)
    colour = models.CharField(_("colour"), max_length=6, choices=Colour.choices)
    lights = models.PositiveIntegerField(_("lights"))
    weight = models.DecimalField(_("weight"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("objective light tally")
        verbose_name_plural = _("objective light tallies")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "objective", "year", "month", "colour"],
                name="one_objective_tally_per_unit_month_colour",
            )
        ]
        indexes = [
            models.Index(fields=["year", "month", "objective"], name="objective_tally_month")
        ]

    def __str__(self) -> str:
        return f"{self.objective_id}@{self.unit_id} {self.year}-{self.month:02d} {self.colour}"
