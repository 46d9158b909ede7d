"""Rules of the strategy map, as pure functions over plain values (no ORM, no request).

- A cause-effect link must not point to itself, must not repeat an existing link and must
  join two objectives of its own plan: these are *errors*.
- A link that closes a cycle, or that runs from a higher perspective down to a lower one
  (e.g. financial → learning & growth), is allowed but earns a *warning*: the Balanced
  Scorecard reads bottom-up, learning drives process drives customer drives finance.
- An objective's status colour combines what every status provider says about it.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

N = TypeVar("N", bound=Hashable)


class LinkProblem(StrEnum):
    """Why a proposed cause-effect link is refused."""

    SELF = "self"
    DUPLICATE = "duplicate"
    CROSS_PLAN = "cross_plan"


def link_problems(
    *,
    cause: int | None,
    effect: int | None,
    plan: int | None,
    cause_plan: int | None,
    effect_plan: int | None,
    existing: Iterable[tuple[int, int]] = (),
) -> list[LinkProblem]:
    """The errors of the link ``cause → effect`` in ``plan``; empty when it is valid.

    ``existing`` holds the (cause, effect) pairs already linked, excluding the link being
    edited. The opposite direction of an existing link is not a duplicate: it is a
    two-objective cycle, which only warns.
    """
    problems: list[LinkProblem] = []
    if cause is not None and cause == effect:
        problems.append(LinkProblem.SELF)
    if plan is not None and any(p is not None and p != plan for p in (cause_plan, effect_plan)):
        problems.append(LinkProblem.CROSS_PLAN)
    if cause is not None and effect is not None and (cause, effect) in set(existing):
        problems.append(LinkProblem.DUPLICATE)
    return problems


class WarningKind(StrEnum):
    CYCLE = "cycle"
    DOWNWARD = "downward"


@dataclass(frozen=True)
class LinkWarning:
    """A link the map accepts but an executive should look at again.

    ``path`` is the cycle, first objective repeated at the end (``A, B, A``), or the
    downward link itself (``cause, effect``).
    """

    kind: WarningKind
    path: tuple[int, ...]

    def involves(self, cause: int, effect: int) -> bool:
        pairs = set(zip(self.path, self.path[1:], strict=False))
        return (cause, effect) in pairs


def is_downward(cause_rank: int, effect_rank: int) -> bool:
    """True when a link runs from a higher perspective to a lower one.

    Ranks are perspective orders: 1 is the top band (financial by default), so a link
    from rank 1 to rank 4 runs down. Links inside one perspective are not downward.
    """
    return cause_rank < effect_rank


def strongly_connected_components(
    nodes: Iterable[N], edges: Iterable[tuple[N, N]]
) -> list[list[N]]:
    """Tarjan's algorithm, iterative so that a long chain cannot exhaust the stack.

    Returns every component, each in discovery order; components come out in reverse
    topological order of the condensed graph.
    """
    graph: dict[N, list[N]] = {}
    for node in nodes:
        graph.setdefault(node, [])
    for a, b in edges:
        graph.setdefault(a, []).append(b)
        graph.setdefault(b, [])
    index: dict[N, int] = {}
    low: dict[N, int] = {}
    on_stack: set[N] = set()
    stack: list[N] = []
    components: list[list[N]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work: list[tuple[N, int]] = [(root, 0)]
        while work:
            node, child_i = work.pop()
            if child_i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            children = graph[node]
            if child_i < len(children):
                work.append((node, child_i + 1))
                child = children[child_i]
                if child not in index:
                    work.append((child, 0))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            if low[node] == index[node]:
                component: list[N] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(component[::-1])
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return components


def _cycle_through(component: set[N], edges: Sequence[tuple[N, N]], start: N) -> tuple[N, ...]:
    """One simple cycle through ``start`` inside a strongly connected component (BFS)."""
    succ: dict[N, list[N]] = {}
    for a, b in edges:
        if a in component and b in component:
            succ.setdefault(a, []).append(b)
    came_from: dict[N, N] = {}
    frontier = [start]
    seen = {start}
    while frontier:
        nxt: list[N] = []
        for node in frontier:
            for child in succ.get(node, []):
                if child == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return (start, *path[::-1][1:], start)
                if child not in seen:
                    seen.add(child)
                    came_from[child] = node
                    nxt.append(child)
        frontier = nxt
    return (start, start)  # unreachable for a real component of two or more


def cycles(nodes: Iterable[N], edges: Iterable[tuple[N, N]]) -> list[tuple[N, ...]]:
    """One representative cycle per strongly connected component that has a cycle.

    A component of one node has a cycle only through a self-link, which links forbid.
    """
    edge_list = list(edges)
    found: list[tuple[N, ...]] = []
    for component in strongly_connected_components(nodes, edge_list):
        if len(component) > 1:
            found.append(_cycle_through(set(component), edge_list, component[0]))
    return found


def link_warnings(ranks: Mapping[int, int], links: Iterable[tuple[int, int]]) -> list[LinkWarning]:
    """Warnings for a plan's links: each downward link, and one cycle per tangle.

    ``ranks`` maps each objective to the order of its perspective.
    """
    pairs = list(links)
    warnings = [
        LinkWarning(WarningKind.DOWNWARD, (cause, effect))
        for cause, effect in pairs
        if cause in ranks and effect in ranks and is_downward(ranks[cause], ranks[effect])
    ]
    warnings += [LinkWarning(WarningKind.CYCLE, cycle) for cycle in cycles(ranks, pairs)]
    return warnings


def would_close_cycle(links: Iterable[tuple[int, int]], cause: int, effect: int) -> bool:
    """Whether adding ``cause → effect`` creates a cycle: ``effect`` already reaches ``cause``."""
    succ: dict[int, list[int]] = {}
    for a, b in links:
        succ.setdefault(a, []).append(b)
    seen = {effect}
    todo = [effect]
    while todo:
        node = todo.pop()
        if node == cause:
            return True
        for child in succ.get(node, []):
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return False


# --- Status colours ---------------------------------------------------------------------
GREEN = "green"
YELLOW = "yellow"
RED = "red"
GREY = "grey"
STATUSES = (GREEN, YELLOW, RED, GREY)
# Grey is "no data yet", so any reading beats it; among readings the worst one wins.
_SEVERITY = {GREY: 0, GREEN: 1, YELLOW: 2, RED: 3}


def combine_statuses(statuses: Iterable[str]) -> str:
    """The colour of an objective from its providers' colours: worst reading, else grey."""
    worst = GREY
    for status in statuses:
        if status in _SEVERITY and _SEVERITY[status] > _SEVERITY[worst]:
            worst = status
    return worst


def at_risk(statuses: Mapping[int, str]) -> list[int]:
    """Objectives needing attention, red before yellow, each group in id order."""
    return sorted(
        (pk for pk, status in statuses.items() if status in (RED, YELLOW)),
        key=lambda pk: (-_SEVERITY[statuses[pk]], pk),
    )


def status_counts(statuses: Mapping[int, str]) -> dict[str, int]:
    """How many objectives carry each colour, every colour present (0 when none)."""
    counts = dict.fromkeys(STATUSES, 0)
    for status in statuses.values():
        counts[status if status in counts else GREY] += 1
    return counts


def parent_chain_loops(parents: Mapping[int, int | None], start: int) -> bool:
    """Whether following ``parent`` from ``start`` comes back round (a cascade loop)."""
    seen = {start}
    node = parents.get(start)
    while node is not None:
        if node in seen:
            return True
        seen.add(node)
        node = parents.get(node)
    return False
