"""Results: one scorecard's score and grade in one cycle, with the explanation."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from assessment.models.cycles import FINAL_STATUSES, AssessmentCycle, CycleFinal
from assessment.rules.explanation import expand
from org.models import Employee, OrgUnit
from org.scoping import ADMIN, CHANGE, EXECUTIVE, HR, MANAGER, SELF, VIEW, ScopedQuerySet
from scorecard.models import Scorecard


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    QUALIFIED = "qualified", _("Qualified")
    BASIC = "basic", _("Basic")
    UNQUALIFIED = "unqualified", _("Unqualified")


GRADE_ORDER_VALUES: tuple[str, ...] = tuple(Grade.values)


class FrozenWhenFinal(models.Model):
    """Refuses to save or delete once the cycle is finalised — whatever the path (page,
    API, admin, shell). ``frozen_via`` is the lookup from the cycle to this row's id;
    ``after_final_fields`` may still change (an employee's acknowledgement)."""

    frozen_via: ClassVar[str] = "results"
    after_final_fields: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._cycle_final() and not self._changes_only_allowed():
            raise CycleFinal(_("This cycle is finalised; its results no longer change."))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self._cycle_final():
            raise CycleFinal(_("This cycle is finalised; its results no longer change."))
        return super().delete(*args, **kwargs)

    def cycle_id_of(self) -> int | None:
        raise NotImplementedError

    def _cycle_final(self) -> bool:
        cycle_id = self.cycle_id_of()
        if cycle_id is None:
            return False
        return AssessmentCycle.objects.filter(pk=cycle_id, status__in=FINAL_STATUSES).exists()

    def _changes_only_allowed(self) -> bool:
        if self.pk is None or not self.after_final_fields:
            return False
        stored = type(self)._default_manager.filter(pk=self.pk).values().first()
        if stored is None:
            return False
        return all(
            stored[f.attname] == getattr(self, f.attname)  # type: ignore[literal-required]
            for f in self._meta.concrete_fields
            if f.name not in self.after_final_fields
        )


class ExplanationField(models.JSONField):
    """An explanation: stored as the compact record the computation writes, read in its
    full form (:mod:`assessment.rules.explanation`), so the page, the API, the XLSX export
    and an appeal's ``previous_explanation`` see the full form whatever is stored."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return expand(super().from_db_value(value, expression, connection))


class AssessmentResultQuerySet(ScopedQuerySet):
    """A result follows its unit in the org tree; an employee sees their own. Reviewers
    (managers), HR, executives and admins may act on results in their subtree."""

    scope_unit_lookup = "unit"
    scope_self_lookup = "employee_id"
    scope_rules: ClassVar[dict[str, frozenset[str]]] = {
        VIEW: frozenset({MANAGER, HR, EXECUTIVE, ADMIN, SELF}),
        CHANGE: frozenset({MANAGER, HR, EXECUTIVE, ADMIN}),
    }


class AssessmentResult(FrozenWhenFinal):
    """The result of one scorecard (a unit's or an employee's) in one cycle.

    Created empty when the cycle opens; the computation fills the parts, the final score
    (rounded once, 2 decimals), the grade and the explanation a person can check by hand.
    Calibration may set another grade, with a reason and the approver. After the cycle is
    finalised only the employee's acknowledgement may still be recorded.
    """

    # No index of its own: the unique (cycle, scorecard) index starts with the cycle.
    cycle = models.ForeignKey(
        AssessmentCycle, on_delete=models.CASCADE, related_name="results", db_index=False
    )
    scorecard = models.ForeignKey(
        Scorecard, verbose_name=_("scorecard"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    employee = models.ForeignKey(
        Employee,
        verbose_name=_("employee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessment_results",
    )
    quantitative_part = models.DecimalField(
        _("quantitative part"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    qualitative_part = models.DecimalField(
        _("qualitative part"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    final_score = models.DecimalField(
        _("final score"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    grade = models.CharField(_("grade"), max_length=12, choices=Grade.choices, blank=True)
    vetoed = models.BooleanField(_("vetoed"), default=False)
    calibrated_grade = models.CharField(
        _("calibrated grade"), max_length=12, choices=Grade.choices, blank=True
    )
    calibration_reason = models.TextField(_("reason for the calibrated grade"), blank=True)
    calibrated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    explanation = ExplanationField(_("explanation"), default=dict, blank=True)
    self_assessment = models.TextField(_("self-assessment"), blank=True)
    self_assessed_at = models.DateTimeField(_("self-assessed at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    # A digest of everything the computed values were computed from (inputs, scheme,
    # period, the rules' source): a re-run skips a result whose digest is unchanged.
    # Written only by :mod:`assessment.writes`, together with the computed values.
    inputs_digest = models.CharField(max_length=32, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    after_final_fields = frozenset({"acknowledged_at"})

    objects = AssessmentResultQuerySet.as_manager()
    # The audit records every score, part, grade and step; the explanation (several kB,
    # derived from audited inputs by the rules) lives on the result only — an appeal keeps
    # the explanation it replaces in ``Appeal.previous_explanation``. The digest is a cache.
    # Its rows are looked up by result (``id``), date and user only: the history keeps no
    # index on the other keys (a computation writes a history row per changed result, and
    # each index costs PostgreSQL work per row).
    history = HistoricalRecords(
        excluded_fields=["explanation", "inputs_digest"],
        no_db_index=["cycle", "scorecard", "unit", "employee", "calibrated_by"],
    )

    class Meta:
        ordering = ["cycle", "unit__path", "employee__name"]
        verbose_name = _("assessment result")
        verbose_name_plural = _("assessment results")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "scorecard"], name="one_result_per_cycle_scorecard"
            )
        ]
        # (cycle, unit) filters, and the API's keyset pages (cycle, unit, id) seek in it.
        indexes = [
            models.Index(fields=["cycle", "unit", "id"], name="result_cycle_unit_id"),
            # Calibration's ranking (``selectors.calibration``): a page of the best scores
            # of a cycle is the first rows of this index, not a sort of all its results.
            models.Index(
                F("cycle"),
                F("final_score").desc(),
                Coalesce("quantitative_part", Value(Decimal(0))).desc(),
                F("id"),
                name="result_ranking",
                condition=Q(final_score__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        owner = self.employee.name if self.employee_id and self.employee else self.unit.name
        return f"{owner} — {self.cycle}"

    def cycle_id_of(self) -> int | None:
        return self.cycle_id

    @property
    def effective_grade(self) -> str:
        """The grade that counts: the calibrated one where calibration changed it."""
        return self.calibrated_grade or self.grade

    @property
    def owner_name(self) -> str:
        return self.employee.name if self.employee_id and self.employee else self.unit.name


class ResultChildQuerySet(ScopedQuerySet):
    """Inputs of a result inherit its scope."""

    scope_unit_lookup = "result__unit"
    scope_self_lookup = "result__employee_id"
    scope_rules: ClassVar[dict[str, frozenset[str]]] = AssessmentResultQuerySet.scope_rules


class ResultTallyQuerySet(ScopedQuerySet):
    """Tallies follow their unit; those who see the unit's results read them (a reader's
    own result, the ``SELF`` arm of results, is added by ``assessment.tallies``)."""

    scope_unit_lookup = "unit"
    scope_rules: ClassVar[dict[str, frozenset[str]]] = {
        VIEW: frozenset({MANAGER, HR, EXECUTIVE, ADMIN}),
        CHANGE: frozenset(),
    }


class ResultTally(models.Model):
    """The results of one cycle in one unit, counted: how many there are, how many are
    computed, self-assessed, reviewed, rated and acknowledged, and the computed ones by the
    grade that counts (the calibrated one where calibration changed it). The cycle
    dashboard, calibration and the distribution by unit add them up over the units a
    reader sees instead of reading every result of the cycle on each request.

    Kept by :mod:`assessment.tallies` in the transaction of every write of a result or a
    qualitative rating (signals, and the bulk writers — opening a cycle, a computation's
    chunks, a re-score — call it themselves), under a lock per unit, so a tally always
    equals a fresh count. A unit without a row has no result in the cycle."""

    # No index of its own: the unique (cycle, unit) index starts with the cycle.
    cycle = models.ForeignKey(
        AssessmentCycle, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    results = models.PositiveIntegerField(default=0)
    computed = models.PositiveIntegerField(default=0)
    self_assessed = models.PositiveIntegerField(default=0)
    reviewed = models.PositiveIntegerField(default=0)
    rated = models.PositiveIntegerField(default=0)
    acknowledged = models.PositiveIntegerField(default=0)
    excellent = models.PositiveIntegerField(default=0)
    good = models.PositiveIntegerField(default=0)
    qualified = models.PositiveIntegerField(default=0)
    basic = models.PositiveIntegerField(default=0)
    unqualified = models.PositiveIntegerField(default=0)

    objects = ResultTallyQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cycle", "unit"], name="one_tally_per_cycle_unit")
        ]

    def __str__(self) -> str:
        return f"{self.cycle_id}/{self.unit_id}: {self.results}"
