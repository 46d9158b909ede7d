"""Assessment schemes: the numbers of DESIGN §3.2-3.5 as HR configured them, versioned."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from assessment.rules import SchemeRules
from assessment.rules.scheme import default_grade_table, default_key_task_points
from org.models import OrgUnit
from org.scoping import ADMIN, CHANGE, EXECUTIVE, HR, MANAGER, VIEW, ScopedQuerySet


def _default_grade_table() -> list[dict[str, Any]]:
    return SchemeRules(grade_table=default_grade_table()).to_json()["grade_table"]


def _default_key_task_points() -> dict[str, str]:
    return {k: str(v) for k, v in default_key_task_points().items()}


class AssessmentSchemeQuerySet(ScopedQuerySet):
    """HR curates the schemes of its part of the group; managers and executives read them."""

    scope_unit_lookup = "owner_unit"
    scope_rules: ClassVar[dict[str, frozenset[str]]] = {
        VIEW: frozenset({MANAGER, HR, EXECUTIVE, ADMIN}),
        CHANGE: frozenset({HR, ADMIN}),
    }


class AssessmentScheme(models.Model):
    """One version of an assessment scheme: grade table, qualitative weight, key-task
    points, bonus-point cap, milestone grace period and forced distribution.

    Schemes are never edited in place: HR's edit writes the next ``version`` of the same
    ``code`` and retires the previous one, and each cycle keeps a snapshot of the version
    it was opened with.
    """

    code = models.CharField(_("code"), max_length=40)
    version = models.PositiveIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=200)
    owner_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("owner unit"), on_delete=models.PROTECT, related_name="+"
    )
    grade_table = models.JSONField(_("grade table"), default=_default_grade_table)
    qualitative_weight = models.DecimalField(
        _("qualitative weight"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.2"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
    )
    key_task_points = models.JSONField(_("key-task points"), default=_default_key_task_points)
    bonus_cap = models.DecimalField(
        _("bonus-point cap"),
        max_digits=6,
        decimal_places=2,
        default=Decimal(10),
        validators=[MinValueValidator(Decimal(0))],
    )
    grace_days = models.PositiveSmallIntegerField(_("milestone grace period (days)"), default=30)
    excellent_share = models.DecimalField(
        _("largest share of excellent"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.2"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
    )
    current = models.BooleanField(_("current version"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = AssessmentSchemeQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="one_scheme_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    @property
    def rules(self) -> SchemeRules:
        return SchemeRules.from_json(
            {
                "grade_table": self.grade_table,
                "qualitative_weight": str(self.qualitative_weight),
                "key_task_points": self.key_task_points,
                "bonus_cap": str(self.bonus_cap),
                "grace_days": self.grace_days,
                "excellent_share": str(self.excellent_share),
            }
        )

    def clean(self) -> None:
        try:
            problems = self.rules.problems()
        except (KeyError, TypeError, ValueError, ArithmeticError):
            problems = ["grade_table"]
        messages = {
            "grade_table": _(
                "The grade table lists excellent, good, qualified, basic and unqualified, "
                "with falling minimum scores and no minimum for unqualified."
            ),
            "key_task_points": _("Give points for each of the five key-task grades."),
        }
        errors = {p: messages[p] for p in problems if p in messages}
        if errors:
            raise ValidationError(errors)
