"""The map layout (bands, barycentre ordering, spacing, routes) and the SVG drawing."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from strategy import layout
from strategy.svg import NodeLabel, render_map, wrap


@st.composite
def maps(draw: st.DrawFn, max_nodes: int = 24) -> tuple[list[list[int]], list[tuple[int, int]]]:
    """Bands of objective ids (0 at the top) and links between any two of them."""
    band_count = draw(st.integers(1, 5))
    n = draw(st.integers(1, max_nodes))
    band_of = [draw(st.integers(0, band_count - 1)) for _ in range(n)]
    bands = [[node for node in range(n) if band_of[node] == b] for b in range(band_count)]
    edges = draw(
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda e: e[0] != e[1]),
            max_size=3 * n,
            unique=True,
        )
    )
    return bands, edges


@given(maps())
def test_ordering_keeps_every_objective_in_its_own_band(
    case: tuple[list[list[int]], list[tuple[int, int]]],
) -> None:
    bands, edges = case
    ordered, _crossings = layout.order_bands(bands, edges)
    assert [sorted(b) for b in ordered] == [sorted(b) for b in bands]


@given(maps())
def test_ordering_never_adds_crossings(case: tuple[list[list[int]], list[tuple[int, int]]]) -> None:
    bands, edges = case
    _ordered, crossings = layout.order_bands(bands, edges)
    assert crossings <= layout.count_crossings(bands, edges)


@given(st.permutations(list(range(8))))
def test_two_bands_matched_one_to_one_are_drawn_without_crossings(perm: list[int]) -> None:
    top = list(range(8))
    bottom = [10 + i for i in range(8)]
    edges = [(10 + i, perm[i]) for i in range(8)]
    _ordered, crossings = layout.order_bands([top, bottom], edges)
    assert crossings == 0


def test_a_chain_up_the_perspectives_lines_up_vertically() -> None:
    # talent -> delivery -> supply -> profit, with distractors beside each of them
    bands = [[1, 11], [2, 12], [3, 13], [4, 14]]
    result = layout.layout_map(
        [0, 1, 2, 3],
        [(n, i) for i, b in enumerate(bands) for n in b],
        [(4, 3), (3, 2), (2, 1), (14, 13), (13, 12), (12, 11)],
    )
    assert result.crossings == 0
    xs = [result.boxes[n].cx for n in (1, 2, 3, 4)]
    assert max(xs) - min(xs) < 1  # short, straight arrows


@given(
    st.lists(st.floats(-1000, 1000), min_size=1, max_size=30).flatmap(
        lambda d: st.tuples(
            st.just(d), st.lists(st.floats(0, 300), min_size=len(d) - 1, max_size=len(d) - 1)
        )
    )
)
def test_spread_keeps_order_and_gaps_and_the_mean(case: tuple[list[float], list[float]]) -> None:
    desired, gaps = case
    placed = layout.spread(desired, gaps)
    assert len(placed) == len(desired)
    for (a, b), gap in zip(pairwise(placed), gaps, strict=True):
        assert b - a >= gap - 1e-6
    # Pool-adjacent-violators moves blocks to their mean: the overall mean is unchanged.
    assert abs(sum(placed) - sum(desired)) < 1e-6 * max(1.0, sum(abs(d) for d in desired))


def test_spread_leaves_positions_that_already_fit_alone() -> None:
    assert layout.spread([0.0, 100.0, 250.0], [50.0, 50.0]) == [0.0, 100.0, 250.0]


@settings(max_examples=60)
@given(maps())
def test_objectives_of_a_band_never_overlap_and_sit_in_their_band(
    case: tuple[list[list[int]], list[tuple[int, int]]],
) -> None:
    bands, edges = case
    nodes = [(n, b) for b, ids in enumerate(bands) for n in ids]
    result = layout.layout_map(list(range(len(bands))), nodes, edges)
    for b, band in enumerate(result.bands):
        boxes = sorted((result.boxes[n] for n in bands[b]), key=lambda box: box.x)
        for box in boxes:
            assert band.y <= box.y and box.y + box.height <= band.y + band.height
            assert box.x >= layout.LABEL_W and box.x + box.width <= result.width
        for left, right in pairwise(boxes):
            assert left.x + left.width + layout.GAP - 1e-6 <= right.x


@settings(max_examples=60)
@given(maps())
def test_every_link_starts_at_its_cause_and_ends_at_its_effect(
    case: tuple[list[list[int]], list[tuple[int, int]]],
) -> None:
    bands, edges = case
    nodes = [(n, b) for b, ids in enumerate(bands) for n in ids]
    result = layout.layout_map(list(range(len(bands))), nodes, edges)
    assert {(r.cause, r.effect) for r in result.routes} == set(edges)
    for route in result.routes:
        (x0, y0), (xn, yn) = route.points[0], route.points[-1]
        cause, effect = result.boxes[route.cause], result.boxes[route.effect]
        assert cause.x <= x0 <= cause.x + cause.width
        assert effect.x <= xn <= effect.x + effect.width
        assert y0 in (cause.y, cause.y + cause.height)
        assert yn in (effect.y, effect.y + effect.height)


def test_a_long_link_is_routed_through_each_band_it_crosses() -> None:
    result = layout.layout_map([0, 1, 2, 3], [(1, 3), (2, 2), (3, 1), (4, 0)], [(1, 4)])
    (route,) = result.routes
    assert len(route.points) == 4  # start, a waypoint in each of the two bands between, end


def test_layout_is_deterministic() -> None:
    nodes = [(n, n % 4) for n in range(40)]
    edges = [(n, (n * 7 + 3) % 40) for n in range(40) if n % 4 != (n * 7 + 3) % 40 % 4]
    assert layout.layout_map([0, 1, 2, 3], nodes, edges) == layout.layout_map(
        [0, 1, 2, 3], nodes, edges
    )


# --- Drawing ---------------------------------------------------------------------------------


@given(st.text(max_size=120), st.integers(4, 40), st.integers(1, 4))
def test_wrapped_labels_fit_their_box(text: str, width: int, lines: int) -> None:
    wrapped = wrap(text, width, lines)
    assert len(wrapped) <= lines
    assert all(len(line) <= width for line in wrapped)


def test_wrapping_keeps_short_words_whole() -> None:
    assert wrap("Reliable supply for customers", 16, 3) == ["Reliable supply", "for customers"]
    assert wrap("one two three four five six", 7, 2) == ["one two", "three…"]


def test_the_svg_is_well_formed_and_escapes_names() -> None:
    result = layout.layout_map([0, 1], [(1, 0), (2, 1)], [(2, 1)])
    svg = render_map(
        result,
        band_names={0: "Financial", 1: "Learning & growth"},
        labels={
            1: NodeLabel("F1", "Profit <&> growth", "Finance"),
            2: NodeLabel("L1", "Talent", "HR"),
        },
        statuses={1: "red", 2: "grey"},
        title='Plan "A" & B',
        link_for=lambda pk: f"/strategy/objectives/{pk}/?a=1&b=2",
    )
    root = ET.fromstring(svg)  # noqa: S314 - our own SVG; raises if the markup is broken
    assert root.tag.endswith("svg")
    assert "Profit &lt;&amp;&gt; growth" in svg
    assert 'data-status="red"' in svg
    assert "?a=1&amp;b=2" in svg
