"""The inputs of a result that scorecards do not hold: key-task grades, confirmed
milestones, qualitative ratings, adjustments, vetoes and exemptions (DESIGN §3.2-3.5)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from assessment.models.results import AssessmentResult, FrozenWhenFinal, ResultChildQuerySet
from scorecard.models import Milestone, ScorecardItem


class KeyTaskGradeChoice(models.TextChoices):
    HIGH_QUALITY = "high_quality", _("High-quality completion")
    GOOD = "good", _("Good completion")
    COMPLETED = "completed", _("Completion")
    UNCOMPLETED = "uncompleted", _("Uncompleted")
    NEGATIVE_IMPACT = "negative_impact", _("Uncompleted with significant negative impact")


class ResultInput(FrozenWhenFinal):
    result = models.ForeignKey(AssessmentResult, on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True

    def cycle_id_of(self) -> int | None:
        if self.result_id is None:
            return None
        return (
            AssessmentResult.objects.filter(pk=self.result_id)
            .values_list("cycle_id", flat=True)
            .first()
        )


class KeyTaskGrade(ResultInput):
    """The completion grade a reviewer gave a key task in a cycle (§3.3), with a note and
    evidence."""

    result = models.ForeignKey(
        AssessmentResult, on_delete=models.CASCADE, related_name="key_task_grades"
    )
    item = models.ForeignKey(ScorecardItem, on_delete=models.CASCADE, related_name="+")
    grade = models.CharField(_("grade"), max_length=16, choices=KeyTaskGradeChoice.choices)
    note = models.TextField(_("note"), blank=True)
    evidence = models.FileField(_("evidence"), upload_to="assessment/evidence/%Y/", blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ResultChildQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("key-task grade")
        verbose_name_plural = _("key-task grades")
        constraints = [
            models.UniqueConstraint(fields=["result", "item"], name="one_grade_per_key_task")
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.get_grade_display()}"


class MilestoneConfirmation(ResultInput):
    """A reviewer's confirmation of when a milestone was completed (or that it was not);
    the confirmed date is the one the score counts."""

    result = models.ForeignKey(
        AssessmentResult, on_delete=models.CASCADE, related_name="milestone_confirmations"
    )
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="+")
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ResultChildQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("milestone confirmation")
        verbose_name_plural = _("milestone confirmations")
        constraints = [
            models.UniqueConstraint(
                fields=["result", "milestone"], name="one_confirmation_per_milestone"
            )
        ]

    def __str__(self) -> str:
        return f"{self.milestone}: {self.completed_on or '—'}"


class QualitativeRating(ResultInput):
    """The reviewer's qualitative rating (0-100) of a result, standing in for the mean of
    the 360° ratings until those reviews exist."""

    result = models.OneToOneField(
        AssessmentResult, on_delete=models.CASCADE, related_name="qualitative_rating"
    )
    rating = models.DecimalField(
        _("rating"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    note = models.TextField(_("note"), blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ResultChildQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("qualitative rating")
        verbose_name_plural = _("qualitative ratings")

    def __str__(self) -> str:
        return str(self.rating)


class DecisionStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Decided(ResultInput):
    """A proposal someone makes and another person approves or rejects (the trail)."""

    reason = models.TextField(_("reason"))
    evidence = models.FileField(_("evidence"), upload_to="assessment/evidence/%Y/", blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=DecisionStatus.choices, default=DecisionStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


class AdjustmentKind(models.TextChoices):
    BONUS = "bonus", _("Bonus points")
    DEDUCTION = "deduction", _("Deduction")


class Adjustment(Decided):
    """Bonus points (over-fulfilment, early completion, high quality, better than last
    year, industry-leading) or a deduction, approved by HR or an executive (§3.4)."""

    result = models.ForeignKey(
        AssessmentResult, on_delete=models.CASCADE, related_name="adjustments"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=AdjustmentKind.choices)
    points = models.DecimalField(
        _("points"), max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )

    objects = ResultChildQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["result", "pk"]
        verbose_name = _("adjustment")
        verbose_name_plural = _("adjustments")

    def __str__(self) -> str:
        sign = "+" if self.kind == AdjustmentKind.BONUS else "-"
        return f"{sign}{self.points} {self.reason[:40]}"


class Veto(Decided):
    """A red-line event (serious safety accident, compliance negative-list violation);
    approved by an executive it forces the grade to unqualified (§3.4)."""

    result = models.ForeignKey(AssessmentResult, on_delete=models.CASCADE, related_name="vetoes")

    objects = ResultChildQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["result", "pk"]
        verbose_name = _("veto")
        verbose_name_plural = _("vetoes")

    def __str__(self) -> str:
        return self.reason[:60]


class Exemption(Decided):
    """A failure not caused by the unit (policy change, force majeure); approved by an
    executive it removes the item from scoring and the other weights rescale (§3.4)."""

    result = models.ForeignKey(
        AssessmentResult, on_delete=models.CASCADE, related_name="exemptions"
    )
    item = models.ForeignKey(ScorecardItem, on_delete=models.CASCADE, related_name="+")

    objects = ResultChildQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["result", "pk"]
        verbose_name = _("exemption")
        verbose_name_plural = _("exemptions")

    def __str__(self) -> str:
        return f"{self.item}: {self.reason[:40]}"
