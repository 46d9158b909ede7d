"""Responsibility letters: versioned, signed snapshots of a scorecard."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from org.models import Employee
from scorecard.models.scorecards import Scorecard, ScorecardChildQuerySet


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
