"""Bonus schemes (versioned grade coefficients, caps, unit pools, unit-grade factor) and
payouts (one per employee result).

A scheme edit makes a new version (``services.scheme_revise``; the what-if applies its
terms that way); a cycle's payouts record the version they used, and a re-computation of
that cycle keeps it. Payouts are audited (simple-history) and refuse to change once the
cycle is published.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from assessment.models import AssessmentCycle, AssessmentResult, CycleStatus
from incentives import rules
from org.models import Employee, OrgUnit
from org.scoping import ADMIN, CHANGE, EXECUTIVE, HR, MANAGER, SELF, VIEW, ScopedQuerySet
from spm.errors import Conflict


def _coefficient(label: Any, default: str) -> models.DecimalField:
    return models.DecimalField(
        label,
        max_digits=6,
        decimal_places=3,
        default=Decimal(default),
        validators=[MinValueValidator(Decimal(0))],
    )


# The unit-grade factor of a pool per unit grade. DESIGN leaves the numbers open; these
# defaults keep a qualified unit's pool as it is and halve an unqualified (or vetoed) one.
UNIT_FACTOR_DEFAULTS = {
    "excellent": "1.2",
    "good": "1.1",
    "qualified": "1.0",
    "basic": "0.9",
    "unqualified": "0.5",
}
UNIT_FACTOR_FIELDS = {grade: f"unit_{grade}" for grade in rules.GRADES}


class BonusScheme(models.Model):
    """One version of the grade coefficients (§3.5 defaults)."""

    name = models.CharField(_("name"), max_length=120)
    version = models.PositiveIntegerField(_("version"), default=1)
    excellent = _coefficient(_("excellent"), "1.4")
    good = _coefficient(_("good"), "1.2")
    qualified = _coefficient(_("qualified"), "1.0")
    basic = _coefficient(_("basic"), "0.8")
    unqualified = _coefficient(_("unqualified"), "0")
    cap_ratio = models.DecimalField(
        _("cap (times the base bonus)"),
        max_digits=6,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    cap_amount = models.DecimalField(
        _("cap (amount)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    unit_factor = models.BooleanField(_("apply the unit-grade factor to pools"), default=False)
    unit_excellent = _coefficient(_("unit factor: excellent"), UNIT_FACTOR_DEFAULTS["excellent"])
    unit_good = _coefficient(_("unit factor: good"), UNIT_FACTOR_DEFAULTS["good"])
    unit_qualified = _coefficient(_("unit factor: qualified"), UNIT_FACTOR_DEFAULTS["qualified"])
    unit_basic = _coefficient(_("unit factor: basic"), UNIT_FACTOR_DEFAULTS["basic"])
    unit_unqualified = _coefficient(
        _("unit factor: unqualified"), UNIT_FACTOR_DEFAULTS["unqualified"]
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ("name", "-version")
        constraints = [
            models.UniqueConstraint(fields=("name", "version"), name="bonus_scheme_version")
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    def coefficients(self) -> dict[str, Decimal]:
        return {grade: getattr(self, grade) for grade in rules.GRADES}

    def unit_factors(self) -> dict[str, Decimal]:
        return {grade: getattr(self, name) for grade, name in UNIT_FACTOR_FIELDS.items()}


class UnitPool(models.Model):
    """A unit's bonus pool in one scheme version: shared by the employees of its subtree
    (those not in a deeper pool) in proportion to base x coefficient."""

    scheme = models.ForeignKey(BonusScheme, on_delete=models.CASCADE, related_name="pools")
    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT)
    amount = models.DecimalField(
        _("pool"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ("scheme", "unit__path")
        constraints = [models.UniqueConstraint(fields=("scheme", "unit"), name="unit_pool_once")]

    def __str__(self) -> str:
        return f"{self.unit} {self.amount}"


class PayoutLocked(Conflict):
    default_code = "payout_locked"


class PayoutQuerySet(ScopedQuerySet):
    """A payout follows its unit; an employee sees only their own (a peer never sees it)."""

    scope_unit_lookup = "unit"
    scope_self_lookup = "employee_id"
    scope_rules: ClassVar[dict[str, frozenset[str]]] = {
        VIEW: frozenset({MANAGER, HR, EXECUTIVE, ADMIN, SELF}),
        CHANGE: frozenset({HR, ADMIN}),
    }


class Payout(models.Model):
    """An employee's bonus in one cycle: base * coefficient (capped), with its explanation."""

    cycle = models.ForeignKey(AssessmentCycle, on_delete=models.CASCADE, related_name="payouts")
    result = models.OneToOneField(AssessmentResult, on_delete=models.CASCADE, related_name="payout")
    employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="payouts")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    scheme = models.ForeignKey(BonusScheme, on_delete=models.PROTECT, related_name="payouts")
    # The unit whose pool paid this bonus (None: base x coefficient, paid alone).
    pool_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    grade = models.CharField(_("grade"), max_length=12)
    base = models.DecimalField(_("base bonus"), max_digits=14, decimal_places=2)
    coefficient = models.DecimalField(_("coefficient"), max_digits=6, decimal_places=3)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    explanation = models.JSONField(_("explanation"), default=dict)
    history = HistoricalRecords()

    objects = PayoutQuerySet.as_manager()

    class Meta:
        ordering = ("unit__path", "employee__name")
        # the API's keyset pages (cycle, unit, id) seek in it
        indexes = [models.Index(fields=["cycle", "unit", "id"], name="payout_cycle_unit_id")]

    def __str__(self) -> str:
        return f"{self.employee} {self.amount}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if AssessmentCycle.objects.filter(pk=self.cycle_id, status=CycleStatus.PUBLISHED).exists():
            raise PayoutLocked(_("This cycle is published; its payouts no longer change."))
        super().save(*args, **kwargs)


class PayoutTotalQuerySet(ScopedQuerySet):
    """Totals follow their unit; only those who see the unit's payouts read them."""

    scope_unit_lookup = "unit"
    scope_rules: ClassVar[dict[str, frozenset[str]]] = {
        VIEW: frozenset({MANAGER, HR, EXECUTIVE, ADMIN}),
        CHANGE: frozenset({ADMIN}),
    }


class PayoutTotal(models.Model):
    """The payouts of one cycle summed by unit, grade and paying pool: what the payout
    report adds up, kept so that no request sums every payout of the group.

    Only ``compute._write`` writes payouts, and it refreshes the totals of the units it
    touched in the same transaction (``totals.refresh``), so they always equal a fresh
    sum. A payout's own fields are read from ``Payout``."""

    cycle = models.ForeignKey(AssessmentCycle, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    grade = models.CharField(max_length=12)
    pool_unit = models.ForeignKey(
        OrgUnit, on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    people = models.PositiveIntegerField()
    paid = models.DecimalField(max_digits=18, decimal_places=2)
    base = models.DecimalField(max_digits=18, decimal_places=2)

    objects = PayoutTotalQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["cycle", "unit"], name="payout_total_cycle_unit")]

    def __str__(self) -> str:
        return f"{self.cycle_id}/{self.unit_id}/{self.grade}: {self.paid}"
