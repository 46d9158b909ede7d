"""Decomposition ("cascade") of an item to sub-units and employees, and bulk assignment.

``item_cascade`` creates, in one step, a child item on each chosen sub-unit's or employee's
scorecard (creating draft scorecards where missing): a summed target split by amounts or by
percentages, or a ratio target carried down unchanged. ``item_bulk_assign`` gives one goal
to every employee matching a unit and job title in one action and a constant number of
queries, whether it reaches 6 people or 6,000.

Every child links to its parent item, so the line from an employee's goal up to the company
objective can always be drawn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from org.models import Employee, OrgUnit
from org.scoping import CHANGE, VIEW, scope_of
from scorecard import rules
from scorecard.models import (
    Aggregation,
    ItemKind,
    ItemMonthlyPlan,
    Milestone,
    Polarity,
    Scorecard,
    ScorecardItem,
    ScorecardQuerySet,
    ScorecardStatus,
)
from scorecard.services.scorecards import (
    audited,
    item_create,
    plan_for,
    require,
    scorecard_get_or_create,
    unit_in_change_scope,
)

SPLIT_TIERS = ("floor", "baseline", "target", "challenge", "last_year")
CARRIED = (*SPLIT_TIERS, "range_low", "range_high", "benchmark")
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


def _check_receivers(actor: Any, parent: ScorecardItem, allocations: Sequence[Allocation]) -> None:
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
        if not unit_in_change_scope(actor, unit):
            raise Http404


def _tiers(
    parent: ScorecardItem, mode: str, allocations: Sequence[Allocation]
) -> list[dict[str, Any]]:
    """The tier values of each child, in allocation order."""
    if mode == SplitMode.SAME:
        return [{f: getattr(parent, f) for f in CARRIED} for _a in allocations]
    target = parent.target
    assert target is not None
    if mode == SplitMode.PERCENTAGES:
        shares = [a.share for a in allocations]
        if any(s is None or s < 0 for s in shares):
            raise ValidationError({"share": _("Give every receiver a percentage.")})
        if sum(shares, Decimal(0)) != 100:  # type: ignore[arg-type]
            raise ValidationError(
                {
                    "share": _("The percentages add up to %(total)s, not 100.")
                    % {"total": sum(shares, Decimal(0))}
                }  # type: ignore[arg-type]
            )
        split = {
            f: rules.split_by_percentages(getattr(parent, f), shares)  # type: ignore[arg-type]
            for f in SPLIT_TIERS
            if getattr(parent, f) is not None
        }
        return [
            {f: split[f][i] if f in split else None for f in SPLIT_TIERS}
            for i in range(len(allocations))
        ]
    out = []
    for a in allocations:
        if a.share is None:
            raise ValidationError({"share": _("Give every receiver an amount.")})
        row = {f: rules.share_of(getattr(parent, f), a.share, target) for f in SPLIT_TIERS}
        row["target"] = a.share
        out.append(row)
    return out


def _child_plan(
    parent_plan: dict[int, Decimal], parent: ScorecardItem, tiers: dict[str, Any]
) -> dict[int, Decimal]:
    if not parent_plan or tiers.get("target") is None or not parent.target:
        return dict(parent_plan)
    return {
        m: rules.share_of(v, tiers["target"], parent.target)  # type: ignore[misc]
        for m, v in parent_plan.items()
    }


def _copy_milestones(parent: ScorecardItem, child: ScorecardItem, actor: Any) -> None:
    for m in parent.milestones.all():
        copy = Milestone(
            item=child,
            name=m.name,
            due_date=m.due_date,
            completion_standard=m.completion_standard,
            weight=m.weight,
            responsible_unit_id=m.responsible_unit_id,
            counterpart_unit_id=m.counterpart_unit_id,
            order=m.order,
        )
        audited(copy, actor).save()


@transaction.atomic
def item_cascade(
    *,
    actor: Any = None,
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
    tiers = _tiers(parent, mode, allocations)
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
        child = item_create(
            actor=actor,
            scorecard=scorecard,
            kind=parent.kind,
            name=parent.name,
            parent=parent,
            objective=parent.objective,
            indicator=parent.indicator,
            description=parent.description,
            weight=allocation.weight if allocation.weight is not None else parent.weight,
            polarity=parent.polarity,
            aggregation=parent.aggregation,
            unit_of_measure=parent.unit_of_measure,
            **child_tiers,
        )
        for month, value in sorted(_child_plan(plan, parent, child_tiers).items()):
            audited(ItemMonthlyPlan(item=child, month=month, value=value), actor).save()
        if parent.kind == ItemKind.MILESTONE:
            _copy_milestones(parent, child, actor)
        result.items.append(child)
    if mode == SplitMode.AMOUNTS:
        total = sum((t["target"] for t in tiers), Decimal(0))
        if total != parent.target:
            result.warnings.append(
                _("The amounts add up to %(total)s, the parent's target is %(target)s.")
                % {"total": _plain(total), "target": _plain(parent.target)}  # type: ignore[arg-type]
            )
    return result


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


# --- Bulk assignment ------------------------------------------------------------------


@dataclass
class BulkAssignResult:
    created: int = 0
    already: int = 0
    locked: int = 0
    scorecards_created: int = 0


def bulk_assign_candidates(
    actor: Any,
    parent: ScorecardItem,
    *,
    unit: OrgUnit,
    job_title: str = "",
    include_subunits: bool = True,
) -> QuerySet[Employee]:
    """The active employees a bulk assignment of ``parent`` would reach."""
    top = parent.scorecard.unit
    people = Employee.objects.restrict(actor).filter(active=True, unit__path__startswith=top.path)
    people = (
        people.filter(unit__path__startswith=unit.path)
        if include_subunits
        else people.filter(unit=unit)
    )
    if job_title:
        people = people.filter(job_title=job_title)
    scope = scope_of(actor)
    if actor is not None and not scope.superuser:
        q = Q(pk__in=[])
        for path in scope.paths(ScorecardQuerySet.scope_rules[CHANGE]):
            q |= Q(unit__path__startswith=path)
        people = people.filter(q)
    return people.order_by("name", "employee_no")


@transaction.atomic
def item_bulk_assign(
    *,
    actor: Any = None,
    parent: ScorecardItem,
    unit: OrgUnit,
    job_title: str = "",
    include_subunits: bool = True,
    weight: Decimal | None = None,
) -> BulkAssignResult:
    """Give ``parent``'s goal, unchanged, to every matching employee in one action.

    People whose scorecard is signed are left out (counted in ``locked``), as are people
    who already have a goal decomposed from ``parent`` (``already``). Rows are written in
    bulk with their history; the one prototype item is validated like any other item.
    """
    require(actor, ScorecardItem.objects, parent.pk, VIEW)
    parent = ScorecardItem.objects.select_related("scorecard__unit", "scorecard__plan").get(
        pk=parent.pk
    )
    if parent.scorecard.employee_id is not None:
        raise ValidationError(_("An employee's item cannot be assigned to others."))
    if not unit.path.startswith(parent.scorecard.unit.path):
        raise ValidationError(
            {"unit": _("Choose a unit under %(unit)s.") % {"unit": parent.scorecard.unit}}
        )
    year = parent.scorecard.year
    people = bulk_assign_candidates(
        actor, parent, unit=unit, job_title=job_title, include_subunits=include_subunits
    )
    cards = {
        employee_id: (pk, status)
        for pk, employee_id, status in Scorecard.objects.filter(
            year=year, employee__in=people
        ).values_list("pk", "employee_id", "status")
    }
    already = set(
        ScorecardItem.objects.filter(parent=parent, scorecard__employee__in=people).values_list(
            "scorecard__employee_id", flat=True
        )
    )
    result = BulkAssignResult()
    targets = list(people.values_list("pk", "unit_id"))
    plan = parent.scorecard.plan or plan_for(parent.scorecard.unit, year)
    new_cards = [
        Scorecard(unit_id=unit_id, employee_id=pk, year=year, plan=plan)
        for pk, unit_id in targets
        if pk not in cards
    ]
    for card in bulk_create_with_history(
        new_cards, Scorecard, batch_size=BATCH, default_user=actor
    ):
        cards[card.employee_id] = (card.pk, card.status)  # type: ignore[index]
    result.scorecards_created = len(new_cards)
    prototype = ScorecardItem(
        kind=parent.kind,
        name=parent.name,
        parent=parent,
        objective=parent.objective,
        indicator=parent.indicator,
        description=parent.description,
        weight=weight if weight is not None else parent.weight,
        polarity=parent.polarity,
        aggregation=parent.aggregation,
        unit_of_measure=parent.unit_of_measure,
        **{f: getattr(parent, f) for f in CARRIED},
    )
    prototype.full_clean(exclude=["scorecard", "parent"])
    items = []
    for pk, _unit_id in targets:
        card_id, status = cards[pk]
        if pk in already:
            result.already += 1
        elif status == ScorecardStatus.SIGNED:
            result.locked += 1
        else:
            child = ScorecardItem(
                **{
                    f.attname: getattr(prototype, f.attname)
                    for f in ScorecardItem._meta.concrete_fields
                    if f.name != "id"
                }
            )
            child.scorecard_id = card_id
            child.order = 100
            items.append(child)
    created = bulk_create_with_history(items, ScorecardItem, batch_size=BATCH, default_user=actor)
    result.created = len(created)
    if created:
        _copy_in_bulk(parent, created, actor)
        ids = [c.pk for c in created]
        in_scope = ScorecardItem.objects.restrict(actor, CHANGE).filter(
            parent=parent, pk__gte=min(ids), pk__lte=max(ids)
        )
        if actor is not None and in_scope.count() != len(ids):
            raise Http404
    return result


def _copy_in_bulk(parent: ScorecardItem, children: Sequence[ScorecardItem], actor: Any) -> None:
    plans = list(parent.monthly_plans.all())
    if plans:
        bulk_create_with_history(
            [
                ItemMonthlyPlan(item=c, month=p.month, value=p.value)
                for c in children
                for p in plans
            ],
            ItemMonthlyPlan,
            batch_size=BATCH,
            default_user=actor,
        )
    milestones = list(parent.milestones.all())
    if milestones:
        bulk_create_with_history(
            [
                Milestone(
                    item=c,
                    name=m.name,
                    due_date=m.due_date,
                    completion_standard=m.completion_standard,
                    weight=m.weight,
                    responsible_unit_id=m.responsible_unit_id,
                    counterpart_unit_id=m.counterpart_unit_id,
                    order=m.order,
                )
                for c in children
                for m in milestones
            ],
            Milestone,
            batch_size=BATCH,
            default_user=actor,
        )
