"""Indicators, scorecards and their items, milestones, letters and monthly actuals."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from org.models import Employee, OrgUnit
from org.scoping import ADMIN, CHANGE, EXECUTIVE, HR, MANAGER, SELF, VIEW, Scope, ScopedQuerySet

MONTHS = [MinValueValidator(1), MaxValueValidator(12)]


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
        return Q() if scope.employee_id is not None else Q(pk__in=[])


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

    objects = IndicatorQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ScorecardStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SIGNING = "signing", _("Awaiting signatures")
    SIGNED = "signed", _("Signed (locked)")


class ScorecardQuerySet(ScopedQuerySet):
    """A unit's scorecards follow the org tree; an employee reads their own scorecard and
    their unit's signed scorecard."""

    scope_unit_lookup = "unit"
    scope_rules: ClassVar[dict[str, frozenset[str]]] = {
        VIEW: frozenset({MANAGER, HR, EXECUTIVE, ADMIN, SELF}),
        CHANGE: frozenset({MANAGER, HR, EXECUTIVE, ADMIN}),
    }

    def self_q(self, scope: Scope) -> Q:
        if scope.employee_id is None:
            return Q(pk__in=[])
        return Q(employee_id=scope.employee_id) | Q(
            unit_id=scope.employee_unit_id,
            employee__isnull=True,
            status=ScorecardStatus.SIGNED,
        )


class Scorecard(models.Model):
    """The goals of one org unit — or one employee — for one year.

    ``unit`` is always set (for an employee's scorecard, the unit they work in), so the
    org tree scopes both kinds alike. Once its responsibility letter is signed the
    scorecard is locked (status ``signed``); a change is then an amendment, a new letter
    version that needs both signatures again.
    """

    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="scorecards"
    )
    employee = models.ForeignKey(
        Employee,
        verbose_name=_("employee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="scorecards",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    plan = models.ForeignKey(
        "strategy.StrategicPlan",
        verbose_name=_("strategic plan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="scorecards",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ScorecardStatus.choices, default=ScorecardStatus.DRAFT
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScorecardQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "unit__path", "employee__name"]
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year"],
                condition=Q(employee__isnull=True),
                name="one_unit_scorecard_per_year",
            ),
            models.UniqueConstraint(
                fields=["employee", "year"],
                condition=Q(employee__isnull=False),
                name="one_employee_scorecard_per_year",
            ),
        ]

    def __str__(self) -> str:
        owner = self.employee.name if self.employee_id and self.employee else self.unit.name
        return f"{owner} {self.year}"

    @property
    def locked(self) -> bool:
        return self.status == ScorecardStatus.SIGNED


class ScorecardLocked(ValidationError):
    """Raised on any attempt to change a signed scorecard outside an amendment."""


class ItemKind(models.TextChoices):
    QUANTITATIVE = "quantitative", _("Quantitative")
    MILESTONE = "milestone", _("Milestone")
    KEY_TASK = "key_task", _("Key task")


class ScorecardChildQuerySet(ScorecardQuerySet):
    """Rows that belong to a scorecard inherit its scope."""

    scope_unit_lookup = "scorecard__unit"

    def self_q(self, scope: Scope) -> Q:
        if scope.employee_id is None:
            return Q(pk__in=[])
        return Q(scorecard__employee_id=scope.employee_id) | Q(
            scorecard__unit_id=scope.employee_unit_id,
            scorecard__employee__isnull=True,
            scorecard__status=ScorecardStatus.SIGNED,
        )


class LockedByScorecard(models.Model):
    """Refuses to save or delete while the owning scorecard is locked — whatever the path
    (page, API, admin, shell). Amendment services unlock the scorecard first.

    ``locked_via`` names the lookup on Scorecard and the attribute on the row that find the
    owning scorecard; ``tracking_fields`` may still change on a locked scorecard (recording
    progress is not changing a goal).
    """

    locked_via: ClassVar[tuple[str, str]] = ("items", "item_id")
    tracking_fields: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        abstract = True

    def _scorecard_locked(self) -> bool:
        lookup, attribute = self.locked_via
        return Scorecard.objects.filter(
            **{lookup: getattr(self, attribute), "status": ScorecardStatus.SIGNED}
        ).exists()

    def _changes_only_tracking(self) -> bool:
        if self.pk is None or not self.tracking_fields:
            return False
        stored = type(self)._default_manager.filter(pk=self.pk).values().first()
        if stored is None:
            return False
        return all(
            stored[f.attname] == getattr(self, f.attname)
            for f in self._meta.concrete_fields
            if f.name not in self.tracking_fields
        )

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._scorecard_locked() and not self._changes_only_tracking():
            raise ScorecardLocked(_("This scorecard is signed and locked; amend it instead."))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self._scorecard_locked():
            raise ScorecardLocked(_("This scorecard is signed and locked; amend it instead."))
        return super().delete(*args, **kwargs)


class ScorecardItem(LockedByScorecard):
    """One goal on a scorecard: a quantitative indicator with tiered targets, a task split
    into dated milestones, or a key task graded on completion.

    Quantitative and milestone weights of a scorecard sum to 100; key tasks carry no
    weight (their completion grade adds or removes points). ``parent`` links an item to
    the item it was decomposed from. ``version`` rises on every change, so a stale edit
    can be refused.
    """

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("kind"), max_length=12, choices=ItemKind.choices)
    objective = models.ForeignKey(
        "strategy.Objective",
        verbose_name=_("objective"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="items",
    )
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="items",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("decomposed from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    polarity = models.CharField(
        _("polarity"), max_length=10, choices=Polarity.choices, default=Polarity.HIGHER
    )
    aggregation = models.CharField(
        _("time aggregation"), max_length=10, choices=Aggregation.choices, default=Aggregation.SUM
    )
    unit_of_measure = models.CharField(_("unit of measure"), max_length=40, blank=True)
    # Multi-tier ("climbing") targets; all optional but ``target`` for quantitative items.
    floor = models.DecimalField(_("floor"), max_digits=18, decimal_places=4, null=True, blank=True)
    baseline = models.DecimalField(
        _("baseline"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    target = models.DecimalField(_("target"), max_digits=18, decimal_places=4, null=True, blank=True)
    challenge = models.DecimalField(
        _("challenge"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    range_low = models.DecimalField(
        _("range low"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    range_high = models.DecimalField(
        _("range high"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    last_year = models.DecimalField(
        _("same period last year"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    benchmark = models.DecimalField(
        _("industry benchmark"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    version = models.PositiveIntegerField(default=1, editable=False)

    locked_via = ("pk", "scorecard_id")
    objects = ScorecardChildQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["scorecard", "order", "pk"]
        verbose_name = _("scorecard item")
        verbose_name_plural = _("scorecard items")

    def __str__(self) -> str:
        return self.name



class ItemChildQuerySet(ScorecardChildQuerySet):
    scope_unit_lookup = "item__scorecard__unit"

    def self_q(self, scope: Scope) -> Q:
        inner = ScorecardChildQuerySet.self_q(self, scope)
        return _prefixed(inner, "item__")


def _prefixed(q: Q, prefix: str) -> Q:
    """The same filter, one relation further away."""
    clone = Q()
    clone.connector, clone.negated = q.connector, q.negated
    for child in q.children:
        if isinstance(child, Q):
            clone.children.append(_prefixed(child, prefix))
        else:
            key, value = child
            clone.children.append((f"{prefix}{key}", value))
    return clone


class ItemMonthlyPlan(LockedByScorecard):
    """The plan value of a quantitative item for one month (cumulative or monthly per the
    item's aggregation); when present it replaces the pro-rata annual target."""

    item = models.ForeignKey(ScorecardItem, on_delete=models.CASCADE, related_name="monthly_plans")
    month = models.PositiveSmallIntegerField(_("month"), validators=MONTHS)
    value = models.DecimalField(_("plan value"), max_digits=18, decimal_places=4)

    objects = ItemChildQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["item", "month"]
        constraints = [
            models.UniqueConstraint(fields=["item", "month"], name="one_plan_per_item_month")
        ]



class Milestone(LockedByScorecard):
    """A dated step of a milestone item, with its completion standard.

    At a hand-over between units, ``responsible_unit`` delivers and ``counterpart_unit``
    receives (e.g. "main equipment bidding" → "main construction start"); both see it.
    """

    item = models.ForeignKey(ScorecardItem, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(_("name"), max_length=200)
    due_date = models.DateField(_("due date"))
    completion_standard = models.TextField(_("completion standard"), blank=True)
    weight = models.DecimalField(
        _("weight inside the item"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty means equal weights."),
    )
    responsible_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("responsible unit"),
        on_delete=models.PROTECT,
        related_name="milestones_responsible",
    )
    counterpart_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("counterpart unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="milestones_counterpart",
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    tracking_fields = frozenset({"completed_on"})

    objects = ItemChildQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["item", "due_date", "order"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.name



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
        constraints = [models.UniqueConstraint(fields=["year", "month"], name="one_close_per_month")]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}"
