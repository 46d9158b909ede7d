"""Scorecards and their items; the lock that keeps a signed scorecard unchanged."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar, cast

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from org.models import Employee, OrgUnit
from org.scoping import ADMIN, CHANGE, EXECUTIVE, HR, MANAGER, SELF, VIEW, Scope, ScopedQuerySet
from scorecard.models.indicators import Aggregation, Indicator, Polarity
from scorecard.rules import scoring
from spm.errors import Conflict


class ScorecardStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SIGNING = "signing", _("Awaiting signatures")
    SIGNED = "signed", _("Signed (locked)")


def prefixed(q: Q, prefix: str) -> Q:
    """The same filter, one relation further away."""
    clone = Q()
    clone.connector, clone.negated = q.connector, q.negated
    for child in q.children:
        if isinstance(child, Q):
            clone.children.append(prefixed(child, prefix))
        else:
            key, value = cast(tuple[str, Any], child)
            clone.children.append((f"{prefix}{key}", value))
    return clone


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
    # Derived, kept by scorecard.summaries: the weights do not sum to 100 (alignment).
    weights_off = models.BooleanField(default=False, db_default=False, editable=False)

    objects = ScorecardQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["weights_off"])

    class Meta:
        ordering = ["-year", "unit__path", "employee__name"]
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")
        # Scoped lists walk the units in path order and take each unit's cards of a year;
        # the API lists the newest year first by id.
        indexes = [
            models.Index(fields=["unit", "year"], name="scorecard_unit_year_idx"),
            models.Index(fields=["-year", "id"], name="scorecard_year_id_idx"),
            # The alignment view's "weights not 100": only the cards out of line.
            models.Index(
                fields=["year", "unit"],
                condition=Q(weights_off=True),
                name="scorecard_weights_off_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year"],
                condition=Q(employee__isnull=True),
                name="one_unit_scorecard_per_year",
                violation_error_message=_("This unit already has a scorecard for that year."),
            ),
            models.UniqueConstraint(
                fields=["employee", "year"],
                condition=Q(employee__isnull=False),
                name="one_employee_scorecard_per_year",
                violation_error_message=_("This person already has a scorecard for that year."),
            ),
        ]

    def __str__(self) -> str:
        owner = self.employee.name if self.employee_id and self.employee else self.unit.name
        return f"{owner} {self.year}"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        employee = self.employee if self.employee_id is not None else None
        if employee is not None and self.unit_id is not None and employee.unit_id != self.unit_id:
            errors["unit"] = _("An employee's scorecard belongs to the unit they work in.")
        if self.plan_id is not None and self.year is not None:
            plan = self.plan
            if plan is not None and not plan.start_year <= self.year <= plan.end_year:
                errors["plan"] = _("The strategic plan does not cover %(year)s.") % {
                    "year": self.year
                }
        if errors:
            raise ValidationError(errors)

    @property
    def locked(self) -> bool:
        return self.status == ScorecardStatus.SIGNED

    @property
    def owner_name(self) -> str:
        return self.employee.name if self.employee_id and self.employee else self.unit.name


class ScorecardLocked(Conflict):
    """Raised on any attempt to change a signed scorecard outside an amendment (409)."""

    default_code = "locked"

    def __init__(self, message: Any = None, *, current: Any = None) -> None:
        super().__init__(
            message or _("This scorecard is signed and locked; amend it instead."),
            current=current,
        )


# The scored tiers of a quantitative goal, and the reference values shown beside them.
TIER_FIELDS = ("floor", "baseline", "target", "challenge", "range_low", "range_high")
REFERENCE_FIELDS = ("last_year", "benchmark")


class ItemKind(models.TextChoices):
    QUANTITATIVE = "quantitative", _("Quantitative")
    MILESTONE = "milestone", _("Milestone")
    KEY_TASK = "key_task", _("Key task")


class ScorecardChildQuerySet(ScorecardQuerySet):
    """Rows that belong to a scorecard inherit its scope."""

    scope_unit_lookup = "scorecard__unit"

    def self_q(self, scope: Scope) -> Q:
        return prefixed(ScorecardQuerySet.self_q(self, scope), "scorecard__")


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

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._scorecard_locked() and not self._changes_only_tracking():
            raise ScorecardLocked
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self._scorecard_locked():
            raise ScorecardLocked
        return super().delete(*args, **kwargs)

    def _scorecard_locked(self) -> bool:
        lookup, attribute = self.locked_via
        return Scorecard.objects.filter(
            **{lookup: getattr(self, attribute), "status": ScorecardStatus.SIGNED}
        ).exists()

    def _changes_only_tracking(self) -> bool:
        if self.pk is None or not self.tracking_fields:
            return False
        goal = [f.attname for f in self._meta.concrete_fields if f.name not in self.tracking_fields]
        stored = type(self)._default_manager.filter(pk=self.pk).values_list(*goal).first()
        return stored is not None and list(stored) == [getattr(self, name) for name in goal]


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
    target = models.DecimalField(
        _("target"), max_digits=18, decimal_places=4, null=True, blank=True
    )
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
    # Derived, kept by scorecard.summaries: the children do not add up to the target.
    children_off = models.BooleanField(default=False, db_default=False, editable=False)

    # One list per concept; the form, the API, the letter snapshot (and its fingerprint),
    # the cascade and the update service derive theirs from these.
    GOAL_FIELDS: ClassVar[tuple[str, ...]] = (*TIER_FIELDS, *REFERENCE_FIELDS)
    QUANTITATIVE_FIELDS: ClassVar[tuple[str, ...]] = (
        *GOAL_FIELDS,
        "indicator",
        "polarity",
        "aggregation",
        "unit_of_measure",
    )
    EDITABLE_FIELDS: ClassVar[tuple[str, ...]] = (
        "name",
        "description",
        "objective",
        "indicator",
        "weight",
        "polarity",
        "aggregation",
        "unit_of_measure",
        *GOAL_FIELDS,
        "order",
    )

    locked_via = ("pk", "scorecard_id")
    objects = ScorecardChildQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["children_off"])

    class Meta:
        ordering = ["scorecard", "order", "pk"]
        verbose_name = _("scorecard item")
        verbose_name_plural = _("scorecard items")
        indexes = [
            # The default order, readable from the index (a page stops after its rows).
            models.Index(fields=["scorecard", "order", "id"], name="item_card_order_idx"),
            # The alignment view's problem lists read only the rows out of line.
            models.Index(
                fields=["scorecard"], condition=Q(children_off=True), name="item_children_off_idx"
            ),
            models.Index(
                fields=["scorecard"], condition=Q(objective__isnull=True), name="item_unlinked_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, list[Any]] = {}

        def add(field: str, message: Any) -> None:
            errors.setdefault(field, []).append(message)

        if self.kind == ItemKind.QUANTITATIVE:
            self._clean_tiers(add)
        else:
            for name in TIER_FIELDS:
                if getattr(self, name) is not None:
                    add(name, _("Only quantitative items carry targets."))
        if self.kind == ItemKind.KEY_TASK and self.weight:
            add("weight", _("Key tasks carry no weight: their completion grade adds points."))
        if self.parent_id is not None:
            self._clean_parent(add)
        if self.objective_id is not None and self.scorecard_id is not None:
            plan_id = self.scorecard.plan_id
            if plan_id is not None and self.objective.plan_id != plan_id:  # type: ignore[union-attr]
                add("objective", _("The objective belongs to another strategic plan."))
        if errors:
            raise ValidationError(errors)

    def _clean_tiers(self, add: Any) -> None:
        problems = self.tiers.problems()
        if "target" in problems:
            add("target", _("A quantitative item needs a target."))
        if "range" in problems:
            add("range_low", _("Give the range as a low value not above the high value."))
        if "order" in problems:
            add(
                "target",
                _("The tiers must rise from floor to challenge (higher is better).")
                if self.polarity == Polarity.HIGHER
                else _("The tiers must fall from floor to challenge (lower is better)."),
            )
        if self.floor is not None and self.baseline is None:
            add("floor", _("A floor needs a baseline above it."))

    def _clean_parent(self, add: Any) -> None:
        parent = self.parent
        if parent is None or self.scorecard_id is None:
            return
        if parent.pk == self.pk or parent.scorecard_id == self.scorecard_id:
            add("parent", _("An item cannot be decomposed from an item of its own scorecard."))
            return
        mine, theirs = self.scorecard, parent.scorecard
        if mine.year != theirs.year:
            add("parent", _("The parent item belongs to another year."))
        if not mine.unit.path.startswith(theirs.unit.path):
            add("parent", _("The parent item belongs to a unit above this scorecard's unit."))
        if parent.kind != self.kind:
            add("kind", _("A decomposed item keeps the kind of its parent."))

    @property
    def tiers(self) -> scoring.Tiers:
        return scoring.Tiers(
            target=self.target,
            baseline=self.baseline,
            challenge=self.challenge,
            floor=self.floor,
            polarity=self.polarity,
            range_low=self.range_low,
            range_high=self.range_high,
        )

    def child_goal(self, **overrides: Any) -> dict[str, Any]:
        """The goal of an item decomposed from this one (cascade, bulk assignment): this
        item's kind and editable fields but its order, with ``overrides`` applied."""
        goal = {name: getattr(self, name) for name in self.EDITABLE_FIELDS if name != "order"}
        return {**goal, "kind": self.kind, "parent": self, **overrides}

    @property
    def weighted(self) -> bool:
        """Whether the item's weight counts towards the scorecard's 100."""
        return self.kind != ItemKind.KEY_TASK
