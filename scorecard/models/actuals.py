"""Monthly actuals of quantitative items, and the months closed for them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from scorecard.models.items import MONTHS, ItemChildQuerySet
from scorecard.models.scorecards import ScorecardItem


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

    # No index of its own: the unique (item, month) index leads with the item and serves
    # every read by item (EXPLAIN: prefetches, joins, cascade deletes); a second index on
    # nine million rows only cost the generator's load ~3 s and every write its upkeep.
    item = models.ForeignKey(
        ScorecardItem, on_delete=models.CASCADE, related_name="actuals", db_index=False
    )
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
        # The approval queue and its count on home: the few submitted rows among millions.
        indexes = [
            models.Index(
                fields=["item", "month"],
                condition=models.Q(status=ActualStatus.SUBMITTED),
                name="actual_submitted_idx",
            )
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
