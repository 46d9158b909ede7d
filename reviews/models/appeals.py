"""An appeal against a published result (issue 12): submitted → under review → upheld or
changed. A change corrects the qualitative part and re-scores the result through the
engine; the result as it was stays readable here and in the result's history."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from assessment.models import AssessmentResult
from org.scoping import ADMIN, CHANGE, HR, MANAGER, SELF, VIEW, ScopedQuerySet


class AppealStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    UPHELD = "upheld", _("Upheld")
    CHANGED = "changed", _("Changed")


OPEN_STATUSES = frozenset({AppealStatus.SUBMITTED, AppealStatus.UNDER_REVIEW})


class AppealQuerySet(ScopedQuerySet):
    """The appellant sees their own; HR decides in their subtree; the manager who reviewed
    sees their team's (a manager may not decide)."""

    scope_unit_lookup = "result__unit"
    scope_self_lookup = "result__employee_id"
    scope_rules: ClassVar[dict[str, frozenset[str]]] = {
        VIEW: frozenset({MANAGER, HR, ADMIN, SELF}),
        CHANGE: frozenset({HR, ADMIN}),
    }


class Appeal(models.Model):
    result = models.ForeignKey(
        AssessmentResult, verbose_name=_("result"), on_delete=models.CASCADE,
        related_name="appeals",
    )  # fmt: skip
    reason = models.TextField(_("reason"))
    evidence = models.FileField(_("evidence"), upload_to="appeals/%Y/", blank=True)
    status = models.CharField(
        _("status"), max_length=14, choices=AppealStatus.choices, default=AppealStatus.SUBMITTED
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    deadline = models.DateField(_("appeal deadline"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    decision_note = models.TextField(_("decision"), blank=True)
    corrected_qualitative = models.DecimalField(
        _("corrected qualitative part"), max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )  # fmt: skip
    previous_final_score = models.DecimalField(
        _("previous final score"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    previous_grade = models.CharField(_("previous grade"), max_length=12, blank=True)
    previous_explanation = models.JSONField(_("previous explanation"), null=True, blank=True)
    version = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    objects = AppealQuerySet.as_manager()

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ("-submitted_at", "-pk")

    def __str__(self) -> str:
        return str(_("Appeal"))
