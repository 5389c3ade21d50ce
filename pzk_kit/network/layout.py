"""Where each partner stands on the network map: positions computed once and shared by every picture.

Kept apart from the drawing (:mod:`pzk_kit.network.plots`) because positions are a decision of their own: one
layout for all measurements, so a partner the room found on the wall at T0 stands in the same place at T1, and the
same positions for the live map of the app and the maps of the reports. Plain NumPy, seeded: the same data gives
the same map on every machine.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np

LEVELS = (1, 2, 3, 4, 5)
RING_HEIGHT = 0.75  # an oval, wider than tall: ids at the top and bottom need room side by side
SPREAD_LIMIT = 600  # the overlap clean-up only matters while ids are printed
DENSE_LAYOUT_LIMIT = 5000  # beyond this the O(n²) repulsion would be too slow for a live workshop


def tie_level(data: dict) -> int:
    """The tie's level 1–5 (a missing or odd value counts as 1), as the map draws and weighs it."""
    try:
        value = int(data.get("level", 1))
    except (TypeError, ValueError):
        value = 1
    return min(max(value, LEVELS[0]), LEVELS[-1])


def compute_layout(graphs: list[nx.Graph], seed: int = 7) -> dict[str, tuple[float, float]]:
    """One map for all measurements: a partner found on the wall at T0 is in the same place at T1.

    Partners tied in any measurement are placed by a force layout of the union of the ties; partners with no tie
    in any of them stand in a tidy column at the right ("bez powiązań") instead of drifting to the corners. When
    nobody has a tie, everyone stands on a ring. The result depends only on the graphs and ``seed``.
    """
    union = nx.Graph()
    for graph in graphs:
        union.add_nodes_from(graph.nodes)
        for a, b, data in graph.edges(data=True):
            if a == b:
                continue
            level = tie_level(data)
            if union.has_edge(a, b):
                union.edges[a, b]["level"] = max(union.edges[a, b]["level"], level)
            else:
                union.add_edge(a, b, level=level)
    nodes = sorted(union.nodes, key=node_key)
    connected = [n for n in nodes if union.degree(n) > 0]
    isolated = [n for n in nodes if union.degree(n) == 0]
    if not connected:
        coords = ring(len(isolated))
        return {n: (float(x), float(y)) for n, (x, y) in zip(isolated, coords, strict=True)}
    main = _force_layout(union, connected, seed)
    layout = {n: (float(x), float(y)) for n, (x, y) in zip(connected, main, strict=True)}
    right = float(main[:, 0].max())
    for n, (x, y) in zip(isolated, _side_grid(len(isolated), right), strict=True):
        layout[n] = (float(x), float(y))
    return {n: layout[n] for n in nodes}


def node_key(node: object) -> tuple[str, str]:
    """The order partners are placed and drawn in: by id, and ids of mixed types never fail to compare."""
    return (type(node).__name__, str(node))


def ring(count: int) -> np.ndarray:
    """``count`` places on an oval, from the top clockwise: where partners stand when nobody has a tie."""
    if count == 0:
        return np.zeros((0, 2))
    if count == 1:
        return np.zeros((1, 2))
    angles = np.pi / 2 - 2 * np.pi * np.arange(count) / count  # from the top, clockwise, like a clock
    return np.column_stack([np.cos(angles), np.sin(angles) * RING_HEIGHT])


def _side_grid(count: int, right: float) -> np.ndarray:
    """Columns to the right of the map, top to bottom, as tall as the map itself."""
    if count == 0:
        return np.zeros((0, 2))
    rows = max(10, math.ceil(math.sqrt(count * 1.5)))
    step = 2.0 / (rows - 1)
    index = np.arange(count)
    column, row = np.divmod(index, rows)
    height = min(count, rows)
    top = (height - 1) * step / 2  # a short column is centred vertically
    across = 0.3 if count <= 2 * rows else step * 1.5  # room for ids while few; a compact block when many
    return np.column_stack([right + 0.4 + column * across, top - row * step])


def _force_layout(graph: nx.Graph, nodes: list, seed: int) -> np.ndarray:
    """Fruchterman–Reingold with a little gravity, in plain NumPy: O(n²) per step, fine for a few thousand nodes.

    Gravity keeps separate groups of partners (two schools working only with each other) near the rest instead of
    pushing them to the edge; stronger ties pull a little harder so close cooperators sit close.
    """
    n = len(nodes)
    if n == 1:
        return np.zeros((1, 2))
    index = {node: i for i, node in enumerate(nodes)}
    pairs = sorted(
        (min(index[a], index[b]), max(index[a], index[b]), data["level"])
        for a, b, data in graph.subgraph(nodes).edges(data=True)
    )
    edges = np.array([(a, b) for a, b, _ in pairs], dtype=np.int64)
    weights = np.array([0.7 + 0.1 * level for _, _, level in pairs])
    rng = np.random.default_rng(seed)
    pos = rng.uniform(-1.0, 1.0, size=(n, 2))
    if n > DENSE_LAYOUT_LIMIT:
        return _normalise(pos)
    k = math.sqrt(4.0 / n)  # ideal distance in the 2×2 square
    iterations = int(np.clip(400 * math.sqrt(50 / n), 60, 400))
    temperature = 0.2
    cooling = temperature / (iterations + 1)
    gravity = 0.6
    chunk = max(1, 4_000_000 // n)  # rows per block: bounded memory (~100 MB) whatever the size
    for _ in range(iterations):
        shift = np.zeros_like(pos)
        x, y = pos[:, 0], pos[:, 1]
        for start in range(0, n, chunk):
            stop = min(start + chunk, n)
            dx = np.subtract.outer(x[start:stop], x)
            dy = np.subtract.outer(y[start:stop], y)
            force = dx * dx
            force += dy * dy
            np.maximum(force, (0.01 * k) ** 2, out=force)
            np.divide(k * k, force, out=force)
            shift[start:stop, 0] += (dx * force).sum(axis=1)
            shift[start:stop, 1] += (dy * force).sum(axis=1)
        delta = pos[edges[:, 0]] - pos[edges[:, 1]]
        dist = np.sqrt((delta**2).sum(axis=-1))
        pull = delta * (dist * weights / k)[:, None]
        np.subtract.at(shift, edges[:, 0], pull)
        np.add.at(shift, edges[:, 1], pull)
        shift -= gravity * pos
        length = np.maximum(np.sqrt((shift**2).sum(axis=-1)), 1e-9)
        pos += shift * (np.minimum(length, temperature) / length)[:, None]
        temperature -= cooling
    return _spread(_fill(_normalise(pos)))


def _spread(pos: np.ndarray, rounds: int = 60) -> np.ndarray:
    """Push apart partners that ended up on top of each other, so circles and the ids under them stay readable.

    Distances are measured with the horizontal axis shrunk, because an id under a circle is wider than tall.
    """
    n = len(pos)
    if n < 3 or n > SPREAD_LIMIT:
        return pos
    stretch = np.array([1 / 1.6, 1.0])
    gap = 1.5 / math.sqrt(n)
    pos = pos.copy()
    for _ in range(rounds):
        scaled = pos * stretch
        delta = scaled[:, None, :] - scaled[None, :, :]
        dist = np.sqrt((delta**2).sum(axis=-1))
        np.fill_diagonal(dist, np.inf)
        overlap = np.clip(gap - dist, 0.0, None)
        if not overlap.any():
            break
        safe = np.where(np.isfinite(dist) & (dist > 1e-9), dist, 1.0)
        push = (delta / safe[..., None] * (overlap / 2)[..., None]).sum(axis=1)
        pos += push / stretch
    return pos


def _normalise(pos: np.ndarray) -> np.ndarray:
    """Centre, turn the longest spread horizontal (the wall is wider than tall) and fit into [-1, 1]."""
    pos = pos - pos.mean(axis=0)
    if len(pos) >= 2:
        _, vectors = np.linalg.eigh(np.cov(pos.T) + 1e-12 * np.eye(2))
        pos = pos @ vectors[:, ::-1]
        pos *= np.where(np.sign(pos[0]) == 0, 1.0, np.sign(pos[0]))  # a fixed mirror image, whatever eigh returns
    span = np.abs(pos).max()
    return pos / span if span > 0 else pos


def _fill(pos: np.ndarray) -> np.ndarray:
    """Stretch the shorter side (at most 1.6×) so the map fills the wall instead of a thin band across it."""
    span = np.abs(pos).max(axis=0)
    if len(pos) < 3 or span.min() <= 0:
        return pos
    return pos * np.minimum(span.max() / span, 1.6) * [1.0, 0.82]


def complete_layout(graph: nx.Graph, pos: dict | None) -> dict:
    """The caller's layout, with anyone it does not know placed by a fresh layout (never a crash mid-workshop)."""
    if pos is not None and all(v in pos for v in graph.nodes):
        return pos
    fresh = compute_layout([graph])
    return fresh if pos is None else {**fresh, **{v: pos[v] for v in graph.nodes if v in pos}}
