"""Pictures of the service basket for the workshop wall: coverage, gaps and access barriers.

Built without pyplot (see :mod:`pzk_kit.figures`), Polish labels, sizes readable on a projector.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from pzk_kit.figures import describe, literal_text
from pzk_kit.style import AMBER, EDGE, FONT, GREEN, GREY, INK, RED, message_figure
from pzk_kit.workbook.dictionaries import dictionary

GAP_COLOUR = RED
COVERED_COLOUR = GREEN
PRIORITY_COLOURS = {1: RED, 2: "#ef6c00", 3: AMBER}
_CMAP = LinearSegmentedColormap.from_list("pzk_blues", ["#ffffff", "#c6dbef", "#4292c6", "#08306b"])


def _people(value: object) -> str:
    return "liczba osób nieznana" if value is None or pd.isna(value) else f"{int(value)} os."


@literal_text
def draw_coverage_heatmap(services: pd.DataFrame, needs: pd.DataFrame | None = None) -> Figure:
    """Need area × group, number of services; needs from the diagnosis outlined (green covered, red gap).

    ``services`` comes from :func:`pzk_kit.basket.coverage_matrix`; ``needs`` from
    :func:`pzk_kit.basket.needs_coverage` (codes are translated to the same Polish labels).
    """
    title = "Pokrycie potrzeb usługami"
    if services.empty:
        return message_figure(title, "Brak usług i potrzeb do pokazania.")
    rows, cols = services.shape
    figure = Figure(figsize=(max(10, 0.85 * cols + 5), max(5, 0.48 * rows + 3)))
    ax = figure.subplots()
    values = services.to_numpy(dtype=float)
    image = ax.imshow(values, cmap=_CMAP, aspect="auto", vmin=0, vmax=max(values.max(), 1))
    for (r, c), value in np.ndenumerate(values):
        if value:
            ax.text(c, r, f"{int(value)}", ha="center", va="center", fontsize=10, family=FONT,
                    color="white" if value > values.max() * 0.6 else INK)
    if needs is not None and len(needs):
        areas, groups = dictionary("obszary_potrzeb"), dictionary("grupy_docelowe")
        row_of = {label: i for i, label in enumerate(services.index)}
        col_of = {label: i for i, label in enumerate(services.columns)}
        for area, group, covered in zip(needs["obszar"], needs["grupa"], needs["pokryta"], strict=True):
            r, c = row_of.get(areas.label(area)), col_of.get(groups.label(group))
            if r is None or c is None:
                continue
            ax.add_patch(Rectangle((c - 0.47, r - 0.47), 0.94, 0.94, fill=False, linewidth=2.6,
                                   edgecolor=COVERED_COLOUR if covered else GAP_COLOUR))
        figure.legend(handles=[
            Patch(facecolor="white", edgecolor=COVERED_COLOUR, linewidth=2.6, label="potrzeba pokryta"),
            Patch(facecolor="white", edgecolor=GAP_COLOUR, linewidth=2.6, label="luka: potrzeba bez usługi"),
        ], loc="upper right", fontsize=11, frameon=False, ncol=2)
    column_labels = [textwrap.fill(c, 16, break_long_words=False) for c in services.columns]
    ax.set_xticks(range(cols), column_labels, rotation=45, ha="right", fontsize=10, family=FONT)
    ax.set_yticks(range(rows), [textwrap.shorten(r, 48, placeholder="…") for r in services.index], fontsize=10,
                  family=FONT)
    ax.set_xlabel("Grupa docelowa", fontsize=12, family=FONT)
    ax.set_ylabel("Obszar potrzeb", fontsize=12, family=FONT)
    ax.set_title(title, fontsize=18, fontweight="bold", loc="left", family=FONT, pad=28)
    bar = figure.colorbar(image, ax=ax, fraction=0.03, pad=0.02)
    bar.set_label("Liczba usług", fontsize=11, family=FONT)
    figure.tight_layout()
    return describe(figure, _coverage_alt(title, services, needs))


def _coverage_alt(title: str, services: pd.DataFrame, needs: pd.DataFrame | None) -> str:
    """Grid size, how many pairs have a service, and the diagnosis' needs: covered and the gaps by name."""
    values = services.to_numpy(dtype=float)
    text = (f"{title}: {services.shape[0]} obszarów potrzeb × {services.shape[1]} grup docelowych; "
            f"co najmniej jedną usługę ma {int((values > 0).sum())} z {values.size} par obszar–grupa.")
    if needs is not None and len(needs):
        areas, groups = dictionary("obszary_potrzeb"), dictionary("grupy_docelowe")
        covered = int(needs["pokryta"].astype(bool).sum())
        gaps = [f"{areas.label(a)} — {groups.label(g).lower()}"
                for a, g, ok in zip(needs["obszar"], needs["grupa"], needs["pokryta"], strict=True) if not ok]
        text += f" Potrzeby z diagnozy: {len(needs)}, pokryte: {covered}"
        text += f", luki ({len(gaps)}): {'; '.join(gaps)}." if gaps else ", luk brak."
    return text


@literal_text
def draw_gaps(gaps: pd.DataFrame) -> Figure:
    """Uncovered needs as bars of people affected, coloured by priority (``basket.gaps_table`` layout)."""
    title = "Luki: potrzeby bez usługi"
    if gaps.empty:
        return message_figure(title, "Każda potrzeba z diagnozy ma co najmniej jedną usługę.")
    labels = [textwrap.fill(f"{a} — {g.lower()}", 46) for a, g in zip(gaps["Obszar potrzeb"], gaps["Grupa"],
                                                                         strict=True)]
    people = [0 if pd.isna(v) else int(v) for v in gaps["Liczba osób"]]
    priorities = [None if pd.isna(p) else int(p) for p in gaps["Priorytet"]]
    figure = Figure(figsize=(11, max(3.5, 0.9 * len(gaps) + 1.8)))
    ax = figure.subplots()
    positions = np.arange(len(gaps))[::-1]
    colours = [PRIORITY_COLOURS.get(p, GREY) for p in priorities]
    ax.barh(positions, people, color=colours, edgecolor=EDGE)
    for y, value in zip(positions, people, strict=True):
        ax.text(value, y, f" {value} os." if value else " liczba osób nieznana", va="center", fontsize=11,
                family=FONT)
    ax.set_yticks(positions, labels, fontsize=11, family=FONT)
    ax.set_xlabel("Liczba osób z tą potrzebą", fontsize=12, family=FONT)
    ax.set_title(title, fontsize=18, fontweight="bold", loc="left", family=FONT)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_xlim(0, max([*people, 1]) * 1.25)
    ax.legend(handles=[Patch(color=c, label=f"priorytet {p}") for p, c in PRIORITY_COLOURS.items()],
              loc="lower right", fontsize=11, frameon=False)
    figure.tight_layout()
    listed = "; ".join(
        f"{a} — {g.lower()} ({'priorytet ' + str(int(p)) if not pd.isna(p) else 'priorytet nieznany'}, {_people(n)})"
        for a, g, p, n in zip(gaps["Obszar potrzeb"], gaps["Grupa"], gaps["Priorytet"], gaps["Liczba osób"],
                              strict=True))
    return describe(figure, f"{title}, od najpilniejszych ({len(gaps)}): {listed}.")


@literal_text
def draw_access(barriers: pd.DataFrame) -> Figure:
    """Two stacked bars: how residents get in (access mode) and what it costs (``basket.access_barriers``)."""
    title = "Jak mieszkaniec dostaje się do usługi"
    total = int(barriers["Usługi"].sum()) if len(barriers) else 0
    if not total:
        return message_figure(title, "Brak usług w koszyku.")
    palette = [GREEN, AMBER, RED, GREY]
    figure = Figure(figsize=(11, 3.8))
    ax = figure.subplots()
    features = list(dict.fromkeys(barriers["Cecha"]))
    for y, feature in enumerate(reversed(features)):
        part = barriers[(barriers["Cecha"] == feature) & (barriers["Usługi"] > 0)]
        left = 0.0
        for colour, (label, share, count) in zip(palette, zip(part["Wartość"], part["Udział"], part["Usługi"],
                                                                 strict=True), strict=False):
            ax.barh(y, share, left=left, color=colour, edgecolor="white", height=0.6)
            if share >= 0.06:
                ax.text(left + share / 2, y, f"{label}\n{share:.0%} ({count})", ha="center", va="center",
                        fontsize=10, family=FONT, color="white" if colour != AMBER else INK)
            left += share
    ax.set_yticks(range(len(features)), list(reversed(features)), fontsize=12, family=FONT)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(lambda value, _pos: f"{value:.0%}")
    ax.set_title(title, fontsize=18, fontweight="bold", loc="left", family=FONT)
    ax.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    described = []
    for feature in features:
        part = barriers[(barriers["Cecha"] == feature) & (barriers["Usługi"] > 0)]
        described.append(f"{feature}: " + ", ".join(
            f"{label} {share:.0%} ({int(count)})".replace("%", " %")
            for label, share, count in zip(part["Wartość"], part["Udział"], part["Usługi"], strict=True)))
    services = int(barriers.loc[barriers["Cecha"] == features[0], "Usługi"].sum())
    return describe(figure, f"{title} — udział usług w koszyku ({services}). {'. '.join(described)}.")
