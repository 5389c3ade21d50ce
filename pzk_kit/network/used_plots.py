"""The declared map with the task teams laid over it: which ties work in cases, which only on paper.

The base is the ordinary map of :func:`pzk_kit.network.plots.draw_network` (same layout, circles, colours and
legend), so the room recognises the picture it already discussed; only the ties the comparison is about are
redrawn in three styles that differ in shape as well as colour (colour-blind viewers, grey printouts):
confirmed ties thick green, paper ties grey dashed, undeclared cooperation orange dotted.
"""

from __future__ import annotations

from collections.abc import Collection

import matplotlib as mpl
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from pzk_kit import polish
from pzk_kit.figures import describe
from pzk_kit.network.layout import complete_layout
from pzk_kit.network.measures import Network
from pzk_kit.network.plots import _RC, draw_network
from pzk_kit.network.used import UsedComparison, sentence

CONFIRMED_COLOUR = "#1B7837"
PAPER_COLOUR = "#707070"
UNDECLARED_COLOUR = "#E66100"
CONFIRMED_WIDTH, PAPER_WIDTH, UNDECLARED_WIDTH = 5.0, 2.4, 3.4
PAPER_DASHES = (0, (5.0, 3.0))
UNDECLARED_DOTS = (0, (0.6, 2.2))
OVERLAY_HEADER = "Zespoły zadaniowe"
OVERLAY_SIZE = (13.0, 9.5)  # the map's legend gains a section: taller than the plain map so it still fits


def _styles() -> list[tuple[str, str, float, object, str]]:
    """(group, colour, width, line style, legend label) of each overlay group, drawn in this order."""
    return [
        ("paper", PAPER_COLOUR, PAPER_WIDTH, PAPER_DASHES, "tylko na papierze (poziom 3–5, bez sprawy)"),
        ("confirmed", CONFIRMED_COLOUR, CONFIRMED_WIDTH, "solid", "zgłoszone i potwierdzone w sprawach"),
        ("undeclared", UNDECLARED_COLOUR, UNDECLARED_WIDTH, UNDECLARED_DOTS, "wspólne sprawy bez zgłoszenia na mapie"),
    ]


def draw_used_overlay(net: Network, comparison: UsedComparison, *, pos: dict | None = None,
                      title: str | None = None, leader: Collection[str] | str | None = None) -> Figure:
    """The declared map of ``net`` with the comparison's pairs overlaid (shared layout ``pos`` when given).

    Without the register or without cases the plain map is drawn with a Polish note in the title, never an error.
    """
    graph = net.graph
    pos = complete_layout(graph, pos)
    groups = {"confirmed": comparison.confirmed, "paper": comparison.paper, "undeclared": comparison.undeclared}
    groups = {name: [p for p in pairs if p[0] in pos and p[1] in pos] for name, pairs in groups.items()}
    redrawn = frozenset(frozenset(p) for name in ("confirmed", "paper") for p in groups[name])
    scale = 1.0 if graph.number_of_nodes() <= 60 else 0.6
    keys = [(Line2D([], [], color=colour, linewidth=width * scale, linestyle=style, dash_capstyle="round",
                    solid_capstyle="round"), f"{label} ({len(groups[name])})")
            for name, colour, width, style, label in _styles() if groups[name]]
    heading = title or f"Mapa zgłoszona a współpraca w zespołach\npomiar {net.measurement}"
    with mpl.rc_context(_RC):
        fig = draw_network(graph, leader=net.leaders if leader is None else leader, pos=pos, title=heading,
                           skip_ties=redrawn, overlay=(OVERLAY_HEADER, keys))
        fig.set_size_inches(*OVERLAY_SIZE)
        ax = fig.axes[0]
        for name, colour, width, style, _ in _styles():
            pairs = groups[name]
            if not pairs:
                continue
            lines = LineCollection([(pos[a], pos[b]) for a, b in pairs], colors=colour, linewidths=width * scale,
                                   linestyles=style, zorder=2, capstyle="round", alpha=0.95)
            lines.set_gid(f"zespoly_{name}")
            ax.add_collection(lines)
    return describe(fig, _alt(" — ".join(heading.split("\n")), comparison, groups))


def _alt(title: str, comparison: UsedComparison, groups: dict) -> str:
    """The picture in words, for screen readers: the same counts the sentence under it gives."""
    if not comparison.collected or not comparison.cases:
        return f"{title}: {sentence(comparison)}"
    return (f"{title}: {polish.count(comparison.cases, 'sprawa', 'sprawy', 'spraw')}; "
            f"powiązania potwierdzone w sprawach: {len(groups['confirmed'])}, tylko na papierze: "
            f"{len(groups['paper'])}, wspólne sprawy bez zgłoszenia na mapie: {len(groups['undeclared'])}.")
