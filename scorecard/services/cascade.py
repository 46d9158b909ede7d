"""Decomposition ("cascade") of an item to sub-units and employees.

``item_cascade`` creates, in one step, a child item on each chosen sub-unit's or employee's
scorecard (creating draft scorecards where missing): a summed target split by amounts or by
percentages, or a ratio target carried down unchanged. Giving one goal to many people at
once is :mod:`scorecard.services.bulk_assign`.

Every child links to its parent item, so the line from an employee's goal up to the company
objective can always be drawn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from org.models import Employee, OrgUnit
from org.scoping import VIEW, Actor, audited, require
from scorecard.models import (
    Aggregation,
    ItemKind,
    ItemMonthlyPlan,
    Polarity,
    ScorecardItem,
)
from scorecard.rules import cascade as rules
from scorecard.rules import scoring
from scorecard.selectors.duties import is_own_receiver
from scorecard.services.items import item_create
from scorecard.services.scorecards import may_change_unit, scorecard_get_or_create

# The goal values a split scales with the target (the others are left empty); a carried
# goal keeps all of them.
SPLIT_TIERS = ("floor", "baseline", "target", "challenge", "last_year")
BATCH = 500


class SplitMode(models.TextChoices):
    AMOUNTS = "amounts", gettext_lazy("Split the target by amounts")
    PERCENTAGES = "percentages", gettext_lazy("Split the target by percentages")
    SAME = "same", gettext_lazy("Carry the same target down (ratios)")


@dataclass(frozen=True)
class Allocation:
    """One receiver of a decomposed item: a sub-unit or an employee, with its share
    (an amount or a percentage, by mode) and its weight (``None``: the parent's)."""

    unit: OrgUnit | None = None
    employee: Employee | None = None
    share: Decimal | None = None
    weight: Decimal | None = None

    @property
    def owner_unit(self) -> OrgUnit:
        return self.employee.unit if self.employee is not None else self.unit  # type: ignore[return-value]

    @property
    def label(self) -> str:
        return self.employee.name if self.employee is not None else str(self.unit)


@dataclass
class CascadeResult:
    items: list[ScorecardItem] = field(default_factory=list)
    scorecards_created: int = 0
    warnings: list[str] = field(default_factory=list)


def allowed_modes(parent: ScorecardItem) -> list[str]:
    """Summed quantitative targets may be split; everything else is carried down."""
    if (
        parent.kind == ItemKind.QUANTITATIVE
        and parent.aggregation == Aggregation.SUM
        and parent.polarity != Polarity.RANGE
        and parent.target is not None
    ):
        return [SplitMode.AMOUNTS, SplitMode.PERCENTAGES, SplitMode.SAME]
    return [SplitMode.SAME]


def _check_receivers(
    actor: Actor, parent: ScorecardItem, allocations: Sequence[Allocation]
) -> None:
    top = parent.scorecard.unit
    if parent.scorecard.employee_id is not None:
        raise ValidationError(_("An employee's item cannot be decomposed further."))
    if not allocations:
        raise ValidationError(_("Choose at least one sub-unit or employee."))
    seen: set[tuple[str, int]] = set()
    for a in allocations:
        if (a.unit is None) == (a.employee is None):
            raise ValidationError(_("Each receiver is either a unit or an employee."))
        key = ("e", a.employee.pk) if a.employee is not None else ("u", a.unit.pk)  # type: ignore[union-attr]
        if key in seen:
            raise ValidationError(_("%(name)s is chosen twice.") % {"name": a.label})
        seen.add(key)
        unit = a.owner_unit
        inside = unit.path.startswith(top.path)
        if not inside or (a.employee is None and unit.pk == top.pk):
            raise ValidationError(
                _("%(name)s is not under %(unit)s.") % {"name": a.label, "unit": top}
            )
        if not may_change_unit(actor, unit):
            raise Http404
        if is_own_receiver(actor, unit=a.unit, employee=a.employee):
            raise PermissionDenied(
                _("The goals of %(name)s are your own: the next level up sets them.")
                % {"name": a.label}
            )


def existing_targets(parent: ScorecardItem) -> list[Decimal | None]:
    """The targets of the children earlier cascades gave ``parent``."""
    return list(ScorecardItem.objects.filter(parent=parent).values_list("target", flat=True))


def _tiers(
    parent: ScorecardItem,
    mode: str,
    allocations: Sequence[Allocation],
    existing: Sequence[Decimal | None] = (),
) -> list[dict[str, Any]]:
    """The tier values of each child, in allocation order.

    Percentages split what earlier cascades left (every tier scaled alike); amounts must
    fit in it. Either way the children never add up to more than the parent's target.
    """
    if mode == SplitMode.SAME:
        return [{f: getattr(parent, f) for f in ScorecardItem.GOAL_FIELDS} for _a in allocations]
    target = parent.target
    assert target is not None
    left = rules.left_to_give(target, existing)
    if left <= 0 and existing:
        raise ValidationError(
            _("Earlier cascades already gave out the whole target of %(target)s.")
            % {"target": _plain(target)}
        )
    if mode == SplitMode.AMOUNTS:
        amounts = [a.share for a in allocations if a.share is not None]
        excess = rules.overrun(target, existing, amounts)
        if excess:
            raise ValidationError(
                {
                    "share": _(
                        "Together with the %(given)s given earlier, these amounts exceed the "
                        "parent's target of %(target)s by %(excess)s."
                    )
                    % {
                        "given": _plain(rules.already_given(existing)),
                        "target": _plain(target),
                        "excess": _plain(excess),
                    }
                }
            )
    if mode == SplitMode.PERCENTAGES:
        shares = [a.share for a in allocations if a.share is not None and a.share >= 0]
        if len(shares) != len(allocations):
            raise ValidationError({"share": _("Give every receiver a percentage.")})
        total = sum(shares, Decimal(0))
        if total != 100:
            raise ValidationError(
                {"share": _("The percentages add up to %(total)s, not 100.") % {"total": total}}
            )
        bases = {f: scoring.share_of(getattr(parent, f), left, target) for f in SPLIT_TIERS}
        split = {
            f: scoring.split_by_percentages(base, shares)
            for f, base in bases.items()
            if base is not None
        }
        return [
            {f: split[f][i] if f in split else None for f in SPLIT_TIERS}
            for i in range(len(allocations))
        ]
    out = []
    for a in allocations:
        if a.share is None:
            raise ValidationError({"share": _("Give every receiver an amount.")})
        row = {f: scoring.share_of(getattr(parent, f), a.share, target) for f in SPLIT_TIERS}
        row["target"] = a.share
        out.append(row)
    return out


def _child_plan(
    parent_plan: dict[int, Decimal], parent: ScorecardItem, tiers: dict[str, Any]
) -> dict[int, Decimal]:
    if not parent_plan or tiers.get("target") is None or not parent.target:
        return dict(parent_plan)
    return {
        m: scoring.share_of(v, tiers["target"], parent.target)  # type: ignore[misc]
        for m, v in parent_plan.items()
    }


def _copy_milestones(parent: ScorecardItem, child: ScorecardItem, actor: Actor) -> None:
    for m in parent.milestones.all():
        audited(m.copy_for(child), actor).save()


@transaction.atomic
def item_cascade(
    *,
    actor: Actor,
    parent: ScorecardItem,
    mode: str,
    allocations: Sequence[Allocation],
) -> CascadeResult:
    """Decompose ``parent`` to the receivers in ``allocations`` in one step."""
    require(actor, ScorecardItem.objects, parent.pk, VIEW)
    parent = ScorecardItem.objects.select_related("scorecard__unit").get(pk=parent.pk)
    if mode not in allowed_modes(parent):
        raise ValidationError(
            {"mode": _("A ratio, range, milestone or key-task goal is carried down unchanged.")}
        )
    _check_receivers(actor, parent, allocations)
    existing = existing_targets(parent)
    tiers = _tiers(parent, mode, allocations, existing)
    plan = {p.month: p.value for p in parent.monthly_plans.all()}
    result = CascadeResult()
    for allocation, child_tiers in zip(allocations, tiers, strict=True):
        scorecard, created = scorecard_get_or_create(
            actor=actor,
            unit=allocation.owner_unit,
            employee=allocation.employee,
            year=parent.scorecard.year,
            plan=parent.scorecard.plan,
        )
        result.scorecards_created += created
        if scorecard.locked:
            raise ValidationError(
                _("The scorecard of %(name)s is signed; amend it before adding goals.")
                % {"name": allocation.label}
            )
        if ScorecardItem.objects.filter(scorecard=scorecard, parent=parent).exists():
            raise ValidationError(
                _("%(name)s already has a goal decomposed from this one.")
                % {"name": allocation.label}
            )
        weight = allocation.weight if allocation.weight is not None else parent.weight
        goal = parent.child_goal(weight=weight, **dict.fromkeys(ScorecardItem.GOAL_FIELDS))
        child = item_create(actor=actor, scorecard=scorecard, **{**goal, **child_tiers})
        for month, value in sorted(_child_plan(plan, parent, child_tiers).items()):
            audited(ItemMonthlyPlan(item=child, month=month, value=value), actor).save()
        if parent.kind == ItemKind.MILESTONE:
            _copy_milestones(parent, child, actor)
        result.items.append(child)
    if mode == SplitMode.AMOUNTS:
        total = sum((t["target"] for t in tiers), Decimal(0))
        left = rules.left_to_give(parent.target, [*existing, total])  # type: ignore[arg-type]
        if left:
            result.warnings.append(
                _(
                    "The amounts add up to %(total)s, the parent's target is %(target)s: "
                    "%(left)s is still to be given out."
                )
                % {
                    "total": _plain(total),
                    "target": _plain(parent.target),  # type: ignore[arg-type]
                    "left": _plain(left),
                }
            )
    return result


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")
