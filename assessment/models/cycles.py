"""Assessment cycles: a month, half year or year of one scope, from draft to published."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from assessment.models.schemes import AssessmentScheme
from assessment.rules import CycleKind as Kind
from assessment.rules import Period, SchemeRules
from org.models import OrgUnit
from org.scoping import ADMIN, CHANGE, EXECUTIVE, HR, MANAGER, SELF, VIEW, Scope, ScopedQuerySet
from spm.errors import Conflict


class CycleKind(models.TextChoices):
    MONTHLY = Kind.MONTHLY, _("Monthly")
    SEMI_ANNUAL = Kind.SEMI_ANNUAL, _("Semi-annual")
    ANNUAL = Kind.ANNUAL, _("Annual")


class CycleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    SELF_ASSESSMENT = "self_assessment", _("Self-assessment")
    REVIEW = "review", _("Review")
    CALIBRATION = "calibration", _("Calibration")
    FINALISED = "finalised", _("Finalised")
    PUBLISHED = "published", _("Published")


STEPS: tuple[str, ...] = tuple(CycleStatus.values)
# Once finalised, no path changes a score or grade (corrections go through appeals).
FINAL_STATUSES = frozenset({CycleStatus.FINALISED, CycleStatus.PUBLISHED})
# Scores may be (re)computed while the cycle is running and not yet final.
COMPUTABLE_STATUSES = frozenset(
    {CycleStatus.OPEN, CycleStatus.SELF_ASSESSMENT, CycleStatus.REVIEW, CycleStatus.CALIBRATION}
)


class CycleFinal(Conflict):
    """Raised on any attempt to change a result or an input of a finalised cycle (409)."""

    default_code = "finalised"


class AssessmentCycleQuerySet(ScopedQuerySet):
    """HR, executives and admins see the cycles run in their part of the group; managers
    see a cycle once it holds a result in their subtree; an employee, once it holds theirs.
    Only HR (and admins) run a cycle."""

    scope_unit_lookup = "owner_unit"
    scope_rules: ClassVar[dict[str, frozenset[str]]] = {
        VIEW: frozenset({MANAGER, HR, EXECUTIVE, ADMIN, SELF}),
        CHANGE: frozenset({HR, ADMIN}),
    }

    def scope_q(self, scope: Scope, action: str = VIEW) -> Q | None:
        if scope.superuser:
            return None
        q = Q(pk__in=[])
        roles = self.scope_rules.get(action, frozenset())
        for path in scope.paths(roles & {HR, EXECUTIVE, ADMIN}):
            q |= Q(owner_unit__path__startswith=path)
        if action != VIEW:
            return q
        from assessment.models.results import AssessmentResult

        managed = scope.paths({MANAGER})
        if managed:
            unit_q = Q(pk__in=[])
            for path in managed:
                unit_q |= Q(unit__path__startswith=path)
            q |= Q(pk__in=AssessmentResult.objects.filter(unit_q).values("cycle_id"))
        if scope.employee_id is not None:
            q |= Q(
                pk__in=AssessmentResult.objects.filter(employee_id=scope.employee_id).values(
                    "cycle_id"
                )
            )
        return q


class AssessmentCycle(models.Model):
    """One assessment of a scope for a period: monthly, semi-annual or annual.

    The scope is one or more root units; every unit and employee scorecard of the year in
    their subtrees gets a result when the cycle opens. The cycle moves draft → open →
    self-assessment → review → calibration → finalised → published, one step at a time,
    and keeps a snapshot of its scheme from the moment it opened.
    """

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=CycleKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    period = models.PositiveSmallIntegerField(
        _("period"), default=1, help_text=_("Month 1-12, half year 1-2, or 1 for the year.")
    )
    owner_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("run by"), on_delete=models.PROTECT, related_name="+"
    )
    root_units = models.ManyToManyField(
        OrgUnit, verbose_name=_("scope"), related_name="assessment_cycles"
    )
    scheme = models.ForeignKey(
        AssessmentScheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="cycles"
    )
    scheme_snapshot = models.JSONField(_("scheme snapshot"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=CycleStatus.choices, default=CycleStatus.DRAFT
    )
    self_assessment_due = models.DateField(_("self-assessment due"), null=True, blank=True)
    review_due = models.DateField(_("review due"), null=True, blank=True)
    calibration_due = models.DateField(_("calibration due"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    # Set by the publish step from the clock: the appeal window counts from it.
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = AssessmentCycleQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[root_units])

    class Meta:
        ordering = ["-year", "-period", "name"]
        verbose_name = _("assessment cycle")
        verbose_name_plural = _("assessment cycles")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        try:
            Period.of(self.kind, self.year or 2000, self.period or 0)
        except ValueError:
            raise ValidationError(
                {"period": _("Choose a month (1-12), a half year (1-2) or 1 for the year.")}
            ) from None

    @property
    def period_span(self) -> Period:
        return Period.of(self.kind, self.year, self.period)

    @property
    def rules(self) -> SchemeRules:
        """The scheme as it was when the cycle opened (the live scheme before that)."""
        if self.scheme_snapshot:
            return SchemeRules.from_json(self.scheme_snapshot)
        return self.scheme.rules

    @property
    def final(self) -> bool:
        return self.status in FINAL_STATUSES

    @property
    def next_status(self) -> str | None:
        index = STEPS.index(self.status)
        return STEPS[index + 1] if index + 1 < len(STEPS) else None
