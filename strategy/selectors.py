"""Reads of the strategy that a user makes. Each starts from ``restrict``.

Out of scope is a 404 (``get_object_or_404`` on the restricted queryset) and never a row
in a list. Every function here runs a fixed number of queries whatever the size of the
plan, so the map and the lists do not slow down as objectives are added.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404

from org.models import OrgUnit
from org.scoping import CHANGE, MANAGER, VIEW, scope_of
from spm.memo import remember
from strategy import layout as map_layout
from strategy import rules, svg
from strategy.kpis import KPIS_SHOWN, Kpi, objective_kpis
from strategy.models import (
    CauseEffectLink,
    Objective,
    Perspective,
    PlanStatus,
    StrategicPlan,
    Strategy,
    StrategyLevel,
    Theme,
)
from strategy.status import objective_statuses


# --- Plans ---------------------------------------------------------------------------------
def plans(user: Any, action: str = VIEW) -> QuerySet[StrategicPlan]:
    return StrategicPlan.objects.restrict(user, action).select_related("owner_unit")


def plan_get(user: Any, pk: Any, action: str = VIEW) -> StrategicPlan:
    return get_object_or_404(plans(user, action).select_related("approved_by"), pk=pk)


def plan_owner_units(user: Any) -> QuerySet[OrgUnit]:
    """Active units ``user`` may start a plan for: where the plan's change rule covers them."""
    roles = StrategicPlan.objects.all().scope_rules[CHANGE]
    return OrgUnit.objects.restrict(user).filter(scope_of(user).units_q(roles), active=True)


def plan_units(user: Any, plan: StrategicPlan) -> QuerySet[OrgUnit]:
    """Units that may own a strategy or objective of ``plan``: its unit and those below."""
    return (
        OrgUnit.objects.restrict(user).filter(active=True).within(plan.owner_unit).order_by("path")
    )


def plan_can_edit(user: Any, plan: StrategicPlan) -> bool:
    """Whether ``user`` may change ``plan`` now: in their executive scope, and a draft."""
    return plan.is_draft and StrategicPlan.objects.can(user, CHANGE, plan.pk)


def current_plan(user: Any) -> StrategicPlan | None:
    """The plan a user's strategy pages open on: the top unit's latest approved version,
    or, for executives before anything is approved, the latest draft.

    Read once for all the home page's panels (:func:`spm.memo.page_memo`): the strategy
    card (the executive's dashboard) and the light panel's objectives both ask."""
    return remember(("strategy.current_plan", getattr(user, "pk", None)), lambda: _current(user))


def _current(user: Any) -> StrategicPlan | None:
    visible = plans(user).order_by("owner_unit__depth", "-start_year", "-version")
    return visible.filter(status=PlanStatus.APPROVED).first() or visible.first()


def plan_draft_successor(user: Any, plan: StrategicPlan) -> StrategicPlan | None:
    """The draft revising ``plan``, if the user can see it."""
    return plans(user).filter(previous=plan, status=PlanStatus.DRAFT).first()


def plan_history(user: Any, plan: StrategicPlan) -> QuerySet[StrategicPlan]:
    """Every version of the unit's plans the user may read, newest first."""
    return plans(user).filter(owner_unit_id=plan.owner_unit_id).order_by("-start_year", "-version")


# --- What a plan holds -------------------------------------------------------------------
def perspectives(user: Any, action: str = VIEW) -> QuerySet[Perspective]:
    return Perspective.objects.restrict(user, action)


def themes(user: Any, action: str = VIEW) -> QuerySet[Theme]:
    return Theme.objects.restrict(user, action)


def strategies(user: Any, action: str = VIEW) -> QuerySet[Strategy]:
    return Strategy.objects.restrict(user, action).select_related("unit")


def objectives(user: Any, action: str = VIEW) -> QuerySet[Objective]:
    return Objective.objects.restrict(user, action).select_related(
        "owner_unit", "perspective", "theme"
    )


def links(user: Any, action: str = VIEW) -> QuerySet[CauseEffectLink]:
    return CauseEffectLink.objects.restrict(user, action).select_related("cause", "effect")


def perspective_get(user: Any, pk: Any, action: str = VIEW) -> Perspective:
    return get_object_or_404(perspectives(user, action).select_related("plan"), pk=pk)


def theme_get(user: Any, pk: Any, action: str = VIEW) -> Theme:
    return get_object_or_404(themes(user, action).select_related("plan"), pk=pk)


def strategy_get(user: Any, pk: Any, action: str = VIEW) -> Strategy:
    return get_object_or_404(strategies(user, action).select_related("plan"), pk=pk)


def objective_get(user: Any, pk: Any, action: str = VIEW) -> Objective:
    return get_object_or_404(
        objectives(user, action).select_related("plan", "owner_unit__head", "parent"), pk=pk
    )


def link_get(user: Any, pk: Any, action: str = VIEW) -> CauseEffectLink:
    return get_object_or_404(links(user, action).select_related("plan"), pk=pk)


@dataclass
class PlanOverview:
    """Everything the plan page shows, read in a fixed number of queries."""

    plan: StrategicPlan
    perspectives: list[Perspective]
    themes: list[Theme]
    strategies: dict[str, list[Strategy]]
    objectives_by_perspective: list[tuple[Perspective, list[Objective]]]
    links: list[CauseEffectLink]
    warnings: list[rules.LinkWarning]
    by_id: dict[int, Objective] = field(default_factory=dict)

    def warning_rows(self) -> list[tuple[rules.LinkWarning, list[Objective]]]:
        return _warning_rows(self.warnings, self.by_id)


def _warning_rows(
    warnings: list[rules.LinkWarning], by_id: dict[int, Objective]
) -> list[tuple[rules.LinkWarning, list[Objective]]]:
    """Each warning with the objectives it names, for showing codes instead of ids."""
    return [(w, [by_id[pk] for pk in w.path if pk in by_id]) for w in warnings]


def plan_overview(user: Any, plan: StrategicPlan) -> PlanOverview:
    bands = list(perspectives(user).filter(plan=plan).order_by("order", "id"))
    visible = list(objectives(user).filter(plan=plan).order_by("perspective__order", "code"))
    by_band: dict[int, list[Objective]] = {p.pk: [] for p in bands}
    for objective in visible:
        by_band.setdefault(objective.perspective_id, []).append(objective)
    ids = {o.pk for o in visible}
    plan_links = [
        link
        for link in links(user).filter(plan=plan).order_by("cause__code", "effect__code")
        if link.cause_id in ids and link.effect_id in ids
    ]
    grouped: dict[str, list[Strategy]] = {level: [] for level in StrategyLevel.values}
    for strategy in strategies(user).filter(plan=plan).order_by("unit__path", "level"):
        grouped[strategy.level].append(strategy)
    ranks = {o.pk: o.perspective.order for o in visible}
    return PlanOverview(
        plan=plan,
        perspectives=bands,
        themes=list(themes(user).filter(plan=plan).order_by("order", "name")),
        strategies=grouped,
        objectives_by_perspective=[(p, by_band.get(p.pk, [])) for p in bands],
        links=plan_links,
        warnings=rules.link_warnings(ranks, [(lk.cause_id, lk.effect_id) for lk in plan_links]),
        by_id={o.pk: o for o in visible},
    )


# --- The strategy map ---------------------------------------------------------------------
@dataclass
class StrategyMap:
    """The map of one plan as the user may see it: layout, colours and warnings."""

    plan: StrategicPlan
    perspectives: list[Perspective]
    objectives: dict[int, Objective]
    links: list[CauseEffectLink]
    statuses: dict[int, str]
    layout: map_layout.MapLayout
    warnings: list[rules.LinkWarning] = field(default_factory=list)

    @property
    def downward(self) -> frozenset[tuple[int, int]]:
        return frozenset(
            (w.path[0], w.path[1]) for w in self.warnings if w.kind == rules.WarningKind.DOWNWARD
        )

    def svg(self, *, link_for: Callable[[int], str] | None = None, title: str = "") -> str:
        return svg.render_map(
            self.layout,
            band_names={p.pk: p.name for p in self.perspectives},
            labels={
                pk: svg.NodeLabel(o.code, o.name, o.owner_unit.name)
                for pk, o in self.objectives.items()
            },
            statuses=self.statuses,
            downward=self.downward,
            title=title,
            link_for=link_for,
        )

    def counts(self) -> dict[str, int]:
        return rules.status_counts(self.statuses)

    def at_risk(self) -> list[Objective]:
        return [self.objectives[pk] for pk in rules.at_risk(self.statuses)]

    def warning_rows(self) -> list[tuple[rules.LinkWarning, list[Objective]]]:
        return _warning_rows(self.warnings, self.objectives)


def plan_map(user: Any, plan: StrategicPlan) -> StrategyMap:
    """Three queries (perspectives, objectives, links) plus the status providers' own."""
    bands = list(perspectives(user).filter(plan=plan).order_by("order", "id"))
    # Starting order inside a band: by theme, so a theme's objectives begin side by side.
    visible = list(
        Objective.objects.restrict(user)
        .filter(plan=plan)
        .select_related("owner_unit")
        .order_by("theme__order", "code")
    )
    by_id = {o.pk: o for o in visible}
    plan_links = [
        link
        for link in CauseEffectLink.objects.restrict(user).filter(plan=plan).order_by("pk")
        if link.cause_id in by_id and link.effect_id in by_id
    ]
    edges = [(link.cause_id, link.effect_id) for link in plan_links]
    rank = {p.pk: p.order for p in bands}
    ranks = {o.pk: rank.get(o.perspective_id, 0) for o in visible}
    return StrategyMap(
        plan=plan,
        perspectives=bands,
        objectives=by_id,
        links=plan_links,
        statuses=objective_statuses(by_id),
        layout=map_layout.layout_map(
            [p.pk for p in bands], [(o.pk, o.perspective_id) for o in visible], edges
        ),
        warnings=rules.link_warnings(ranks, edges),
    )


# --- One objective, as the map's side panel shows it --------------------------------------
@dataclass
class ObjectiveDetail:
    objective: Objective
    status: str
    drivers: list[Objective]  # objectives whose achievement drives this one
    driven: list[Objective]  # objectives this one drives
    cascaded: list[Objective]
    kpis: list[Kpi]  # the first KPIS_SHOWN
    more_kpis: bool = False  # more KPIs than those


def objective_detail(user: Any, pk: Any) -> ObjectiveDetail:
    objective = objective_get(user, pk)
    visible_links = CauseEffectLink.objects.restrict(user)
    related = objectives(user).order_by("perspective__order", "code")
    kpis = objective_kpis(user, [objective.pk])[objective.pk]
    return ObjectiveDetail(
        objective=objective,
        status=objective_statuses([objective.pk])[objective.pk],
        drivers=list(related.filter(pk__in=visible_links.filter(effect=objective).values("cause"))),
        driven=list(related.filter(pk__in=visible_links.filter(cause=objective).values("effect"))),
        cascaded=list(related.filter(parent=objective)),
        kpis=kpis[:KPIS_SHOWN],
        more_kpis=len(kpis) > KPIS_SHOWN,
    )


# --- Dashboards ----------------------------------------------------------------------------
def my_units_objectives(user: Any) -> QuerySet[Objective]:
    """Objectives owned by the units a manager heads (drafts included), for "our part"."""
    scope = scope_of(user)
    if not scope.paths([MANAGER]):
        return Objective.objects.none()
    return (
        objectives(user)
        .filter(scope.units_q([MANAGER], "owner_unit"))
        .select_related("plan")
        .order_by("-plan__start_year", "-plan__version", "perspective__order", "code")
    )


def unit_strategy(user: Any, plan: StrategicPlan, unit_id: int | None) -> Strategy | None:
    """The strategy nearest above ``unit_id`` (itself first): "one department, one strategy"."""
    if unit_id is None:
        return None
    # The unit and those above it: the units whose path begins that of ``unit_id`` (one
    # query, the unit's path read inside it).
    unit = OrgUnit.objects.restrict(user).filter(
        pk=unit_id, path__startswith=OuterRef("unit__path")
    )
    return (
        strategies(user)
        .filter(plan=plan)
        .filter(Exists(unit))
        .order_by("-unit__depth", "level")
        .first()
    )


def unit_strategy_on_path(user: Any, plan: StrategicPlan, unit_path: str) -> Strategy | None:
    """The strategy nearest above the unit at ``unit_path`` (itself first), as
    :func:`unit_strategy` answers for a unit the user sees (their own: the home page), from
    the ids the path holds: no query of the unit."""
    ids = [int(part) for part in unit_path.strip("/").split("/") if part]
    return (
        strategies(user)
        .filter(plan=plan, unit_id__in=ids)
        .order_by("-unit__depth", "level")
        .first()
    )


def warnings_by_plan(user: Any, plan_ids: set[int]) -> dict[int, list[rules.LinkWarning]]:
    """Link warnings of several plans in two queries, as the user sees those plans."""
    ranks: dict[int, dict[int, int]] = {pk: {} for pk in plan_ids}
    for pk, plan_id, order in (
        Objective.objects.restrict(user)
        .filter(plan_id__in=plan_ids)
        .values_list("pk", "plan_id", "perspective__order")
    ):
        ranks[plan_id][pk] = order
    edges: dict[int, list[tuple[int, int]]] = {pk: [] for pk in plan_ids}
    for plan_id, cause, effect in (
        CauseEffectLink.objects.restrict(user)
        .filter(plan_id__in=plan_ids)
        .values_list("plan_id", "cause_id", "effect_id")
    ):
        if cause in ranks[plan_id] and effect in ranks[plan_id]:
            edges[plan_id].append((cause, effect))
    return {pk: rules.link_warnings(ranks[pk], edges[pk]) for pk in plan_ids}
