"""Bonus schemes (versioned grade coefficients) and payouts (one per employee result).

A scheme edit makes a new version; a cycle's payouts record the version they used, and a
re-computation of that cycle keeps it. Payouts are audited (simple-history) and refuse to
change once the cycle is published.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from assessment.models import AssessmentCycle, AssessmentResult, CycleStatus
from incentives import rules
from org.models import Employee, OrgUnit
from org.scoping import ADMIN, CHANGE, EXECUTIVE, HR, MANAGER, SELF, VIEW, ScopedQuerySet
from spm.errors import Conflict


def _coefficient(label: Any, default: str) -> models.DecimalField:
    return models.DecimalField(label, max_digits=6, decimal_places=3, default=Decimal(default))


class BonusScheme(models.Model):
    """One version of the grade coefficients (§3.5 defaults)."""

    name = models.CharField(_("name"), max_length=120)
    version = models.PositiveIntegerField(_("version"), default=1)
    excellent = _coefficient(_("excellent"), "1.4")
    good = _coefficient(_("good"), "1.2")
    qualified = _coefficient(_("qualified"), "1.0")
    basic = _coefficient(_("basic"), "0.8")
    unqualified = _coefficient(_("unqualified"), "0")
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
    grade = models.CharField(_("grade"), max_length=12)
    base = models.DecimalField(_("base bonus"), max_digits=14, decimal_places=2)
    coefficient = models.DecimalField(_("coefficient"), max_digits=6, decimal_places=3)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    explanation = models.JSONField(_("explanation"), default=dict)
    history = HistoricalRecords()

    objects = PayoutQuerySet.as_manager()

    class Meta:
        ordering = ("unit__path", "employee__name")

    def __str__(self) -> str:
        return f"{self.employee} {self.amount}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if AssessmentCycle.objects.filter(pk=self.cycle_id, status=CycleStatus.PUBLISHED).exists():
            raise PayoutLocked(_("This cycle is published; its payouts no longer change."))
        super().save(*args, **kwargs)
