"""The alignment view: objective → unit items → employee items, and what is out of line.

For one unit's subtree, one year and one strategic plan it builds the tree of the unit
items (down to ``levels`` levels of sub-units) under the objectives they serve, with the
employee items under each unit item summarised (how many, their targets' total), and it
checks the rules of DESIGN §2 step 4:

- an objective no item serves ("no KPI"),
- a scorecard whose quantitative and milestone weights do not sum to 100,
- decomposed children that do not add up to their parent (sums) or fall short of it
  (ratios carried down),
- an item linked to no objective.

Every list of problems is capped (``LIMIT`` rows plus the total count), so the page stays
fast for a whole group. The two checks that would need a pass over every item (weights,
sums) read flags kept up to date by the writes (:mod:`scorecard.summaries`). Queries: a
fixed handful, whatever the size of the subtree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)

from org.models import OrgUnit
from scorecard.models import ItemKind, Scorecard, ScorecardItem
from scorecard.rules import scoring
from scorecard.selectors.items import items as scoped_items
from scorecard.selectors.scorecards import scorecards, with_summary
from strategy.models import Objective, PlanStatus, StrategicPlan

LIMIT = 50
NODE_LIMIT = 400


@dataclass
class ChildSummary:
    count: int = 0
    employees: int = 0
    total: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None


@dataclass
class Node:
    item: ScorecardItem
    children: list[Node] = field(default_factory=list)
    summary: ChildSummary = field(default_factory=ChildSummary)
    adds_up: bool = True


@dataclass
class Branch:
    objective: Objective | None
    nodes: list[Node] = field(default_factory=list)


@dataclass
class Problems:
    rows: list[Any] = field(default_factory=list)
    total: int = 0


@dataclass
class Alignment:
    plan: StrategicPlan | None
    year: int
    unit: OrgUnit
    levels: int
    branches: list[Branch] = field(default_factory=list)
    uncovered: list[Objective] = field(default_factory=list)
    weights: Problems = field(default_factory=Problems)
    sums: Problems = field(default_factory=Problems)
    unlinked: Problems = field(default_factory=Problems)

    @property
    def warning_count(self) -> int:
        return len(self.uncovered) + self.weights.total + self.sums.total + self.unlinked.total


def plans_for(user: Any, unit: OrgUnit, year: int) -> QuerySet[StrategicPlan]:
    """Plans the user may read that cover ``year`` and are owned at or above ``unit``."""
    owners = [*unit.ancestor_ids(), unit.pk]
    return (
        StrategicPlan.objects.restrict(user)
        .filter(start_year__lte=year, end_year__gte=year, owner_unit_id__in=owners)
        .order_by("-owner_unit__depth", "-version")
    )


def plan_choice(
    user: Any, unit: OrgUnit, year: int, chosen: str = ""
) -> tuple[list[StrategicPlan], StrategicPlan | None]:
    """The plans of :func:`plans_for` (one query: a handful) and the one to show: the
    ``chosen`` id's, else the nearest approved one, else the nearest."""
    plans = list(plans_for(user, unit, year))
    if chosen.isdigit():
        return plans, next((p for p in plans if p.pk == int(chosen)), None)
    approved = (p for p in plans if p.status == PlanStatus.APPROVED)
    return plans, next(approved, plans[0] if plans else None)


def _children_summaries(
    view: QuerySet[ScorecardItem], parent_ids: list[int]
) -> dict[int, ChildSummary]:
    rows = (
        view.filter(parent_id__in=parent_ids)
        .order_by()
        .values("parent_id")
        .annotate(
            n=Count("pk"),
            people=Count("pk", filter=Q(scorecard__employee__isnull=False)),
            total=Sum("target"),
            low=Min("target"),
            high=Max("target"),
        )
    )
    return {
        r["parent_id"]: ChildSummary(r["n"], r["people"], r["total"], r["low"], r["high"])
        for r in rows
    }


def _adds_up(item: ScorecardItem, summary: ChildSummary) -> bool:
    if not summary.count or item.kind != ItemKind.QUANTITATIVE or item.target is None:
        return True
    if summary.total is None:
        return True
    if item.aggregation == scoring.SUM:
        return scoring.children_add_up(item.target, [summary.total], scoring.SUM, item.polarity)
    bounds = [b for b in (summary.low, summary.high) if b is not None]
    return scoring.children_add_up(item.target, bounds, item.aggregation, item.polarity)


def _levels_within_limit(view: QuerySet[ScorecardItem], unit: OrgUnit, levels: int) -> int:
    """Fewer levels of sub-units when the tree would pass ``NODE_LIMIT`` unit items (a large
    group): the page stays readable, and a sub-unit opens the next levels."""
    per_depth = dict(
        view.filter(
            scorecard__employee__isnull=True, scorecard__unit__depth__lte=unit.depth + levels
        )
        .order_by()
        .values_list("scorecard__unit__depth")
        .annotate(n=Count("pk"))
    )
    shown, total = 0, 0
    for extra in range(levels + 1):
        total += per_depth.get(unit.depth + extra, 0)
        if total > NODE_LIMIT and extra > 0:
            break
        shown = extra
    return shown


def alignment(
    user: Any, *, unit: OrgUnit, year: int, plan: StrategicPlan | None, levels: int = 2
) -> Alignment:
    view = scoped_items(user).filter(
        scorecard__year=year, scorecard__unit__path__startswith=unit.path
    )
    levels = _levels_within_limit(view, unit, levels)
    result = Alignment(plan=plan, year=year, unit=unit, levels=levels)
    unit_items = list(
        view.filter(
            scorecard__employee__isnull=True, scorecard__unit__depth__lte=unit.depth + levels
        )
        .select_related("scorecard__unit", "objective", "indicator")
        .order_by("scorecard__unit__path", "order", "pk")
    )
    summaries = _children_summaries(view, [i.pk for i in unit_items])
    nodes = {i.pk: Node(i, summary=summaries.get(i.pk, ChildSummary())) for i in unit_items}
    for node in nodes.values():
        node.adds_up = _adds_up(node.item, node.summary)
    objectives: list[Objective] = []
    if plan is not None:
        objectives = list(
            Objective.objects.restrict(user)
            .filter(plan=plan)
            .select_related("perspective", "owner_unit")
            .order_by("perspective__order", "code")
        )
    branches = {o.pk: Branch(o) for o in objectives}
    loose = Branch(None)
    for node in nodes.values():
        parent = nodes.get(node.item.parent_id) if node.item.parent_id else None
        if parent is not None:
            parent.children.append(node)
        else:
            branches.get(node.item.objective_id, loose).nodes.append(node)  # type: ignore[arg-type]
    result.branches = list(branches.values()) + ([loose] if loose.nodes else [])
    result.uncovered = _uncovered(view, objectives, {n.item.objective_id for n in nodes.values()})
    _weight_problems(user, result)
    _sum_problems(view, result)
    unlinked = view.filter(objective__isnull=True).select_related(
        "scorecard__unit", "scorecard__employee"
    )
    rows = list(unlinked.order_by("scorecard__unit__path", "pk")[:LIMIT])
    # Fewer rows than the limit are all of them: count only a list that was cut.
    result.unlinked = Problems(rows, unlinked.count() if len(rows) == LIMIT else len(rows))
    return result


def _probe(objectives: list[Objective], items: QuerySet[ScorecardItem]) -> set[int]:
    """Which of ``objectives`` an item of ``items`` serves, in one query: one ``EXISTS`` each
    with its id written in. Planned one by one, an unused objective is an empty index probe
    and a served one stops at its first item (as a correlated subquery the planner expects
    a tenth of the items per objective and scans them all for an unused one)."""
    if not objectives:
        return set()
    probes = {f"o{o.pk}": Exists(items.filter(objective_id=o.pk)) for o in objectives}
    found = Objective.objects.filter(pk=objectives[0].pk).values(**probes).get()
    return {o.pk for o in objectives if found[f"o{o.pk}"]}


def _uncovered(
    view: QuerySet[ScorecardItem], objectives: list[Objective], in_tree: set[int | None]
) -> list[Objective]:
    """The objectives no item of ``view`` serves. One the tree's unit items serve is served;
    one no item at all serves is not (a probe of the item table alone, ~0.1 ms to plan
    each). Only the rest are probed in ``view`` (three tables, ~1 ms to plan each), so the
    usual page — every objective in the tree or unused — plans no such probe at all."""
    rest = [o for o in objectives if o.pk not in in_tree]
    used = _probe(rest, ScorecardItem.objects.all())
    served = {o.pk for o in objectives if o.pk in in_tree}
    served |= _probe([o for o in rest if o.pk in used], view)
    return [o for o in objectives if o.pk not in served]


def _weight_problems(user: Any, result: Alignment) -> None:
    """Scorecards whose weights are not 100 (or that have no weighted item): the flag kept
    by :mod:`scorecard.summaries`, read through its partial index."""
    bad = scorecards(user).filter(
        year=result.year, unit__path__startswith=result.unit.path, weights_off=True
    )
    ids = list(bad.order_by("unit__path", "employee__name", "pk").values_list("pk", flat=True))
    if not ids:  # the usual page: nothing to read, nor to build the summary's subqueries of
        return
    rows = with_summary(Scorecard.objects.filter(pk__in=ids[:LIMIT])).order_by(
        "unit__path", "employee__name", "pk"
    )
    result.weights = Problems(list(rows), len(ids))


def _child_aggregate(view: QuerySet[ScorecardItem], function: Any) -> Subquery:
    sub = (
        view.filter(parent=OuterRef("pk"))
        .order_by()
        .values("parent")
        .annotate(v=function("target"))
        .values("v")
    )
    return Subquery(sub, output_field=DecimalField(max_digits=18, decimal_places=4))


def _sum_problems(view: QuerySet[ScorecardItem], result: Alignment) -> None:
    """Parents whose children do not add up: the flag kept by :mod:`scorecard.summaries`,
    read through its partial index, then the children's total for the rows shown."""
    bad_ids = list(
        view.filter(children_off=True)
        .order_by("scorecard__unit__path", "pk")
        .values_list("pk", flat=True)
    )
    if not bad_ids:
        return
    rows = (
        ScorecardItem.objects.filter(pk__in=bad_ids[:LIMIT])
        .annotate(child_total=_child_aggregate(view, Sum))
        .select_related("scorecard__unit", "scorecard__employee")
        .order_by("scorecard__unit__path", "pk")
    )
    result.sums = Problems(list(rows), len(bad_ids))
