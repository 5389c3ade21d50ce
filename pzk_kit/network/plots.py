"""Pictures of the cooperation network for the meeting room wall.

Advisors project these in front of a mayor and a room of partners, so every choice here serves that room: Polish
labels with diacritics (DejaVu Sans, bundled with matplotlib, has every glyph), large type, colours that survive a
washed-out projector and colour-blind viewers, and one layout shared by every measurement so that a partner the room
has already found on the wall stays in the same place at T1.

Every function returns a :class:`matplotlib.figure.Figure` built without pyplot's global state: nothing needs
closing, batch runs do not accumulate open figures, and the Agg backend is enough.
"""

from __future__ import annotations

import functools
import math
import textwrap
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field

import matplotlib as mpl
import matplotlib.colors as mcolors
import networkx as nx
import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.layout_engine import PlaceHolderLayoutEngine
from matplotlib.legend_handler import HandlerPatch
from matplotlib.lines import Line2D
from matplotlib.patches import Ellipse, Patch
from matplotlib.transforms import Bbox

from pzk_kit import polish
from pzk_kit.figures import LITERAL_TEXT, describe
from pzk_kit.network import Network, ego_network
from pzk_kit.network.layout import LEVELS, complete_layout, compute_layout, node_key, ring, tie_level
from pzk_kit.style import EDGE, FONT, PROJECTOR, TITLE_SIZE, message_figure
from pzk_kit.workbook.dictionaries import dictionary

__all__ = [
    "compute_layout",
    "draw_ego_network",
    "draw_level_distribution",
    "draw_live_network",
    "draw_network",
    "draw_network_pair",
    "draw_sector_heatmap",
    "partner_lookup",
    "sector_colours",
]

MAP_SIZE = (12.0, 8.0)
PAIR_SIZE = (17.0, 7.6)
PAIR_SHRINK = 0.7  # each half of the pair is narrower than a single map
HEATMAP_SIZE = (12.0, 9.5)
BARS_SIZE = (12.0, 7.0)

SUBTITLE_SIZE = 14
LEGEND_SIZE = 12
CAPTION_SIZE = 11
MIN_LABEL_SIZE = 10

UNKNOWN_COLOUR = "#BBBBBB"
ACCENT = "#D81B60"  # new ties and the highlighted partner; not a sector colour
TEXT_COLOUR = "#222222"
NODE_EDGE = "#222222"
LEVEL_WIDTH = {1: 1.3, 2: 2.2, 3: 3.4, 4: 4.8, 5: 6.4}
LEVEL_GREY = {1: "#A6A6A6", 2: "#858585", 3: "#606060", 4: "#3B3B3B", 5: "#151515"}  # washed-out projectors

MAX_LABELLED_NODES = 60  # above this, only the busiest partners get their id on the map
LABELLED_WHEN_CROWDED = 20
MAX_LABELLED_ISOLATES = 30

NO_TIES = "Brak zgłoszonej współpracy w tym pomiarze"
NO_PARTNERS = "Brak partnerów do pokazania"
SIZE_NOTE = "Wielkość koła: liczba powiązań partnera. Grubość i ciemność linii: poziom współpracy (1–5)."

_RC = {
    "font.family": "sans-serif",
    "font.sans-serif": [FONT],
    "font.size": 12,
    "axes.titlesize": TITLE_SIZE,
    "axes.labelsize": 14,
    "xtick.labelsize": 12,
    "ytick.labelsize": 12,
    "legend.fontsize": LEGEND_SIZE,
    "figure.titlesize": 20,
    "figure.dpi": 100,
    "text.color": TEXT_COLOUR,
    "axes.labelcolor": TEXT_COLOUR,
    "xtick.color": TEXT_COLOUR,
    "ytick.color": TEXT_COLOUR,
    **LITERAL_TEXT,  # partner names are shown as typed, "$" included (no mathtext)
}


def _projector_style(function: Callable) -> Callable:
    """Create every text of a picture under the same font rules, whatever the notebook's rcParams say."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with mpl.rc_context(_RC):
            return function(*args, **kwargs)

    return wrapper


# -- colours ------------------------------------------------------------------------------------------------------


def sector_colours() -> dict[str, str]:
    """Colours live in the sector dictionary so a region that adds a sector also gives it a colour, without code.

    A missing or unreadable colour falls back to grey rather than breaking the map.
    """
    colours = {}
    for entry in dictionary("sektory").entries:
        colour = entry.extra.get("kolor", "").strip()
        colours[entry.code] = colour if colour and mcolors.is_color_like(colour) else UNKNOWN_COLOUR
    return colours


def _sector_colour(code: object, colours: dict[str, str]) -> str:
    return colours.get(code, UNKNOWN_COLOUR) if isinstance(code, str) else UNKNOWN_COLOUR


def _sector_label(code: object) -> str:
    if not isinstance(code, str) or not code:
        return "sektor nieznany"
    return dictionary("sektory").label(code)


def _sector_order(codes: Iterable[object]) -> list[object]:
    """Sectors in dictionary order (the order of the model's sectoral policies), unknown ones last."""
    known = dictionary("sektory").codes
    present = set(codes)
    ordered: list[object] = [c for c in known if c in present]
    ordered += sorted((c for c in present if c not in known), key=lambda c: str(c))
    return ordered


def _mix(colour: str, other: str, share: float) -> str:
    """``colour`` moved ``share`` of the way towards ``other``: lighter fills and darker outlines of a sector."""
    a, b = np.array(mcolors.to_rgb(colour)), np.array(mcolors.to_rgb(other))
    return mcolors.to_hex(a + (b - a) * share)


# -- Polish words ----------------------------------------------------------------------------------------------


def _plural(n: int, one: str, few: str, many: str) -> str:
    """Polish number agreement: 1 powiązanie, 2 powiązania, 5 powiązań, 22 powiązania, 12 powiązań."""
    return polish.plural(n, one, few, many)


def _ties_text(n: int) -> str:
    return f"{n} {_plural(n, 'powiązanie', 'powiązania', 'powiązań')}"


def _institutions_text(n: int) -> str:
    return f"{n} {_plural(n, 'instytucja', 'instytucje', 'instytucji')}"


def _decimal(value: float, digits: int = 1) -> str:
    return polish.decimal(value, digits)


def _partners_text(n: int) -> str:
    return f"{n} {_plural(n, 'partner', 'partnerów', 'partnerów')}"


# -- text alternatives (what a screen reader says instead of the picture) ----------------------------------------

ALT_TOP = 3  # partners or sector pairs named in a chart's text alternative: the headline, not the whole table


def _isolates_text(graph: nx.Graph) -> str:
    isolates = sorted((v for v in graph.nodes if graph.degree(v) == 0), key=node_key)
    if not isolates:
        return "brak izolowanych"
    shown = ", ".join(map(str, isolates[:10])) + (f" i {len(isolates) - 10} innych" if len(isolates) > 10 else "")
    return f"bez powiązań: {shown}"


Leaders = str | Collection[str] | None  # one leader's id, or the leader and co-leaders (convening one first)


def _leaders_in(leader: Leaders, graph: nx.Graph) -> tuple[str, ...]:
    """The leaders to mark on a map, as given to a drawing function: one id, several or none."""
    given = () if leader is None else (leader,) if isinstance(leader, str) else tuple(leader)
    return tuple(dict.fromkeys(v for v in given if v in graph))


def network_alt(graph: nx.Graph, *, leader: Leaders = None, title: str | None = None) -> str:
    """The map in words: partners, ties, isolates, the leader's ties and the busiest partners (ids as on the map)."""
    n, ties = graph.number_of_nodes(), graph.number_of_edges()
    head = " ".join((title or "Mapa współpracy").split())
    if "mapa" not in head.lower():
        head = f"Mapa współpracy ({head})"
    if not n:
        return f"{head}: {NO_PARTNERS.lower()}."
    parts = [f"{head}: {_partners_text(n)}, {_ties_text(ties)}, {_isolates_text(graph)}."]
    leaders = _leaders_in(leader, graph)
    if len(leaders) == 1:
        parts.append(f"Lider {leaders[0]}: {_ties_text(graph.degree(leaders[0]))}.")
    elif leaders:
        parts.append("Liderzy: " + ", ".join(f"{v} ({_ties_text(graph.degree(v))})" for v in leaders) + ".")
    busiest = sorted((v for v in graph.nodes if graph.degree(v)), key=lambda v: (-graph.degree(v), node_key(v)))
    if busiest:
        parts.append("Najwięcej powiązań: " + ", ".join(f"{v} ({graph.degree(v)})" for v in busiest[:ALT_TOP]) + ".")
    sectors = {d.get("sektor") for _, d in graph.nodes(data=True) if d.get("sektor")}
    if sectors:
        parts.append(f"Sektorów na mapie: {len(sectors)}.")
    return " ".join(parts)


def _level_labels() -> dict[int, str]:
    entries = dictionary("poziomy_wspolpracy").entries
    return {int(e.code): f"{e.code} {e.label.lower()}" for e in entries if e.code != "0"}


# -- the network map ----------------------------------------------------------------------------------------------


@dataclass
class _Drawn:
    """What a panel contains, so the legend lists only what the room can see."""

    sectors: set = field(default_factory=set)
    leader: bool = False
    candidates: bool = False
    levels: set = field(default_factory=set)
    new_ties: int = 0
    highlight: str | None = None
    isolates_labelled: bool = False
    nodes: int = 0


def _node_scale(n: int) -> float:
    """Circles shrink as partners multiply, faster beyond 200 where the map is an overview, not a wall chart."""
    n = max(n, 1)
    scale = math.sqrt(30 / n) if n <= 200 else math.sqrt(30 / 200) * 200 / n
    return float(np.clip(scale, 0.03, 1.0))


def _label_size(n: int) -> float:
    if n <= 15:
        return 14
    if n <= 30:
        return 12.5
    if n <= 45:
        return 11.5
    return MIN_LABEL_SIZE


def _edge_scale(n: int) -> float:
    if n <= 40:
        return 1.0
    if n <= 120:
        return 0.7
    return 0.35


def _halo(width: float = 3.5) -> list:
    return [patheffects.withStroke(linewidth=width, foreground="white")]


def _edge_key(a: object, b: object) -> frozenset:
    return frozenset((a, b))


def _draw_graph(
    ax: Axes,
    graph: nx.Graph,
    pos: dict,
    *,
    leader: Leaders,
    highlight: str | None = None,
    new_ties: frozenset = frozenset(),
    message: str = NO_TIES,
    shrink: float = 1.0,
    focus: str | None = None,
    message_at_centre: bool = False,
    skip_ties: Collection[frozenset] = frozenset(),
) -> _Drawn:
    """One panel of a map; shared by the single map, the T0/T1 pair and the ego network so they read alike.

    Ties in ``skip_ties`` still size the circles but are left for the caller to draw in a style of its own.
    """
    colours = sector_colours()
    nodes = sorted(graph.nodes, key=node_key)
    n = len(nodes)
    drawn = _Drawn(nodes=n)
    ax.set_axis_off()
    if n == 0:
        ax.text(0.5, 0.5, f"{message}\n({NO_PARTNERS.lower()})", ha="center", va="center", fontsize=16,
                transform=ax.transAxes, wrap=True)
        return drawn
    leaders = _leaders_in(leader, graph)
    highlight = highlight if highlight in graph else None
    degree = dict(graph.degree())
    top_degree = max(max(degree.values()), 1)
    scale = _node_scale(n) * shrink
    size = {v: scale * (260 + 1540 * degree[v] / top_degree) for v in nodes}
    xy = np.array([pos[v] for v in nodes], dtype=float)

    # ties: weak first so strong and new ones are drawn on top
    edge_scale = _edge_scale(n)
    alpha = 0.9 if n <= 60 else 0.55
    edges = sorted(
        ((_edge_key(a, b) in new_ties or highlight in (a, b), tie_level(d), node_key(a), node_key(b), a, b)
         for a, b, d in graph.edges(data=True) if _edge_key(a, b) not in skip_ties),
    )
    segments, widths, colours_of_edges = [], [], []
    for emphasised, level, _, _, a, b in edges:
        segments.append((pos[a], pos[b]))
        width = LEVEL_WIDTH[level] * edge_scale
        background = focus is not None and focus not in (a, b)  # ties among the focus partner's partners
        if emphasised:
            width = max(width, 2.5 * edge_scale)
        elif background:
            width *= 0.6
        widths.append(width)
        colour = ACCENT if emphasised else LEVEL_GREY[level]
        colours_of_edges.append(mcolors.to_rgba(colour, alpha * (0.4 if background else 1.0)))
        drawn.levels.add(level)
    drawn.new_ties = sum(1 for a, b in graph.edges if _edge_key(a, b) in new_ties)
    if segments:
        lines = LineCollection(segments, linewidths=widths, colors=colours_of_edges, zorder=1, capstyle="round")
        lines.set_gid("powiazania")
        ax.add_collection(lines)

    # partners: members filled with their sector colour, candidates hollow with a dashed outline
    faces, outlines, styles, line_widths = [], [], [], []
    for v in nodes:
        attrs = graph.nodes[v]
        colour = _sector_colour(attrs.get("sektor"), colours)
        drawn.sectors.add(attrs.get("sektor") if isinstance(attrs.get("sektor"), str) else None)
        if attrs.get("rola") == "kandydat":
            drawn.candidates = True
            faces.append(_mix(colour, "#FFFFFF", 0.75))
            outlines.append(_mix(colour, "#000000", 0.35))
            styles.append((0, (2.5, 1.5)))
            line_widths.append(2.6 if n <= 60 else 1.4)
        else:
            faces.append(colour)
            outlines.append(NODE_EDGE)
            styles.append("solid")
            line_widths.append(1.2 if n <= 60 else 0.6)
    points = ax.scatter(xy[:, 0], xy[:, 1], s=[size[v] for v in nodes], c=faces, edgecolors=outlines,
                        linewidths=line_widths, linestyles=styles, zorder=3)
    points.set_gid("partnerzy")

    rings: dict[str, float] = {}
    for leader in leaders:  # every co-leader is ringed alike
        drawn.leader = True
        ring = (math.sqrt(size[leader]) + 14 * max(scale, 0.5)) ** 2
        ax.scatter(*pos[leader], s=ring, facecolors="none", edgecolors="black", linewidths=3.5, zorder=2.5)
        rings[leader] = math.sqrt(ring) / 2 + 1
    if highlight is not None:
        drawn.highlight = highlight
        ring = (math.sqrt(size[highlight]) + 22 * max(scale, 0.5)) ** 2
        ax.scatter(*pos[highlight], s=ring, facecolors="none", edgecolors=ACCENT, linewidths=3.5, zorder=2.4)
        rings[highlight] = max(rings.get(highlight, 0), math.sqrt(ring) / 2 + 1)

    # ids under the circles, with a white halo so they stay legible over the lines
    column = _side_column(graph, pos, nodes)
    font = max(_label_size(n) - (1.5 if shrink < 1 else 0), MIN_LABEL_SIZE)
    texts = {v: f"{v} (lider)" if v in leaders else str(v) for v in nodes}
    offsets = {v: rings.get(v, math.sqrt(size[v]) / 2) + 2 for v in nodes}
    if n > MAX_LABELLED_NODES:
        # the leader, the busiest partners whose ids fit without overlapping, and the isolated ones when few:
        # "who is on the margin" must stay named
        must = [v for v in (*leaders, highlight) if v is not None]
        ranked = sorted((v for v in nodes if v not in must), key=lambda v: (-degree[v], node_key(v)))
        isolated = column if len(column) <= MAX_LABELLED_ISOLATES else []
        boxes = _LabelBoxes(ax, xy, font)
        labelled = {v for v in must if boxes.add(pos[v], texts[v], offsets[v], force=True)}
        busiest = 0
        for v in ranked:
            if busiest >= LABELLED_WHEN_CROWDED:
                break
            if v not in column and boxes.add(pos[v], texts[v], offsets[v]):
                labelled.add(v)
                busiest += 1
        labelled |= {v for v in isolated if boxes.add(pos[v], texts[v], offsets[v], force=True)}
        drawn.isolates_labelled = bool(isolated)
    else:
        labelled = set(nodes)
    for v in nodes:
        if v not in labelled:
            continue
        text, offset = texts[v], offsets[v]
        ax.annotate(text, xy=pos[v], xytext=(0, -offset), textcoords="offset points", ha="center", va="top",
                    fontsize=font, fontweight="bold" if v in (*leaders, highlight, focus) else "normal",
                    color=TEXT_COLOUR, zorder=5, path_effects=_halo())

    _isolate_heading(ax, pos, column, font)
    no_ties = graph.number_of_edges() == 0
    if no_ties:
        # in the middle of a ring of partners; above the map when the partners stand where a shared layout put them
        y = 0.5 if message_at_centre and n > 1 else 0.97
        ax.text(0.5, y, message, ha="center", va="center" if y == 0.5 else "top", fontsize=16, zorder=6,
                transform=ax.transAxes, bbox={"boxstyle": "round,pad=0.6", "facecolor": "white",
                                              "edgecolor": "#999999"})
    _fit_limits(ax, xy, room_on_top=no_ties and not (message_at_centre and n > 1))
    return drawn


class _LabelBoxes:
    """Greedy placement check for ids on crowded maps: an id is printed only where it overlaps no other id.

    Positions are converted to points with the scale the map will roughly have on the figure (the exact one is
    known only after the layout engine runs, so there is a safety margin).
    """

    def __init__(self, ax: Axes, xy: np.ndarray, font: float) -> None:
        figure = _figure_of(ax)
        box = ax.get_position()
        width, height = figure.get_size_inches() * [box.width, box.height]
        span = np.maximum(xy.max(axis=0) - xy.min(axis=0), 0.6) * [1.2, 1.23]
        self.points_per_unit = 72 * min(width / span[0], height / span[1])
        self.font = font
        self.boxes: list[tuple[float, float, float, float]] = []

    def add(self, xy: tuple[float, float], text: str, offset: float, force: bool = False) -> bool:
        x, y = xy[0] * self.points_per_unit, xy[1] * self.points_per_unit - offset
        half = len(text) * 0.33 * self.font + 3
        box = (x - half, y - 1.25 * self.font - 2, x + half, y + 2)
        clash = any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in self.boxes)
        if clash and not force:
            return False
        self.boxes.append(box)
        return True


def _side_column(graph: nx.Graph, pos: dict, nodes: list) -> list:
    """Partners without ties standing in the layout's column right of the map, or [] when there is none.

    A shared layout (T0 and T1, or a filtered map) leaves partners who have no tie in *this* graph wherever the
    other graph put them; only a clear, aligned block right of every tied partner is the "bez powiązań" column.
    """
    isolated = [v for v in nodes if graph.degree(v) == 0]
    tied = [v for v in nodes if graph.degree(v) > 0]
    if not isolated or not tied:
        return []
    right = max(pos[v][0] for v in tied)
    if any(pos[v][0] < right + 0.3 for v in isolated):
        return []
    columns = {round(float(pos[v][0]), 6) for v in isolated}
    return isolated if len(columns) <= max(1, math.ceil(len(isolated) / 2)) else []


def _isolate_heading(ax: Axes, pos: dict, column: list, font: float) -> None:
    """Name the side column, so the room reads it as "nobody works with them yet", not as a mistake."""
    if not column:
        return
    x = (min(pos[v][0] for v in column) + max(pos[v][0] for v in column)) / 2
    top = max(pos[v][1] for v in column)
    ax.annotate("bez powiązań", xy=(x, top), xytext=(0, 22), textcoords="offset points", ha="center",
                va="bottom", fontsize=font, fontstyle="italic", color="#555555", zorder=5, path_effects=_halo())


def _fit_limits(ax: Axes, xy: np.ndarray, room_on_top: bool = False) -> None:
    """Room around the outermost partners for their circles and the ids printed under them."""
    low, high = xy.min(axis=0), xy.max(axis=0)
    span = np.maximum(high - low, 0.6)
    # neither a thin strip nor a tower: the title and legend sit well above the map whatever its shape
    span = np.maximum(span, [span[1], span[0] * 0.75])
    centre = (low + high) / 2
    ax.set_xlim(centre[0] - span[0] * 0.6, centre[0] + span[0] * 0.6)
    ax.set_ylim(centre[1] - span[1] * 0.66, centre[1] + span[1] * (0.8 if room_on_top else 0.57))
    ax.set_aspect("equal", adjustable="box")


class _CandidateHandle(Patch):
    """Legend key drawn as a dashed circle, like the candidates on the map."""


def _circle_key(legend, orig_handle, xdescent, ydescent, width, height, fontsize) -> Ellipse:
    side = min(width, height) + 5
    return Ellipse(xy=(width / 2 - xdescent, height / 2 - ydescent), width=side, height=side)


Overlay = tuple[str, list[tuple[Artist, str]]]  # a legend section of lines drawn over a map: header, (key, label)


def _legend_entries(drawn: list[_Drawn], new_label: str | None = None,
                    overlay: Overlay | None = None) -> tuple[list, list[str], list[int]]:
    colours = sector_colours()
    handles: list = []
    labels: list[str] = []
    headers: list[int] = []

    def header(text: str) -> None:
        if handles:
            handles.append(Line2D([], [], linestyle="none"))
            labels.append(" ")
        headers.append(len(handles))
        handles.append(Line2D([], [], linestyle="none"))
        labels.append(text)

    sectors = _sector_order(set().union(*(d.sectors for d in drawn)))
    if sectors:
        header("Sektor")
        for code in sectors:
            handles.append(Line2D([], [], linestyle="none", marker="o", markersize=13,
                                  markerfacecolor=_sector_colour(code, colours), markeredgecolor=NODE_EDGE))
            labels.append(_sector_label(code))
    roles = any(d.leader or d.candidates or d.highlight for d in drawn)
    if roles:
        header("Rola w PZK")
        if any(d.leader for d in drawn):
            handles.append(Line2D([], [], linestyle="none", marker="o", markersize=16, markerfacecolor="white",
                                  markeredgecolor="black", markeredgewidth=3.5))
            labels.append("lider")
        if any(d.candidates for d in drawn):
            handles.append(_CandidateHandle(facecolor="#F2F2F2", edgecolor="#555555", linestyle=(0, (2.5, 1.5)),
                                            linewidth=2.2))
            labels.append("kandydat (jeszcze poza PZK)")
        highlighted = next((d.highlight for d in drawn if d.highlight), None)
        if highlighted is not None:
            handles.append(Line2D([], [], linestyle="none", marker="o", markersize=16, markerfacecolor="white",
                                  markeredgecolor=ACCENT, markeredgewidth=3.5))
            labels.append(f"wybrany partner: {highlighted}")
    levels = set().union(*(d.levels for d in drawn))
    if levels:
        header("Poziom współpracy")
        names = _level_labels()
        for level in LEVELS:
            handles.append(Line2D([], [], color=LEVEL_GREY[level], linewidth=LEVEL_WIDTH[level],
                                  solid_capstyle="round"))
            labels.append(names.get(level, str(level)))
        if new_label is not None and any(d.new_ties for d in drawn):
            handles.append(Line2D([], [], color=ACCENT, linewidth=3.2, solid_capstyle="round"))
            labels.append(new_label)
        if any(d.highlight for d in drawn):
            handles.append(Line2D([], [], color=ACCENT, linewidth=3.2, solid_capstyle="round"))
            labels.append("powiązania wybranego partnera")
    if overlay is not None and overlay[1]:
        header(overlay[0])
        for handle, label in overlay[1]:
            handles.append(handle)
            labels.append(label)
    return handles, labels, headers


def _add_legend(target: Figure | Axes, drawn: list[_Drawn], new_label: str | None = None,
                overlay: Overlay | None = None) -> None:
    handles, labels, headers = _legend_entries(drawn, new_label, overlay)
    if not handles:
        return
    options = {"handler_map": {_CandidateHandle: HandlerPatch(patch_func=_circle_key)}, "frameon": False,
               "fontsize": LEGEND_SIZE, "handlelength": 2.6, "handleheight": 1.1,
               "labelspacing": 0.45, "borderaxespad": 0.6}
    if isinstance(target, Figure):
        legend = target.legend(handles, labels, loc="outside right upper", **options)
    else:
        legend = target.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.01, 1.0), **options)
    for i in headers:
        legend.get_texts()[i].set_fontweight("bold")
        legend.get_texts()[i].set_fontsize(LEGEND_SIZE + 1)


def _caption(drawn: _Drawn) -> str:
    lines = [SIZE_NOTE] if drawn.levels else []
    if drawn.nodes > MAX_LABELLED_NODES:
        lines.append(
            "Żeby napisy się nie nakładały, podpisano tylko "
            + ("lidera, " if drawn.leader else "")
            + "część partnerów z największą liczbą powiązań"
            + (" i partnerów bez powiązań" if drawn.isolates_labelled else "")
            + f"; wszystkich partnerów ({drawn.nodes}) wymienia tabela obok mapy."
        )
    return "\n".join(lines)


def _wrap(text: str, width: int = 150) -> str:
    """Captions must not run off a 12-inch figure; long ones break into lines."""
    return "\n".join(line for paragraph in text.split("\n") for line in textwrap.wrap(paragraph, width) or [""])


def _put_caption(fig: Figure, ax: Axes, text: str, own_figure: bool, y: float | None = None) -> None:
    if not text:
        return
    text = _wrap(text)
    if own_figure:
        place = {} if y is None else {"y": y, "va": "bottom"}
        fig.supxlabel(text, x=0.01, ha="left", fontsize=CAPTION_SIZE, color="#444444", linespacing=1.4, **place)
    else:
        ax.text(0.0, -0.01, text, transform=ax.transAxes, ha="left", va="top", fontsize=CAPTION_SIZE,
                color="#444444")


def _figure_of(ax: Axes) -> Figure:
    figure = ax.figure
    return getattr(figure, "figure", figure)


def _default_title(graph: nx.Graph) -> str:
    return f"Sieć współpracy: {_institutions_text(graph.number_of_nodes())}, {_ties_text(graph.number_of_edges())}"


@_projector_style
def draw_network(
    graph: nx.Graph,
    *,
    leader: Leaders = None,
    pos: dict | None = None,
    ax: Axes | None = None,
    title: str | None = None,
    highlight: str | None = None,
    skip_ties: Collection[frozenset] = frozenset(),
    overlay: Overlay | None = None,
) -> Figure:
    """The map the room talks about: who is in, which sectors, who works with whom and how closely.

    ``pos`` is a shared layout from :func:`compute_layout` (so filters and measurements do not move anybody);
    ``highlight`` is a partner id whose ties are drawn in the accent colour, e.g. the one picked in the widget.
    Given ``ax``, the map goes into the caller's figure and that figure is returned. A picture that draws lines
    of its own over the map (:mod:`pzk_kit.network.used_plots`) names the ties it redraws in ``skip_ties``
    (``frozenset({a, b})`` each) and its legend section in ``overlay``.
    """
    own = ax is None
    if own:
        fig = Figure(figsize=MAP_SIZE, layout="constrained")
        ax = fig.add_subplot()
    else:
        fig = _figure_of(ax)
    drawn = _draw_graph(ax, graph, complete_layout(graph, pos), leader=leader, highlight=highlight,
                        message_at_centre=pos is None, skip_ties=frozenset(skip_ties))
    ax.set_title(title if title is not None else _default_title(graph), fontsize=TITLE_SIZE, fontweight="bold",
                 loc="left", wrap=True)
    _add_legend(fig if own else ax, [drawn], overlay=overlay)
    _put_caption(fig, ax, _caption(drawn), own)
    if own:
        describe(fig, network_alt(graph, leader=leader, title=title))
    return fig


# -- the live map of the workshop app ---------------------------------------------------------------------------

LIVE_DPI = 110  # the on-screen map keeps the resolution of the reports' maps: the room sees the same picture
_PAD_IN = 3 / 72  # the constrained layout's default padding, so the live map sits where the report's map does
_LEGEND_MARGIN_IN = 0.6 * LEGEND_SIZE / 72  # the legend's borderaxespad: its distance from the figure's edge
_LEGEND_GAP_IN = 0.025  # between the map and its legend, as the constrained layout leaves it
LIVE_TITLE_WIDTH = 50  # characters of a title line (18 pt bold): longer titles break before the legend
_CAPTION_LINE_IN = 1.4 * CAPTION_SIZE / 72


def _legend_key(drawn: _Drawn) -> tuple:
    """Everything the legend of a single map depends on: equal keys give identical legends."""
    return (tuple(_sector_order(drawn.sectors)), drawn.leader, drawn.candidates, drawn.highlight, bool(drawn.levels))


@dataclass(frozen=True)
class _LegendPixels:
    """A legend drawn once, with where it goes on a map of MAP_SIZE: ``pixels`` (RGBA, bottom row first, as Agg
    takes them) at (``x``, ``y``) from the bottom left, the legend itself starting ``left`` pixels from the
    figure's left edge (not rounded)."""

    pixels: np.ndarray
    x: int
    y: int
    left: float


@functools.lru_cache(maxsize=64)
def _legend_pixels(key: tuple, dpi: float) -> _LegendPixels | None:
    """The legend of :func:`draw_network`, laid out and drawn once per content, for :func:`draw_live_network`.

    Laying out and drawing the legend is the larger part of saving a map; on a live screen the same few legends
    come back at every filter change, so each is drawn once and pasted afterwards. It is drawn at the same
    sub-pixel offset as the constrained layout puts it ("outside right upper"), so the pasted pixels are the ones
    :func:`draw_network` would draw.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    sectors, leader, candidates, highlight, levels = key
    drawn = _Drawn(sectors=set(sectors), leader=leader, candidates=candidates, highlight=highlight,
                   levels=set(LEVELS) if levels else set())
    with mpl.rc_context(_RC):
        fig = Figure(figsize=(6.0, 10.0), dpi=dpi, facecolor="white")
        canvas = FigureCanvasAgg(fig)
        _add_legend(fig, [drawn])
        if not fig.legends:
            return None
        legend = fig.legends[0]
        legend.set_loc("upper left")
        legend.borderaxespad = 0.0
        box = legend.get_window_extent(canvas.get_renderer())
        margin = _LEGEND_MARGIN_IN * dpi
        left = MAP_SIZE[0] * dpi - margin - box.width
        top = MAP_SIZE[1] * dpi - margin
        x, y_top = math.floor(left), math.ceil(top)
        width, height = math.ceil(left - x + box.width), math.ceil(y_top - top + box.height)
        fig.set_size_inches(width / dpi, height / dpi)
        legend.set_bbox_to_anchor(((left - x) / width, 1 - (y_top - top) / height), transform=fig.transFigure)
        canvas.draw()
        # shared by every map with this legend: read, never written
        pixels = np.ascontiguousarray(np.asarray(canvas.buffer_rgba())[::-1])
    return _LegendPixels(pixels=pixels, x=x, y=y_top - height, left=left)


class _PastedPixels(Artist):
    """Pixels drawn earlier, copied onto the canvas as they are at the resolution they were drawn for.

    A figimage would be resampled and colour-mapped at every save even when nothing needs it, which costs a live
    map more than drawing its legend. Saved at another resolution (or trimmed) the pixels are scaled and moved
    with the figure, so the legend is never lost, only no longer sharper than the rest.
    """

    def __init__(self, legend: _LegendPixels, dpi: float) -> None:
        super().__init__()
        self.pixels = legend.pixels
        self.dpi = dpi
        self.anchor = (legend.x / (MAP_SIZE[0] * dpi), legend.y / (MAP_SIZE[1] * dpi))  # figure fraction
        self.set_zorder(3)

    def _origin_and_scale(self) -> tuple[int, int, float]:
        figure = self.get_figure(root=True)
        x, y = figure.transFigure.transform(self.anchor)
        return round(x), round(y), figure.dpi / self.dpi

    def get_window_extent(self, renderer=None) -> Bbox:
        x, y, scale = self._origin_and_scale()
        height, width = self.pixels.shape[:2]
        return Bbox.from_bounds(x, y, width * scale, height * scale)

    def draw(self, renderer) -> None:
        if not self.get_visible():
            return
        x, y, scale = self._origin_and_scale()
        pixels = self.pixels
        if abs(scale - 1) > 1e-9:
            from PIL import Image

            height, width = pixels.shape[:2]
            size = (max(1, round(width * scale)), max(1, round(height * scale)))
            pixels = np.array(Image.fromarray(pixels).resize(size, Image.Resampling.LANCZOS))
        gc = renderer.new_gc()
        renderer.draw_image(gc, x, y, pixels)
        gc.restore()
        self.stale = False


@_projector_style
def draw_live_network(
    graph: nx.Graph,
    *,
    leader: Leaders = None,
    pos: dict | None = None,
    title: str | None = None,
    highlight: str | None = None,
    dpi: float = LIVE_DPI,
) -> Figure:
    """The map of :func:`draw_network` for a live screen, where it is redrawn at every filter change.

    It looks the same, but saving it draws it once instead of twice: the map gets a fixed place computed from the
    legend's size instead of a constrained layout, and the legend is pasted as pixels drawn once per content (see
    :func:`_legend_pixels`). Save it with :func:`pzk_kit.figures.live_png`, at its own ``dpi`` (other ways work
    too, only slower). Reports and notebooks keep :func:`draw_network`.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    width, height = MAP_SIZE
    # laid out here, once: the placeholder only tells figure_png not to trim the figure (it would lose nothing,
    # but the live map would no longer have the report map's size)
    fig = Figure(figsize=MAP_SIZE, dpi=dpi, layout=PlaceHolderLayoutEngine(True, True))
    renderer = FigureCanvasAgg(fig).get_renderer()  # the canvas the figure will be saved with, too
    ax = fig.add_subplot()  # placed at the end; until then where draw_network's is when its ids are chosen
    drawn = _draw_graph(ax, graph, complete_layout(graph, pos), leader=leader, highlight=highlight,
                        message_at_centre=pos is None)
    title = title if title is not None else _default_title(graph)
    # Broken here rather than by matplotlib (wrap=True), so that the room a long title needs is known; y=1.0 is
    # where matplotlib would put it anyway (the axes are off), and saying so spares measuring the hidden axes.
    title = "\n".join(line for part in title.split("\n") for line in textwrap.wrap(part, LIVE_TITLE_WIDTH) or [""])
    heading = ax.set_title(title, fontsize=TITLE_SIZE, fontweight="bold", loc="left", y=1.0)
    caption = _caption(drawn)
    _put_caption(fig, ax, caption, True, y=_PAD_IN / height)

    legend = _legend_pixels(_legend_key(drawn), float(dpi))
    right = width - _PAD_IN
    if legend is not None:
        fig.add_artist(_PastedPixels(legend, float(dpi)))
        right = legend.left / dpi - _LEGEND_GAP_IN
    lines = _wrap(caption).count("\n") + 1 if caption else 0
    bottom = _PAD_IN + (lines * _CAPTION_LINE_IN + 2 * _PAD_IN if lines else 0.0)
    limit = top = height - _PAD_IN
    for _ in range(2):  # as the constrained layout does: place the map, see where its title ends, place again
        ax.set_position((_PAD_IN / width, bottom / height, (right - _PAD_IN) / width, (top - bottom) / height))
        ax.apply_aspect()
        top = min(top - (heading.get_window_extent(renderer).y1 / dpi - limit), limit)
    ax.set_position((_PAD_IN / width, bottom / height, (right - _PAD_IN) / width, (top - bottom) / height))
    return fig


@_projector_style
def draw_network_pair(before: Network, after: Network) -> Figure:
    """Two measurements side by side on one layout, so the room sees growth as new lines, not as a new picture."""
    fig = Figure(figsize=PAIR_SIZE, layout="constrained")
    axes = fig.subplots(1, 2)
    pos = compute_layout([before.graph, after.graph])
    old = frozenset(_edge_key(a, b) for a, b in before.graph.edges)
    now = frozenset(_edge_key(a, b) for a, b in after.graph.edges)
    new = now - old
    drawn = [
        _draw_graph(axes[0], before.graph, pos, leader=before.leaders, shrink=PAIR_SHRINK),
        _draw_graph(axes[1], after.graph, pos, leader=after.leaders, new_ties=new, shrink=PAIR_SHRINK),
    ]
    axes[0].set_title(f"{before.measurement}: {_ties_text(before.ties)}", fontsize=TITLE_SIZE, fontweight="bold")
    title = f"{after.measurement}: {_ties_text(after.ties)}"
    if new:
        title += f", w tym {len(new)} {_plural(len(new), 'nowe', 'nowe', 'nowych')}"
    axes[1].set_title(title, fontsize=TITLE_SIZE, fontweight="bold")
    _same_view(axes, pos, [before.graph, after.graph])
    fig.suptitle(f"Jak zmieniła się sieć współpracy: {before.measurement} i {after.measurement}",
                 fontsize=20, fontweight="bold")
    _add_legend(fig, drawn, new_label=f"nowe powiązanie (nie było w {before.measurement})")
    lost = len(old - now)
    change = (f"Od {before.measurement} do {after.measurement}: nowe powiązania {len(new)}, "
              f"utracone {lost}. Partnerzy stoją w tych samych miejscach na obu mapach.")
    fig.supxlabel(_wrap(f"{change}\n{SIZE_NOTE}"), x=0.01, ha="left", fontsize=CAPTION_SIZE, color="#444444",
                  linespacing=1.4)
    return describe(fig, (
        f"Dwie mapy współpracy obok siebie, ten sam układ partnerów. Pomiar {before.measurement}: "
        f"{_ties_text(before.ties)}, {_isolates_text(before.graph)}. Pomiar {after.measurement}: "
        f"{_ties_text(after.ties)}, {_isolates_text(after.graph)}. Nowe powiązania: {len(new)}, utracone: {lost}."))


def _same_view(axes: Iterable[Axes], pos: dict, graphs: list[nx.Graph]) -> None:
    nodes = {v for g in graphs for v in g.nodes}
    if not nodes:
        return
    xy = np.array([pos[v] for v in sorted(nodes, key=node_key)], dtype=float)
    for ax in axes:
        _fit_limits(ax, xy, room_on_top=any(g.number_of_nodes() and not g.number_of_edges() for g in graphs))


# -- ego network -------------------------------------------------------------------------------------------------


def _ego_positions(ego: nx.Graph, partner: str) -> dict:
    """The partner in the centre, its partners on a clock face grouped by sector, strongest tie first."""
    order = {code: i for i, code in enumerate(dictionary("sektory").codes)}
    others = sorted(
        (v for v in ego.nodes if v != partner),
        key=lambda v: (order.get(ego.nodes[v].get("sektor"), len(order)),
                       -tie_level(ego.edges[partner, v]) if ego.has_edge(partner, v) else 0, node_key(v)),
    )
    pos = {partner: (0.0, 0.0)}
    for v, (x, y) in zip(others, ring(len(others)) if len(others) > 1 else [(0.0, 1.0)] * len(others),
                         strict=True):
        pos[v] = (float(x), float(y))
    return pos


@_projector_style
def draw_ego_network(net: Network, partner: str) -> Figure:
    """One partner's own circle: with whom it works and how closely, to talk it through with that partner."""
    fig = Figure(figsize=MAP_SIZE, layout="constrained")
    ax = fig.add_subplot()
    if partner not in net.graph:
        ax.set_axis_off()
        ax.text(0.5, 0.5, f"Nie ma partnera „{partner}” w pomiarze {net.measurement}", ha="center", va="center",
                fontsize=16, transform=ax.transAxes)
        fig.suptitle("Sieć wybranego partnera", fontsize=20, fontweight="bold")
        return fig
    ego = ego_network(net, partner)
    attrs = net.graph.nodes[partner]
    name = attrs.get("nazwa") or partner
    direct = ego.degree(partner)
    pos = _ego_positions(ego, partner)
    drawn = _draw_graph(ax, ego, pos, leader=net.leaders, focus=partner, message=(
        f"{partner} nie ma zgłoszonej współpracy w pomiarze {net.measurement}"))
    _label_levels(ax, ego, pos, partner)
    heading = "\n".join(textwrap.wrap(f"{name} ({partner})", 55))
    ax.set_title(heading, fontsize=TITLE_SIZE, fontweight="bold", loc="left", pad=30)
    ax.annotate(f"Pomiar {net.measurement} · bezpośrednie powiązania: {direct}", xy=(0, 1), xycoords="axes fraction",
                xytext=(0, 8), textcoords="offset points", ha="left", va="bottom", fontsize=SUBTITLE_SIZE)
    _add_legend(fig, [drawn])
    if direct:
        caption = (f"Liczby na liniach: poziom współpracy {partner} z partnerem (1–5). Jasne linie: współpraca "
                   f"partnerów {partner} między sobą. {SIZE_NOTE.split('.')[0]}.")
        fig.supxlabel(_wrap(caption), x=0.01, ha="left", fontsize=CAPTION_SIZE, color="#444444")
    own_ties = sorted(((v, tie_level(ego.edges[partner, v])) for v in ego.neighbors(partner)),
                      key=lambda item: (-item[1], node_key(item[0])))
    listed = ", ".join(f"{v} (poziom {level})" for v, level in own_ties)
    return describe(fig, f"Sieć partnera {name} ({partner}), pomiar {net.measurement}: bezpośrednie powiązania: "
                         f"{direct}" + (f" — {listed}." if listed else "."))


def _label_levels(ax: Axes, ego: nx.Graph, pos: dict, partner: str) -> None:
    """Level digits on the chosen partner's own ties: the conversation is about those."""
    for a, b, data in ego.edges(data=True):
        if partner not in (a, b):
            continue
        (xa, ya), (xb, yb) = pos[a], pos[b]
        share = 0.62 if a == partner else 0.38  # nearer the outer end, so the digits do not pile up in the centre
        x, y = xa + (xb - xa) * share, ya + (yb - ya) * share
        ax.text(x, y, str(tie_level(data)), ha="center", va="center", fontsize=12, fontweight="bold", zorder=4,
                bbox={"boxstyle": "circle,pad=0.25", "facecolor": "white",
                      "edgecolor": LEVEL_GREY[tie_level(data)], "linewidth": 1.2})


# -- charts -------------------------------------------------------------------------------------------------------


@_projector_style
def draw_sector_heatmap(counts: pd.DataFrame, means: pd.DataFrame) -> Figure:
    """Which policies already meet and which never do: the empty cells are the conversation to have."""
    title = "Powiązania między sektorami"
    if counts.empty or counts.to_numpy().sum() == 0:
        return message_figure(title, NO_TIES, HEATMAP_SIZE, look=PROJECTOR)
    rows = [_maybe_sector_label(x) for x in counts.index]
    cols = [_maybe_sector_label(x) for x in counts.columns]
    values = counts.to_numpy(dtype=float)
    levels = means.reindex(index=counts.index, columns=counts.columns).to_numpy(dtype=float)
    fig = Figure(figsize=HEATMAP_SIZE, layout="constrained")
    ax = fig.add_subplot()
    top = max(values.max(), 1.0)
    cmap = mpl.colormaps["Blues"]
    image = ax.imshow(values, cmap=cmap, vmin=0, vmax=top, aspect="auto")
    n_rows, n_cols = values.shape
    big = 13 if max(n_rows, n_cols) <= 14 else 11
    small = 10
    for i in range(n_rows):
        for j in range(n_cols):
            count = values[i, j]
            if count <= 0:
                continue
            ink = "white" if count / top > 0.55 else TEXT_COLOUR
            mean = levels[i, j]
            if np.isfinite(mean):
                ax.text(j, i - 0.13, f"{int(count)}", ha="center", va="center", fontsize=big, fontweight="bold",
                        color=ink)
                ax.text(j, i + 0.25, f"śr. {_decimal(mean)}", ha="center", va="center", fontsize=small, color=ink)
            else:
                ax.text(j, i, f"{int(count)}", ha="center", va="center", fontsize=big, fontweight="bold", color=ink)
    ax.set_xticks(range(n_cols), cols, rotation=40, ha="right", rotation_mode="anchor", fontsize=12)
    ax.set_yticks(range(n_rows), rows, fontsize=12)
    ax.set_xticks(np.arange(-0.5, n_cols, 1), minor=True)
    ax.set_yticks(np.arange(-0.5, n_rows, 1), minor=True)
    ax.grid(which="minor", color="white", linewidth=2)
    ax.tick_params(which="minor", length=0)
    ax.tick_params(which="major", length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_xlabel("Sektor partnera", fontsize=14)
    ax.set_ylabel("Sektor", fontsize=14)
    ax.set_title(title, fontsize=TITLE_SIZE, fontweight="bold", loc="left")
    bar = fig.colorbar(image, ax=ax, shrink=0.8, pad=0.02)
    bar.set_label("Liczba powiązań", fontsize=14)
    bar.ax.tick_params(labelsize=12)
    bar.ax.yaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
    fig.supxlabel("W polu: liczba powiązań i (mniejszą czcionką) ich średni poziom 1–5. Puste pole: brak "
                  "powiązań. Przekątna: współpraca wewnątrz jednego sektora.",
                  x=0.01, ha="left", fontsize=CAPTION_SIZE, color="#444444")
    return describe(fig, _sector_alt(title, rows, cols, values, levels))


def _sector_alt(title: str, rows: list[str], cols: list[str], values: np.ndarray, levels: np.ndarray) -> str:
    """The busiest sector pairs and how many pairs never meet (each unordered pair once: the table is symmetric)."""
    pairs = []
    square = rows == cols
    for i in range(len(rows)):
        for j in range(len(cols)):
            if square and j < i:
                continue
            pairs.append((values[i, j], levels[i, j], rows[i] if i == j else f"{rows[i]} – {cols[j]}"))
    met = sorted((p for p in pairs if p[0] > 0), key=lambda p: (-p[0], p[2]))
    shown = []
    for count, mean, label in met[:ALT_TOP]:
        level = f", średni poziom {_decimal(mean)}" if np.isfinite(mean) else ""
        shown.append(f"{label if ' – ' in label else label + ' (wewnątrz sektora)'}: {_ties_text(int(count))}"
                     f"{level}")
    return (f"{title}: {len(rows)} sektorów. Najwięcej powiązań: {'; '.join(shown)}. "
            f"Pary sektorów bez powiązań: {len(pairs) - len(met)} z {len(pairs)}.")


def _maybe_sector_label(value: object) -> str:
    """Tables from :func:`pzk_kit.network.sector_matrix` already carry labels; codes are translated too."""
    text = str(value)
    return dictionary("sektory").label(text) if text in dictionary("sektory").codes else text


@_projector_style
def draw_level_distribution(distributions: dict[str, pd.Series]) -> Figure:
    """How close the cooperation is, and whether it deepened: ties moving from level 1–2 towards 3–5."""
    title = "Powiązania według poziomu współpracy"
    series = {name: s for name, s in distributions.items() if s is not None and len(s)}
    if not series:
        return message_figure(title, NO_TIES, BARS_SIZE, look=PROJECTOR)
    categories: list = []
    for s in series.values():
        categories += [c for c in s.index if c not in categories]
    fig = Figure(figsize=BARS_SIZE, layout="constrained")
    ax = fig.add_subplot()
    count = len(series)
    width = 0.8 / count
    cmap = mpl.colormaps["Blues"]
    shades = [cmap(x) for x in np.linspace(0.45, 0.9, count)] if count > 1 else [cmap(0.75)]
    x = np.arange(len(categories))
    top = 0
    for i, (name, s) in enumerate(series.items()):
        values = [int(s.get(c, 0)) for c in categories]
        top = max(top, *values)
        bars = ax.bar(x - 0.4 + width * (i + 0.5), values, width * 0.92, color=shades[i], edgecolor=EDGE,
                      linewidth=0.8, label=str(name))
        ax.bar_label(bars, labels=[str(v) for v in values], padding=3, fontsize=13, fontweight="bold")
    ax.set_xticks(x, [str(c).replace(" ", "\n", 1) for c in categories], fontsize=13)
    ax.set_ylim(0, max(top, 1) * 1.15)
    ax.yaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
    ax.tick_params(axis="y", labelsize=12)
    ax.set_xlabel("Poziom współpracy", fontsize=14)
    ax.set_ylabel("Liczba powiązań", fontsize=14)
    ax.set_title(title, fontsize=TITLE_SIZE, fontweight="bold", loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#DDDDDD", linewidth=0.8)
    ax.set_axisbelow(True)
    ax.legend(title="Pomiar", fontsize=LEGEND_SIZE + 1, title_fontsize=LEGEND_SIZE + 1, frameon=False,
              loc="upper right")
    described = "; ".join(f"pomiar {name}: " + ", ".join(f"{c} — {int(s.get(c, 0))}" for c in categories)
                          for name, s in series.items())
    return describe(fig, f"{title} (liczba powiązań na każdym poziomie): {described}.")


# -- table beside the map ------------------------------------------------------------------------------------------


def partner_lookup(graph: nx.Graph) -> pd.DataFrame:
    """The map shows short ids to stay readable; this table, printed beside it, tells the room who they are."""
    rows = [
        {"id": v, "Nazwa": attrs.get("nazwa") or "", "Sektor": _sector_label(attrs.get("sektor"))
         if attrs.get("sektor") else ""}
        for v, attrs in sorted(graph.nodes(data=True), key=lambda item: node_key(item[0]))
    ]
    return pd.DataFrame(rows, columns=["id", "Nazwa", "Sektor"])
