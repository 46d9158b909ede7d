"""The indicator dictionary: what is measured, how, by whom and how often."""

from __future__ import annotations

from typing import ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from org.models import OrgUnit
from org.scoping import ADMIN, CHANGE, EXECUTIVE, HR, MANAGER, SELF, VIEW, Scope, ScopedQuerySet
from scorecard.rules import expressions


class Polarity(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")
    RANGE = "range", _("Within a range")


class Aggregation(models.TextChoices):
    SUM = "sum", _("Sum")
    AVERAGE = "average", _("Average")
    LAST = "last", _("Last value")


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    SEMIANNUAL = "semiannual", _("Semi-annual")
    ANNUAL = "annual", _("Annual")


class IndicatorQuerySet(ScopedQuerySet):
    """The dictionary is shared knowledge: every member reads it; HR and admins curate it."""

    scope_unit_lookup = "owner_unit"
    scope_rules: ClassVar[dict[str, frozenset[str]]] = {
        VIEW: frozenset({MANAGER, HR, EXECUTIVE, ADMIN, SELF}),
        CHANGE: frozenset({HR, EXECUTIVE, ADMIN}),
    }

    def self_q(self, scope: Scope) -> Q:
        # Not ``Q()``: an empty Q is dropped when OR-ed, which would hide everything.
        return Q(pk__isnull=False) if scope.employee_id is not None else Q(pk__in=[])


class Indicator(models.Model):
    """An entry of the indicator dictionary: what is measured, how, by whom and how often.

    ``formula`` is either free text or, when ``formula_is_expression``, an arithmetic
    expression over other indicators' codes (evaluated by a safe evaluator, never ``eval``).
    """

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    definition = models.TextField(_("definition"), blank=True)
    unit_of_measure = models.CharField(_("unit of measure"), max_length=40, blank=True)
    polarity = models.CharField(_("polarity"), max_length=10, choices=Polarity.choices)
    data_source = models.CharField(_("data source"), max_length=200, blank=True)
    owner_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("owner unit"), on_delete=models.PROTECT, related_name="indicators"
    )
    frequency = models.CharField(
        _("frequency"), max_length=12, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    aggregation = models.CharField(
        _("time aggregation"), max_length=10, choices=Aggregation.choices, default=Aggregation.SUM
    )
    formula = models.TextField(_("formula"), blank=True)
    formula_is_expression = models.BooleanField(_("formula is an expression"), default=False)
    # SMART checklist, confirmed by whoever writes the indicator.
    smart_specific = models.BooleanField(_("specific"), default=False)
    smart_measurable = models.BooleanField(_("measurable"), default=False)
    smart_agreed = models.BooleanField(_("agreed"), default=False)
    smart_realistic = models.BooleanField(_("realistic"), default=False)
    smart_time_bound = models.BooleanField(_("time-bound"), default=False)
    active = models.BooleanField(_("active"), default=True)

    # What a curator sets: the form, the API and the update service all derive from this.
    EDITABLE_FIELDS: ClassVar[tuple[str, ...]] = (
        "code",
        "name",
        "definition",
        "unit_of_measure",
        "polarity",
        "data_source",
        "owner_unit",
        "frequency",
        "aggregation",
        "formula",
        "formula_is_expression",
        "smart_specific",
        "smart_measurable",
        "smart_agreed",
        "smart_realistic",
        "smart_time_bound",
        "active",
    )

    objects = IndicatorQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        if self.formula_is_expression:
            self.check_formula()

    def check_formula(self) -> None:
        """Refuse a formula that does not parse, names an unknown indicator or closes a
        cycle through other formulas (the whole dictionary is checked with this one)."""
        try:
            node = expressions.parse(self.formula)
            known: set[str] = set()
            formulas = {self.code: node}
            rows = Indicator.objects.exclude(pk=self.pk).values_list(
                "code", "formula", "formula_is_expression"
            )
            for code, text, is_expression in rows:
                known.add(code)
                if is_expression:
                    try:
                        formulas[code] = expressions.parse(text)
                    except expressions.ExpressionError:
                        continue  # a broken stored formula is reported on its own indicator
            unknown = expressions.names_in(node) - known - {self.code}
            if unknown:
                raise expressions.UnknownName(unknown)
            cycle = expressions.find_cycle(
                {code: expressions.names_in(n) for code, n in formulas.items()}
            )
            if cycle:
                raise expressions.CycleError(cycle)
        except expressions.ExpressionError as exc:
            raise ValidationError({"formula": str(exc)}) from exc

    @property
    def smart_checks(self) -> dict[str, bool]:
        return {
            "specific": self.smart_specific,
            "measurable": self.smart_measurable,
            "agreed": self.smart_agreed,
            "realistic": self.smart_realistic,
            "time_bound": self.smart_time_bound,
        }

    @property
    def smart_complete(self) -> bool:
        return all(self.smart_checks.values())
