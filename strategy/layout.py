"""Layout of the strategy map, as pure functions over plain values (no ORM).

The map is a layered drawing (Sugiyama style):

1. **Bands.** Each perspective is a horizontal band, ordered by the perspective's order
   (1 at the top); an objective sits in its perspective's band.
2. **Long links.** A link that skips bands is split by invisible *waypoints*, one per band
   it crosses, so it is routed between objectives instead of over them.
3. **Order within a band.** The barycentre heuristic: sweeping down then up, each band is
   sorted by the mean position of its neighbours in the band just placed. The order with
   the fewest crossings seen is kept, so the result is never worse than the input order.
4. **Coordinates.** Each item moves towards the mean x of its neighbours (short arrows)
   while keeping its order and a minimum gap: an isotonic regression solved by
   pool-adjacent-violators.
"""

from __future__ import annotations

from bisect import bisect_right, insort
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

NODE_W = 176.0
NODE_H = 64.0
WAYPOINT_W = 12.0
GAP = 28.0
WAYPOINT_GAP = 8.0
BAND_H = 124.0
LABEL_W = 150.0
MARGIN = 16.0
MIN_CONTENT_W = 720.0


@dataclass(frozen=True)
class Band:
    """One perspective's band: its position from the top (0) and its rectangle."""

    key: int
    index: int
    y: float
    height: float


@dataclass(frozen=True)
class Box:
    """Where an objective is drawn (top-left corner and size)."""

    x: float
    y: float
    width: float
    height: float

    @property
    def cx(self) -> float:
        return self.x + self.width / 2


@dataclass(frozen=True)
class Route:
    """The drawn course of one link, from the cause to the effect."""

    cause: int
    effect: int
    points: tuple[tuple[float, float], ...]
    same_band: bool


@dataclass(frozen=True)
class MapLayout:
    width: float
    height: float
    bands: tuple[Band, ...]
    boxes: Mapping[int, Box]
    routes: tuple[Route, ...]
    order: tuple[tuple[int, ...], ...]  # objective ids per band, left to right
    crossings: int


# --- The layered graph -------------------------------------------------------------------
@dataclass
class _Graph:
    """Vertices are objectives (``real[v]`` is its id) and waypoints (``real[v]`` is None)."""

    layers: list[list[int]]
    real: list[int | None]
    up: list[list[int]]  # neighbours in the band above
    down: list[list[int]]  # neighbours in the band below
    chains: list[tuple[int, int, list[int]]]  # (cause, effect, vertices top to bottom)


def _clean_edges(edges: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Links as drawn: each pair once, none to itself (the model refuses both anyway)."""
    return list(dict.fromkeys((c, e) for c, e in edges if c != e))


def _build_graph(bands: Sequence[Sequence[int]], edges: Sequence[tuple[int, int]]) -> _Graph:
    real: list[int | None] = []
    band_of: dict[int, int] = {}
    vertex_of: dict[int, int] = {}
    layers: list[list[int]] = []
    for b, ids in enumerate(bands):
        layer = []
        for node in ids:
            vertex_of[node] = len(real)
            band_of[node] = b
            layer.append(len(real))
            real.append(node)
        layers.append(layer)
    up: list[list[int]] = [[] for _ in real]
    down: list[list[int]] = [[] for _ in real]
    chains: list[tuple[int, int, list[int]]] = []

    def vertex(b: int) -> int:
        v = len(real)
        real.append(None)
        up.append([])
        down.append([])
        layers[b].append(v)
        return v

    for cause, effect in edges:
        if cause not in band_of or effect not in band_of:
            continue
        bc, be = band_of[cause], band_of[effect]
        if bc == be:
            continue
        top, bottom = (cause, effect) if bc < be else (effect, cause)
        tb, bb = min(bc, be), max(bc, be)
        chain = [vertex_of[top]] + [vertex(b) for b in range(tb + 1, bb)] + [vertex_of[bottom]]
        for upper, lower in pairwise(chain):
            down[upper].append(lower)
            up[lower].append(upper)
        chains.append((cause, effect, chain))
    return _Graph(layers, real, up, down, chains)


def _pair_crossings(upper: list[int], lower: list[int], down: list[list[int]]) -> int:
    """Crossings between two adjacent bands: inversions of the segments' lower ends."""
    pos = {v: i for i, v in enumerate(lower)}
    ends = sorted((i, pos[w]) for i, v in enumerate(upper) for w in down[v])
    seen: list[int] = []
    total = 0
    for _i, lower_end in ends:
        # Segments from further left that land further right cross this one; segments
        # sharing an end point do not cross.
        total += len(seen) - bisect_right(seen, lower_end)
        insort(seen, lower_end)
    return total


def _crossings(graph: _Graph, layers: list[list[int]]) -> int:
    return sum(
        _pair_crossings(layers[b], layers[b + 1], graph.down) for b in range(len(layers) - 1)
    )


def _reorder(layer: list[int], neighbours: list[list[int]], ref: list[int]) -> list[int]:
    """Sort ``layer`` by the barycentre of each vertex's neighbours in ``ref``.

    A vertex with no neighbour there keeps its slot, so unrelated objectives do not drift.
    """
    pos = {v: i for i, v in enumerate(ref)}
    movable = [
        (sum(pos[n] for n in neighbours[v]) / len(neighbours[v]), i, v)
        for i, v in enumerate(layer)
        if neighbours[v]
    ]
    movable.sort()
    result = list(layer)
    slots = [i for i, v in enumerate(layer) if neighbours[v]]
    for slot, (_bary, _i, v) in zip(slots, movable, strict=True):
        result[slot] = v
    return result


def _order(graph: _Graph, sweeps: int) -> tuple[list[list[int]], int]:
    layers = [list(layer) for layer in graph.layers]
    best = [list(layer) for layer in layers]
    best_crossings = _crossings(graph, layers)
    stale = 0
    for _sweep in range(sweeps):
        if best_crossings == 0:
            break
        for b in range(1, len(layers)):
            layers[b] = _reorder(layers[b], graph.up, layers[b - 1])
        for b in range(len(layers) - 2, -1, -1):
            layers[b] = _reorder(layers[b], graph.down, layers[b + 1])
        crossings = _crossings(graph, layers)
        if crossings < best_crossings:
            best, best_crossings, stale = [list(layer) for layer in layers], crossings, 0
        else:
            stale += 1
            if stale >= 2:
                break
    return best, best_crossings


def order_bands(
    bands: Sequence[Sequence[int]], edges: Sequence[tuple[int, int]], *, sweeps: int = 8
) -> tuple[list[list[int]], int]:
    """Objectives per band, reordered to reduce crossings, and the crossings left."""
    graph = _build_graph(bands, _clean_edges(edges))
    layers, crossings = _order(graph, sweeps)
    return [_objectives(graph, layer) for layer in layers], crossings


def count_crossings(bands: Sequence[Sequence[int]], edges: Sequence[tuple[int, int]]) -> int:
    """Crossings of the layered drawing of ``bands`` in the given order.

    Waypoints of long links are placed at the end of their bands, as the ordering starts.
    """
    graph = _build_graph(bands, _clean_edges(edges))
    return _crossings(graph, graph.layers)


# --- Coordinates ---------------------------------------------------------------------------
def spread(desired: Sequence[float], gaps: Sequence[float]) -> list[float]:
    """Positions closest to ``desired`` (least squares) with ``x[i+1] - x[i] >= gaps[i]``.

    Substituting ``y[i] = x[i] - sum(gaps[:i])`` turns the gaps into "y is non-decreasing",
    an isotonic regression that pool-adjacent-violators solves exactly in linear time.
    """
    offsets = [0.0]
    for gap in gaps:
        offsets.append(offsets[-1] + gap)
    blocks: list[tuple[float, int]] = []  # (mean, size) of pooled runs
    for d, o in zip(desired, offsets, strict=False):
        mean, size = d - o, 1
        while blocks and blocks[-1][0] > mean:
            prev_mean, prev_size = blocks.pop()
            mean = (prev_mean * prev_size + mean * size) / (prev_size + size)
            size += prev_size
        blocks.append((mean, size))
    ys: list[float] = []
    for mean, size in blocks:
        ys += [mean] * size
    return [y + o for y, o in zip(ys, offsets, strict=False)]


def _gap(graph: _Graph, a: int, b: int) -> float:
    wa = NODE_W if graph.real[a] is not None else WAYPOINT_W
    wb = NODE_W if graph.real[b] is not None else WAYPOINT_W
    space = GAP if graph.real[a] is not None and graph.real[b] is not None else WAYPOINT_GAP
    return (wa + wb) / 2 + space


def _coordinates(graph: _Graph, layers: list[list[int]], passes: int = 3) -> dict[int, float]:
    gaps = [[_gap(graph, a, b) for a, b in pairwise(layer)] for layer in layers]
    widths = [sum(g) for g in gaps]
    widest = max(widths, default=0.0)
    x: dict[int, float] = {}
    for layer, g, width in zip(layers, gaps, widths, strict=True):
        left = (widest - width) / 2
        for v, offset in zip(layer, [0.0, *_accumulate(g)][: len(layer)], strict=True):
            x[v] = left + offset

    def settle(b: int, neighbours: list[list[int]]) -> None:
        desired = [
            sum(x[n] for n in neighbours[v]) / len(neighbours[v]) if neighbours[v] else x[v]
            for v in layers[b]
        ]
        for v, pos in zip(layers[b], spread(desired, gaps[b]), strict=True):
            x[v] = pos

    for _pass in range(passes):
        for b in range(1, len(layers)):
            settle(b, graph.up)
        for b in range(len(layers) - 2, -1, -1):
            settle(b, graph.down)
    return x


def _accumulate(values: Sequence[float]) -> list[float]:
    out, total = [], 0.0
    for value in values:
        total += value
        out.append(total)
    return out


def _half_width(graph: _Graph, v: int) -> float:
    return (NODE_W if graph.real[v] is not None else WAYPOINT_W) / 2


def layout_map(
    band_keys: Sequence[int],
    nodes: Sequence[tuple[int, int]],
    edges: Sequence[tuple[int, int]],
    *,
    sweeps: int = 8,
) -> MapLayout:
    """Place objectives and route links.

    ``band_keys`` are the perspectives top to bottom; ``nodes`` are (objective, perspective)
    in their starting order (e.g. by theme, then code); ``edges`` are (cause, effect).
    """
    band_index = {key: i for i, key in enumerate(band_keys)}
    bands: list[list[int]] = [[] for _ in band_keys]
    for node, key in nodes:
        if key in band_index:
            bands[band_index[key]].append(node)
    links = _clean_edges(edges)
    graph = _build_graph(bands, links)
    layers, crossings = _order(graph, sweeps)
    x = _coordinates(graph, layers)
    left = min((x[v] - _half_width(graph, v) for v in x), default=0.0)
    right = max((x[v] + _half_width(graph, v) for v in x), default=0.0)
    content_w = max(right - left, MIN_CONTENT_W)
    # Centre a narrow map in the minimum width rather than leaving it hugging the labels.
    shift = LABEL_W + MARGIN - left + (content_w - (right - left)) / 2
    band_rows = tuple(
        Band(key=key, index=i, y=MARGIN + i * BAND_H, height=BAND_H)
        for i, key in enumerate(band_keys)
    )
    centre_y = [band.y + BAND_H / 2 for band in band_rows]
    boxes: dict[int, Box] = {}
    for b, layer in enumerate(layers):
        for v in layer:
            objective = graph.real[v]
            if objective is not None:
                boxes[objective] = Box(
                    x[v] + shift - NODE_W / 2, centre_y[b] - NODE_H / 2, NODE_W, NODE_H
                )
    routes = _routes(graph, layers, x, shift, centre_y, boxes, links)
    return MapLayout(
        width=LABEL_W + content_w + 2 * MARGIN,
        height=2 * MARGIN + len(band_keys) * BAND_H,
        bands=band_rows,
        boxes=boxes,
        routes=routes,
        order=tuple(tuple(_objectives(graph, layer)) for layer in layers),
        crossings=crossings,
    )


def _ports(
    boxes: Mapping[int, Box], attachments: dict[tuple[int, str], list[tuple[float, int]]]
) -> dict[tuple[int, str, int], float]:
    """Spread the links leaving one side of an objective along that side, in x order."""
    ports: dict[tuple[int, str, int], float] = {}
    for (node, side), items in attachments.items():
        box = boxes[node]
        usable = box.width * 0.6
        items.sort()
        for i, (_toward, link) in enumerate(items):
            ports[(node, side, link)] = box.cx - usable / 2 + usable * (i + 1) / (len(items) + 1)
    return ports


def _routes(
    graph: _Graph,
    layers: list[list[int]],
    x: Mapping[int, float],
    shift: float,
    centre_y: list[float],
    boxes: Mapping[int, Box],
    edges: Sequence[tuple[int, int]],
) -> tuple[Route, ...]:
    band_of_vertex = {v: b for b, layer in enumerate(layers) for v in layer}
    chain_of = {(cause, effect): chain for cause, effect, chain in graph.chains}
    attachments: dict[tuple[int, str], list[tuple[float, int]]] = {}
    drawn: list[tuple[int, int, int, list[int] | None]] = []
    for i, (cause, effect) in enumerate(edges):
        if cause not in boxes or effect not in boxes:
            continue
        chain = chain_of.get((cause, effect))
        drawn.append((i, cause, effect, chain))
        if chain is None:
            # Same band: leave from the top of both and arc over the band.
            attachments.setdefault((cause, "top"), []).append((boxes[effect].cx, i))
            attachments.setdefault((effect, "top"), []).append((boxes[cause].cx, i))
        else:
            top, bottom = _real(graph, chain[0]), _real(graph, chain[-1])
            attachments.setdefault((top, "bottom"), []).append((x[chain[1]], i))
            attachments.setdefault((bottom, "top"), []).append((x[chain[-2]], i))
    ports = _ports(boxes, attachments)
    routes: list[Route] = []
    for i, cause, effect, chain in drawn:
        if chain is None:
            points = (
                (ports[(cause, "top", i)], boxes[cause].y),
                (ports[(effect, "top", i)], boxes[effect].y),
            )
            routes.append(Route(cause, effect, points, same_band=True))
            continue
        top, bottom = _real(graph, chain[0]), _real(graph, chain[-1])
        pts = [(ports[(top, "bottom", i)], boxes[top].y + boxes[top].height)]
        pts += [(x[v] + shift, centre_y[band_of_vertex[v]]) for v in chain[1:-1]]
        pts.append((ports[(bottom, "top", i)], boxes[bottom].y))
        if top != cause:
            pts.reverse()  # the usual upward link: drawn from the cause below
        routes.append(Route(cause, effect, tuple(pts), same_band=False))
    return tuple(routes)


def _real(graph: _Graph, v: int) -> int:
    node = graph.real[v]
    if node is None:
        raise ValueError("a waypoint is not an objective")
    return node


def _objectives(graph: _Graph, layer: list[int]) -> list[int]:
    return [node for v in layer if (node := graph.real[v]) is not None]
