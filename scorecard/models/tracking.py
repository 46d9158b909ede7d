"""Tracking: responsibility letters, monthly actuals and closed periods."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from org.models import Employee
from scorecard.models.items import MONTHS, ItemChildQuerySet
from scorecard.models.scorecards import Scorecard, ScorecardChildQuerySet, ScorecardItem


class LetterStatus(models.TextChoices):
    AWAITING_HEAD = "awaiting_head", _("Awaiting the unit head's signature")
    AWAITING_ISSUER = "awaiting_issuer", _("Awaiting the issuer's countersignature")
    SIGNED = "signed", _("Signed")
    SUPERSEDED = "superseded", _("Superseded by an amendment")


class ResponsibilityLetterQuerySet(ScorecardChildQuerySet):
    pass


class ResponsibilityLetter(models.Model):
    """A Performance Assessment Goal Responsibility Letter: a versioned, rendered snapshot
    of a scorecard, signed by the unit head (or the employee) and countersigned by the
    issuer. Every version stays readable; amendments add versions."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.PROTECT, related_name="letters")
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=16, choices=LetterStatus.choices, default=LetterStatus.AWAITING_HEAD
    )
    snapshot = models.JSONField(_("snapshot"), default=dict)
    reason = models.TextField(_("reason for the amendment"), blank=True)
    issuer = models.ForeignKey(
        Employee, verbose_name=_("issuer"), on_delete=models.PROTECT, related_name="letters_issued"
    )
    signer = models.ForeignKey(
        Employee, verbose_name=_("signer"), on_delete=models.PROTECT, related_name="letters_to_sign"
    )
    signed_by_head_at = models.DateTimeField(_("signed by the head at"), null=True, blank=True)
    countersigned_at = models.DateTimeField(_("countersigned at"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ResponsibilityLetterQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["scorecard", "-version"]
        verbose_name = _("responsibility letter")
        verbose_name_plural = _("responsibility letters")
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "version"], name="one_letter_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.scorecard} v{self.version}"


class ActualStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class MonthlyActual(models.Model):
    """The actual value of a quantitative item for one month of the scorecard's year, as
    entered by its owner (form or import), optionally approved by the unit head.

    Every change is kept in the history (who, when, before, after); ``version`` lets a
    stale edit be refused.
    """

    item = models.ForeignKey(ScorecardItem, on_delete=models.CASCADE, related_name="actuals")
    month = models.PositiveSmallIntegerField(_("month"), validators=MONTHS)
    value = models.DecimalField(_("actual value"), max_digits=18, decimal_places=4)
    note = models.TextField(_("note"), blank=True)
    evidence = models.FileField(_("evidence"), upload_to="evidence/%Y/%m/", blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ActualStatus.choices, default=ActualStatus.SUBMITTED
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ItemChildQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["item", "month"]
        verbose_name = _("monthly actual")
        verbose_name_plural = _("monthly actuals")
        constraints = [
            models.UniqueConstraint(fields=["item", "month"], name="one_actual_per_item_month")
        ]

    def __str__(self) -> str:
        return f"{self.item} M{self.month}: {self.value}"


class ClosedPeriod(models.Model):
    """A month closed for actuals (after the monthly review): no entry or import may
    change it any more."""

    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"), validators=MONTHS)
    closed_at = models.DateTimeField(auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-year", "-month"]
        verbose_name = _("closed period")
        verbose_name_plural = _("closed periods")
        constraints = [
            models.UniqueConstraint(fields=["year", "month"], name="one_close_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}"
