"""The pure rules of the strategy map: link errors, warnings, cycles, status colours."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import assume, given
from hypothesis import strategies as st

from strategy import rules
from strategy.rules import GREEN, GREY, RED, STATUSES, YELLOW, LinkProblem, WarningKind

# --- Link errors ----------------------------------------------------------------------------


def test_a_link_to_itself_is_refused() -> None:
    problems = rules.link_problems(cause=1, effect=1, plan=7, cause_plan=7, effect_plan=7)
    assert problems == [LinkProblem.SELF]


def test_the_same_link_twice_is_refused() -> None:
    problems = rules.link_problems(
        cause=1, effect=2, plan=7, cause_plan=7, effect_plan=7, existing=[(1, 2)]
    )
    assert problems == [LinkProblem.DUPLICATE]


def test_the_opposite_direction_is_not_a_duplicate() -> None:
    assert (
        rules.link_problems(
            cause=2, effect=1, plan=7, cause_plan=7, effect_plan=7, existing=[(1, 2)]
        )
        == []
    )


def test_a_link_across_plans_is_refused() -> None:
    assert rules.link_problems(cause=1, effect=2, plan=7, cause_plan=7, effect_plan=8) == [
        LinkProblem.CROSS_PLAN
    ]
    assert rules.link_problems(cause=1, effect=2, plan=9, cause_plan=7, effect_plan=7) == [
        LinkProblem.CROSS_PLAN
    ]


def test_a_link_between_two_objectives_of_its_plan_is_fine() -> None:
    assert rules.link_problems(cause=1, effect=2, plan=7, cause_plan=7, effect_plan=7) == []


# --- Warnings -------------------------------------------------------------------------------


def test_a_link_from_a_higher_perspective_down_warns() -> None:
    # financial (1) -> learning (4) runs down; learning -> financial is the normal way.
    ranks = {10: 1, 40: 4}
    assert rules.link_warnings(ranks, [(10, 40)]) == [
        rules.LinkWarning(WarningKind.DOWNWARD, (10, 40))
    ]
    assert rules.link_warnings(ranks, [(40, 10)]) == []


def test_a_link_inside_one_perspective_does_not_warn() -> None:
    assert rules.link_warnings({1: 2, 2: 2}, [(1, 2)]) == []


def test_a_cycle_warns_once_with_its_path() -> None:
    ranks = {1: 3, 2: 2, 3: 1}
    warnings = rules.link_warnings(ranks, [(1, 2), (2, 3), (3, 1)])
    cycles = [w for w in warnings if w.kind == WarningKind.CYCLE]
    assert len(cycles) == 1
    path = cycles[0].path
    assert path[0] == path[-1] and set(path) == {1, 2, 3}
    assert cycles[0].involves(3, 1)


def test_two_objectives_driving_each_other_are_a_cycle() -> None:
    assert rules.cycles([1, 2], [(1, 2), (2, 1)]) == [(1, 2, 1)]


def test_would_close_cycle_sees_the_way_back() -> None:
    links = [(1, 2), (2, 3)]
    assert rules.would_close_cycle(links, 3, 1)
    assert not rules.would_close_cycle(links, 1, 3)


graphs = st.integers(min_value=1, max_value=12).flatmap(
    lambda n: st.tuples(
        st.just(n),
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda e: e[0] != e[1]),
            max_size=30,
            unique=True,
        ),
    )
)


@given(graphs)
def test_every_objective_lies_in_exactly_one_component(graph: tuple[int, list]) -> None:
    n, edges = graph
    components = rules.strongly_connected_components(range(n), edges)
    members = [node for component in components for node in component]
    assert sorted(members) == list(range(n))


@given(graphs)
def test_links_that_only_climb_never_form_a_cycle(graph: tuple[int, list]) -> None:
    n, edges = graph
    climbing = [(a, b) for a, b in edges if a < b]
    assert rules.cycles(range(n), climbing) == []


@given(graphs)
def test_every_reported_cycle_follows_real_links(graph: tuple[int, list]) -> None:
    n, edges = graph
    edge_set = set(edges)
    for cycle in rules.cycles(range(n), edges):
        assert cycle[0] == cycle[-1]
        assert all(pair in edge_set for pair in pairwise(cycle))
        assert len(set(cycle[:-1])) == len(cycle) - 1  # simple: no objective twice


@given(graphs, st.integers(0, 11), st.integers(0, 11))
def test_closing_a_cycle_is_predicted_before_the_link_exists(
    graph: tuple[int, list], cause: int, effect: int
) -> None:
    n, edges = graph
    climbing = [(a, b) for a, b in edges if a < b]  # acyclic to start with
    cause, effect = cause % n, effect % n
    assume(cause != effect)  # a self-link is refused before any cycle check
    predicted = rules.would_close_cycle(climbing, cause, effect)
    assert predicted == bool(rules.cycles(range(n), [*climbing, (cause, effect)]))


# --- Status colours --------------------------------------------------------------------------


def test_no_reading_is_grey_and_any_reading_beats_grey() -> None:
    assert rules.combine_statuses([]) == GREY
    assert rules.combine_statuses([GREY, GREEN]) == GREEN


def test_the_worst_reading_wins() -> None:
    assert rules.combine_statuses([GREEN, RED, YELLOW]) == RED
    assert rules.combine_statuses([GREEN, YELLOW]) == YELLOW


@given(st.lists(st.sampled_from(STATUSES)))
def test_combining_ignores_the_order_of_providers(readings: list[str]) -> None:
    assert rules.combine_statuses(readings) == rules.combine_statuses(readings[::-1])
    assert rules.combine_statuses(readings) in STATUSES


@given(st.dictionaries(st.integers(1, 500), st.sampled_from(STATUSES)))
def test_counts_cover_every_objective_once(statuses: dict[int, str]) -> None:
    counts = rules.status_counts(statuses)
    assert set(counts) == set(STATUSES)
    assert sum(counts.values()) == len(statuses)


@given(st.dictionaries(st.integers(1, 500), st.sampled_from(STATUSES)))
def test_at_risk_lists_red_before_yellow_and_nothing_else(statuses: dict[int, str]) -> None:
    risky = rules.at_risk(statuses)
    assert set(risky) == {pk for pk, s in statuses.items() if s in (RED, YELLOW)}
    colours = [statuses[pk] for pk in risky]
    assert colours == sorted(colours, key=lambda c: c != RED)


def test_a_cascade_that_comes_back_round_is_a_loop() -> None:
    assert rules.parent_chain_loops({1: 2, 2: 3, 3: 1}, 1)
    assert not rules.parent_chain_loops({1: 2, 2: 3, 3: None}, 1)
